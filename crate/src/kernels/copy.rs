//! Strided copy with dtype conversion, and fills.

use crate::dtype::Elem;
use crate::kernels::parallel;
use crate::strided::Desc;

/// dst[i] = cast(src[i]) over the index space of `d` (operand 0 = dst, 1 = src).
///
/// # Safety
/// Both pointers cover every offset `d` produces; dst does not partially overlap src.
#[inline(always)]
pub unsafe fn copy_cast<S: Elem, D: Elem>(d: &Desc<2>, dst: *mut D, src: *const S) {
    let n = d.shape[0];
    let apart = (dst as usize).abs_diff(src as usize) >= n * core::mem::size_of::<D>();
    if S::DT == D::DT && d.nd == 1 && d.strides[0][0] == 1 && d.strides[1][0] == 1 && n >= 4 * parallel::MIN_PARALLEL_ELEMS && apart {
        // a large flat copy between separate buffers (clone, contiguous, copy_):
        // in chunks across threads
        return parallel::for_chunks(n, 2, 16, |start, len| core::ptr::copy(src.add(start) as *const D, dst.add(start), len));
    }
    d.for_each_row(|off, n, st| {
        let po = dst.offset(off[0]);
        let pi = src.offset(off[1]);
        if st[0] == 1 && st[1] == 1 {
            if S::DT == D::DT {
                core::ptr::copy(pi as *const D, po, n);
            } else {
                let o = core::slice::from_raw_parts_mut(po, n);
                let i = core::slice::from_raw_parts(pi, n);
                for (x, y) in o.iter_mut().zip(i) {
                    *x = y.cast::<D>();
                }
            }
        } else if st[1] == 0 {
            let v = (*pi).cast::<D>();
            for j in 0..n as isize {
                *po.offset(j * st[0]) = v;
            }
        } else {
            for j in 0..n as isize {
                *po.offset(j * st[0]) = (*pi.offset(j * st[1])).cast::<D>();
            }
        }
    });
}

/// # Safety
/// `p` covers `n` elements.
pub unsafe fn fill<T: Elem>(p: *mut T, n: usize, v: T) {
    let s = core::slice::from_raw_parts_mut(p, n);
    for x in s {
        *x = v;
    }
}

/// Fill through a strided view (operand 0 of `d`).
///
/// # Safety
/// `p` covers every offset of `d`.
#[inline(always)]
pub unsafe fn fill_strided<T: Elem>(d: &Desc<1>, p: *mut T, v: T) {
    d.for_each_row(|off, n, st| {
        let po = p.offset(off[0]);
        if st[0] == 1 {
            fill(po, n, v);
        } else {
            for j in 0..n as isize {
                *po.offset(j * st[0]) = v;
            }
        }
    });
}

pub const ARANGE: u32 = 0;
pub const LINSPACE: u32 = 1;
pub const LOGSPACE: u32 = 2;

/// Fills a contiguous buffer with a range, reproducing PyTorch's CPU arithmetic:
/// arange computes `start + step * i` in double, except that float32 goes through
/// 8-wide vectors whose base is rounded to float (AVX2's Vectorized::arange);
/// linspace computes from the start for the first half and from the end for the
/// second, in the output's floating type (double for integers).
///
/// # Safety
/// `p` covers `n` elements.
#[inline(always)]
pub unsafe fn fill_range<T: Elem>(kind: u32, p: *mut T, n: usize, a: f64, b: f64, c: f64) {
    let out = core::slice::from_raw_parts_mut(p, n);
    match kind {
        ARANGE => {
            let (start, step) = (a, b);
            if T::DT == crate::dtype::F32 {
                let full = n - n % 8;
                for i in (0..full).step_by(8) {
                    let base = (start + step * i as f64) as f32 as f64;
                    for k in 0..8 {
                        out[i + k] = T::from_f64(base + k as f64 * step);
                    }
                }
                for (i, x) in out.iter_mut().enumerate().skip(full) {
                    *x = T::from_f64(start + step * i as f64);
                }
            } else {
                for (i, x) in out.iter_mut().enumerate() {
                    *x = T::from_f64(start + step * i as f64);
                }
            }
        }
        _ => {
            let (start, end) = (a, b);
            if n == 0 {
                return;
            }
            if n == 1 {
                out[0] = T::from_f64(if kind == LOGSPACE { c.powf(start) } else { start });
                return;
            }
            let half = n / 2;
            let value = |i: usize| -> f64 {
                if T::DT == crate::dtype::F32 {
                    let (s, e) = (start as f32, end as f32);
                    let step = (e - s) / (n - 1) as f32;
                    (if i < half { s + step * i as f32 } else { e - step * (n - i - 1) as f32 }) as f64
                } else {
                    let step = (end - start) / (n - 1) as f64;
                    if i < half { start + step * i as f64 } else { end - step * (n - i - 1) as f64 }
                }
            };
            for (i, x) in out.iter_mut().enumerate() {
                let v = value(i);
                *x = T::from_f64(if kind == LOGSPACE { c.powf(v) } else { v });
            }
        }
    }
}
