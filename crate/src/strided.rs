//! N-dimensional strided iteration shared by the elementwise, copy and index kernels.
//!
//! A `Desc<K>` describes K operands over one index space: a shape and, per operand,
//! element strides (which may be 0 for broadcast dims or negative for flips).
//! The caller (ts/) has already coalesced dims, so most calls have one or two.

pub const MAX_DIMS: usize = 32;

#[derive(Clone)]
pub struct Desc<const K: usize> {
    pub nd: usize,
    pub shape: [usize; MAX_DIMS],
    pub strides: [[isize; MAX_DIMS]; K],
}

impl<const K: usize> Desc<K> {
    pub fn new(shape: &[usize], strides: [&[isize]; K]) -> Self {
        assert!(shape.len() <= MAX_DIMS);
        let mut d = Desc { nd: shape.len(), shape: [0; MAX_DIMS], strides: [[0; MAX_DIMS]; K] };
        d.shape[..shape.len()].copy_from_slice(shape);
        for k in 0..K {
            d.strides[k][..shape.len()].copy_from_slice(strides[k]);
        }
        d
    }

    /// Reads `nd` dims then K stride rows of `nd` i32 each, as ts/ writes them.
    ///
    /// # Safety
    /// `p` points at `nd * (K + 1)` readable i32 values and `nd <= MAX_DIMS`.
    pub unsafe fn from_raw(nd: usize, p: *const i32) -> Self {
        let mut d = Desc { nd, shape: [0; MAX_DIMS], strides: [[0; MAX_DIMS]; K] };
        for i in 0..nd {
            d.shape[i] = *p.add(i) as usize;
        }
        for k in 0..K {
            for i in 0..nd {
                d.strides[k][i] = *p.add(nd * (k + 1) + i) as isize;
            }
        }
        d
    }

    /// The part of the space whose first index runs over [start, start + len), with each
    /// operand's element offset to it: kernels split across threads this way (an
    /// operand written must not be broadcast along dim 0).
    pub fn slice_outer(&self, start: usize, len: usize) -> (Self, [isize; K]) {
        let mut d = self.clone();
        let mut off = [0isize; K];
        if self.nd > 0 {
            d.shape[0] = len;
            for k in 0..K {
                off[k] = start as isize * self.strides[k][0];
            }
        }
        (d, off)
    }

    pub fn numel(&self) -> usize {
        self.shape[..self.nd].iter().product()
    }

    /// Calls `f(offsets, n, inner_strides)` for every innermost row, where `offsets`
    /// are the element offsets of each operand at the row's start. A 0-d space is one
    /// row of one element. `f` has a single call site, which lets LLVM inline it into
    /// the kernel (whose optimisation attributes then apply to the loop).
    #[inline(always)]
    pub fn for_each_row(&self, mut f: impl FnMut([isize; K], usize, [isize; K])) {
        let nd = self.nd;
        if self.shape[..nd].iter().any(|&s| s == 0) {
            return;
        }
        let inner = if nd == 0 { 1 } else { self.shape[nd - 1] };
        let mut inner_strides = [0isize; K];
        if nd > 0 {
            for k in 0..K {
                inner_strides[k] = self.strides[k][nd - 1];
            }
        }
        let mut idx = [0usize; MAX_DIMS];
        let mut off = [0isize; K];
        loop {
            f(off, inner, inner_strides);
            // advance the outer dims (all but the innermost); done when they all wrap
            let mut d = nd.saturating_sub(1);
            loop {
                if d == 0 {
                    return;
                }
                d -= 1;
                idx[d] += 1;
                for k in 0..K {
                    off[k] += self.strides[k][d];
                }
                if idx[d] < self.shape[d] {
                    break;
                }
                for k in 0..K {
                    off[k] -= self.strides[k][d] * self.shape[d] as isize;
                }
                idx[d] = 0;
            }
        }
    }
}
