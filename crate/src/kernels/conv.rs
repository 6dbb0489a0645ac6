//! 2-d convolution (1-d is h = 1) forward and backward, NCHW, contiguous operands.
//!
//! Everything is phrased for the ordinary convolution y = conv(x, w) with
//! x [N, G*C, H, W], w [G*OC, C, KH, KW], y [N, G*OC, OH, OW]:
//! - `forward`: y = w @ im2col(x) (+ bias), per image and group, through the GEMM with
//!   im2col panels packed straight from the image (no im2col buffer);
//! - `backward_data`: dx = col2im(w^T @ dy);
//! - `backward_weight`: dw = sum over images of dy @ im2col(x)^T.
//!
//! A transposed convolution is backward_data forward and the other two backward
//! (see ts/kernels/conv.ts). Depthwise shapes (one input channel per group) use direct
//! row-axpy kernels instead: their GEMMs would be 1-row matrices. float32 3x3 stride-1
//! shapes go through Winograd F(4x4, 3x3) (conv_winograd.rs) where `winograd_pays`,
//! forward and (as a flipped forward) backward_data.

use crate::kernels::conv_winograd;
use crate::kernels::gemm::{gemm, GemmFloat, PackB, Strided};

/// Shape and hyper-parameters of one convolution. Channel counts are per group.
#[derive(Clone, Copy, Debug)]
pub struct Geom {
    pub n: usize,
    pub groups: usize,
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub oc: usize,
    pub oh: usize,
    pub ow: usize,
    pub kh: usize,
    pub kw: usize,
    pub sh: usize,
    pub sw: usize,
    pub ph: usize,
    pub pw: usize,
    pub dh: usize,
    pub dw: usize,
}

impl Geom {
    /// Reads the 16 i32 fields in declaration order (as ts/kernels/conv.ts writes them).
    ///
    /// # Safety
    /// `p` points at 16 readable i32 values.
    pub unsafe fn from_raw(p: *const i32) -> Geom {
        let f = |i: usize| *p.add(i) as usize;
        Geom {
            n: f(0), groups: f(1), c: f(2), h: f(3), w: f(4), oc: f(5), oh: f(6), ow: f(7),
            kh: f(8), kw: f(9), sh: f(10), sw: f(11), ph: f(12), pw: f(13), dh: f(14), dw: f(15),
        }
    }
    fn in_plane(&self) -> usize {
        self.h * self.w
    }
    fn out_plane(&self) -> usize {
        self.oh * self.ow
    }
    /// Rows of im2col: C * KH * KW.
    fn ckk(&self) -> usize {
        self.c * self.kh * self.kw
    }
    fn is_pointwise(&self) -> bool {
        self.kh == 1 && self.kw == 1 && self.sh == 1 && self.sw == 1 && self.ph == 0 && self.pw == 0
    }
    fn is_depthwise(&self) -> bool {
        self.c == 1
    }
    /// Output columns ox whose input column ox*sw + off lies in [0, w).
    fn ox_range(&self, off: isize) -> (usize, usize) {
        axis_range(off, self.sw, self.w, self.ow)
    }
}

/// o in [lo, hi) with 0 <= o*s + off < len, clamped to [0, out).
fn axis_range(off: isize, s: usize, len: usize, out: usize) -> (usize, usize) {
    let s = s as isize;
    let lo = if off >= 0 { 0 } else { (-off + s - 1) / s };
    let last = len as isize - 1 - off; // o*s <= last
    let hi = if last < 0 { 0 } else { last / s + 1 };
    let lo = (lo as usize).min(out);
    (lo, (hi as usize).clamp(lo, out))
}

/// im2col(x) of one image and group as a GEMM B operand: row (c, ky, kx), column (oy, ox).
pub struct Im2col<T> {
    pub x: *const T,
    pub g: Geom,
}

impl<T: GemmFloat> PackB<T> for Im2col<T> {
    const PACK_PER_TASK: bool = true;
    unsafe fn pack_b<const NR: usize>(&self, k0: usize, kb: usize, j0: usize, nb: usize, dst: *mut T) {
        let g = &self.g;
        let (h, w, sw) = (g.h as isize, g.w as isize, g.sw as isize);
        let kk = g.kh * g.kw;
        let mut j = 0;
        while j < nb {
            let cols = NR.min(nb - j);
            let first = j0 + j;
            // input coordinates of each column's window origin
            let mut iy0 = [0isize; NR];
            let mut ix0 = [0isize; NR];
            for q in 0..cols {
                let (oy, ox) = ((first + q) / g.ow, (first + q) % g.ow);
                iy0[q] = (oy * g.sh) as isize - g.ph as isize;
                ix0[q] = (ox * g.sw) as isize - g.pw as isize;
            }
            // NR columns on one output row read NR inputs `sw` apart on one input row
            let one_row = cols == NR && first / g.ow == (first + NR - 1) / g.ow;
            let panel = dst.add(j * kb);
            // (c, ky, kx) of row k0, then advanced row by row
            let (mut c, rem) = (k0 / kk, k0 % kk);
            let (mut ky, mut kx) = (rem / g.kw, rem % g.kw);
            for r in 0..kb {
                let plane = self.x.add(c * g.in_plane());
                let dy = (ky * g.dh) as isize;
                let dx = (kx * g.dw) as isize;
                let d = panel.add(r * NR);
                if one_row {
                    let (iy, ix) = (iy0[0] + dy, ix0[0] + dx);
                    let src = plane.wrapping_offset(iy * w);
                    if iy < 0 || iy >= h {
                        for q in 0..NR {
                            *d.add(q) = T::ZERO;
                        }
                    } else if ix >= 0 && ix + (NR as isize - 1) * sw < w {
                        if sw == 1 {
                            core::ptr::copy_nonoverlapping(src.offset(ix), d, NR);
                        } else {
                            for q in 0..NR {
                                *d.add(q) = *src.offset(ix + q as isize * sw);
                            }
                        }
                    } else {
                        for q in 0..NR {
                            let x = ix + q as isize * sw;
                            *d.add(q) = if x >= 0 && x < w { *src.offset(x) } else { T::ZERO };
                        }
                    }
                } else {
                    for q in 0..NR {
                        let (iy, ix) = (iy0[q] + dy, ix0[q] + dx);
                        *d.add(q) = if q < cols && iy >= 0 && iy < h && ix >= 0 && ix < w { *plane.offset(iy * w + ix) } else { T::ZERO };
                    }
                }
                kx += 1;
                if kx == g.kw {
                    kx = 0;
                    ky += 1;
                    if ky == g.kh {
                        ky = 0;
                        c += 1;
                    }
                }
            }
            j += NR;
        }
    }
}

/// im2col(x)^T of one image and group: row (oy, ox), column (c, ky, kx).
pub struct Im2colT<T> {
    pub x: *const T,
    pub g: Geom,
}

impl<T: GemmFloat> PackB<T> for Im2colT<T> {
    unsafe fn pack_b<const NR: usize>(&self, k0: usize, kb: usize, j0: usize, nb: usize, dst: *mut T) {
        let g = &self.g;
        let kk = g.kh * g.kw;
        let mut j = 0;
        while j < nb {
            let cols = NR.min(nb - j);
            // per column: its channel plane and kernel offset
            let mut plane = [0usize; NR];
            let mut dy = [0isize; NR];
            let mut dx = [0isize; NR];
            for q in 0..cols {
                let col = j0 + j + q;
                let (c, rem) = (col / kk, col % kk);
                plane[q] = c * g.in_plane();
                dy[q] = (rem / g.kw * g.dh) as isize - g.ph as isize;
                dx[q] = (rem % g.kw * g.dw) as isize - g.pw as isize;
            }
            let panel = dst.add(j * kb);
            let (mut oy, mut ox) = (k0 / g.ow, k0 % g.ow);
            for r in 0..kb {
                let by = (oy * g.sh) as isize;
                let bx = (ox * g.sw) as isize;
                let d = panel.add(r * NR);
                for q in 0..NR {
                    let (iy, ix) = (by + dy[q], bx + dx[q]);
                    *d.add(q) = if q < cols && iy >= 0 && iy < g.h as isize && ix >= 0 && ix < g.w as isize {
                        *self.x.add(plane[q]).offset(iy * g.w as isize + ix)
                    } else {
                        T::ZERO
                    };
                }
                ox += 1;
                if ox == g.ow {
                    ox = 0;
                    oy += 1;
                }
            }
            j += NR;
        }
    }
}

/// y = conv(x, w) + bias (bias may be null).
///
/// # Safety
/// Pointers cover contiguous x, w, y of the geometry's shapes (bias: G*OC values).
pub unsafe fn forward<T: GemmFloat>(g: &Geom, x: *const T, w: *const T, bias: *const T, y: *mut T) {
    if core::mem::size_of::<T>() == 4 && conv_winograd::applies(g) && !g.is_depthwise() && winograd_pays(g) {
        // T is f32 (the only 4-byte GemmFloat)
        return conv_winograd::forward(g, x as *const f32, w as *const f32, bias as *const f32, y as *mut f32);
    }
    let (plane, oplane, ckk) = (g.in_plane(), g.out_plane(), g.ckk());
    for n in 0..g.n {
        for gr in 0..g.groups {
            let xg = x.add((n * g.groups + gr) * g.c * plane);
            let wg = w.add(gr * g.oc * ckk);
            let yg = y.add((n * g.groups + gr) * g.oc * oplane);
            let beta = if bias.is_null() {
                T::ZERO
            } else {
                for o in 0..g.oc {
                    let b = *bias.add(gr * g.oc + o);
                    core::slice::from_raw_parts_mut(yg.add(o * oplane), oplane).fill(b);
                }
                T::ONE
            };
            if g.is_depthwise() {
                depthwise_forward(g, xg, wg, yg, beta == T::ONE);
            } else if g.is_pointwise() {
                let b = Strided::new(xg, plane as isize, 1);
                gemm(g.oc, oplane, g.c, T::ONE, &Strided::new(wg, ckk as isize, 1), &b, beta, yg, oplane as isize, 1);
            } else {
                let b = Im2col { x: xg, g: *g };
                gemm(g.oc, oplane, ckk, T::ONE, &Strided::new(wg, ckk as isize, 1), &b, beta, yg, oplane as isize, 1);
            }
        }
    }
}

/// Whether Winograd F(4x4, 3x3) beats im2col + GEMM on a 3x3 stride-1 shape.
///
/// Per (input, output) channel pair Winograd costs ~10 ns (weight transform) plus ~3 ns
/// per 4x4 tile, im2col + GEMM ~0.6 ns per output pixel (wasm SIMD, one core; both
/// summed over the batch). Measured (ms, batch 1, padding 1, im2col -> Winograd):
/// C=OC=64 at 56x56 7.43 -> 2.23, 128 at 28x28 6.83 -> 2.59, 256 at 14x14 6.75 -> 2.53,
/// 512 at 7x7 7.70 -> 5.76, 512 at 9x9 11.4 -> 9.96; losses: 512 at 6x6 5.56 -> 6.37,
/// at 5x5 4.45 -> 5.72, at 4x4 2.66 -> 5.57, 64 at 4x4 0.083 -> 0.115, 256 at 7x7
/// unpadded 1.25 -> 1.51. Small channel counts win from 8x8 up (C=16: 0.033 -> 0.019,
/// 3->16 at 112x112: 0.61 -> 0.35, 2->2 at 32x32: 0.034 -> 0.014).
fn winograd_pays(g: &Geom) -> bool {
    let tiles = g.n * g.oh.div_ceil(4) * g.ow.div_ceil(4);
    let pixels = g.n * g.oh * g.ow;
    100 + 30 * tiles < 6 * pixels
}

/// Whether Winograd F(3x3, 4x4) beats the im2col GEMM for the weight gradient: where
/// it pays forward, with 8+ channels on both sides (fewer make its GEMMs too thin) and
/// at most 128 x 128 of them (its 36 OC x C sums stay in L2).
fn winograd_weight_pays(g: &Geom) -> bool {
    !g.is_depthwise() && g.c >= 8 && g.oc >= 8 && g.c * g.oc <= 128 * 128 && g.n > 0 && winograd_pays(g)
}

/// dx = the gradient of conv(x, w) with respect to x, given dy (overwrites dx).
///
/// # Safety
/// Pointers cover contiguous dy, w, dx of the geometry's shapes.
pub unsafe fn backward_data<T: GemmFloat>(g: &Geom, dy: *const T, w: *const T, dx: *mut T) {
    if core::mem::size_of::<T>() == 4 && winograd_backward_data(g, dy as *const f32, w as *const f32, dx as *mut f32) {
        return;
    }
    let (plane, oplane, ckk) = (g.in_plane(), g.out_plane(), g.ckk());
    let mut col: Vec<T> = if g.is_depthwise() || g.is_pointwise() { Vec::new() } else { vec![T::ZERO; ckk * oplane] };
    for n in 0..g.n {
        for gr in 0..g.groups {
            let dyg = dy.add((n * g.groups + gr) * g.oc * oplane);
            let wg = w.add(gr * g.oc * ckk);
            let dxg = dx.add((n * g.groups + gr) * g.c * plane);
            let wt = Strided::new(wg, 1, ckk as isize); // w^T: ckk x oc
            if g.is_depthwise() {
                depthwise_backward_data(g, dyg, wg, dxg);
            } else if g.is_pointwise() {
                gemm(g.c, plane, g.oc, T::ONE, &wt, &Strided::new(dyg, oplane as isize, 1), T::ZERO, dxg, plane as isize, 1);
            } else {
                let cp = col.as_mut_ptr();
                gemm(ckk, oplane, g.oc, T::ONE, &wt, &Strided::new(dyg, oplane as isize, 1), T::ZERO, cp, oplane as isize, 1);
                col2im(g, cp, dxg);
            }
        }
    }
}

/// For a 3x3 stride-1 convolution with padding p <= 2, dx is the forward convolution of
/// dy with the weights flipped spatially and in/out channels swapped, padding 2 - p:
/// computed by Winograd when that pays. Returns whether it did.
unsafe fn winograd_backward_data(g: &Geom, dy: *const f32, w: *const f32, dx: *mut f32) -> bool {
    if !conv_winograd::applies(g) || g.is_depthwise() || g.ph > 2 || g.pw > 2 {
        return false;
    }
    let t = Geom { c: g.oc, h: g.oh, w: g.ow, oc: g.c, oh: g.h, ow: g.w, ph: 2 - g.ph, pw: 2 - g.pw, ..*g };
    if !winograd_pays(&t) {
        return false;
    }
    // wt[gr][c][o][ky][kx] = w[gr][o][c][2-ky][2-kx]
    let mut wt = vec![0f32; g.groups * g.oc * g.c * 9];
    for gr in 0..g.groups {
        for o in 0..g.oc {
            for c in 0..g.c {
                let src = w.add(((gr * g.oc + o) * g.c + c) * 9);
                let dst = &mut wt[((gr * g.c + c) * g.oc + o) * 9..][..9];
                for (i, d) in dst.iter_mut().enumerate() {
                    *d = *src.add(8 - i);
                }
            }
        }
    }
    conv_winograd::forward(&t, dy, wt.as_ptr(), core::ptr::null(), dx);
    true
}

/// Scatter-adds im2col columns back into the image (overwrites the image).
unsafe fn col2im<T: GemmFloat>(g: &Geom, col: *const T, x: *mut T) {
    let oplane = g.out_plane();
    // split across threads by input channel: each task owns whole image planes
    let split = crate::kernels::parallel::pool_threads() && g.c > 1 && g.c * g.kh * g.kw * oplane >= crate::kernels::parallel::MIN_PARALLEL_ELEMS;
    crate::kernels::parallel::parallel_for_if(split, g.c, |c| {
        let xp = x.add(c * g.in_plane());
        core::slice::from_raw_parts_mut(xp, g.in_plane()).fill(T::ZERO);
        for ky in 0..g.kh {
            for kx in 0..g.kw {
                let crow = col.add(((c * g.kh + ky) * g.kw + kx) * oplane);
                let offx = (kx * g.dw) as isize - g.pw as isize;
                let (lo, hi) = g.ox_range(offx);
                for oy in 0..g.oh {
                    let iy = (oy * g.sh + ky * g.dh) as isize - g.ph as isize;
                    if iy < 0 || iy >= g.h as isize {
                        continue;
                    }
                    let src = crow.add(oy * g.ow);
                    let base = iy * g.w as isize + offx;
                    for ox in lo..hi {
                        let p = xp.offset(base + (ox * g.sw) as isize);
                        *p = *p + *src.add(ox);
                    }
                }
            }
        }
    });
}

/// dw = the gradient of conv(x, w) with respect to w, given dy (overwrites dw).
///
/// # Safety
/// Pointers cover contiguous dy, x, dw of the geometry's shapes.
pub unsafe fn backward_weight<T: GemmFloat>(g: &Geom, dy: *const T, x: *const T, dw: *mut T) {
    if core::mem::size_of::<T>() == 4 && conv_winograd::applies(g) && winograd_weight_pays(g) {
        // T is f32 (the only 4-byte GemmFloat)
        return conv_winograd::backward_weight(g, dy as *const f32, x as *const f32, dw as *mut f32);
    }
    let (plane, oplane, ckk) = (g.in_plane(), g.out_plane(), g.ckk());
    if g.n == 0 {
        core::slice::from_raw_parts_mut(dw, g.groups * g.oc * ckk).fill(T::ZERO);
        return;
    }
    for gr in 0..g.groups {
        let dwg = dw.add(gr * g.oc * ckk);
        for n in 0..g.n {
            let dyg = dy.add((n * g.groups + gr) * g.oc * oplane);
            let xg = x.add((n * g.groups + gr) * g.c * plane);
            let beta = if n == 0 { T::ZERO } else { T::ONE };
            let a = Strided::new(dyg, oplane as isize, 1);
            if g.is_depthwise() {
                depthwise_backward_weight(g, dyg, xg, dwg, n > 0);
            } else if g.is_pointwise() {
                gemm(g.oc, g.c, oplane, T::ONE, &a, &Strided::new(xg, 1, plane as isize), beta, dwg, ckk as isize, 1);
            } else {
                gemm(g.oc, ckk, oplane, T::ONE, &a, &Im2colT { x: xg, g: *g }, beta, dwg, ckk as isize, 1);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Depthwise (one input channel per group): direct row kernels. For each output row
// and kernel tap the valid output columns form one range, so the inner loops are
// contiguous axpys (stride 1) the compiler vectorises.

/// Walks every (output channel o, output row, kernel tap) whose input row exists, with
/// the tap's weight, the output row's offset in o's plane, the input row's offset in
/// the image plane, the column shift and the valid output columns [lo, hi).
#[inline(always)]
unsafe fn depthwise_taps<T: GemmFloat>(g: &Geom, w: *const T, mut f: impl FnMut(usize, T, usize, isize, isize, usize, usize)) {
    for o in 0..g.oc {
        let wo = w.add(o * g.kh * g.kw);
        for oy in 0..g.oh {
            for ky in 0..g.kh {
                let iy = (oy * g.sh + ky * g.dh) as isize - g.ph as isize;
                if iy < 0 || iy >= g.h as isize {
                    continue;
                }
                for kx in 0..g.kw {
                    let off = (kx * g.dw) as isize - g.pw as isize;
                    let (lo, hi) = g.ox_range(off);
                    f(o, *wo.add(ky * g.kw + kx), oy * g.ow, iy * g.w as isize, off, lo, hi);
                }
            }
        }
    }
}

unsafe fn depthwise_forward<T: GemmFloat>(g: &Geom, x: *const T, w: *const T, y: *mut T, accumulate: bool) {
    let oplane = g.out_plane();
    if !accumulate {
        core::slice::from_raw_parts_mut(y, g.oc * oplane).fill(T::ZERO);
    }
    depthwise_taps(g, w, |o, wv, yoff, xoff, off, lo, hi| {
        let (yrow, xrow) = (y.add(o * oplane + yoff), x.offset(xoff));
        if g.sw == 1 {
            let out = core::slice::from_raw_parts_mut(yrow.add(lo), hi - lo);
            let inp = core::slice::from_raw_parts(xrow.offset(lo as isize + off), hi - lo);
            for (a, b) in out.iter_mut().zip(inp) {
                *a = *a + wv * *b;
            }
        } else {
            for ox in lo..hi {
                let p = yrow.add(ox);
                *p = *p + wv * *xrow.offset((ox * g.sw) as isize + off);
            }
        }
    });
}

unsafe fn depthwise_backward_data<T: GemmFloat>(g: &Geom, dy: *const T, w: *const T, dx: *mut T) {
    core::slice::from_raw_parts_mut(dx, g.in_plane()).fill(T::ZERO);
    let oplane = g.out_plane();
    depthwise_taps(g, w, |o, wv, yoff, xoff, off, lo, hi| {
        let (grow, xrow) = (dy.add(o * oplane + yoff), dx.offset(xoff));
        if g.sw == 1 {
            let out = core::slice::from_raw_parts_mut(xrow.offset(lo as isize + off), hi - lo);
            let inp = core::slice::from_raw_parts(grow.add(lo), hi - lo);
            for (a, b) in out.iter_mut().zip(inp) {
                *a = *a + wv * *b;
            }
        } else {
            for ox in lo..hi {
                let p = xrow.offset((ox * g.sw) as isize + off);
                *p = *p + wv * *grow.add(ox);
            }
        }
    });
}

unsafe fn depthwise_backward_weight<T: GemmFloat>(g: &Geom, dy: *const T, x: *const T, dw: *mut T, accumulate: bool) {
    let oplane = g.out_plane();
    let kk = g.kh * g.kw;
    for o in 0..g.oc {
        let dyp = dy.add(o * oplane);
        for ky in 0..g.kh {
            for kx in 0..g.kw {
                let off = (kx * g.dw) as isize - g.pw as isize;
                let (lo, hi) = g.ox_range(off);
                let mut s = [T::ZERO; 4];
                for oy in 0..g.oh {
                    let iy = (oy * g.sh + ky * g.dh) as isize - g.ph as isize;
                    if iy < 0 || iy >= g.h as isize {
                        continue;
                    }
                    let xrow = x.offset(iy * g.w as isize);
                    let grow = dyp.add(oy * g.ow);
                    if g.sw == 1 {
                        lane_dot(&mut s, grow, xrow.offset(off), lo, hi);
                    } else {
                        for ox in lo..hi {
                            s[ox & 3] = s[ox & 3] + *grow.add(ox) * *xrow.offset((ox * g.sw) as isize + off);
                        }
                    }
                }
                let p = dw.add(o * kk + ky * g.kw + kx);
                let total = (s[0] + s[1]) + (s[2] + s[3]);
                *p = if accumulate { *p + total } else { total };
            }
        }
    }
}

/// s[ox & 3] += a[ox] * b[ox] for ox in [lo, hi): the middle in blocks of four that
/// start at ox % 4 == 0, so the four sums stay in one vector (same sums, same order,
/// as the plain loop).
#[inline(always)]
unsafe fn lane_dot<T: GemmFloat>(s: &mut [T; 4], a: *const T, b: *const T, lo: usize, hi: usize) {
    let mut ox = lo;
    while ox < hi && ox & 3 != 0 {
        s[ox & 3] = s[ox & 3] + *a.add(ox) * *b.add(ox);
        ox += 1;
    }
    let mut acc = *s;
    while ox + 4 <= hi {
        for (j, v) in acc.iter_mut().enumerate() {
            *v = *v + *a.add(ox + j) * *b.add(ox + j);
        }
        ox += 4;
    }
    *s = acc;
    while ox < hi {
        s[ox & 3] = s[ox & 3] + *a.add(ox) * *b.add(ox);
        ox += 1;
    }
}
