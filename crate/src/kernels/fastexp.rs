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
