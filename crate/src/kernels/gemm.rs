//! General matrix multiply C = alpha * A @ B + beta * C with arbitrary (row, col) strides.
//! A is m x k, B is k x n, C is m x n. beta == 0 ignores C's old contents (NaN included).

use crate::dtype::Elem;

const KC: usize = 256;
const NC: usize = 512;

/// Generic reference path for every dtype: accumulates in f64 or i64.
///
/// # Safety
/// The pointers cover the strided matrices.
#[allow(clippy::too_many_arguments)]
pub unsafe fn gemm_generic<T: Elem>(
    m: usize, n: usize, k: usize, alpha: f64,
    a: *const T, rsa: isize, csa: isize,
    b: *const T, rsb: isize, csb: isize,
    beta: f64, c: *mut T, rsc: isize, csc: isize,
) {
    for i in 0..m as isize {
        for j in 0..n as isize {
            let pc = c.offset(i * rsc + j * csc);
            if T::FLOAT {
                let mut s = 0.0;
                for p in 0..k as isize {
                    s += (*a.offset(i * rsa + p * csa)).to_f64() * (*b.offset(p * rsb + j * csb)).to_f64();
                }
                let old = if beta == 0.0 { 0.0 } else { beta * (*pc).to_f64() };
                *pc = T::from_f64(alpha * s + old);
            } else {
                let mut s = 0i64;
                for p in 0..k as isize {
                    s = s.wrapping_add((*a.offset(i * rsa + p * csa)).to_i64().wrapping_mul((*b.offset(p * rsb + j * csb)).to_i64()));
                }
                let old = if beta == 0.0 { 0 } else { (beta as i64).wrapping_mul((*pc).to_i64()) };
                *pc = T::from_i64((alpha as i64).wrapping_mul(s).wrapping_add(old));
            }
        }
    }
}

/// float32/float64: B is packed per (KC x NC) block into a contiguous panel, then each row
/// of C accumulates a * B-row with a vectorisable axpy.
///
/// # Safety
/// The pointers cover the strided matrices; C does not overlap A or B.
#[allow(clippy::too_many_arguments)]
pub unsafe fn gemm_float<T: crate::num::Float>(
    m: usize, n: usize, k: usize, alpha: T,
    a: *const T, rsa: isize, csa: isize,
    b: *const T, rsb: isize, csb: isize,
    beta: T, c: *mut T, rsc: isize, csc: isize,
) {
    // scale (or clear) C first so the blocks below can accumulate
    for i in 0..m as isize {
        for j in 0..n as isize {
            let pc = c.offset(i * rsc + j * csc);
            *pc = if beta == T::ZERO { T::ZERO } else { beta * *pc };
        }
    }
    if k == 0 || m == 0 || n == 0 {
        return;
    }
    let mut panel: Vec<T> = vec![T::ZERO; KC.min(k) * NC.min(n)];
    let mut row: Vec<T> = vec![T::ZERO; NC.min(n)];
    let mut jc = 0;
    while jc < n {
        let nb = NC.min(n - jc);
        let mut pc = 0;
        while pc < k {
            let kb = KC.min(k - pc);
            for p in 0..kb {
                let src = b.offset((pc + p) as isize * rsb + jc as isize * csb);
                let dst = &mut panel[p * nb..(p + 1) * nb];
                if csb == 1 {
                    dst.copy_from_slice(core::slice::from_raw_parts(src, nb));
                } else {
                    for (j, x) in dst.iter_mut().enumerate() {
                        *x = *src.offset(j as isize * csb);
                    }
                }
            }
            for i in 0..m {
                let r = &mut row[..nb];
                r.iter_mut().for_each(|x| *x = T::ZERO);
                let arow = a.offset(i as isize * rsa + pc as isize * csa);
                for p in 0..kb {
                    let av = *arow.offset(p as isize * csa);
                    let bp = &panel[p * nb..(p + 1) * nb];
                    for (x, y) in r.iter_mut().zip(bp) {
                        *x = *x + av * *y;
                    }
                }
                let crow = c.offset(i as isize * rsc + jc as isize * csc);
                for (j, x) in r.iter().enumerate() {
                    let pc = crow.offset(j as isize * csc);
                    *pc = *pc + alpha * *x;
                }
            }
            pc += kb;
        }
        jc += nb;
    }
}
