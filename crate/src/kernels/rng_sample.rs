//! Sampling kernels over whole tensors: randperm and multinomial, as PyTorch 1.13's
//! CPU implementations consume the generator.

use crate::dtype::Elem;
use crate::kernels::crmath;
use crate::kernels::rng::Generator;
use crate::status::{ERR_PROB_ENTRY_NEGATIVE, ERR_PROB_ENTRY_NOT_FINITE, ERR_PROB_NOT_FINITE_OR_NEGATIVE, ERR_PROB_SUM_NOT_POSITIVE, OK};

/// randperm(n): 0..n-1, then swap element i with element i + (random() % (n - i)).
///
/// # Safety
/// `p` with element stride `stride` covers n elements.
pub unsafe fn randperm<T: Elem>(g: &mut Generator, p: *mut T, stride: isize, n: i64) {
    for i in 0..n {
        *p.offset(i as isize * stride) = T::from_i64(i);
    }
    for i in 0..n.saturating_sub(1) {
        let z = (g.random() as i64) % (n - i);
        let a = p.offset(i as isize * stride);
        let b = p.offset((i + z) as isize * stride);
        core::ptr::swap(a, b);
    }
}


/// The float types multinomial reads: its cumulative sums and ratios stay in the type.
pub trait ProbFloat: Elem + PartialOrd + core::ops::Add<Output = Self> + core::ops::Div<Output = Self> {
    const ZERO: Self;
    fn from_exp(v: f64) -> Self;
}
impl ProbFloat for f32 {
    const ZERO: Self = 0.0;
    fn from_exp(v: f64) -> Self {
        v as f32
    }
}
impl ProbFloat for f64 {
    const ZERO: Self = 0.0;
    fn from_exp(v: f64) -> Self {
        v
    }
}

/// A probability matrix: `rows` distributions of `cols` categories, element (i, j) at
/// `ptr + i * s0 + j * s1`.
pub struct Probs<T> {
    pub ptr: *const T,
    pub rows: usize,
    pub cols: usize,
    pub s0: isize,
    pub s1: isize,
}

impl<T: ProbFloat> Probs<T> {
    #[inline(always)]
    unsafe fn at(&self, i: usize, j: usize) -> T {
        *self.ptr.offset(i as isize * self.s0 + j as isize * self.s1)
    }

    /// The with-replacement kernel's checks, in its order: per row, each entry >= 0
    /// and finite, then a positive sum.
    unsafe fn check_rows(&self) -> i32 {
        for i in 0..self.rows {
            let mut sum = T::ZERO;
            for j in 0..self.cols {
                let v = self.at(i, j);
                if v.to_f64().is_nan() || v < T::ZERO {
                    return ERR_PROB_ENTRY_NEGATIVE;
                }
                if !v.to_f64().is_finite() {
                    return ERR_PROB_ENTRY_NOT_FINITE;
                }
                sum = sum + v;
            }
            if sum.to_f64().is_nan() || sum <= T::ZERO {
                return ERR_PROB_SUM_NOT_POSITIVE;
            }
        }
        OK
    }

    /// The fast path's checks: every entry finite and >= 0, then no all-zero row.
    unsafe fn check_all(&self) -> i32 {
        for i in 0..self.rows {
            for j in 0..self.cols {
                let v = self.at(i, j).to_f64();
                if !(0.0..f64::INFINITY).contains(&v) {
                    return ERR_PROB_NOT_FINITE_OR_NEGATIVE;
                }
            }
        }
        for i in 0..self.rows {
            let mut sum = T::ZERO;
            for j in 0..self.cols {
                sum = sum + self.at(i, j);
            }
            if sum == T::ZERO {
                return ERR_PROB_SUM_NOT_POSITIVE;
            }
        }
        OK
    }
}

/// multinomial with replacement (n_sample >= 2): per row, the normalised cumulative
/// distribution in T, then a binary search for each double uniform.
///
/// # Safety
/// `out` covers rows * n_sample int64 values, row-major.
pub unsafe fn multinomial_with_replacement<T: ProbFloat>(g: &mut Generator, probs: &Probs<T>, n_sample: usize, out: *mut i64) -> i32 {
    let status = probs.check_rows();
    if status != OK {
        return status;
    }
    let n = probs.cols;
    let mut cum = vec![T::ZERO; n];
    for i in 0..probs.rows {
        let mut sum = T::ZERO;
        for (j, c) in cum.iter_mut().enumerate() {
            sum = sum + probs.at(i, j);
            *c = sum;
        }
        for c in cum.iter_mut() {
            *c = *c / sum;
        }
        cum[n - 1] = T::from_f64(1.0);
        for k in 0..n_sample {
            let u = g.uniform_f64();
            let (mut lo, mut hi) = (0usize, n);
            while hi > lo {
                let mid = lo + (hi - lo) / 2;
                if cum[mid].to_f64() < u {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            *out.add(i * n_sample + k) = lo as i64;
        }
    }
    OK
}

/// multinomial without replacement (or a single sample): q ~ Exp(1) drawn over the
/// tensor in `q_col_major` order (the memory order of the probabilities), then per
/// row the n_sample largest p / q, largest first (ties: lower index first).
///
/// # Safety
/// `out` covers rows * n_sample int64 values, row-major.
pub unsafe fn multinomial_top<T: ProbFloat>(g: &mut Generator, probs: &Probs<T>, n_sample: usize, q_col_major: bool, out: *mut i64) -> i32 {
    let status = probs.check_all();
    if status != OK {
        return status;
    }
    let (rows, cols) = (probs.rows, probs.cols);
    let mut q = vec![T::ZERO; rows * cols];
    let mut draw = || T::from_exp(-crmath::log(1.0 - g.uniform_f64()));
    if q_col_major {
        for j in 0..cols {
            for i in 0..rows {
                q[i * cols + j] = draw();
            }
        }
    } else {
        for v in q.iter_mut() {
            *v = draw();
        }
    }
    let mut idx: Vec<usize> = Vec::with_capacity(cols);
    for i in 0..rows {
        let ratio = |j: usize| probs.at(i, j) / q[i * cols + j];
        idx.clear();
        idx.extend(0..cols);
        // descending, NaN counting as the largest, stable for ties
        idx.sort_by(|&a, &b| {
            let (x, y) = (ratio(a).to_f64(), ratio(b).to_f64());
            match (x.is_nan(), y.is_nan()) {
                (true, true) => core::cmp::Ordering::Equal,
                (true, false) => core::cmp::Ordering::Less,
                (false, true) => core::cmp::Ordering::Greater,
                _ => y.partial_cmp(&x).unwrap(),
            }
        });
        for (k, &j) in idx.iter().take(n_sample).enumerate() {
            *out.add(i * n_sample + k) = j as i64;
        }
    }
    OK
}
