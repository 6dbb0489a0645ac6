//! float32 sigmoid, silu, tanh, log, sqrt and rsqrt as branch-free polynomials built on
//! fastexp, each in a scalar and a 4-lane SIMD form doing the same operations in the
//! same order (bit-identical), so results do not depend on the memory layout. Each is
//! within 3 ulp of the correctly rounded result (crate/tests/fastmath.rs sweeps them).

use super::fastexp::exp_f32;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use super::fastexp::exp4;
use crate::strided::Desc;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::*;

/// Below this, 1 + exp(-x) overflows or rounds to exp(-x): the formulas switch to
/// exp(x) directly so results down to the subnormals keep their precision.
const NEG_CUT: f32 = -88.0;

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

/// x / (1 + exp(-x)); below NEG_CUT x exp(x) as (x h) h with h = exp(x / 2), so the
/// product is rounded once even where it is subnormal. silu(-inf) is NaN as in PyTorch.
#[inline(always)]
pub fn silu_f32(x: f32) -> f32 {
    if x < NEG_CUT {
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
    let low = f32x4_lt(x, splat(NEG_CUT));
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
