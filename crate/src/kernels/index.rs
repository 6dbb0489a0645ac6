//! Index-driven kernels: gather and scatter along a dim.
//! Index values are int64; negative values count from the end as in PyTorch.
//! Indices are validated before anything is written, so a failing call changes nothing;
//! the offending value is left in `LAST_BAD_INDEX` for the error message.

use crate::dtype::Elem;
use crate::strided::Desc;

pub static mut LAST_BAD_INDEX: i64 = 0;

pub const OK: i32 = 0;
pub const ERR_INDEX: i32 = 3;

pub const SCATTER_SET: u32 = 0;
pub const SCATTER_ADD: u32 = 1;
pub const SCATTER_MUL: u32 = 2;

/// Checks every index of operand `k` of `d` against `size`.
unsafe fn validate<const K: usize>(d: &Desc<K>, k: usize, idx: *const i64, size: i64) -> bool {
    let mut ok = true;
    d.for_each_row(|off, n, st| {
        if !ok {
            return;
        }
        let p = idx.offset(off[k]);
        for i in 0..n as isize {
            let j = *p.offset(i * st[k]);
            if j < -size || j >= size {
                LAST_BAD_INDEX = j;
                ok = false;
                return;
            }
        }
    });
    ok
}

/// out = inp[.., idx, ..] along one dim. Operands of `d` (index/out shape):
/// 0 = out, 1 = idx, 2 = inp with the dim's stride set to 0; `dim_stride`/`dim_size` are inp's.
///
/// # Safety
/// Pointers cover every offset.
pub unsafe fn gather<T: Elem>(d: &Desc<3>, o: *mut T, idx: *const i64, a: *const T, dim_stride: isize, dim_size: i64) -> i32 {
    if !validate(d, 1, idx, dim_size) {
        return ERR_INDEX;
    }
    d.for_each_row(|off, n, st| {
        let (po, pi, pa) = (o.offset(off[0]), idx.offset(off[1]), a.offset(off[2]));
        for i in 0..n as isize {
            let mut j = *pi.offset(i * st[1]);
            if j < 0 {
                j += dim_size;
            }
            *po.offset(i * st[0]) = *pa.offset(i * st[2] + j as isize * dim_stride);
        }
    });
    OK
}

/// self[.., idx, ..] (op)= src over the index's shape. Operands of `d`:
/// 0 = self with the dim's stride set to 0, 1 = idx, 2 = src (stride 0 everywhere for a scalar).
///
/// # Safety
/// Pointers cover every offset.
pub unsafe fn scatter<T: Elem>(mode: u32, d: &Desc<3>, s: *mut T, idx: *const i64, src: *const T, dim_stride: isize, dim_size: i64) -> i32 {
    if !validate(d, 1, idx, dim_size) {
        return ERR_INDEX;
    }
    d.for_each_row(|off, n, st| {
        let (ps, pi, pv) = (s.offset(off[0]), idx.offset(off[1]), src.offset(off[2]));
        for i in 0..n as isize {
            let mut j = *pi.offset(i * st[1]);
            if j < 0 {
                j += dim_size;
            }
            let dst = ps.offset(i * st[0] + j as isize * dim_stride);
            let v = *pv.offset(i * st[2]);
            *dst = match mode {
                SCATTER_ADD => add(*dst, v),
                SCATTER_MUL => mul(*dst, v),
                _ => v,
            };
        }
    });
    OK
}

#[inline(always)]
fn add<T: Elem>(a: T, b: T) -> T {
    if T::FLOAT {
        T::from_f64(a.to_f64() + b.to_f64())
    } else if T::DT == crate::dtype::BOOL {
        T::from_bool(a.nonzero() || b.nonzero())
    } else {
        T::from_i64(a.to_i64().wrapping_add(b.to_i64()))
    }
}

#[inline(always)]
fn mul<T: Elem>(a: T, b: T) -> T {
    if T::FLOAT {
        T::from_f64(a.to_f64() * b.to_f64())
    } else if T::DT == crate::dtype::BOOL {
        T::from_bool(a.nonzero() && b.nonzero())
    } else {
        T::from_i64(a.to_i64().wrapping_mul(b.to_i64()))
    }
}
