//! The single-precision log and sincos that PyTorch's AVX2 normal_ uses: Cephes'
//! polynomials as in the widely used avx_mathfun routines, with the multiply-adds
//! the compiler fused into FMA (one rounding) and the ones it left alone. The fusion
//! pattern was pinned down against PyTorch's randn(1,3,224,224) and randn(2,3,224,224)
//! (conformance/models/*.bin): all 451,584 values match. These are
//! not the correctly rounded functions: randn's float32 stream depends on every
//! rounding here, so each step is written out in order.

// The constants are Cephes' decimal values; each rounds to the same f32 as C's
// double-then-float conversion in the original (checked for all of them).
#![allow(clippy::excessive_precision)]

// Cephes logf: mantissa split at sqrt(1/2), a degree-8 polynomial, exponent in two parts.
const SQRTHF: f32 = core::f32::consts::FRAC_1_SQRT_2;
const LOG_P: [f32; 9] = [
    7.037_683_629_2e-2,
    -1.151_461_031_0e-1,
    1.167_699_874_0e-1,
    -1.242_014_084_6e-1,
    1.424_932_278_7e-1,
    -1.666_805_766_5e-1,
    2.000_071_476_5e-1,
    -2.499_999_399_3e-1,
    3.333_333_117_4e-1,
];
const LOG_Q1: f32 = -2.121_944_40e-4;
const LOG_Q2: f32 = 0.693_359_375;

// Cephes sinf/cosf: reduction by pi/4 in three parts, then one polynomial per octant.
const FOPI: f32 = 1.273_239_544_735_16; // 4 / pi
const DP1: f32 = -0.785_156_25;
const DP2: f32 = -2.418_756_484_985_351_562_5e-4;
const DP3: f32 = -3.774_894_977_445_941_08e-8;
const SIN_P: [f32; 3] = [-1.951_529_589_1e-4, 8.332_160_873_6e-3, -1.666_665_461_1e-1];
const COS_P: [f32; 3] = [2.443_315_711_809_948e-5, -1.388_731_625_493_765e-3, 4.166_664_568_298_827e-2];

/// a * b + c with one rounding. wasm has no FMA instruction and the libm call is
/// slow, so: the product of two f32 is exact in f64, the f64 sum is rounded once, and
/// the only wrong f32 rounding of that sum (an f64 result exactly halfway between two
/// f32, from an inexact addition) is moved one f64 ulp toward the exact sum first.
#[inline(always)]
pub fn fma(a: f32, b: f32, c: f32) -> f32 {
    let p = a as f64 * b as f64;
    let c = c as f64;
    let s = p + c;
    let bits = s.to_bits();
    if bits & 0x1fff_ffff != 0x1000_0000 {
        return s as f32;
    }
    if !(s.abs() >= f32::MIN_POSITIVE as f64 && s.abs() <= f32::MAX as f64) {
        return (a).mul_add(b, c as f32);
    }
    // the addition's error, exactly (two-sum)
    let bb = s - p;
    let err = (p - (s - bb)) + (c - bb);
    if err == 0.0 {
        return s as f32;
    }
    let toward = if (err > 0.0) == (s > 0.0) { bits + 1 } else { bits - 1 };
    f64::from_bits(toward) as f32
}

/// Natural log for x > 0 (NaN for x <= 0 or NaN).
pub fn log_ps(x: f32) -> f32 {
    let invalid = x.is_nan() || x <= 0.0;
    // cut off denormals, then split x = m * 2^e with m in [0.5, 1)
    let x = x.max(f32::from_bits(0x0080_0000));
    let bits = x.to_bits();
    let mut e = ((bits >> 23) as i32 - 0x7f) as f32 + 1.0;
    let mut m = f32::from_bits((bits & !0x7f80_0000) | 0x3f00_0000);
    let below = m < SQRTHF;
    let tmp = if below { m } else { 0.0 };
    m -= 1.0;
    e -= if below { 1.0 } else { 0.0 };
    m += tmp;

    let z = m * m;
    let mut y = LOG_P[0];
    for &p in &LOG_P[1..] {
        y = fma(y, m, p);
    }
    y *= m;
    y = fma(y, z, e * LOG_Q1);
    y -= z * 0.5;
    let mut r = m + y;
    r += e * LOG_Q2;
    if invalid {
        f32::NAN
    } else {
        r
    }
}

/// (sin x, cos x) together, as sincos256_ps computes them.
pub fn sincos_ps(x: f32) -> (f32, f32) {
    let sign_in = x.to_bits() & 0x8000_0000;
    let mut x = x.abs();
    let mut j = (x * FOPI) as i32; // truncation, as cvttps
    j = (j + 1) & !1;
    let y = j as f32;
    let swap_sign_sin = ((j & 4) as u32) << 29;
    let use_first = (j & 2) == 0;
    let sign_cos = ((!(j - 2) & 4) as u32) << 29;
    let sign_sin = sign_in ^ swap_sign_sin;

    // x - y * pi/4 in three parts, each product rounded on its own
    x += y * DP1;
    x += y * DP2;
    x += y * DP3;

    let z = x * x;
    // cosine polynomial: fused Horner steps, then y * z, then y * z - z / 2 fused
    // (the Horner fusion changes about one value in 10^5; verified on 450k PyTorch samples)
    let mut c = COS_P[0];
    c = fma(c, z, COS_P[1]);
    c = fma(c, z, COS_P[2]);
    c *= z;
    c = fma(c, z, -(z * 0.5));
    c += 1.0;
    // sine polynomial: fused throughout
    let mut s = SIN_P[0];
    s = fma(s, z, SIN_P[1]);
    s = fma(s, z, SIN_P[2]);
    s *= z;
    s = fma(s, x, x);

    // select by octant; the subtract/add pairs are what the vector code does
    let (ysin2, ysin1) = if use_first { (s, 0.0) } else { (0.0, c) };
    let s_rest = s - ysin2;
    let c_rest = c - ysin1;
    let sin_v = ysin1 + ysin2;
    let cos_v = c_rest + s_rest;
    (f32::from_bits(sin_v.to_bits() ^ sign_sin), f32::from_bits(cos_v.to_bits() ^ sign_cos))
}
