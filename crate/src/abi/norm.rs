//! Normalisation (see kernels::norm). `desc`: 5 i32 [N, C, HW, groups, per_sample].

use crate::status::*;
use crate::dtype::*;
use crate::kernels::norm::{self, NormShape};

unsafe fn shape(desc: *const i32) -> NormShape {
    let f = |i: usize| *desc.add(i) as usize;
    NormShape { n: f(0), c: f(1), hw: f(2), groups: f(3).max(1), per_sample: f(4) != 0 }
}

/// mean, rstd (and the biased variance when `var` is not 0) per statistic.
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn norm_stats(dt: u32, desc: *const i32, x: usize, eps: f64, mean: usize, rstd: usize, var: usize) -> i32 {
    let s = shape(desc);
    match dt {
        F32 => norm::stats::<f32>(&s, x as _, eps, mean as _, rstd as _, var as _),
        F64 => norm::stats::<f64>(&s, x as _, eps, mean as _, rstd as _, var as _),
        _ => return ERR_BAD_OP,
    }
    OK
}

/// y = (x - mean) * rstd * w + b (w, b: 0 for none).
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn norm_apply(dt: u32, desc: *const i32, x: usize, mean: usize, rstd: usize, w: usize, b: usize, y: usize) -> i32 {
    let s = shape(desc);
    match dt {
        F32 => norm::apply::<f32>(&s, x as _, mean as _, rstd as _, w as _, b as _, y as _),
        F64 => norm::apply::<f64>(&s, x as _, mean as _, rstd as _, w as _, b as _, y as _),
        _ => return ERR_BAD_OP,
    }
    OK
}

/// Gradients of norm_apply (gx, gw, gb: 0 for not wanted).
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn norm_backward(
    dt: u32, desc: *const i32, gy: usize, x: usize, mean: usize, rstd: usize, w: usize, stats_const: u32, gx: usize, gw: usize, gb: usize,
) -> i32 {
    let s = shape(desc);
    let c = stats_const != 0;
    match dt {
        F32 => norm::backward::<f32>(&s, gy as _, x as _, mean as _, rstd as _, w as _, c, gx as _, gw as _, gb as _),
        F64 => norm::backward::<f64>(&s, gy as _, x as _, mean as _, rstd as _, w as _, c, gx as _, gw as _, gb as _),
        _ => return ERR_BAD_OP,
    }
    OK
}

size_optimized! {
    // Embedding(max_norm=...) only: not a hot path.
    /// Rescales the rows of w [rows, dim] listed in idx (int64) to p-norm <= max_norm.
    /// ERR_INDEX: an index out of range (nothing changed).
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn embedding_renorm(dt: u32, w: usize, rows: usize, dim: usize, idx: usize, n: usize, max_norm: f64, norm_type: f64) -> i32 {
        let ok = match dt {
            F32 => norm::renorm_rows::<f32>(w as _, rows, dim, idx as _, n, max_norm, norm_type),
            F64 => norm::renorm_rows::<f64>(w as _, rows, dim, idx as _, n, max_norm, norm_type),
            _ => return ERR_BAD_OP,
        };
        if ok {
            OK
        } else {
            ERR_INDEX
        }
    }
}
