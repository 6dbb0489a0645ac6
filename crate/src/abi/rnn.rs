//! Recurrent layers (see kernels::rnn). `desc`: 4 i32 [mode, hidden, proj, reverse];
//! `batch_sizes`: `steps` int64 values (PyTorch's PackedSequence.batch_sizes).

use crate::dtype::*;
use crate::status::*;
use crate::kernels::rnn::{self, RnnShape};

unsafe fn shape(desc: *const i32) -> RnnShape {
    let f = |i: usize| *desc.add(i);
    RnnShape { mode: f(0) as u32, hidden: f(1) as usize, proj: f(2) as usize, reverse: f(3) != 0 }
}

unsafe fn sizes(batch_sizes: usize, steps: usize) -> Vec<usize> {
    (0..steps).map(|t| *(batch_sizes as *const i64).add(t) as usize).collect()
}

/// One layer and direction over precomputed input gates; `ws` 0 keeps no workspace.
///
/// # Safety
/// See abi/mod.rs and kernels::rnn::forward.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn rnn_layer_forward(
    dt: u32, desc: *const i32, steps: usize, batch_sizes: usize, gi: usize, h0: usize, c0: usize, w_hh: usize, b_hh: usize,
    w_hr: usize, out: usize, hn: usize, cn: usize, ws: usize,
) -> i32 {
    let (s, bs) = (shape(desc), sizes(batch_sizes, steps));
    match dt {
        F32 => rnn::forward::<f32>(&s, &bs, gi as _, h0 as _, c0 as _, w_hh as _, b_hh as _, w_hr as _, out as _, hn as _, cn as _, ws as _),
        F64 => rnn::forward::<f64>(&s, &bs, gi as _, h0 as _, c0 as _, w_hh as _, b_hh as _, w_hr as _, out as _, hn as _, cn as _, ws as _),
        _ => return ERR_BAD_OP,
    }
    OK
}

/// Gradients of rnn_layer_forward from its workspace (gout, ghn, gcn and every output
/// but d_gi may be 0).
///
/// # Safety
/// See abi/mod.rs and kernels::rnn::backward.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn rnn_layer_backward(
    dt: u32, desc: *const i32, steps: usize, batch_sizes: usize, ws: usize, out: usize, w_hh: usize, w_hr: usize,
    gout: usize, ghn: usize, gcn: usize, d_gi: usize, dh0: usize, dc0: usize, dw_hh: usize, db_hh: usize, dw_hr: usize,
) -> i32 {
    let (s, bs) = (shape(desc), sizes(batch_sizes, steps));
    match dt {
        F32 => rnn::backward::<f32>(
            &s, &bs, ws as _, out as _, w_hh as _, w_hr as _, gout as _, ghn as _, gcn as _, d_gi as _, dh0 as _, dc0 as _, dw_hh as _,
            db_hh as _, dw_hr as _,
        ),
        F64 => rnn::backward::<f64>(
            &s, &bs, ws as _, out as _, w_hh as _, w_hr as _, gout as _, ghn as _, gcn as _, d_gi as _, dh0 as _, dc0 as _, dw_hh as _,
            db_hh as _, dw_hr as _,
        ),
        _ => return ERR_BAD_OP,
    }
    OK
}
