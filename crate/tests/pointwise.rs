//! Pointwise kernels (unary, binary, ternary) against naive per-element references,
//! over odd sizes with transposed, broadcast (stride 0) and stepped operands.

use torchwasm::kernels::{binary, ternary, unary};
use torchwasm::strided::Desc;

const R: usize = 3;
const C: usize = 7;

/// Values with both signs, zeros, halves, and magnitudes from 0.01 to 30.
fn sample(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|i| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let u = ((s >> 11) as f64) / ((1u64 << 53) as f64);
            match i % 9 {
                0 => 0.0,
                1 => 0.5,
                2 => -2.5,
                _ => (u - 0.5) * 12.0,
            }
        })
        .collect()
}

/// Element offset of (i, j) for each operand layout used below.
#[derive(Clone, Copy)]
enum Layout {
    /// row-major R x C
    Contig,
    /// stored C x R, read transposed
    Transposed,
    /// one row of C broadcast over R rows
    RowBroadcast,
    /// every other column of an R x 2C buffer
    Stepped,
}

impl Layout {
    fn strides(self) -> [isize; 2] {
        match self {
            Layout::Contig => [C as isize, 1],
            Layout::Transposed => [1, R as isize],
            Layout::RowBroadcast => [0, 1],
            Layout::Stepped => [2 * C as isize, 2],
        }
    }
    fn len(self) -> usize {
        match self {
            Layout::RowBroadcast => C,
            Layout::Stepped => 2 * R * C,
            _ => R * C,
        }
    }
    fn at(self, i: usize, j: usize) -> usize {
        let s = self.strides();
        (i as isize * s[0] + j as isize * s[1]) as usize
    }
}

fn close(a: f64, e: f64, tol: f64) -> bool {
    (a.is_nan() && e.is_nan()) || a == e || (a - e).abs() <= tol * (1.0 + e.abs())
}

fn check_binary_f64(op: u32, p: f64, reference: impl Fn(f64, f64) -> f64) {
    for (la, lb) in [(Layout::Contig, Layout::Contig), (Layout::Transposed, Layout::RowBroadcast), (Layout::Stepped, Layout::Transposed)] {
        let a = sample(la.len(), 1);
        let b = sample(lb.len(), 2);
        let mut o = vec![f64::NAN; R * C];
        let d = Desc::<3>::new(&[R, C], [&[C as isize, 1], &la.strides(), &lb.strides()]);
        let st = unsafe { binary::binary_float::<f64>(op, &d, o.as_mut_ptr(), a.as_ptr(), b.as_ptr(), p) };
        assert_eq!(st, 0);
        for i in 0..R {
            for j in 0..C {
                let (x, y) = (a[la.at(i, j)], b[lb.at(i, j)]);
                let e = reference(x, y);
                assert!(close(o[i * C + j], e, 1e-14), "op {op} ({x}, {y}): {} vs {e}", o[i * C + j]);
            }
        }
    }
}

fn check_ternary<T: Copy + PartialEq + core::fmt::Debug>(
    run: impl Fn(&Desc<4>, *mut T, *const T, *const T, *const T) -> i32,
    conv: impl Fn(f64) -> T,
    reference: impl Fn(T, T, T) -> T,
    eq: impl Fn(T, T) -> bool,
) {
    let layouts = [
        [Layout::Contig, Layout::Contig, Layout::Contig],
        [Layout::Transposed, Layout::RowBroadcast, Layout::Stepped],
        [Layout::Stepped, Layout::Transposed, Layout::RowBroadcast],
    ];
    for [la, lb, lc] in layouts {
        let a: Vec<T> = sample(la.len(), 3).into_iter().map(&conv).collect();
        let b: Vec<T> = sample(lb.len(), 4).into_iter().map(&conv).collect();
        let c: Vec<T> = sample(lc.len(), 5).into_iter().map(|v| if v == 0.0 { 1.5 } else { v }).map(&conv).collect();
        let mut o = vec![conv(0.0); R * C];
        let d = Desc::<4>::new(&[R, C], [&[C as isize, 1], &la.strides(), &lb.strides(), &lc.strides()]);
        assert_eq!(run(&d, o.as_mut_ptr(), a.as_ptr(), b.as_ptr(), c.as_ptr()), 0);
        for i in 0..R {
            for j in 0..C {
                let e = reference(a[la.at(i, j)], b[lb.at(i, j)], c[lc.at(i, j)]);
                assert!(eq(o[i * C + j], e), "({i}, {j}): {:?} vs {e:?}", o[i * C + j]);
            }
        }
    }
}

#[test]
fn lerp_tensor_weight_matches_two_sided_formula() {
    let reference = |a: f64, b: f64, w: f64| if w.abs() < 0.5 { a + w * (b - a) } else { b - (b - a) * (1.0 - w) };
    check_ternary(
        |d, o, a, b, c| unsafe { ternary::ternary_float::<f64>(ternary::LERP, d, o, a, b, c, 0.0) },
        |v| v,
        reference,
        |x, y| close(x, y, 0.0),
    );
    // weight 1 lands exactly on the end point
    assert_eq!(binary::lerp(0.1f32, 0.7f32, 1.0), 0.7);
}

#[test]
fn addcmul_addcdiv_float_and_int() {
    check_ternary(
        |d, o, a, b, c| unsafe { ternary::ternary_float::<f32>(ternary::ADDCMUL, d, o, a, b, c, 0.5) },
        |v| v as f32,
        |a, b, c| a + 0.5 * b * c,
        |x, y| x == y,
    );
    check_ternary(
        |d, o, a, b, c| unsafe { ternary::ternary_float::<f64>(ternary::ADDCDIV, d, o, a, b, c, -2.0) },
        |v| v,
        |a, b, c| a + -2.0 * b / c,
        |x, y| x == y,
    );
    check_ternary(
        |d, o, a, b, c| unsafe { ternary::ternary_int::<i32>(ternary::ADDCMUL, d, o, a, b, c, 3.0) },
        |v| v as i32,
        |a, b, c| a + 3 * b * c,
        |x, y| x == y,
    );
}

#[test]
fn clamp_with_tensor_bounds() {
    check_ternary(
        |d, o, a, b, c| unsafe { ternary::ternary_float::<f64>(ternary::CLAMP, d, o, a, b, c, 0.0) },
        |v| v,
        |x, lo, hi| x.max(lo).min(hi),
        |x, y| x == y,
    );
    check_ternary(
        |d, o, a, b, c| unsafe { ternary::ternary_int::<i64>(ternary::CLAMP, d, o, a, b, c, 0.0) },
        |v| v as i64,
        |x, lo, hi| x.max(lo).min(hi),
        |x, y| x == y,
    );
    // NaN in x passes; NaN in a bound gives NaN
    let d = Desc::<4>::new(&[3], [&[1], &[1], &[1], &[1]]);
    let (a, lo, hi) = ([f64::NAN, 5.0, 0.0], [0.0, f64::NAN, 1.0], [1.0, 9.0, -1.0]);
    let mut o = [0.0; 3];
    unsafe { ternary::ternary_float::<f64>(ternary::CLAMP, &d, o.as_mut_ptr(), a.as_ptr(), lo.as_ptr(), hi.as_ptr(), 0.0) };
    assert!(o[0].is_nan() && o[1].is_nan());
    assert_eq!(o[2], -1.0, "min > max gives max");
}

#[test]
fn binary_float_ops_against_std() {
    check_binary_f64(binary::POW, 0.0, |x, y| x.powf(y));
    check_binary_f64(binary::LOGADDEXP2, 0.0, |x, y| {
        let m = x.max(y);
        m + (1.0 + 2f64.powf(-(x - y).abs())).log2()
    });
    check_binary_f64(binary::LOGADDEXP, 0.0, |x, y| {
        let m = x.max(y);
        m + (-(x - y).abs()).exp().ln_1p()
    });
    check_binary_f64(binary::LERP, 0.3, |x, y| x + 0.3 * (y - x));
    check_binary_f64(binary::LERP, 0.75, |x, y| y - (y - x) * 0.25);
    check_binary_f64(binary::REMAINDER, 0.0, |x, y| {
        let m = x % y;
        if m != 0.0 && (m < 0.0) != (y < 0.0) { m + y } else { m }
    });
    check_binary_f64(binary::XLOGY, 0.0, |x, y| if y.is_nan() { f64::NAN } else if x == 0.0 { 0.0 } else { x * y.ln() });
}

#[test]
fn logaddexp2_of_equal_infinities() {
    let d = Desc::<3>::new(&[2], [&[1], &[1], &[1]]);
    let (a, b) = ([f64::INFINITY, f64::NEG_INFINITY], [f64::INFINITY, f64::NEG_INFINITY]);
    let mut o = [0.0; 2];
    unsafe { binary::binary_float::<f64>(binary::LOGADDEXP2, &d, o.as_mut_ptr(), a.as_ptr(), b.as_ptr(), 0.0) };
    assert_eq!(o, [f64::INFINITY, f64::NEG_INFINITY]);
}

fn unary_f32(op: u32, xs: &[f32], p1: f64, p2: f64, p3: f64) -> Vec<f32> {
    // read every other element of a buffer (stride 2) into a contiguous output
    let src: Vec<f32> = xs.iter().flat_map(|&x| [x, 1234.5]).collect();
    let d = Desc::<2>::new(&[xs.len()], [&[1], &[2]]);
    let mut o = vec![f32::NAN; xs.len()];
    assert_eq!(unsafe { unary::unary_float::<f32>(op, &d, o.as_mut_ptr(), src.as_ptr(), p1, p2, p3) }, 0);
    o
}

#[test]
fn unary_activations_follow_pytorch_formulas() {
    let xs: Vec<f32> = sample(11, 7).into_iter().map(|v| v as f32).chain([f32::NAN, -0.0, 3.0, -3.0]).collect();
    let same = |a: &[f32], e: &[f32]| {
        for (i, (x, y)) in a.iter().zip(e).enumerate() {
            assert!((x.is_nan() && y.is_nan()) || x == y, "element {i}: {x} vs {y}");
        }
    };
    let map = |f: &dyn Fn(f32) -> f32| xs.iter().map(|&x| f(x)).collect::<Vec<_>>();
    same(&unary_f32(unary::SILU, &xs, 0.0, 0.0, 0.0), &map(&|x| x / (1.0 + (-x).exp())));
    same(&unary_f32(unary::MISH, &xs, 0.0, 0.0, 0.0), &map(&|x| x * x.exp().ln_1p().tanh()));
    same(&unary_f32(unary::HARDSIGMOID, &xs, 0.0, 0.0, 0.0), &map(&|x| if x.is_nan() { x } else { (x + 3.0).max(0.0).min(6.0) / 6.0 }));
    same(
        &unary_f32(unary::SIGN, &xs, 0.0, 0.0, 0.0),
        &map(&|x| if x > 0.0 { 1.0 } else if x < 0.0 { -1.0 } else { 0.0 }),
    );
    same(&unary_f32(unary::SOFTSHRINK, &xs, 0.5, 0.0, 0.0), &map(&|x| if x > 0.5 { x - 0.5 } else if x < -0.5 { x + 0.5 } else { x * 0.0 }));
    same(&unary_f32(unary::POW_SCALAR, &xs, -0.5, 0.0, 0.0), &map(&|x| 1.0 / x.sqrt()));
    same(&unary_f32(unary::POW_SCALAR, &xs, -2.0, 0.0, 0.0), &map(&|x| 1.0 / (x * x)));
    same(&unary_f32(unary::POW_SCALAR, &xs, 1.7, 0.0, 0.0), &map(&|x| x.powf(1.7)));
}
