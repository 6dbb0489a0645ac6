//! Recurrent layers: the time loop of one layer and direction of an Elman RNN (tanh or
//! relu), an LSTM (optionally projecting h) or a GRU, over input gates computed for
//! every step beforehand (x W_ih^T + b_ih, one GEMM outside), and its backward.
//!
//! Rows: the sequence is packed as PyTorch packs it. Step t has batch_sizes[t] rows
//! (non-increasing in t) at rows off[t].. of `gi` and `out`, off being the prefix sums;
//! a padded [T, B] sequence is batch_sizes = [B; T]. A reverse layer walks t from T-1
//! down to 0, and a row that joins there starts from its initial state (PyTorch's
//! ReversedPackedLayer). Rows that stop keep their last state: that is h_n.
//!
//! Per step: gh = b_hh + h W_hh^T (one GEMM; W_hh is packed once per call), then one
//! fused pass over the rows computing the gates' nonlinearities and the new c and h;
//! an LSTM with projection then multiplies h by W_hr^T (a second GEMM). Gate orders are
//! PyTorch's: LSTM i, f, g, o; GRU r, z, n with n = tanh(gi_n + r * gh_n). The sums and
//! products run in the order of PyTorch's CPU cells.
//!
//! The workspace (one row per sequence row; absent under no-grad) holds what backward
//! reads: h_prev [hp], then
//!   LSTM: i, f, g, o [4H], c_prev [H], tanh(c) [H], (projection) h before it [H]
//!   GRU:  r, z, n [3H], gh_n [H]
//!   RNN:  nothing more (the output row is h).

use super::fastmath::{sigmoid_f32, tanh_f32};
use super::gemm::{self, GemmFloat, PackedB, Strided};

pub const RNN_TANH: u32 = 0;
pub const RNN_RELU: u32 = 1;
pub const LSTM: u32 = 2;
pub const GRU: u32 = 3;

/// The element types of the recurrent kernels and their gate nonlinearities (float32:
/// the same functions as torch.sigmoid and torch.tanh).
pub trait RnnFloat: GemmFloat {
    fn sigmoid(self) -> Self;
    fn tanh_act(self) -> Self;
    /// The fused gates of one row over a prefix of the H columns with vector code
    /// (cell_forward's arguments); returns how many columns it did (0: none).
    ///
    /// # Safety
    /// As cell_forward.
    #[inline(always)]
    unsafe fn cell_forward_simd(_s: &RnnShape, _gi: *const Self, _gh: *const Self, _h_prev: *const Self, _c: *mut Self, _w: *mut Self, _h_out: *mut Self) -> usize {
        0
    }
}

impl RnnFloat for f32 {
    #[inline(always)]
    fn sigmoid(self) -> f32 {
        sigmoid_f32(self)
    }
    #[inline(always)]
    fn tanh_act(self) -> f32 {
        tanh_f32(self)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    unsafe fn cell_forward_simd(s: &RnnShape, gi: *const f32, gh: *const f32, h_prev: *const f32, c: *mut f32, w: *mut f32, h_out: *mut f32) -> usize {
        simd::cell_forward(s, gi, gh, h_prev, c, w, h_out)
    }
}

/// float32 gates four columns at a time: the same operations in the same order as the
/// scalar loop (fastmath's sigmoid4/tanh4 are bit-identical to their scalar forms).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::{RnnShape, GRU, LSTM, RNN_RELU};
    use crate::kernels::fastmath::{sigmoid4, tanh4};
    use core::arch::wasm32::*;

    #[inline(always)]
    unsafe fn ld(p: *const f32) -> v128 {
        v128_load(p as *const v128)
    }
    #[inline(always)]
    unsafe fn st(p: *mut f32, v: v128) {
        v128_store(p as *mut v128, v)
    }

    #[inline(always)]
    pub unsafe fn cell_forward(s: &RnnShape, gi: *const f32, gh: *const f32, h_prev: *const f32, c: *mut f32, w: *mut f32, h_out: *mut f32) -> usize {
        let h = s.hidden;
        let n4 = h / 4 * 4;
        let sum = |k: usize| f32x4_add(ld(gh.add(k)), ld(gi.add(k)));
        let mut j = 0;
        while j < n4 {
            match s.mode {
                LSTM => {
                    let i = sigmoid4(sum(j));
                    let f = sigmoid4(sum(h + j));
                    let g = tanh4(sum(2 * h + j));
                    let o = sigmoid4(sum(3 * h + j));
                    let cp = ld(c.add(j));
                    let cy = f32x4_add(f32x4_mul(f, cp), f32x4_mul(i, g));
                    let tc = tanh4(cy);
                    st(w.add(j), i);
                    st(w.add(h + j), f);
                    st(w.add(2 * h + j), g);
                    st(w.add(3 * h + j), o);
                    st(w.add(4 * h + j), cp);
                    st(w.add(5 * h + j), tc);
                    st(c.add(j), cy);
                    st(h_out.add(j), f32x4_mul(o, tc));
                }
                GRU => {
                    let r = sigmoid4(sum(j));
                    let z = sigmoid4(sum(h + j));
                    let hn = ld(gh.add(2 * h + j));
                    let n = tanh4(f32x4_add(ld(gi.add(2 * h + j)), f32x4_mul(hn, r)));
                    st(w.add(j), r);
                    st(w.add(h + j), z);
                    st(w.add(2 * h + j), n);
                    st(w.add(3 * h + j), hn);
                    st(h_out.add(j), f32x4_add(f32x4_mul(f32x4_sub(ld(h_prev.add(j)), n), z), n));
                }
                // relu: max propagates NaN and gives +0 for -0, as the scalar form
                RNN_RELU => st(h_out.add(j), f32x4_max(sum(j), f32x4_splat(0.0))),
                _ => st(h_out.add(j), tanh4(sum(j))),
            }
            j += 4;
        }
        n4
    }
}

impl RnnFloat for f64 {
    #[inline(always)]
    fn sigmoid(self) -> f64 {
        1.0 / (1.0 + (-self).exp())
    }
    #[inline(always)]
    fn tanh_act(self) -> f64 {
        self.tanh()
    }
}

/// One layer and direction.
#[derive(Clone, Copy, Debug)]
pub struct RnnShape {
    pub mode: u32,
    pub hidden: usize,
    /// LSTM projection size (0: none)
    pub proj: usize,
    pub reverse: bool,
}

impl RnnShape {
    /// Width of a gates row: H times 4 (LSTM), 3 (GRU) or 1.
    pub fn gates(&self) -> usize {
        self.hidden
            * match self.mode {
                LSTM => 4,
                GRU => 3,
                _ => 1,
            }
    }
    /// Width of h (and of the output rows): the projection size, if any, else H.
    pub fn hp(&self) -> usize {
        if self.proj > 0 {
            self.proj
        } else {
            self.hidden
        }
    }
    /// Width of a workspace row.
    pub fn ws_width(&self) -> usize {
        let h = self.hidden;
        self.hp()
            + match self.mode {
                LSTM => 6 * h + if self.proj > 0 { h } else { 0 },
                GRU => 4 * h,
                _ => 0,
            }
    }
    /// Offset of the LSTM's unprojected h inside a workspace row.
    fn h_full_at(&self) -> usize {
        self.hp() + 6 * self.hidden
    }
}

/// off[t] = rows before step t; the last entry is the total.
fn row_offsets(batch_sizes: &[usize]) -> Vec<usize> {
    let mut off = Vec::with_capacity(batch_sizes.len() + 1);
    let mut acc = 0;
    for &b in batch_sizes {
        off.push(acc);
        acc += b;
    }
    off.push(acc);
    off
}

/// Steps in the order the layer runs them.
fn step_order(steps: usize, reverse: bool) -> impl DoubleEndedIterator<Item = usize> {
    (0..steps).map(move |i| if reverse { steps - 1 - i } else { i })
}

unsafe fn copy<T: Copy>(src: *const T, dst: *mut T, n: usize) {
    if n > 0 {
        core::ptr::copy_nonoverlapping(src, dst, n);
    }
}

/// n values from src, or zeros when src is null.
unsafe fn to_vec<T: RnnFloat>(src: *const T, n: usize) -> Vec<T> {
    let mut v = vec![T::ZERO; n];
    if !src.is_null() {
        copy(src, v.as_mut_ptr(), n);
    }
    v
}

#[inline(always)]
fn relu<T: RnnFloat>(x: T) -> T {
    if x > T::ZERO || x.is_nan() {
        x
    } else {
        T::ZERO
    }
}

/// The fused gates of one row: reads gi, gh (with b_hh) and the previous h (GRU) or
/// c (LSTM, updated in place); writes the new (unprojected) h to `h_out` and the
/// row's workspace after h_prev to `w`.
#[inline(always)]
unsafe fn cell_forward<T: RnnFloat>(s: &RnnShape, gi: *const T, gh: *const T, h_prev: *const T, c: *mut T, w: *mut T, h_out: *mut T) {
    let h = s.hidden;
    let j0 = T::cell_forward_simd(s, gi, gh, h_prev, c, w, h_out);
    let sum = |j: usize| *gh.add(j) + *gi.add(j);
    match s.mode {
        LSTM => {
            for j in j0..h {
                let i = sum(j).sigmoid();
                let f = sum(h + j).sigmoid();
                let g = sum(2 * h + j).tanh_act();
                let o = sum(3 * h + j).sigmoid();
                let cp = *c.add(j);
                let cy = f * cp + i * g;
                let tc = cy.tanh_act();
                *w.add(j) = i;
                *w.add(h + j) = f;
                *w.add(2 * h + j) = g;
                *w.add(3 * h + j) = o;
                *w.add(4 * h + j) = cp;
                *w.add(5 * h + j) = tc;
                *c.add(j) = cy;
                *h_out.add(j) = o * tc;
            }
        }
        GRU => {
            for j in j0..h {
                let r = sum(j).sigmoid();
                let z = sum(h + j).sigmoid();
                let hn = *gh.add(2 * h + j);
                let n = (*gi.add(2 * h + j) + hn * r).tanh_act();
                *w.add(j) = r;
                *w.add(h + j) = z;
                *w.add(2 * h + j) = n;
                *w.add(3 * h + j) = hn;
                *h_out.add(j) = (*h_prev.add(j) - n) * z + n;
            }
        }
        RNN_RELU => {
            for j in j0..h {
                *h_out.add(j) = relu(sum(j));
            }
        }
        _ => {
            for j in j0..h {
                *h_out.add(j) = sum(j).tanh_act();
            }
        }
    }
}

/// Runs the layer. Pointers (element counts; rows = the sum of batch_sizes, b0 =
/// batch_sizes[0], G = gates(), hp = hp()): gi rows x G; h0 b0 x hp; c0 (LSTM) b0 x H;
/// w_hh G x hp; b_hh G or null; w_hr (projection) proj x H; out rows x hp; hn b0 x hp;
/// cn (LSTM) b0 x H; ws rows x ws_width() or null (no workspace kept).
///
/// # Safety
/// The pointers cover those extents; outputs overlap no input; batch_sizes is
/// non-increasing.
#[allow(clippy::too_many_arguments)]
pub unsafe fn forward<T: RnnFloat>(
    s: &RnnShape, batch_sizes: &[usize], gi: *const T, h0: *const T, c0: *const T, w_hh: *const T, b_hh: *const T,
    w_hr: *const T, out: *mut T, hn: *mut T, cn: *mut T, ws: *mut T,
) {
    let (h, hp, g, wsw) = (s.hidden, s.hp(), s.gates(), s.ws_width());
    let b0 = batch_sizes.first().copied().unwrap_or(0);
    let off = row_offsets(batch_sizes);
    let mut h_state = to_vec(h0, b0 * hp);
    let mut c_state = if s.mode == LSTM { to_vec(c0, b0 * h) } else { Vec::new() };
    let w_t = PackedB::new(&Strided::new(w_hh, 1, hp as isize), hp, g);
    let w_r = (s.proj > 0).then(|| PackedB::new(&Strided::new(w_hr, 1, h as isize), h, s.proj));
    let mut gh = vec![T::ZERO; b0 * g];
    let mut scratch = if ws.is_null() { vec![T::ZERO; b0 * wsw] } else { Vec::new() };
    for t in step_order(batch_sizes.len(), s.reverse) {
        let (bs, row0) = (batch_sizes[t], off[t]);
        let beta = if b_hh.is_null() {
            T::ZERO
        } else {
            for r in 0..bs {
                copy(b_hh, gh.as_mut_ptr().add(r * g), g);
            }
            T::ONE
        };
        gemm::gemm(bs, g, hp, T::ONE, &Strided::new(h_state.as_ptr(), hp as isize, 1), &w_t, beta, gh.as_mut_ptr(), g as isize, 1);
        let wrows = if ws.is_null() { scratch.as_mut_ptr() } else { ws.add(row0 * wsw) };
        for r in 0..bs {
            let w = wrows.add(r * wsw);
            let hprev = h_state.as_ptr().add(r * hp);
            copy(hprev, w, hp);
            let h_out = if s.proj > 0 { w.add(s.h_full_at()) } else { out.add((row0 + r) * hp) };
            let c = if s.mode == LSTM { c_state.as_mut_ptr().add(r * h) } else { core::ptr::null_mut() };
            cell_forward(s, gi.add((row0 + r) * g), gh.as_ptr().add(r * g), hprev, c, w.add(hp), h_out);
        }
        if let Some(w_r) = &w_r {
            let a = Strided::new(wrows.add(s.h_full_at()) as *const T, wsw as isize, 1);
            gemm::gemm(bs, s.proj, h, T::ONE, &a, w_r, T::ZERO, out.add(row0 * hp), hp as isize, 1);
        }
        copy(out.add(row0 * hp), h_state.as_mut_ptr(), bs * hp);
    }
    copy(h_state.as_ptr(), hn, b0 * hp);
    if s.mode == LSTM {
        copy(c_state.as_ptr(), cn, b0 * h);
    }
}

/// The gradients of one row's gates given dh (of the unprojected h) and, for the
/// LSTM, dc (replaced by the gradient of c_prev): writes d_gi, d_gh (GRU: its own row;
/// otherwise d_gi itself) and, for the GRU, the direct part of dh_prev (z dh) to
/// `dh_prev`, which may be `dh` itself.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn cell_backward<T: RnnFloat>(
    s: &RnnShape, w: *const T, h_prev: *const T, y: *const T, dh: *const T, dc: *mut T, d_gi: *mut T, d_gh: *mut T,
    dh_prev: *mut T,
) {
    let h = s.hidden;
    let one = T::ONE;
    match s.mode {
        LSTM => {
            for j in 0..h {
                let (i, f, g, o) = (*w.add(j), *w.add(h + j), *w.add(2 * h + j), *w.add(3 * h + j));
                let (cp, tc) = (*w.add(4 * h + j), *w.add(5 * h + j));
                let dhv = *dh.add(j);
                let dcv = *dc.add(j) + dhv * o * (one - tc * tc);
                *dc.add(j) = dcv * f;
                *d_gi.add(j) = dcv * g * i * (one - i);
                *d_gi.add(h + j) = dcv * cp * f * (one - f);
                *d_gi.add(2 * h + j) = dcv * i * (one - g * g);
                *d_gi.add(3 * h + j) = dhv * tc * o * (one - o);
            }
        }
        GRU => {
            for j in 0..h {
                let (r, z, n, hn) = (*w.add(j), *w.add(h + j), *w.add(2 * h + j), *w.add(3 * h + j));
                let dhv = *dh.add(j);
                let dpre_n = dhv * (one - z) * (one - n * n);
                let dpre_r = dpre_n * hn * r * (one - r);
                let dpre_z = dhv * (*h_prev.add(j) - n) * z * (one - z);
                *d_gi.add(j) = dpre_r;
                *d_gi.add(h + j) = dpre_z;
                *d_gi.add(2 * h + j) = dpre_n;
                *d_gh.add(j) = dpre_r;
                *d_gh.add(h + j) = dpre_z;
                *d_gh.add(2 * h + j) = dpre_n * r;
                *dh_prev.add(j) = dhv * z;
            }
        }
        RNN_RELU => {
            for j in 0..h {
                *d_gi.add(j) = if *y.add(j) > T::ZERO { *dh.add(j) } else { T::ZERO };
            }
        }
        _ => {
            for j in 0..h {
                let v = *y.add(j);
                *d_gi.add(j) = *dh.add(j) * (one - v * v);
            }
        }
    }
}

/// Gradients of forward() (which kept its workspace `ws`, output `out`) given those
/// of out, hn and cn (each nullable: zeros). Writes d_gi (rows x G, the gradient of
/// gi), and where not null dh0, dc0 (LSTM), dw_hh, db_hh and dw_hr (projection).
///
/// # Safety
/// As forward(); every output overlaps nothing else.
#[allow(clippy::too_many_arguments)]
pub unsafe fn backward<T: RnnFloat>(
    s: &RnnShape, batch_sizes: &[usize], ws: *const T, out: *const T, w_hh: *const T, w_hr: *const T,
    gout: *const T, ghn: *const T, gcn: *const T,
    d_gi: *mut T, dh0: *mut T, dc0: *mut T, dw_hh: *mut T, db_hh: *mut T, dw_hr: *mut T,
) {
    let (h, hp, g, wsw) = (s.hidden, s.hp(), s.gates(), s.ws_width());
    let b0 = batch_sizes.first().copied().unwrap_or(0);
    let off = row_offsets(batch_sizes);
    let rows = off[batch_sizes.len()];
    // dh[r]: the gradient reaching row r's current h (from later steps and h_n)
    let mut dh = to_vec(ghn, b0 * hp);
    let mut dc = if s.mode == LSTM { to_vec(gcn, b0 * h) } else { Vec::new() };
    let mut d_gh_own = if s.mode == GRU { vec![T::ZERO; rows * g] } else { Vec::new() };
    let d_gh = if s.mode == GRU { d_gh_own.as_mut_ptr() } else { d_gi };
    let mut dh_proj = vec![T::ZERO; if s.proj > 0 { rows * hp } else { 0 }];
    let mut dh_full = vec![T::ZERO; if s.proj > 0 { b0 * h } else { 0 }];
    let w_b = PackedB::new(&Strided::new(w_hh, hp as isize, 1), g, hp);
    let w_rb = (s.proj > 0).then(|| PackedB::new(&Strided::new(w_hr, h as isize, 1), s.proj, h));
    for t in step_order(batch_sizes.len(), s.reverse).rev() {
        let (bs, row0) = (batch_sizes[t], off[t]);
        if !gout.is_null() {
            for (k, v) in dh[..bs * hp].iter_mut().enumerate() {
                *v = *v + *gout.add(row0 * hp + k);
            }
        }
        let (dsrc, stride) = match &w_rb {
            Some(w_rb) => {
                copy(dh.as_ptr(), dh_proj.as_mut_ptr().add(row0 * hp), bs * hp);
                gemm::gemm(bs, h, s.proj, T::ONE, &Strided::new(dh.as_ptr(), hp as isize, 1), w_rb, T::ZERO, dh_full.as_mut_ptr(), h as isize, 1);
                (dh_full.as_ptr(), h)
            }
            None => (dh.as_ptr(), hp),
        };
        for r in 0..bs {
            let row = row0 + r;
            let w = ws.add(row * wsw);
            let dprev = dh.as_mut_ptr().add(r * hp);
            let dcr = if s.mode == LSTM { dc.as_mut_ptr().add(r * h) } else { core::ptr::null_mut() };
            cell_backward(s, w.add(hp), w, out.add(row * hp), dsrc.add(r * stride), dcr, d_gi.add(row * g), d_gh.add(row * g), dprev);
            if s.mode != GRU {
                core::ptr::write_bytes(dprev, 0, hp);
            }
        }
        // dh_prev += d_gh W_hh
        gemm::gemm(bs, hp, g, T::ONE, &Strided::new(d_gh.add(row0 * g) as *const T, g as isize, 1), &w_b, T::ONE, dh.as_mut_ptr(), hp as isize, 1);
    }
    if !dh0.is_null() {
        copy(dh.as_ptr(), dh0, b0 * hp);
    }
    if !dc0.is_null() && s.mode == LSTM {
        copy(dc.as_ptr(), dc0, b0 * h);
    }
    if !dw_hh.is_null() {
        // d_gh^T (G x rows) @ h_prev (rows x hp)
        gemm::gemm_strided(g, hp, rows, T::ONE, d_gh as *const T, 1, g as isize, ws, wsw as isize, 1, T::ZERO, dw_hh, hp as isize, 1);
    }
    if !db_hh.is_null() {
        let mut acc = vec![0.0f64; g];
        for row in 0..rows {
            for (k, a) in acc.iter_mut().enumerate() {
                *a += (*d_gh.add(row * g + k)).d();
            }
        }
        for (k, a) in acc.iter().enumerate() {
            *db_hh.add(k) = T::f(*a);
        }
    }
    if !dw_hr.is_null() && s.proj > 0 {
        // dh^T (proj x rows) @ h before the projection (rows x H)
        gemm::gemm_strided(s.proj, h, rows, T::ONE, dh_proj.as_ptr(), 1, hp as isize, ws.add(s.h_full_at()), wsw as isize, 1, T::ZERO, dw_hr, h as isize, 1);
    }
}
