//! Ops along one dim ("lines"): cumulative scans and softmax.
//! The index space `d` (operand 0 = out, 1 = input) has the dim's extent set to 1;
//! each point is the start of a line of `len` elements with strides `so` / `si`.

use crate::dtype::Elem;
use crate::num::Float;
use crate::strided::Desc;

pub const CUMSUM: u32 = 0;
pub const CUMPROD: u32 = 1;
pub const CUMMAX: u32 = 2;
pub const CUMMIN: u32 = 3;
pub const LOGCUMSUMEXP: u32 = 4;

pub const OK: i32 = 0;
pub const ERR_BAD_OP: i32 = 2;

#[inline(always)]
pub unsafe fn each_line(d: &Desc<2>, mut f: impl FnMut(isize, isize)) {
    d.for_each_row(|off, n, st| {
        for i in 0..n as isize {
            f(off[0] + i * st[0], off[1] + i * st[1]);
        }
    });
}

/// Cumulative sum/prod (accumulated in f64 or i64) and cummax/cummin with indices.
/// `idx` (int64, out's layout) is written for cummax/cummin only.
///
/// # Safety
/// Pointers cover every line.
#[allow(clippy::too_many_arguments)]
pub unsafe fn scan<T: Elem>(op: u32, d: &Desc<2>, len: usize, so: isize, si: isize, o: *mut T, a: *const T, idx: *mut i64) -> i32 {
    if op > LOGCUMSUMEXP {
        return ERR_BAD_OP;
    }
    each_line(d, |oo, oi| {
        let po = o.offset(oo);
        let pa = a.offset(oi);
        match op {
            CUMSUM | CUMPROD => {
                if T::FLOAT {
                    let mut acc = if op == CUMSUM { 0.0 } else { 1.0 };
                    for j in 0..len as isize {
                        let x = (*pa.offset(j * si)).to_f64();
                        if op == CUMSUM { acc += x } else { acc *= x }
                        *po.offset(j * so) = T::from_f64(acc);
                    }
                } else {
                    let mut acc: i64 = if op == CUMSUM { 0 } else { 1 };
                    for j in 0..len as isize {
                        let x = (*pa.offset(j * si)).to_i64();
                        acc = if op == CUMSUM { acc.wrapping_add(x) } else { acc.wrapping_mul(x) };
                        *po.offset(j * so) = T::from_i64(acc);
                    }
                }
            }
            CUMMAX | CUMMIN => {
                let pi = idx.offset(oo);
                let mut best = 0.0f64;
                let mut best_x = T::default();
                let mut best_i = 0i64;
                for j in 0..len as isize {
                    let x = *pa.offset(j * si);
                    let v = x.to_f64();
                    // PyTorch: a NaN sticks; ties move the index forward (>=, <=)
                    let take = j == 0
                        || (!best.is_nan() && (v.is_nan() || (op == CUMMAX && v >= best) || (op == CUMMIN && v <= best)));
                    if take {
                        best = v;
                        best_x = x;
                        best_i = j as i64;
                    }
                    *po.offset(j * so) = best_x;
                    *pi.offset(j * so) = best_i;
                }
            }
            _ => {
                // logcumsumexp, stable: acc = max + log(exp(acc - max) + exp(x - max))
                let mut acc = f64::NEG_INFINITY;
                for j in 0..len as isize {
                    let x = (*pa.offset(j * si)).to_f64();
                    let m = if acc > x { acc } else { x };
                    acc = if m == f64::NEG_INFINITY { m } else if x.is_nan() || acc.is_nan() { f64::NAN } else { m + ((acc - m).exp() + (x - m).exp()).ln() };
                    *po.offset(j * so) = T::from_f64(acc);
                }
            }
        }
    });
    OK
}

/// softmax / log_softmax along lines, with the max subtracted for stability.
///
/// # Safety
/// Pointers cover every line.
pub unsafe fn softmax<T: Float>(log: bool, d: &Desc<2>, len: usize, so: isize, si: isize, o: *mut T, a: *const T) {
    each_line(d, |oo, oi| {
        let po = o.offset(oo);
        let pa = a.offset(oi);
        let mut m = T::MIN;
        let mut nan = false;
        for j in 0..len as isize {
            let x = *pa.offset(j * si);
            if x.is_nan() {
                nan = true;
            } else if x > m {
                m = x;
            }
        }
        if nan {
            for j in 0..len as isize {
                *po.offset(j * so) = T::NAN;
            }
            return;
        }
        if m == -T::INF {
            m = T::ZERO;
        }
        if log {
            let mut s = 0.0f64;
            for j in 0..len as isize {
                s += ((*pa.offset(j * si)) - m).exp().d();
            }
            let lse = T::f(s.ln());
            for j in 0..len as isize {
                *po.offset(j * so) = *pa.offset(j * si) - m - lse;
            }
        } else {
            let mut s = T::ZERO;
            for j in 0..len as isize {
                let e = ((*pa.offset(j * si)) - m).exp();
                *po.offset(j * so) = e;
                s = s + e;
            }
            let inv = T::ONE / s;
            for j in 0..len as isize {
                *po.offset(j * so) = *po.offset(j * so) * inv;
            }
        }
    });
}
