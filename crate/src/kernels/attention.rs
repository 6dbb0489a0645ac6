//! Fused scaled dot-product attention, per (batch, head):
//!   out = softmax(scale * q k^T + mask) v
//! with an optional additive mask and a causal flag (query i sees keys j <= i), and its
//! backward. Queries go in blocks of QB rows: the block's scores (QB x Lk) are one GEMM
//! into a scratch buffer, the mask is added and each row's softmax taken in place (the
//! softmax op's own line kernel, so rows agree with torch.softmax bit for bit), and
//! one more GEMM multiplies by v. Nothing of size Lq x Lk is ever materialised.
//!
//! The backward recomputes each block's probabilities P the same way, then
//!   dV += P^T dO,  dP = dO V^T,  dS = P * (dP - rowsum(P * dP)),
//!   dQ = scale * dS K,  dK += scale * dS^T Q.
//!
//! Layout: every operand is indexed [b, h, row, col] with the given strides for b, h and
//! row and unit stride along col (the head dim); the mask [b, h, i, j] has four strides,
//! 0 along broadcast dims. Outputs do not overlap inputs.

use super::gemm::{gemm_strided, GemmFloat};
use super::lines::{softmax_line, SoftmaxExp};

/// Query rows per block: the score block is QB x Lk.
const QB: usize = 128;

/// Sizes of one attention call.
#[derive(Clone, Copy, Debug)]
pub struct AttnShape {
    pub batch: usize,
    pub heads: usize,
    pub lq: usize,
    pub lk: usize,
    /// Width of q and k rows.
    pub d: usize,
    /// Width of v rows (and of the output).
    pub dv: usize,
    pub causal: bool,
}

/// Strides (in elements) of a [b, h, row, col] operand along b, h and row.
#[derive(Clone, Copy, Debug, Default)]
pub struct Rows {
    pub b: isize,
    pub h: isize,
    pub row: isize,
}

impl Rows {
    #[inline(always)]
    fn at(&self, b: usize, h: usize) -> isize {
        b as isize * self.b + h as isize * self.h
    }
}

/// Strides of the mask along b, h, i and j.
#[derive(Clone, Copy, Debug, Default)]
pub struct MaskStrides {
    pub b: isize,
    pub h: isize,
    pub i: isize,
    pub j: isize,
}

/// Keys row i of a block can see: all Lk, or j <= i when causal.
#[inline(always)]
fn visible(s: &AttnShape, i: usize) -> usize {
    if s.causal {
        (i + 1).min(s.lk)
    } else {
        s.lk
    }
}

/// softmax of row[0..len] in place (the softmax op's kernel for the same dtype).
#[inline(always)]
unsafe fn softmax_row<T: SoftmaxExp>(len: usize, row: *mut T) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if core::mem::size_of::<T>() == 4 {
        return super::simd_lines::softmax_line_f32(false, len, row as *mut f32, row as *const f32);
    }
    softmax_line(false, len, 1, 1, row, row)
}

/// P for query rows [i0, i0 + qb) of (b, h) into p (qb x n, row stride n): scores by one
/// GEMM, plus the mask, softmax over each row's visible keys, zeros past them.
#[allow(clippy::too_many_arguments)]
unsafe fn probabilities<T: GemmFloat + SoftmaxExp>(
    s: &AttnShape, scale: T, b: usize, h: usize, i0: usize, qb: usize, n: usize,
    q: *const T, qs: Rows, k: *const T, ks: Rows, mask: *const T, ms: MaskStrides, p: *mut T,
) {
    let qp = q.offset(qs.at(b, h) + i0 as isize * qs.row);
    let kp = k.offset(ks.at(b, h));
    // p = scale * Q_blk K^T (K^T through strides)
    gemm_strided(qb, n, s.d, scale, qp, qs.row, 1, kp, 1, ks.row, T::ZERO, p, n as isize, 1);
    for r in 0..qb {
        let i = i0 + r;
        let row = p.add(r * n);
        let len = visible(s, i).min(n);
        if !mask.is_null() {
            let mrow = mask.offset(b as isize * ms.b + h as isize * ms.h + i as isize * ms.i);
            for j in 0..len {
                *row.add(j) = *row.add(j) + *mrow.offset(j as isize * ms.j);
            }
        }
        softmax_row(len, row);
        for j in len..n {
            *row.add(j) = T::ZERO;
        }
    }
}

/// out = softmax(scale * q k^T + mask) v. `mask` may be null.
///
/// # Safety
/// The pointers cover their operands as the shape and strides describe; `out` overlaps
/// no input.
#[allow(clippy::too_many_arguments)]
pub unsafe fn forward<T: GemmFloat + SoftmaxExp>(
    s: &AttnShape, scale: T,
    q: *const T, qs: Rows, k: *const T, ks: Rows, v: *const T, vs: Rows,
    mask: *const T, ms: MaskStrides, out: *mut T, os: Rows,
) {
    if s.lq == 0 || s.dv == 0 {
        return;
    }
    let mut p = vec![T::ZERO; QB.min(s.lq) * s.lk];
    for b in 0..s.batch {
        for h in 0..s.heads {
            let mut i0 = 0;
            while i0 < s.lq {
                let qb = QB.min(s.lq - i0);
                // keys any row of the block sees: the rest of P is zero and is skipped
                let n = visible(s, i0 + qb - 1);
                let o = out.offset(os.at(b, h) + i0 as isize * os.row);
                probabilities(s, scale, b, h, i0, qb, n, q, qs, k, ks, mask, ms, p.as_mut_ptr());
                // (no keys, n = 0: the GEMM over an empty sum writes zeros, as bmm does)
                gemm_strided(qb, s.dv, n, T::ONE, p.as_ptr(), n as isize, 1, v.offset(vs.at(b, h)), vs.row, 1, T::ZERO, o, os.row, 1);
                i0 += qb;
            }
        }
    }
}

/// Gradients of forward given dout: into dq, dk, dv (each may be null: not wanted).
///
/// # Safety
/// As forward; the gradients have their operand's shape and overlap nothing else.
#[allow(clippy::too_many_arguments)]
pub unsafe fn backward<T: GemmFloat + SoftmaxExp>(
    s: &AttnShape, scale: T,
    q: *const T, qs: Rows, k: *const T, ks: Rows, v: *const T, vs: Rows,
    mask: *const T, ms: MaskStrides, dout: *const T, dos: Rows,
    dq: *mut T, dqs: Rows, dk: *mut T, dks: Rows, dv: *mut T, dvs: Rows,
) {
    let zero_rows = |g: *mut T, gs: Rows, b: usize, h: usize, rows: usize, cols: usize| {
        for r in 0..rows {
            let row = g.offset(gs.at(b, h) + r as isize * gs.row);
            for c in 0..cols {
                *row.add(c) = T::ZERO;
            }
        }
    };
    let rows = QB.min(s.lq.max(1));
    let mut p = vec![T::ZERO; rows * s.lk];
    let mut dp = vec![T::ZERO; rows * s.lk];
    for b in 0..s.batch {
        for h in 0..s.heads {
            // dK and dV accumulate over query blocks
            if !dk.is_null() {
                zero_rows(dk, dks, b, h, s.lk, s.d);
            }
            if !dv.is_null() {
                zero_rows(dv, dvs, b, h, s.lk, s.dv);
            }
            let mut i0 = 0;
            while i0 < s.lq {
                let qb = QB.min(s.lq - i0);
                let n = visible(s, i0 + qb - 1);
                if n == 0 {
                    // no keys (Lk = 0): the output did not depend on q
                    if !dq.is_null() {
                        zero_rows(dq.offset(i0 as isize * dqs.row), dqs, b, h, qb, s.d);
                    }
                    i0 += qb;
                    continue;
                }
                let (pp, dpp) = (p.as_mut_ptr(), dp.as_mut_ptr());
                probabilities(s, scale, b, h, i0, qb, n, q, qs, k, ks, mask, ms, pp);
                let go = dout.offset(dos.at(b, h) + i0 as isize * dos.row);
                let qp = q.offset(qs.at(b, h) + i0 as isize * qs.row);
                let (kp, vp) = (k.offset(ks.at(b, h)), v.offset(vs.at(b, h)));
                if !dv.is_null() {
                    // dV[0..n] += P^T dO
                    gemm_strided(n, s.dv, qb, T::ONE, pp, 1, n as isize, go, dos.row, 1, T::ONE, dv.offset(dvs.at(b, h)), dvs.row, 1);
                }
                if dq.is_null() && dk.is_null() {
                    i0 += qb;
                    continue;
                }
                // dP = dO V^T, then dS = P * (dP - rowsum(P * dP)) in place
                gemm_strided(qb, n, s.dv, T::ONE, go, dos.row, 1, vp, 1, vs.row, T::ZERO, dpp, n as isize, 1);
                for r in 0..qb {
                    let (pr, dr) = (pp.add(r * n), dpp.add(r * n));
                    let mut acc = T::ZERO;
                    for j in 0..n {
                        acc = acc + *pr.add(j) * *dr.add(j);
                    }
                    for j in 0..n {
                        *dr.add(j) = *pr.add(j) * (*dr.add(j) - acc);
                    }
                }
                if !dq.is_null() {
                    let g = dq.offset(dqs.at(b, h) + i0 as isize * dqs.row);
                    gemm_strided(qb, s.d, n, scale, dpp, n as isize, 1, kp, ks.row, 1, T::ZERO, g, dqs.row, 1);
                }
                if !dk.is_null() {
                    gemm_strided(n, s.d, qb, scale, dpp, 1, n as isize, qp, qs.row, 1, T::ONE, dk.offset(dks.at(b, h)), dks.row, 1);
                }
                i0 += qb;
            }
        }
    }
}
