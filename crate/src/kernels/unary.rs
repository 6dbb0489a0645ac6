//! Elementwise unary ops: out = f(x; p1, p2, p3). Operands of `Desc<2>`: 0 = out, 1 = x.
//! `out` has x's dtype, except the predicates (bool out).

use super::special;
use crate::dtype::Elem;
use crate::num::{Float, Int};
use crate::status::{ERR_BAD_OP, OK};
use crate::strided::Desc;

pub const NEG: u32 = 0;
pub const ABS: u32 = 1;
pub const EXP: u32 = 2;
pub const EXP2: u32 = 3;
pub const EXPM1: u32 = 4;
pub const LOG: u32 = 5;
pub const LOG2: u32 = 6;
pub const LOG10: u32 = 7;
pub const LOG1P: u32 = 8;
pub const SQRT: u32 = 9;
pub const RSQRT: u32 = 10;
pub const SQUARE: u32 = 11;
pub const SIN: u32 = 12;
pub const COS: u32 = 13;
pub const TAN: u32 = 14;
pub const ASIN: u32 = 15;
pub const ACOS: u32 = 16;
pub const ATAN: u32 = 17;
pub const SINH: u32 = 18;
pub const COSH: u32 = 19;
pub const TANH: u32 = 20;
pub const ASINH: u32 = 21;
pub const ACOSH: u32 = 22;
pub const ATANH: u32 = 23;
pub const SIGMOID: u32 = 24;
/// log(x / (1 - x)) with x clamped to [p1, 1 - p1] when p1 >= 0.
pub const LOGIT: u32 = 25;
pub const RELU: u32 = 26;
/// p1 = 0: exact (erf) GELU, p1 = 1: tanh approximation.
pub const GELU: u32 = 27;
pub const SILU: u32 = 28;
pub const MISH: u32 = 29;
/// p1 = beta, p2 = threshold.
pub const SOFTPLUS: u32 = 30;
/// x > 0 ? scale * x : scale * alpha * (exp(x * input_scale) - 1); p1 = alpha, p2 = scale, p3 = input_scale.
pub const ELU: u32 = 31;
/// p1 = negative slope.
pub const LEAKY_RELU: u32 = 32;
/// clamp to [p1, p2] (NaN passes through).
pub const HARDTANH: u32 = 33;
pub const HARDSIGMOID: u32 = 34;
pub const HARDSWISH: u32 = 35;
pub const SOFTSIGN: u32 = 36;
pub const FLOOR: u32 = 37;
pub const CEIL: u32 = 38;
/// Round half to even; with p1 decimals when p1 != 0.
pub const ROUND: u32 = 39;
pub const TRUNC: u32 = 40;
pub const FRAC: u32 = 41;
pub const SIGN: u32 = 42;
pub const RECIPROCAL: u32 = 43;
pub const ERF: u32 = 44;
pub const ERFC: u32 = 45;
pub const ERFINV: u32 = 46;
/// clamp(x, p1, p2); a NaN bound means none. min wins over max as in PyTorch.
pub const CLAMP: u32 = 47;
/// p1 = nan replacement, p2 = +inf replacement, p3 = -inf replacement.
pub const NAN_TO_NUM: u32 = 48;
pub const BITWISE_NOT: u32 = 49;
pub const LGAMMA: u32 = 50;
pub const DIGAMMA: u32 = 51;
/// x <= p1 ? p2 : x
pub const THRESHOLD: u32 = 52;
pub const LOGSIGMOID: u32 = 53;
/// x * p1 + p2
pub const AFFINE: u32 = 54;
/// x ^ p1 (scalar exponent), with PyTorch's shortcuts for 0.5, 2, 3, -0.5, -1, -2
pub const POW_SCALAR: u32 = 55;
/// p1 ^ x (scalar base)
pub const RPOW_SCALAR: u32 = 56;
pub const HARDSHRINK: u32 = 57;
pub const SOFTSHRINK: u32 = 58;
pub const SGN: u32 = 59;
/// polygamma(p1, x) for integer p1 >= 0.
pub const POLYGAMMA: u32 = 60;
/// sin(pi x) / (pi x), 1 at 0.
pub const SINC: u32 = 61;

pub const ISNAN: u32 = 0;
pub const ISINF: u32 = 1;
pub const ISFINITE: u32 = 2;
pub const LOGICAL_NOT: u32 = 3;
pub const SIGNBIT: u32 = 4;
pub const ISPOSINF: u32 = 5;
pub const ISNEGINF: u32 = 6;
pub const NONZERO: u32 = 7;


#[inline(always)]
pub unsafe fn map1<A: Copy, O: Copy>(d: &Desc<2>, o: *mut O, a: *const A, f: impl Fn(A) -> O) {
    d.for_each_row(|off, n, st| {
        let po = o.offset(off[0]);
        let pa = a.offset(off[1]);
        if st[0] == 1 && st[1] == 1 {
            for i in 0..n {
                *po.add(i) = f(*pa.add(i));
            }
        } else {
            for i in 0..n as isize {
                *po.offset(i * st[0]) = f(*pa.offset(i * st[1]));
            }
        }
    });
}

crate::size_optimized! {
    /// `map1` for the ops off the hot path (libm calls, rarely used activations):
    /// size-optimised even inside float32's fast kernel.
    #[inline(never)]
    pub unsafe fn map1_small<A: Copy, O: Copy>(d: &Desc<2>, o: *mut O, a: *const A, f: impl Fn(A) -> O) {
        map1(d, o, a, f)
    }
}

#[inline(always)]
fn sigmoid<T: Float>(x: T) -> T {
    T::ONE / (T::ONE + (-x).exp())
}

#[inline(always)]
fn softplus<T: Float>(x: T, beta: T, threshold: T) -> T {
    if x * beta > threshold {
        x
    } else {
        (x * beta).exp().ln_1p() / beta
    }
}

fn round_decimals<T: Float>(x: T, decimals: f64) -> T {
    // PyTorch: neg_flag handling; scale by 10^d, round half even, scale back
    let ten_pow = T::f(10f64.powi(decimals.abs() as i32));
    if decimals > 0.0 {
        (x * ten_pow).round_even() / ten_pow
    } else {
        (x / ten_pow).round_even() * ten_pow
    }
}

#[inline(always)]
fn clamp_f<T: Float>(x: T, lo: T, hi: T, has_lo: bool, has_hi: bool) -> T {
    if x.is_nan() {
        return x;
    }
    let mut y = x;
    if has_lo && y < lo {
        y = lo;
    }
    if has_hi && y > hi {
        y = hi;
    }
    if has_lo && has_hi && lo > hi {
        y = hi;
    }
    y
}

/// # Safety
/// Pointers cover every offset of `d`.
#[inline(always)]
pub unsafe fn unary_float<T: Float>(op: u32, d: &Desc<2>, o: *mut T, a: *const T, p1: f64, p2: f64, p3: f64) -> i32 {
    let (q1, q2, q3) = (T::f(p1), T::f(p2), T::f(p3));
    let s = |v: f64| T::f(v);
    match op {
        NEG => map1(d, o, a, |x: T| -x),
        ABS => map1(d, o, a, |x: T| x.abs()),
        // float32: the polynomial exp, SIMD on contiguous rows (libm's expf is scalar)
        EXP if core::mem::size_of::<T>() == 4 => super::fastmath::map_exp(d, o as *mut f32, a as *const f32),
        EXP => map1(d, o, a, |x: T| x.exp()),
        EXP2 => map1_small(d, o, a, |x: T| x.exp2()),
        EXPM1 => map1_small(d, o, a, |x: T| x.exp_m1()),
        // float32: fastmath polynomials, SIMD on contiguous rows, bit-identical in every layout
        LOG if core::mem::size_of::<T>() == 4 => super::fastmath::map_log(d, o as *mut f32, a as *const f32),
        LOG => map1(d, o, a, |x: T| x.ln()),
        LOG2 => map1_small(d, o, a, |x: T| x.log2()),
        LOG10 => map1_small(d, o, a, |x: T| x.log10()),
        LOG1P => map1_small(d, o, a, |x: T| x.ln_1p()),
        SQRT if core::mem::size_of::<T>() == 4 => super::fastmath::map_sqrt(d, o as *mut f32, a as *const f32),
        SQRT => map1(d, o, a, |x: T| x.sqrt()),
        RSQRT if core::mem::size_of::<T>() == 4 => super::fastmath::map_rsqrt(d, o as *mut f32, a as *const f32),
        RSQRT => map1(d, o, a, |x: T| T::ONE / x.sqrt()),
        SQUARE => map1(d, o, a, |x: T| x * x),
        SIN => map1_small(d, o, a, |x: T| x.sin()),
        COS => map1_small(d, o, a, |x: T| x.cos()),
        TAN => map1_small(d, o, a, |x: T| x.tan()),
        ASIN => map1_small(d, o, a, |x: T| x.asin()),
        ACOS => map1_small(d, o, a, |x: T| x.acos()),
        ATAN => map1_small(d, o, a, |x: T| x.atan()),
        SINH => map1_small(d, o, a, |x: T| x.sinh()),
        COSH => map1_small(d, o, a, |x: T| x.cosh()),
        TANH if core::mem::size_of::<T>() == 4 => super::fastmath::map_tanh(d, o as *mut f32, a as *const f32),
        TANH => map1(d, o, a, |x: T| x.tanh()),
        ASINH => map1_small(d, o, a, |x: T| x.asinh()),
        ACOSH => map1_small(d, o, a, |x: T| x.acosh()),
        ATANH => map1_small(d, o, a, |x: T| x.atanh()),
        SIGMOID if core::mem::size_of::<T>() == 4 => super::fastmath::map_sigmoid(d, o as *mut f32, a as *const f32),
        SIGMOID => map1(d, o, a, sigmoid),
        LOGIT => map1_small(d, o, a, |x: T| {
            let z = if p1 >= 0.0 { clamp_f(x, q1, T::ONE - q1, true, true) } else { x };
            (z / (T::ONE - z)).ln()
        }),
        RELU => map1(d, o, a, |x: T| if x > T::ZERO || x.is_nan() { x } else { T::ZERO }),
        GELU if core::mem::size_of::<T>() == 4 => {
            if p1 == 0.0 {
                super::fastmath::map_gelu(d, o as *mut f32, a as *const f32)
            } else {
                super::fastmath::map_gelu_tanh(d, o as *mut f32, a as *const f32)
            }
        }
        GELU => {
            if p1 == 0.0 {
                map1(d, o, a, |x: T| T::f(0.5 * x.d() * (1.0 + special::erf(x.d() * core::f64::consts::FRAC_1_SQRT_2))))
            } else {
                map1(d, o, a, |x: T| {
                    let k = s(0.797_884_560_802_865_4); // sqrt(2/pi)
                    let inner = k * (x + s(0.044715) * x * x * x);
                    s(0.5) * x * (T::ONE + inner.tanh())
                })
            }
        }
        SILU if core::mem::size_of::<T>() == 4 => super::fastmath::map_silu(d, o as *mut f32, a as *const f32),
        SILU => map1(d, o, a, |x: T| x / (T::ONE + (-x).exp())),
        MISH => map1_small(d, o, a, |x: T| x * x.exp().ln_1p().tanh()),
        SOFTPLUS => map1(d, o, a, |x: T| softplus(x, q1, q2)),
        ELU => map1(d, o, a, |x: T| if x > T::ZERO { q2 * x } else { q2 * q1 * (x * q3).exp_m1() }),
        LEAKY_RELU => map1(d, o, a, |x: T| if x > T::ZERO { x } else { x * q1 }),
        HARDTANH => map1(d, o, a, |x: T| if x < q1 { q1 } else if x > q2 { q2 } else { x }),
        HARDSIGMOID => map1_small(d, o, a, |x: T| clamp_f(x + s(3.0), T::ZERO, s(6.0), true, true) / s(6.0)),
        HARDSWISH => map1_small(d, o, a, |x: T| x * clamp_f(x + s(3.0), T::ZERO, s(6.0), true, true) / s(6.0)),
        SOFTSIGN => map1_small(d, o, a, |x: T| x / (T::ONE + x.abs())),
        FLOOR => map1_small(d, o, a, |x: T| x.floor()),
        CEIL => map1_small(d, o, a, |x: T| x.ceil()),
        ROUND => {
            if p1 == 0.0 {
                map1_small(d, o, a, |x: T| x.round_even())
            } else {
                map1_small(d, o, a, |x: T| round_decimals(x, p1))
            }
        }
        TRUNC => map1_small(d, o, a, |x: T| x.trunc()),
        FRAC => map1_small(d, o, a, |x: T| x - x.trunc()),
        // (0 < x) - (x < 0): NaN and -0.0 give 0, as in PyTorch's sign kernel
        SIGN | SGN => map1_small(d, o, a, |x: T| {
            if x > T::ZERO {
                T::ONE
            } else if x < T::ZERO {
                -T::ONE
            } else {
                T::ZERO
            }
        }),
        RECIPROCAL => map1(d, o, a, |x: T| T::ONE / x),
        ERF => map1_small(d, o, a, |x: T| T::f(special::erf(x.d()))),
        ERFC => map1_small(d, o, a, |x: T| T::f(special::erfc(x.d()))),
        ERFINV => map1_small(d, o, a, |x: T| T::f(special::erfinv(x.d()))),
        LGAMMA => map1_small(d, o, a, |x: T| T::f(special::lgamma(x.d()))),
        DIGAMMA => map1_small(d, o, a, |x: T| T::f(special::digamma(x.d()))),
        POLYGAMMA => map1_small(d, o, a, |x: T| T::f(special::polygamma(p1 as u32, x.d()))),
        SINC => map1_small(d, o, a, |x: T| {
            if x == T::ZERO {
                T::ONE
            } else {
                let p = T::f(core::f64::consts::PI) * x;
                p.sin() / p
            }
        }),
        // one loop per bound combination, written as selects (they vectorise; branches on
        // data mispredict); NaN stays NaN since every comparison with it is false
        CLAMP if core::mem::size_of::<T>() == 4 && !(p1 > p2) => {
            let (lo, hi) = (if p1.is_nan() { f32::NEG_INFINITY } else { p1 as f32 }, if p2.is_nan() { f32::INFINITY } else { p2 as f32 });
            super::fastmath::map_clamp(d, o as *mut f32, a as *const f32, lo, hi)
        }
        CLAMP => match (!p1.is_nan(), !p2.is_nan()) {
            (true, true) if q1 <= q2 => map1(d, o, a, |x: T| {
                let y = if x < q1 { q1 } else { x };
                if y > q2 { q2 } else { y }
            }),
            // min > max: PyTorch gives max
            (true, true) => map1(d, o, a, |x: T| if x.is_nan() { x } else { q2 }),
            (true, false) => map1(d, o, a, |x: T| if x < q1 { q1 } else { x }),
            (false, true) => map1(d, o, a, |x: T| if x > q2 { q2 } else { x }),
            (false, false) => map1(d, o, a, |x: T| x),
        },
        NAN_TO_NUM => map1_small(d, o, a, |x: T| {
            if x.is_nan() {
                q1
            } else if x == T::INF {
                q2
            } else if x == -T::INF {
                q3
            } else {
                x
            }
        }),
        THRESHOLD => map1(d, o, a, |x: T| if x <= q1 { q2 } else { x }),
        LOGSIGMOID => map1(d, o, a, |x: T| {
            // -softplus(-x), stable for both signs
            let m = if x < T::ZERO { x } else { T::ZERO };
            m - ((-x.abs()).exp()).ln_1p()
        }),
        AFFINE => map1(d, o, a, |x: T| x * q1 + q2),
        POW_SCALAR => {
            if p1 == 2.0 {
                map1(d, o, a, |x: T| x * x)
            } else if p1 == 0.5 {
                map1(d, o, a, |x: T| x.sqrt())
            } else if p1 == 3.0 {
                map1(d, o, a, |x: T| x * x * x)
            } else if p1 == -0.5 {
                map1(d, o, a, |x: T| T::ONE / x.sqrt())
            } else if p1 == -1.0 {
                map1(d, o, a, |x: T| T::ONE / x)
            } else if p1 == -2.0 {
                map1(d, o, a, |x: T| T::ONE / (x * x))
            } else {
                map1(d, o, a, |x: T| x.powf(q1))
            }
        }
        RPOW_SCALAR => map1_small(d, o, a, |x: T| q1.powf(x)),
        HARDSHRINK => map1_small(d, o, a, |x: T| if x >= -q1 && x <= q1 { T::ZERO } else { x }),
        SOFTSHRINK => map1_small(d, o, a, |x: T| if x > q1 { x - q1 } else if x < -q1 { x + q1 } else { x * T::ZERO }),
        _ => return ERR_BAD_OP,
    }
    OK
}

/// # Safety
/// Pointers cover every offset of `d`.
#[inline(always)]
pub unsafe fn unary_int<T: Int>(op: u32, d: &Desc<2>, o: *mut T, a: *const T, p1: f64, p2: f64, p3: f64) -> i32 {
    let _ = p3;
    match op {
        NEG => map1(d, o, a, |x: T| x.wneg()),
        ABS => map1(d, o, a, |x: T| if x.is_neg() { x.wneg() } else { x }),
        SQUARE => map1(d, o, a, |x: T| x.wmul(x)),
        FLOOR | CEIL | ROUND | TRUNC => map1(d, o, a, |x: T| x),
        FRAC => map1(d, o, a, |_x: T| T::ZERO),
        SIGN | SGN => map1(d, o, a, |x: T| if x.is_neg() { T::ONE.wneg() } else if x == T::ZERO { T::ZERO } else { T::ONE }),
        RELU => map1(d, o, a, |x: T| if x.is_neg() { T::ZERO } else { x }),
        BITWISE_NOT => map1(d, o, a, |x: T| x.not()),
        CLAMP => {
            let (has_lo, has_hi) = (!p1.is_nan(), !p2.is_nan());
            let (lo, hi) = (T::from_f64(p1), T::from_f64(p2));
            map1(d, o, a, |x: T| {
                let mut y = x;
                if has_lo && y < lo {
                    y = lo;
                }
                if has_hi && y > hi {
                    y = hi;
                }
                y
            })
        }
        HARDTANH => {
            let (lo, hi) = (T::from_f64(p1), T::from_f64(p2));
            map1(d, o, a, |x: T| if x < lo { lo } else if x > hi { hi } else { x })
        }
        THRESHOLD => {
            let (t, v) = (T::from_f64(p1), T::from_f64(p2));
            map1(d, o, a, |x: T| if x <= t { v } else { x })
        }
        AFFINE => {
            let (m, c) = (T::from_f64(p1), T::from_f64(p2));
            map1(d, o, a, |x: T| x.wmul(m).wadd(c))
        }
        _ => return ERR_BAD_OP,
    }
    OK
}

/// Unary ops on bool tensors.
///
/// # Safety
/// Pointers cover every offset of `d`.
#[inline(always)]
pub unsafe fn unary_bool(op: u32, d: &Desc<2>, o: *mut u8, a: *const u8) -> i32 {
    match op {
        BITWISE_NOT => map1(d, o, a, |x: u8| x ^ 1),
        ABS | FLOOR | CEIL | ROUND | TRUNC | RELU | SIGN | SGN | SQUARE => map1(d, o, a, |x: u8| x),
        _ => return ERR_BAD_OP,
    }
    OK
}

/// Predicates with bool out.
///
/// # Safety
/// Pointers cover every offset of `d`.
#[inline(always)]
pub unsafe fn predicate<T: Elem>(op: u32, d: &Desc<2>, o: *mut bool, a: *const T) -> i32 {
    if T::FLOAT {
        match op {
            ISNAN => map1(d, o, a, |x: T| x.to_f64().is_nan()),
            ISINF => map1(d, o, a, |x: T| x.to_f64().is_infinite()),
            ISFINITE => map1(d, o, a, |x: T| x.to_f64().is_finite()),
            ISPOSINF => map1(d, o, a, |x: T| x.to_f64() == f64::INFINITY),
            ISNEGINF => map1(d, o, a, |x: T| x.to_f64() == f64::NEG_INFINITY),
            SIGNBIT => map1(d, o, a, |x: T| x.to_f64().is_sign_negative()),
            LOGICAL_NOT => map1(d, o, a, |x: T| !x.nonzero()),
            NONZERO => map1(d, o, a, |x: T| x.nonzero()),
            _ => return ERR_BAD_OP,
        }
    } else {
        match op {
            ISNAN | ISINF | ISPOSINF | ISNEGINF => map1(d, o, a, |_x: T| false),
            ISFINITE => map1(d, o, a, |_x: T| true),
            SIGNBIT => map1(d, o, a, |x: T| x.to_i64() < 0),
            LOGICAL_NOT => map1(d, o, a, |x: T| !x.nonzero()),
            NONZERO => map1(d, o, a, |x: T| x.nonzero()),
            _ => return ERR_BAD_OP,
        }
    }
    OK
}
