//! Fused attention (see kernels::attention). `desc`: 32 i32
//! [batch, heads, lq, lk, d, dv, causal,
//!  q(b, h, row), k(b, h, row), v(b, h, row), mask(b, h, i, j), o(b, h, row),
//!  dq(b, h, row), dk(b, h, row), dv(b, h, row)]
//! where `o` is the output (forward) or the output's gradient (backward) and the last
//! nine are read by the backward only. Pointers of 0: no mask / gradient not wanted.

use crate::dtype::*;
use crate::status::*;
use crate::kernels::attention::{self, AttnShape, MaskStrides, Rows};

unsafe fn shape(desc: *const i32) -> AttnShape {
    let f = |i: usize| *desc.add(i) as usize;
    AttnShape { batch: f(0), heads: f(1), lq: f(2), lk: f(3), d: f(4), dv: f(5), causal: f(6) != 0 }
}

/// Row strides of operand `k` (0 = q, 1 = k, 2 = v, then o, dq, dk, dv after the mask).
unsafe fn rows(desc: *const i32, k: usize) -> Rows {
    let base = if k < 3 { 7 + 3 * k } else { 20 + 3 * (k - 3) };
    let f = |i: usize| *desc.add(base + i) as isize;
    Rows { b: f(0), h: f(1), row: f(2) }
}

unsafe fn mask_strides(desc: *const i32) -> MaskStrides {
    let f = |i: usize| *desc.add(16 + i) as isize;
    MaskStrides { b: f(0), h: f(1), i: f(2), j: f(3) }
}

/// out = softmax(scale * q k^T + mask) v per (batch, head).
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn attention_forward(dt: u32, desc: *const i32, q: usize, k: usize, v: usize, mask: usize, out: usize, scale: f64) -> i32 {
    let s = shape(desc);
    let (qs, ks, vs, ms, os) = (rows(desc, 0), rows(desc, 1), rows(desc, 2), mask_strides(desc), rows(desc, 3));
    match dt {
        F32 => attention::forward::<f32>(&s, scale as f32, q as _, qs, k as _, ks, v as _, vs, mask as _, ms, out as _, os),
        F64 => attention::forward::<f64>(&s, scale, q as _, qs, k as _, ks, v as _, vs, mask as _, ms, out as _, os),
        _ => return ERR_BAD_OP,
    }
    OK
}

/// Gradients of attention_forward with respect to q, k and v, given the output's gradient.
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn attention_backward(
    dt: u32, desc: *const i32, q: usize, k: usize, v: usize, mask: usize, dout: usize, dq: usize, dk: usize, dv: usize, scale: f64,
) -> i32 {
    let s = shape(desc);
    let (qs, ks, vs, ms, dos) = (rows(desc, 0), rows(desc, 1), rows(desc, 2), mask_strides(desc), rows(desc, 3));
    let (dqs, dks, dvs) = (rows(desc, 4), rows(desc, 5), rows(desc, 6));
    match dt {
        F32 => attention::backward::<f32>(
            &s, scale as f32, q as _, qs, k as _, ks, v as _, vs, mask as _, ms, dout as _, dos, dq as _, dqs, dk as _, dks, dv as _, dvs,
        ),
        F64 => attention::backward::<f64>(
            &s, scale, q as _, qs, k as _, ks, v as _, vs, mask as _, ms, dout as _, dos, dq as _, dqs, dk as _, dks, dv as _, dvs,
        ),
        _ => return ERR_BAD_OP,
    }
    OK
}
