//! Element types. The numeric codes are shared with ts/tensor/dtype.ts.

pub const F32: u32 = 0;
pub const F64: u32 = 1;
pub const I64: u32 = 2;
pub const I32: u32 = 3;
pub const I16: u32 = 4;
pub const I8: u32 = 5;
pub const U8: u32 = 6;
pub const BOOL: u32 = 7;
pub const F16: u32 = 8;
pub const BF16: u32 = 9;

/// IEEE half precision, stored as its bits.
#[derive(Clone, Copy, Default, PartialEq, Debug)]
#[repr(transparent)]
pub struct F16Bits(pub u16);

/// bfloat16, stored as its bits (the upper half of an f32).
#[derive(Clone, Copy, Default, PartialEq, Debug)]
#[repr(transparent)]
pub struct BF16Bits(pub u16);

impl F16Bits {
    pub fn to_f32(self) -> f32 {
        let h = self.0 as u32;
        let sign = (h & 0x8000) << 16;
        let exp = (h >> 10) & 0x1f;
        let man = h & 0x3ff;
        let bits = if exp == 0 {
            if man == 0 {
                sign
            } else {
                // subnormal: normalise the mantissa
                let mut e: i32 = -1;
                let mut m = man;
                while m & 0x400 == 0 {
                    m <<= 1;
                    e -= 1;
                }
                let m = m & 0x3ff;
                sign | (((127 - 15 + 1 + e) as u32) << 23) | (m << 13)
            }
        } else if exp == 0x1f {
            sign | 0x7f80_0000 | (man << 13)
        } else {
            sign | ((exp + 127 - 15) << 23) | (man << 13)
        };
        f32::from_bits(bits)
    }
    /// Round to nearest even, as PyTorch's c10::Half does.
    pub fn from_f32(f: f32) -> Self {
        let x = f.to_bits();
        let sign = ((x >> 16) & 0x8000) as u16;
        let exp = ((x >> 23) & 0xff) as i32;
        let man = x & 0x7f_ffff;
        if exp == 0xff {
            let nan = if man != 0 { 0x200 | (man >> 13) as u16 } else { 0 };
            return F16Bits(sign | 0x7c00 | nan);
        }
        let e = exp - 127 + 15;
        if e >= 0x1f {
            return F16Bits(sign | 0x7c00);
        }
        if e <= 0 {
            if e < -10 {
                return F16Bits(sign);
            }
            let m = man | 0x80_0000;
            let shift = (14 - e) as u32;
            let half = 1u32 << (shift - 1);
            let rest = m & ((1u32 << shift) - 1);
            let mut r = m >> shift;
            if rest > half || (rest == half && (r & 1) == 1) {
                r += 1;
            }
            return F16Bits(sign | r as u16);
        }
        let mut r = ((e as u32) << 10) | (man >> 13);
        let rest = man & 0x1fff;
        if rest > 0x1000 || (rest == 0x1000 && (r & 1) == 1) {
            r += 1;
        }
        F16Bits(sign | r as u16)
    }
}

impl BF16Bits {
    pub fn to_f32(self) -> f32 {
        f32::from_bits((self.0 as u32) << 16)
    }
    pub fn from_f32(f: f32) -> Self {
        if f.is_nan() {
            return BF16Bits(0x7fc0);
        }
        let x = f.to_bits();
        let rounding = 0x7fff + ((x >> 16) & 1);
        BF16Bits((x.wrapping_add(rounding) >> 16) as u16)
    }
}

/// What every element type supports: conversion with C++ static_cast semantics.
pub trait Elem: Copy + Default + 'static {
    const DT: u32;
    const FLOAT: bool;
    fn to_f64(self) -> f64;
    fn to_i64(self) -> i64;
    fn from_f64(v: f64) -> Self;
    fn from_i64(v: i64) -> Self;
    fn nonzero(self) -> bool;
    fn from_bool(b: bool) -> Self;
    #[inline(always)]
    fn cast<D: Elem>(self) -> D {
        if D::DT == BOOL {
            D::from_bool(self.nonzero())
        } else if Self::FLOAT {
            D::from_f64(self.to_f64())
        } else {
            D::from_i64(self.to_i64())
        }
    }
}

macro_rules! float_elem {
    ($t:ty, $dt:expr) => {
        impl Elem for $t {
            const DT: u32 = $dt;
            const FLOAT: bool = true;
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn to_i64(self) -> i64 { self as i64 }
            #[inline(always)]
            fn from_f64(v: f64) -> Self { v as $t }
            #[inline(always)]
            fn from_i64(v: i64) -> Self { v as $t }
            #[inline(always)]
            fn nonzero(self) -> bool { self != 0.0 }
            #[inline(always)]
            fn from_bool(b: bool) -> Self { if b { 1.0 } else { 0.0 } }
        }
    };
}
float_elem!(f32, F32);
float_elem!(f64, F64);

macro_rules! int_elem {
    ($t:ty, $dt:expr) => {
        impl Elem for $t {
            const DT: u32 = $dt;
            const FLOAT: bool = false;
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn to_i64(self) -> i64 { self as i64 }
            // float -> integer goes through int64 like the x86 conversions PyTorch uses
            #[inline(always)]
            fn from_f64(v: f64) -> Self { (v as i64) as $t }
            #[inline(always)]
            fn from_i64(v: i64) -> Self { v as $t }
            #[inline(always)]
            fn nonzero(self) -> bool { self != 0 }
            #[inline(always)]
            fn from_bool(b: bool) -> Self { b as $t }
        }
    };
}
int_elem!(i64, I64);
int_elem!(i32, I32);
int_elem!(i16, I16);
int_elem!(i8, I8);
int_elem!(u8, U8);

impl Elem for bool {
    const DT: u32 = BOOL;
    const FLOAT: bool = false;
    #[inline(always)]
    fn to_f64(self) -> f64 { self as u8 as f64 }
    #[inline(always)]
    fn to_i64(self) -> i64 { self as i64 }
    #[inline(always)]
    fn from_f64(v: f64) -> Self { v != 0.0 }
    #[inline(always)]
    fn from_i64(v: i64) -> Self { v != 0 }
    #[inline(always)]
    fn nonzero(self) -> bool { self }
    #[inline(always)]
    fn from_bool(b: bool) -> Self { b }
}

impl Elem for F16Bits {
    const DT: u32 = F16;
    const FLOAT: bool = true;
    fn to_f64(self) -> f64 { self.to_f32() as f64 }
    fn to_i64(self) -> i64 { self.to_f32() as i64 }
    fn from_f64(v: f64) -> Self { F16Bits::from_f32(v as f32) }
    fn from_i64(v: i64) -> Self { F16Bits::from_f32(v as f32) }
    fn nonzero(self) -> bool { self.0 & 0x7fff != 0 }
    fn from_bool(b: bool) -> Self { if b { F16Bits(0x3c00) } else { F16Bits(0) } }
}

impl Elem for BF16Bits {
    const DT: u32 = BF16;
    const FLOAT: bool = true;
    fn to_f64(self) -> f64 { self.to_f32() as f64 }
    fn to_i64(self) -> i64 { self.to_f32() as i64 }
    fn from_f64(v: f64) -> Self { BF16Bits::from_f32(v as f32) }
    fn from_i64(v: i64) -> Self { BF16Bits::from_f32(v as f32) }
    fn nonzero(self) -> bool { self.0 & 0x7fff != 0 }
    fn from_bool(b: bool) -> Self { if b { BF16Bits(0x3f80) } else { BF16Bits(0) } }
}

/// Runs `$body` with `$T` bound to the Rust type of dtype code `$dt`.
/// Evaluates `$bad` for an unknown code.
#[macro_export]
macro_rules! with_dtype {
    ($dt:expr, $T:ident => $body:expr, _ => $bad:expr) => {
        match $dt {
            $crate::dtype::F32 => { type $T = f32; $body }
            $crate::dtype::F64 => { type $T = f64; $body }
            $crate::dtype::I64 => { type $T = i64; $body }
            $crate::dtype::I32 => { type $T = i32; $body }
            $crate::dtype::I16 => { type $T = i16; $body }
            $crate::dtype::I8 => { type $T = i8; $body }
            $crate::dtype::U8 => { type $T = u8; $body }
            $crate::dtype::BOOL => { type $T = bool; $body }
            $crate::dtype::F16 => { type $T = $crate::dtype::F16Bits; $body }
            $crate::dtype::BF16 => { type $T = $crate::dtype::BF16Bits; $body }
            _ => $bad,
        }
    };
}

/// Like with_dtype! but only for the integer types (bool excluded).
#[macro_export]
macro_rules! with_int_dtype {
    ($dt:expr, $T:ident => $body:expr, _ => $bad:expr) => {
        match $dt {
            $crate::dtype::I64 => { type $T = i64; $body }
            $crate::dtype::I32 => { type $T = i32; $body }
            $crate::dtype::I16 => { type $T = i16; $body }
            $crate::dtype::I8 => { type $T = i8; $body }
            $crate::dtype::U8 => { type $T = u8; $body }
            _ => $bad,
        }
    };
}

/// Like with_dtype! but only for the dtypes arithmetic kernels handle
/// (float32, float64 and the integer types; bool and half types are cast first).
#[macro_export]
macro_rules! with_num_dtype {
    ($dt:expr, $T:ident => $body:expr, _ => $bad:expr) => {
        match $dt {
            $crate::dtype::F32 => { type $T = f32; $body }
            $crate::dtype::F64 => { type $T = f64; $body }
            $crate::dtype::I64 => { type $T = i64; $body }
            $crate::dtype::I32 => { type $T = i32; $body }
            $crate::dtype::I16 => { type $T = i16; $body }
            $crate::dtype::I8 => { type $T = i8; $body }
            $crate::dtype::U8 => { type $T = u8; $body }
            _ => $bad,
        }
    };
}

pub fn itemsize(dt: u32) -> usize {
    match dt {
        F32 | I32 => 4,
        F64 | I64 => 8,
        I16 | F16 | BF16 => 2,
        _ => 1,
    }
}
