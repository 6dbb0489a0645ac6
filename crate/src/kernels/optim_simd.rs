//! float32 fused optimizer steps with 128-bit vectors: the same operations as
//! optim.rs's scalar loops, lane by lane, so both give bit-identical results (the
//! scalar loop finishes the tail).
//!
//! The fused multiply-add widens to double: the product of two floats is exact there
//! and the sum rounds once, which the conversion to float rounds again. That double
//! rounding is wrong only when the double sum lands exactly on a midpoint between two
//! floats while the exact sum is not there, or among the subnormal floats; vectors
//! with such a lane go through the scalar round-to-odd fma. (Sums of floats with few
//! significant bits land on midpoints exactly and often; generic ones almost never.)

use super::optim::{AdamArgs, SgdArgs, StepFloat, AMSGRAD, DECOUPLED, FIRST_STEP, MAXIMIZE, NESTEROV};
use core::arch::wasm32::*;

/// Lanes of a double sum whose rounding to float may differ from a fused multiply-add:
/// on a float midpoint (the 29 bits below float precision are 1000...0), or nonzero
/// and below the smallest normal float (whose midpoints sit elsewhere).
#[inline(always)]
unsafe fn suspect(s: v128) -> v128 {
    let midpoint = i64x2_eq(v128_and(s, i64x2_splat(0x1FFF_FFFF)), i64x2_splat(0x1000_0000));
    let tiny = v128_and(f64x2_lt(f64x2_abs(s), f64x2_splat(f32::MIN_POSITIVE as f64)), f64x2_ne(s, f64x2_splat(0.0)));
    v128_or(midpoint, tiny)
}

/// a * b + c on four float lanes, rounded once.
#[inline(always)]
pub unsafe fn fma4(a: v128, b: v128, c: v128) -> v128 {
    let high = |x: v128| f64x2_promote_low_f32x4(i32x4_shuffle::<2, 3, 2, 3>(x, x));
    let lo = f64x2_add(f64x2_mul(f64x2_promote_low_f32x4(a), f64x2_promote_low_f32x4(b)), f64x2_promote_low_f32x4(c));
    let hi = f64x2_add(f64x2_mul(high(a), high(b)), high(c));
    if v128_any_true(v128_or(suspect(lo), suspect(hi))) {
        // on a midpoint the double sum is often exact (then its rounding is right):
        // only the lane by lane fma can tell
        return fma4_exact(a, b, c);
    }
    i32x4_shuffle::<0, 1, 4, 5>(f32x4_demote_f64x2_zero(lo), f32x4_demote_f64x2_zero(hi))
}

/// The suspect vectors: StepFloat::fma lane by lane.
#[inline(never)]
unsafe fn fma4_exact(a: v128, b: v128, c: v128) -> v128 {
    let (mut x, mut y, mut z) = ([0f32; 4], [0f32; 4], [0f32; 4]);
    v128_store(x.as_mut_ptr() as *mut v128, a);
    v128_store(y.as_mut_ptr() as *mut v128, b);
    v128_store(z.as_mut_ptr() as *mut v128, c);
    let r: [f32; 4] = core::array::from_fn(|i| <f32 as StepFloat>::fma(x[i], y[i], z[i]));
    v128_load(r.as_ptr() as *const v128)
}

/// torch.maximum lane by lane, as StepFloat::maximum: NaN if either is NaN, else the
/// larger, `b` when they compare equal.
#[inline(always)]
unsafe fn maximum4(a: v128, b: v128) -> v128 {
    let larger = v128_bitselect(a, b, f32x4_gt(a, b));
    v128_or(larger, v128_or(f32x4_ne(a, a), f32x4_ne(b, b)))
}

/// optim::sgd's loop over the first n / 4 * 4 elements; returns how many it did.
///
/// # Safety
/// As optim::sgd.
pub unsafe fn sgd_f32(n: usize, p: *mut f32, g: *const f32, buf: *mut f32, a: &SgdArgs) -> usize {
    let quads = n / 4 * 4;
    let maximize = a.flags & MAXIMIZE != 0;
    let nesterov = a.flags & NESTEROV != 0;
    let first = a.flags & FIRST_STEP != 0;
    let has_momentum = a.momentum != 0.0;
    let wd = f32x4_splat(a.weight_decay as f32);
    let mom = f32x4_splat(a.momentum as f32);
    let one_minus_damp = f32x4_splat((1.0 - a.dampening) as f32);
    let unit_damp = (1.0 - a.dampening) as f32 == 1.0;
    let neg_lr = f32x4_splat((-a.lr) as f32);
    for i in (0..quads).step_by(4) {
        let pp = p.add(i) as *mut v128;
        let pi = v128_load(pp);
        let mut d = v128_load(g.add(i) as *const v128);
        if maximize {
            d = f32x4_neg(d);
        }
        if a.weight_decay != 0.0 {
            d = fma4(wd, pi, d);
        }
        if has_momentum {
            let bp = buf.add(i) as *mut v128;
            let b = if first {
                d
            } else if unit_damp {
                f32x4_add(f32x4_mul(v128_load(bp), mom), d) // fma(1, d, x) is x + d rounded once
            } else {
                fma4(one_minus_damp, d, f32x4_mul(v128_load(bp), mom))
            };
            v128_store(bp, b);
            d = if nesterov { fma4(mom, b, d) } else { b };
        }
        v128_store(pp, fma4(neg_lr, d, pi));
    }
    quads
}

/// optim::adam's loop over the first n / 4 * 4 elements; returns how many it did.
///
/// # Safety
/// As optim::adam.
pub unsafe fn adam_f32(n: usize, p: *mut f32, g: *const f32, m: *mut f32, v: *mut f32, vmax: *mut f32, a: &AdamArgs) -> usize {
    let quads = n / 4 * 4;
    let maximize = a.flags & MAXIMIZE != 0;
    let amsgrad = a.flags & AMSGRAD != 0;
    let decoupled = a.flags & DECOUPLED != 0;
    let shrink = f32x4_splat((1.0 - a.lr * a.weight_decay) as f32);
    let wd = f32x4_splat(a.weight_decay as f32);
    let (beta1, beta2) = (f32x4_splat(a.beta1 as f32), f32x4_splat(a.beta2 as f32));
    let (one_minus_b1, one_minus_b2) = (f32x4_splat((1.0 - a.beta1) as f32), f32x4_splat((1.0 - a.beta2) as f32));
    let bc2_sqrt = f32x4_splat(a.bias_correction2_sqrt as f32);
    let eps = f32x4_splat(a.eps as f32);
    let neg_step = f32x4_splat((-a.step_size) as f32);
    for i in (0..quads).step_by(4) {
        let pp = p.add(i) as *mut v128;
        let (mp, vp) = (m.add(i) as *mut v128, v.add(i) as *mut v128);
        let mut pi = v128_load(pp);
        let mut gi = v128_load(g.add(i) as *const v128);
        if maximize {
            gi = f32x4_neg(gi);
        }
        if decoupled {
            pi = f32x4_mul(pi, shrink);
        } else if a.weight_decay != 0.0 {
            gi = fma4(wd, pi, gi);
        }
        let mi = fma4(one_minus_b1, gi, f32x4_mul(v128_load(mp), beta1));
        let vi = fma4(f32x4_mul(one_minus_b2, gi), gi, f32x4_mul(v128_load(vp), beta2));
        v128_store(mp, mi);
        v128_store(vp, vi);
        let second = if amsgrad {
            let xp = vmax.add(i) as *mut v128;
            let x = maximum4(v128_load(xp), vi);
            v128_store(xp, x);
            x
        } else {
            vi
        };
        let denom = f32x4_add(f32x4_div(f32x4_sqrt(second), bc2_sqrt), eps);
        v128_store(pp, f32x4_add(pi, f32x4_div(f32x4_mul(neg_step, mi), denom)));
    }
    quads
}
