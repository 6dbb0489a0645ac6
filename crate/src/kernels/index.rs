//! Index-driven kernels: gather and scatter along a dim, advanced indexing, nonzero.
//! Index values are int64 (int32 too for advanced indexing). gather/scatter take indices
//! in [0, size) as PyTorch does; advanced indexing also counts negative ones from the end.
//! Indices are validated before anything is written, so a failing call changes nothing;
//! the offending value is left in `LAST_BAD_INDEX` for the error message.

use crate::dtype::Elem;
use crate::status::{ERR_INDEX, ERR_SIZE, OK};
use crate::strided::Desc;
use core::sync::atomic::{AtomicI64, Ordering::Relaxed};

/// Atomic: kernels may run on the threads build's workers (a plain store elsewhere).
pub static LAST_BAD_INDEX: AtomicI64 = AtomicI64::new(0);

/// Records the offending index value for the error message.
#[inline]
pub fn set_bad_index(v: i64) {
    LAST_BAD_INDEX.store(v, Relaxed);
}


pub const SCATTER_SET: u32 = 0;
pub const SCATTER_ADD: u32 = 1;
pub const SCATTER_MUL: u32 = 2;

/// Checks every index of operand `k` of `d` is in [0, size).
unsafe fn validate<const K: usize>(d: &Desc<K>, k: usize, idx: *const i64, size: i64) -> bool {
    let mut ok = true;
    d.for_each_row(|off, n, st| {
        if !ok {
            return;
        }
        let p = idx.offset(off[k]);
        for i in 0..n as isize {
            let j = *p.offset(i * st[k]);
            if j < 0 || j >= size {
                set_bad_index(j);
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
#[inline(always)]
pub unsafe fn gather<T: Elem>(d: &Desc<3>, o: *mut T, idx: *const i64, a: *const T, dim_stride: isize, dim_size: i64) -> i32 {
    if !validate(d, 1, idx, dim_size) {
        return ERR_INDEX;
    }
    d.for_each_row(|off, n, st| {
        let (po, pi, pa) = (o.offset(off[0]), idx.offset(off[1]), a.offset(off[2]));
        for i in 0..n as isize {
            let j = *pi.offset(i * st[1]);
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
#[inline(always)]
pub unsafe fn scatter<T: Elem>(mode: u32, d: &Desc<3>, s: *mut T, idx: *const i64, src: *const T, dim_stride: isize, dim_size: i64) -> i32 {
    if !validate(d, 1, idx, dim_size) {
        return ERR_INDEX;
    }
    d.for_each_row(|off, n, st| {
        let (ps, pi, pv) = (s.offset(off[0]), idx.offset(off[1]), src.offset(off[2]));
        for i in 0..n as isize {
            let j = *pi.offset(i * st[1]);
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

// ---------------------------------------------------------------------------
// Advanced indexing. An index expression x[..., i0, ..., i1, ...] becomes one offset
// per point of the broadcast index shape (sum of wrapped index * the dim's stride);
// gather and put then walk the result shape with the offsets as a third operand.
// Offsets are computed (and every index validated) before anything is written.

/// offs (+)= wrap(idx) * stride over the broadcast index space. Operands of `d`:
/// 0 = offs (int64), 1 = idx (int64 or int32, `I`). `init` overwrites instead of adding.
/// Returns ERR_INDEX (offs untouched) when an index is outside [-size, size), or outside
/// [0, size) without `wrap` (index_select and index_add take no negative indices).
///
/// # Safety
/// Pointers cover every offset.
#[allow(clippy::too_many_arguments)]
pub unsafe fn index_offsets<I: Elem>(d: &Desc<2>, offs: *mut i64, idx: *const I, size: i64, stride: i64, init: bool, wrap: bool) -> i32 {
    let lo = if wrap { -size } else { 0 };
    let mut ok = true;
    d.for_each_row(|off, n, st| {
        if !ok {
            return;
        }
        let p = idx.offset(off[1]);
        for i in 0..n as isize {
            let j = (*p.offset(i * st[1])).to_i64();
            if j < lo || j >= size {
                set_bad_index(j);
                ok = false;
                return;
            }
        }
    });
    if !ok {
        return ERR_INDEX;
    }
    d.for_each_row(|off, n, st| {
        let (po, pi) = (offs.offset(off[0]), idx.offset(off[1]));
        for i in 0..n as isize {
            let mut j = (*pi.offset(i * st[1])).to_i64();
            if j < 0 {
                j += size;
            }
            let o = po.offset(i * st[0]);
            *o = if init { j * stride } else { *o + j * stride };
        }
    });
    OK
}

/// out = src[offs] over the result shape. Operands of `d`: 0 = out, 1 = src (stride 0
/// on the index dims), 2 = offs (stride 0 on the other dims).
///
/// # Safety
/// Pointers cover every offset; offsets were made by index_offsets for `src`.
#[inline(always)]
pub unsafe fn index_gather<T: Elem>(d: &Desc<3>, o: *mut T, a: *const T, offs: *const i64) {
    d.for_each_row(|off, n, st| {
        let (po, pa, pf) = (o.offset(off[0]), a.offset(off[1]), offs.offset(off[2]));
        for i in 0..n as isize {
            *po.offset(i * st[0]) = *pa.offset(i * st[1] + *pf.offset(i * st[2]) as isize);
        }
    });
}

/// dst[offs] = v (or += v when `accumulate`) over the result shape. Operands of `d`:
/// 0 = dst (stride 0 on the index dims), 1 = values (broadcast), 2 = offs.
/// Points are visited in row-major order, so with repeated indices the last write wins.
///
/// # Safety
/// Pointers cover every offset; offsets were made by index_offsets for `dst`.
#[inline(always)]
pub unsafe fn index_put<T: Elem>(accumulate: bool, d: &Desc<3>, s: *mut T, v: *const T, offs: *const i64) {
    d.for_each_row(|off, n, st| {
        let (ps, pv, pf) = (s.offset(off[0]), v.offset(off[1]), offs.offset(off[2]));
        for i in 0..n as isize {
            let dst = ps.offset(i * st[0] + *pf.offset(i * st[2]) as isize);
            let x = *pv.offset(i * st[1]);
            *dst = if accumulate { add(*dst, x) } else { x };
        }
    });
}

// ---------------------------------------------------------------------------
// nonzero and repeat_interleave's index expansion.

/// Writes the coordinates of at most `limit` nonzero elements of `a` (row-major order)
/// as rows of `out` ([limit, nd] int64). The shape is not coalesced: one column per dim.
/// Returns the number of rows written.
///
/// # Safety
/// `a` covers `shape`/`strides`; `out` holds limit * nd values.
pub unsafe fn nonzero<T: Elem>(shape: &[usize], strides: &[isize], a: *const T, out: *mut i64, limit: usize) -> usize {
    let nd = shape.len();
    if shape.iter().any(|&s| s == 0) {
        return 0;
    }
    let mut idx = [0usize; crate::strided::MAX_DIMS];
    let mut off = 0isize;
    let mut count = 0usize;
    loop {
        if count < limit && (*a.offset(off)).nonzero() {
            for k in 0..nd {
                *out.add(count * nd + k) = idx[k] as i64;
            }
            count += 1;
        }
        // odometer step over the dims, last fastest
        let mut k = nd;
        loop {
            if k == 0 {
                return count;
            }
            k -= 1;
            idx[k] += 1;
            off += strides[k];
            if idx[k] < shape[k] {
                break;
            }
            off -= strides[k] * shape[k] as isize;
            idx[k] = 0;
        }
    }
}

/// out = [0]*counts[0] ++ [1]*counts[1] ++ ... (`total` values). Returns ERR_INDEX with the
/// offending count in LAST_BAD_INDEX when a count is negative, or ERR_SIZE when the counts
/// do not sum to `total`; nothing is written then.
///
/// # Safety
/// `counts` covers n values at `stride`; `out` holds `total` values.
pub unsafe fn repeat_interleave_counts(n: usize, counts: *const i64, stride: isize, out: *mut i64, total: usize) -> i32 {
    let mut sum = 0usize;
    for i in 0..n {
        let c = *counts.offset(i as isize * stride);
        if c < 0 {
            set_bad_index(c);
            return ERR_INDEX;
        }
        sum += c as usize;
    }
    if sum != total {
        return ERR_SIZE;
    }
    let mut p = 0usize;
    for i in 0..n {
        let c = *counts.offset(i as isize * stride) as usize;
        for _ in 0..c {
            *out.add(p) = i as i64;
            p += 1;
        }
    }
    OK
}


// ---------------------------------------------------------------------------
// tril / triu

/// out = tril(a, k) (or triu when `upper`) for each matrix of the batch. `d` walks the
/// batch dims (operand 0 = out, 1 = a); each matrix has `rows` x `cols` elements with
/// row/col strides `os` (out) and `as_` (a). `a` may be `out` itself.
///
/// # Safety
/// Pointers cover every offset.
#[allow(clippy::too_many_arguments)]
pub unsafe fn triangle<T: Elem>(upper: bool, k: i64, d: &Desc<2>, rows: usize, cols: usize, o: *mut T, os: [isize; 2], a: *const T, as_: [isize; 2]) {
    d.for_each_row(|off, n, st| {
        for b in 0..n as isize {
            let po = o.offset(off[0] + b * st[0]);
            let pa = a.offset(off[1] + b * st[1]);
            for i in 0..rows as isize {
                for j in 0..cols as isize {
                    let keep = if upper { j as i64 - i as i64 >= k } else { j as i64 - i as i64 <= k };
                    *po.offset(i * os[0] + j * os[1]) = if keep { *pa.offset(i * as_[0] + j * as_[1]) } else { T::default() };
                }
            }
        }
    });
}
