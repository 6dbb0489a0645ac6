//! Arithmetic traits over the kernel element types, so one generic loop serves each family.

use crate::dtype::Elem;
use core::ops::{Add, Div, Mul, Neg, Sub};

pub trait Float:
    Elem + PartialOrd + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self> + Neg<Output = Self>
{
    const ZERO: Self;
    const ONE: Self;
    const NAN: Self;
    const INF: Self;
    const MAX: Self;
    const MIN: Self;
    const EPS: Self;
    fn f(v: f64) -> Self;
    fn d(self) -> f64;
    fn is_nan(self) -> bool;
    fn is_infinite(self) -> bool;
    fn is_finite(self) -> bool;
    fn abs(self) -> Self;
    fn floor(self) -> Self;
    fn ceil(self) -> Self;
    fn trunc(self) -> Self;
    fn round_even(self) -> Self;
    fn sqrt(self) -> Self;
    fn exp(self) -> Self;
    fn exp2(self) -> Self;
    fn exp_m1(self) -> Self;
    fn ln(self) -> Self;
    fn log2(self) -> Self;
    fn log10(self) -> Self;
    fn ln_1p(self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn tan(self) -> Self;
    fn asin(self) -> Self;
    fn acos(self) -> Self;
    fn atan(self) -> Self;
    fn sinh(self) -> Self;
    fn cosh(self) -> Self;
    fn tanh(self) -> Self;
    fn asinh(self) -> Self;
    fn acosh(self) -> Self;
    fn atanh(self) -> Self;
    fn atan2(self, o: Self) -> Self;
    fn powf(self, o: Self) -> Self;
    fn hypot(self, o: Self) -> Self;
    fn copysign(self, o: Self) -> Self;
    fn fmod(self, o: Self) -> Self;
    fn is_sign_negative(self) -> bool;
    fn mul_add(self, a: Self, b: Self) -> Self;
}

macro_rules! impl_float {
    ($t:ident) => {
        impl Float for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const NAN: Self = $t::NAN;
            const INF: Self = $t::INFINITY;
            const MAX: Self = $t::MAX;
            const MIN: Self = $t::MIN;
            const EPS: Self = $t::EPSILON;
            #[inline(always)] fn f(v: f64) -> Self { v as $t }
            #[inline(always)] fn d(self) -> f64 { self as f64 }
            #[inline(always)] fn is_nan(self) -> bool { $t::is_nan(self) }
            #[inline(always)] fn is_infinite(self) -> bool { $t::is_infinite(self) }
            #[inline(always)] fn is_finite(self) -> bool { $t::is_finite(self) }
            #[inline(always)] fn abs(self) -> Self { $t::abs(self) }
            #[inline(always)] fn floor(self) -> Self { $t::floor(self) }
            #[inline(always)] fn ceil(self) -> Self { $t::ceil(self) }
            #[inline(always)] fn trunc(self) -> Self { $t::trunc(self) }
            #[inline(always)] fn round_even(self) -> Self { $t::round_ties_even(self) }
            #[inline(always)] fn sqrt(self) -> Self { $t::sqrt(self) }
            #[inline(always)] fn exp(self) -> Self { $t::exp(self) }
            #[inline(always)] fn exp2(self) -> Self { $t::exp2(self) }
            #[inline(always)] fn exp_m1(self) -> Self { $t::exp_m1(self) }
            #[inline(always)] fn ln(self) -> Self { $t::ln(self) }
            #[inline(always)] fn log2(self) -> Self { $t::log2(self) }
            #[inline(always)] fn log10(self) -> Self { $t::log10(self) }
            #[inline(always)] fn ln_1p(self) -> Self { $t::ln_1p(self) }
            #[inline(always)] fn sin(self) -> Self { $t::sin(self) }
            #[inline(always)] fn cos(self) -> Self { $t::cos(self) }
            #[inline(always)] fn tan(self) -> Self { $t::tan(self) }
            #[inline(always)] fn asin(self) -> Self { $t::asin(self) }
            #[inline(always)] fn acos(self) -> Self { $t::acos(self) }
            #[inline(always)] fn atan(self) -> Self { $t::atan(self) }
            #[inline(always)] fn sinh(self) -> Self { $t::sinh(self) }
            #[inline(always)] fn cosh(self) -> Self { $t::cosh(self) }
            #[inline(always)] fn tanh(self) -> Self { $t::tanh(self) }
            #[inline(always)] fn asinh(self) -> Self { $t::asinh(self) }
            #[inline(always)] fn acosh(self) -> Self { $t::acosh(self) }
            #[inline(always)] fn atanh(self) -> Self { $t::atanh(self) }
            #[inline(always)] fn atan2(self, o: Self) -> Self { $t::atan2(self, o) }
            #[inline(always)] fn powf(self, o: Self) -> Self { $t::powf(self, o) }
            #[inline(always)] fn hypot(self, o: Self) -> Self { $t::hypot(self, o) }
            #[inline(always)] fn copysign(self, o: Self) -> Self { $t::copysign(self, o) }
            #[inline(always)] fn fmod(self, o: Self) -> Self { self % o }
            #[inline(always)] fn is_sign_negative(self) -> bool { $t::is_sign_negative(self) }
            #[inline(always)] fn mul_add(self, a: Self, b: Self) -> Self { $t::mul_add(self, a, b) }
        }
    };
}
impl_float!(f32);
impl_float!(f64);

pub trait Int: Elem + Ord {
    const ZERO: Self;
    const ONE: Self;
    const BITS: u32;
    const SIGNED: bool;
    fn wadd(self, o: Self) -> Self;
    fn wsub(self, o: Self) -> Self;
    fn wmul(self, o: Self) -> Self;
    fn wneg(self) -> Self;
    /// Truncating division; the caller has excluded a zero divisor.
    fn tdiv(self, o: Self) -> Self;
    /// Remainder with the sign of the dividend; the caller has excluded a zero divisor.
    fn trem(self, o: Self) -> Self;
    fn and(self, o: Self) -> Self;
    fn or(self, o: Self) -> Self;
    fn xor(self, o: Self) -> Self;
    fn not(self) -> Self;
    fn shl(self, o: Self) -> Self;
    fn shr(self, o: Self) -> Self;
    fn is_neg(self) -> bool;
}

macro_rules! impl_int {
    ($t:ident, $signed:expr) => {
        impl Int for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            const BITS: u32 = $t::BITS;
            const SIGNED: bool = $signed;
            #[inline(always)] fn wadd(self, o: Self) -> Self { self.wrapping_add(o) }
            #[inline(always)] fn wsub(self, o: Self) -> Self { self.wrapping_sub(o) }
            #[inline(always)] fn wmul(self, o: Self) -> Self { self.wrapping_mul(o) }
            #[inline(always)] fn wneg(self) -> Self { self.wrapping_neg() }
            #[inline(always)] fn tdiv(self, o: Self) -> Self { self.wrapping_div(o) }
            #[inline(always)] fn trem(self, o: Self) -> Self { self.wrapping_rem(o) }
            #[inline(always)] fn and(self, o: Self) -> Self { self & o }
            #[inline(always)] fn or(self, o: Self) -> Self { self | o }
            #[inline(always)] fn xor(self, o: Self) -> Self { self ^ o }
            #[inline(always)] fn not(self) -> Self { !self }
            #[inline(always)]
            fn shl(self, o: Self) -> Self {
                let s = o.to_i64();
                if s < 0 || s >= $t::BITS as i64 { 0 } else { self.wrapping_shl(s as u32) }
            }
            #[inline(always)]
            fn shr(self, o: Self) -> Self {
                let s = o.to_i64();
                if s < 0 || s >= $t::BITS as i64 {
                    if $signed && self.to_i64() < 0 { (0 as $t).wrapping_sub(1) } else { 0 }
                } else {
                    self.wrapping_shr(s as u32)
                }
            }
            #[inline(always)] fn is_neg(self) -> bool { $signed && self.to_i64() < 0 }
        }
    };
}
impl_int!(i64, true);
impl_int!(i32, true);
impl_int!(i16, true);
impl_int!(i8, true);
impl_int!(u8, false);
