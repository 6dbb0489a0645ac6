//! Losses (see kernels::loss). Class-index cross entropy on (outer, classes, inner)
//! contiguous float32/float64 input; weight and exps 0 for none. ERR_INDEX: a target out
//! of range (its value in last_bad_index()).

use crate::dtype::*;
use crate::status::*;
use crate::kernels::loss::{self, CeShape, CeTarget};

fn target<T>(target: usize, weight: usize, ignore_index: i64, smoothing: f64) -> CeTarget<T> {
    CeTarget { target: target as _, weight: weight as _, ignore_index, smoothing }
}

/// loss and row_weight per row, stats = (max, log(sum)) per row, exp(x - max) in exps.
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn cross_entropy_forward(
    dt: u32, outer: usize, classes: usize, inner: usize, x: usize, tgt: usize, weight: usize, ignore_index: i64, smoothing: f64,
    loss: usize, row_weight: usize, stats: usize, exps: usize,
) -> i32 {
    let s = CeShape { outer, classes, inner };
    match dt {
        F32 => loss::cross_entropy_forward::<f32>(&s, x as _, &target(tgt, weight, ignore_index, smoothing), loss as _, row_weight as _, stats as _, exps as _),
        F64 => loss::cross_entropy_forward::<f64>(&s, x as _, &target(tgt, weight, ignore_index, smoothing), loss as _, row_weight as _, stats as _, exps as _),
        _ => ERR_BAD_OP,
    }
}

/// gx from the forward's stats (and exps unless 0) and the per-row gradient scale g
/// (g_stride 0: one for all rows).
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn cross_entropy_backward(
    dt: u32, outer: usize, classes: usize, inner: usize, x: usize, tgt: usize, weight: usize, ignore_index: i64, smoothing: f64,
    stats: usize, exps: usize, g: usize, g_stride: usize, gx: usize,
) -> i32 {
    let s = CeShape { outer, classes, inner };
    match dt {
        F32 => loss::cross_entropy_backward::<f32>(&s, x as _, &target(tgt, weight, ignore_index, smoothing), stats as _, exps as _, g as _, g_stride, gx as _),
        F64 => loss::cross_entropy_backward::<f64>(&s, x as _, &target(tgt, weight, ignore_index, smoothing), stats as _, exps as _, g as _, g_stride, gx as _),
        _ => ERR_BAD_OP,
    }
}
