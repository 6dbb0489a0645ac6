//! Cross entropy with class-index targets, fused: per row the max and the exp-sum of
//! log_softmax (the same passes, so the same log-probabilities), then the target's
//! negative log-probability with its class weight, ignore_index and label smoothing;
//! the backward is the softmax minus the (smoothed) one-hot, scaled.
//!
//! Layout: x is (outer, classes, inner) contiguous, e.g. (N, C) with inner = 1 or
//! (N, C, d1, ..) with inner = d1 * ..; a row is one position r = n * inner + j, whose
//! classes are `inner` elements apart. target, loss, row_weight and g are indexed by
//! row; stats holds (max, log(sum)) per row, which the backward reuses. When the
//! forward is given `exps` (x's layout) it keeps exp(x - max) there, so the backward
//! needs no exp: p = exps * exp(-log(sum)).
//!
//! For a row with target t (ls = label smoothing, w = class weights or 1s, W = sum w):
//!   loss = (1 - ls) w_t (-logp_t) + (ls / C) sum_c w_c (-logp_c),   row_weight = w_t
//!   gx_c = g [ (1 - ls) w_t (p_c - [c == t]) + (ls / C) (W p_c - w_c) ]
//! and 0 for both where t == ignore_index. 'mean' divides by the summed row weights,
//! done by the caller (as the scale g of the backward).

use crate::kernels::index::set_bad_index;
use crate::kernels::lines::{softmax_lanes_max, softmax_line_sum, SoftmaxExp, LANES};

// A target outside [0, classes) that is not ignore_index: ERR_INDEX, its value in LAST_BAD_INDEX.
use crate::status::{ERR_INDEX, OK};

#[derive(Clone, Copy, Debug)]
pub struct CeShape {
    pub outer: usize,
    pub classes: usize,
    pub inner: usize,
}

/// The target side: class indices (int64, one per row), optional class weights (null
/// for none), ignore_index and label smoothing.
#[derive(Clone, Copy)]
pub struct CeTarget<T> {
    pub target: *const i64,
    pub weight: *const T,
    pub ignore_index: i64,
    pub smoothing: f64,
}

impl<T: SoftmaxExp> CeTarget<T> {
    #[inline(always)]
    unsafe fn w(&self, c: usize) -> T {
        if self.weight.is_null() { T::ONE } else { *self.weight.add(c) }
    }
    /// The target class of row r: None when ignored, Err when out of range.
    #[inline(always)]
    unsafe fn class(&self, r: usize, classes: usize) -> Result<Option<usize>, i64> {
        let t = *self.target.add(r);
        if t == self.ignore_index {
            Ok(None)
        } else if t < 0 || t >= classes as i64 {
            Err(t)
        } else {
            Ok(Some(t as usize))
        }
    }
    /// W = sum of the class weights (C without weights).
    unsafe fn weight_sum(&self, classes: usize) -> f64 {
        if self.weight.is_null() { classes as f64 } else { (0..classes).map(|c| (*self.weight.add(c)).d()).sum() }
    }
}

/// The loss and weight of a row with target t: x[c * stride] are its logits, m and ls
/// its max and log(sum), so logp_c = (x_c - m) - ls exactly as log_softmax computes it.
#[inline(always)]
unsafe fn row_loss<T: SoftmaxExp>(tg: &CeTarget<T>, classes: usize, t: usize, x: *const T, stride: usize, m: T, ls: T) -> (T, T) {
    let logp = |c: usize| (*x.add(c * stride) - m) - ls;
    let wt = tg.w(t);
    // -logp_t * w_t, as nll_loss computes it
    let nll = -logp(t) * wt;
    if !(tg.smoothing > 0.0) {
        return (nll, wt);
    }
    let mut smooth = 0.0f64;
    if tg.weight.is_null() {
        for c in 0..classes {
            smooth -= logp(c).d();
        }
    } else {
        for c in 0..classes {
            smooth -= (logp(c) * *tg.weight.add(c)).d();
        }
    }
    (T::f((1.0 - tg.smoothing) * nll.d() + tg.smoothing / classes as f64 * smooth), wt)
}

/// Stores row r's stats, loss and weight; false (and LAST_BAD_INDEX) for a bad target.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn finish_row<T: SoftmaxExp>(
    tg: &CeTarget<T>, classes: usize, r: usize, x: *const T, stride: usize, m: T, ls: T, out: (*mut T, *mut T, *mut T),
) -> bool {
    let (loss, row_weight, stats) = out;
    *stats.add(2 * r) = m;
    *stats.add(2 * r + 1) = ls;
    let (l, w) = match tg.class(r, classes) {
        Err(t) => {
            set_bad_index(t);
            return false;
        }
        Ok(None) => (T::ZERO, T::ZERO),
        Ok(Some(t)) => row_loss(tg, classes, t, x, stride, m, ls),
    };
    *loss.add(r) = l;
    *row_weight.add(r) = w;
    true
}

/// Forward: loss and row_weight per row, stats = (max, log(sum)) per row, and
/// exp(x - max) in `exps` unless it is null.
///
/// # Safety
/// x (and exps) cover outer * classes * inner elements; target, loss and row_weight one
/// per row; stats two per row; weight (when not null) `classes` elements.
pub unsafe fn cross_entropy_forward<T: SoftmaxExp>(
    s: &CeShape, x: *const T, tg: &CeTarget<T>, loss: *mut T, row_weight: *mut T, stats: *mut T, exps: *mut T,
) -> i32 {
    let (classes, inner) = (s.classes, s.inner);
    let out = (loss, row_weight, stats);
    for n in 0..s.outer {
        let base = n * classes * inner;
        let xn = x.add(base);
        let en = if exps.is_null() { exps } else { exps.add(base) };
        if inner == 1 {
            let (m, ls) = row_stats(xn, classes, en);
            if !finish_row(tg, classes, n, xn, 1, m, ls, out) {
                return ERR_INDEX;
            }
            continue;
        }
        let mut j = 0;
        while j < inner {
            let b = LANES.min(inner - j);
            let (m, ls) = lane_stats(xn.add(j), classes, inner, b, if en.is_null() { en } else { en.add(j) });
            for l in 0..b {
                if !finish_row(tg, classes, n * inner + j + l, xn.add(j + l), inner, m[l], ls[l], out) {
                    return ERR_INDEX;
                }
            }
            j += b;
        }
    }
    OK
}

/// (max, log(sum of exp(x - max))) of one contiguous row, as log_softmax computes them;
/// each exp(x - max) also stored in `exps` unless it is null.
#[inline(always)]
unsafe fn row_stats<T: SoftmaxExp>(x: *const T, classes: usize, exps: *mut T) -> (T, T) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if core::mem::size_of::<T>() == 4 {
        let xf = x as *const f32;
        let m = super::simd_lines::softmax_max_f32(xf, classes);
        let s = super::simd_lines::exp_sum(xf, classes, m, (!exps.is_null()).then_some(exps as *mut f32));
        return (T::f(m as f64), T::f(s.ln()));
    }
    let (m, s) = softmax_line_sum(classes, 1, x, (!exps.is_null()).then_some((exps, 1)));
    (m, T::f(s.ln()))
}

/// row_stats of `b` adjacent rows whose classes are `stride` apart (softmax's lane walk).
#[inline(always)]
unsafe fn lane_stats<T: SoftmaxExp>(x: *const T, classes: usize, stride: usize, b: usize, exps: *mut T) -> ([T; LANES], [T; LANES]) {
    let m = softmax_lanes_max(classes, stride as isize, x, b);
    let mut s = [0.0f64; LANES];
    for c in 0..classes {
        let r = x.add(c * stride);
        for l in 0..b {
            let e = (*r.add(l) - m[l]).sm_exp();
            s[l] += e.d();
            if !exps.is_null() {
                *exps.add(c * stride + l) = e;
            }
        }
    }
    let mut ls = [T::ZERO; LANES];
    for l in 0..b {
        ls[l] = T::f(s[l].ln());
    }
    (m, ls)
}

/// The backward's per-row factors: gx_c = coef p_c - sw w_c - [c == t] at, all 0 for an ignored row.
#[derive(Clone, Copy)]
struct RowGrad<T> {
    coef: T,
    sw: T,
    at: T,
    t: usize,
}

#[inline(always)]
unsafe fn row_grad<T: SoftmaxExp>(tg: &CeTarget<T>, classes: usize, wsum: f64, r: usize, g: f64) -> Result<Option<RowGrad<T>>, i64> {
    let Some(t) = tg.class(r, classes)? else { return Ok(None) };
    let a = g * (1.0 - tg.smoothing.max(0.0)) * tg.w(t).d();
    let b = if tg.smoothing > 0.0 { g * tg.smoothing / classes as f64 } else { 0.0 };
    Ok(Some(RowGrad { coef: T::f(a + b * wsum), sw: T::f(b), at: T::f(a), t }))
}

/// Backward: gx from the forward's stats (and exps when not null) and the per-row scale
/// g[r * g_stride] (g_stride 0: one scale for every row).
///
/// # Safety
/// As for the forward; gx covers x's elements, g covers the rows it is read at.
#[allow(clippy::too_many_arguments)]
pub unsafe fn cross_entropy_backward<T: SoftmaxExp>(
    s: &CeShape, x: *const T, tg: &CeTarget<T>, stats: *const T, exps: *const T, g: *const T, g_stride: usize, gx: *mut T,
) -> i32 {
    let (classes, inner) = (s.classes, s.inner);
    let wsum = tg.weight_sum(classes);
    let has_w = !tg.weight.is_null();
    for n in 0..s.outer {
        let base = n * classes * inner;
        for j in 0..inner {
            let r = n * inner + j;
            let (xr, gr) = (x.add(base + j), gx.add(base + j));
            let rg = match row_grad(tg, classes, wsum, r, (*g.add(r * g_stride)).d()) {
                Err(t) => {
                    set_bad_index(t);
                    return ERR_INDEX;
                }
                Ok(rg) => rg,
            };
            let Some(mut rg) = rg else {
                for c in 0..classes {
                    *gr.add(c * inner) = T::ZERO;
                }
                continue;
            };
            let (m, ls) = (*stats.add(2 * r), *stats.add(2 * r + 1));
            // p_c = e_c / sum: with the kept exps, coef takes the 1 / sum
            let er = if exps.is_null() { exps } else { exps.add(base + j) };
            if !er.is_null() {
                rg.coef = rg.coef * (-ls).sm_exp();
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            if core::mem::size_of::<T>() == 4 && inner == 1 {
                let w = if has_w { tg.weight as *const f32 } else { core::ptr::null() };
                let rf = RowGrad { coef: rg.coef.d() as f32, sw: rg.sw.d() as f32, at: rg.at.d() as f32, t: rg.t };
                simd::grad_row_f32(xr as *const f32, er as *const f32, classes, m.d() as f32, ls.d() as f32, w, &rf, gr as *mut f32);
                continue;
            }
            for c in 0..classes {
                let p = if er.is_null() { ((*xr.add(c * inner) - m) - ls).sm_exp() } else { *er.add(c * inner) };
                let wc = if has_w { *tg.weight.add(c) } else { T::ONE };
                *gr.add(c * inner) = rg.coef * p - rg.sw * wc;
            }
            let gt = gr.add(rg.t * inner);
            *gt = *gt - rg.at;
        }
    }
    OK
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::RowGrad;
    use crate::kernels::fastexp::{exp_neg4, exp_neg_f32};
    use core::arch::wasm32::*;

    /// One contiguous float32 row of the backward, four classes at a time: p from the
    /// kept exps when `e` is not null, else exp_neg4 of x (exp_neg_f32 lane by lane, so the
    /// scalar loop's result).
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn grad_row_f32(x: *const f32, e: *const f32, classes: usize, m: f32, ls: f32, w: *const f32, rg: &RowGrad<f32>, gx: *mut f32) {
        let quads = classes / 4 * 4;
        let (mv, lv, cv, sv) = (f32x4_splat(m), f32x4_splat(ls), f32x4_splat(rg.coef), f32x4_splat(rg.sw));
        let one = f32x4_splat(1.0);
        for c in (0..quads).step_by(4) {
            let p = if e.is_null() {
                exp_neg4(f32x4_sub(f32x4_sub(v128_load(x.add(c) as *const v128), mv), lv))
            } else {
                v128_load(e.add(c) as *const v128)
            };
            let wc = if w.is_null() { one } else { v128_load(w.add(c) as *const v128) };
            v128_store(gx.add(c) as *mut v128, f32x4_sub(f32x4_mul(cv, p), f32x4_mul(sv, wc)));
        }
        for c in quads..classes {
            let p = if e.is_null() { exp_neg_f32((*x.add(c) - m) - ls) } else { *e.add(c) };
            let wc = if w.is_null() { 1.0 } else { *w.add(c) };
            *gx.add(c) = rg.coef * p - rg.sw * wc;
        }
        *gx.add(rg.t) -= rg.at;
    }
}
