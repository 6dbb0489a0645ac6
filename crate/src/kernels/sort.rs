//! Sorting: a stable merge sort per line (sort, argsort, topk, kthvalue), a
//! lexicographic sort of rows and run-length grouping (unique, unique_consecutive).
//! Values are compared as f64 (floating types, exact for every float dtype) or i64
//! (integers and bool), with NaN above every number as in PyTorch: last when
//! ascending, first when descending.

use crate::dtype::Elem;
use crate::strided::Desc;

/// A comparable sort key.
pub trait Key: Copy + PartialOrd {
    fn nan(self) -> bool;
}
impl Key for f64 {
    #[inline(always)]
    fn nan(self) -> bool {
        self.is_nan()
    }
}
impl Key for i64 {
    #[inline(always)]
    fn nan(self) -> bool {
        false
    }
}

/// Whether `a` must come strictly before `b`.
#[inline(always)]
pub fn before<K: Key>(a: K, b: K, descending: bool) -> bool {
    if descending {
        (a.nan() && !b.nan()) || a > b
    } else {
        !a.nan() && (b.nan() || a < b)
    }
}

/// Key equality for grouping: NaN equals nothing, -0.0 equals 0.0.
#[inline(always)]
fn same<K: Key>(a: K, b: K) -> bool {
    a == b
}

/// Sorts `perm` stably by `less` (bottom-up merge sort with insertion-sorted runs).
pub fn merge_sort(perm: &mut Vec<usize>, less: impl Fn(usize, usize) -> bool) {
    const RUN: usize = 16;
    let n = perm.len();
    for lo in (0..n).step_by(RUN) {
        let hi = (lo + RUN).min(n);
        for i in lo + 1..hi {
            let x = perm[i];
            let mut j = i;
            while j > lo && less(x, perm[j - 1]) {
                perm[j] = perm[j - 1];
                j -= 1;
            }
            perm[j] = x;
        }
    }
    let mut buf = vec![0usize; n];
    let mut width = RUN;
    while width < n {
        for lo in (0..n).step_by(2 * width) {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j, mut k) = (lo, mid, lo);
            while i < mid && j < hi {
                // equal keys take from the left run: stability
                if less(perm[j], perm[i]) {
                    buf[k] = perm[j];
                    j += 1;
                } else {
                    buf[k] = perm[i];
                    i += 1;
                }
                k += 1;
            }
            buf[k..k + mid - i].copy_from_slice(&perm[i..mid]);
            k += mid - i;
            buf[k..k + hi - j].copy_from_slice(&perm[j..hi]);
        }
        core::mem::swap(perm, &mut buf);
        width *= 2;
    }
}

#[inline(always)]
unsafe fn key_f<T: Elem>(p: *const T) -> f64 {
    (*p).to_f64()
}
#[inline(always)]
unsafe fn key_i<T: Elem>(p: *const T) -> i64 {
    (*p).to_i64()
}

/// An unsigned key whose order is PyTorch's sort order: numbers ascending with -0 equal
/// to 0, NaN above everything (floats via their f64 bits, integers offset by 2^63).
#[inline(always)]
fn order_key<T: Elem>(x: T) -> u64 {
    if T::FLOAT {
        let f = x.to_f64();
        if f.is_nan() {
            return u64::MAX;
        }
        let b = (if f == 0.0 { 0.0 } else { f }).to_bits();
        if b >> 63 == 1 { !b } else { b | 1 << 63 }
    } else {
        (x.to_i64() as u64) ^ 1 << 63
    }
}

/// Sorts each line and writes its first `k` elements: values (when `vals` is not null)
/// and their positions in the line. `d` walks the line starts (operand 0 = vals,
/// 1 = idx, 2 = input); along a line the strides are `sv`, `si`, `sa`.
///
/// Each element becomes (order key, position), the key complemented when descending;
/// sorting those pairs gives the stable order (equal keys keep their positions' order,
/// NaN last ascending and first descending, as in PyTorch).
///
/// # Safety
/// Pointers cover every line; k <= len.
#[allow(clippy::too_many_arguments)]
pub unsafe fn sort<T: Elem>(d: &Desc<3>, len: usize, k: usize, sv: isize, si: isize, sa: isize, vals: *mut T, idx: *mut i64, a: *const T, descending: bool) {
    let mut items: Vec<(u64, u32)> = Vec::with_capacity(len);
    d.for_each_row(|off, n, st| {
        for r in 0..n as isize {
            let pa = a.offset(off[2] + r * st[2]);
            items.clear();
            for j in 0..len {
                let key = order_key(*pa.offset(j as isize * sa));
                items.push((if descending { !key } else { key }, j as u32));
            }
            items.sort_unstable();
            let pi = idx.offset(off[1] + r * st[1]);
            for (j, &(_, p)) in items.iter().take(k).enumerate() {
                *pi.offset(j as isize * si) = p as i64;
            }
            if !vals.is_null() {
                let pv = vals.offset(off[0] + r * st[0]);
                for (j, &(_, p)) in items.iter().take(k).enumerate() {
                    *pv.offset(j as isize * sv) = *pa.offset(p as isize * sa);
                }
            }
        }
    });
}

/// Writes into `perm` the stable ascending lexicographic order of the `n` rows of the
/// contiguous `n` x `m` matrix `a`.
///
/// # Safety
/// `a` holds n * m values, `perm` n.
pub unsafe fn sort_rows<T: Elem>(n: usize, m: usize, a: *const T, perm: *mut i64) {
    let mut p: Vec<usize> = (0..n).collect();
    if T::FLOAT {
        let keys: Vec<f64> = (0..n * m).map(|i| key_f(a.add(i))).collect();
        merge_sort(&mut p, |x, y| row_before(&keys[x * m..x * m + m], &keys[y * m..y * m + m]));
    } else {
        let keys: Vec<i64> = (0..n * m).map(|i| key_i(a.add(i))).collect();
        merge_sort(&mut p, |x, y| row_before(&keys[x * m..x * m + m], &keys[y * m..y * m + m]));
    }
    for (i, &v) in p.iter().enumerate() {
        *perm.add(i) = v as i64;
    }
}

fn row_before<K: Key>(x: &[K], y: &[K]) -> bool {
    for (&a, &b) in x.iter().zip(y) {
        if before(a, b, false) {
            return true;
        }
        if before(b, a, false) {
            return false;
        }
    }
    false
}

/// Groups equal consecutive rows of the contiguous `n` x `m` matrix `a`: writes the first
/// row of each group to `out`, the group of row i to `inverse[perm[i]]` (or `inverse[i]`
/// when `perm` is null) and each group's size to `counts`; null outputs are skipped.
/// Returns the number of groups.
///
/// # Safety
/// `a` and `out` hold n * m values, `perm`/`inverse` n, `counts` up to n.
pub unsafe fn unique_consecutive<T: Elem>(n: usize, m: usize, a: *const T, perm: *const i64, out: *mut T, inverse: *mut i64, counts: *mut i64) -> usize {
    let equal = |i: usize, j: usize| -> bool {
        (0..m).all(|c| {
            let (x, y) = (a.add(i * m + c), a.add(j * m + c));
            if T::FLOAT { same(key_f(x), key_f(y)) } else { same(key_i(x), key_i(y)) }
        })
    };
    let mut groups = 0usize;
    for i in 0..n {
        if i == 0 || !equal(i - 1, i) {
            for c in 0..m {
                *out.add(groups * m + c) = *a.add(i * m + c);
            }
            if !counts.is_null() {
                *counts.add(groups) = 0;
            }
            groups += 1;
        }
        if !counts.is_null() {
            *counts.add(groups - 1) += 1;
        }
        if !inverse.is_null() {
            let at = if perm.is_null() { i } else { *perm.add(i) as usize };
            *inverse.add(at) = (groups - 1) as i64;
        }
    }
    groups
}
