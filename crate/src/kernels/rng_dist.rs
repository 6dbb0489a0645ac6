//! Distribution kernels: fill a strided view from a Generator, one element at a time
//! in the view's row-major order (ts/ passes the view permuted into the order
//! PyTorch's TensorIterator visits memory). Each transform is ATen's, with its
//! element-type rules (which draw, which mask, where values are rounded).

use crate::dtype::{BF16Bits, Elem, F16Bits, BF16, BOOL, F16, F32, F64, I16, I32, I64, I8, U8};
use crate::kernels::crmath;
use crate::kernels::rng::Generator;
use crate::kernels::rng_mathfun::{fma as fma32, log_ps, sincos_ps};
use crate::status::{ERR_BAD_OP, ERR_PROB_OUT_OF_RANGE, OK};
use crate::strided::Desc;
use core::f64::consts::PI;

/// Writes `f()` into every element of operand 0 of `d`, in row-major order.
///
/// # Safety
/// `p` covers every offset of `d`.
#[inline(always)]
unsafe fn each<T: Elem>(d: &Desc<1>, p: *mut T, mut f: impl FnMut() -> T) {
    d.for_each_row(|off, n, st| {
        let po = p.offset(off[0]);
        for j in 0..n as isize {
            *po.offset(j * st[0]) = f();
        }
    });
}

fn round_f16(x: f32) -> f32 {
    F16Bits::from_f32(x).to_f32()
}
fn round_bf16(x: f32) -> f32 {
    BF16Bits::from_f32(x).to_f32()
}

/// uniform_(from, to). The bounds are first cast to the element type; the value is
/// `x * (to - from) + from` in the type's accumulation type, with one rounding (FMA).
///
/// # Safety
/// As `each`.
pub unsafe fn uniform<T: Elem>(g: &mut Generator, d: &Desc<1>, p: *mut T, from: f64, to: f64) -> i32 {
    match T::DT {
        F64 => each(d, p, || {
            let x = g.uniform_f64();
            T::from_f64(x.mul_add(to - from, from))
        }),
        F32 => {
            let (f, t) = (from as f32, to as f32);
            each(d, p, || T::from_f64(fma32(g.uniform_f32(), t - f, f) as f64))
        }
        F16 | BF16 => {
            // Half/BFloat16 bounds, their difference rounded back to the type, float math
            let (bits, round): (u32, fn(f32) -> f32) = if T::DT == F16 { (11, round_f16) } else { (8, round_bf16) };
            let (f, t) = (round(from as f32), round(to as f32));
            let range = round(t - f);
            let scale = 1.0 / (1u32 << bits) as f32;
            let mask = (1u32 << bits) - 1;
            each(d, p, || {
                let x = (g.random() & mask) as f32 * scale;
                T::from_f64(fma32(x, range, f) as f64)
            })
        }
        _ => return ERR_BAD_OP,
    }
    OK
}

/// normal_(mean, std), element by element (numel < 16 or non-contiguous): the double
/// Box-Muller with its cached sample, cast to the element type.
///
/// # Safety
/// As `each`.
pub unsafe fn normal_strided<T: Elem>(g: &mut Generator, d: &Desc<1>, p: *mut T, mean: f64, std: f64) -> i32 {
    if !T::FLOAT {
        return ERR_BAD_OP;
    }
    each(d, p, || T::from_f64(g.normal_f64(mean, std)));
    OK
}

/// normal_(mean, std) on a contiguous buffer of n >= 16 elements: fill with uniforms,
/// transform blocks of 16 (8 Box-Muller pairs, j with j + 8), and when n is not a
/// multiple of 16 redraw the last 16 slots and transform them again.
///
/// # Safety
/// `p` covers `n` elements; n >= 16.
pub unsafe fn normal_block<T: Elem>(g: &mut Generator, p: *mut T, n: usize, mean: f64, std: f64) -> i32 {
    match T::DT {
        F32 => {
            let data = core::slice::from_raw_parts_mut(p as *mut f32, n);
            normal_blocks(data, || g.uniform_f32(), |blk| normal16_avx2(blk, mean as f32, std as f32));
        }
        F64 => {
            let data = core::slice::from_raw_parts_mut(p as *mut f64, n);
            normal_blocks(data, || g.uniform_f64(), |blk| normal16_f64(blk, mean, std));
        }
        F16 | BF16 => {
            let (bits, round): (u32, fn(f32) -> f32) = if T::DT == F16 { (11, round_f16) } else { (8, round_bf16) };
            let mask = (1u32 << bits) - 1;
            let scale = 1.0 / (1u32 << bits) as f32;
            let (m, s) = (round(mean as f32), round(std as f32));
            // the values stay representable in the element type, so f32 holds them exactly
            let mut work = vec![0f32; n];
            normal_blocks(&mut work, || (g.random() & mask) as f32 * scale, |blk| normal16_reduced(blk, m, s, round));
            for (i, &v) in work.iter().enumerate() {
                *p.add(i) = T::from_f64(v as f64);
            }
        }
        _ => return ERR_BAD_OP,
    }
    OK
}

fn normal_blocks<V: Copy>(data: &mut [V], mut draw: impl FnMut() -> V, mut block: impl FnMut(&mut [V])) {
    let n = data.len();
    for v in data.iter_mut() {
        *v = draw();
    }
    for start in (0..n - 15).step_by(16) {
        block(&mut data[start..start + 16]);
    }
    if !n.is_multiple_of(16) {
        let tail = &mut data[n - 16..];
        for v in tail.iter_mut() {
            *v = draw();
        }
        block(tail);
    }
}

/// normal_fill_16_AVX2: float32 with the avx_mathfun log/sincos and a fused mean/std.
fn normal16_avx2(d: &mut [f32], mean: f32, std: f32) {
    let two_pi = (2.0 * PI) as f32;
    for j in 0..8 {
        let u1 = 1.0 - d[j];
        let u2 = d[j + 8];
        let radius = (-2.0 * log_ps(u1)).sqrt();
        let (s, c) = sincos_ps(two_pi * u2);
        d[j] = fma32(radius * c, std, mean);
        d[j + 8] = fma32(radius * s, std, mean);
    }
}

/// normal_fill_16<double>.
fn normal16_f64(d: &mut [f64], mean: f64, std: f64) {
    for j in 0..8 {
        let u1 = 1.0 - d[j];
        let u2 = d[j + 8];
        let radius = (-2.0 * crmath::log(u1)).sqrt();
        let theta = 2.0 * PI * u2;
        let (sin, cos) = crmath::sincos(theta);
        d[j] = (radius * cos).mul_add(std, mean);
        d[j + 8] = (radius * sin).mul_add(std, mean);
    }
}

/// normal_fill_16<Half/BFloat16>: float math with the intermediate variables rounded
/// to the element type, theta computed in double.
fn normal16_reduced(d: &mut [f32], mean: f32, std: f32, round: fn(f32) -> f32) {
    for j in 0..8 {
        let u1 = round(1.0 - d[j]);
        let u2 = d[j + 8];
        let radius = round((-2.0 * u1.ln()).sqrt());
        let theta = round((2.0 * PI * u2 as f64) as f32);
        d[j] = round(fma32(radius * theta.cos(), std, mean));
        d[j + 8] = round(fma32(radius * theta.sin(), std, mean));
    }
}

/// random_(from, to): (draw % range) + from, with a 64-bit draw only for the types
/// PyTorch allows it (int64, double, float, bfloat16) and only when range >= 2^32.
///
/// # Safety
/// As `each`.
pub unsafe fn random_from_to<T: Elem>(g: &mut Generator, d: &Desc<1>, p: *mut T, range: u64, base: i64) -> i32 {
    if range == 0 {
        return ERR_BAD_OP;
    }
    let wide = matches!(T::DT, I64 | F64 | F32 | BF16) && range >= 1u64 << 32;
    each(d, p, || {
        let v = if wide { g.random64() } else { g.random() as u64 };
        T::from_i64((v % range).wrapping_add(base as u64) as i64)
    });
    OK
}

/// random_(from=int64 min, to=None): the whole 64-bit draw as int64.
///
/// # Safety
/// As `each`.
pub unsafe fn random_full_range<T: Elem>(g: &mut Generator, d: &Desc<1>, p: *mut T) -> i32 {
    if !matches!(T::DT, I64 | F64 | F32 | BF16) {
        return ERR_BAD_OP;
    }
    each(d, p, || T::from_i64(g.random64() as i64));
    OK
}

/// random_() without bounds: [0, 2^mantissa] for floating types, [0, max] for integers.
///
/// # Safety
/// As `each`.
pub unsafe fn random_bits<T: Elem>(g: &mut Generator, d: &Desc<1>, p: *mut T) -> i32 {
    let (wide, modulus): (bool, u64) = match T::DT {
        BOOL => (false, 2),
        I64 => (true, 1u64 << 63),
        F64 => (true, (1u64 << 53) + 1),
        F32 => (false, (1u64 << 24) + 1),
        F16 => (false, (1u64 << 11) + 1),
        BF16 => (false, (1u64 << 8) + 1),
        I32 => (false, 1u64 << 31),
        I16 => (false, 1u64 << 15),
        I8 => (false, 1u64 << 7),
        U8 => (false, 1u64 << 8),
        _ => return ERR_BAD_OP,
    };
    each(d, p, || {
        let v = if wide { g.random64() } else { g.random() as u64 };
        T::from_i64((v % modulus) as i64)
    });
    OK
}

/// exponential_(lambda): -1/lambda * log(1 - u), u a double uniform.
///
/// # Safety
/// As `each`.
pub unsafe fn exponential<T: Elem>(g: &mut Generator, d: &Desc<1>, p: *mut T, lambda: f64) -> i32 {
    if !T::FLOAT {
        return ERR_BAD_OP;
    }
    each(d, p, || T::from_f64(-1.0 / lambda * crmath::log(1.0 - g.uniform_f64())));
    OK
}

/// cauchy_(median, sigma): median + sigma * tan(pi * (u - 0.5)).
///
/// # Safety
/// As `each`.
pub unsafe fn cauchy<T: Elem>(g: &mut Generator, d: &Desc<1>, p: *mut T, median: f64, sigma: f64) -> i32 {
    if !T::FLOAT {
        return ERR_BAD_OP;
    }
    each(d, p, || T::from_f64(sigma.mul_add(crmath::tan(PI * (g.uniform_f64() - 0.5)), median)));
    OK
}

/// log_normal_(mean, std): exp of the scalar double normal (sharing its cache).
///
/// # Safety
/// As `each`.
pub unsafe fn log_normal<T: Elem>(g: &mut Generator, d: &Desc<1>, p: *mut T, mean: f64, std: f64) -> i32 {
    if !T::FLOAT {
        return ERR_BAD_OP;
    }
    each(d, p, || T::from_f64(crmath::exp(g.normal_f64(mean, std))));
    OK
}

/// geometric_(p): ceil(log(u) / log(1 - p)).
///
/// # Safety
/// As `each`.
pub unsafe fn geometric<T: Elem>(g: &mut Generator, d: &Desc<1>, out: *mut T, prob: f64) -> i32 {
    if T::DT == BOOL {
        return ERR_BAD_OP;
    }
    let denom = crmath::log(1.0 - prob);
    each(d, out, || T::from_f64((crmath::log(g.uniform_f64()) / denom).ceil()));
    OK
}

/// bernoulli_(p) with a scalar p: a double uniform below p.
///
/// # Safety
/// As `each`.
pub unsafe fn bernoulli_scalar<T: Elem>(g: &mut Generator, d: &Desc<1>, out: *mut T, prob: f64) -> i32 {
    each(d, out, || T::from_bool(g.uniform_f64() < prob));
    OK
}

/// bernoulli_(p) with a tensor p (operand 1, broadcast by strides): a float uniform
/// against float p, a double uniform against double p. Checks every p before drawing.
///
/// # Safety
/// `out` and `prob` cover the offsets of operands 0 and 1 of `d`.
pub unsafe fn bernoulli_tensor<T: Elem, P: Elem>(g: &mut Generator, d: &Desc<2>, out: *mut T, prob: *const P) -> i32 {
    if !matches!(P::DT, F32 | F64) {
        return ERR_BAD_OP;
    }
    let mut ok = true;
    d.for_each_row(|off, n, st| {
        let pp = prob.offset(off[1]);
        for j in 0..n as isize {
            let v = (*pp.offset(j * st[1])).to_f64();
            ok &= (0.0..=1.0).contains(&v);
        }
    });
    if !ok {
        return ERR_PROB_OUT_OF_RANGE;
    }
    let double = P::DT == F64;
    d.for_each_row(|off, n, st| {
        let po = out.offset(off[0]);
        let pp = prob.offset(off[1]);
        for j in 0..n as isize {
            let v = *pp.offset(j * st[1]);
            let hit = if double { g.uniform_f64() < v.to_f64() } else { g.uniform_f32() < v.to_f64() as f32 };
            *po.offset(j * st[0]) = T::from_bool(hit);
        }
    });
    OK
}
