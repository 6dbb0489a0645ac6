//! Sorting and grouping.

use crate::status::*;
use crate::kernels::sort;
use crate::strided::Desc;
use crate::with_dtype;

size_optimized! {
    /// Sorts lines (see kernels/sort.rs); `vals` may be 0 to write indices only.
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn sort_lines(
        dt: u32, nd: usize, desc: *const i32, len: usize, k: usize, sv: isize, si: isize, sa: isize,
        vals: usize, idx: usize, a: usize, descending: u32,
    ) -> i32 {
        let d = Desc::<3>::from_raw(nd, desc);
        with_dtype!(dt, T => sort::sort::<T>(&d, len, k, sv, si, sa, vals as _, idx as _, a as _, descending != 0), _ => return ERR_BAD_OP);
        OK
    }
}

size_optimized! {
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    pub unsafe extern "C" fn sort_rows(dt: u32, n: usize, m: usize, a: usize, perm: usize) -> i32 {
        with_dtype!(dt, T => sort::sort_rows::<T>(n, m, a as _, perm as _), _ => return ERR_BAD_OP);
        OK
    }
}

size_optimized! {
    /// Number of groups (negative: unsupported dtype). Null (0) outputs are skipped.
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn unique_consecutive(dt: u32, n: usize, m: usize, a: usize, perm: usize, out: usize, inverse: usize, counts: usize) -> f64 {
        with_dtype!(dt, T => sort::unique_consecutive::<T>(n, m, a as _, perm as _, out as _, inverse as _, counts as _) as f64, _ => -1.0)
    }
}
