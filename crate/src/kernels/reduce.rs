//! Reductions over a set of dims. The index space is split in two: the kept dims
//! (`outer`: operand 0 = out, 1 = input) and the reduced dims (`inner`: operand 0 = input).
//! Floating inputs accumulate in f64, integer inputs in i64, as PyTorch's results need.
//!
//! Each reduction is a `Reducer` (initial state, step, finish). One driver runs them
//! two ways: "horizontal" (one output at a time, walking its reduced region; contiguous
//! rows go through `run`, which the sums unroll) and "vertical" (when the kept dims are
//! the contiguous ones, e.g. sum over dim 0: a block of neighbouring outputs advances
//! together through the reduced region, so every load is contiguous).

use crate::dtype::Elem;
use crate::status::{ERR_BAD_OP, OK};
use crate::kernels::parallel;
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


/// Outputs advanced together by the vertical driver.
const LANES: usize = 32;

/// A reduction result before it is stored in the output's dtype.
#[derive(Clone, Copy, Debug, PartialEq)]
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

/// One reduction: a state per output, updated by every element of its region.
pub trait Reducer<T: Elem>: Copy {
    type S: Copy;
    fn init(&self) -> Self::S;
    fn step(&self, s: &mut Self::S, x: T);
    fn finish(&self, s: Self::S, count: usize) -> Acc;
    /// A contiguous run of `n` elements.
    ///
    /// # Safety
    /// `p` points at `n` readable elements.
    #[inline(always)]
    unsafe fn run(&self, s: &mut Self::S, p: *const T, n: usize) {
        for i in 0..n {
            self.step(s, *p.add(i));
        }
    }
}

#[derive(Clone, Copy)]
struct SumF {
    mean: bool,
}
impl<T: Elem> Reducer<T> for SumF {
    type S = f64;
    #[inline(always)]
    fn init(&self) -> f64 {
        0.0
    }
    #[inline(always)]
    fn step(&self, s: &mut f64, x: T) {
        *s += x.to_f64();
    }
    #[inline(always)]
    fn finish(&self, s: f64, count: usize) -> Acc {
        Acc::F(if self.mean { s / count as f64 } else { s })
    }
    /// Four independent partial sums: breaks the add dependency chain and vectorises.
    #[inline(always)]
    unsafe fn run(&self, s: &mut f64, p: *const T, n: usize) {
        let v = core::slice::from_raw_parts(p, n);
        let mut acc = [0.0f64; 4];
        let chunks = v.chunks_exact(4);
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
        *s += (acc[0] + acc[1]) + (acc[2] + acc[3]);
    }
}

#[derive(Clone, Copy)]
struct SumI;
impl<T: Elem> Reducer<T> for SumI {
    type S = i64;
    #[inline(always)]
    fn init(&self) -> i64 {
        0
    }
    #[inline(always)]
    fn step(&self, s: &mut i64, x: T) {
        *s = s.wrapping_add(x.to_i64());
    }
    #[inline(always)]
    fn finish(&self, s: i64, _: usize) -> Acc {
        Acc::I(s)
    }
}

#[derive(Clone, Copy)]
struct ProdF;
impl<T: Elem> Reducer<T> for ProdF {
    type S = f64;
    #[inline(always)]
    fn init(&self) -> f64 {
        1.0
    }
    #[inline(always)]
    fn step(&self, s: &mut f64, x: T) {
        *s *= x.to_f64();
    }
    #[inline(always)]
    fn finish(&self, s: f64, _: usize) -> Acc {
        Acc::F(s)
    }
}

#[derive(Clone, Copy)]
struct ProdI;
impl<T: Elem> Reducer<T> for ProdI {
    type S = i64;
    #[inline(always)]
    fn init(&self) -> i64 {
        1
    }
    #[inline(always)]
    fn step(&self, s: &mut i64, x: T) {
        *s = s.wrapping_mul(x.to_i64());
    }
    #[inline(always)]
    fn finish(&self, s: i64, _: usize) -> Acc {
        Acc::I(s)
    }
}

/// amax/amin of floats: a NaN sticks (it fails every comparison afterwards).
#[derive(Clone, Copy)]
struct ExtremeF {
    max: bool,
}
impl<T: Elem> Reducer<T> for ExtremeF {
    type S = f64;
    #[inline(always)]
    fn init(&self) -> f64 {
        if self.max { f64::NEG_INFINITY } else { f64::INFINITY }
    }
    #[inline(always)]
    fn step(&self, s: &mut f64, x: T) {
        let x = x.to_f64();
        let better = if self.max { x > *s } else { x < *s };
        if better || x.is_nan() {
            *s = x;
        }
    }
    #[inline(always)]
    fn finish(&self, s: f64, _: usize) -> Acc {
        Acc::F(s)
    }
    /// float32 runs in SIMD; a zero result (where -0 and +0 would depend on the scan
    /// order) takes the element steps.
    #[inline(always)]
    unsafe fn run(&self, s: &mut f64, p: *const T, n: usize) {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        if core::mem::size_of::<T>() == 4 && T::FLOAT && n >= 8 {
            let m = super::simd_lines::extreme_f32(p as *const f32, n, self.max);
            if m != 0.0 {
                self.step(s, T::from_f64(m as f64));
                return;
            }
        }
        for i in 0..n {
            self.step(s, *p.add(i));
        }
    }
}

#[derive(Clone, Copy)]
struct ExtremeI {
    max: bool,
}
impl<T: Elem> Reducer<T> for ExtremeI {
    type S = i64;
    #[inline(always)]
    fn init(&self) -> i64 {
        if self.max { i64::MIN } else { i64::MAX }
    }
    #[inline(always)]
    fn step(&self, s: &mut i64, x: T) {
        let x = x.to_i64();
        *s = if self.max { (*s).max(x) } else { (*s).min(x) };
    }
    #[inline(always)]
    fn finish(&self, s: i64, _: usize) -> Acc {
        Acc::I(s)
    }
}

/// nansum / nanmean: NaNs are skipped (and not counted).
#[derive(Clone, Copy)]
struct NanSum {
    mean: bool,
}
impl<T: Elem> Reducer<T> for NanSum {
    type S = (f64, f64);
    #[inline(always)]
    fn init(&self) -> (f64, f64) {
        (0.0, 0.0)
    }
    #[inline(always)]
    fn step(&self, s: &mut (f64, f64), x: T) {
        let x = x.to_f64();
        if !x.is_nan() {
            s.0 += x;
            s.1 += 1.0;
        }
    }
    #[inline(always)]
    fn finish(&self, s: (f64, f64), _: usize) -> Acc {
        Acc::F(if self.mean { s.0 / s.1 } else { s.0 })
    }
}

/// var / std by Welford's update (one pass, stable). PyTorch divides by
/// max(0, N - correction): 0/0 gives NaN and x/0 gives inf.
#[derive(Clone, Copy)]
struct Welford {
    correction: f64,
    std: bool,
}
impl<T: Elem> Reducer<T> for Welford {
    type S = (f64, f64, f64);
    #[inline(always)]
    fn init(&self) -> (f64, f64, f64) {
        (0.0, 0.0, 0.0)
    }
    #[inline(always)]
    fn step(&self, s: &mut (f64, f64, f64), x: T) {
        let x = x.to_f64();
        s.0 += 1.0;
        let d = x - s.1;
        s.1 += d / s.0;
        s.2 += d * (x - s.1);
    }
    #[inline(always)]
    fn finish(&self, s: (f64, f64, f64), _: usize) -> Acc {
        let var = if s.0 == 0.0 { f64::NAN } else { s.2 / (s.0 - self.correction).max(0.0) };
        Acc::F(if self.std { var.sqrt() } else { var })
    }
    /// A contiguous run: its mean, then its sum of squared deviations (two passes, four
    /// independent sums each, so no division per element), merged into the running
    /// (count, mean, M2) with Chan et al.'s formula.
    #[inline(always)]
    unsafe fn run(&self, s: &mut (f64, f64, f64), p: *const T, n: usize) {
        if n < 8 {
            for i in 0..n {
                self.step(s, *p.add(i));
            }
            return;
        }
        let x = |i: usize| (*p.add(i)).to_f64();
        let quads = n / 4 * 4;
        let mut s4 = [0.0f64; 4];
        for j in (0..quads).step_by(4) {
            for k in 0..4 {
                s4[k] += x(j + k);
            }
        }
        let mut sum = (s4[0] + s4[1]) + (s4[2] + s4[3]);
        for j in quads..n {
            sum += x(j);
        }
        let nb = n as f64;
        let mean = sum / nb;
        let mut q4 = [0.0f64; 4];
        for j in (0..quads).step_by(4) {
            for k in 0..4 {
                let d = x(j + k) - mean;
                q4[k] += d * d;
            }
        }
        let mut m2 = (q4[0] + q4[1]) + (q4[2] + q4[3]);
        for j in quads..n {
            let d = x(j) - mean;
            m2 += d * d;
        }
        let (na, ma, m2a) = *s;
        if na == 0.0 {
            *s = (nb, mean, m2);
            return;
        }
        let total = na + nb;
        let delta = mean - ma;
        *s = (total, ma + delta * (nb / total), m2a + m2 + delta * delta * (na * nb / total));
    }
}

/// logsumexp computed online: the running max and the sum of exp(x - max).
#[derive(Clone, Copy)]
struct LogSumExp;
impl<T: Elem> Reducer<T> for LogSumExp {
    type S = (f64, f64);
    #[inline(always)]
    fn init(&self) -> (f64, f64) {
        (f64::NEG_INFINITY, 0.0)
    }
    #[inline(always)]
    fn step(&self, s: &mut (f64, f64), x: T) {
        let x = x.to_f64();
        let (m, sum) = *s;
        if m.is_nan() || x == f64::NEG_INFINITY {
            return;
        }
        if x.is_nan() {
            s.0 = x;
        } else if x > m {
            // rescale the sum to the new max (exp(-inf) = 0 covers the first element)
            *s = (x, sum * (m - x).exp() + 1.0);
        } else if x == m {
            s.1 = sum + 1.0;
        } else {
            s.1 = sum + (x - m).exp();
        }
    }
    #[inline(always)]
    fn finish(&self, s: (f64, f64), _: usize) -> Acc {
        let (m, sum) = s;
        Acc::F(if m.is_nan() || m.is_infinite() { m } else { m + sum.ln() })
    }
    /// float32 runs: max, then the sum of exp(x - max) in SIMD (softmax's exp), merged
    /// into the running state; runs holding NaN or +inf take the element steps.
    #[inline(always)]
    unsafe fn run(&self, s: &mut (f64, f64), p: *const T, n: usize) {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        if core::mem::size_of::<T>() == 4 && T::FLOAT && !s.0.is_nan() {
            if let Some((mx, sum)) = super::simd_lines::max_and_exp_sum_f32(p as *const f32, n) {
                let (m, acc) = *s;
                if mx == f64::NEG_INFINITY {
                    return; // every element is -inf: adds nothing
                }
                *s = if mx > m { (mx, acc * (m - mx).exp() + sum) } else { (m, acc + sum * (mx - m).exp()) };
                return;
            }
        }
        for i in 0..n {
            self.step(s, *p.add(i));
        }
    }
}

/// Vector p-norms; `kind` picks the specialised loops of the common orders.
#[derive(Clone, Copy)]
struct Norm {
    kind: u8,
    p: f64,
}
const NORM_2: u8 = 0;
const NORM_1: u8 = 1;
const NORM_INF: u8 = 2;
const NORM_NEG_INF: u8 = 3;
const NORM_0: u8 = 4;
const NORM_P: u8 = 5;
impl Norm {
    fn new(p: f64) -> Self {
        let kind = if p == 2.0 {
            NORM_2
        } else if p == 1.0 {
            NORM_1
        } else if p == f64::INFINITY {
            NORM_INF
        } else if p == f64::NEG_INFINITY {
            NORM_NEG_INF
        } else if p == 0.0 {
            NORM_0
        } else {
            NORM_P
        };
        Norm { kind, p }
    }
}
impl<T: Elem> Reducer<T> for Norm {
    type S = f64;
    #[inline(always)]
    fn init(&self) -> f64 {
        if self.kind == NORM_NEG_INF { f64::INFINITY } else { 0.0 }
    }
    #[inline(always)]
    fn step(&self, s: &mut f64, x: T) {
        let a = x.to_f64().abs();
        match self.kind {
            NORM_2 => *s += a * a,
            NORM_1 => *s += a,
            NORM_INF => {
                if a > *s || a.is_nan() {
                    *s = a
                }
            }
            NORM_NEG_INF => {
                if a < *s || a.is_nan() {
                    *s = a
                }
            }
            NORM_0 => *s += (a != 0.0) as u32 as f64,
            _ => *s += a.powf(self.p),
        }
    }
    #[inline(always)]
    fn finish(&self, s: f64, _: usize) -> Acc {
        Acc::F(match self.kind {
            NORM_2 => s.sqrt(),
            NORM_P => s.powf(1.0 / self.p),
            _ => s,
        })
    }
}

#[derive(Clone, Copy)]
struct Logical {
    all: bool,
}
impl<T: Elem> Reducer<T> for Logical {
    type S = bool;
    #[inline(always)]
    fn init(&self) -> bool {
        self.all
    }
    #[inline(always)]
    fn step(&self, s: &mut bool, x: T) {
        if self.all {
            *s &= x.nonzero();
        } else {
            *s |= x.nonzero();
        }
    }
    #[inline(always)]
    fn finish(&self, s: bool, _: usize) -> Acc {
        Acc::B(s)
    }
}

#[derive(Clone, Copy)]
struct CountNonzero;
impl<T: Elem> Reducer<T> for CountNonzero {
    type S = i64;
    #[inline(always)]
    fn init(&self) -> i64 {
        0
    }
    #[inline(always)]
    fn step(&self, s: &mut i64, x: T) {
        *s += x.nonzero() as i64;
    }
    #[inline(always)]
    fn finish(&self, s: i64, _: usize) -> Acc {
        Acc::I(s)
    }
}

/// Runs reducer `r` for every output of `outer` (see the module comment).
unsafe fn drive<T: Elem, R: Reducer<T>>(r: R, outer: &Desc<2>, inner: &Desc<1>, dt_out: u32, o: *mut u8, a: *const T) {
    // Large reductions with many outputs split across threads by outputs (along the
    // first output dim): each output is reduced as on one thread. One output, or few
    // rows, stay on one thread.
    let elems = outer.numel().saturating_mul(inner.numel());
    let whole = outer.nd == 0 || outer.shape[0] < 2 || elems < parallel::MIN_PARALLEL_ELEMS || !parallel::pool_threads();
    let osize = crate::dtype::itemsize(dt_out) as isize;
    // one call site of drive_rows, so it is not inlined twice
    parallel::for_chunks(if whole { 1 } else { outer.shape[0] }, 2, LANES, |s, len| {
        let part;
        let (desc, off) = if whole {
            (outer, [0; 2])
        } else {
            let (p, off) = outer.slice_outer(s, len);
            part = p;
            (&part, off)
        };
        drive_rows(r, desc, inner, dt_out, o.offset(off[0] * osize), a.offset(off[1]))
    });
}

crate::size_optimized! {
    /// `drive` for the reductions off the hot path (see `reduce`).
    #[inline(never)]
    unsafe fn drive_small<T: Elem, R: Reducer<T>>(r: R, outer: &Desc<2>, inner: &Desc<1>, dt_out: u32, o: *mut u8, a: *const T) {
        drive_rows(r, outer, inner, dt_out, o, a)
    }
}

#[inline(always)]
unsafe fn drive_rows<T: Elem, R: Reducer<T>>(r: R, outer: &Desc<2>, inner: &Desc<1>, dt_out: u32, o: *mut u8, a: *const T) {
    let osize = crate::dtype::itemsize(dt_out) as isize;
    let count = inner.numel();
    let inner_contiguous = inner.nd == 0 || inner.strides[0][inner.nd - 1] == 1;
    outer.for_each_row(|off, n, st| {
        if st[1] == 1 && n > 1 && !inner_contiguous {
            let mut l0 = 0usize;
            while l0 < n {
                let b = LANES.min(n - l0);
                let mut acc = [r.init(); LANES];
                let base = a.offset(off[1] + l0 as isize);
                inner.for_each_row(|ioff, m, ist| {
                    for j in 0..m as isize {
                        let p = base.offset(ioff[0] + j * ist[0]);
                        for (l, s) in acc[..b].iter_mut().enumerate() {
                            r.step(s, *p.add(l));
                        }
                    }
                });
                for (l, s) in acc[..b].iter().enumerate() {
                    let at = off[0] + (l0 + l) as isize * st[0];
                    store(dt_out, o.offset(at * osize), r.finish(*s, count));
                }
                l0 += b;
            }
        } else {
            for i in 0..n as isize {
                let base = a.offset(off[1] + i * st[1]);
                let mut s = r.init();
                inner.for_each_row(|ioff, m, ist| {
                    let p = base.offset(ioff[0]);
                    if ist[0] == 1 {
                        r.run(&mut s, p, m);
                    } else {
                        for j in 0..m as isize {
                            r.step(&mut s, *p.offset(j * ist[0]));
                        }
                    }
                });
                store(dt_out, o.offset((off[0] + i * st[0]) * osize), r.finish(s, count));
            }
        }
    });
}

/// Reduction `op` of `a` (dtype T) into `o` (dtype `dt_out`). The float-only ops
/// (mean, var, std, norm, logsumexp, nanmean) reject integer inputs with ERR_BAD_OP.
///
/// # Safety
/// `a` covers every offset of outer x inner; `o` every out offset of `outer`.
pub unsafe fn reduce<T: Elem>(op: u32, outer: &Desc<2>, inner: &Desc<1>, dt_out: u32, o: *mut u8, a: *const T, p1: f64) -> i32 {
    let f = T::FLOAT;
    // The hot path is float32's sum, mean, amax/amin, var/std, norm and logsumexp
    // (compiled for speed); every other dtype and reduction is size-optimised.
    macro_rules! hot {
        ($r:expr) => {
            if T::DT == crate::dtype::F32 { drive($r, outer, inner, dt_out, o, a) } else { drive_small($r, outer, inner, dt_out, o, a) }
        };
    }
    macro_rules! cold {
        ($r:expr) => {
            drive_small($r, outer, inner, dt_out, o, a)
        };
    }
    match op {
        SUM if f => hot!(SumF { mean: false }),
        SUM | NANSUM if !f => cold!(SumI),
        MEAN if f => hot!(SumF { mean: true }),
        NANSUM | NANMEAN if f => cold!(NanSum { mean: op == NANMEAN }),
        PROD if f => cold!(ProdF),
        PROD => cold!(ProdI),
        AMAX | AMIN if f => hot!(ExtremeF { max: op == AMAX }),
        AMAX | AMIN => cold!(ExtremeI { max: op == AMAX }),
        VAR | STD if f => hot!(Welford { correction: p1, std: op == STD }),
        NORM if f => hot!(Norm::new(p1)),
        LOGSUMEXP if f => hot!(LogSumExp),
        ALL | ANY => cold!(Logical { all: op == ALL }),
        COUNT_NONZERO => cold!(CountNonzero),
        _ => return ERR_BAD_OP,
    }
    OK
}

/// `a < b` for any element type, exact for int64 (no detour through f64).
#[inline(always)]
pub fn less<T: Elem>(a: T, b: T) -> bool {
    if T::FLOAT { a.to_f64() < b.to_f64() } else { a.to_i64() < b.to_i64() }
}

#[inline(always)]
pub fn is_nan<T: Elem>(x: T) -> bool {
    T::FLOAT && x.to_f64().is_nan()
}

/// Running state of argmax/argmin: the best value, its flat index (-1: none yet), and
/// whether it is a NaN (which wins and stops the search, as in PyTorch).
#[derive(Clone, Copy)]
struct ArgState<T> {
    best: T,
    index: i64,
    nan: bool,
}

impl<T: Elem> ArgState<T> {
    const START: Self = ArgState { best: unsafe { core::mem::zeroed() }, index: -1, nan: false };
    #[inline(always)]
    fn visit(&mut self, x: T, k: i64, max: bool) {
        if self.nan {
            return;
        }
        if self.index < 0 || is_nan(x) || if max { less(self.best, x) } else { less(x, self.best) } {
            self.best = x;
            self.index = k;
            self.nan = is_nan(x);
        }
    }
}

/// max/min with the index of the first extreme (NaN counts as the extreme, as in PyTorch).
/// Writes values to `vals` (if non-null) and the flat index within the reduced region to `idx`.
/// Like `drive`, neighbouring outputs whose inputs are contiguous advance together.
///
/// # Safety
/// As `reduce`; `idx` is int64 with out's layout, `vals` (dtype T) too.
pub unsafe fn reduce_arg<T: Elem>(op: u32, outer: &Desc<2>, inner: &Desc<1>, vals: *mut T, idx: *mut i64, a: *const T) -> i32 {
    // float32 compiled for speed, the other dtypes for size
    if T::DT == crate::dtype::F32 {
        reduce_arg_rows(op, outer, inner, vals, idx, a)
    } else {
        reduce_arg_small(op, outer, inner, vals, idx, a)
    }
}

crate::size_optimized! {
    #[inline(never)]
    unsafe fn reduce_arg_small<T: Elem>(op: u32, outer: &Desc<2>, inner: &Desc<1>, vals: *mut T, idx: *mut i64, a: *const T) -> i32 {
        reduce_arg_rows(op, outer, inner, vals, idx, a)
    }
}

#[inline(always)]
unsafe fn reduce_arg_rows<T: Elem>(op: u32, outer: &Desc<2>, inner: &Desc<1>, vals: *mut T, idx: *mut i64, a: *const T) -> i32 {
    if op > ARGMIN {
        return ERR_BAD_OP;
    }
    let max = op == ARGMAX;
    let inner_contiguous = inner.nd == 0 || inner.strides[0][inner.nd - 1] == 1;
    let write = |at: isize, s: &ArgState<T>| {
        if !vals.is_null() {
            *vals.offset(at) = s.best;
        }
        *idx.offset(at) = s.index.max(0);
    };
    outer.for_each_row(|off, n, st| {
        let lanes = if st[1] == 1 && n > 1 && !inner_contiguous { LANES } else { 1 };
        let mut l0 = 0usize;
        while l0 < n {
            let b = lanes.min(n - l0);
            let mut state = [ArgState::<T>::START; LANES];
            let base = a.offset(off[1] + l0 as isize * st[1]);
            let mut k = 0i64;
            inner.for_each_row(|ioff, m, ist| {
                for j in 0..m as isize {
                    let p = base.offset(ioff[0] + j * ist[0]);
                    for (l, s) in state[..b].iter_mut().enumerate() {
                        s.visit(*p.add(l), k + j as i64, max);
                    }
                }
                k += m as i64;
            });
            for (l, s) in state[..b].iter().enumerate() {
                write(off[0] + (l0 + l) as isize * st[0], s);
            }
            l0 += b;
        }
    });
    OK
}
