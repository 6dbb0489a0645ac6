//! Elementwise ops of three operands: out = f(a, b, c; p). Operands of `Desc<4>`:
//! 0 = out, 1 = a, 2 = b, 3 = c, all of the kernel's dtype. `out` may alias an input
//! exactly (in-place ops).

use super::binary::lerp;
use crate::num::{Float, Int};
use crate::status::{ERR_BAD_OP, OK};
use crate::strided::Desc;

/// lerp(a, b, weight = c)
pub const LERP: u32 = 0;
/// a + p * b * c
pub const ADDCMUL: u32 = 1;
/// a + p * b / c
pub const ADDCDIV: u32 = 2;
/// min(max(a, b), c); NaN when a bound is NaN (clamp with tensor bounds).
pub const CLAMP: u32 = 3;


/// The shared strided loop, with a fast path for contiguous rows.
#[inline(always)]
pub unsafe fn map3<T: Copy>(d: &Desc<4>, o: *mut T, a: *const T, b: *const T, c: *const T, f: impl Fn(T, T, T) -> T) {
    d.for_each_row(|off, n, st| {
        let po = o.offset(off[0]);
        let pa = a.offset(off[1]);
        let pb = b.offset(off[2]);
        let pc = c.offset(off[3]);
        if st == [1, 1, 1, 1] {
            for i in 0..n {
                *po.add(i) = f(*pa.add(i), *pb.add(i), *pc.add(i));
            }
        } else {
            for i in 0..n as isize {
                *po.offset(i * st[0]) = f(*pa.offset(i * st[1]), *pb.offset(i * st[2]), *pc.offset(i * st[3]));
            }
        }
    });
}

/// # Safety
/// Pointers cover every offset of `d`.
#[inline(always)]
pub unsafe fn ternary_float<T: Float>(op: u32, d: &Desc<4>, o: *mut T, a: *const T, b: *const T, c: *const T, p: f64) -> i32 {
    let pt = T::f(p);
    match op {
        LERP => map3(d, o, a, b, c, lerp),
        ADDCMUL => map3(d, o, a, b, c, |x, y, z| x + pt * y * z),
        ADDCDIV => map3(d, o, a, b, c, |x, y, z| x + pt * y / z),
        CLAMP => map3(d, o, a, b, c, |x: T, lo: T, hi: T| {
            if lo.is_nan() || hi.is_nan() {
                T::NAN
            } else {
                // std::min(std::max(x, lo), hi): a NaN x passes through
                let y = if x < lo { lo } else { x };
                if hi < y { hi } else { y }
            }
        }),
        _ => return ERR_BAD_OP,
    }
    OK
}

/// # Safety
/// Pointers cover every offset of `d`.
#[inline(always)]
pub unsafe fn ternary_int<T: Int>(op: u32, d: &Desc<4>, o: *mut T, a: *const T, b: *const T, c: *const T, p: f64) -> i32 {
    let pt = T::from_f64(p);
    match op {
        ADDCMUL => map3(d, o, a, b, c, |x: T, y: T, z: T| x.wadd(pt.wmul(y).wmul(z))),
        CLAMP => map3(d, o, a, b, c, |x: T, lo: T, hi: T| {
            let y = if x < lo { lo } else { x };
            if hi < y { hi } else { y }
        }),
        _ => return ERR_BAD_OP,
    }
    OK
}
