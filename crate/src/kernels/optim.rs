//! Fused optimizer steps: one pass over a contiguous parameter and its state for SGD
//! (momentum, dampening, Nesterov, weight decay, maximize) and Adam / AdamW (amsgrad,
//! maximize), computing the float operations of PyTorch 1.13's `_single_tensor_sgd` /
//! `_single_tensor_adam(w)` in their order, so the results are PyTorch's bit for bit.
//!
//! PyTorch's CPU kernels (built for AVX2) round some of those operations differently
//! from their naive reading: `a.add(b, alpha)` is one fused multiply-add
//! `fma(alpha, b, a)`, and `a.addcmul(b, c, value)` is `fma(value * b, c, a)` with
//! `value * b` rounded first; `a.addcdiv(b, c, value)` rounds `value * b`, the quotient
//! and the sum separately; scalars are rounded to the element type before use. `fma`
//! below is a correctly rounded fused multiply-add, as the hardware's.

use crate::num::Float;

/// The element types of the fused steps: Float with an exact fused multiply-add.
pub trait StepFloat: Float {
    /// a * b + c with one rounding.
    fn fma(a: Self, b: Self, c: Self) -> Self;
    /// torch.maximum: NaN if either is NaN; `b` when they compare equal (AVX's max).
    #[inline(always)]
    fn maximum(a: Self, b: Self) -> Self {
        if a.is_nan() || b.is_nan() {
            Self::NAN
        } else if a > b {
            a
        } else {
            b
        }
    }
}

impl StepFloat for f32 {
    /// In double: the product is exact, the sum is rounded to odd (its last bit set
    /// when inexact), which makes the final rounding to float the correct one.
    #[inline(always)]
    fn fma(a: f32, b: f32, c: f32) -> f32 {
        let p = a as f64 * b as f64;
        let c = c as f64;
        let s = p + c;
        // TwoSum: err = p + c - s exactly
        let bb = s - p;
        let err = (p - (s - bb)) + (c - bb);
        let bits = s.to_bits();
        // NaN errors come from infinite sums, which need no correction
        if err != 0.0 && !err.is_nan() && bits & 1 == 0 {
            let toward_larger_magnitude = (err > 0.0) == (s > 0.0);
            let odd = if toward_larger_magnitude { bits + 1 } else { bits - 1 };
            return f64::from_bits(odd) as f32;
        }
        s as f32
    }
}

impl StepFloat for f64 {
    #[inline(always)]
    fn fma(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
}

pub const MAXIMIZE: u32 = 1;
/// SGD: Nesterov momentum.
pub const NESTEROV: u32 = 2;
/// SGD: the momentum buffer does not exist yet: it starts as the gradient.
pub const FIRST_STEP: u32 = 4;
/// Adam: keep the running maximum of exp_avg_sq (amsgrad).
pub const AMSGRAD: u32 = 8;
/// AdamW: the parameter shrinks by (1 - lr * weight_decay) instead of weight decay entering the gradient.
pub const DECOUPLED: u32 = 16;

/// SGD's hyper-parameters as PyTorch passes them (doubles; rounded to T where used).
pub struct SgdArgs {
    pub flags: u32,
    pub lr: f64,
    pub momentum: f64,
    pub dampening: f64,
    pub weight_decay: f64,
}

/// One SGD step over n elements: p, g and (with momentum) buf contiguous, no overlap.
///
/// # Safety
/// p, g (and buf when momentum != 0) valid for n elements.
pub unsafe fn sgd<T: StepFloat>(n: usize, p: *mut T, g: *const T, buf: *mut T, a: &SgdArgs) {
    sgd_from(0, n, p, g, buf, a)
}

/// sgd over elements start..n (the vector loop did those before).
///
/// # Safety
/// As sgd.
pub unsafe fn sgd_from<T: StepFloat>(start: usize, n: usize, p: *mut T, g: *const T, buf: *mut T, a: &SgdArgs) {
    let maximize = a.flags & MAXIMIZE != 0;
    let nesterov = a.flags & NESTEROV != 0;
    let first = a.flags & FIRST_STEP != 0;
    let has_momentum = a.momentum != 0.0;
    let wd = T::f(a.weight_decay);
    let mom = T::f(a.momentum);
    let one_minus_damp = T::f(1.0 - a.dampening);
    let neg_lr = T::f(-a.lr);
    for i in start..n {
        let pi = *p.add(i);
        let mut d = *g.add(i);
        if maximize {
            d = -d;
        }
        if a.weight_decay != 0.0 {
            d = T::fma(wd, pi, d); // d_p.add(param, alpha=weight_decay)
        }
        if has_momentum {
            // buf.mul_(momentum).add_(d_p, alpha=1 - dampening), or clone(d_p) first
            let b = if first { d } else { T::fma(one_minus_damp, d, *buf.add(i) * mom) };
            *buf.add(i) = b;
            d = if nesterov { T::fma(mom, b, d) } else { b };
        }
        *p.add(i) = T::fma(neg_lr, d, pi); // param.add_(d_p, alpha=-lr)
    }
}

/// Adam's hyper-parameters, with the step's bias corrections computed by the caller
/// in double as PyTorch does in Python: step_size = lr / (1 - beta1^t),
/// bias_correction2_sqrt = sqrt(1 - beta2^t).
pub struct AdamArgs {
    pub flags: u32,
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub step_size: f64,
    pub bias_correction2_sqrt: f64,
}

/// One Adam (or AdamW) step over n contiguous elements: p, g, exp_avg m, exp_avg_sq v
/// and (with amsgrad) max_exp_avg_sq vmax, no overlap.
///
/// # Safety
/// p, g, m, v (and vmax with AMSGRAD) valid for n elements.
pub unsafe fn adam<T: StepFloat>(n: usize, p: *mut T, g: *const T, m: *mut T, v: *mut T, vmax: *mut T, a: &AdamArgs) {
    adam_from(0, n, p, g, m, v, vmax, a)
}

/// adam over elements start..n (the vector loop did those before).
///
/// # Safety
/// As adam.
#[allow(clippy::too_many_arguments)]
pub unsafe fn adam_from<T: StepFloat>(start: usize, n: usize, p: *mut T, g: *const T, m: *mut T, v: *mut T, vmax: *mut T, a: &AdamArgs) {
    let maximize = a.flags & MAXIMIZE != 0;
    let amsgrad = a.flags & AMSGRAD != 0;
    let decoupled = a.flags & DECOUPLED != 0;
    let shrink = T::f(1.0 - a.lr * a.weight_decay);
    let wd = T::f(a.weight_decay);
    let (beta1, beta2) = (T::f(a.beta1), T::f(a.beta2));
    let (one_minus_b1, one_minus_b2) = (T::f(1.0 - a.beta1), T::f(1.0 - a.beta2));
    let bc2_sqrt = T::f(a.bias_correction2_sqrt);
    let eps = T::f(a.eps);
    let neg_step = T::f(-a.step_size);
    for i in start..n {
        let mut pi = *p.add(i);
        let mut gi = *g.add(i);
        if maximize {
            gi = -gi;
        }
        if decoupled {
            pi = pi * shrink; // param.mul_(1 - lr * weight_decay)
        } else if a.weight_decay != 0.0 {
            gi = T::fma(wd, pi, gi); // grad.add(param, alpha=weight_decay)
        }
        let mi = T::fma(one_minus_b1, gi, *m.add(i) * beta1); // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        let vi = T::fma(one_minus_b2 * gi, gi, *v.add(i) * beta2); // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        *m.add(i) = mi;
        *v.add(i) = vi;
        let second = if amsgrad {
            let x = T::maximum(*vmax.add(i), vi);
            *vmax.add(i) = x;
            x
        } else {
            vi
        };
        let denom = second.sqrt() / bc2_sqrt + eps; // (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
        *p.add(i) = pi + (neg_step * mi) / denom; // param.addcdiv_(exp_avg, denom, value=-step_size)
    }
}
