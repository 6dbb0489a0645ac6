//! Index kernels.

use crate::status::*;
use crate::kernels::index;
use crate::strided::Desc;
use crate::dtype::{F32, I32, I64};
use crate::with_dtype;

/// The index value that made the last index kernel fail (ERR_INDEX).
#[no_mangle]
pub extern "C" fn last_bad_index() -> f64 {
    index::LAST_BAD_INDEX.load(core::sync::atomic::Ordering::Relaxed) as f64
}

/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn gather(dt: u32, nd: usize, desc: *const i32, o: usize, idx: usize, a: usize, dim_stride: isize, dim_size: isize) -> i32 {
    let d = Desc::<3>::from_raw(nd, desc);
    match dt {
        F32 => index::gather::<f32>(&d, o as _, idx as _, a as _, dim_stride, dim_size as i64),
        _ => gather_other(dt, &d, o, idx, a, dim_stride, dim_size),
    }
}

size_optimized! {
    #[inline(never)]
    unsafe fn gather_other(dt: u32, d: &Desc<3>, o: usize, idx: usize, a: usize, dim_stride: isize, dim_size: isize) -> i32 {
        with_dtype!(dt, T => index::gather::<T>(d, o as _, idx as _, a as _, dim_stride, dim_size as i64), _ => ERR_BAD_OP)
    }
}

/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn scatter(mode: u32, dt: u32, nd: usize, desc: *const i32, s: usize, idx: usize, src: usize, dim_stride: isize, dim_size: isize) -> i32 {
    let d = Desc::<3>::from_raw(nd, desc);
    match dt {
        F32 => index::scatter::<f32>(mode, &d, s as _, idx as _, src as _, dim_stride, dim_size as i64),
        _ => scatter_other(mode, dt, &d, s, idx, src, dim_stride, dim_size),
    }
}

size_optimized! {
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn scatter_other(mode: u32, dt: u32, d: &Desc<3>, s: usize, idx: usize, src: usize, dim_stride: isize, dim_size: isize) -> i32 {
        with_dtype!(dt, T => index::scatter::<T>(mode, d, s as _, idx as _, src as _, dim_stride, dim_size as i64), _ => ERR_BAD_OP)
    }
}

/// Adds (or, with `init`, writes) wrap(idx) * stride into offs; idx is int64 or int32.
/// ERR_INDEX (nothing written) when an index is outside [-size, size) ([0, size) unless `wrap`).
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn index_offsets(idx_dt: u32, nd: usize, desc: *const i32, offs: usize, idx: usize, size: f64, stride: f64, init: u32, wrap: u32) -> i32 {
    let d = Desc::<2>::from_raw(nd, desc);
    let (size, stride) = (size as i64, stride as i64);
    match idx_dt {
        I64 => index::index_offsets::<i64>(&d, offs as _, idx as _, size, stride, init != 0, wrap != 0),
        I32 => index::index_offsets::<i32>(&d, offs as _, idx as _, size, stride, init != 0, wrap != 0),
        _ => ERR_BAD_OP,
    }
}

/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn index_gather(dt: u32, nd: usize, desc: *const i32, o: usize, a: usize, offs: usize) -> i32 {
    let d = Desc::<3>::from_raw(nd, desc);
    match dt {
        F32 => index::index_gather::<f32>(&d, o as _, a as _, offs as _),
        _ => return index_gather_other(dt, &d, o, a, offs),
    }
    OK
}

size_optimized! {
    #[inline(never)]
    unsafe fn index_gather_other(dt: u32, d: &Desc<3>, o: usize, a: usize, offs: usize) -> i32 {
        with_dtype!(dt, T => index::index_gather::<T>(d, o as _, a as _, offs as _), _ => return ERR_BAD_OP);
        OK
    }
}

/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn index_put(accumulate: u32, dt: u32, nd: usize, desc: *const i32, s: usize, v: usize, offs: usize) -> i32 {
    let d = Desc::<3>::from_raw(nd, desc);
    match dt {
        F32 => index::index_put::<f32>(accumulate != 0, &d, s as _, v as _, offs as _),
        _ => return index_put_other(accumulate != 0, dt, &d, s, v, offs),
    }
    OK
}

size_optimized! {
    #[inline(never)]
    unsafe fn index_put_other(accumulate: bool, dt: u32, d: &Desc<3>, s: usize, v: usize, offs: usize) -> i32 {
        with_dtype!(dt, T => index::index_put::<T>(accumulate, d, s as _, v as _, offs as _), _ => return ERR_BAD_OP);
        OK
    }
}

size_optimized! {
    /// Coordinates of up to `limit` nonzero elements; desc is an uncoalesced Desc<1>.
    /// Returns the number of rows written (negative: unsupported dtype).
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    pub unsafe extern "C" fn nonzero(dt: u32, nd: usize, desc: *const i32, a: usize, out: usize, limit: usize) -> f64 {
        let d = Desc::<1>::from_raw(nd, desc);
        let (shape, strides) = (&d.shape[..nd], &d.strides[0][..nd]);
        with_dtype!(dt, T => index::nonzero::<T>(shape, strides, a as _, out as _, limit) as f64, _ => -1.0)
    }
}

/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn repeat_interleave_counts(n: usize, counts: usize, stride: isize, out: usize, total: usize) -> i32 {
    index::repeat_interleave_counts(n, counts as _, stride, out as _, total)
}

size_optimized! {
    /// tril (upper = 0) / triu (upper = 1) over a batch walked by desc (Desc<2>: out, a).
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn triangle(
        upper: u32, k: f64, dt: u32, nd: usize, desc: *const i32, rows: usize, cols: usize,
        o: usize, os0: isize, os1: isize, a: usize, as0: isize, as1: isize,
    ) -> i32 {
        let d = Desc::<2>::from_raw(nd, desc);
        with_dtype!(dt, T => index::triangle::<T>(upper != 0, k as i64, &d, rows, cols, o as _, [os0, os1], a as _, [as0, as1]), _ => return ERR_BAD_OP);
        OK
    }
}
