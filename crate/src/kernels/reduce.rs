//! Reductions over a set of dims. The index space is split in two: the kept dims
//! (`outer`: operand 0 = out, 1 = input) and the reduced dims (`inner`: operand 0 = input).
//! Floating inputs accumulate in f64, integer inputs in i64, as PyTorch's results need.

use crate::dtype::Elem;
use crate::strided::Desc;

pub const SUM: u32 = 0;
pub const PROD: u32 = 1;
pub const MEAN: u32 = 2;
pub const AMAX: u32 = 3;
pub const AMIN: u32 = 4;
pub const ALL: u32 = 5;
pub const ANY: u32 = 6;
/// p1 = correction (Bessel's is 1).
pub const VAR: u32 = 7;
pub const STD: u32 = 8;
/// p1 = the order p (inf, -inf and 0 included).
pub const NORM: u32 = 9;
pub const LOGSUMEXP: u32 = 10;
pub const NANSUM: u32 = 11;
pub const NANMEAN: u32 = 12;
pub const COUNT_NONZERO: u32 = 13;

pub const ARGMAX: u32 = 0;
pub const ARGMIN: u32 = 1;

pub const OK: i32 = 0;
pub const ERR_BAD_OP: i32 = 2;

/// Calls `f(x)` for every element of the reduced region starting at `base`.
#[inline(always)]
unsafe fn each<T: Copy>(inner: &Desc<1>, base: *const T, mut f: impl FnMut(T)) {
    inner.for_each_row(|off, n, st| {
        let p = base.offset(off[0]);
        if st[0] == 1 {
            for i in 0..n {
                f(*p.add(i));
            }
        } else {
            for i in 0..n as isize {
                f(*p.offset(i * st[0]));
            }
        }
    });
}

/// Sum of a float region in f64; contiguous rows use four partial sums.
#[inline(always)]
unsafe fn sum_f64<T: Elem>(inner: &Desc<1>, base: *const T) -> f64 {
    let mut total = 0.0;
    inner.for_each_row(|off, n, st| {
        let p = base.offset(off[0]);
        if st[0] == 1 {
            let s = core::slice::from_raw_parts(p, n);
            let mut acc = [0.0f64; 4];
            let chunks = s.chunks_exact(4);
            let rest = chunks.remainder();
            for c in chunks {
                acc[0] += c[0].to_f64();
                acc[1] += c[1].to_f64();
                acc[2] += c[2].to_f64();
                acc[3] += c[3].to_f64();
            }
            for x in rest {
                acc[0] += x.to_f64();
            }
            total += (acc[0] + acc[1]) + (acc[2] + acc[3]);
        } else {
            for i in 0..n as isize {
                total += (*p.offset(i * st[0])).to_f64();
            }
        }
    });
    total
}

/// A reduction result before it is stored in the output's dtype.
#[derive(Clone, Copy)]
pub enum Acc {
    F(f64),
    I(i64),
    B(bool),
}

/// Writes `v` converted to dtype `dt` at byte address `p`.
///
/// # Safety
/// `p` is a valid, aligned element of dtype `dt`.
pub unsafe fn store(dt: u32, p: *mut u8, v: Acc) {
    crate::with_dtype!(dt, O => {
        let x: O = match v {
            Acc::F(f) => O::from_f64(f),
            Acc::I(i) => O::from_i64(i),
            Acc::B(b) => O::from_bool(b),
        };
        *(p as *mut O) = x;
    }, _ => ())
}

unsafe fn reduce_one<T: Elem>(op: u32, inner: &Desc<1>, base: *const T, count: usize, p1: f64) -> Acc {
    if T::FLOAT {
        let v = match op {
            SUM => sum_f64(inner, base),
            MEAN => sum_f64(inner, base) / count as f64,
            NANSUM | NANMEAN => {
                let (mut s, mut c) = (0.0, 0usize);
                each(inner, base, |x: T| {
                    let x = x.to_f64();
                    if !x.is_nan() {
                        s += x;
                        c += 1;
                    }
                });
                if op == NANSUM { s } else { s / c as f64 }
            }
            PROD => {
                let mut s = 1.0;
                each(inner, base, |x: T| s *= x.to_f64());
                s
            }
            AMAX | AMIN => {
                let mut m = if op == AMAX { f64::NEG_INFINITY } else { f64::INFINITY };
                let mut nan = false;
                each(inner, base, |x: T| {
                    let x = x.to_f64();
                    if x.is_nan() {
                        nan = true;
                    } else if (op == AMAX && x > m) || (op == AMIN && x < m) {
                        m = x;
                    }
                });
                if nan { f64::NAN } else { m }
            }
            VAR | STD => {
                let mean = sum_f64(inner, base) / count as f64;
                let mut ss = 0.0;
                each(inner, base, |x: T| {
                    let d = x.to_f64() - mean;
                    ss += d * d;
                });
                // PyTorch divides by max(0, N - correction): 0/0 gives NaN, x/0 gives inf
                let var = if count == 0 { f64::NAN } else { ss / (count as f64 - p1).max(0.0) };
                if op == STD { var.sqrt() } else { var }
            }
            NORM => norm(inner, base, p1),
            LOGSUMEXP => {
                let mut m = f64::NEG_INFINITY;
                each(inner, base, |x: T| {
                    let x = x.to_f64();
                    if x > m || x.is_nan() {
                        m = x;
                    }
                });
                if m.is_nan() {
                    f64::NAN
                } else if m.is_infinite() {
                    // all -inf gives -inf; any +inf gives +inf
                    m
                } else {
                    let mut s = 0.0;
                    each(inner, base, |x: T| s += (x.to_f64() - m).exp());
                    m + s.ln()
                }
            }
            ALL => {
                let mut r = true;
                each(inner, base, |x: T| r &= x.nonzero());
                return Acc::B(r);
            }
            ANY => {
                let mut r = false;
                each(inner, base, |x: T| r |= x.nonzero());
                return Acc::B(r);
            }
            COUNT_NONZERO => {
                let mut c = 0i64;
                each(inner, base, |x: T| c += x.nonzero() as i64);
                return Acc::I(c);
            }
            _ => f64::NAN,
        };
        Acc::F(v)
    } else {
        let v: i64 = match op {
            SUM | NANSUM => {
                let mut s = 0i64;
                each(inner, base, |x: T| s = s.wrapping_add(x.to_i64()));
                s
            }
            PROD => {
                let mut s = 1i64;
                each(inner, base, |x: T| s = s.wrapping_mul(x.to_i64()));
                s
            }
            AMAX => {
                let mut m = i64::MIN;
                each(inner, base, |x: T| m = m.max(x.to_i64()));
                m
            }
            AMIN => {
                let mut m = i64::MAX;
                each(inner, base, |x: T| m = m.min(x.to_i64()));
                m
            }
            ALL => {
                let mut r = true;
                each(inner, base, |x: T| r &= x.nonzero());
                return Acc::B(r);
            }
            ANY => {
                let mut r = false;
                each(inner, base, |x: T| r |= x.nonzero());
                return Acc::B(r);
            }
            COUNT_NONZERO => {
                let mut c = 0i64;
                each(inner, base, |x: T| c += x.nonzero() as i64);
                c
            }
            _ => 0,
        };
        Acc::I(v)
    }
}

unsafe fn norm<T: Elem>(inner: &Desc<1>, base: *const T, p: f64) -> f64 {
    if p == 2.0 {
        let mut s = 0.0;
        each(inner, base, |x: T| {
            let x = x.to_f64();
            s += x * x;
        });
        s.sqrt()
    } else if p == 1.0 {
        let mut s = 0.0;
        each(inner, base, |x: T| s += x.to_f64().abs());
        s
    } else if p == f64::INFINITY || p == f64::NEG_INFINITY {
        let mut m = if p > 0.0 { 0.0f64 } else { f64::INFINITY };
        let mut nan = false;
        each(inner, base, |x: T| {
            let a = x.to_f64().abs();
            if a.is_nan() {
                nan = true;
            } else if (p > 0.0 && a > m) || (p < 0.0 && a < m) {
                m = a;
            }
        });
        if nan { f64::NAN } else { m }
    } else if p == 0.0 {
        let mut c = 0.0;
        each(inner, base, |x: T| c += (x.to_f64() != 0.0) as u32 as f64);
        c
    } else {
        let mut s = 0.0;
        each(inner, base, |x: T| s += x.to_f64().abs().powf(p));
        s.powf(1.0 / p)
    }
}

/// # Safety
/// `a` covers every offset of outer x inner; `o` every out offset of `outer`.
pub unsafe fn reduce<T: Elem>(op: u32, outer: &Desc<2>, inner: &Desc<1>, dt_out: u32, o: *mut u8, a: *const T, p1: f64) -> i32 {
    let osize = crate::dtype::itemsize(dt_out) as isize;
    if op > COUNT_NONZERO {
        return ERR_BAD_OP;
    }
    let count = inner.numel();
    outer.for_each_row(|off, n, st| {
        for i in 0..n as isize {
            let base = a.offset(off[1] + i * st[1]);
            store(dt_out, o.offset((off[0] + i * st[0]) * osize), reduce_one::<T>(op, inner, base, count, p1));
        }
    });
    OK
}

/// max/min with the index of the first extreme (NaN counts as the extreme, as in PyTorch).
/// Writes values to `vals` (if non-null) and the flat index within the reduced region to `idx`.
///
/// # Safety
/// As `reduce`; `idx` is int64 with out's layout.
pub unsafe fn reduce_arg<T: Elem>(op: u32, outer: &Desc<2>, inner: &Desc<1>, vals: *mut T, idx: *mut i64, a: *const T) -> i32 {
    if op > ARGMIN {
        return ERR_BAD_OP;
    }
    outer.for_each_row(|off, n, st| {
        for i in 0..n as isize {
            let base = a.offset(off[1] + i * st[1]);
            let mut best: Option<(T, f64)> = None;
            let mut best_i = 0i64;
            let mut k = 0i64;
            let mut found_nan = false;
            each(inner, base, |x: T| {
                let v = x.to_f64();
                if !found_nan {
                    let better = match best {
                        None => true,
                        Some((_, b)) => v.is_nan() || (op == ARGMAX && v > b) || (op == ARGMIN && v < b),
                    };
                    if better {
                        best = Some((x, v));
                        best_i = k;
                        if v.is_nan() {
                            found_nan = true;
                        }
                    }
                }
                k += 1;
            });
            let at = off[0] + i * st[0];
            if !vals.is_null() {
                *vals.offset(at) = best.map(|b| b.0).unwrap_or_default();
            }
            *idx.offset(at) = best_i;
        }
    });
    OK
}
