//! Matrix decompositions (kernels/linalg.rs). `desc` describes the batch dims (shape,
//! then one stride row per operand, in elements); each matrix operand also gets its
//! (row, col) strides. float32 and float64 only. ERR_LINALG: a matrix was singular or
//! not positive-definite, located by `linalg_error_batch` / `linalg_error_info`.

use crate::status::*;
use crate::dtype::*;
use crate::kernels::linalg::{self, Mat};
use crate::strided::Desc;

macro_rules! with_float {
    ($dt:expr, $T:ident => $body:expr) => {
        match $dt {
            F32 => { type $T = f32; $body }
            F64 => { type $T = f64; $body }
            _ => ERR_BAD_OP,
        }
    };
}

/// Batch index of the matrix behind the last ERR_LINALG.
#[no_mangle]
pub extern "C" fn linalg_error_batch() -> i32 {
    linalg::last_error().0
}

/// LAPACK-style info of the last ERR_LINALG (1-based pivot / leading minor order).
#[no_mangle]
pub extern "C" fn linalg_error_info() -> i32 {
    linalg::last_error().1
}

size_optimized! {
    /// mode 0: o1 = det(A); mode 1: o1 = sign, o2 = log|det|. Operands: a, o1, o2.
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn linalg_det(dt: u32, mode: u32, nd: usize, desc: *const i32, n: usize, a: usize, rsa: isize, csa: isize, o1: usize, o2: usize) -> i32 {
        let d = Desc::<3>::from_raw(nd, desc);
        with_float!(dt, T => linalg::det::<T>(mode, &d, n, Mat::new(a as *mut T, rsa, csa), o1 as *mut T, o2 as *mut T))
    }
}

size_optimized! {
    /// O = A^-1. Operands: a, o.
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn linalg_inv(dt: u32, nd: usize, desc: *const i32, n: usize, a: usize, rsa: isize, csa: isize, o: usize, rso: isize, cso: isize) -> i32 {
        let d = Desc::<2>::from_raw(nd, desc);
        with_float!(dt, T => linalg::inv::<T>(&d, n, Mat::new(a as *mut T, rsa, csa), Mat::new(o as *mut T, rso, cso)))
    }
}

size_optimized! {
    /// X = A^-1 B, A n x n, B n x k. Operands: a, b, x.
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn linalg_solve(
        dt: u32, nd: usize, desc: *const i32, n: usize, k: usize,
        a: usize, rsa: isize, csa: isize, b: usize, rsb: isize, csb: isize, x: usize, rsx: isize, csx: isize,
    ) -> i32 {
        let d = Desc::<3>::from_raw(nd, desc);
        with_float!(dt, T => linalg::solve::<T>(
            &d, n, k, Mat::new(a as *mut T, rsa, csa), Mat::new(b as *mut T, rsb, csb), Mat::new(x as *mut T, rsx, csx)))
    }
}

size_optimized! {
    /// X = T^-1 B for triangular T; flags bit 0 = upper, bit 1 = unit diagonal. Operands: t, b, x.
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn linalg_solve_triangular(
        dt: u32, flags: u32, nd: usize, desc: *const i32, n: usize, k: usize,
        t: usize, rst: isize, cst: isize, b: usize, rsb: isize, csb: isize, x: usize, rsx: isize, csx: isize,
    ) -> i32 {
        let d = Desc::<3>::from_raw(nd, desc);
        let (upper, unit) = (flags & 1 != 0, flags & 2 != 0);
        with_float!(dt, T => linalg::solve_triangular::<T>(
            &d, n, k, upper, unit, Mat::new(t as *mut T, rst, cst), Mat::new(b as *mut T, rsb, csb), Mat::new(x as *mut T, rsx, csx)))
    }
}

size_optimized! {
    /// Cholesky factor (lower, or upper when `upper` != 0). Operands: a, o.
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn linalg_cholesky(
        dt: u32, upper: u32, nd: usize, desc: *const i32, n: usize, a: usize, rsa: isize, csa: isize, o: usize, rso: isize, cso: isize,
    ) -> i32 {
        let d = Desc::<2>::from_raw(nd, desc);
        with_float!(dt, T => linalg::cholesky_batched::<T>(&d, n, upper != 0, Mat::new(a as *mut T, rsa, csa), Mat::new(o as *mut T, rso, cso)))
    }
}

size_optimized! {
    /// QR; mode 0 reduced, 1 complete, 2 R only. Operands: a, q, r.
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn linalg_qr(
        dt: u32, mode: u32, nd: usize, desc: *const i32, m: usize, n: usize,
        a: usize, rsa: isize, csa: isize, q: usize, rsq: isize, csq: isize, r: usize, rsr: isize, csr: isize,
    ) -> i32 {
        let d = Desc::<3>::from_raw(nd, desc);
        with_float!(dt, T => linalg::qr::<T>(
            mode, &d, m, n, Mat::new(a as *mut T, rsa, csa), Mat::new(q as *mut T, rsq, csq), Mat::new(r as *mut T, rsr, csr)))
    }
}

size_optimized! {
    /// SVD; flags bit 0 = compute U and Vh, bit 1 = full matrices. Operands: a, u, s, vh.
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn linalg_svd(
        dt: u32, flags: u32, nd: usize, desc: *const i32, m: usize, n: usize,
        a: usize, rsa: isize, csa: isize, u: usize, rsu: isize, csu: isize, s: usize, ss: isize, vh: usize, rsv: isize, csv: isize,
    ) -> i32 {
        let d = Desc::<4>::from_raw(nd, desc);
        let (vectors, full) = (flags & 1 != 0, flags & 2 != 0);
        with_float!(dt, T => linalg::svd_batched::<T>(
            &d, m, n, vectors, full, Mat::new(a as *mut T, rsa, csa), Mat::new(u as *mut T, rsu, csu), s as *mut T, ss,
            Mat::new(vh as *mut T, rsv, csv)))
    }
}

size_optimized! {
    /// Symmetric eigendecomposition; flags bit 0 = read the upper triangle, bit 1 = vectors.
    /// Operands: a, w, v.
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn linalg_eigh(
        dt: u32, flags: u32, nd: usize, desc: *const i32, n: usize,
        a: usize, rsa: isize, csa: isize, w: usize, sw: isize, v: usize, rsv: isize, csv: isize,
    ) -> i32 {
        let d = Desc::<3>::from_raw(nd, desc);
        let (upper, vectors) = (flags & 1 != 0, flags & 2 != 0);
        with_float!(dt, T => linalg::eigh::<T>(&d, n, upper, vectors, Mat::new(a as *mut T, rsa, csa), w as *mut T, sw, Mat::new(v as *mut T, rsv, csv)))
    }
}
