//! Matrix products.

use crate::status::*;
use crate::dtype::*;
use crate::kernels::{gemm, parallel};
use crate::with_dtype;

/// C = alpha * A @ B + beta * C over `batch` matrices spaced by the batch strides.
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn gemm_batched(
    dt: u32, batch: usize, m: usize, n: usize, k: usize, alpha: f64,
    a: usize, bsa: isize, rsa: isize, csa: isize,
    b: usize, bsb: isize, rsb: isize, csb: isize,
    beta: f64, c: usize, bsc: isize, rsc: isize, csc: isize,
) -> i32 {
    if dt == F32 || dt == F64 {
        // Small products of a batch split across threads by matrix (each task writes
        // its own C, and a large product splits itself inside gemm).
        let extent = (m.max(1) - 1) as isize * rsc.abs() + (n.max(1) - 1) as isize * csc.abs() + 1;
        let split = batch > 1 && bsc.abs() >= extent && !gemm::parallel_pays(m, n, k) && gemm::parallel_pays(batch * m, n, k);
        parallel::parallel_for_if(split, batch, |i| {
            let i = i as isize;
            if dt == F32 {
                let (a, b, c) = (a as *const f32, b as *const f32, c as *mut f32);
                gemm::gemm_strided::<f32>(m, n, k, alpha as f32, a.offset(i * bsa), rsa, csa, b.offset(i * bsb), rsb, csb, beta as f32, c.offset(i * bsc), rsc, csc)
            } else {
                let (a, b, c) = (a as *const f64, b as *const f64, c as *mut f64);
                gemm::gemm_strided::<f64>(m, n, k, alpha, a.offset(i * bsa), rsa, csa, b.offset(i * bsb), rsb, csb, beta, c.offset(i * bsc), rsc, csc)
            }
        });
        return OK;
    }
    for i in 0..batch as isize {
        let at = |p: usize, batch_stride: isize| (p as isize + i * batch_stride * itemsize(dt) as isize) as usize;
        let r = gemm_other(dt, m, n, k, alpha, at(a, bsa), rsa, csa, at(b, bsb), rsb, csb, beta, at(c, bsc), rsc, csc);
        if r != OK {
            return r;
        }
    }
    OK
}

size_optimized! {
    /// Integer, bool and half-precision products (no SIMD kernel): one matrix.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm_other(
        dt: u32, m: usize, n: usize, k: usize, alpha: f64, a: usize, rsa: isize, csa: isize,
        b: usize, rsb: isize, csb: isize, beta: f64, c: usize, rsc: isize, csc: isize,
    ) -> i32 {
        with_dtype!(dt, T => {
            gemm::gemm_generic::<T>(m, n, k, alpha, a as _, rsa, csa, b as _, rsb, csb, beta, c as _, rsc, csc);
            OK
        }, _ => ERR_BAD_OP)
    }
}
