//! Fused optimizer steps (see kernels::optim). Operands are contiguous, of dtype `dt`
//! (float32 or float64), `n` elements each; a state pointer the step does not use is 0.

use crate::dtype::*;
use crate::status::*;
use crate::kernels::optim::{self, AdamArgs, SgdArgs};

/// The step over [0, n) split across the pool in whole-vector chunks (the threads
/// build), or one call (the others).
#[inline(always)]
unsafe fn for_chunks(n: usize, f: impl Fn(usize, usize)) {
    #[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
    crate::kernels::parallel::for_chunks(n, crate::kernels::parallel::MIN_PARALLEL_ELEMS, 64, f);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "atomics")))]
    f(0, n);
}

/// Element `i` of the operand at byte address `p`; 0 (an unused state) stays 0.
#[inline(always)]
fn at<T>(p: usize, i: usize) -> usize {
    if p == 0 { 0 } else { p + i * core::mem::size_of::<T>() }
}

/// One SGD step: p -= lr * (momentum-filtered, weight-decayed) g. `flags`: kernels::optim's
/// MAXIMIZE | NESTEROV | FIRST_STEP.
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn optim_sgd(
    dt: u32, n: usize, p: usize, g: usize, buf: usize, flags: u32, lr: f64, momentum: f64, dampening: f64, weight_decay: f64,
) -> i32 {
    let a = SgdArgs { flags, lr, momentum, dampening, weight_decay };
    match dt {
        // split across threads in chunks of whole vectors: every element as on one thread
        F32 => for_chunks(n, |s, n| {
            let (p, g, buf) = (at::<f32>(p, s), at::<f32>(g, s), at::<f32>(buf, s));
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            let done = crate::kernels::optim_simd::sgd_f32(n, p as _, g as _, buf as _, &a);
            #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
            let done = 0;
            optim::sgd_from::<f32>(done, n, p as _, g as _, buf as _, &a)
        }),
        F64 => optim::sgd::<f64>(n, p as _, g as _, buf as _, &a),
        _ => return ERR_BAD_OP,
    }
    OK
}

/// One Adam / AdamW step. `flags`: MAXIMIZE | AMSGRAD | DECOUPLED; step_size and
/// bias_correction2_sqrt as PyTorch computes them for this step.
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn optim_adam(
    dt: u32, n: usize, p: usize, g: usize, m: usize, v: usize, vmax: usize, flags: u32,
    lr: f64, beta1: f64, beta2: f64, eps: f64, weight_decay: f64, step_size: f64, bias_correction2_sqrt: f64,
) -> i32 {
    let a = AdamArgs { flags, lr, beta1, beta2, eps, weight_decay, step_size, bias_correction2_sqrt };
    match dt {
        F32 => for_chunks(n, |s, n| {
            let (p, g, m, v, vmax) = (at::<f32>(p, s), at::<f32>(g, s), at::<f32>(m, s), at::<f32>(v, s), at::<f32>(vmax, s));
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            let done = crate::kernels::optim_simd::adam_f32(n, p as _, g as _, m as _, v as _, vmax as _, &a);
            #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
            let done = 0;
            optim::adam_from::<f32>(done, n, p as _, g as _, m as _, v as _, vmax as _, &a)
        }),
        F64 => optim::adam::<f64>(n, p as _, g as _, m as _, v as _, vmax as _, &a),
        _ => return ERR_BAD_OP,
    }
    OK
}
