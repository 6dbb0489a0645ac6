//! Index kernels.

use crate::kernels::index;
use crate::strided::Desc;
use crate::with_dtype;

/// The index value that made the last index kernel fail (status 3).
#[no_mangle]
pub extern "C" fn last_bad_index() -> f64 {
    unsafe { index::LAST_BAD_INDEX as f64 }
}

/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn gather(dt: u32, nd: usize, desc: *const i32, o: usize, idx: usize, a: usize, dim_stride: isize, dim_size: isize) -> i32 {
    let d = Desc::<3>::from_raw(nd, desc);
    with_dtype!(dt, T => index::gather::<T>(&d, o as _, idx as _, a as _, dim_stride, dim_size as i64), _ => 2)
}

/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn scatter(mode: u32, dt: u32, nd: usize, desc: *const i32, s: usize, idx: usize, src: usize, dim_stride: isize, dim_size: isize) -> i32 {
    let d = Desc::<3>::from_raw(nd, desc);
    with_dtype!(dt, T => index::scatter::<T>(mode, &d, s as _, idx as _, src as _, dim_stride, dim_size as i64), _ => 2)
}
