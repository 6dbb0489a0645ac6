//! Separable resampling of the trailing 1-3 dims of contiguous [P, D0, D1, D2] planes:
//! interpolation (nearest, nearest-exact, linear, cubic) and index-mapping pads
//! (reflect, replicate, circular). Along each axis an output index reads a few input
//! indices with weights (its taps); the output is the tensor product of the axes'
//! taps. Backward scatters the gradient through the same taps.
//!
//! Coordinates follow PyTorch's CPU upsample kernels, including the precision they
//! compute in (the element type, float for nearest), so that the chosen indices match.

use crate::num::Float;

/// What an axis does, as ts/kernels/resample.ts encodes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    Nearest,
    NearestExact,
    Linear,
    Cubic,
    Reflect,
    Replicate,
    Circular,
}

impl Mode {
    pub fn from_code(c: u32) -> Option<Mode> {
        Some(match c {
            0 => Mode::Nearest,
            1 => Mode::NearestExact,
            2 => Mode::Linear,
            3 => Mode::Cubic,
            4 => Mode::Reflect,
            5 => Mode::Replicate,
            6 => Mode::Circular,
            _ => return None,
        })
    }
}

/// One axis: `len` inputs, `out` outputs. `param` is the scale factor the user gave
/// (0 when the output size was given) for interpolation, the leading pad for pads.
#[derive(Clone, Copy, Debug)]
pub struct Axis {
    pub mode: Mode,
    pub len: usize,
    pub out: usize,
    pub align_corners: bool,
    pub param: f64,
}

/// The taps of every output index: `idx[o * taps + t]` with weight `w[o * taps + t]`.
pub struct Taps<T> {
    pub taps: usize,
    pub idx: Vec<usize>,
    pub w: Vec<T>,
}

/// PyTorch's compute_scales_value: 1/scale_factor when given, else len/out.
fn scale_value<T: Float>(ax: &Axis) -> T {
    if ax.param > 0.0 {
        T::f(1.0 / ax.param)
    } else {
        T::f(ax.len as f64) / T::f(ax.out as f64)
    }
}

/// PyTorch's area_pixel_compute_scale.
fn area_scale<T: Float>(ax: &Axis) -> T {
    if ax.align_corners {
        if ax.out > 1 {
            T::f((ax.len - 1) as f64) / T::f((ax.out - 1) as f64)
        } else {
            T::ZERO
        }
    } else {
        scale_value(ax)
    }
}

/// PyTorch's area_pixel_compute_source_index (the half-pixel term is computed in double).
fn source_index<T: Float>(scale: T, o: usize, align_corners: bool, cubic: bool) -> T {
    if align_corners {
        scale * T::f(o as f64)
    } else {
        let s = T::f(scale.d() * (o as f64 + 0.5) - 0.5);
        if !cubic && s < T::ZERO {
            T::ZERO
        } else {
            s
        }
    }
}

fn cubic_weights<T: Float>(t: T) -> [T; 4] {
    let a = T::f(-0.75);
    let (one, two, three, four, five, eight) = (T::ONE, T::f(2.0), T::f(3.0), T::f(4.0), T::f(5.0), T::f(8.0));
    let conv1 = |x: T| ((a + two) * x - (a + three)) * x * x + one;
    let conv2 = |x: T| ((a * x - five * a) * x + eight * a) * x - four * a;
    let x2 = one - t;
    [conv2(t + one), conv1(t), conv1(x2), conv2(x2 + one)]
}

pub fn axis_taps<T: Float>(ax: &Axis) -> Taps<T> {
    let n = ax.len as isize;
    let clamp = |i: isize| i.clamp(0, n - 1) as usize;
    let taps = match ax.mode {
        Mode::Linear => 2,
        Mode::Cubic => 4,
        _ => 1,
    };
    let mut idx = Vec::with_capacity(ax.out * taps);
    let mut w = Vec::with_capacity(ax.out * taps);
    match ax.mode {
        Mode::Nearest | Mode::NearestExact => {
            // upsample_nearest computes its scale and source index in float
            let scale = scale_value::<f32>(ax);
            for o in 0..ax.out {
                let i = if ax.mode == Mode::Nearest {
                    if ax.out == ax.len {
                        o
                    } else if ax.out == 2 * ax.len {
                        o >> 1
                    } else {
                        ((o as f32) * scale).floor() as usize
                    }
                } else {
                    (((o as f64 + 0.5) * scale as f64) as f32).floor() as usize
                };
                idx.push(i.min(ax.len - 1));
                w.push(T::ONE);
            }
        }
        Mode::Linear => {
            let scale = area_scale::<T>(ax);
            for o in 0..ax.out {
                let src = source_index(scale, o, ax.align_corners, false);
                let i0 = src.floor().d() as usize;
                let i1 = if i0 < ax.len - 1 { i0 + 1 } else { i0 };
                let mut l1 = src - T::f(i0 as f64);
                if l1 < T::ZERO {
                    l1 = T::ZERO;
                }
                if l1 > T::ONE {
                    l1 = T::ONE;
                }
                idx.extend([i0.min(ax.len - 1), i1]);
                w.extend([T::ONE - l1, l1]);
            }
        }
        Mode::Cubic => {
            let scale = area_scale::<T>(ax);
            for o in 0..ax.out {
                let src = source_index(scale, o, ax.align_corners, true);
                let i = src.floor();
                let t = src - i;
                let i = i.d() as isize;
                for (k, wk) in cubic_weights(t).into_iter().enumerate() {
                    idx.push(clamp(i - 1 + k as isize));
                    w.push(wk);
                }
            }
        }
        Mode::Reflect | Mode::Replicate | Mode::Circular => {
            let before = ax.param as isize;
            for o in 0..ax.out {
                let i = o as isize - before;
                let j = match ax.mode {
                    Mode::Reflect => {
                        let r = if i < 0 { -i } else { i };
                        if r >= n {
                            2 * (n - 1) - r
                        } else {
                            r
                        }
                    }
                    Mode::Replicate => i.clamp(0, n - 1),
                    _ => i.rem_euclid(n),
                };
                idx.push(j as usize);
                w.push(T::ONE);
            }
        }
    }
    Taps { taps, idx, w }
}

/// The identity axis for the leading dims of a call with fewer than 3 axes.
fn unit<T: Float>() -> Taps<T> {
    Taps { taps: 1, idx: vec![0], w: vec![T::ONE] }
}

fn three_axes<T: Float>(axes: &[Axis]) -> ([Taps<T>; 3], [usize; 3], [usize; 3]) {
    let lead = 3 - axes.len();
    let mut taps = [unit::<T>(), unit::<T>(), unit::<T>()];
    let mut lens = [1; 3];
    let mut outs = [1; 3];
    for (i, ax) in axes.iter().enumerate() {
        taps[lead + i] = axis_taps(ax);
        lens[lead + i] = ax.len;
        outs[lead + i] = ax.out;
    }
    (taps, lens, outs)
}

/// y[p, o0, o1, o2] = sum of w0 w1 w2 x[p, i0, i1, i2] over the axes' taps.
///
/// # Safety
/// x covers planes * prod(len) values, y planes * prod(out); 1 <= axes.len() <= 3.
pub unsafe fn forward<T: Float>(planes: usize, axes: &[Axis], x: *const T, y: *mut T) {
    let (t, l, o) = three_axes::<T>(axes);
    let (inp, outp) = (l[0] * l[1] * l[2], o[0] * o[1] * o[2]);
    for p in 0..planes {
        let xp = x.add(p * inp);
        let mut yo = y.add(p * outp);
        for o0 in 0..o[0] {
            for o1 in 0..o[1] {
                for o2 in 0..o[2] {
                    let mut s0 = T::ZERO;
                    for a in 0..t[0].taps {
                        let (i0, w0) = (t[0].idx[o0 * t[0].taps + a], t[0].w[o0 * t[0].taps + a]);
                        let mut s1 = T::ZERO;
                        for b in 0..t[1].taps {
                            let (i1, w1) = (t[1].idx[o1 * t[1].taps + b], t[1].w[o1 * t[1].taps + b]);
                            let row = xp.add((i0 * l[1] + i1) * l[2]);
                            let mut s2 = T::ZERO;
                            for c in 0..t[2].taps {
                                let k = o2 * t[2].taps + c;
                                s2 = s2 + t[2].w[k] * *row.add(t[2].idx[k]);
                            }
                            s1 = s1 + w1 * s2;
                        }
                        s0 = s0 + w0 * s1;
                    }
                    *yo = s0;
                    yo = yo.add(1);
                }
            }
        }
    }
}

/// gx = 0, then each output's gradient is scattered through its taps.
///
/// # Safety
/// As forward, with gy shaped like y and gx like x.
pub unsafe fn backward<T: Float>(planes: usize, axes: &[Axis], gy: *const T, gx: *mut T) {
    let (t, l, o) = three_axes::<T>(axes);
    let (inp, outp) = (l[0] * l[1] * l[2], o[0] * o[1] * o[2]);
    core::slice::from_raw_parts_mut(gx, planes * inp).fill(T::ZERO);
    for p in 0..planes {
        let gp = gx.add(p * inp);
        let mut go = gy.add(p * outp);
        for o0 in 0..o[0] {
            for o1 in 0..o[1] {
                for o2 in 0..o[2] {
                    let g = *go;
                    go = go.add(1);
                    for a in 0..t[0].taps {
                        let (i0, w0) = (t[0].idx[o0 * t[0].taps + a], t[0].w[o0 * t[0].taps + a]);
                        for b in 0..t[1].taps {
                            let (i1, w1) = (t[1].idx[o1 * t[1].taps + b], t[1].w[o1 * t[1].taps + b]);
                            let row = gp.add((i0 * l[1] + i1) * l[2]);
                            let g01 = g * w0 * w1;
                            for c in 0..t[2].taps {
                                let k = o2 * t[2].taps + c;
                                let q = row.add(t[2].idx[k]);
                                *q = *q + g01 * t[2].w[k];
                            }
                        }
                    }
                }
            }
        }
    }
}
