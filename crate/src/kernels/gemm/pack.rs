//! Packing operands into microkernel panels. A strided matrix is the common source;
//! convolution supplies its own (im2col read straight from the image).

use crate::num::Float;

/// A source of A (m x k): packs rows [i0, i0+mb) x cols [k0, k0+kb) into MR-row panels.
/// Panel p (rows i0+p*MR..) holds, for each k, its MR values; rows past mb are zero.
pub trait PackA<T> {
    /// # Safety
    /// `dst` has room for ceil(mb/MR) * MR * kb values; the source covers the block.
    unsafe fn pack_a<const MR: usize>(&self, i0: usize, mb: usize, k0: usize, kb: usize, dst: *mut T);
    /// The block (rows from i0, cols [k0, k0+kb)) if the source already holds it in
    /// pack_a's layout, read in place; null (the default) to pack it.
    ///
    /// # Safety
    /// As pack_a.
    unsafe fn packed_a<const MR: usize>(&self, _i0: usize, _k0: usize, _kb: usize) -> *const T {
        core::ptr::null()
    }
}

/// A source of B (k x n): packs rows [k0, k0+kb) x cols [j0, j0+nb) into NR-col panels.
/// Panel p (cols j0+p*NR..) holds, for each k, its NR values; cols past nb are zero.
pub trait PackB<T> {
    /// Whether a product with few rows (m <= MC) packs this B per task of columns
    /// (gemm_columns): set for im2col, whose packing costs as much as a row block's
    /// products; other sources keep gemm_split (one loop less in the download).
    const PACK_PER_TASK: bool = false;
    /// # Safety
    /// `dst` has room for ceil(nb/NR) * NR * kb values; the source covers the block.
    unsafe fn pack_b<const NR: usize>(&self, k0: usize, kb: usize, j0: usize, nb: usize, dst: *mut T);
    /// The block (rows [k0, k0+kb), cols from j0) if the source already holds it in
    /// pack_b's layout, read in place; null (the default) to pack it.
    ///
    /// # Safety
    /// As pack_b.
    unsafe fn packed_b<const NR: usize>(&self, _k0: usize, _kb: usize, _j0: usize) -> *const T {
        core::ptr::null()
    }
}

/// A matrix read through element strides: element (r, c) is at ptr + r*rs + c*cs.
/// Transposed operands are just swapped strides.
#[derive(Clone, Copy)]
pub struct Strided<T> {
    pub ptr: *const T,
    pub rs: isize,
    pub cs: isize,
}

impl<T> Strided<T> {
    pub fn new(ptr: *const T, rs: isize, cs: isize) -> Self {
        Strided { ptr, rs, cs }
    }
    /// The transposed view (no copy).
    pub fn t(self) -> Self {
        Strided { ptr: self.ptr, rs: self.cs, cs: self.rs }
    }
}

/// Packs a `len` x `width` block whose element (l, w) is src[l*sl + w*sw] into a panel
/// holding, per l, `W` values (w past `width` zero). Both packers reduce to this.
#[inline(always)]
unsafe fn pack_panel<T: Float, const W: usize>(src: *const T, sl: isize, sw: isize, len: usize, width: usize, dst: *mut T) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if core::mem::size_of::<T>() == 4 && simd::pack_f32::<W>(src as *const f32, sl, sw, len, width, dst as *mut f32) {
        return;
    }
    if width == W && sw == 1 {
        // each line's W values are contiguous
        for l in 0..len {
            let (s, d) = (src.offset(l as isize * sl), dst.add(l * W));
            for w in 0..W {
                *d.add(w) = *s.add(w);
            }
        }
    } else if sl == 1 {
        // each of the W lanes is contiguous along l: read lanes, write strided
        for w in 0..width {
            let s = src.offset(w as isize * sw);
            for l in 0..len {
                *dst.add(l * W + w) = *s.add(l);
            }
        }
        for w in width..W {
            for l in 0..len {
                *dst.add(l * W + w) = T::ZERO;
            }
        }
    } else {
        for l in 0..len {
            let s = src.offset(l as isize * sl);
            let d = dst.add(l * W);
            for w in 0..width {
                *d.add(w) = *s.offset(w as isize * sw);
            }
            for w in width..W {
                *d.add(w) = T::ZERO;
            }
        }
    }
}

/// Copies W contiguous values (one panel line): vector moves for float32 where
/// available, never a memory.copy call.
#[inline(always)]
pub unsafe fn copy_line<T: Float, const W: usize>(src: *const T, dst: *mut T) {
    pack_panel::<T, W>(src, 0, 1, 1, W, dst);
}

/// float32 packing with 128-bit moves: contiguous lines copy as vectors, and lines
/// strided across contiguous lanes (row-major A, transposed B) go through 4x4
/// transposes instead of scalar scatter.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    /// Transposes the 4x4 block whose rows start at r[0..4] (4 contiguous values each)
    /// and stores its columns at d, d + stride, d + 2 stride, d + 3 stride.
    #[inline(always)]
    unsafe fn transpose4(r: [*const f32; 4], d: *mut f32, stride: usize) {
        let (a, b, c, e) = (
            v128_load(r[0] as *const v128), v128_load(r[1] as *const v128),
            v128_load(r[2] as *const v128), v128_load(r[3] as *const v128),
        );
        let ab_lo = i32x4_shuffle::<0, 4, 1, 5>(a, b);
        let ab_hi = i32x4_shuffle::<2, 6, 3, 7>(a, b);
        let ce_lo = i32x4_shuffle::<0, 4, 1, 5>(c, e);
        let ce_hi = i32x4_shuffle::<2, 6, 3, 7>(c, e);
        v128_store(d as *mut v128, i64x2_shuffle::<0, 2>(ab_lo, ce_lo));
        v128_store(d.add(stride) as *mut v128, i64x2_shuffle::<1, 3>(ab_lo, ce_lo));
        v128_store(d.add(2 * stride) as *mut v128, i64x2_shuffle::<0, 2>(ab_hi, ce_hi));
        v128_store(d.add(3 * stride) as *mut v128, i64x2_shuffle::<1, 3>(ab_hi, ce_hi));
    }

    /// The fast cases of pack_panel for f32; false when the general loops must run.
    #[inline(always)]
    pub unsafe fn pack_f32<const W: usize>(src: *const f32, sl: isize, sw: isize, len: usize, width: usize, dst: *mut f32) -> bool {
        if W % 4 == 0 && width == W && sw == 1 {
            for l in 0..len {
                let (s, d) = (src.offset(l as isize * sl), dst.add(l * W));
                for q in 0..W / 4 {
                    v128_store(d.add(4 * q) as *mut v128, v128_load(s.add(4 * q) as *const v128));
                }
            }
            return true;
        }
        if sl == 1 && width == W && W >= 4 {
            // lanes in groups of 4 through transposes; a leftover lane (W = 5) scalar
            let mut l = 0;
            while l + 4 <= len {
                let mut w = 0;
                while w + 4 <= W {
                    let r = [0, 1, 2, 3].map(|j| src.offset((w + j) as isize * sw).add(l));
                    transpose4(r, dst.add(l * W + w), W);
                    w += 4;
                }
                while w < W {
                    let s = src.offset(w as isize * sw);
                    for j in 0..4 {
                        *dst.add((l + j) * W + w) = *s.add(l + j);
                    }
                    w += 1;
                }
                l += 4;
            }
            for ll in l..len {
                for w in 0..W {
                    *dst.add(ll * W + w) = *src.offset(w as isize * sw).add(ll);
                }
            }
            return true;
        }
        false
    }
}

/// When one line (a k) holds every panel's lanes contiguously (column-major A,
/// row-major B), walks the lines once and deals each into the full panels: every
/// cache line of the source is read once, in order. Returns how many lanes it packed
/// (a multiple of W; a partial last panel is left to pack_panel).
#[inline(always)]
unsafe fn pack_lines<T: Float, const W: usize>(src: *const T, sl: isize, len: usize, lanes: usize, dst: *mut T) -> usize {
    let full = lanes / W * W;
    if full < 2 * W {
        return 0;
    }
    for l in 0..len {
        let s = src.offset(l as isize * sl);
        let mut p = 0;
        while p < full {
            pack_panel::<T, W>(s.add(p), 0, 1, 1, W, dst.add(p * len + l * W));
            p += W;
        }
    }
    full
}

impl<T: Float> PackA<T> for Strided<T> {
    unsafe fn pack_a<const MR: usize>(&self, i0: usize, mb: usize, k0: usize, kb: usize, dst: *mut T) {
        let base = self.ptr.offset(i0 as isize * self.rs + k0 as isize * self.cs);
        let mut i = if self.rs == 1 { pack_lines::<T, MR>(base, self.cs, kb, mb, dst) } else { 0 };
        while i < mb {
            let rows = MR.min(mb - i);
            let src = self.ptr.offset((i0 + i) as isize * self.rs + k0 as isize * self.cs);
            // lines are k (stride cs), lanes are rows (stride rs)
            pack_panel::<T, MR>(src, self.cs, self.rs, kb, rows, dst.add(i * kb));
            i += MR;
        }
    }
}

impl<T: Float> PackB<T> for Strided<T> {
    unsafe fn pack_b<const NR: usize>(&self, k0: usize, kb: usize, j0: usize, nb: usize, dst: *mut T) {
        let base = self.ptr.offset(k0 as isize * self.rs + j0 as isize * self.cs);
        let mut j = if self.cs == 1 { pack_lines::<T, NR>(base, self.rs, kb, nb, dst) } else { 0 };
        while j < nb {
            let cols = NR.min(nb - j);
            let src = self.ptr.offset(k0 as isize * self.rs + (j0 + j) as isize * self.cs);
            // lines are k (stride rs), lanes are columns (stride cs)
            pack_panel::<T, NR>(src, self.rs, self.cs, kb, cols, dst.add(j * kb));
            j += NR;
        }
    }
}
