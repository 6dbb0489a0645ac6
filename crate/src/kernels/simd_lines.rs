//! float32 kernels over one contiguous line with 128-bit vectors: softmax /
//! log_softmax (and their max and exp-sum steps, which cross entropy shares), the max
//! and exp-sum logsumexp merges, and max / min. Each repeats its
//! scalar path's operations where results must not depend on the layout: softmax
//! keeps exp_neg_f32's operations, four max lanes, and four sums (float32 over blocks
//! of SUM_BLOCK elements, float64 across them) combined as (s0 + s1) + (s2 + s3), so
//! both paths give bit-identical results.

use super::fastexp::{exp_neg4, exp_neg_f32};
use super::lines::SUM_BLOCK;
use core::arch::wasm32::*;

/// softmax / log_softmax of the line a[0..len] into o[0..len] (they may be the same memory).
///
/// # Safety
/// Both pointers cover `len` floats.
pub unsafe fn softmax_line_f32(log: bool, len: usize, o: *mut f32, a: *const f32) {
    let quads = len / 4 * 4;
    let load = |j: usize| v128_load(a.add(j) as *const v128);
    let m = softmax_max_f32(a, len);
    let mv = f32x4_splat(m);
    let s = exp_sum(a, len, m, if log { None } else { Some(o) });
    if log {
        let ls = s.ln() as f32;
        let lv = f32x4_splat(ls);
        for j in (0..quads).step_by(4) {
            v128_store(o.add(j) as *mut v128, f32x4_sub(f32x4_sub(load(j), mv), lv));
        }
        for j in quads..len {
            *o.add(j) = (*a.add(j) - m) - ls;
        }
    } else {
        let inv = (1.0 / s) as f32;
        let iv = f32x4_splat(inv);
        for j in (0..quads).step_by(4) {
            let w = o.add(j) as *mut v128;
            v128_store(w, f32x4_mul(v128_load(w), iv));
        }
        for j in quads..len {
            *o.add(j) *= inv;
        }
    }
}

/// The max softmax subtracts, over the line's non-NaN elements: a NaN element turns
/// its exp and so the sum into NaN, and with it the whole line (as in PyTorch).
/// f32::MIN for an all -inf (or empty) line, so exp gives 0s and the sum 0 (a NaN
/// result, as in PyTorch).
///
/// # Safety
/// `a` covers `len` floats.
pub unsafe fn softmax_max_f32(a: *const f32, len: usize) -> f32 {
    let quads = len / 4 * 4;
    // four chains, so pmax's latency does not bound the pass: m < x ? x : m, lane by
    // lane (m is never NaN); any order gives the same max (a +-0 tie subtracts alike)
    let load = |j: usize| v128_load(a.add(j) as *const v128);
    let mut m = [f32x4_splat(f32::MIN); 4];
    let mut j = 0;
    while j + 16 <= quads {
        for (k, mk) in m.iter_mut().enumerate() {
            *mk = f32x4_pmax(*mk, load(j + 4 * k));
        }
        j += 16;
    }
    while j < quads {
        m[0] = f32x4_pmax(m[0], load(j));
        j += 4;
    }
    let m4 = f32x4_pmax(f32x4_pmax(m[0], m[1]), f32x4_pmax(m[2], m[3]));
    let mut m = f32::MIN;
    for j in quads..len {
        let x = *a.add(j);
        m = if x > m { x } else { m };
    }
    for mk in [f32x4_extract_lane::<0>(m4), f32x4_extract_lane::<1>(m4), f32x4_extract_lane::<2>(m4), f32x4_extract_lane::<3>(m4)] {
        m = if mk > m { mk } else { m };
    }
    m
}

/// (max, sum of exp(x - max)) of a[0..n] (the sum in f64 like the softmax line), or
/// None when the line holds a NaN or +inf (the caller's element steps handle those);
/// an all -inf (or empty) line gives (-inf, 0).
///
/// # Safety
/// `a` covers `n` floats.
pub unsafe fn max_and_exp_sum_f32(a: *const f32, n: usize) -> Option<(f64, f64)> {
    let quads = n / 4 * 4;
    let load = |j: usize| v128_load(a.add(j) as *const v128);
    let mut m4 = f32x4_splat(f32::NEG_INFINITY);
    let mut bad4 = i32x4_splat(0);
    for j in (0..quads).step_by(4) {
        let x = load(j);
        bad4 = v128_or(bad4, v128_or(f32x4_ne(x, x), f32x4_eq(x, f32x4_splat(f32::INFINITY))));
        m4 = f32x4_pmax(m4, x);
    }
    if v128_any_true(bad4) {
        return None;
    }
    let mut m = f32::NEG_INFINITY;
    for mk in [f32x4_extract_lane::<0>(m4), f32x4_extract_lane::<1>(m4), f32x4_extract_lane::<2>(m4), f32x4_extract_lane::<3>(m4)] {
        m = m.max(mk);
    }
    for j in quads..n {
        let x = *a.add(j);
        if x.is_nan() || x == f32::INFINITY {
            return None;
        }
        m = m.max(x);
    }
    if m == f32::NEG_INFINITY {
        return Some((f64::NEG_INFINITY, 0.0));
    }
    let s = exp_sum(a, n, m, None);
    Some((m as f64, s))
}

/// The max (or min) of a[0..n], n >= 4, NaN when any element is NaN.
///
/// # Safety
/// `a` covers `n` floats.
pub unsafe fn extreme_f32(a: *const f32, n: usize, max: bool) -> f32 {
    let quads = n / 4 * 4;
    let mut m4 = v128_load(a as *const v128);
    let mut nan4 = f32x4_ne(m4, m4);
    for j in (4..quads).step_by(4) {
        let x = v128_load(a.add(j) as *const v128);
        nan4 = v128_or(nan4, f32x4_ne(x, x));
        m4 = if max { f32x4_pmax(m4, x) } else { f32x4_pmin(m4, x) };
    }
    let mut m = f32x4_extract_lane::<0>(m4);
    for mk in [f32x4_extract_lane::<1>(m4), f32x4_extract_lane::<2>(m4), f32x4_extract_lane::<3>(m4)] {
        m = if (max && mk > m) || (!max && mk < m) { mk } else { m };
    }
    let mut nan = v128_any_true(nan4);
    for j in quads..n {
        let x = *a.add(j);
        nan |= x.is_nan();
        m = if (max && x > m) || (!max && x < m) { x } else { m };
    }
    if nan { f32::NAN } else { m }
}

/// The sum of exp(a[j] - m) over j < n, in four lanes (float32 over blocks of
/// SUM_BLOCK elements, float64 across blocks) combined as (s0 + s1) + (s2 + s3), then
/// the tail in order (the scalar softmax's order); each exp is also stored at out[j]
/// when given. One copy for every caller (not inlined: the unrolled loop is large).
///
/// # Safety
/// `a` (and `out`) cover `n` floats.
#[inline(never)]
pub unsafe fn exp_sum(a: *const f32, n: usize, m: f32, out: Option<*mut f32>) -> f64 {
    let quads = n / 4 * 4;
    let mv = f32x4_splat(m);
    // lanes 0, 1 and lanes 2, 3 of the four sums
    let (mut s01, mut s23) = (f64x2_splat(0.0), f64x2_splat(0.0));
    let mut j = 0;
    while j < quads {
        let end = (j + SUM_BLOCK).min(quads);
        let mut b = f32x4_splat(0.0);
        // four vectors per iteration (independent exps overlap), summed in order
        while j + 16 <= end {
            let e: [v128; 4] = core::array::from_fn(|k| exp_neg4(f32x4_sub(v128_load(a.add(j + 4 * k) as *const v128), mv)));
            b = f32x4_add(f32x4_add(f32x4_add(f32x4_add(b, e[0]), e[1]), e[2]), e[3]);
            if let Some(o) = out {
                for (k, ek) in e.iter().enumerate() {
                    v128_store(o.add(j + 4 * k) as *mut v128, *ek);
                }
            }
            j += 16;
        }
        while j < end {
            let e = exp_neg4(f32x4_sub(v128_load(a.add(j) as *const v128), mv));
            b = f32x4_add(b, e);
            if let Some(o) = out {
                v128_store(o.add(j) as *mut v128, e);
            }
            j += 4;
        }
        s01 = f64x2_add(s01, f64x2_promote_low_f32x4(b));
        s23 = f64x2_add(s23, f64x2_promote_low_f32x4(i32x4_shuffle::<2, 3, 2, 3>(b, b)));
    }
    let mut s = (f64x2_extract_lane::<0>(s01) + f64x2_extract_lane::<1>(s01)) + (f64x2_extract_lane::<0>(s23) + f64x2_extract_lane::<1>(s23));
    for j in quads..n {
        let e = exp_neg_f32(*a.add(j) - m);
        s += e as f64;
        if let Some(o) = out {
            *o.add(j) = e;
        }
    }
    s
}
