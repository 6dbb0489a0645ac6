//! exp for float32 as a branch-free polynomial (within 2 ulp of the exact value), in
//! scalar and 4-lane SIMD forms that give bit-identical results: softmax and the exp op
//! use it, so results do not depend on the layout or the build.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::*;

/// exp(x) = 2^n exp(r) with n = round(x / ln 2) and |r| <= ln(2)/2, exp(r) by the
/// Cephes degree-6 polynomial; 2^n is applied in two halves so subnormal results and
/// overflow to inf come out right. NaN passes through the clamps unchanged.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    let xc = if x > 89.0 { 89.0 } else if x < -104.0 { -104.0 } else { x };
    let n = (xc * core::f32::consts::LOG2_E + 0.5).floor();
    // ln 2 split in a part exact in f32 and a correction
    let r = xc - n * 0.693_359_4 - n * -2.121_944_4e-4;
    let p = ((((1.987_569_2e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r + 1.666_666_5e-1) * r + 5.000_000_1e-1;
    let y = p * (r * r) + r + 1.0;
    let ni = n as i32;
    let (n1, n2) = (ni >> 1, ni - (ni >> 1));
    y * f32::from_bits(((n1 + 127) as u32) << 23) * f32::from_bits(((n2 + 127) as u32) << 23)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
/// exp_f32 on four lanes, operation for operation (bit-identical results).
#[inline(always)]
pub unsafe fn exp4(x: v128) -> v128 {
    // pmin/pmax keep x when it is NaN, as the scalar comparisons do
    let xc = f32x4_pmax(f32x4_pmin(x, f32x4_splat(89.0)), f32x4_splat(-104.0));
    let n = f32x4_floor(f32x4_add(f32x4_mul(xc, f32x4_splat(core::f32::consts::LOG2_E)), f32x4_splat(0.5)));
    let r = f32x4_sub(f32x4_sub(xc, f32x4_mul(n, f32x4_splat(0.693_359_4))), f32x4_mul(n, f32x4_splat(-2.121_944_4e-4)));
    let mut p = f32x4_splat(1.987_569_2e-4);
    for c in [1.398_199_9e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 5.000_000_1e-1] {
        p = f32x4_add(f32x4_mul(p, r), f32x4_splat(c));
    }
    let y = f32x4_add(f32x4_add(f32x4_mul(p, f32x4_mul(r, r)), r), f32x4_splat(1.0));
    let ni = i32x4_trunc_sat_f32x4(n);
    let n1 = i32x4_shr(ni, 1);
    let n2 = i32x4_sub(ni, n1);
    let bias = i32x4_splat(127);
    f32x4_mul(f32x4_mul(y, i32x4_shl(i32x4_add(n1, bias), 23)), i32x4_shl(i32x4_add(n2, bias), 23))
}

/// 1.5 * 2^23 + 127: added to x * log2(e), it rounds to an integer n and leaves n + 127
/// in the low mantissa bits, so shifting the sum's bits left by 23 gives 2^n.
const MAGIC: f32 = 12_582_912.0 + 127.0;
/// ln 2 in two parts (the first exact in f32 times any n that occurs here).
const LN2_HI: f32 = 0.693_145_75; // 0x1.62E400p-1
const LN2_LO: f32 = 1.428_606_8e-6; // 0x1.7F7D1Cp-20
/// Arguments below are raised to it, where n = -127 makes 2^n's bits 0 and the result
/// +0 (for -inf too); between it and -87.34 (exp(x) < 2^-126) the result is subnormal.
const FLOOR: f32 = -88.0;
/// Minimax coefficients of exp(t) = 1 + t (c1 + t (c2 + t (c3 + t (c4 + t c5)))) on |t| <= ln(2) / 2.
const C1: f32 = 0.999_999_7; // 0x1.FFFFF6p-1
const C2: f32 = 0.499_991_5; // 0x1.FFFDC6p-2
const C3: f32 = 0.166_676_52; // 0x1.555A80p-3
const C4: f32 = 0.041_897_822; // 0x1.573A1Ap-5
const C5: f32 = 0.008_289_291; // 0x1.0F9F9Cp-7

/// exp(x) for softmax's arguments x - max <= 0 (also NaN, and -inf giving 0): about half
/// the operations of exp_f32 (2^n from the bits of x log2(e) + MAGIC, no floor or int
/// conversion, a degree-5 polynomial), within 2.3 ulp down to x = -87.34 (2^-126);
/// below, subnormal results of less precision, and 0 from x = -87.68 (n = -127) down.
/// Correct for x <= 88.3 too, but the callers only pass x <= 0.
#[inline(always)]
pub fn exp_neg_f32(x: f32) -> f32 {
    // x < FLOOR ? FLOOR : x (f32x4.pmax), so NaN passes through
    let x = if x < FLOOR { FLOOR } else { x };
    let z = x * core::f32::consts::LOG2_E + MAGIC;
    let s = f32::from_bits(z.to_bits() << 23);
    let n = z - MAGIC;
    let t = n * -LN2_HI + x;
    let t = n * -LN2_LO + t;
    let p = (((C5 * t + C4) * t + C3) * t + C2) * t + C1;
    (t * s) * p + s
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
/// exp_neg_f32 on four lanes, operation for operation (bit-identical results).
#[inline(always)]
pub unsafe fn exp_neg4(x: v128) -> v128 {
    let x = f32x4_pmax(x, f32x4_splat(FLOOR));
    let z = f32x4_add(f32x4_mul(x, f32x4_splat(core::f32::consts::LOG2_E)), f32x4_splat(MAGIC));
    let s = i32x4_shl(z, 23);
    let n = f32x4_sub(z, f32x4_splat(MAGIC));
    let t = f32x4_add(f32x4_mul(n, f32x4_splat(-LN2_HI)), x);
    let t = f32x4_add(f32x4_mul(n, f32x4_splat(-LN2_LO)), t);
    let mut p = f32x4_add(f32x4_mul(f32x4_splat(C5), t), f32x4_splat(C4));
    for c in [C3, C2, C1] {
        p = f32x4_add(f32x4_mul(p, t), f32x4_splat(c));
    }
    f32x4_add(f32x4_mul(f32x4_mul(t, s), p), s)
}
