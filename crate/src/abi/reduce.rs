//! Reductions, scans and softmax. The scan and selection kernels, and softmax in
//! float64, are size-optimised (`size_optimized!`); kernels/reduce.rs picks its own.

use crate::status::*;
use crate::dtype::*;
use crate::kernels::{lines, parallel, reduce};
use crate::strided::Desc;
use crate::with_dtype;

/// desc: outer Desc<2> (nk dims: shape, out strides, input strides) then
/// inner Desc<1> (nr dims: shape, input strides).
unsafe fn split_desc(nk: usize, nr: usize, desc: *const i32) -> (Desc<2>, Desc<1>) {
    (Desc::<2>::from_raw(nk, desc), Desc::<1>::from_raw(nr, desc.add(3 * nk)))
}

/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn reduce(op: u32, dt_in: u32, dt_out: u32, nk: usize, nr: usize, desc: *const i32, o: usize, a: usize, p1: f64) -> i32 {
    let (outer, inner) = split_desc(nk, nr, desc);
    with_dtype!(dt_in, T => reduce::reduce::<T>(op, &outer, &inner, dt_out, o as _, a as _, p1), _ => ERR_BAD_OP)
}

/// argmax/argmin, optionally with values (vals == 0 skips them).
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn reduce_arg(op: u32, dt: u32, nk: usize, nr: usize, desc: *const i32, vals: usize, idx: usize, a: usize) -> i32 {
    let (outer, inner) = split_desc(nk, nr, desc);
    with_dtype!(dt, T => reduce::reduce_arg::<T>(op, &outer, &inner, vals as _, idx as _, a as _), _ => ERR_BAD_OP)
}

size_optimized! {
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn scan(op: u32, dt: u32, nd: usize, desc: *const i32, len: usize, so: isize, si: isize, o: usize, a: usize, idx: usize) -> i32 {
        let d = Desc::<2>::from_raw(nd, desc);
        with_dtype!(dt, T => lines::scan::<T>(op, &d, len, so, si, o as _, a as _, idx as _), _ => ERR_BAD_OP)
    }
}

/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softmax(log: u32, dt: u32, nd: usize, desc: *const i32, len: usize, so: isize, si: isize, o: usize, a: usize) -> i32 {
    let d = Desc::<2>::from_raw(nd, desc);
    match dt {
        F32 => {
            // lines split across threads along the first dim of `d`, each line as on one
            // thread (one call site of the kernel, so it is not inlined twice)
            let whole = d.nd == 0 || d.numel().saturating_mul(len) < parallel::MIN_PARALLEL_ELEMS || !parallel::pool_threads();
            parallel::for_chunks(if whole { 1 } else { d.shape[0] }, 2, 1, |s, n| {
                let part;
                let (desc, [oo, ao]) = if whole {
                    (&d, [0; 2])
                } else {
                    let (p, off) = d.slice_outer(s, n);
                    part = p;
                    (&part, off)
                };
                lines::softmax::<f32>(log != 0, desc, len, so, si, (o as *mut f32).offset(oo), (a as *const f32).offset(ao))
            })
        }
        F64 => softmax_f64(log != 0, &d, len, so, si, o, a),
        _ => return ERR_BAD_OP,
    }
    OK
}

size_optimized! {
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn softmax_f64(log: bool, d: &Desc<2>, len: usize, so: isize, si: isize, o: usize, a: usize) {
        lines::softmax::<f64>(log, d, len, so, si, o as _, a as _)
    }
}

size_optimized! {
    /// median / nanmedian / mode / kthvalue along lines: one value and index per line.
    ///
    /// # Safety
    /// See abi/mod.rs; `len` > 0.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn select_line(op: u32, dt: u32, nd: usize, desc: *const i32, len: usize, si: isize, vals: usize, idx: usize, a: usize, k: usize) -> i32 {
        let d = Desc::<2>::from_raw(nd, desc);
        with_dtype!(dt, T => lines::select::<T>(op, &d, len, si, vals as _, idx as _, a as _, k), _ => ERR_BAD_OP)
    }
}

size_optimized! {
    /// Gradient helpers along lines (product of the others, cumprod's gradient).
    /// desc: Desc<3> with operands out, x, g.
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn line_grad(op: u32, dt: u32, nd: usize, desc: *const i32, len: usize, so: isize, sx: isize, sg: isize, o: usize, x: usize, g: usize) -> i32 {
        let d = Desc::<3>::from_raw(nd, desc);
        with_dtype!(dt, T => lines::line_grad::<T>(op, &d, len, so, sx, sg, o as _, x as _, g as _), _ => ERR_BAD_OP)
    }
}
