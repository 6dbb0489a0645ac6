//! Reductions, scans, softmax and order statistics against naive references, over odd
//! sizes, every dim, transposed (non-contiguous) inputs and reversed lines.

use torchwasm::dtype::{F32, F64, I64};
use torchwasm::status;
use torchwasm::kernels::lines;
use torchwasm::kernels::reduce::{self, Acc};
use torchwasm::strided::Desc;

/// Deterministic pseudo-random values in [-2, 2), with some exact ties.
fn data(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|i| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let v = ((s >> 33) as f64 / (1u64 << 31) as f64) * 4.0 - 2.0;
            if i % 7 == 3 { 0.5 } else { v }
        })
        .collect()
}

fn contiguous_strides(shape: &[usize]) -> Vec<isize> {
    let mut st = vec![0isize; shape.len()];
    let mut s = 1isize;
    for i in (0..shape.len()).rev() {
        st[i] = s;
        s *= shape[i] as isize;
    }
    st
}

/// Element offsets of every index of `shape` under `strides`, row-major.
fn offsets(shape: &[usize], strides: &[isize]) -> Vec<isize> {
    let mut out = vec![0isize];
    for (d, &n) in shape.iter().enumerate() {
        out = out.iter().flat_map(|&o| (0..n as isize).map(move |i| o + i * strides[d])).collect();
    }
    out
}

/// A logical [shape] tensor stored either contiguously or with its dims permuted in memory.
struct Input {
    shape: Vec<usize>,
    strides: Vec<isize>,
    mem: Vec<f64>,
    /// values in logical row-major order
    logical: Vec<f64>,
}

fn input(shape: &[usize], perm: &[usize], seed: u64) -> Input {
    // memory holds the permuted tensor contiguously; strides map logical dims into it
    let pshape: Vec<usize> = perm.iter().map(|&p| shape[p]).collect();
    let pst = contiguous_strides(&pshape);
    let mut strides = vec![0isize; shape.len()];
    for (i, &p) in perm.iter().enumerate() {
        strides[p] = pst[i];
    }
    let n: usize = shape.iter().product();
    let mem = data(n, seed);
    let logical = offsets(shape, &strides).iter().map(|&o| mem[o as usize]).collect();
    Input { shape: shape.to_vec(), strides, mem, logical }
}

fn as_f32(v: &[f64]) -> Vec<f32> {
    v.iter().map(|&x| x as f32).collect()
}

/// Runs reduce::reduce of `op` over `dims` of `x` as f64 (or f32) and returns f64 results.
fn run_reduce(op: u32, x: &Input, dims: &[usize], p1: f64, f32_input: bool) -> Vec<f64> {
    let kept: Vec<usize> = (0..x.shape.len()).filter(|d| !dims.contains(d)).collect();
    let kshape: Vec<usize> = kept.iter().map(|&d| x.shape[d]).collect();
    let kin: Vec<isize> = kept.iter().map(|&d| x.strides[d]).collect();
    let kout = contiguous_strides(&kshape);
    let rshape: Vec<usize> = dims.iter().map(|&d| x.shape[d]).collect();
    let rin: Vec<isize> = dims.iter().map(|&d| x.strides[d]).collect();
    let outer = Desc::<2>::new(&kshape, [&kout, &kin]);
    let inner = Desc::<1>::new(&rshape, [&rin]);
    let n: usize = kshape.iter().product();
    let mut out = vec![0f64; n];
    let status = unsafe {
        if f32_input {
            let m = as_f32(&x.mem);
            reduce::reduce::<f32>(op, &outer, &inner, F64, out.as_mut_ptr() as *mut u8, m.as_ptr(), p1)
        } else {
            reduce::reduce::<f64>(op, &outer, &inner, F64, out.as_mut_ptr() as *mut u8, x.mem.as_ptr(), p1)
        }
    };
    assert_eq!(status, 0);
    out
}

/// The values each output reduces, in row-major order of the reduced dims.
fn groups(x: &Input, dims: &[usize]) -> Vec<Vec<f64>> {
    let kept: Vec<usize> = (0..x.shape.len()).filter(|d| !dims.contains(d)).collect();
    let lst = contiguous_strides(&x.shape);
    let kshape: Vec<usize> = kept.iter().map(|&d| x.shape[d]).collect();
    let kst: Vec<isize> = kept.iter().map(|&d| lst[d]).collect();
    let rshape: Vec<usize> = dims.iter().map(|&d| x.shape[d]).collect();
    let rst: Vec<isize> = dims.iter().map(|&d| lst[d]).collect();
    let ro = offsets(&rshape, &rst);
    offsets(&kshape, &kst).iter().map(|&k| ro.iter().map(|&r| x.logical[(k + r) as usize]).collect()).collect()
}

fn reference(op: u32, v: &[f64], p: f64) -> f64 {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    match op {
        reduce::SUM => v.iter().sum(),
        reduce::MEAN => mean,
        reduce::PROD => v.iter().product(),
        reduce::AMAX | reduce::AMIN if v.iter().any(|x| x.is_nan()) => f64::NAN,
        reduce::AMAX => v.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
        reduce::AMIN => v.iter().cloned().fold(f64::INFINITY, f64::min),
        reduce::VAR | reduce::STD => {
            let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - p).max(0.0);
            if op == reduce::STD { var.sqrt() } else { var }
        }
        reduce::NORM => {
            if p == f64::INFINITY {
                v.iter().map(|x| x.abs()).fold(0.0, f64::max)
            } else if p == f64::NEG_INFINITY {
                v.iter().map(|x| x.abs()).fold(f64::INFINITY, f64::min)
            } else if p == 0.0 {
                v.iter().filter(|&&x| x != 0.0).count() as f64
            } else {
                v.iter().map(|x| x.abs().powf(p)).sum::<f64>().powf(1.0 / p)
            }
        }
        reduce::LOGSUMEXP => {
            let m = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            m + v.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
        }
        reduce::NANSUM => v.iter().filter(|x| !x.is_nan()).sum(),
        reduce::NANMEAN => {
            let ok: Vec<f64> = v.iter().cloned().filter(|x| !x.is_nan()).collect();
            ok.iter().sum::<f64>() / ok.len() as f64
        }
        reduce::ALL => v.iter().all(|&x| x != 0.0) as u8 as f64,
        reduce::ANY => v.iter().any(|&x| x != 0.0) as u8 as f64,
        reduce::COUNT_NONZERO => v.iter().filter(|&&x| x != 0.0).count() as f64,
        _ => unreachable!(),
    }
}

fn close(a: f64, e: f64, tol: f64) -> bool {
    if e.is_nan() {
        return a.is_nan();
    }
    if e.is_infinite() {
        return a == e;
    }
    (a - e).abs() <= tol * (1.0 + e.abs())
}

const SHAPE: [usize; 3] = [5, 37, 3];
const PERMS: [[usize; 3]; 3] = [[0, 1, 2], [2, 0, 1], [1, 2, 0]];
const DIM_SETS: [&[usize]; 7] = [&[0], &[1], &[2], &[0, 1], &[0, 2], &[1, 2], &[0, 1, 2]];

#[test]
fn reductions_match_reference_over_every_dim_set_and_layout() {
    let ops: [(u32, f64); 17] = [
        (reduce::SUM, 0.0), (reduce::MEAN, 0.0), (reduce::PROD, 0.0), (reduce::AMAX, 0.0), (reduce::AMIN, 0.0),
        (reduce::VAR, 1.0), (reduce::VAR, 0.0), (reduce::STD, 1.0), (reduce::NORM, 2.0), (reduce::NORM, 1.0),
        (reduce::NORM, 3.0), (reduce::NORM, f64::INFINITY), (reduce::NORM, f64::NEG_INFINITY), (reduce::NORM, 0.0),
        (reduce::LOGSUMEXP, 0.0), (reduce::ALL, 0.0), (reduce::COUNT_NONZERO, 0.0),
    ];
    for (pi, perm) in PERMS.iter().enumerate() {
        let x = input(&SHAPE, perm, pi as u64 + 1);
        for dims in DIM_SETS {
            let g = groups(&x, dims);
            for &(op, p) in &ops {
                let got = run_reduce(op, &x, dims, p, false);
                for (k, v) in g.iter().enumerate() {
                    let e = reference(op, v, p);
                    assert!(close(got[k], e, 1e-9), "op {op} p {p} perm {perm:?} dims {dims:?} out {k}: {} vs {e}", got[k]);
                }
                let got32 = run_reduce(op, &x, dims, p, true);
                let g32: Vec<Vec<f64>> = g.iter().map(|v| v.iter().map(|&y| y as f32 as f64).collect()).collect();
                for (k, v) in g32.iter().enumerate() {
                    let e = reference(op, v, p);
                    assert!(close(got32[k], e, 1e-9), "f32 op {op} p {p} dims {dims:?} out {k}: {} vs {e}", got32[k]);
                }
            }
        }
    }
}

#[test]
fn nan_handling_and_empty_regions() {
    let mut x = input(&[4, 6], &[1, 0], 9);
    // a NaN in logical row 1 (column 2)
    let o = (x.strides[0] + 2 * x.strides[1]) as usize;
    x.mem[o] = f64::NAN;
    x.logical[6 + 2] = f64::NAN;
    for op in [reduce::AMAX, reduce::AMIN, reduce::SUM, reduce::LOGSUMEXP, reduce::NANSUM, reduce::NANMEAN] {
        for dims in [&[1usize][..], &[0], &[0, 1]] {
            let got = run_reduce(op, &x, dims, 0.0, false);
            for (k, v) in groups(&x, dims).iter().enumerate() {
                assert!(close(got[k], reference(op, v, 0.0), 1e-9), "op {op} dims {dims:?} out {k}: {}", got[k]);
            }
        }
    }
    // a reduced dim of size 0: identities (sum 0, prod 1, all true, mean NaN, logsumexp -inf)
    let outer = Desc::<2>::new(&[3], [&[1], &[0]]);
    let inner = Desc::<1>::new(&[0], [&[1]]);
    let src = [0f32; 1];
    for (op, e) in [(reduce::SUM, 0.0), (reduce::PROD, 1.0), (reduce::ALL, 1.0), (reduce::ANY, 0.0), (reduce::MEAN, f64::NAN), (reduce::LOGSUMEXP, f64::NEG_INFINITY)] {
        let mut out = [7f64; 3];
        unsafe { reduce::reduce::<f32>(op, &outer, &inner, F64, out.as_mut_ptr() as *mut u8, src.as_ptr(), 0.0) };
        assert!(out.iter().all(|&v| close(v, e, 0.0)), "op {op}: {out:?}");
    }
    // logsumexp with infinities
    let v = [f32::NEG_INFINITY, f32::NEG_INFINITY, 1.0, f32::INFINITY];
    let outer = Desc::<2>::new(&[], [&[], &[]]);
    for (n, e) in [(2usize, f64::NEG_INFINITY), (3, 1.0), (4, f64::INFINITY)] {
        let inner = Desc::<1>::new(&[n], [&[1]]);
        let mut out = [0f64];
        unsafe { reduce::reduce::<f32>(reduce::LOGSUMEXP, &outer, &inner, F64, out.as_mut_ptr() as *mut u8, v.as_ptr(), 0.0) };
        assert_eq!(out[0], e);
    }
}

#[test]
fn integer_reductions_are_exact() {
    let big: [i64; 4] = [i64::MAX - 3, 1, 2, -5];
    let outer = Desc::<2>::new(&[], [&[], &[]]);
    let inner = Desc::<1>::new(&[4], [&[1]]);
    let cases = [(reduce::SUM, i64::MAX - 5), (reduce::AMAX, i64::MAX - 3), (reduce::AMIN, -5), (reduce::COUNT_NONZERO, 4)];
    for (op, e) in cases {
        let mut out = [0i64];
        unsafe { reduce::reduce::<i64>(op, &outer, &inner, I64, out.as_mut_ptr() as *mut u8, big.as_ptr(), 0.0) };
        assert_eq!(out[0], e, "op {op}");
    }
    // argmax distinguishes int64 values f64 cannot
    let v: [i64; 3] = [(1 << 60) + 1, (1 << 60) + 2, 1 << 60];
    let (mut vals, mut idx) = ([0i64], [0i64]);
    let inner = Desc::<1>::new(&[3], [&[1]]);
    unsafe { reduce::reduce_arg::<i64>(reduce::ARGMAX, &outer, &inner, vals.as_mut_ptr(), idx.as_mut_ptr(), v.as_ptr()) };
    assert_eq!((vals[0], idx[0]), ((1 << 60) + 2, 1));
    // float-only ops reject integers
    let mut out = [0i64];
    let st = unsafe { reduce::reduce::<i64>(reduce::MEAN, &outer, &inner, I64, out.as_mut_ptr() as *mut u8, v.as_ptr(), 0.0) };
    assert_eq!(st, status::ERR_BAD_OP);
    let _ = Acc::I(0);
}

#[test]
fn argmax_argmin_first_extreme_and_nan() {
    for (pi, perm) in PERMS.iter().enumerate() {
        let x = input(&SHAPE, perm, 20 + pi as u64);
        for dims in DIM_SETS {
            let g = groups(&x, dims);
            for op in [reduce::ARGMAX, reduce::ARGMIN] {
                let kept: Vec<usize> = (0..3).filter(|d| !dims.contains(d)).collect();
                let kshape: Vec<usize> = kept.iter().map(|&d| x.shape[d]).collect();
                let kin: Vec<isize> = kept.iter().map(|&d| x.strides[d]).collect();
                let kout = contiguous_strides(&kshape);
                let rshape: Vec<usize> = dims.iter().map(|&d| x.shape[d]).collect();
                let rin: Vec<isize> = dims.iter().map(|&d| x.strides[d]).collect();
                let outer = Desc::<2>::new(&kshape, [&kout, &kin]);
                let inner = Desc::<1>::new(&rshape, [&rin]);
                let mut vals = vec![0f64; g.len()];
                let mut idx = vec![0i64; g.len()];
                unsafe { reduce::reduce_arg::<f64>(op, &outer, &inner, vals.as_mut_ptr(), idx.as_mut_ptr(), x.mem.as_ptr()) };
                for (k, v) in g.iter().enumerate() {
                    let mut bi = 0;
                    for (i, &y) in v.iter().enumerate() {
                        if (op == reduce::ARGMAX && y > v[bi]) || (op == reduce::ARGMIN && y < v[bi]) {
                            bi = i;
                        }
                    }
                    assert_eq!((idx[k], vals[k]), (bi as i64, v[bi]), "op {op} dims {dims:?} out {k}");
                }
            }
        }
    }
    let v = [1.0f32, 3.0, f32::NAN, 3.0, f32::NAN];
    let outer = Desc::<2>::new(&[], [&[], &[]]);
    let inner = Desc::<1>::new(&[5], [&[1]]);
    let (mut vals, mut idx) = ([0f32], [0i64]);
    unsafe { reduce::reduce_arg::<f32>(reduce::ARGMIN, &outer, &inner, vals.as_mut_ptr(), idx.as_mut_ptr(), v.as_ptr()) };
    assert!(vals[0].is_nan() && idx[0] == 2);
    let w = [1.0f32, 3.0, 0.0, 3.0];
    let inner = Desc::<1>::new(&[4], [&[1]]);
    unsafe { reduce::reduce_arg::<f32>(reduce::ARGMAX, &outer, &inner, vals.as_mut_ptr(), idx.as_mut_ptr(), w.as_ptr()) };
    assert_eq!((vals[0], idx[0]), (3.0, 1));
}

/// Line layout of dim `dim` of `x`: (outer desc over the other dims, len, in stride), with out contiguous.
fn line_desc(shape: &[usize], in_strides: &[isize], dim: usize) -> (Desc<2>, usize, isize, isize) {
    let ost = contiguous_strides(shape);
    let others: Vec<usize> = (0..shape.len()).filter(|&d| d != dim).collect();
    let s: Vec<usize> = others.iter().map(|&d| shape[d]).collect();
    let so: Vec<isize> = others.iter().map(|&d| ost[d]).collect();
    let si: Vec<isize> = others.iter().map(|&d| in_strides[d]).collect();
    (Desc::<2>::new(&s, [&so, &si]), shape[dim], ost[dim], in_strides[dim])
}

/// The logical lines along `dim` (each as values), in the order of the other dims.
fn lines_of(x: &Input, dim: usize) -> Vec<Vec<f64>> {
    let others: Vec<usize> = (0..x.shape.len()).filter(|&d| d != dim).collect();
    let mut dims = others.clone();
    dims.push(dim);
    let lst = contiguous_strides(&x.shape);
    let oshape: Vec<usize> = others.iter().map(|&d| x.shape[d]).collect();
    let ost: Vec<isize> = others.iter().map(|&d| lst[d]).collect();
    offsets(&oshape, &ost)
        .iter()
        .map(|&o| (0..x.shape[dim]).map(|j| x.logical[(o + j as isize * lst[dim]) as usize]).collect())
        .collect()
}

/// Where element j of line `li` along `dim` lands in a contiguous out.
fn out_pos(shape: &[usize], dim: usize, li: usize, j: usize) -> usize {
    let others: Vec<usize> = (0..shape.len()).filter(|&d| d != dim).collect();
    let ost = contiguous_strides(shape);
    let oshape: Vec<usize> = others.iter().map(|&d| shape[d]).collect();
    let st: Vec<isize> = others.iter().map(|&d| ost[d]).collect();
    (offsets(&oshape, &st)[li] + j as isize * ost[dim]) as usize
}

#[test]
fn scans_match_reference_forward_and_reversed() {
    for (pi, perm) in PERMS.iter().enumerate() {
        let x = input(&SHAPE, perm, 40 + pi as u64);
        let n = x.mem.len();
        for dim in 0..3 {
            for reverse in [false, true] {
                for op in [lines::CUMSUM, lines::CUMPROD, lines::CUMMAX, lines::CUMMIN, lines::LOGCUMSUMEXP] {
                    let (d, len, so, si) = line_desc(&x.shape, &x.strides, dim);
                    let mut out = vec![0f64; n];
                    let mut idx = vec![0i64; n];
                    let shift = (len as isize - 1) * if reverse { 1 } else { 0 };
                    let (so2, si2) = if reverse { (-so, -si) } else { (so, si) };
                    unsafe {
                        lines::scan::<f64>(
                            op, &d, len, so2, si2,
                            out.as_mut_ptr().offset(shift * so), x.mem.as_ptr().offset(shift * si), idx.as_mut_ptr().offset(shift * so),
                        )
                    };
                    for (li, line) in lines_of(&x, dim).iter().enumerate() {
                        let order: Vec<usize> = if reverse { (0..len).rev().collect() } else { (0..len).collect() };
                        let mut acc = match op { lines::CUMPROD => 1.0, lines::LOGCUMSUMEXP => f64::NEG_INFINITY, _ => 0.0 };
                        let mut best_i = 0usize;
                        for (step, &j) in order.iter().enumerate() {
                            let v = line[j];
                            match op {
                                lines::CUMSUM => acc += v,
                                lines::CUMPROD => acc *= v,
                                lines::LOGCUMSUMEXP => acc = if acc == f64::NEG_INFINITY { v } else { acc.max(v) + (-(acc - v).abs()).exp().ln_1p() },
                                _ => {
                                    if step == 0 || (op == lines::CUMMAX && v >= acc) || (op == lines::CUMMIN && v <= acc) {
                                        acc = v;
                                        best_i = step;
                                    }
                                }
                            }
                            let pos = out_pos(&x.shape, dim, li, j);
                            assert!(close(out[pos], acc, 1e-9), "op {op} dim {dim} rev {reverse} line {li} j {j}: {} vs {acc}", out[pos]);
                            if op == lines::CUMMAX || op == lines::CUMMIN {
                                assert_eq!(idx[pos], best_i as i64);
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn integer_scans_and_nan_in_cummax() {
    let v: [i64; 5] = [3, -2, 0, 4, 1];
    let d = Desc::<2>::new(&[], [&[], &[]]);
    let mut out = [0i64; 5];
    let mut idx = [0i64; 5];
    unsafe { lines::scan::<i64>(lines::CUMSUM, &d, 5, 1, 1, out.as_mut_ptr(), v.as_ptr(), idx.as_mut_ptr()) };
    assert_eq!(out, [3, 1, 1, 5, 6]);
    unsafe { lines::scan::<i64>(lines::CUMPROD, &d, 5, 1, 1, out.as_mut_ptr(), v.as_ptr(), idx.as_mut_ptr()) };
    assert_eq!(out, [3, -6, 0, 0, 0]);
    unsafe { lines::scan::<i64>(lines::CUMMIN, &d, 5, 1, 1, out.as_mut_ptr(), v.as_ptr(), idx.as_mut_ptr()) };
    assert_eq!((out, idx), ([3, -2, -2, -2, -2], [0, 1, 1, 1, 1]));
    let f = [1.0f32, f32::NAN, 5.0, f32::NAN, 2.0];
    let mut fo = [0f32; 5];
    unsafe { lines::scan::<f32>(lines::CUMMAX, &d, 5, 1, 1, fo.as_mut_ptr(), f.as_ptr(), idx.as_mut_ptr()) };
    assert_eq!(fo[0], 1.0);
    assert!(fo[1..].iter().all(|x| x.is_nan()));
    assert_eq!(idx, [0, 1, 1, 3, 3]);
}

#[test]
fn softmax_matches_reference_on_every_dim() {
    for (pi, perm) in PERMS.iter().enumerate() {
        let x = input(&SHAPE, perm, 60 + pi as u64);
        let n = x.mem.len();
        for dim in 0..3 {
            for log in [false, true] {
                let (d, len, so, si) = line_desc(&x.shape, &x.strides, dim);
                let mut out = vec![0f64; n];
                unsafe { lines::softmax::<f64>(log, &d, len, so, si, out.as_mut_ptr(), x.mem.as_ptr()) };
                let m32 = as_f32(&x.mem);
                let mut out32 = vec![0f32; n];
                unsafe { lines::softmax::<f32>(log, &d, len, so, si, out32.as_mut_ptr(), m32.as_ptr()) };
                for (li, line) in lines_of(&x, dim).iter().enumerate() {
                    let m = line.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                    let s: f64 = line.iter().map(|v| (v - m).exp()).sum();
                    for (j, v) in line.iter().enumerate() {
                        let e = if log { v - m - s.ln() } else { (v - m).exp() / s };
                        let pos = out_pos(&x.shape, dim, li, j);
                        assert!(close(out[pos], e, 1e-12), "dim {dim} log {log}: {} vs {e}", out[pos]);
                        assert!(close(out32[pos] as f64, e, 1e-5), "f32 dim {dim} log {log}: {} vs {e}", out32[pos]);
                    }
                }
            }
        }
    }
    // NaN lines and all -inf lines give NaN; huge values stay finite
    let v = [1.0f32, f32::NAN, f32::NEG_INFINITY, f32::NEG_INFINITY, 1000.0, 1001.0];
    let d = Desc::<2>::new(&[3], [&[2], &[2]]);
    let mut out = [0f32; 6];
    unsafe { lines::softmax::<f32>(false, &d, 2, 1, 1, out.as_mut_ptr(), v.as_ptr()) };
    assert!(out[..4].iter().all(|x| x.is_nan()));
    assert!((out[4] - 0.26894143).abs() < 1e-6 && (out[5] - 0.7310586).abs() < 1e-6);
}

#[test]
fn order_statistics_match_sorting() {
    for (pi, perm) in PERMS.iter().enumerate() {
        let mut x = input(&SHAPE, perm, 80 + pi as u64);
        // many ties: round to halves
        for v in x.mem.iter_mut() {
            *v = (*v * 2.0).round() / 2.0;
        }
        x.logical = offsets(&x.shape, &x.strides).iter().map(|&o| x.mem[o as usize]).collect();
        for dim in 0..3 {
            for op in [lines::MEDIAN, lines::NANMEDIAN, lines::MODE, lines::KTHVALUE] {
                let (d, len, _, si) = line_desc(&x.shape, &x.strides, dim);
                let lines_v = lines_of(&x, dim);
                let mut vals = vec![0f64; lines_v.len()];
                let mut idx = vec![0i64; lines_v.len()];
                let k = len / 3;
                // out layout: the other dims, contiguous
                let others: Vec<usize> = (0..3).filter(|&q| q != dim).collect();
                let oshape: Vec<usize> = others.iter().map(|&q| x.shape[q]).collect();
                let ost = contiguous_strides(&oshape);
                let si_o: Vec<isize> = others.iter().map(|&q| x.strides[q]).collect();
                let d2 = Desc::<2>::new(&oshape, [&ost, &si_o]);
                let _ = d;
                unsafe { lines::select::<f64>(op, &d2, len, si, vals.as_mut_ptr(), idx.as_mut_ptr(), x.mem.as_ptr(), k) };
                for (li, line) in lines_v.iter().enumerate() {
                    let mut pairs: Vec<(f64, usize)> = line.iter().cloned().zip(0..).collect();
                    pairs.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap().then(a.1.cmp(&b.1)));
                    let (ev, ei) = match op {
                        lines::MEDIAN | lines::NANMEDIAN => pairs[(len - 1) / 2],
                        lines::KTHVALUE => pairs[k],
                        _ => {
                            // most frequent, smallest value first, last index of it
                            let mut best = (pairs[0].0, 0usize, 0usize);
                            let mut i = 0;
                            while i < len {
                                let mut j = i;
                                while j + 1 < len && pairs[j + 1].0 == pairs[i].0 {
                                    j += 1;
                                }
                                if j - i + 1 > best.2 {
                                    best = (pairs[i].0, pairs[j].1, j - i + 1);
                                }
                                i = j + 1;
                            }
                            (best.0, best.1)
                        }
                    };
                    assert_eq!((vals[li], idx[li]), (ev, ei as i64), "op {op} dim {dim} line {li}");
                }
            }
        }
    }
    // NaN: median gives the first NaN, nanmedian the lower middle of the rest
    let v = [3.0f32, f32::NAN, 1.0, f32::NAN, 2.0, 0.5];
    let d = Desc::<2>::new(&[], [&[], &[]]);
    let (mut val, mut idx) = ([0f32], [0i64]);
    unsafe { lines::select::<f32>(lines::MEDIAN, &d, 6, 1, val.as_mut_ptr(), idx.as_mut_ptr(), v.as_ptr(), 0) };
    assert!(val[0].is_nan() && idx[0] == 1);
    unsafe { lines::select::<f32>(lines::NANMEDIAN, &d, 6, 1, val.as_mut_ptr(), idx.as_mut_ptr(), v.as_ptr(), 0) };
    assert_eq!((val[0], idx[0]), (1.0, 2));
    let all_nan = [f32::NAN; 3];
    unsafe { lines::select::<f32>(lines::NANMEDIAN, &d, 3, 1, val.as_mut_ptr(), idx.as_mut_ptr(), all_nan.as_ptr(), 0) };
    assert!(val[0].is_nan() && idx[0] == 0);
    let ints: [i64; 5] = [1 << 60, (1 << 60) + 1, 1 << 60, 7, (1 << 60) + 1];
    let (mut iv, mut ii) = ([0i64], [0i64]);
    unsafe { lines::select::<i64>(lines::MODE, &d, 5, 1, iv.as_mut_ptr(), ii.as_mut_ptr(), ints.as_ptr(), 0) };
    assert_eq!((iv[0], ii[0]), (1 << 60, 2));
    let _ = (F32, I64);
}

#[test]
fn gradient_helpers_match_naive_products_with_zeros() {
    for (pi, perm) in PERMS.iter().enumerate() {
        let mut x = input(&SHAPE, perm, 100 + pi as u64);
        // sprinkle zeros (some lines get two)
        for (i, v) in x.mem.iter_mut().enumerate() {
            if i % 11 == 5 || i % 13 == 2 {
                *v = 0.0;
            }
        }
        x.logical = offsets(&x.shape, &x.strides).iter().map(|&o| x.mem[o as usize]).collect();
        let g = input(&SHAPE, &[0, 1, 2], 200 + pi as u64);
        for dim in 0..3 {
            for op in [lines::PROD_OTHERS, lines::CUMPROD_GRAD] {
                let ost = contiguous_strides(&x.shape);
                let others: Vec<usize> = (0..3).filter(|&q| q != dim).collect();
                let s: Vec<usize> = others.iter().map(|&q| x.shape[q]).collect();
                let so: Vec<isize> = others.iter().map(|&q| ost[q]).collect();
                let sx: Vec<isize> = others.iter().map(|&q| x.strides[q]).collect();
                let d = Desc::<3>::new(&s, [&so, &sx, &so]);
                let mut out = vec![0f64; x.mem.len()];
                let len = x.shape[dim];
                unsafe {
                    lines::line_grad::<f64>(op, &d, len, ost[dim], x.strides[dim], ost[dim], out.as_mut_ptr(), x.mem.as_ptr(), g.mem.as_ptr())
                };
                let glines = lines_of(&g, dim);
                for (li, line) in lines_of(&x, dim).iter().enumerate() {
                    for k in 0..len {
                        let e = if op == lines::PROD_OTHERS {
                            (0..len).filter(|&i| i != k).map(|i| line[i]).product::<f64>()
                        } else {
                            (k..len).map(|j| glines[li][j] * (0..=j).filter(|&i| i != k).map(|i| line[i]).product::<f64>()).sum()
                        };
                        let pos = out_pos(&x.shape, dim, li, k);
                        assert!(close(out[pos], e, 1e-9), "op {op} dim {dim} line {li} k {k}: {} vs {e}", out[pos]);
                    }
                }
            }
        }
    }
}

#[test]
fn softmax_exp_f32_is_within_two_ulp() {
    let mut worst = 0.0f64;
    let mut x = -103.0f32;
    while x < 88.7 {
        let got = lines::exp_f32(x) as f64;
        let want = (x as f64).exp();
        // ulp of the f32 result (subnormals: the fixed subnormal spacing)
        let ulp = ((want as f32).abs() * f32::EPSILON).max(f32::from_bits(1)) as f64;
        worst = worst.max((got - want).abs() / ulp);
        x += 0.0137;
    }
    println!("exp_f32 worst error {worst} ulp");
    assert!(worst <= 2.0, "worst error {worst} ulp");
    assert_eq!(lines::exp_f32(0.0), 1.0);
    assert_eq!(lines::exp_f32(f32::NEG_INFINITY), 0.0);
    assert_eq!(lines::exp_f32(f32::INFINITY), f32::INFINITY);
    assert_eq!(lines::exp_f32(100.0), f32::INFINITY);
    assert!(lines::exp_f32(f32::NAN).is_nan());
}

/// The float32 ulp at `x`'s binade (the subnormal spacing below the normal range).
fn ulp_at(x: f64) -> f64 {
    let w = (x as f32).abs();
    if w < f32::MIN_POSITIVE { f32::from_bits(1) as f64 } else { f32::from_bits(w.to_bits() & 0x7f80_0000) as f64 * f32::EPSILON as f64 }
}

/// ulp distance of `got` from the exact `want`.
fn ulp_error(got: f32, want: f64) -> f64 {
    (got as f64 - want).abs() / ulp_at(want)
}

#[test]
fn softmax_exp_neg_f32_is_within_its_bound() {
    use torchwasm::kernels::fastexp::exp_neg_f32;
    // every 97th float32 from -87.33 to 0 (about 11 million values), and the last 2^16 before 0
    let (lo, hi) = ((-87.33f32).to_bits(), (-0.0f32).to_bits());
    let mut worst: f64 = 0.0;
    let mut check = |x: f32| {
        let e = ulp_error(exp_neg_f32(x), (x as f64).exp());
        if e > worst {
            worst = e;
        }
    };
    let mut b = lo;
    while b > hi {
        check(f32::from_bits(b));
        b -= 97;
    }
    for b in hi..hi + 65536 {
        check(f32::from_bits(b));
    }
    println!("exp_neg_f32 worst error {worst} ulp");
    assert!(worst <= 2.3, "worst error {worst} ulp");
    assert_eq!(exp_neg_f32(0.0), 1.0);
    assert_eq!(exp_neg_f32(-0.0), 1.0);
    // below 2^-126 subnormal, then 0 from -87.68 down; -inf gives 0; NaN passes through
    let sub = exp_neg_f32(-87.5);
    assert!(sub > 0.0 && sub < f32::MIN_POSITIVE && ((sub as f64) / (-87.5f64).exp() - 1.0).abs() < 1e-3);
    assert_eq!(exp_neg_f32(-87.7), 0.0);
    assert_eq!(exp_neg_f32(-100.0), 0.0);
    assert_eq!(exp_neg_f32(f32::NEG_INFINITY), 0.0);
    assert_eq!(exp_neg_f32(f32::MIN), 0.0);
    assert!(exp_neg_f32(f32::NAN).is_nan());
    assert!(exp_neg_f32(-87.33) > 0.0);
}

#[test]
fn softmax_f32_is_within_ulps_of_a_float64_reference() {
    // long lines (as in a 1000-class softmax) with a wide spread of values, both forms
    for (len, scale) in [(1000usize, 4.0f64), (1003, 30.0), (37, 1.0), (5, 60.0)] {
        let v: Vec<f32> = data(len, len as u64).iter().map(|x| (x * scale) as f32).collect();
        let d = Desc::<2>::new(&[1], [&[len as isize], &[len as isize]]);
        let m = v.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b as f64));
        let s: f64 = v.iter().map(|&x| (x as f64 - m).exp()).sum();
        for log in [false, true] {
            let mut out = vec![0f32; len];
            unsafe { lines::softmax::<f32>(log, &d, len, 1, 1, out.as_mut_ptr(), v.as_ptr()) };
            let mut worst: f64 = 0.0;
            for (j, &x) in v.iter().enumerate() {
                // x - max rounded to float32 as the kernel (and PyTorch) computes it: its
                // rounding, not the kernel's, would dominate the error for large |x - max|
                let d = (x - m as f32) as f64;
                if log {
                    // x - max and log(sum) are each rounded: measured in ulps of the larger
                    let want = d - s.ln();
                    worst = worst.max((out[j] as f64 - want).abs() / ulp_at(d.abs().max(s.ln())));
                    continue;
                }
                let want = d.exp() / s;
                if d < -87.336 {
                    // exp(x - max) < 2^-126: subnormal, 0 from -87.68 down
                    assert!(out[j] >= 0.0 && out[j] < f32::MIN_POSITIVE && (d > -87.68 || out[j] == 0.0), "len {len}: x - max = {d}: {}", out[j]);
                    continue;
                }
                worst = worst.max(ulp_error(out[j], want));
            }
            println!("softmax f32 len {len} scale {scale} log {log}: worst {worst} ulp");
            // softmax: exp's 2.3 ulp, then 1 / sum and the product each round;
            // log_softmax: x - max, log(sum) and their difference each round
            let bound = if log { 2.0 } else { 4.0 };
            assert!(worst <= bound, "len {len} log {log}: worst error {worst} ulp");
        }
    }
}
