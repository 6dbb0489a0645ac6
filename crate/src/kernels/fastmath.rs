//! float32 sigmoid, silu, tanh, log, gelu, sqrt and rsqrt (on fastexp's exp; exact gelu in
//! float64), each in a scalar and a 4-lane SIMD form doing the same operations in the same
//! order (bit-identical), so results do not depend on the memory layout. Each is within
//! 3 ulp of the correctly rounded result over the whole float32 range (crate/tests/fastmath.rs
//! sweeps them), except gelu's tanh form, which keeps PyTorch's cancelling formula.

use super::fastexp::exp_f32;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use super::fastexp::exp4;
use crate::strided::Desc;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::*;

/// Below this, 1 + exp(-x) overflows or rounds to exp(-x): the formulas switch to
/// exp(x) directly so results down to the subnormals keep their precision.
const NEG_CUT: f32 = -88.0;
/// silu's switch, as low as 1 + exp(-x) stays finite (exp(88.7) < f32::MAX): the direct
/// formula is the more accurate one.
const SILU_CUT: f32 = -88.7;

/// o = f(a) over `d` (operand 0 = out, 1 = input): `$simd` on 4 lanes of contiguous
/// rows, `$scalar` on tails and strided rows.
macro_rules! map_f32 {
    ($d:expr, $o:expr, $a:expr, $scalar:expr, $simd:expr) => {{
        let (o, a) = ($o, $a);
        $d.for_each_row(|off, n, st| {
            let (po, pa) = (o.offset(off[0]), a.offset(off[1]));
            let mut i = 0;
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            if st[0] == 1 && st[1] == 1 {
                while i + 4 <= n {
                    v128_store(po.add(i) as *mut v128, $simd(v128_load(pa.add(i) as *const v128)));
                    i += 4;
                }
            }
            while i < n {
                *po.offset(i as isize * st[0]) = $scalar(*pa.offset(i as isize * st[1]));
                i += 1;
            }
        })
    }};
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn splat(v: f32) -> v128 {
    f32x4_splat(v)
}

// ---- sigmoid, silu ---------------------------------------------------------------

/// 1 / (1 + exp(-x)); exp(x) below NEG_CUT (where 1 + exp(-x) is exp(-x) or inf).
#[inline(always)]
pub fn sigmoid_f32(x: f32) -> f32 {
    if x < NEG_CUT {
        exp_f32(x)
    } else {
        1.0 / (1.0 + exp_f32(-x))
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub unsafe fn sigmoid4(x: v128) -> v128 {
    let y = f32x4_div(splat(1.0), f32x4_add(splat(1.0), exp4(f32x4_neg(x))));
    let low = f32x4_lt(x, splat(NEG_CUT));
    if v128_any_true(low) {
        v128_bitselect(exp4(x), y, low)
    } else {
        y
    }
}

/// x / (1 + exp(-x)); below SILU_CUT x exp(x) as (x h) h with h = exp(x / 2), so the
/// product is rounded once even where it is subnormal. silu(-inf) is NaN as in PyTorch.
#[inline(always)]
pub fn silu_f32(x: f32) -> f32 {
    if x < SILU_CUT {
        let h = exp_f32(x * 0.5);
        (x * h) * h
    } else {
        x / (1.0 + exp_f32(-x))
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub unsafe fn silu4(x: v128) -> v128 {
    let y = f32x4_div(x, f32x4_add(splat(1.0), exp4(f32x4_neg(x))));
    let low = f32x4_lt(x, splat(SILU_CUT));
    if v128_any_true(low) {
        let h = exp4(f32x4_mul(x, splat(0.5)));
        v128_bitselect(f32x4_mul(f32x4_mul(x, h), h), y, low)
    } else {
        y
    }
}

// ---- tanh --------------------------------------------------------------------------

/// Below this |x|, the odd polynomial; above, 1 - 2 / (exp(2|x|) + 1) (no cancellation).
const TANH_POLY: f32 = 0.625;
/// Cephes tanhf: tanh(a) = a + a z P(z), z = a^2, for a < 0.625.
const TANH_P: [f32; 5] = [-5.704_988_7e-3, 2.063_908_9e-2, -5.373_971_6e-2, 1.333_144_2e-1, -3.333_328_2e-1];

/// tanh on |x|, sign copied back at the end (so tanh(-0) = -0); saturates to 1 through
/// exp overflowing to inf; NaN passes.
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    let a = x.abs();
    let r = if a < TANH_POLY {
        let z = a * a;
        let mut p = TANH_P[0];
        for c in &TANH_P[1..] {
            p = p * z + c;
        }
        a + a * (z * p)
    } else {
        1.0 - 2.0 / (exp_f32(a + a) + 1.0)
    };
    f32::copysign(r, x)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub unsafe fn tanh4(x: v128) -> v128 {
    let a = f32x4_abs(x);
    let z = f32x4_mul(a, a);
    let mut p = splat(TANH_P[0]);
    for c in &TANH_P[1..] {
        p = f32x4_add(f32x4_mul(p, z), splat(*c));
    }
    let small = f32x4_add(a, f32x4_mul(a, f32x4_mul(z, p)));
    let large = f32x4_sub(splat(1.0), f32x4_div(splat(2.0), f32x4_add(exp4(f32x4_add(a, a)), splat(1.0))));
    let r = v128_bitselect(small, large, f32x4_lt(a, splat(TANH_POLY)));
    v128_bitselect(x, r, f32x4_splat(-0.0))
}

// ---- log ---------------------------------------------------------------------------

/// Cephes logf: x = 2^e m with m in [sqrt(1/2), sqrt(2)), log(m) = f - f^2/2 + f^3 P(f)
/// with f = m - 1, plus e ln 2 in two parts.
const LOG_P: [f32; 9] = [
    7.037_683_6e-2, -1.151_461_e-1, 1.167_699_9e-1, -1.242_014_1e-1, 1.424_932_3e-1, -1.666_805_8e-1, 2.000_071_5e-1, -2.499_999_4e-1,
    3.333_333_1e-1,
];
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;
const TWO23: f32 = 8_388_608.0;

/// log(x): subnormals are scaled by 2^23 first; 0 -> -inf, negative -> NaN, inf -> inf,
/// NaN passes.
#[inline(always)]
pub fn log_f32(x: f32) -> f32 {
    let sub = x < f32::MIN_POSITIVE;
    let xs = if sub { x * TWO23 } else { x };
    let bits = xs.to_bits() as i32;
    // m in [0.5, 1): the mantissa with exponent field 126
    let mut m = f32::from_bits(((bits & 0x007f_ffff) | 0x3f00_0000) as u32);
    let mut e = ((bits >> 23) - 126) as f32 - if sub { 23.0 } else { 0.0 };
    let lt = m < core::f32::consts::FRAC_1_SQRT_2;
    if lt {
        e -= 1.0;
    }
    m = if lt { m + m } else { m };
    let f = m - 1.0;
    let z = f * f;
    let mut p = LOG_P[0];
    for c in &LOG_P[1..] {
        p = p * f + c;
    }
    let mut y = p * f * z;
    y += LN2_LO * e;
    y += -0.5 * z;
    let r = f + y + LN2_HI * e;
    if x > 0.0 && x < f32::INFINITY {
        r
    } else if x < 0.0 {
        f32::NAN
    } else if x == 0.0 {
        f32::NEG_INFINITY
    } else {
        x
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub unsafe fn log4(x: v128) -> v128 {
    let sub = f32x4_lt(x, splat(f32::MIN_POSITIVE));
    let xs = v128_bitselect(f32x4_mul(x, splat(TWO23)), x, sub);
    let m0 = v128_or(v128_and(xs, i32x4_splat(0x007f_ffff)), i32x4_splat(0x3f00_0000));
    let e0 = f32x4_sub(f32x4_convert_i32x4(i32x4_sub(i32x4_shr(xs, 23), i32x4_splat(126))), v128_and(sub, splat(23.0)));
    let lt = f32x4_lt(m0, splat(core::f32::consts::FRAC_1_SQRT_2));
    let e = v128_bitselect(f32x4_sub(e0, splat(1.0)), e0, lt);
    let m = v128_bitselect(f32x4_add(m0, m0), m0, lt);
    let f = f32x4_sub(m, splat(1.0));
    let z = f32x4_mul(f, f);
    let mut p = splat(LOG_P[0]);
    for c in &LOG_P[1..] {
        p = f32x4_add(f32x4_mul(p, f), splat(*c));
    }
    let mut y = f32x4_mul(f32x4_mul(p, f), z);
    y = f32x4_add(y, f32x4_mul(splat(LN2_LO), e));
    y = f32x4_add(y, f32x4_mul(splat(-0.5), z));
    let r = f32x4_add(f32x4_add(f, y), f32x4_mul(splat(LN2_HI), e));
    // finite positive: r; 0: -inf; +inf and NaN: x; negative: NaN
    let finite_pos = v128_and(f32x4_gt(x, splat(0.0)), f32x4_lt(x, splat(f32::INFINITY)));
    let special = v128_bitselect(splat(f32::NEG_INFINITY), x, f32x4_eq(x, splat(0.0)));
    let special = v128_bitselect(splat(f32::NAN), special, f32x4_lt(x, splat(0.0)));
    v128_bitselect(r, special, finite_pos)
}

// ---- gelu ------------------------------------------------------------------------

// Exact GELU x Phi(x) is evaluated in float64 from the float32 input and rounded once,
// so the erf/erfc cancellations of 0.5 x (1 + erf(x / sqrt 2)) cost nothing:
// |x| <= 3: Phi(x) = 1/2 + x P(x^2); |x| > 3: the tail q = phi(t) R(t), t = |x|, with
// the Mills ratio R(t) = S(1/t) / t, and Phi = q (x < 0) or 1 - q. P and S are Chebyshev
// interpolants (relative error < 2e-12, fitted with mpmath), in s on [-1, 1].
/// P(u) = (Phi(sqrt u) - 1/2) / sqrt u on u in [0, 9], s = u 2/9 - 1.
const GELU_P: [f64; 14] = [-1.2022761708768427e-08, 7.67702514998884e-08, -4.1533056685127673e-07, 2.2627425196608404e-06, -1.1404542253086559e-05, 5.23741049526806e-05, -0.00021822837088583585, 0.0008178767898957013, -0.0027291341264074295, 0.008021489848167829, -0.020571115577360622, 0.0459722434685845, -0.09283247990238903, 0.22771316680418716];
/// S(w) = t R(t) with t = 1/w on w in [0, 1/3], s = 6 w - 1.
const GELU_S: [f64; 15] = [-5.843544285040708e-08, 1.514294728776492e-08, 4.896789087884546e-07, -8.969188986960526e-07, -6.018994928054515e-07, 6.490171522665076e-06, -1.5301133493765685e-05, -4.5925569862983423e-07, 0.00012657261152731488, -0.00039755154560902373, -4.003484440156232e-05, 0.0051185695476922, -0.017451583293573644, -0.04784071907828429, 0.974265965381205];
const GELU_SPLIT: f64 = 3.0;
/// Beyond this |x| the tail is 0 in float64 already; keeps exp's scale in range.
const GELU_T_MAX: f64 = 40.0;
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
const LN2_HI_D: f64 = 6.931_471_803_691_238_2e-1;
const LN2_LO_D: f64 = 1.908_214_929_270_587_7e-10;
/// 1/k! for k = 11 down to 0: exp(r) for |r| <= ln(2)/2 within 1e-14.
const EXP_TAYLOR: [f64; 12] = [
    2.505_210_838_544_172e-8, 2.755_731_922_398_589e-7, 2.755_731_922_398_589e-6, 2.480_158_730_158_730_2e-5, 1.984_126_984_126_984e-4,
    1.388_888_888_888_889e-3, 8.333_333_333_333_333e-3, 4.166_666_666_666_666_4e-2, 1.666_666_666_666_666_6e-1, 0.5, 1.0, 1.0,
];
/// 2^52 + 1023: adding an integer n > -1023 puts n + 1023 in the low mantissa bits, which
/// a shift by 52 moves to the exponent field (2^n without a float-to-int conversion).
const POW2_MAGIC: f64 = 4_503_599_627_371_519.0;

#[inline(always)]
fn pow2_f64(n: f64) -> f64 {
    f64::from_bits((n + POW2_MAGIC).to_bits() << 52)
}

/// exp(y) in float64 for y in [-800, 0] (relative error ~1e-14): 2^n e^r, 2^n in two halves.
#[inline(always)]
fn exp_neg_f64(y: f64) -> f64 {
    let n = (y * core::f64::consts::LOG2_E + 0.5).floor();
    let r = y - n * LN2_HI_D - n * LN2_LO_D;
    let mut p = EXP_TAYLOR[0];
    for c in &EXP_TAYLOR[1..] {
        p = p * r + c;
    }
    let n1 = (n * 0.5).floor();
    p * pow2_f64(n1) * pow2_f64(n - n1)
}

/// Exact (erf) GELU x Phi(x) for float32; gelu(-inf) is NaN as in PyTorch (-inf * 0).
#[inline(always)]
pub fn gelu_f32(x32: f32) -> f32 {
    let x = x32 as f64;
    let t = x.abs();
    let phi = if t <= GELU_SPLIT {
        let s = x * x * (2.0 / 9.0) - 1.0;
        let mut p = GELU_P[0];
        for c in &GELU_P[1..] {
            p = p * s + c;
        }
        0.5 + x * p
    } else {
        let tc = if t > GELU_T_MAX { GELU_T_MAX } else { t };
        let w = 1.0 / tc;
        let s = w * 6.0 - 1.0;
        let mut p = GELU_S[0];
        for c in &GELU_S[1..] {
            p = p * s + c;
        }
        let q = exp_neg_f64(tc * tc * -0.5) * INV_SQRT_2PI * (p * w);
        if x < 0.0 {
            q
        } else {
            1.0 - q
        }
    };
    (x * phi) as f32
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn pow2_2(n: v128) -> v128 {
    i64x2_shl(f64x2_add(n, f64x2_splat(POW2_MAGIC)), 52)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn exp_neg_2(y: v128) -> v128 {
    let n = f64x2_floor(f64x2_add(f64x2_mul(y, f64x2_splat(core::f64::consts::LOG2_E)), f64x2_splat(0.5)));
    let r = f64x2_sub(f64x2_sub(y, f64x2_mul(n, f64x2_splat(LN2_HI_D))), f64x2_mul(n, f64x2_splat(LN2_LO_D)));
    let mut p = f64x2_splat(EXP_TAYLOR[0]);
    for c in &EXP_TAYLOR[1..] {
        p = f64x2_add(f64x2_mul(p, r), f64x2_splat(*c));
    }
    let n1 = f64x2_floor(f64x2_mul(n, f64x2_splat(0.5)));
    f64x2_mul(f64x2_mul(p, pow2_2(n1)), pow2_2(f64x2_sub(n, n1)))
}

/// gelu_f32 on two float64 lanes, operation for operation.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn gelu2(x: v128) -> v128 {
    let t = f64x2_abs(x);
    let s = f64x2_sub(f64x2_mul(f64x2_mul(x, x), f64x2_splat(2.0 / 9.0)), f64x2_splat(1.0));
    let mut p = f64x2_splat(GELU_P[0]);
    for c in &GELU_P[1..] {
        p = f64x2_add(f64x2_mul(p, s), f64x2_splat(*c));
    }
    let mut phi = f64x2_add(f64x2_splat(0.5), f64x2_mul(x, p));
    let central = f64x2_le(t, f64x2_splat(GELU_SPLIT));
    if !i64x2_all_true(central) {
        // pmin keeps NaN, as the scalar comparison does
        let tc = f64x2_pmin(t, f64x2_splat(GELU_T_MAX));
        let w = f64x2_div(f64x2_splat(1.0), tc);
        let s = f64x2_sub(f64x2_mul(w, f64x2_splat(6.0)), f64x2_splat(1.0));
        let mut p = f64x2_splat(GELU_S[0]);
        for c in &GELU_S[1..] {
            p = f64x2_add(f64x2_mul(p, s), f64x2_splat(*c));
        }
        let e = exp_neg_2(f64x2_mul(f64x2_mul(tc, tc), f64x2_splat(-0.5)));
        let q = f64x2_mul(f64x2_mul(e, f64x2_splat(INV_SQRT_2PI)), f64x2_mul(p, w));
        let tail = v128_bitselect(q, f64x2_sub(f64x2_splat(1.0), q), f64x2_lt(x, f64x2_splat(0.0)));
        phi = v128_bitselect(phi, tail, central);
    }
    f64x2_mul(x, phi)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn gelu4(x: v128) -> v128 {
    let lo = gelu2(f64x2_promote_low_f32x4(x));
    let hi = gelu2(f64x2_promote_low_f32x4(i32x4_shuffle::<2, 3, 0, 1>(x, x)));
    i32x4_shuffle::<0, 1, 4, 5>(f32x4_demote_f64x2_zero(lo), f32x4_demote_f64x2_zero(hi))
}

/// sqrt(2/pi), rounded as unary.rs rounds it for float32.
#[allow(clippy::excessive_precision)]
const GELU_TANH_K: f32 = 0.797_884_560_802_865_4;

/// The tanh approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), in PyTorch's
/// operation order, on tanh_f32.
#[inline(always)]
pub fn gelu_tanh_f32(x: f32) -> f32 {
    let inner = GELU_TANH_K * (x + 0.044715 * x * x * x);
    0.5 * x * (1.0 + tanh_f32(inner))
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn gelu_tanh4(x: v128) -> v128 {
    let cube = f32x4_mul(f32x4_mul(f32x4_mul(splat(0.044715), x), x), x);
    let inner = f32x4_mul(splat(GELU_TANH_K), f32x4_add(x, cube));
    f32x4_mul(f32x4_mul(splat(0.5), x), f32x4_add(splat(1.0), tanh4(inner)))
}

// ---- sqrt, rsqrt -------------------------------------------------------------------

#[inline(always)]
pub fn rsqrt_f32(x: f32) -> f32 {
    1.0 / x.sqrt()
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn rsqrt4(x: v128) -> v128 {
    f32x4_div(splat(1.0), f32x4_sqrt(x))
}

// ---- row drivers (operand 0 = out, 1 = input; pointers cover every offset of `d`) ---

/// # Safety
/// Pointers cover every offset of `d`.
pub unsafe fn map_sigmoid(d: &Desc<2>, o: *mut f32, a: *const f32) {
    map_f32!(d, o, a, sigmoid_f32, sigmoid4)
}

/// # Safety
/// Pointers cover every offset of `d`.
pub unsafe fn map_silu(d: &Desc<2>, o: *mut f32, a: *const f32) {
    map_f32!(d, o, a, silu_f32, silu4)
}

/// # Safety
/// Pointers cover every offset of `d`.
pub unsafe fn map_tanh(d: &Desc<2>, o: *mut f32, a: *const f32) {
    map_f32!(d, o, a, tanh_f32, tanh4)
}

/// # Safety
/// Pointers cover every offset of `d`.
pub unsafe fn map_log(d: &Desc<2>, o: *mut f32, a: *const f32) {
    map_f32!(d, o, a, log_f32, log4)
}

/// # Safety
/// Pointers cover every offset of `d`.
pub unsafe fn map_sqrt(d: &Desc<2>, o: *mut f32, a: *const f32) {
    map_f32!(d, o, a, f32::sqrt, f32x4_sqrt)
}

/// # Safety
/// Pointers cover every offset of `d`.
pub unsafe fn map_rsqrt(d: &Desc<2>, o: *mut f32, a: *const f32) {
    map_f32!(d, o, a, rsqrt_f32, rsqrt4)
}

/// # Safety
/// Pointers cover every offset of `d`.
pub unsafe fn map_gelu(d: &Desc<2>, o: *mut f32, a: *const f32) {
    map_f32!(d, o, a, gelu_f32, gelu4)
}

/// # Safety
/// Pointers cover every offset of `d`.
pub unsafe fn map_gelu_tanh(d: &Desc<2>, o: *mut f32, a: *const f32) {
    map_f32!(d, o, a, gelu_tanh_f32, gelu_tanh4)
}

/// # Safety
/// Pointers cover every offset of `d`.
pub unsafe fn map_exp(d: &Desc<2>, o: *mut f32, a: *const f32) {
    map_f32!(d, o, a, exp_f32, exp4)
}

/// clamp(x, lo, hi) for lo <= hi (a missing bound is an infinity) as selects:
/// x < lo ? lo : x, then y > hi ? hi : y; NaN stays NaN (every comparison is false),
/// and pmax / pmin are exactly those selects.
///
/// # Safety
/// Pointers cover every offset of `d`.
pub unsafe fn map_clamp(d: &Desc<2>, o: *mut f32, a: *const f32, lo: f32, hi: f32) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (lv, hv) = (splat(lo), splat(hi));
    map_f32!(
        d, o, a,
        |x: f32| {
            let y = if x < lo { lo } else { x };
            if y > hi { hi } else { y }
        },
        |v: v128| f32x4_pmin(f32x4_pmax(v, lv), hv)
    )
}
