//! Dense matrix decompositions for torch.linalg: LU with partial pivoting, Cholesky,
//! triangular solves, Householder QR, one-sided Jacobi SVD and the cyclic Jacobi
//! symmetric eigensolver.
//!
//! Each routine works on a row-major f64 copy of one matrix (float32 inputs are widened:
//! these factorizations lose digits quickly, and the copy is small next to the O(n^3)
//! work). The batched drivers at the end walk the leading (batch) dims of strided
//! operands described by a `Desc`, one matrix at a time, and report the first singular
//! or not positive-definite matrix through `ERROR_BATCH` / `ERROR_INFO`.

use crate::num::Float;
use crate::status::{ERR_LINALG, OK};
use crate::strided::Desc;
use std::cell::Cell;


thread_local! {
    /// (batch index, info) of the last ERR_LINALG: the batch index is row-major over the
    /// batch dims; info is LAPACK's, the 1-based index of the zero pivot / failing minor.
    static LAST_ERROR: Cell<(i32, i32)> = const { Cell::new((0, 0)) };
}

fn report(batch: usize, info: usize) {
    LAST_ERROR.with(|e| e.set((batch as i32, info as i32)));
}

/// (batch index, info) of the last ERR_LINALG on this thread.
pub fn last_error() -> (i32, i32) {
    LAST_ERROR.with(|e| e.get())
}

// ---------------------------------------------------------------------------
// Loading and storing strided matrices

/// A strided matrix: element (i, j) is at `p + i * rs + j * cs` (in elements).
#[derive(Clone, Copy)]
pub struct Mat<T> {
    pub p: *mut T,
    pub rs: isize,
    pub cs: isize,
}

impl<T: Float> Mat<T> {
    pub fn new(p: *mut T, rs: isize, cs: isize) -> Self {
        Mat { p, rs, cs }
    }
    /// The same matrix transposed (no data moves).
    pub fn t(self) -> Self {
        Mat { p: self.p, rs: self.cs, cs: self.rs }
    }
    unsafe fn at(self, off: isize) -> Self {
        Mat { p: self.p.offset(off), rs: self.rs, cs: self.cs }
    }
    /// Copies rows x cols elements into `dst` (row-major f64).
    unsafe fn load(self, rows: usize, cols: usize, dst: &mut [f64]) {
        for i in 0..rows {
            let r = self.p.offset(i as isize * self.rs);
            for j in 0..cols {
                dst[i * cols + j] = (*r.offset(j as isize * self.cs)).d();
            }
        }
    }
    /// Writes rows x cols elements of the row-major `src`.
    unsafe fn store(self, rows: usize, cols: usize, src: &[f64]) {
        for i in 0..rows {
            let r = self.p.offset(i as isize * self.rs);
            for j in 0..cols {
                *r.offset(j as isize * self.cs) = T::f(src[i * cols + j]);
            }
        }
    }
}

/// Jacobi sweeps before the SVD gives up converging further.
const MAX_SWEEPS: usize = 80;

// Small dense matrices in f64: none of this is on a hot path, so it is compiled for size.
crate::size_optimized! {
    /// Calls `f(batch_index, offsets)` for every matrix of the batch index space `d`.
    fn each_batch<const K: usize>(d: &Desc<K>, mut f: impl FnMut(usize, [isize; K])) {
        let mut b = 0;
        d.for_each_row(|off, n, st| {
            for i in 0..n as isize {
                let mut o = off;
                for k in 0..K {
                    o[k] += i * st[k];
                }
                f(b, o);
                b += 1;
            }
        });
    }

    /// each_batch until a matrix fails: `f(offsets)` returns LAPACK's info for its matrix
    /// (0: it succeeded). The first nonzero info is reported with its batch index, the
    /// matrices after it are skipped, and the result is ERR_LINALG (else OK).
    fn each_batch_checked<const K: usize>(d: &Desc<K>, mut f: impl FnMut([isize; K]) -> usize) -> i32 {
        let mut status = OK;
        each_batch(d, |b, off| {
            if status != OK {
                return;
            }
            let info = f(off);
            if info > 0 {
                report(b, info);
                status = ERR_LINALG;
            }
        });
        status
    }

    // ---------------------------------------------------------------------------
    // LU with partial pivoting (LAPACK getf2)

    /// Factors the n x n row-major `a` in place as P A = L U (L unit lower, U upper).
    /// `piv[j]` is the row swapped with row j at step j. Returns (info, sign of P): info
    /// is the 1-based index of the first exactly-zero pivot, 0 when there is none; the
    /// elimination continues past it as LAPACK's does, so det and info match.
    pub fn lu(a: &mut [f64], n: usize, piv: &mut [usize]) -> (usize, f64) {
        let mut info = 0;
        let mut sign = 1.0;
        for j in 0..n {
            let mut p = j;
            let mut best = a[j * n + j].abs();
            for i in j + 1..n {
                let v = a[i * n + j].abs();
                if v > best {
                    best = v;
                    p = i;
                }
            }
            piv[j] = p;
            if a[p * n + j] != 0.0 {
                if p != j {
                    for c in 0..n {
                        a.swap(j * n + c, p * n + c);
                    }
                    sign = -sign;
                }
                let d = a[j * n + j];
                for i in j + 1..n {
                    a[i * n + j] /= d;
                }
            } else if info == 0 {
                info = j + 1;
            }
            for i in j + 1..n {
                let l = a[i * n + j];
                if l != 0.0 {
                    for c in j + 1..n {
                        a[i * n + c] -= l * a[j * n + c];
                    }
                }
            }
        }
        (info, sign)
    }

    /// Solves A X = B in place of the row-major n x k `b`, from `lu`'s factors of A.
    pub fn lu_solve(lu: &[f64], n: usize, piv: &[usize], b: &mut [f64], k: usize) {
        for j in 0..n {
            if piv[j] != j {
                for c in 0..k {
                    b.swap(j * k + c, piv[j] * k + c);
                }
            }
        }
        triangular_solve(lu, n, b, k, false, true);
        triangular_solve(lu, n, b, k, true, false);
    }

    /// Solves T X = B in place of the row-major n x k `b`, reading only T's `upper` (or
    /// lower) triangle of the row-major n x n `t`; `unit` takes its diagonal as ones.
    /// A zero diagonal gives infinities or NaNs, as LAPACK's trsm does.
    pub fn triangular_solve(t: &[f64], n: usize, b: &mut [f64], k: usize, upper: bool, unit: bool) {
        let mut step = |i: usize, range: core::ops::Range<usize>| {
            for c in 0..k {
                let mut s = b[i * k + c];
                for j in range.clone() {
                    s -= t[i * n + j] * b[j * k + c];
                }
                b[i * k + c] = if unit { s } else { s / t[i * n + i] };
            }
        };
        if upper {
            for i in (0..n).rev() {
                step(i, i + 1..n);
            }
        } else {
            for i in 0..n {
                step(i, 0..i);
            }
        }
    }

    // ---------------------------------------------------------------------------
    // Cholesky (LAPACK potf2, lower)

    /// Overwrites the lower triangle of the row-major n x n `a` with L (A = L L^T), reading
    /// only A's lower triangle, and zeroes the strict upper triangle. Returns 0, or the order
    /// of the first leading minor that is not positive-definite (NaN included).
    pub fn cholesky(a: &mut [f64], n: usize) -> usize {
        for j in 0..n {
            let mut d = a[j * n + j];
            for k in 0..j {
                d -= a[j * n + k] * a[j * n + k];
            }
            if !(d > 0.0) {
                return j + 1;
            }
            let d = d.sqrt();
            a[j * n + j] = d;
            for i in j + 1..n {
                let mut s = a[i * n + j];
                for k in 0..j {
                    s -= a[i * n + k] * a[j * n + k];
                }
                a[i * n + j] = s / d;
            }
        }
        for i in 0..n {
            for j in i + 1..n {
                a[i * n + j] = 0.0;
            }
        }
        0
    }

    // ---------------------------------------------------------------------------
    // Householder QR (LAPACK geqr2 + org2r, same reflector convention)

    /// Factors the row-major m x n `a` in place: R on and above the diagonal, the
    /// Householder vectors below it (implicit leading 1), `tau[j]` their scales. As in
    /// LAPACK's dlarfg, R[j][j] = -sign(a[j][j]) * norm of the column, and a column that
    /// is already reduced gets tau = 0 (no reflection, so its sign is kept).
    pub fn householder_qr(a: &mut [f64], m: usize, n: usize, tau: &mut [f64]) {
        for j in 0..m.min(n) {
            let alpha = a[j * n + j];
            let mut xnorm = 0.0f64;
            for i in j + 1..m {
                xnorm = xnorm.hypot(a[i * n + j]);
            }
            if xnorm == 0.0 {
                tau[j] = 0.0;
                continue;
            }
            let beta = -alpha.hypot(xnorm).copysign(alpha);
            tau[j] = (beta - alpha) / beta;
            let scale = 1.0 / (alpha - beta);
            for i in j + 1..m {
                a[i * n + j] *= scale;
            }
            a[j * n + j] = beta;
            // apply H = I - tau v v^T to the trailing columns
            for c in j + 1..n {
                let mut w = a[j * n + c];
                for i in j + 1..m {
                    w += a[i * n + j] * a[i * n + c];
                }
                w *= tau[j];
                a[j * n + c] -= w;
                for i in j + 1..m {
                    a[i * n + c] -= a[i * n + j] * w;
                }
            }
        }
    }

    /// Forms the first `qc` columns of Q = H_0 H_1 ... H_{k-1} (row-major m x qc) from
    /// `householder_qr`'s output `a` (m x n) and `tau`.
    pub fn householder_q(a: &[f64], m: usize, n: usize, tau: &[f64], q: &mut [f64], qc: usize) {
        for i in 0..m {
            for c in 0..qc {
                q[i * qc + c] = if i == c { 1.0 } else { 0.0 };
            }
        }
        for j in (0..m.min(n)).rev() {
            if tau[j] == 0.0 {
                continue;
            }
            for c in j..qc {
                let mut w = q[j * qc + c];
                for i in j + 1..m {
                    w += a[i * n + j] * q[i * qc + c];
                }
                w *= tau[j];
                q[j * qc + c] -= w;
                for i in j + 1..m {
                    q[i * qc + c] -= a[i * n + j] * w;
                }
            }
        }
    }

    // ---------------------------------------------------------------------------
    // Orthonormal completion

    /// Makes columns `c` of the row-major m x cols `u` with `!filled[c]` orthonormal to
    /// every other column, by Gram-Schmidt (twice) on the unit vectors e_0, e_1, ...
    pub fn complete_orthonormal(u: &mut [f64], m: usize, cols: usize, filled: &mut [bool]) {
        let mut v = vec![0.0; m];
        let mut t = 0;
        for c in 0..cols {
            if filled[c] {
                continue;
            }
            while t < m {
                v.iter_mut().for_each(|x| *x = 0.0);
                v[t] = 1.0;
                t += 1;
                for _ in 0..2 {
                    for o in 0..cols {
                        if !filled[o] {
                            continue;
                        }
                        let dot: f64 = (0..m).map(|i| u[i * cols + o] * v[i]).sum();
                        for i in 0..m {
                            v[i] -= dot * u[i * cols + o];
                        }
                    }
                }
                let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
                if norm > 0.5 {
                    for i in 0..m {
                        u[i * cols + c] = v[i] / norm;
                    }
                    filled[c] = true;
                    break;
                }
            }
        }
    }

    // ---------------------------------------------------------------------------
    // SVD by one-sided Jacobi (Hestenes)


    /// Singular values of the m x n matrix `a` (m >= n), stored column-major (column j at
    /// `a[j * m..]`, so the rotations stream through contiguous columns), into `s`
    /// (descending); with `vectors`, U (m x n) into `u` and V (n x n) into `v`, both
    /// row-major. `a` is destroyed. Columns of U for zero singular values are completed.
    fn jacobi_svd_tall(a: &mut [f64], m: usize, n: usize, s: &mut [f64], u: &mut [f64], v: &mut [f64], vectors: bool) {
        // V column-major as well: column j at vc[j * n..]
        let mut vc = vec![0.0; if vectors { n * n } else { 0 }];
        if vectors {
            for j in 0..n {
                vc[j * n + j] = 1.0;
            }
        }
        for _ in 0..MAX_SWEEPS {
            let mut rotated = false;
            for p in 0..n {
                for q in p + 1..n {
                    let (cp, cq) = (&a[p * m..(p + 1) * m], &a[q * m..(q + 1) * m]);
                    let (mut alpha, mut beta, mut gamma) = (0.0, 0.0, 0.0);
                    for (x, y) in cp.iter().zip(cq) {
                        alpha += x * x;
                        beta += y * y;
                        gamma += x * y;
                    }
                    if gamma == 0.0 || gamma.abs() <= f64::EPSILON * (alpha * beta).sqrt() {
                        continue;
                    }
                    if !(gamma.is_finite() && alpha.is_finite() && beta.is_finite()) {
                        continue;
                    }
                    rotated = true;
                    let zeta = (beta - alpha) / (2.0 * gamma);
                    let t = 1.0f64.copysign(zeta) / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                    let c = 1.0 / (1.0 + t * t).sqrt();
                    let sn = c * t;
                    rotate_columns(a, m, p, q, c, sn);
                    if vectors {
                        rotate_columns(&mut vc, n, p, q, c, sn);
                    }
                }
            }
            if !rotated {
                break;
            }
        }
        // column norms are the singular values; sort descending (stable)
        let norms: Vec<f64> = (0..n).map(|j| a[j * m..(j + 1) * m].iter().map(|x| x * x).sum::<f64>().sqrt()).collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&x, &y| norms[y].partial_cmp(&norms[x]).unwrap_or(core::cmp::Ordering::Equal));
        for (k, &j) in order.iter().enumerate() {
            s[k] = norms[j];
        }
        if !vectors {
            return;
        }
        let smax = s.first().copied().unwrap_or(0.0);
        let tiny = smax * f64::EPSILON * (m.max(n) as f64);
        let mut filled = vec![false; n];
        for (k, &j) in order.iter().enumerate() {
            for i in 0..n {
                v[i * n + k] = vc[j * n + i];
            }
            let sk = norms[j];
            if sk > tiny && sk > 0.0 {
                for i in 0..m {
                    u[i * n + k] = a[j * m + i] / sk;
                }
                filled[k] = true;
            }
        }
        complete_orthonormal(u, m, n, &mut filled);
    }

    /// Applies the rotation [c s; -s c] to columns p < q of the column-major `a` (len rows).
    fn rotate_columns(a: &mut [f64], rows: usize, p: usize, q: usize, c: f64, s: f64) {
        let (head, tail) = a.split_at_mut(q * rows);
        let cp = &mut head[p * rows..(p + 1) * rows];
        let cq = &mut tail[..rows];
        for (x, y) in cp.iter_mut().zip(cq.iter_mut()) {
            let (xp, yq) = (*x, *y);
            *x = c * xp - s * yq;
            *y = s * xp + c * yq;
        }
    }

    /// SVD of the row-major m x n `a`: S (k = min(m, n), descending) into `s`; with
    /// `vectors`, U (m x uc) and Vh (vr x n), row-major, where uc = vr = k for the reduced
    /// SVD and uc = m, vr = n for the full one (the extra columns complete the bases).
    #[allow(clippy::too_many_arguments)]
    pub fn svd(a: &[f64], m: usize, n: usize, s: &mut [f64], u: &mut [f64], vh: &mut [f64], vectors: bool, full: bool) {
        let k = m.min(n);
        let (uc, vr) = if full { (m, n) } else { (k, k) };
        // work on the tall orientation: A (m >= n) or A^T
        let tall = m >= n;
        let (tm, tn) = if tall { (m, n) } else { (n, m) };
        // column-major copy of the tall matrix: A's columns, or A^T's (= A's rows, as stored)
        let mut w = vec![0.0; tm * tn];
        if tall {
            for i in 0..m {
                for j in 0..n {
                    w[j * m + i] = a[i * n + j];
                }
            }
        } else {
            w.copy_from_slice(&a[..m * n]);
        }
        let mut tu = vec![0.0; if vectors { tm * tn } else { 0 }];
        let mut tv = vec![0.0; if vectors { tn * tn } else { 0 }];
        jacobi_svd_tall(&mut w, tm, tn, s, &mut tu, &mut tv, vectors);
        if !vectors {
            return;
        }
        // tall: A = TU S TV^T.  wide: A^T = TU S TV^T, so A = TV S TU^T.
        let (left, lrows, right, rrows) = if tall { (&tu, m, &tv, n) } else { (&tv, m, &tu, n) };
        // left (lrows x k) -> U (m x uc); right (rrows x k) -> V, written transposed into Vh
        let mut ufull = vec![0.0; m * uc];
        let mut ufilled = vec![false; uc];
        for i in 0..lrows {
            for c in 0..k {
                ufull[i * uc + c] = left[i * k + c];
            }
        }
        ufilled[..k].iter_mut().for_each(|f| *f = true);
        complete_orthonormal(&mut ufull, m, uc, &mut ufilled);
        u[..m * uc].copy_from_slice(&ufull);
        let mut vfull = vec![0.0; n * vr];
        let mut vfilled = vec![false; vr];
        for i in 0..rrows {
            for c in 0..k {
                vfull[i * vr + c] = right[i * k + c];
            }
        }
        vfilled[..k].iter_mut().for_each(|f| *f = true);
        complete_orthonormal(&mut vfull, n, vr, &mut vfilled);
        for r in 0..vr {
            for j in 0..n {
                vh[r * n + j] = vfull[j * vr + r];
            }
        }
    }

    // ---------------------------------------------------------------------------
    // Symmetric eigendecomposition by cyclic Jacobi rotations

    /// Eigenvalues (ascending) of the symmetric row-major n x n `a` into `w`, and with
    /// `vectors` the orthonormal eigenvectors as the columns of the row-major `v`.
    /// `a` must hold the full symmetric matrix; it is destroyed.
    pub fn symmetric_eigen(a: &mut [f64], n: usize, w: &mut [f64], v: &mut [f64], vectors: bool) {
        // eigenvectors column-major (column j at vc[j * n..]) so their rotations are contiguous
        let mut vc = vec![0.0; if vectors { n * n } else { 0 }];
        if vectors {
            for i in 0..n {
                vc[i * n + i] = 1.0;
            }
        }
        let mut rp = vec![0.0; n];
        let mut rq = vec![0.0; n];
        for _ in 0..MAX_SWEEPS {
            let mut rotated = false;
            for p in 0..n {
                for q in p + 1..n {
                    let apq = a[p * n + q];
                    let (app, aqq) = (a[p * n + p], a[q * n + q]);
                    // negligible next to the diagonal: its effect on the eigenvalues is second order
                    if apq == 0.0 || apq.abs() <= 0.5 * f64::EPSILON * (app.abs() + aqq.abs()) * 1e-2 {
                        continue;
                    }
                    rotated = true;
                    let theta = (aqq - app) / (2.0 * apq);
                    let t = 1.0f64.copysign(theta) / (theta.abs() + (theta * theta + 1.0).sqrt());
                    let c = 1.0 / (t * t + 1.0).sqrt();
                    let s = t * c;
                    // A <- J^T A J only changes rows and columns p and q; A stays symmetric, so
                    // compute the new rows (contiguous) and mirror them into the columns
                    for k in 0..n {
                        let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                        rp[k] = c * apk - s * aqk;
                        rq[k] = s * apk + c * aqk;
                    }
                    rp[p] = app - t * apq;
                    rq[q] = aqq + t * apq;
                    rp[q] = 0.0;
                    rq[p] = 0.0;
                    a[p * n..(p + 1) * n].copy_from_slice(&rp);
                    a[q * n..(q + 1) * n].copy_from_slice(&rq);
                    for k in 0..n {
                        a[k * n + p] = rp[k];
                        a[k * n + q] = rq[k];
                    }
                    if vectors {
                        rotate_columns(&mut vc, n, p, q, c, s);
                    }
                }
            }
            if !rotated {
                break;
            }
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&x, &y| a[x * n + x].partial_cmp(&a[y * n + y]).unwrap_or(core::cmp::Ordering::Equal));
        for (k, &j) in order.iter().enumerate() {
            w[k] = a[j * n + j];
            if vectors {
                for i in 0..n {
                    v[i * n + k] = vc[j * n + i];
                }
            }
        }
    }

    // ---------------------------------------------------------------------------
    // Batched drivers over strided operands

    /// det (mode 0: into `o1`) or (sign, log|det|) (mode 1: into `o1`, `o2`) of every
    /// n x n matrix of `a`. Operands of `d`: a, o1, o2.
    ///
    /// # Safety
    /// The pointers cover every matrix / element the strides reach.
    pub unsafe fn det<T: Float>(mode: u32, d: &Desc<3>, n: usize, a: Mat<T>, o1: *mut T, o2: *mut T) -> i32 {
        let mut buf = vec![0.0; n * n];
        let mut piv = vec![0usize; n];
        each_batch(d, |_, off| {
            a.at(off[0]).load(n, n, &mut buf);
            let (info, mut sign) = lu(&mut buf, n, &mut piv);
            if mode == 0 {
                let mut det = sign;
                for i in 0..n {
                    det *= buf[i * n + i];
                }
                *o1.offset(off[1]) = T::f(det);
            } else {
                let mut logabs = 0.0;
                if info > 0 {
                    sign = 0.0;
                    logabs = f64::NEG_INFINITY;
                } else {
                    for i in 0..n {
                        let x = buf[i * n + i];
                        if x < 0.0 {
                            sign = -sign;
                        }
                        logabs += x.abs().ln();
                    }
                }
                *o1.offset(off[1]) = T::f(sign);
                *o2.offset(off[2]) = T::f(logabs);
            }
        });
        OK
    }

    /// Inverse of every n x n matrix of `a` into `o`. Operands of `d`: a, o.
    ///
    /// # Safety
    /// The pointers cover every matrix the strides reach.
    pub unsafe fn inv<T: Float>(d: &Desc<2>, n: usize, a: Mat<T>, o: Mat<T>) -> i32 {
        let mut buf = vec![0.0; n * n];
        let mut x = vec![0.0; n * n];
        let mut piv = vec![0usize; n];
        each_batch_checked(d, |off| {
            a.at(off[0]).load(n, n, &mut buf);
            let (info, _) = lu(&mut buf, n, &mut piv);
            if info == 0 {
                for i in 0..n {
                    for j in 0..n {
                        x[i * n + j] = if i == j { 1.0 } else { 0.0 };
                    }
                }
                lu_solve(&buf, n, &piv, &mut x, n);
                o.at(off[1]).store(n, n, &x);
            }
            info
        })
    }

    /// X = A^-1 B for every n x n A and n x k B. Operands of `d`: a, b, x.
    ///
    /// # Safety
    /// The pointers cover every matrix the strides reach.
    pub unsafe fn solve<T: Float>(d: &Desc<3>, n: usize, k: usize, a: Mat<T>, b: Mat<T>, x: Mat<T>) -> i32 {
        let mut buf = vec![0.0; n * n];
        let mut rhs = vec![0.0; n * k];
        let mut piv = vec![0usize; n];
        each_batch_checked(d, |off| {
            a.at(off[0]).load(n, n, &mut buf);
            let (info, _) = lu(&mut buf, n, &mut piv);
            if info == 0 {
                b.at(off[1]).load(n, k, &mut rhs);
                lu_solve(&buf, n, &piv, &mut rhs, k);
                x.at(off[2]).store(n, k, &rhs);
            }
            info
        })
    }

    /// X = T^-1 B for every triangular n x n T (its `upper` or lower triangle; `unit`
    /// diagonal) and n x k B. Operands of `d`: t, b, x.
    ///
    /// # Safety
    /// The pointers cover every matrix the strides reach.
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn solve_triangular<T: Float>(d: &Desc<3>, n: usize, k: usize, upper: bool, unit: bool, t: Mat<T>, b: Mat<T>, x: Mat<T>) -> i32 {
        let mut tb = vec![0.0; n * n];
        let mut rhs = vec![0.0; n * k];
        each_batch(d, |_, off| {
            t.at(off[0]).load(n, n, &mut tb);
            b.at(off[1]).load(n, k, &mut rhs);
            triangular_solve(&tb, n, &mut rhs, k, upper, unit);
            x.at(off[2]).store(n, k, &rhs);
        });
        OK
    }

    /// Cholesky factor of every n x n matrix of `a` into `o`: lower L (A = L L^T) from A's
    /// lower triangle, or with `upper` U (A = U^T U) from A's upper triangle.
    /// Operands of `d`: a, o.
    ///
    /// # Safety
    /// The pointers cover every matrix the strides reach.
    pub unsafe fn cholesky_batched<T: Float>(d: &Desc<2>, n: usize, upper: bool, a: Mat<T>, o: Mat<T>) -> i32 {
        // upper: U^T is the lower factor of A^T, whose lower triangle is A's upper one
        let (a, o) = if upper { (a.t(), o.t()) } else { (a, o) };
        let mut buf = vec![0.0; n * n];
        each_batch_checked(d, |off| {
            a.at(off[0]).load(n, n, &mut buf);
            let info = cholesky(&mut buf, n);
            if info == 0 {
                o.at(off[1]).store(n, n, &buf);
            }
            info
        })
    }

    /// QR of every m x n matrix of `a`. mode 0 (reduced): Q m x k, R k x n; mode 1
    /// (complete): Q m x m, R m x n; mode 2 ('r'): R k x n only. Operands of `d`: a, q, r.
    ///
    /// # Safety
    /// The pointers cover every matrix the strides reach.
    pub unsafe fn qr<T: Float>(mode: u32, d: &Desc<3>, m: usize, n: usize, a: Mat<T>, q: Mat<T>, r: Mat<T>) -> i32 {
        let k = m.min(n);
        let (qc, rr) = if mode == 1 { (m, m) } else { (k, k) };
        let mut buf = vec![0.0; m * n];
        let mut tau = vec![0.0; k];
        let mut qb = vec![0.0; m * qc];
        let mut rb = vec![0.0; rr * n];
        each_batch(d, |_, off| {
            a.at(off[0]).load(m, n, &mut buf);
            householder_qr(&mut buf, m, n, &mut tau);
            for i in 0..rr {
                for j in 0..n {
                    rb[i * n + j] = if j >= i && i < m { buf[i * n + j] } else { 0.0 };
                }
            }
            r.at(off[2]).store(rr, n, &rb);
            if mode != 2 {
                householder_q(&buf, m, n, &tau, &mut qb, qc);
                q.at(off[1]).store(m, qc, &qb);
            }
        });
        OK
    }

    /// SVD of every m x n matrix of `a`: S (k = min(m, n)) into `s` (stride `ss`); with
    /// `vectors`, U into `u` and Vh into `vh`: m x k and k x n, or with `full` m x m and
    /// n x n. Operands of `d`: a, u, s, vh.
    ///
    /// # Safety
    /// The pointers cover every matrix the strides reach.
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn svd_batched<T: Float>(
        d: &Desc<4>, m: usize, n: usize, vectors: bool, full: bool, a: Mat<T>, u: Mat<T>, s: *mut T, ss: isize, vh: Mat<T>,
    ) -> i32 {
        let k = m.min(n);
        let (uc, vr) = if full { (m, n) } else { (k, k) };
        let mut buf = vec![0.0; m * n];
        let mut sb = vec![0.0; k];
        let mut ub = vec![0.0; if vectors { m * uc } else { 0 }];
        let mut vb = vec![0.0; if vectors { vr * n } else { 0 }];
        each_batch(d, |_, off| {
            a.at(off[0]).load(m, n, &mut buf);
            svd(&buf, m, n, &mut sb, &mut ub, &mut vb, vectors, full);
            let sp = s.offset(off[2]);
            for (i, &x) in sb.iter().enumerate() {
                *sp.offset(i as isize * ss) = T::f(x);
            }
            if vectors {
                u.at(off[1]).store(m, uc, &ub);
                vh.at(off[3]).store(vr, n, &vb);
            }
        });
        OK
    }

    /// Eigenvalues (ascending, into `w` with stride `sw`) and with `vectors` eigenvectors
    /// (columns of `v`) of every symmetric n x n matrix of `a`, read from its lower (or
    /// `upper`) triangle. Operands of `d`: a, w, v.
    ///
    /// # Safety
    /// The pointers cover every matrix the strides reach.
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn eigh<T: Float>(d: &Desc<3>, n: usize, upper: bool, vectors: bool, a: Mat<T>, w: *mut T, sw: isize, v: Mat<T>) -> i32 {
        let mut buf = vec![0.0; n * n];
        let mut wb = vec![0.0; n];
        let mut vb = vec![0.0; if vectors { n * n } else { 0 }];
        each_batch(d, |_, off| {
            a.at(off[0]).load(n, n, &mut buf);
            for i in 0..n {
                for j in i + 1..n {
                    // mirror the triangle that is read onto the other one
                    if upper {
                        buf[j * n + i] = buf[i * n + j];
                    } else {
                        buf[i * n + j] = buf[j * n + i];
                    }
                }
            }
            symmetric_eigen(&mut buf, n, &mut wb, &mut vb, vectors);
            let wp = w.offset(off[1]);
            for (i, &x) in wb.iter().enumerate() {
                *wp.offset(i as isize * sw) = T::f(x);
            }
            if vectors {
                v.at(off[2]).store(n, n, &vb);
            }
        });
        OK
    }
}
