//! Register-tiled microkernels: C[MR x NR] (+)= alpha * Apanel @ Bpanel over `kc` steps.
//!
//! An A panel holds, per k, MR consecutive values (one per row); a B panel holds, per k,
//! NR consecutive values (one per column). Both come zero-padded from the packers, so
//! the loop is always full-size; only the epilogue sees partial tiles (mr < MR or
//! nr < NR) and non-unit column strides of C.
//!
//! Epilogue: C = alpha * acc + beta * C, where beta == 0 ignores C's old contents
//! (NaN included) and beta == 1 skips the multiply.

use crate::num::Float;

/// The scalar epilogue for a tile held in memory (partial tiles, strided C, host build).
///
/// # Safety
/// `c` covers the mr x nr tile at strides (rsc, csc); `tile` is MR x NR row-major.
#[inline(always)]
pub unsafe fn store_tile<T: Float>(
    tile: &[T], ldt: usize, c: *mut T, rsc: isize, csc: isize, mr: usize, nr: usize, alpha: T, beta: T,
) {
    for i in 0..mr {
        let row = c.offset(i as isize * rsc);
        for j in 0..nr {
            let pc = row.offset(j as isize * csc);
            let v = alpha * tile[i * ldt + j];
            *pc = if beta == T::ZERO {
                v
            } else if beta == T::ONE {
                *pc + v
            } else {
                beta * *pc + v
            };
        }
    }
}

/// Portable microkernel: the host build (tests) and any target without SIMD128.
///
/// # Safety
/// `a` holds kc*MR values, `b` kc*NR values; `c` covers the mr x nr tile.
#[allow(clippy::too_many_arguments, dead_code)]
#[inline(always)]
pub unsafe fn micro_scalar<T: Float, const MR: usize, const NR: usize>(
    kc: usize, a: *const T, b: *const T, c: *mut T, rsc: isize, csc: isize, mr: usize, nr: usize, alpha: T, beta: T,
) {
    let mut acc = [[T::ZERO; NR]; MR];
    for p in 0..kc {
        let ap = a.add(p * MR);
        let bp = b.add(p * NR);
        for (i, row) in acc.iter_mut().enumerate() {
            let av = *ap.add(i);
            for (j, x) in row.iter_mut().enumerate() {
                *x = *x + av * *bp.add(j);
            }
        }
    }
    let flat: &[T] = core::slice::from_raw_parts(acc.as_ptr() as *const T, MR * NR);
    store_tile(flat, NR, c, rsc, csc, mr, nr, alpha, beta);
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd {
    use super::store_tile;
    use core::arch::wasm32::*;

    /// a * b + c: fused where relaxed SIMD is on (the relaxed build), else mul then add.
    #[inline(always)]
    fn madd_f32(a: v128, b: v128, c: v128) -> v128 {
        #[cfg(target_feature = "relaxed-simd")]
        {
            f32x4_relaxed_madd(a, b, c)
        }
        #[cfg(not(target_feature = "relaxed-simd"))]
        {
            f32x4_add(f32x4_mul(a, b), c)
        }
    }

    #[inline(always)]
    fn madd_f64(a: v128, b: v128, c: v128) -> v128 {
        #[cfg(target_feature = "relaxed-simd")]
        {
            f64x2_relaxed_madd(a, b, c)
        }
        #[cfg(not(target_feature = "relaxed-simd"))]
        {
            f64x2_add(f64x2_mul(a, b), c)
        }
    }

    /// Lane `l` of `v` in every lane (an f32x4 / f64x2 splat by shuffle).
    #[inline(always)]
    fn lane4(v: v128, l: usize) -> v128 {
        match l {
            0 => i32x4_shuffle::<0, 0, 0, 0>(v, v),
            1 => i32x4_shuffle::<1, 1, 1, 1>(v, v),
            2 => i32x4_shuffle::<2, 2, 2, 2>(v, v),
            _ => i32x4_shuffle::<3, 3, 3, 3>(v, v),
        }
    }
    #[inline(always)]
    fn lane2(v: v128, l: usize) -> v128 {
        match l {
            0 => i64x2_shuffle::<0, 0>(v, v),
            _ => i64x2_shuffle::<1, 1>(v, v),
        }
    }

    /// Generates an MR x (NV * lanes) kernel for one element type. The accumulators are
    /// plain arrays indexed by constants, which LLVM keeps in wasm locals (registers).
    ///
    /// Register budget: V8 (TurboFan) schedules a step's loads before its arithmetic,
    /// and x64 gives it 15 vector registers. With SPLAT_LOADS each A value is its own
    /// broadcast load (MR registers held across the step); otherwise A comes as whole
    /// vectors split by shuffles at their use (ceil(MR/lanes) registers).
    macro_rules! micro_kernel {
        ($name:ident, $t:ty, $lanes:expr, $splat_load:ident, $lane:ident, $splat:ident, $mul:ident, $add:ident, $madd:ident) => {
            /// # Safety
            /// `a` holds kc*MR values (plus `lanes` of slack past the end), `b`
            /// kc*NV*lanes values; `c` covers the mr x nr tile.
            #[allow(clippy::too_many_arguments)]
            #[inline(always)]
            pub unsafe fn $name<const MR: usize, const NV: usize, const SPLAT_LOADS: bool>(
                kc: usize, a: *const $t, b: *const $t, c: *mut $t, rsc: isize, csc: isize, mr: usize, nr: usize,
                alpha: $t, beta: $t,
            ) {
                let zero = $splat(0.0);
                let mut acc = [[zero; NV]; MR];
                let mut pa = a;
                let mut pb = b as *const v128;
                for _ in 0..kc {
                    let mut bv = [zero; NV];
                    for v in 0..NV {
                        bv[v] = v128_load(pb.add(v));
                    }
                    if SPLAT_LOADS {
                        for i in 0..MR {
                            let ai = $splat_load(pa.add(i) as *const _);
                            for v in 0..NV {
                                acc[i][v] = $madd(ai, bv[v], acc[i][v]);
                            }
                        }
                    } else {
                        let mut av = [zero; 4];
                        for q in 0..MR.div_ceil($lanes) {
                            av[q] = v128_load(pa.add(q * $lanes) as *const v128);
                        }
                        for i in 0..MR {
                            let ai = $lane(av[i / $lanes], i % $lanes);
                            for v in 0..NV {
                                acc[i][v] = $madd(ai, bv[v], acc[i][v]);
                            }
                        }
                    }
                    pa = pa.add(MR);
                    pb = pb.add(NV);
                }
                let va = $splat(alpha);
                if mr == MR && nr == NV * $lanes && csc == 1 {
                    let vb = $splat(beta);
                    for i in 0..MR {
                        let row = c.offset(i as isize * rsc) as *mut v128;
                        for v in 0..NV {
                            let r = $mul(acc[i][v], va);
                            let p = row.add(v);
                            let out = if beta == 0.0 {
                                r
                            } else if beta == 1.0 {
                                $add(v128_load(p), r)
                            } else {
                                $madd(v128_load(p), vb, r)
                            };
                            v128_store(p, out);
                        }
                    }
                } else {
                    let mut tile = [[zero; NV]; MR];
                    for i in 0..MR {
                        for v in 0..NV {
                            tile[i][v] = acc[i][v];
                        }
                    }
                    let flat: &[$t] = core::slice::from_raw_parts(tile.as_ptr() as *const $t, MR * NV * $lanes);
                    store_tile(flat, NV * $lanes, c, rsc, csc, mr, nr, alpha, beta);
                }
            }
        };
    }

    micro_kernel!(micro_f32, f32, 4, v128_load32_splat, lane4, f32x4_splat, f32x4_mul, f32x4_add, madd_f32);
    micro_kernel!(micro_f64, f64, 2, v128_load64_splat, lane2, f64x2_splat, f64x2_mul, f64x2_add, madd_f64);
}
