//! 2-d pooling (1-d is h = 1) over contiguous planes [P, H, W] -> [P, OH, OW]:
//! max (with int64 indices into the plane, as PyTorch returns them), average
//! (count_include_pad, divisor_override, ceil_mode through the output size) and their
//! adaptive forms, forward and backward.
//!
//! Each output row/column has one input window per axis: the valid positions
//! start, start + step, ... (count of them). Regular and adaptive pooling differ only
//! in how those windows are laid out, so one set of loops serves both.

use crate::kernels::parallel;
use crate::num::Float;

/// The input positions one output index reads along an axis.
#[derive(Clone, Copy, Debug, Default)]
pub struct Window {
    /// First valid input index.
    pub start: usize,
    pub count: usize,
    pub step: usize,
    /// avg_pool's count_include_pad size: the window clipped to the padded input only.
    pub padded: usize,
}

/// Windows of a regular pooling axis (kernel k, stride s, padding p, dilation d).
pub fn regular_axis(len: usize, out: usize, k: usize, s: usize, p: usize, d: usize) -> Vec<Window> {
    (0..out)
        .map(|o| {
            let base = (o * s) as isize - p as isize;
            let d_ = d as isize;
            let lo = if base >= 0 { 0 } else { (-base + d_ - 1) / d_ };
            let last = len as isize - 1 - base;
            let hi = if last < 0 { 0 } else { (last / d_ + 1).min(k as isize) };
            let count = (hi - lo).max(0) as usize;
            let end_padded = (base + k as isize).min((len + p) as isize);
            Window { start: (base + lo * d_).max(0) as usize, count, step: d, padded: (end_padded - base).max(0) as usize }
        })
        .collect()
}

/// Windows of an adaptive axis: [floor(o*len/out), ceil((o+1)*len/out)).
pub fn adaptive_axis(len: usize, out: usize) -> Vec<Window> {
    (0..out)
        .map(|o| {
            let start = o * len / out;
            let end = ((o + 1) * len).div_ceil(out);
            Window { start, count: end - start, step: 1, padded: end - start }
        })
        .collect()
}

/// The per-axis windows and plane sizes of one pooling call.
pub struct Plan {
    pub planes: usize,
    pub h: usize,
    pub w: usize,
    pub ys: Vec<Window>,
    pub xs: Vec<Window>,
}

impl Plan {
    fn in_plane(&self) -> usize {
        self.h * self.w
    }
    fn out_plane(&self) -> usize {
        self.ys.len() * self.xs.len()
    }
}

/// Max over each window; `idx` gets the argmax's index in the plane (iy * W + ix).
/// NaN propagates, as in PyTorch.
///
/// # Safety
/// x covers P*H*W values, y and idx P*OH*OW.
pub unsafe fn max_forward<T: Float>(pl: &Plan, x: *const T, y: *mut T, idx: *mut i64) {
    let (ip, op) = (pl.in_plane(), pl.out_plane());
    let steps = column_steps::<T>(&pl.xs);
    parallel::for_rows(pl.planes, pl.in_plane(), |p| {
        let xp = x.add(p * ip);
        let mut o = p * op;
        for wy in &pl.ys {
            for &(ox, quad_step) in &steps {
                #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
                if quad_step != 0 {
                    simd::max_quad(xp as *const f32, pl.w, wy, &pl.xs[ox], quad_step, y.add(o) as *mut f32, idx.add(o));
                    o += 4;
                    continue;
                }
                let _ = quad_step; // (always 0 without SIMD128)
                let (v, at) = max_window(xp, pl.w, wy, &pl.xs[ox]);
                *y.add(o) = v;
                *idx.add(o) = at as i64;
                o += 1;
            }
        }
    });
}

/// The walk along an output row, the same for every plane and row: (ox, s) where s is
/// the start step (1 or 2) of four float32 outputs done at once, or 0 for one output.
fn column_steps<T>(xs: &[Window]) -> Vec<(usize, usize)> {
    let mut steps = Vec::with_capacity(xs.len());
    let mut ox = 0;
    while ox < xs.len() {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        if core::mem::size_of::<T>() == 4 {
            if let Some(s) = simd::regular_quad(xs, ox) {
                steps.push((ox, s));
                ox += 4;
                continue;
            }
        }
        steps.push((ox, 0));
        ox += 1;
    }
    steps
}

/// The max of one window and its index in the plane, scanning rows then columns.
#[inline(always)]
unsafe fn max_window<T: Float>(xp: *const T, w: usize, wy: &Window, wx: &Window) -> (T, usize) {
    // PyTorch's rule: strictly greater, or NaN (so the last NaN wins). The update is
    // written as selects: a branch on random data mispredicts.
    let mut best = -T::INF;
    let mut at = wy.start * w + wx.start;
    for a in 0..wy.count {
        let row = (wy.start + a * wy.step) * w + wx.start;
        let rp = xp.add(row);
        for b in 0..wx.count {
            let off = b * wx.step;
            let v = *rp.add(off);
            #[allow(clippy::eq_op)]
            let take = (v > best) | (v != v);
            best = if take { v } else { best };
            at = if take { row + off } else { at };
        }
    }
    (best, at)
}

/// Four adjacent float32 outputs at once, for windows of one shape whose starts step
/// by 1 or 2 (the interior of a regular pooling row): the same scan, lane by lane.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::Window;
    use core::arch::wasm32::*;

    /// The start step when xs[ox..ox + 4] have one count and step and starts 1 or 2 apart.
    #[inline(always)]
    pub fn regular_quad(xs: &[Window], ox: usize) -> Option<usize> {
        if ox + 4 > xs.len() {
            return None;
        }
        let w0 = &xs[ox];
        let s = xs[ox + 1].start.wrapping_sub(w0.start);
        if !(s == 1 || s == 2) || w0.count == 0 {
            return None;
        }
        (1..4).all(|j| { let wj = &xs[ox + j]; wj.count == w0.count && wj.step == w0.step && wj.start == w0.start + j * s }).then_some(s)
    }

    /// Four values starting at p, `s` apart (s = 1 or 2), reading no further than the last.
    #[inline(always)]
    unsafe fn load4(p: *const f32, s: usize) -> v128 {
        if s == 1 {
            v128_load(p as *const v128)
        } else {
            // p0..p3 and p3..p6: lanes 0, 2 of the first and 1, 3 of the second
            let (lo, hi) = (v128_load(p as *const v128), v128_load(p.add(3) as *const v128));
            i32x4_shuffle::<0, 2, 5, 7>(lo, hi)
        }
    }

    /// y[0..4] and idx[0..4] for the windows (wy, wx0 + j * s).
    pub unsafe fn max_quad(xp: *const f32, w: usize, wy: &Window, wx0: &Window, s: usize, y: *mut f32, idx: *mut i64) {
        let first = (wy.start * w + wx0.start) as i32;
        let lane_off = i32x4(0, s as i32, 2 * s as i32, 3 * s as i32);
        let mut best = f32x4_splat(f32::NEG_INFINITY);
        let mut at = i32x4_add(i32x4_splat(first), lane_off);
        for a in 0..wy.count {
            let row = (wy.start + a * wy.step) * w + wx0.start;
            for b in 0..wx0.count {
                let off = row + b * wx0.step;
                let v = load4(xp.add(off), s);
                let take = v128_or(f32x4_gt(v, best), f32x4_ne(v, v));
                best = v128_bitselect(v, best, take);
                at = v128_bitselect(i32x4_add(i32x4_splat(off as i32), lane_off), at, take);
            }
        }
        v128_store(y as *mut v128, best);
        v128_store(idx as *mut v128, i64x2_extend_low_i32x4(at));
        v128_store(idx.add(2) as *mut v128, i64x2_extend_high_i32x4(at));
    }
}

/// gx = 0, then gx[plane, idx] += gy for every output (max pooling's backward).
/// False (gx untouched) when an index lies outside the plane.
///
/// # Safety
/// gy and idx cover planes*out_plane values, gx planes*in_plane.
pub unsafe fn max_backward<T: Float>(planes: usize, in_plane: usize, out_plane: usize, gy: *const T, idx: *const i64, gx: *mut T) -> bool {
    let all = core::slice::from_raw_parts(idx, planes * out_plane);
    if all.iter().any(|&i| i < 0 || i as usize >= in_plane) {
        return false;
    }
    core::slice::from_raw_parts_mut(gx, planes * in_plane).fill(T::ZERO);
    for p in 0..planes {
        let g = gx.add(p * in_plane);
        for o in p * out_plane..(p + 1) * out_plane {
            let q = g.add(all[o] as usize);
            *q = *q + *gy.add(o);
        }
    }
    true
}

/// How avg pooling divides a window's sum.
#[derive(Clone, Copy)]
pub enum Divisor {
    /// the valid elements only
    Valid,
    /// the window clipped to the padded input (count_include_pad)
    Padded,
    Fixed(f64),
}

fn divisor(d: Divisor, wy: &Window, wx: &Window) -> f64 {
    match d {
        Divisor::Valid => (wy.count * wx.count) as f64,
        Divisor::Padded => (wy.padded * wx.padded) as f64,
        Divisor::Fixed(v) => v,
    }
}

/// Mean (sum / divisor) over each window.
///
/// # Safety
/// x covers P*H*W values, y P*OH*OW.
pub unsafe fn avg_forward<T: Float>(pl: &Plan, div: Divisor, x: *const T, y: *mut T) {
    let (ip, op) = (pl.in_plane(), pl.out_plane());
    parallel::for_rows(pl.planes, pl.in_plane(), |p| {
        let xp = x.add(p * ip);
        let mut o = p * op;
        for wy in &pl.ys {
            for wx in &pl.xs {
                let mut s = T::ZERO;
                for a in 0..wy.count {
                    let row = xp.add((wy.start + a * wy.step) * pl.w + wx.start);
                    for b in 0..wx.count {
                        s = s + *row.add(b * wx.step);
                    }
                }
                *y.add(o) = s / T::f(divisor(div, wy, wx));
                o += 1;
            }
        }
    });
}

/// gx = 0, then every window gets its output's gradient / divisor.
///
/// # Safety
/// gy covers P*OH*OW values, gx P*H*W.
pub unsafe fn avg_backward<T: Float>(pl: &Plan, div: Divisor, gy: *const T, gx: *mut T) {
    let (ip, op) = (pl.in_plane(), pl.out_plane());
    core::slice::from_raw_parts_mut(gx, pl.planes * ip).fill(T::ZERO);
    for p in 0..pl.planes {
        let gp = gx.add(p * ip);
        let mut o = p * op;
        for wy in &pl.ys {
            for wx in &pl.xs {
                let v = *gy.add(o) / T::f(divisor(div, wy, wx));
                for a in 0..wy.count {
                    let row = gp.add((wy.start + a * wy.step) * pl.w + wx.start);
                    for b in 0..wx.count {
                        let q = row.add(b * wx.step);
                        *q = *q + v;
                    }
                }
                o += 1;
            }
        }
    }
}
