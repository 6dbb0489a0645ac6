//! Correctly rounded double-precision log, exp, sin, cos and tan.
//!
//! PyTorch's float64 random streams go through glibc's log/exp/sin/cos/tan, which
//! return the correctly rounded result in all but a vanishing fraction of cases;
//! the wasm libm (FreeBSD's algorithms) is off by one ulp far more often. Each
//! function here evaluates to about 2^-90 relative error in double-double arithmetic
//! and rounds once, so it agrees with glibc wherever glibc is correctly rounded.
//! Arguments outside the ranges the random kernels use fall back to libm.

#[derive(Clone, Copy, Debug)]
struct DD {
    hi: f64,
    lo: f64,
}

const fn dd(hi: f64, lo: f64) -> DD {
    DD { hi, lo }
}

#[inline(always)]
fn two_sum(a: f64, b: f64) -> DD {
    let s = a + b;
    let bb = s - a;
    DD { hi: s, lo: (a - (s - bb)) + (b - bb) }
}

#[inline(always)]
fn quick_two_sum(a: f64, b: f64) -> DD {
    let s = a + b;
    DD { hi: s, lo: b - (s - a) }
}

/// Dekker's split: a = hi + lo with 26-bit halves (no FMA in wasm).
#[inline(always)]
fn split(a: f64) -> (f64, f64) {
    let c = 134_217_729.0 * a;
    let hi = c - (c - a);
    (hi, a - hi)
}

#[inline(always)]
fn two_prod(a: f64, b: f64) -> DD {
    let p = a * b;
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    DD { hi: p, lo: ((ah * bh - p) + ah * bl + al * bh) + al * bl }
}

#[inline(always)]
fn add(a: DD, b: DD) -> DD {
    let s = two_sum(a.hi, b.hi);
    let t = two_sum(a.lo, b.lo);
    let s = quick_two_sum(s.hi, s.lo + t.hi);
    quick_two_sum(s.hi, s.lo + t.lo)
}

#[inline(always)]
fn neg(a: DD) -> DD {
    DD { hi: -a.hi, lo: -a.lo }
}

#[inline(always)]
fn mul(a: DD, b: DD) -> DD {
    let p = two_prod(a.hi, b.hi);
    quick_two_sum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi))
}

#[inline(always)]
fn mul_d(a: DD, b: f64) -> DD {
    let p = two_prod(a.hi, b);
    quick_two_sum(p.hi, p.lo + a.lo * b)
}

fn div(a: DD, b: DD) -> DD {
    let q1 = a.hi / b.hi;
    let r = add(a, neg(mul_d(b, q1)));
    let q2 = r.hi / b.hi;
    let r = add(r, neg(mul_d(b, q2)));
    let q3 = r.hi / b.hi;
    add(quick_two_sum(q1, q2), dd(q3, 0.0))
}

/// Horner in double-double: c[0] + z*(c[1] + z*(...)), seeded with a double tail.
fn horner(z: DD, coeffs: &[DD], tail: f64) -> DD {
    let mut acc = dd(tail, 0.0);
    for &c in coeffs.iter().rev() {
        acc = add(mul(acc, z), c);
    }
    acc
}

use core::f64::consts::{FRAC_2_PI, FRAC_PI_2, LN_2, LOG2_E};

/// ln 2 and pi/2 as sums of three doubles (about 160 bits).
const LN2: [f64; 3] = [LN_2, 2.3190468138462996e-17, 5.707708438416212e-34];
const PIO2: [f64; 3] = [FRAC_PI_2, 6.123233995736766e-17, -1.4973849048591698e-33];

/// 1, 1/3, 1/5, ..., 1/11 for log's atanh series.
const INV_ODD: [DD; 6] = [
    dd(1.0, 0.0),
    dd(0.3333333333333333, 1.850371707708594e-17),
    dd(0.2, -1.1102230246251566e-17),
    dd(0.14285714285714285, 7.93016446160826e-18),
    dd(0.1111111111111111, 6.1679056923619804e-18),
    dd(0.09090909090909091, -2.523234146875356e-18),
];

/// 1/n! for n = 0..=15.
const INV_FACT: [DD; 16] = [
    dd(1.0, 0.0),
    dd(1.0, 0.0),
    dd(0.5, 0.0),
    dd(0.16666666666666666, 9.25185853854297e-18),
    dd(0.041666666666666664, 2.3129646346357427e-18),
    dd(0.008333333333333333, 1.1564823173178714e-19),
    dd(0.001388888888888889, -5.300543954373577e-20),
    dd(0.0001984126984126984, 1.7209558293420705e-22),
    dd(2.48015873015873e-05, 2.1511947866775882e-23),
    dd(2.7557319223985893e-06, -1.858393274046472e-22),
    dd(2.755731922398589e-07, 2.3767714622250297e-23),
    dd(2.505210838544172e-08, -1.448814070935912e-24),
    dd(2.08767569878681e-09, -1.20734505911326e-25),
    dd(1.6059043836821613e-10, 1.2585294588752098e-26),
    dd(1.1470745597729725e-11, 2.0655512752830745e-28),
    dd(7.647163731819816e-13, 7.03872877733453e-30),
];

/// A double tail sum_{n >= first} z^(n - first) * c(n), Horner from `last` down.
fn tail(z: f64, first: usize, last: usize, c: impl Fn(usize) -> f64) -> f64 {
    let mut t = 0.0;
    for n in (first..=last).rev() {
        t = t * z + c(n);
    }
    t
}

fn inv_factorial(n: usize) -> f64 {
    let mut f = 1.0f64;
    for k in 2..=n {
        f *= k as f64;
    }
    1.0 / f
}

/// Natural logarithm, correctly rounded: the table-driven fast path, or the slow
/// series when the fast result is too close to a rounding boundary.
pub fn log(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || x.is_infinite() {
        return x.ln();
    }
    if x == 1.0 {
        return 0.0;
    }
    if let Some(y) = log_fast(x) {
        return y;
    }
    log_accurate(x).hi
}

/// log(x) as a double-double to about 2^-90 (atanh series, no tables).
fn log_accurate(x: f64) -> DD {
    // x = m * 2^k with m in [sqrt(1/2), sqrt(2))
    let (mut x, mut k) = (x, 0i32);
    if x < f64::MIN_POSITIVE {
        x *= 2f64.powi(54);
        k -= 54;
    }
    let bits = x.to_bits();
    k += ((bits >> 52) & 0x7ff) as i32 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > core::f64::consts::SQRT_2 {
        m *= 0.5;
        k += 1;
    }
    // log m = 2 atanh(f), f = (m - 1) / (m + 1); m - 1 is exact
    let f = div(dd(m - 1.0, 0.0), two_sum(m, 1.0));
    let f2 = mul(f, f);
    let t = tail(f2.hi, 6, 21, |n| 1.0 / (2 * n + 1) as f64);
    let series = mul(horner(f2, &INV_ODD, t), f);
    let logm = dd(2.0 * series.hi, 2.0 * series.lo);
    if k == 0 {
        return logm;
    }
    add(k_ln2(k as f64), logm)
}

fn k_ln2(k: f64) -> DD {
    add(add(two_prod(k, LN2[0]), two_prod(k, LN2[1])), dd(k * LN2[2], 0.0))
}

/// e^x.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() || x.abs() >= 700.0 {
        return x.exp();
    }
    // x = k ln2 + r, |r| <= ln2 / 2
    let k = (x * LOG2_E).round();
    let r = add(add(dd(x, 0.0), neg(two_prod(k, LN2[0]))), add(neg(two_prod(k, LN2[1])), dd(-k * LN2[2], 0.0)));
    let t = tail(r.hi, 16, 24, inv_factorial);
    let e = horner(r, &INV_FACT, t);
    let scale = 2f64.powi(k as i32);
    dd(e.hi * scale, e.lo * scale).hi
}

/// sin and cos of the reduced argument r in [-pi/4, pi/4] (double-double).
fn sincos_reduced(r: DD) -> (DD, DD) {
    let z = mul(r, r);
    // sin r = r * sum (-1)^n z^n / (2n+1)!, cos r = sum (-1)^n z^n / (2n)!
    let sin_c: [DD; 7] = core::array::from_fn(|n| if n.is_multiple_of(2) { INV_FACT[2 * n + 1] } else { neg(INV_FACT[2 * n + 1]) });
    let cos_c: [DD; 8] = core::array::from_fn(|n| if n.is_multiple_of(2) { INV_FACT[2 * n] } else { neg(INV_FACT[2 * n]) });
    let sign = |n: usize| if n.is_multiple_of(2) { 1.0 } else { -1.0 };
    let st = tail(z.hi, 7, 14, |n| sign(n) * inv_factorial(2 * n + 1));
    let ct = tail(z.hi, 8, 15, |n| sign(n) * inv_factorial(2 * n));
    (mul(horner(z, &sin_c, st), r), horner(z, &cos_c, ct))
}

/// x = q * pi/2 + r with |r| <= pi/4; returns (q mod 4, r).
fn reduce(x: f64) -> (i64, DD) {
    let k = (x * FRAC_2_PI).round();
    let r = add(add(dd(x, 0.0), neg(two_prod(k, PIO2[0]))), add(neg(two_prod(k, PIO2[1])), neg(two_prod(k, PIO2[2]))));
    ((k as i64).rem_euclid(4), r)
}

fn sincos_dd(x: f64) -> (DD, DD) {
    let (q, r) = reduce(x);
    let (s, c) = sincos_reduced(r);
    match q {
        0 => (s, c),
        1 => (c, neg(s)),
        2 => (neg(s), neg(c)),
        _ => (neg(c), s),
    }
}

/// Largest |x| the pi/2 reduction above handles to full accuracy.
const TRIG_LIMIT: f64 = 1.0e5;

/// (sin x, cos x), each correctly rounded.
pub fn sincos(x: f64) -> (f64, f64) {
    if (x.is_nan() || x.abs() >= TRIG_LIMIT) || x == 0.0 {
        return (x.sin(), x.cos());
    }
    let (s, c) = sincos_fast(x);
    let sin = round_or(s, || sincos_dd(x).0.hi);
    let cos = round_or(c, || sincos_dd(x).1.hi);
    (sin, cos)
}

pub fn sin(x: f64) -> f64 {
    sincos(x).0
}

pub fn cos(x: f64) -> f64 {
    sincos(x).1
}

pub fn tan(x: f64) -> f64 {
    if (x.is_nan() || x.abs() >= TRIG_LIMIT) || x == 0.0 {
        return x.tan();
    }
    let (s, c) = sincos_dd(x);
    div(s, c).hi
}

// ---- fast paths -------------------------------------------------------------------
// A table splits the argument so that short polynomials, mostly in plain doubles,
// reach about 2^-68; Ziv's test then accepts the rounded value when the error bound
// cannot move it across a rounding boundary, else the slow paths above decide.

/// Coefficients of the fast paths' double tails (Horner in z, lowest order first):
/// sin t = t + t z SIN_T(z), cos t = 1 - z/2 + z^2 COS_T(z) with z = t^2, and
/// log1p r = r - r^2/2 + r^3 LOG1P_T(r).
const SIN_T: [f64; 6] = [-0.16666666666666666, 0.008333333333333333, -0.0001984126984126984, 2.7557319223985893e-06, -2.505210838544172e-08, 1.6059043836821613e-10];
const COS_T: [f64; 6] = [0.041666666666666664, -0.001388888888888889, 2.48015873015873e-05, -2.755731922398589e-07, 2.08767569878681e-09, -1.1470745597729725e-11];
const LOG1P_T: [f64; 12] = [0.3333333333333333, -0.25, 0.2, -0.16666666666666666, 0.14285714285714285, -0.125, 0.1111111111111111, -0.1, 0.09090909090909091, -0.08333333333333333, 0.07692307692307693, -0.07142857142857142];

fn poly(z: f64, c: &[f64]) -> f64 {
    let mut t = 0.0;
    for &k in c.iter().rev() {
        t = t * z + k;
    }
    t
}

/// Relative error bound of the fast paths (with a wide margin).
const FAST_EPS: f64 = 1.0 / (1u64 << 62) as f64;

/// hi + lo rounded, when hi + lo +- the error bound round alike.
fn ziv(v: DD) -> Option<f64> {
    let e = v.hi.abs() * FAST_EPS;
    let (a, b) = (v.hi + (v.lo + e), v.hi + (v.lo - e));
    if a == b {
        Some(a)
    } else {
        None
    }
}

fn round_or(v: DD, slow: impl FnOnce() -> f64) -> f64 {
    ziv(v).unwrap_or_else(slow)
}

/// log(i / 64) for i = 48..=96 (the reduced mantissa's range), built on first use.
fn log_table() -> &'static [DD; 49] {
    static TABLE: std::sync::OnceLock<[DD; 49]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| core::array::from_fn(|j| if j + 48 == 64 { dd(0.0, 0.0) } else { log_accurate((j + 48) as f64 / 64.0) }))
}

/// log x = k ln2 + log c + log1p((m - c) / c), m in [0.75, 1.5), c = round(64 m) / 64.
fn log_fast(x: f64) -> Option<f64> {
    let (mut x, mut k) = (x, 0i32);
    if x < f64::MIN_POSITIVE {
        x *= 2f64.powi(54);
        k -= 54;
    }
    let bits = x.to_bits();
    k += ((bits >> 52) & 0x7ff) as i32 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m >= 1.5 {
        m *= 0.5;
        k += 1;
    }
    let i = (m * 64.0).round();
    let c = i / 64.0;
    // r = (m - c) / c as a double-double; m - c is exact (Sterbenz)
    let d = m - c;
    let q = d / c;
    let p = two_prod(q, c);
    let r = quick_two_sum(q, ((d - p.hi) - p.lo) / c);
    // log1p(r) = r - r^2/2 + r^3 (1/3 - r/4 + ...), |r| <= 1/96
    let mut sq = two_prod(r.hi, r.hi);
    sq.lo += 2.0 * r.hi * r.lo;
    let half_sq = dd(-0.5 * sq.hi, -0.5 * sq.lo);
    let rh = r.hi;
    let tail = rh * rh * rh * poly(rh, &LOG1P_T);
    let log1p = add(add(r, half_sq), dd(tail, 0.0));
    let mut y = add(log_table()[i as usize - 48], log1p);
    if k != 0 {
        y = add(k_ln2(k as f64), y);
    }
    ziv(y)
}

/// sin and cos of i / 64 for i = 0..=52 (|r| <= pi/4 after reduction), built on first use.
fn trig_table() -> &'static [(DD, DD); 53] {
    static TABLE: std::sync::OnceLock<[(DD, DD); 53]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| core::array::from_fn(|i| sincos_reduced(dd(i as f64 / 64.0, 0.0))))
}

/// sin/cos of x as double-doubles to about 2^-68: r = a + t with a = i / 64 from the
/// table and |t| <= 1/128, then the angle-sum formulas.
fn sincos_fast(x: f64) -> (DD, DD) {
    let (q, r) = reduce(x);
    let i = (r.hi * 64.0).round();
    let t = quick_two_sum(r.hi - i / 64.0, r.lo);
    let (sa, ca) = trig_table()[i.abs() as usize];
    let sa = if i < 0.0 { neg(sa) } else { sa };
    let t2 = t.hi * t.hi;
    // sin t = t + t^3 (-1/6 + t^2/120 - ...), cos t = 1 - t^2/2 + t^4 (1/24 - ...)
    let sin_t = add(t, dd(t.hi * t2 * poly(t2, &SIN_T), 0.0));
    let mut sq = two_prod(t.hi, t.hi);
    sq.lo += 2.0 * t.hi * t.lo;
    let cos_t = add(add(dd(1.0, 0.0), dd(-0.5 * sq.hi, -0.5 * sq.lo)), dd(t2 * t2 * poly(t2, &COS_T), 0.0));
    let s = add(mul(sa, cos_t), mul(ca, sin_t));
    let c = add(mul(ca, cos_t), neg(mul(sa, sin_t)));
    match q {
        0 => (s, c),
        1 => (c, neg(s)),
        2 => (neg(s), neg(c)),
        _ => (neg(c), s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast paths (with their Ziv fallback) must give exactly the slow paths' result.
    #[test]
    fn fast_paths_agree_with_the_accurate_series() {
        let mut state = 99u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let (mut log_fallbacks, mut trig_fallbacks) = (0, 0);
        for i in 0..100_000 {
            let u = next();
            let x = if i % 2 == 0 { 1.0 - u } else { (u * 60.0 - 30.0).exp2() };
            let slow = log_accurate(x).hi;
            assert_eq!(log(x), slow, "log({x:e})");
            if log_fast(x).is_none() {
                log_fallbacks += 1;
            }
            let t = 2.0 * core::f64::consts::PI * next() - if i % 3 == 0 { 3.0 } else { 0.0 };
            let (s, c) = sincos_dd(t);
            assert_eq!(sincos(t), (s.hi, c.hi), "sincos({t:e})");
            let (fs, fc) = sincos_fast(t);
            if ziv(fs).is_none() || ziv(fc).is_none() {
                trig_fallbacks += 1;
            }
        }
        assert!(log_fallbacks < 500 && trig_fallbacks < 1000, "{log_fallbacks} {trig_fallbacks}");
    }
}
