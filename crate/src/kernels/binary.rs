//! Elementwise binary ops: out = f(a, b) over a broadcast, strided index space.
//! Operands of `Desc<3>`: 0 = out, 1 = a, 2 = b. All three have the kernel's dtype
//! (comparisons write bool). `out` may alias `a` or `b` exactly (in-place ops).

use crate::dtype::Elem;
use crate::num::{Float, Int};
use crate::status::{ERR_BAD_OP, OK};
use crate::strided::Desc;

pub const ADD: u32 = 0;
pub const SUB: u32 = 1;
pub const MUL: u32 = 2;
pub const DIV: u32 = 3;
/// Python's %: the result has the sign of the divisor.
pub const REMAINDER: u32 = 4;
/// C's fmod: the result has the sign of the dividend.
pub const FMOD: u32 = 5;
pub const POW: u32 = 6;
pub const ATAN2: u32 = 7;
/// NaN-propagating max/min.
pub const MAXIMUM: u32 = 8;
pub const MINIMUM: u32 = 9;
/// NaN-ignoring max/min.
pub const FMAX: u32 = 10;
pub const FMIN: u32 = 11;
pub const FLOOR_DIVIDE: u32 = 12;
pub const TRUNC_DIVIDE: u32 = 13;
pub const BITWISE_AND: u32 = 14;
pub const BITWISE_OR: u32 = 15;
pub const BITWISE_XOR: u32 = 16;
pub const SHIFT_LEFT: u32 = 17;
pub const SHIFT_RIGHT: u32 = 18;
pub const HYPOT: u32 = 19;
pub const COPYSIGN: u32 = 20;
/// a * log(b), 0 where a == 0 (unless b is NaN).
pub const XLOGY: u32 = 21;
pub const LOGADDEXP: u32 = 22;
/// a + p * b
pub const AXPY: u32 = 23;
/// a - p * b
pub const AXMY: u32 = 24;
/// log2(2^a + 2^b)
pub const LOGADDEXP2: u32 = 25;
/// lerp(a, b, p): a + p * (b - a), from the nearer end as PyTorch computes it.
pub const LERP: u32 = 26;

pub const EQ: u32 = 0;
pub const NE: u32 = 1;
pub const LT: u32 = 2;
pub const LE: u32 = 3;
pub const GT: u32 = 4;
pub const GE: u32 = 5;
pub const LOGICAL_AND: u32 = 6;
pub const LOGICAL_OR: u32 = 7;
pub const LOGICAL_XOR: u32 = 8;


/// The shared loop: contiguous, scalar-broadcast and general strided rows.
#[inline(always)]
pub unsafe fn map2<A: Copy, B: Copy, O: Copy>(
    d: &Desc<3>,
    o: *mut O,
    a: *const A,
    b: *const B,
    f: impl Fn(A, B) -> O,
) {
    d.for_each_row(|off, n, st| {
        let po = o.offset(off[0]);
        let pa = a.offset(off[1]);
        let pb = b.offset(off[2]);
        match (st[0], st[1], st[2]) {
            (1, 1, 1) => {
                for i in 0..n {
                    *po.add(i) = f(*pa.add(i), *pb.add(i));
                }
            }
            (1, 1, 0) => {
                let y = *pb;
                for i in 0..n {
                    *po.add(i) = f(*pa.add(i), y);
                }
            }
            (1, 0, 1) => {
                let x = *pa;
                for i in 0..n {
                    *po.add(i) = f(x, *pb.add(i));
                }
            }
            (so, sa, sb) => {
                for i in 0..n as isize {
                    *po.offset(i * so) = f(*pa.offset(i * sa), *pb.offset(i * sb));
                }
            }
        }
    });
}

crate::size_optimized! {
    /// `map2` for the ops off the hot path: size-optimised even inside float32's kernel.
    #[inline(never)]
    pub unsafe fn map2_small<A: Copy, B: Copy, O: Copy>(d: &Desc<3>, o: *mut O, a: *const A, b: *const B, f: impl Fn(A, B) -> O) {
        map2(d, o, a, b, f)
    }
}

#[inline(always)]
fn py_remainder_f<T: Float>(a: T, b: T) -> T {
    let m = a.fmod(b);
    if m != T::ZERO && ((b < T::ZERO) != (m < T::ZERO)) {
        m + b
    } else {
        m
    }
}

/// PyTorch's div_floor for floating types (c10/util/generic_math.h).
#[inline(always)]
pub fn floor_divide_f<T: Float>(a: T, b: T) -> T {
    if b == T::ZERO {
        return a / b;
    }
    let m = a.fmod(b);
    let mut div = (a - m) / b;
    if m != T::ZERO && ((b < T::ZERO) != (m < T::ZERO)) {
        div = div - T::ONE;
    }
    if div != T::ZERO {
        let mut fd = div.floor();
        if div - fd > T::f(0.5) {
            fd = fd + T::ONE;
        }
        fd
    } else {
        T::ZERO.copysign(a / b)
    }
}

#[inline(always)]
fn maximum_f<T: Float>(a: T, b: T) -> T {
    if a.is_nan() || b.is_nan() {
        T::NAN
    } else if a > b {
        a
    } else {
        b
    }
}

#[inline(always)]
fn minimum_f<T: Float>(a: T, b: T) -> T {
    if a.is_nan() || b.is_nan() {
        T::NAN
    } else if a < b {
        a
    } else {
        b
    }
}

/// # Safety
/// Pointers cover every offset of `d`.
#[inline(always)]
pub unsafe fn binary_float<T: Float>(op: u32, d: &Desc<3>, o: *mut T, a: *const T, b: *const T, p: f64) -> i32 {
    let pt = T::f(p);
    match op {
        ADD => map2(d, o, a, b, |x, y| x + y),
        SUB => map2(d, o, a, b, |x, y| x - y),
        MUL => map2(d, o, a, b, |x, y| x * y),
        DIV => map2(d, o, a, b, |x, y| x / y),
        AXPY => map2(d, o, a, b, |x, y| x + pt * y),
        AXMY => map2(d, o, a, b, |x, y| x - pt * y),
        REMAINDER => map2_small(d, o, a, b, py_remainder_f),
        FMOD => map2_small(d, o, a, b, |x: T, y: T| x.fmod(y)),
        // tensor ** tensor is std::pow without shortcuts (scalar exponents go through unary POW_SCALAR)
        POW => map2_small(d, o, a, b, |x: T, y: T| x.powf(y)),
        ATAN2 => map2_small(d, o, a, b, |x: T, y: T| x.atan2(y)),
        MAXIMUM => map2(d, o, a, b, maximum_f),
        MINIMUM => map2(d, o, a, b, minimum_f),
        FMAX => map2_small(d, o, a, b, |x: T, y: T| if x.is_nan() || (!y.is_nan() && y > x) { y } else { x }),
        FMIN => map2_small(d, o, a, b, |x: T, y: T| if x.is_nan() || (!y.is_nan() && y < x) { y } else { x }),
        FLOOR_DIVIDE => map2_small(d, o, a, b, floor_divide_f),
        TRUNC_DIVIDE => map2_small(d, o, a, b, |x: T, y: T| (x / y).trunc()),
        HYPOT => map2_small(d, o, a, b, |x: T, y: T| x.hypot(y)),
        COPYSIGN => map2_small(d, o, a, b, |x: T, y: T| x.copysign(y)),
        XLOGY => map2_small(d, o, a, b, |x: T, y: T| {
            if y.is_nan() {
                T::NAN
            } else if x == T::ZERO {
                T::ZERO
            } else {
                x * y.ln()
            }
        }),
        LOGADDEXP => map2_small(d, o, a, b, |x: T, y: T| {
            if x.is_infinite() && x == y {
                x
            } else {
                let m = if x > y { x } else { y };
                let n = if x > y { y } else { x };
                if m.is_nan() || n.is_nan() {
                    T::NAN
                } else {
                    m + (n - m).exp().ln_1p()
                }
            }
        }),
        LOGADDEXP2 => map2_small(d, o, a, b, |x: T, y: T| {
            if x.is_infinite() && x == y {
                x
            } else {
                let m = if x < y { y } else { x };
                m + (T::ONE + T::f(2.0).powf(-(x - y).abs())).log2()
            }
        }),
        LERP => map2_small(d, o, a, b, |x: T, y: T| lerp(x, y, pt)),
        _ => return ERR_BAD_OP,
    }
    OK
}

/// PyTorch's lerp: from `a` when |w| < 0.5, else from `b`, so w = 1 gives b exactly.
#[inline(always)]
pub fn lerp<T: Float>(a: T, b: T, w: T) -> T {
    if w.abs() < T::f(0.5) {
        a + w * (b - a)
    } else {
        b - (b - a) * (T::ONE - w)
    }
}

/// Checks for a zero divisor before writing anything, so a failing op changes nothing.
unsafe fn any_zero<T: Int>(d: &Desc<3>, b: *const T) -> bool {
    let mut zero = false;
    d.for_each_row(|off, n, st| {
        let pb = b.offset(off[2]);
        for i in 0..n as isize {
            if *pb.offset(i * st[2]) == T::ZERO {
                zero = true;
            }
        }
    });
    zero
}

#[inline(always)]
fn int_pow<T: Int>(base: T, e: T) -> T {
    if e.is_neg() {
        let b = base.to_i64();
        return if b == 1 {
            T::ONE
        } else if b == -1 {
            if e.to_i64() & 1 == 0 { T::ONE } else { base }
        } else {
            T::ZERO
        };
    }
    let mut result = T::ONE;
    let mut b = base;
    let mut e = e.to_i64() as u64;
    while e > 0 {
        if e & 1 == 1 {
            result = result.wmul(b);
        }
        b = b.wmul(b);
        e >>= 1;
    }
    result
}

crate::size_optimized! {
    /// Whether integer op `op` of dtype `dt` would divide by zero somewhere in `d`. The
    /// caller asks before binary_int writes anything (ZeroDivisionError leaves the output
    /// as it was, also when the op then runs in parts).
    ///
    /// # Safety
    /// `b` covers every offset of `d`'s third operand.
    #[inline(never)]
    pub unsafe fn int_division_by_zero(op: u32, dt: u32, d: &Desc<3>, b: usize) -> bool {
        matches!(op, FLOOR_DIVIDE | TRUNC_DIVIDE | REMAINDER | FMOD) && crate::with_int_dtype!(dt, T => any_zero(d, b as *const T), _ => false)
    }
}

/// # Safety
/// Pointers cover every offset of `d`, and no divisor is 0 (int_division_by_zero).
#[inline(always)]
pub unsafe fn binary_int<T: Int>(op: u32, d: &Desc<3>, o: *mut T, a: *const T, b: *const T, p: f64) -> i32 {
    let pt = T::from_f64(p);
    match op {
        ADD => map2(d, o, a, b, |x: T, y: T| x.wadd(y)),
        SUB => map2(d, o, a, b, |x: T, y: T| x.wsub(y)),
        MUL => map2(d, o, a, b, |x: T, y: T| x.wmul(y)),
        AXPY => map2(d, o, a, b, |x: T, y: T| x.wadd(pt.wmul(y))),
        AXMY => map2(d, o, a, b, |x: T, y: T| x.wsub(pt.wmul(y))),
        TRUNC_DIVIDE => map2(d, o, a, b, |x: T, y: T| x.tdiv(y)),
        FLOOR_DIVIDE => map2(d, o, a, b, |x: T, y: T| {
            let q = x.tdiv(y);
            let r = x.trem(y);
            if r != T::ZERO && (r.is_neg() != y.is_neg()) { q.wsub(T::ONE) } else { q }
        }),
        REMAINDER => map2(d, o, a, b, |x: T, y: T| {
            let r = x.trem(y);
            if r != T::ZERO && (r.is_neg() != y.is_neg()) { r.wadd(y) } else { r }
        }),
        FMOD => map2(d, o, a, b, |x: T, y: T| x.trem(y)),
        POW => map2(d, o, a, b, int_pow),
        MAXIMUM | FMAX => map2(d, o, a, b, |x: T, y: T| if x > y { x } else { y }),
        MINIMUM | FMIN => map2(d, o, a, b, |x: T, y: T| if x < y { x } else { y }),
        BITWISE_AND => map2(d, o, a, b, |x: T, y: T| x.and(y)),
        BITWISE_OR => map2(d, o, a, b, |x: T, y: T| x.or(y)),
        BITWISE_XOR => map2(d, o, a, b, |x: T, y: T| x.xor(y)),
        SHIFT_LEFT => map2(d, o, a, b, |x: T, y: T| x.shl(y)),
        SHIFT_RIGHT => map2(d, o, a, b, |x: T, y: T| x.shr(y)),
        _ => return ERR_BAD_OP,
    }
    OK
}

/// Bitwise and logical ops on bool tensors (stored as one byte, 0 or 1).
///
/// # Safety
/// Pointers cover every offset of `d`.
#[inline(always)]
pub unsafe fn binary_bool(op: u32, d: &Desc<3>, o: *mut u8, a: *const u8, b: *const u8) -> i32 {
    match op {
        BITWISE_AND | MUL | MINIMUM | FMIN => map2(d, o, a, b, |x, y| x & y),
        BITWISE_OR | ADD | MAXIMUM | FMAX => map2(d, o, a, b, |x, y| x | y),
        BITWISE_XOR => map2(d, o, a, b, |x, y| x ^ y),
        _ => return ERR_BAD_OP,
    }
    OK
}

/// Comparisons and logical ops: bool out.
///
/// # Safety
/// Pointers cover every offset of `d`.
#[inline(always)]
pub unsafe fn compare<T: Elem + PartialOrd>(op: u32, d: &Desc<3>, o: *mut bool, a: *const T, b: *const T) -> i32 {
    match op {
        EQ => map2(d, o, a, b, |x, y| x == y),
        NE => map2(d, o, a, b, |x, y| x != y),
        LT => map2(d, o, a, b, |x, y| x < y),
        LE => map2(d, o, a, b, |x, y| x <= y),
        GT => map2(d, o, a, b, |x, y| x > y),
        GE => map2(d, o, a, b, |x, y| x >= y),
        LOGICAL_AND => map2_small(d, o, a, b, |x: T, y: T| x.nonzero() && y.nonzero()),
        LOGICAL_OR => map2_small(d, o, a, b, |x: T, y: T| x.nonzero() || y.nonzero()),
        LOGICAL_XOR => map2_small(d, o, a, b, |x: T, y: T| x.nonzero() != y.nonzero()),
        _ => return ERR_BAD_OP,
    }
    OK
}

/// out = cond ? a : b. Operands of `Desc<4>`: 0 = out, 1 = cond, 2 = a, 3 = b.
///
/// # Safety
/// Pointers cover every offset of `d`.
#[inline(always)]
pub unsafe fn where_<T: Copy>(d: &Desc<4>, o: *mut T, c: *const bool, a: *const T, b: *const T) {
    d.for_each_row(|off, n, st| {
        let po = o.offset(off[0]);
        let pc = c.offset(off[1]);
        let pa = a.offset(off[2]);
        let pb = b.offset(off[3]);
        for i in 0..n as isize {
            *po.offset(i * st[0]) = if *pc.offset(i * st[1]) { *pa.offset(i * st[2]) } else { *pb.offset(i * st[3]) };
        }
    });
}
