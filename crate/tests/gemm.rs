//! The blocked GEMM against a naive f64 reference: odd sizes, sizes crossing every
//! block boundary, all four transpose combinations, padded and strided layouts,
//! alpha/beta (beta = 0 must ignore NaN in C), matrix-vector shapes.

mod common;
use common::{assert_close, Rng};
use torchwasm::kernels::gemm::{gemm_strided, GemmFloat};
use torchwasm::num::Float;

/// How a logical r x c matrix is laid out in its buffer.
#[derive(Clone, Copy, Debug)]
enum Layout {
    RowMajor,
    ColMajor,
    /// row-major with a padded leading dim and every other column (stride 2)
    Strided,
}

struct Mat<T> {
    buf: Vec<T>,
    rs: isize,
    cs: isize,
}

fn layout<T: Float>(vals: &[f64], r: usize, c: usize, l: Layout, fill: T) -> Mat<T> {
    let (rs, cs, len) = match l {
        Layout::RowMajor => (c as isize, 1, r * c),
        Layout::ColMajor => (1, r as isize, r * c),
        Layout::Strided => ((2 * c + 3) as isize, 2, r * (2 * c + 3)),
    };
    let mut buf = vec![fill; len.max(1)];
    for i in 0..r {
        for j in 0..c {
            buf[(i as isize * rs + j as isize * cs) as usize] = T::f(vals[i * c + j]);
        }
    }
    Mat { buf, rs, cs }
}

fn read<T: Float>(m: &Mat<T>, r: usize, c: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(r * c);
    for i in 0..r {
        for j in 0..c {
            out.push(m.buf[(i as isize * m.rs + j as isize * m.cs) as usize].d());
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn check<T: GemmFloat>(rng: &mut Rng, m: usize, n: usize, k: usize, alpha: f64, beta: f64, la: Layout, lb: Layout, lc: Layout, tol: f64) {
    let av = rng.vec_f64(m * k);
    let bv = rng.vec_f64(k * n);
    let cv: Vec<f64> = if beta == 0.0 { vec![f64::NAN; m * n] } else { rng.vec_f64(m * n) };
    let a = layout::<T>(&av, m, k, la, T::f(0.0));
    let b = layout::<T>(&bv, k, n, lb, T::f(0.0));
    let mut c = layout::<T>(&cv, m, n, lc, T::f(f64::NAN));
    // the reference sees the inputs rounded to T
    let (ar, br, cr) = (read(&a, m, k), read(&b, k, n), read(&c, m, n));
    let mut want = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            let s: f64 = (0..k).map(|p| ar[i * k + p] * br[p * n + j]).sum();
            want[i * n + j] = alpha * s + if beta == 0.0 { 0.0 } else { beta * cr[i * n + j] };
        }
    }
    unsafe {
        gemm_strided::<T>(
            m, n, k, T::f(alpha), a.buf.as_ptr(), a.rs, a.cs, b.buf.as_ptr(), b.rs, b.cs, T::f(beta), c.buf.as_mut_ptr(), c.rs, c.cs,
        );
    }
    let what = format!("m={m} n={n} k={k} alpha={alpha} beta={beta} A {la:?} B {lb:?} C {lc:?}");
    assert_close(&read(&c, m, n), &want, tol, tol * (k as f64).sqrt(), &what);
    // elements outside the C view are untouched
    if let Layout::Strided = lc {
        for (idx, v) in c.buf.iter().enumerate() {
            let (i, rem) = (idx / c.rs as usize, idx % c.rs as usize);
            if i >= m || rem % 2 == 1 || rem / 2 >= n {
                assert!(v.d().is_nan(), "{what}: wrote outside C at {idx}");
            }
        }
    }
}

const LAYOUTS: [Layout; 3] = [Layout::RowMajor, Layout::ColMajor, Layout::Strided];

#[test]
fn odd_sizes_all_layouts_f32() {
    let mut rng = Rng::new(1);
    let sizes = [1, 2, 3, 4, 5, 7, 8, 9, 13, 17, 33];
    for &m in &sizes {
        for &n in &sizes {
            for &k in &[1, 3, 8, 19] {
                let la = LAYOUTS[rng.below(3)];
                let lb = LAYOUTS[rng.below(3)];
                let lc = LAYOUTS[rng.below(3)];
                check::<f32>(&mut rng, m, n, k, 1.0, 0.0, la, lb, lc, 1e-5);
            }
        }
    }
}

#[test]
fn all_transpose_combinations() {
    let mut rng = Rng::new(2);
    for la in LAYOUTS {
        for lb in LAYOUTS {
            for lc in LAYOUTS {
                check::<f32>(&mut rng, 37, 29, 41, 1.0, 0.0, la, lb, lc, 1e-5);
                check::<f64>(&mut rng, 23, 19, 31, 1.0, 0.0, la, lb, lc, 1e-12);
            }
        }
    }
}

#[test]
fn alpha_beta() {
    let mut rng = Rng::new(3);
    for &(alpha, beta) in &[(1.0, 0.0), (2.5, 0.0), (1.0, 1.0), (0.5, -1.5), (-1.0, 2.0), (0.0, 0.5), (0.0, 0.0)] {
        for &(m, n, k) in &[(9, 10, 11), (4, 8, 5), (1, 7, 6), (7, 1, 6), (12, 16, 300)] {
            check::<f32>(&mut rng, m, n, k, alpha, beta, Layout::RowMajor, Layout::RowMajor, Layout::RowMajor, 1e-5);
            check::<f64>(&mut rng, m, n, k, alpha, beta, Layout::ColMajor, Layout::RowMajor, Layout::Strided, 1e-12);
        }
    }
}

#[test]
fn beta_zero_ignores_nan_and_alpha_zero_ignores_operands() {
    let (m, n, k) = (5, 6, 7);
    let a = vec![f32::NAN; m * k];
    let b = vec![1.0f32; k * n];
    let mut c = vec![2.0f32; m * n];
    unsafe { gemm_strided::<f32>(m, n, k, 0.0, a.as_ptr(), k as isize, 1, b.as_ptr(), n as isize, 1, 3.0, c.as_mut_ptr(), n as isize, 1) };
    assert!(c.iter().all(|&v| v == 6.0), "alpha = 0 scales C only");
    let mut c = vec![f32::NAN; m * n];
    unsafe { gemm_strided::<f32>(m, n, 0, 1.0, a.as_ptr(), 0, 1, b.as_ptr(), n as isize, 1, 0.0, c.as_mut_ptr(), n as isize, 1) };
    assert!(c.iter().all(|&v| v == 0.0), "k = 0 with beta = 0 gives zeros");
}

#[test]
fn block_boundaries() {
    // KC = 512 (256 for f64), MC = 120 (96 for f64), NC = 2048 (1024 for f64): cross
    // each once
    let mut rng = Rng::new(4);
    check::<f32>(&mut rng, 70, 1100, 600, 1.0, 0.5, Layout::RowMajor, Layout::Strided, Layout::ColMajor, 1e-5);
    check::<f64>(&mut rng, 90, 1100, 300, 2.0, 0.0, Layout::ColMajor, Layout::RowMajor, Layout::RowMajor, 1e-12);
    check::<f32>(&mut rng, 133, 70, 515, 1.0, 0.5, Layout::RowMajor, Layout::ColMajor, Layout::RowMajor, 1e-5);
    check::<f32>(&mut rng, 6, 2061, 257, 1.5, 0.0, Layout::ColMajor, Layout::RowMajor, Layout::RowMajor, 1e-5);
    check::<f64>(&mut rng, 101, 1030, 260, 1.0, 1.0, Layout::RowMajor, Layout::Strided, Layout::ColMajor, 1e-12);
}

#[test]
fn matrix_vector_shapes() {
    let mut rng = Rng::new(5);
    for la in LAYOUTS {
        for lb in LAYOUTS {
            check::<f32>(&mut rng, 67, 1, 45, 1.0, 0.0, la, lb, Layout::RowMajor, 1e-5);
            check::<f32>(&mut rng, 1, 67, 45, 2.0, 1.0, la, lb, Layout::ColMajor, 1e-5);
            check::<f64>(&mut rng, 1, 1, 100, 1.0, 0.0, la, lb, Layout::RowMajor, 1e-12);
        }
    }
}
