//! One TransformerEncoderLayer in inference (see kernels::encoder_layer). `desc`: 12 i32
//! [batch, seq, embed, heads, ff, norm_first, activation (unary op code),
//!  unused, mask(b, h, i, j)]; `params`: 12 pointers (0 = absent)
//! [in_w, in_b, out_w, out_b, norm1_w, norm1_b, norm2_w, norm2_b,
//!  linear1_w, linear1_b, linear2_w, linear2_b].

use crate::dtype::*;
use crate::kernels::attention::MaskStrides;
use crate::kernels::encoder_layer::{self, EncoderShape, EncoderWeights};
use crate::status::*;

unsafe fn weights<T>(params: *const u32) -> EncoderWeights<T> {
    let p = |i: usize| *params.add(i) as usize as *const T;
    EncoderWeights {
        in_w: p(0), in_b: p(1), out_w: p(2), out_b: p(3), norm1_w: p(4), norm1_b: p(5), norm2_w: p(6), norm2_b: p(7),
        linear1_w: p(8), linear1_b: p(9), linear2_w: p(10), linear2_b: p(11),
    }
}

/// out = the encoder layer applied to x (batch-first, contiguous); mask 0: none. float32
/// only: a float64 instance would cost its own GEMM, attention and norm code (size budget).
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn encoder_layer_forward(dt: u32, desc: *const i32, params: *const u32, x: usize, mask: usize, out: usize, eps: f64) -> i32 {
    let f = |i: usize| *desc.add(i) as usize;
    let s = EncoderShape {
        batch: f(0), seq: f(1), embed: f(2), heads: f(3), ff: f(4), norm_first: f(5) != 0, activation: f(6) as u32, eps,
    };
    let g = |i: usize| *desc.add(8 + i) as isize;
    let ms = MaskStrides { b: g(0), h: g(1), i: g(2), j: g(3) };
    match dt {
        F32 => encoder_layer::forward::<f32>(&s, &weights(params), x as _, mask as _, ms, out as _),
        _ => ERR_BAD_OP,
    }
}
