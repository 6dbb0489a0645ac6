//! Decompositions of kernels/linalg.rs checked against naive references: cofactor
//! determinants, matrix products that must reconstruct the input, orthogonality, and
//! LAPACK's conventions (pivot info, Householder signs, leading-minor order), for odd
//! sizes, batches and non-contiguous strides.

use torchwasm::kernels::linalg::{self, last_error, Mat};
use torchwasm::status::{ERR_LINALG, OK};
use torchwasm::strided::Desc;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }
    fn vec(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.next()).collect()
    }
}

/// Row-major product of a (m x k) and b (k x n).
fn matmul(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> Vec<f64> {
    let mut c = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            c[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
        }
    }
    c
}

fn transpose(a: &[f64], m: usize, n: usize) -> Vec<f64> {
    let mut t = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            t[j * m + i] = a[i * n + j];
        }
    }
    t
}

fn identity(n: usize) -> Vec<f64> {
    let mut e = vec![0.0; n * n];
    for i in 0..n {
        e[i * n + i] = 1.0;
    }
    e
}

fn assert_close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol * (1.0 + w.abs()), "{what}[{i}]: {g} vs {w}");
    }
}

/// Laplace expansion along the first row.
fn cofactor_det(a: &[f64], n: usize) -> f64 {
    if n == 0 {
        return 1.0;
    }
    if n == 1 {
        return a[0];
    }
    let mut det = 0.0;
    for c in 0..n {
        let minor: Vec<f64> = (1..n).flat_map(|i| (0..n).filter(move |&j| j != c).map(move |j| (i, j))).map(|(i, j)| a[i * n + j]).collect();
        let sign = if c % 2 == 0 { 1.0 } else { -1.0 };
        det += sign * a[c] * cofactor_det(&minor, n - 1);
    }
    det
}

/// Stores `count` n x m matrices transposed (column-major) with a gap between batches,
/// so every kernel sees non-contiguous strides. Returns (buffer, batch stride).
fn strided_batch(mats: &[Vec<f64>], rows: usize, cols: usize) -> (Vec<f64>, isize) {
    let bs = rows * cols + 3;
    let mut buf = vec![f64::NAN; bs * mats.len()];
    for (b, m) in mats.iter().enumerate() {
        for i in 0..rows {
            for j in 0..cols {
                buf[b * bs + j * rows + i] = m[i * cols + j];
            }
        }
    }
    (buf, bs as isize)
}

fn read_strided(buf: &[f64], off: usize, rows: usize, cols: usize, rs: usize, cs: usize) -> Vec<f64> {
    (0..rows).flat_map(|i| (0..cols).map(move |j| (i, j))).map(|(i, j)| buf[off + i * rs + j * cs]).collect()
}

#[test]
fn det_matches_cofactor_expansion_batched_and_strided() {
    let mut rng = Rng(1);
    for n in [0usize, 1, 2, 3, 5, 6] {
        let mats: Vec<Vec<f64>> = (0..3).map(|_| rng.vec(n * n)).collect();
        let (mut buf, bs) = strided_batch(&mats, n, n);
        let d = Desc::<3>::new(&[3], [&[bs], &[1], &[1]]);
        let (mut det, mut sign, mut logabs) = (vec![0.0; 3], vec![0.0; 3], vec![0.0; 3]);
        let a = Mat::new(buf.as_mut_ptr(), 1, n as isize);
        unsafe {
            assert_eq!(linalg::det::<f64>(0, &d, n, a, det.as_mut_ptr(), std::ptr::null_mut()), OK);
            assert_eq!(linalg::det::<f64>(1, &d, n, a, sign.as_mut_ptr(), logabs.as_mut_ptr()), OK);
        }
        for b in 0..3 {
            let want = cofactor_det(&mats[b], n);
            assert!((det[b] - want).abs() <= 1e-12 * (1.0 + want.abs()), "n={n}: {} vs {want}", det[b]);
            assert!((sign[b] * logabs[b].exp() - want).abs() <= 1e-12 * (1.0 + want.abs()));
        }
    }
}

#[test]
fn det_of_singular_matrix_is_zero_and_slogdet_is_minus_inf() {
    let mut a = vec![1.0f32, 2.0, 2.0, 4.0];
    let (mut det, mut sign, mut logabs) = ([9.0f32], [9.0f32], [9.0f32]);
    let d = Desc::<3>::new(&[], [&[], &[], &[]]);
    let m = Mat::new(a.as_mut_ptr(), 2, 1);
    unsafe {
        linalg::det::<f32>(0, &d, 2, m, det.as_mut_ptr(), std::ptr::null_mut());
        linalg::det::<f32>(1, &d, 2, m, sign.as_mut_ptr(), logabs.as_mut_ptr());
    }
    assert_eq!(det[0], 0.0);
    assert_eq!(sign[0], 0.0);
    assert_eq!(logabs[0], f32::NEG_INFINITY);
}

#[test]
fn inverse_times_matrix_is_identity_for_f32_and_f64() {
    let mut rng = Rng(2);
    for n in [1usize, 2, 4, 7] {
        let mats: Vec<Vec<f64>> = (0..2).map(|_| rng.vec(n * n)).collect();
        let (mut buf, bs) = strided_batch(&mats, n, n);
        let mut out = vec![0.0; 2 * n * n];
        let d = Desc::<2>::new(&[2], [&[bs], &[(n * n) as isize]]);
        let st = unsafe { linalg::inv::<f64>(&d, n, Mat::new(buf.as_mut_ptr(), 1, n as isize), Mat::new(out.as_mut_ptr(), n as isize, 1)) };
        assert_eq!(st, OK);
        for b in 0..2 {
            let inv = &out[b * n * n..(b + 1) * n * n];
            assert_close(&matmul(&mats[b], inv, n, n, n), &identity(n), 1e-10, "A A^-1");
        }
        // float32 goes through the same f64 path
        let mut a32: Vec<f32> = mats[0].iter().map(|&x| x as f32).collect();
        let mut o32 = vec![0f32; n * n];
        let d1 = Desc::<2>::new(&[], [&[], &[]]);
        unsafe { linalg::inv::<f32>(&d1, n, Mat::new(a32.as_mut_ptr(), n as isize, 1), Mat::new(o32.as_mut_ptr(), n as isize, 1)) };
        let a64: Vec<f64> = a32.iter().map(|&x| x as f64).collect();
        let o64: Vec<f64> = o32.iter().map(|&x| x as f64).collect();
        assert_close(&matmul(&a64, &o64, n, n, n), &identity(n), 1e-4, "f32 A A^-1");
    }
}

#[test]
fn singular_matrix_reports_batch_and_first_zero_pivot() {
    // batch 0 invertible, batch 1 singular with its zero pivot at position 2
    let mut a = vec![2.0, 1.0, 1.0, 3.0, 1.0, 2.0, 2.0, 4.0];
    let mut out = vec![0.0; 8];
    let d = Desc::<2>::new(&[2], [&[4], &[4]]);
    let st = unsafe { linalg::inv::<f64>(&d, 2, Mat::new(a.as_mut_ptr(), 2, 1), Mat::new(out.as_mut_ptr(), 2, 1)) };
    assert_eq!(st, ERR_LINALG);
    assert_eq!(last_error().0, 1);
    assert_eq!(last_error().1, 2);
    // a zero first column: info 1
    let mut z = vec![0.0, 1.0, 0.0, 2.0];
    let mut b = vec![1.0, 1.0];
    let mut x = vec![0.0, 0.0];
    let d3 = Desc::<3>::new(&[], [&[], &[], &[]]);
    let st = unsafe {
        linalg::solve::<f64>(&d3, 2, 1, Mat::new(z.as_mut_ptr(), 2, 1), Mat::new(b.as_mut_ptr(), 1, 1), Mat::new(x.as_mut_ptr(), 1, 1))
    };
    assert_eq!(st, ERR_LINALG);
    assert_eq!(last_error().1, 1);
}

#[test]
fn solve_reconstructs_rhs_with_strided_operands() {
    let mut rng = Rng(3);
    for (n, k) in [(1usize, 1usize), (3, 2), (5, 4), (6, 1)] {
        let a = rng.vec(n * n);
        let b = rng.vec(n * k);
        let (mut abuf, _) = strided_batch(&[a.clone()], n, n);
        let (mut bbuf, _) = strided_batch(&[b.clone()], n, k);
        let mut x = vec![0.0; n * k * 2];
        let d = Desc::<3>::new(&[], [&[], &[], &[]]);
        let st = unsafe {
            linalg::solve::<f64>(
                &d, n, k, Mat::new(abuf.as_mut_ptr(), 1, n as isize), Mat::new(bbuf.as_mut_ptr(), 1, n as isize),
                Mat::new(x.as_mut_ptr(), 2 * k as isize, 2),
            )
        };
        assert_eq!(st, OK);
        let xs = read_strided(&x, 0, n, k, 2 * k, 2);
        assert_close(&matmul(&a, &xs, n, n, k), &b, 1e-10, "A X");
    }
}

#[test]
fn triangular_solve_reads_only_its_triangle() {
    let mut rng = Rng(4);
    let n = 5;
    let k = 3;
    for (upper, unit) in [(false, false), (true, false), (false, true), (true, true)] {
        let mut t = rng.vec(n * n);
        for i in 0..n {
            t[i * n + i] += 3.0 * t[i * n + i].signum();
        }
        // the triangle the kernel must use, with unit diagonal when asked
        let mut tri = t.clone();
        for i in 0..n {
            for j in 0..n {
                if (upper && j < i) || (!upper && j > i) {
                    tri[i * n + j] = 0.0;
                }
            }
            if unit {
                tri[i * n + i] = 1.0;
            }
        }
        let mut b = rng.vec(n * k);
        let mut x = vec![0.0; n * k];
        let d = Desc::<3>::new(&[], [&[], &[], &[]]);
        unsafe {
            linalg::solve_triangular::<f64>(
                &d, n, k, upper, unit, Mat::new(t.as_mut_ptr(), n as isize, 1), Mat::new(b.as_mut_ptr(), k as isize, 1),
                Mat::new(x.as_mut_ptr(), k as isize, 1),
            )
        };
        assert_close(&matmul(&tri, &x, n, n, k), &b, 1e-10, "T X");
    }
}

fn spd(rng: &mut Rng, n: usize) -> Vec<f64> {
    let m = rng.vec(n * n);
    let mut a = matmul(&m, &transpose(&m, n, n), n, n, n);
    for i in 0..n {
        a[i * n + i] += n as f64;
    }
    a
}

#[test]
fn cholesky_lower_and_upper_reconstruct() {
    let mut rng = Rng(5);
    for n in [1usize, 3, 4, 7] {
        let a = spd(&mut rng, n);
        // garbage in the triangle that must not be read
        let mut lower_only = a.clone();
        let mut upper_only = a.clone();
        for i in 0..n {
            for j in 0..n {
                if j > i {
                    lower_only[i * n + j] = 100.0;
                }
                if j < i {
                    upper_only[i * n + j] = -100.0;
                }
            }
        }
        let d = Desc::<2>::new(&[], [&[], &[]]);
        let mut l = vec![7.0; n * n];
        let mut u = vec![7.0; n * n];
        unsafe {
            assert_eq!(linalg::cholesky_batched::<f64>(&d, n, false, Mat::new(lower_only.as_mut_ptr(), n as isize, 1), Mat::new(l.as_mut_ptr(), n as isize, 1)), OK);
            assert_eq!(linalg::cholesky_batched::<f64>(&d, n, true, Mat::new(upper_only.as_mut_ptr(), n as isize, 1), Mat::new(u.as_mut_ptr(), n as isize, 1)), OK);
        }
        for i in 0..n {
            for j in 0..n {
                if j > i {
                    assert_eq!(l[i * n + j], 0.0);
                }
                if j < i {
                    assert_eq!(u[i * n + j], 0.0);
                }
            }
            assert!(l[i * n + i] > 0.0 && u[i * n + i] > 0.0);
        }
        assert_close(&matmul(&l, &transpose(&l, n, n), n, n, n), &a, 1e-10, "L L^T");
        assert_close(&matmul(&transpose(&u, n, n), &u, n, n, n), &a, 1e-10, "U^T U");
    }
}

#[test]
fn cholesky_reports_the_failing_leading_minor() {
    // leading minors: 1 > 0, det [[1,2],[2,1]] < 0
    let mut a = vec![1.0, 2.0, 0.0, 2.0, 1.0, 0.0, 0.0, 0.0, 1.0];
    let mut o = vec![0.0; 9];
    let d = Desc::<2>::new(&[], [&[], &[]]);
    let st = unsafe { linalg::cholesky_batched::<f64>(&d, 3, false, Mat::new(a.as_mut_ptr(), 3, 1), Mat::new(o.as_mut_ptr(), 3, 1)) };
    assert_eq!(st, ERR_LINALG);
    assert_eq!(last_error().1, 2);
    let mut nan = vec![f64::NAN];
    let st = unsafe { linalg::cholesky_batched::<f64>(&d, 1, false, Mat::new(nan.as_mut_ptr(), 1, 1), Mat::new(o.as_mut_ptr(), 1, 1)) };
    assert_eq!(st, ERR_LINALG);
}

fn check_orthonormal_columns(q: &[f64], m: usize, c: usize, what: &str) {
    assert_close(&matmul(&transpose(q, m, c), q, c, m, c), &identity(c), 1e-10, what);
}

#[test]
fn qr_reconstructs_with_lapack_signs_in_every_mode() {
    let mut rng = Rng(6);
    for (m, n) in [(5usize, 3usize), (4, 4), (3, 5), (1, 1), (6, 1)] {
        let a = rng.vec(m * n);
        let k = m.min(n);
        let (mut abuf, _) = strided_batch(&[a.clone()], m, n);
        let am = Mat::new(abuf.as_mut_ptr(), 1, m as isize);
        let d = Desc::<3>::new(&[], [&[], &[], &[]]);
        for mode in 0..3u32 {
            let (qc, rr) = if mode == 1 { (m, m) } else { (k, k) };
            let mut q = vec![0.0; m * qc];
            let mut r = vec![0.0; rr * n];
            unsafe {
                linalg::qr::<f64>(mode, &d, m, n, am, Mat::new(q.as_mut_ptr(), qc as isize, 1), Mat::new(r.as_mut_ptr(), n as isize, 1))
            };
            for i in 0..rr {
                for j in 0..i.min(n) {
                    assert_eq!(r[i * n + j], 0.0, "R is upper triangular");
                }
            }
            // dlarfg: R[0][0] = -sign(a00) * |a[:, 0]| when the column has more than one entry
            let col0 = (0..m).map(|i| a[i * n] * a[i * n]).sum::<f64>().sqrt();
            let want = if m > 1 { -col0.copysign(a[0]) } else { a[0] };
            assert!((r[0] - want).abs() < 1e-12, "R[0][0] {} vs {want}", r[0]);
            if mode != 2 {
                check_orthonormal_columns(&q, m, qc, "Q^T Q");
                assert_close(&matmul(&q, &r, m, qc, n), &a, 1e-10, "Q R");
            }
        }
    }
}

#[test]
fn svd_reconstructs_with_orthonormal_factors() {
    let mut rng = Rng(7);
    for (m, n) in [(4usize, 3usize), (3, 5), (5, 5), (1, 4), (4, 1)] {
        let mut a = rng.vec(m * n);
        if m == 5 && n == 5 {
            // rank 3: two zero singular values whose vectors must still be completed
            for i in 0..m {
                a[i * n + 3] = a[i * n] + a[i * n + 1];
                a[i * n + 4] = 2.0 * a[i * n + 2];
            }
        }
        let k = m.min(n);
        for full in [false, true] {
            let (uc, vr) = if full { (m, n) } else { (k, k) };
            let (mut abuf, _) = strided_batch(&[a.clone()], m, n);
            let mut u = vec![0.0; m * uc];
            let mut s = vec![0.0; 2 * k];
            let mut vh = vec![0.0; vr * n];
            let d = Desc::<4>::new(&[], [&[], &[], &[], &[]]);
            unsafe {
                linalg::svd_batched::<f64>(
                    &d, m, n, true, full, Mat::new(abuf.as_mut_ptr(), 1, m as isize), Mat::new(u.as_mut_ptr(), uc as isize, 1),
                    s.as_mut_ptr(), 2, Mat::new(vh.as_mut_ptr(), n as isize, 1),
                )
            };
            let s: Vec<f64> = (0..k).map(|i| s[2 * i]).collect();
            for i in 1..k {
                assert!(s[i - 1] >= s[i] && s[i] >= 0.0, "descending {:?}", s);
            }
            check_orthonormal_columns(&u, m, uc, "U^T U");
            check_orthonormal_columns(&transpose(&vh, vr, n), n, vr, "V^T V");
            let mut us = vec![0.0; m * k];
            for i in 0..m {
                for j in 0..k {
                    us[i * k + j] = u[i * uc + j] * s[j];
                }
            }
            assert_close(&matmul(&us, &vh[..k * n], m, k, n), &a, 1e-10, "U S Vh");
            // singular values squared are the eigenvalues of A^T A: compare traces
            let ata = matmul(&transpose(&a, m, n), &a, n, m, n);
            let tr: f64 = (0..n).map(|i| ata[i * n + i]).sum();
            assert!((s.iter().map(|x| x * x).sum::<f64>() - tr).abs() < 1e-10 * (1.0 + tr));
        }
        // values only agree with the vector path
        let mut abuf = a.clone();
        let mut s2 = vec![0.0; k];
        let d = Desc::<4>::new(&[], [&[], &[], &[], &[]]);
        unsafe {
            linalg::svd_batched::<f64>(
                &d, m, n, false, false, Mat::new(abuf.as_mut_ptr(), n as isize, 1), Mat::new(std::ptr::null_mut(), 0, 0),
                s2.as_mut_ptr(), 1, Mat::new(std::ptr::null_mut(), 0, 0),
            )
        };
        let ata = matmul(&transpose(&a, m, n), &a, n, m, n);
        let tr: f64 = (0..n).map(|i| ata[i * n + i]).sum();
        assert!((s2.iter().map(|x| x * x).sum::<f64>() - tr).abs() < 1e-10 * (1.0 + tr));
    }
}

#[test]
fn eigh_diagonalises_from_either_triangle() {
    let mut rng = Rng(8);
    for n in [1usize, 2, 3, 6] {
        let m = rng.vec(n * n);
        let a: Vec<f64> = (0..n * n).map(|i| m[i] + m[(i % n) * n + i / n]).collect();
        for upper in [false, true] {
            let mut half = a.clone();
            for i in 0..n {
                for j in 0..n {
                    if (upper && j < i) || (!upper && j > i) {
                        half[i * n + j] = 1e3;
                    }
                }
            }
            let mut w = vec![0.0; n];
            let mut v = vec![0.0; n * n];
            let d = Desc::<3>::new(&[], [&[], &[], &[]]);
            unsafe {
                linalg::eigh::<f64>(&d, n, upper, true, Mat::new(half.as_mut_ptr(), n as isize, 1), w.as_mut_ptr(), 1, Mat::new(v.as_mut_ptr(), n as isize, 1))
            };
            for i in 1..n {
                assert!(w[i - 1] <= w[i], "ascending");
            }
            check_orthonormal_columns(&v, n, n, "V^T V");
            let av = matmul(&a, &v, n, n, n);
            let mut vw = v.clone();
            for i in 0..n {
                for j in 0..n {
                    vw[i * n + j] *= w[j];
                }
            }
            assert_close(&av, &vw, 1e-10, "A V = V W");
        }
    }
}
