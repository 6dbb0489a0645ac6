//! Normalisation over a contiguous [N, C, HW] layout, forward and backward.
//!
//! Statistics are either per sample and channel group (layer norm: C = normalised
//! size, HW = 1, one group; group norm; instance norm: one channel per group) or per
//! channel across the batch (batch norm). The affine weight and bias are per channel.
//! Sums accumulate in f64, as PyTorch's CPU kernels do for float32.

use crate::kernels::parallel;
use crate::num::Float;

#[derive(Clone, Copy, Debug)]
pub struct NormShape {
    pub n: usize,
    pub c: usize,
    pub hw: usize,
    /// channel groups (per_sample only)
    pub groups: usize,
    /// statistics per (sample, group); otherwise per channel over the batch
    pub per_sample: bool,
}

impl NormShape {
    pub fn num_stats(&self) -> usize {
        if self.per_sample {
            self.n * self.groups
        } else {
            self.c
        }
    }
    #[inline(always)]
    fn stat_of(&self, n: usize, c: usize) -> usize {
        if self.per_sample {
            n * self.groups + c / (self.c / self.groups)
        } else {
            c
        }
    }
    /// Elements behind each statistic.
    pub fn count(&self) -> usize {
        if self.per_sample {
            self.c / self.groups * self.hw
        } else {
            self.n * self.hw
        }
    }
    /// (stat, channel, offset) of contiguous HW chunk `nc` (sample nc / C, channel nc % C).
    #[inline(always)]
    fn chunk_at(&self, nc: usize) -> (usize, usize, usize) {
        let (n, c) = (nc / self.c, nc % self.c);
        (self.stat_of(n, c), c, nc * self.hw)
    }
    /// Calls f(stat, c, chunk offset) for every contiguous HW chunk, in order.
    #[inline(always)]
    fn for_each_chunk(&self, mut f: impl FnMut(usize, usize, usize)) {
        for nc in 0..self.n * self.c {
            let (st, c, off) = self.chunk_at(nc);
            f(st, c, off);
        }
    }
}

#[inline(always)]
unsafe fn chunk<'a, T>(p: *const T, off: usize, len: usize) -> &'a [T] {
    core::slice::from_raw_parts(p.add(off), len)
}

/// mean and rstd = 1/sqrt(var + eps) per statistic (biased variance, two passes);
/// `var` (nullable) receives the biased variance.
///
/// # Safety
/// x covers N*C*HW values; mean, rstd (and var) num_stats().
pub unsafe fn stats<T: Float>(s: &NormShape, x: *const T, eps: f64, mean: *mut T, rstd: *mut T, var: *mut T) {
    let k = s.num_stats();
    let mut sum = vec![0.0f64; k];
    s.for_each_chunk(|st, _, off| {
        sum[st] += chunk(x, off, s.hw).iter().fold(0.0, |a, v| a + v.d());
    });
    let m = s.count() as f64;
    let means: Vec<f64> = sum.iter().map(|v| v / m).collect();
    let mut sq = vec![0.0f64; k];
    s.for_each_chunk(|st, _, off| {
        let mu = means[st];
        sq[st] += chunk(x, off, s.hw).iter().fold(0.0, |a, v| {
            let d = v.d() - mu;
            a + d * d
        });
    });
    for st in 0..k {
        let v = sq[st] / m;
        *mean.add(st) = T::f(means[st]);
        *rstd.add(st) = T::f(1.0 / (v + eps).sqrt());
        if !var.is_null() {
            *var.add(st) = T::f(v);
        }
    }
}

/// y = (x - mean) * rstd * w + b with per-channel w, b (each nullable).
///
/// # Safety
/// x, y cover N*C*HW values; mean, rstd num_stats(); w, b C.
pub unsafe fn apply<T: Float>(s: &NormShape, x: *const T, mean: *const T, rstd: *const T, w: *const T, b: *const T, y: *mut T) {
    let wc = |c: usize| if w.is_null() { T::ONE } else { *w.add(c) };
    let bc = |c: usize| if b.is_null() { T::ZERO } else { *b.add(c) };
    // split across threads by (sample, channel) chunks when large
    parallel::for_rows(s.n * s.c, s.hw, |nc| {
        let (st, c, off) = s.chunk_at(nc);
        let scale = *rstd.add(st) * wc(c);
        let shift = bc(c) - *mean.add(st) * scale;
        let out = core::slice::from_raw_parts_mut(y.add(off), s.hw);
        for (o, v) in out.iter_mut().zip(chunk(x, off, s.hw)) {
            *o = *v * scale + shift;
        }
    });
}

/// Gradients of apply() given gy. With `stats_const` mean and rstd are constants
/// (batch norm in eval mode); otherwise they are the batch statistics of x.
/// gx, gw, gb are each nullable; gw and gb are overwritten.
///
/// # Safety
/// gy, x, gx cover N*C*HW values; mean, rstd num_stats(); w, gw, gb C.
#[allow(clippy::too_many_arguments)]
pub unsafe fn backward<T: Float>(
    s: &NormShape, gy: *const T, x: *const T, mean: *const T, rstd: *const T, w: *const T, stats_const: bool,
    gx: *mut T, gw: *mut T, gb: *mut T,
) {
    let wc = |c: usize| if w.is_null() { 1.0 } else { (*w.add(c)).d() };
    let k = s.num_stats();
    // per channel: sum(gy * xhat), sum(gy); per statistic: sum(gy * w), sum(gy * w * xhat)
    let mut cw = vec![0.0f64; s.c];
    let mut cb = vec![0.0f64; s.c];
    let mut s1 = vec![0.0f64; k];
    let mut s2 = vec![0.0f64; k];
    s.for_each_chunk(|st, c, off| {
        let (mu, r) = ((*mean.add(st)).d(), (*rstd.add(st)).d());
        let (mut a, mut bsum) = (0.0, 0.0);
        for (g, v) in chunk(gy, off, s.hw).iter().zip(chunk(x, off, s.hw)) {
            let g = g.d();
            a += g * (v.d() - mu) * r;
            bsum += g;
        }
        cw[c] += a;
        cb[c] += bsum;
        let wv = wc(c);
        s1[st] += bsum * wv;
        s2[st] += a * wv;
    });
    if !gw.is_null() {
        for c in 0..s.c {
            *gw.add(c) = T::f(cw[c]);
        }
    }
    if !gb.is_null() {
        for c in 0..s.c {
            *gb.add(c) = T::f(cb[c]);
        }
    }
    if gx.is_null() {
        return;
    }
    let m = s.count() as f64;
    s.for_each_chunk(|st, c, off| {
        let (mu, r) = ((*mean.add(st)).d(), (*rstd.add(st)).d());
        let wv = wc(c);
        let out = core::slice::from_raw_parts_mut(gx.add(off), s.hw);
        let pairs = chunk(gy, off, s.hw).iter().zip(chunk(x, off, s.hw));
        if stats_const {
            let f = r * wv;
            for (o, (g, _)) in out.iter_mut().zip(pairs) {
                *o = T::f(g.d() * f);
            }
        } else {
            let (m1, m2) = (s1[st] / m, s2[st] / m);
            for (o, (g, v)) in out.iter_mut().zip(pairs) {
                let xhat = (v.d() - mu) * r;
                *o = T::f(r * (g.d() * wv - m1 - xhat * m2));
            }
        }
    });
}

/// embedding_renorm_: every row listed in `idx` (once, however often it appears) whose
/// p-norm exceeds max_norm is scaled by max_norm / (norm + 1e-7). False (nothing
/// changed) when an index is out of range.
///
/// # Safety
/// w covers rows*dim values, idx n values.
pub unsafe fn renorm_rows<T: Float>(w: *mut T, rows: usize, dim: usize, idx: *const i64, n: usize, max_norm: f64, p: f64) -> bool {
    let list = core::slice::from_raw_parts(idx, n);
    if list.iter().any(|&i| i < 0 || i as usize >= rows) {
        return false;
    }
    let mut seen = vec![false; rows];
    for &i in list {
        let i = i as usize;
        if core::mem::replace(&mut seen[i], true) {
            continue;
        }
        let row = core::slice::from_raw_parts_mut(w.add(i * dim), dim);
        let norm = if p == f64::INFINITY {
            row.iter().fold(0.0f64, |a, v| a.max(v.d().abs()))
        } else if p == 1.0 {
            row.iter().map(|v| v.d().abs()).sum()
        } else if p == 2.0 {
            row.iter().map(|v| v.d() * v.d()).sum::<f64>().sqrt()
        } else {
            row.iter().map(|v| v.d().abs().powf(p)).sum::<f64>().powf(1.0 / p)
        };
        if norm > max_norm {
            let scale = T::f(max_norm / (norm + 1e-7));
            for v in row.iter_mut() {
                *v = *v * scale;
            }
        }
    }
    true
}
