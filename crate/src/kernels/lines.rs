//! Ops along one dim ("lines"): cumulative scans, softmax and order statistics.
//! The index space `d` (operand 0 = out, 1 = input) has the dim's extent set to 1;
//! each point is the start of a line of `len` elements with strides `so` / `si`.
//! A reversed line is a start at its last element with negated strides (ts/ does that).
//!
//! When neighbouring lines are adjacent in memory (the dim is not the innermost and
//! both layouts are contiguous across lines) scans and softmax walk a block of lines
//! together, so the inner loop reads and writes contiguous memory.

use crate::dtype::Elem;
use crate::kernels::reduce::{is_nan, less};
use crate::num::Float;
use crate::status::{ERR_BAD_OP, OK};
use crate::strided::Desc;
use core::cmp::Ordering;

pub const CUMSUM: u32 = 0;
pub const CUMPROD: u32 = 1;
pub const CUMMAX: u32 = 2;
pub const CUMMIN: u32 = 3;
pub const LOGCUMSUMEXP: u32 = 4;

pub const MEDIAN: u32 = 0;
pub const NANMEDIAN: u32 = 1;
pub const MODE: u32 = 2;
/// k-th smallest (k zero-based, passed separately), NaN ordered last.
pub const KTHVALUE: u32 = 3;


/// Lines advanced together by the blocked paths.
pub const LANES: usize = 32;

#[inline(always)]
pub unsafe fn each_line(d: &Desc<2>, mut f: impl FnMut(isize, isize)) {
    d.for_each_row(|off, n, st| {
        for i in 0..n as isize {
            f(off[0] + i * st[0], off[1] + i * st[1]);
        }
    });
}

/// Calls `f(out_offset, in_offset, lanes)` for blocks of lines whose starts are adjacent
/// in both operands (lanes > 1 only then), else for single lines.
#[inline(always)]
unsafe fn each_block(d: &Desc<2>, blocked: bool, mut f: impl FnMut(isize, isize, usize)) {
    d.for_each_row(|off, n, st| {
        if blocked && st[0] == 1 && st[1] == 1 {
            let mut i = 0usize;
            while i < n {
                let b = LANES.min(n - i);
                f(off[0] + i as isize, off[1] + i as isize, b);
                i += b;
            }
        } else {
            for i in 0..n as isize {
                f(off[0] + i * st[0], off[1] + i * st[1], 1);
            }
        }
    });
}

/// PyTorch's log_add_exp_helper (logcumsumexp's step), NaN propagating.
#[inline(always)]
fn log_add_exp(x: f64, acc: f64) -> f64 {
    let (lo, hi) = if acc.is_nan() { (acc, acc) } else if x < acc { (x, acc) } else { (acc, x) };
    let (lo, hi) = if x.is_nan() { (x, x) } else { (lo, hi) };
    if lo != hi || lo.is_finite() {
        (lo - hi).exp().ln_1p() + hi
    } else {
        x
    }
}

/// Cumulative sum/prod (accumulated in f64 or i64), logcumsumexp, and cummax/cummin
/// with indices. `idx` (int64, out's layout) is written for cummax/cummin only.
///
/// # Safety
/// Pointers cover every line.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub unsafe fn scan<T: Elem>(op: u32, d: &Desc<2>, len: usize, so: isize, si: isize, o: *mut T, a: *const T, idx: *mut i64) -> i32 {
    if op > LOGCUMSUMEXP {
        return ERR_BAD_OP;
    }
    let blocked = op <= CUMPROD && (so != 1 || si != 1);
    each_block(d, blocked, |oo, oi, b| {
        let po = o.offset(oo);
        let pa = a.offset(oi);
        match op {
            CUMSUM | CUMPROD if T::FLOAT && b == 1 => {
                let mut s = if op == CUMSUM { 0.0f64 } else { 1.0 };
                for j in 0..len as isize {
                    let x = (*pa.offset(j * si)).to_f64();
                    if op == CUMSUM { s += x } else { s *= x }
                    *po.offset(j * so) = T::from_f64(s);
                }
            }
            CUMSUM | CUMPROD if b == 1 => {
                let mut s = if op == CUMSUM { 0i64 } else { 1 };
                for j in 0..len as isize {
                    let x = (*pa.offset(j * si)).to_i64();
                    s = if op == CUMSUM { s.wrapping_add(x) } else { s.wrapping_mul(x) };
                    *po.offset(j * so) = T::from_i64(s);
                }
            }
            CUMSUM | CUMPROD if T::FLOAT => {
                let mut acc = [if op == CUMSUM { 0.0f64 } else { 1.0 }; LANES];
                for j in 0..len as isize {
                    let (ri, ro) = (pa.offset(j * si), po.offset(j * so));
                    for (l, s) in acc[..b].iter_mut().enumerate() {
                        let x = (*ri.add(l)).to_f64();
                        if op == CUMSUM { *s += x } else { *s *= x }
                        *ro.add(l) = T::from_f64(*s);
                    }
                }
            }
            CUMSUM | CUMPROD => {
                let mut acc = [if op == CUMSUM { 0i64 } else { 1 }; LANES];
                for j in 0..len as isize {
                    let (ri, ro) = (pa.offset(j * si), po.offset(j * so));
                    for (l, s) in acc[..b].iter_mut().enumerate() {
                        let x = (*ri.add(l)).to_i64();
                        *s = if op == CUMSUM { s.wrapping_add(x) } else { s.wrapping_mul(x) };
                        *ro.add(l) = T::from_i64(*s);
                    }
                }
            }
            CUMMAX | CUMMIN => {
                // PyTorch: a NaN always takes over; ties move the index forward (>=, <=)
                let pi = idx.offset(oo);
                let mut best = T::default();
                let mut best_i = 0i64;
                for j in 0..len as isize {
                    let x = *pa.offset(j * si);
                    let take = j == 0
                        || is_nan(x)
                        || (!is_nan(best) && if op == CUMMAX { !less(x, best) } else { !less(best, x) });
                    if take {
                        best = x;
                        best_i = j as i64;
                    }
                    *po.offset(j * so) = best;
                    *pi.offset(j * so) = best_i;
                }
            }
            _ => {
                let mut acc = f64::NEG_INFINITY;
                for j in 0..len as isize {
                    acc = log_add_exp((*pa.offset(j * si)).to_f64(), acc);
                    *po.offset(j * so) = T::from_f64(acc);
                }
            }
        }
    });
    OK
}

/// The exp softmax uses on x - max <= 0: a polynomial for f32 (branch-free, so the
/// loops vectorise; exp_neg_f32, within 2.3 ulp), the standard library's for f64.
pub trait SoftmaxExp: Float {
    fn sm_exp(self) -> Self;
}
impl SoftmaxExp for f32 {
    #[inline(always)]
    fn sm_exp(self) -> f32 {
        super::fastexp::exp_neg_f32(self)
    }
}
impl SoftmaxExp for f64 {
    #[inline(always)]
    fn sm_exp(self) -> f64 {
        self.exp()
    }
}

pub use super::fastexp::exp_f32;

/// softmax / log_softmax along lines, with the max subtracted for stability.
/// A line holding a NaN gives NaN everywhere; an all -inf line gives NaN (0/0).
///
/// # Safety
/// Pointers cover every line.
#[inline(always)]
pub unsafe fn softmax<T: SoftmaxExp>(log: bool, d: &Desc<2>, len: usize, so: isize, si: isize, o: *mut T, a: *const T) {
    let blocked = so != 1 || si != 1;
    each_block(d, blocked, |oo, oi, b| {
        if b == 1 {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            if core::mem::size_of::<T>() == 4 && so == 1 && si == 1 {
                super::simd_lines::softmax_line_f32(log, len, o.offset(oo) as *mut f32, a.offset(oi) as *const f32);
                return;
            }
            softmax_line(log, len, so, si, o.offset(oo), a.offset(oi));
        } else {
            softmax_lanes(log, len, so, si, o.offset(oo), a.offset(oi), b);
        }
    });
}

/// One line. Three passes: max (NaN noted), exp(x - max) summed in f64, then scale or
/// shift. The first two keep four independent accumulators so they vectorise.
#[inline(always)]
pub(crate) unsafe fn softmax_line<T: SoftmaxExp>(log: bool, len: usize, so: isize, si: isize, po: *mut T, pa: *const T) {
    let at = |j: usize| *pa.offset(j as isize * si);
    let (m, s) = softmax_line_sum(len, si, pa, if log { None } else { Some((po, so)) });
    if log {
        // (x - max) - log(sum): adding max and log(sum) first would round at max's scale
        let ls = T::f(s.ln());
        for j in 0..len {
            *po.offset(j as isize * so) = (at(j) - m) - ls;
        }
    } else {
        let inv = T::f(1.0 / s);
        for j in 0..len {
            let w = po.offset(j as isize * so);
            *w = *w * inv;
        }
    }
}

/// Elements per lane-wise partial sum of softmax's exps (16 per lane), kept in the
/// line's type; the partial sums are added in float64. Summing mostly in float32 (as
/// PyTorch does) is what lets the SIMD loop run at the exp's speed.
pub const SUM_BLOCK: usize = 64;

/// softmax's first two passes over one line: the max it subtracts (NaN when the line
/// holds one) and the sum of exp(x - max) (float64 across SUM_BLOCK partial sums),
/// each exp also stored in `out` when given.
///
/// # Safety
/// `pa` (and `out`) cover `len` elements `si` (`so`) apart.
#[inline(always)]
pub unsafe fn softmax_line_sum<T: SoftmaxExp>(len: usize, si: isize, pa: *const T, out: Option<(*mut T, isize)>) -> (T, f64) {
    let at = |j: usize| *pa.offset(j as isize * si);
    let quads = len / 4 * 4;
    let mut m4 = [T::MIN; 4];
    let mut nan = false;
    for j in (0..quads).step_by(4) {
        for k in 0..4 {
            let x = at(j + k);
            nan |= x.is_nan();
            m4[k] = if x > m4[k] { x } else { m4[k] };
        }
    }
    let mut m = T::MIN;
    for j in quads..len {
        let x = at(j);
        nan |= x.is_nan();
        m = if x > m { x } else { m };
    }
    for mk in m4 {
        m = if mk > m { mk } else { m };
    }
    // (an all -inf line keeps m = MIN: exp gives 0s and 0/0 makes it NaN, as in PyTorch)
    if nan {
        m = T::NAN;
    }
    let mut s4 = [0.0f64; 4];
    let mut j = 0;
    while j < quads {
        let end = (j + SUM_BLOCK).min(quads);
        let mut b = [T::ZERO; 4];
        while j < end {
            for k in 0..4 {
                let e = (at(j + k) - m).sm_exp();
                b[k] = b[k] + e;
                if let Some((po, so)) = out {
                    *po.offset((j + k) as isize * so) = e;
                }
            }
            j += 4;
        }
        for k in 0..4 {
            s4[k] += b[k].d();
        }
    }
    let mut s = (s4[0] + s4[1]) + (s4[2] + s4[3]);
    for j in quads..len {
        let e = (at(j) - m).sm_exp();
        s += e.d();
        if let Some((po, so)) = out {
            *po.offset(j as isize * so) = e;
        }
    }
    (m, s)
}

/// `b` adjacent lines at once (the dim is not the innermost): the same passes, lane-wise.
unsafe fn softmax_lanes<T: SoftmaxExp>(log: bool, len: usize, so: isize, si: isize, po: *mut T, pa: *const T, b: usize) {
    let m = softmax_lanes_max(len, si, pa, b);
    let mut s = [0.0f64; LANES];
    for j in 0..len as isize {
        let (r, w) = (pa.offset(j * si), po.offset(j * so));
        for l in 0..b {
            let e = (*r.add(l) - m[l]).sm_exp();
            s[l] += e.d();
            if !log {
                *w.add(l) = e;
            }
        }
    }
    let mut k = [T::ZERO; LANES];
    for l in 0..b {
        k[l] = T::f(if log { s[l].ln() } else { 1.0 / s[l] });
    }
    for j in 0..len as isize {
        let (r, w) = (pa.offset(j * si), po.offset(j * so));
        for l in 0..b {
            *w.add(l) = if log { (*r.add(l) - m[l]) - k[l] } else { *w.add(l) * k[l] };
        }
    }
}

/// The max softmax subtracts on each of `b` <= LANES adjacent lines (NaN for a line
/// holding one), element j of lane l at pa[j * si + l].
///
/// # Safety
/// `pa` covers the `b` lines of `len` elements.
#[inline(always)]
pub unsafe fn softmax_lanes_max<T: SoftmaxExp>(len: usize, si: isize, pa: *const T, b: usize) -> [T; LANES] {
    let mut m = [T::MIN; LANES];
    let mut nan = [false; LANES];
    for j in 0..len as isize {
        let r = pa.offset(j * si);
        for l in 0..b {
            let x = *r.add(l);
            nan[l] |= x.is_nan();
            m[l] = if x > m[l] { x } else { m[l] };
        }
    }
    for l in 0..b {
        if nan[l] {
            m[l] = T::NAN;
        }
    }
    m
}

/// Order of (value, index) pairs: by value with NaN last, then by index. A total order,
/// so the selected element (and its index among ties) is deterministic.
#[inline(always)]
fn pair_cmp<T: Elem>(a: &(T, i64), b: &(T, i64)) -> Ordering {
    let (an, bn) = (is_nan(a.0), is_nan(b.0));
    let by_value = if an || bn {
        an.cmp(&bn)
    } else if less(a.0, b.0) {
        Ordering::Less
    } else if less(b.0, a.0) {
        Ordering::Greater
    } else {
        Ordering::Equal
    };
    by_value.then(a.1.cmp(&b.1))
}

/// One value and its index per line: median (lower middle; the first NaN when the line
/// has one), nanmedian (median of the non-NaN values), mode (most frequent value, the
/// smallest among equally frequent ones, with the last index where it occurs) or the
/// k-th smallest. `vals` and `idx` share out's layout (operand 0 of `d`).
///
/// # Safety
/// Pointers cover every line; `len` > 0; k < len for KTHVALUE.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub unsafe fn select<T: Elem>(op: u32, d: &Desc<2>, len: usize, si: isize, vals: *mut T, idx: *mut i64, a: *const T, k: usize) -> i32 {
    if op > KTHVALUE {
        return ERR_BAD_OP;
    }
    let mut buf: Vec<(T, i64)> = Vec::with_capacity(len);
    each_line(d, |oo, oi| {
        let pa = a.offset(oi);
        buf.clear();
        let mut nans = 0usize;
        let mut first_nan = -1i64;
        for j in 0..len {
            let x = *pa.offset(j as isize * si);
            if is_nan(x) {
                nans += 1;
                if first_nan < 0 {
                    first_nan = j as i64;
                }
            }
            buf.push((x, j as i64));
        }
        let (v, i) = match op {
            MEDIAN if first_nan >= 0 => (buf[first_nan as usize].0, first_nan),
            MEDIAN | NANMEDIAN | KTHVALUE => {
                let valid = if op == NANMEDIAN { len - nans } else { len };
                let kk = match op {
                    KTHVALUE => k,
                    _ => valid.saturating_sub(1) / 2,
                };
                let (_, nth, _) = buf.select_nth_unstable_by(kk, pair_cmp);
                *nth
            }
            _ => {
                buf.sort_unstable_by(pair_cmp);
                let (mut best, mut best_f) = (buf[0], 0usize);
                let mut run = 0usize;
                for j in 0..len {
                    run += 1;
                    let ends = j + 1 == len || is_nan(buf[j].0) || pair_cmp(&(buf[j].0, 0), &(buf[j + 1].0, 0)) != Ordering::Equal;
                    if ends {
                        if run > best_f {
                            best = buf[j];
                            best_f = run;
                        }
                        run = 0;
                    }
                }
                best
            }
        };
        *vals.offset(oo) = v;
        *idx.offset(oo) = i;
    });
    OK
}

/// o_k = prod_{i != k} x_i along each line (prod's gradient factor, exact with zeros).
pub const PROD_OTHERS: u32 = 0;
/// o_k = sum_{j >= k} g_j prod_{i <= j, i != k} x_i (cumprod's gradient, exact with zeros).
pub const CUMPROD_GRAD: u32 = 1;

/// Gradient helpers along lines, without division so zeros in `x` are exact:
/// a backward pass builds suffix terms in `o`, a forward pass multiplies by prefix
/// products. Operands of `d`: 0 = out, 1 = x, 2 = g (unused by PROD_OTHERS).
///
/// # Safety
/// Pointers cover every line.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub unsafe fn line_grad<T: Elem>(op: u32, d: &Desc<3>, len: usize, so: isize, sx: isize, sg: isize, o: *mut T, x: *const T, g: *const T) -> i32 {
    if op > CUMPROD_GRAD || len == 0 {
        return if op > CUMPROD_GRAD { ERR_BAD_OP } else { OK };
    }
    d.for_each_row(|off, n, st| {
        for i in 0..n as isize {
            let po = o.offset(off[0] + i * st[0]);
            let px = x.offset(off[1] + i * st[1]);
            let pg = g.offset(off[2] + i * st[2]);
            let at = |p: *const T, s: isize, j: usize| (*p.offset(j as isize * s)).to_f64();
            // suffix: PROD_OTHERS keeps prod_{i > k} x_i, CUMPROD_GRAD S_k = g_k + x_{k+1} S_{k+1}
            let mut s = if op == PROD_OTHERS { 1.0 } else { at(pg, sg, len - 1) };
            *po.offset((len as isize - 1) * so) = T::from_f64(s);
            for k in (0..len - 1).rev() {
                s = if op == PROD_OTHERS { s * at(px, sx, k + 1) } else { at(pg, sg, k) + at(px, sx, k + 1) * s };
                *po.offset(k as isize * so) = T::from_f64(s);
            }
            let mut prefix = 1.0f64;
            for k in 0..len {
                let w = po.offset(k as isize * so);
                *w = T::from_f64((*w).to_f64() * prefix);
                prefix *= at(px, sx, k);
            }
        }
    });
    OK
}
