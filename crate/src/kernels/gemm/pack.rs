//! Packing operands into microkernel panels. A strided matrix is the common source;
//! convolution supplies its own (im2col read straight from the image).

use crate::num::Float;

/// A source of A (m x k): packs rows [i0, i0+mb) x cols [k0, k0+kb) into MR-row panels.
/// Panel p (rows i0+p*MR..) holds, for each k, its MR values; rows past mb are zero.
pub trait PackA<T> {
    /// # Safety
    /// `dst` has room for ceil(mb/MR) * MR * kb values; the source covers the block.
    unsafe fn pack_a<const MR: usize>(&self, i0: usize, mb: usize, k0: usize, kb: usize, dst: *mut T);
}

/// A source of B (k x n): packs rows [k0, k0+kb) x cols [j0, j0+nb) into NR-col panels.
/// Panel p (cols j0+p*NR..) holds, for each k, its NR values; cols past nb are zero.
pub trait PackB<T> {
    /// # Safety
    /// `dst` has room for ceil(nb/NR) * NR * kb values; the source covers the block.
    unsafe fn pack_b<const NR: usize>(&self, k0: usize, kb: usize, j0: usize, nb: usize, dst: *mut T);
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
    if width == W && sw == 1 {
        // each line's W values are contiguous
        for l in 0..len {
            core::ptr::copy_nonoverlapping(src.offset(l as isize * sl), dst.add(l * W), W);
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

impl<T: Float> PackA<T> for Strided<T> {
    unsafe fn pack_a<const MR: usize>(&self, i0: usize, mb: usize, k0: usize, kb: usize, dst: *mut T) {
        let mut i = 0;
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
        let mut j = 0;
        while j < nb {
            let cols = NR.min(nb - j);
            let src = self.ptr.offset(k0 as isize * self.rs + (j0 + j) as isize * self.cs);
            // lines are k (stride rs), lanes are columns (stride cs)
            pack_panel::<T, NR>(src, self.rs, self.cs, kb, cols, dst.add(j * kb));
            j += NR;
        }
    }
}
