//! Fused attention against a naive reference: softmax(scale * q k^T + mask) v by the
//! definition in f64, per (batch, head), for strided operands (seq-first [L, B, H*D]
//! layouts as multi-head attention has them), broadcast masks, the causal flag, Lq != Lk,
//! no keys; gradients against the reference's analytic backward and central finite
//! differences.

mod common;
use common::{assert_close, Rng};
use torchwasm::kernels::attention::{backward, forward, AttnShape, MaskStrides, Rows};

/// A [b, h, row, col] operand stored seq-first: memory [row, b, h, col].
fn seq_first(s: &AttnShape, cols: usize) -> Rows {
    let c = cols as isize;
    Rows { b: s.heads as isize * c, h: c, row: (s.batch * s.heads) as isize * c }
}

/// A contiguous [b, h, row, col] operand.
fn contiguous(s: &AttnShape, rows: usize, cols: usize) -> Rows {
    let (r, c) = (rows as isize, cols as isize);
    Rows { b: s.heads as isize * r * c, h: r * c, row: c }
}

fn idx(st: Rows, b: usize, h: usize, r: usize, c: usize) -> usize {
    (b as isize * st.b + h as isize * st.h + r as isize * st.row + c as isize) as usize
}

struct Case {
    s: AttnShape,
    scale: f64,
    q: Vec<f64>,
    k: Vec<f64>,
    v: Vec<f64>,
    mask: Option<(Vec<f64>, MaskStrides)>,
    qs: Rows,
    ks: Rows,
    vs: Rows,
}

/// Reference probabilities P[b][h][i][j] and output [b, h, i, c] (contiguous).
fn reference(c: &Case) -> (Vec<f64>, Vec<f64>) {
    let s = &c.s;
    let mut p = vec![0.0; s.batch * s.heads * s.lq * s.lk];
    let mut out = vec![0.0; s.batch * s.heads * s.lq * s.dv];
    for b in 0..s.batch {
        for h in 0..s.heads {
            for i in 0..s.lq {
                let mut row = vec![f64::NEG_INFINITY; s.lk];
                for (j, r) in row.iter_mut().enumerate() {
                    if s.causal && j > i {
                        continue;
                    }
                    let mut dot = 0.0;
                    for d in 0..s.d {
                        dot += c.q[idx(c.qs, b, h, i, d)] * c.k[idx(c.ks, b, h, j, d)];
                    }
                    *r = c.scale * dot;
                    if let Some((m, ms)) = &c.mask {
                        *r += m[(b as isize * ms.b + h as isize * ms.h + i as isize * ms.i + j as isize * ms.j) as usize];
                    }
                }
                let mx = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = row.iter().map(|x| (x - mx).exp()).collect();
                let sum: f64 = e.iter().sum();
                for j in 0..s.lk {
                    let pij = e[j] / sum;
                    p[((b * s.heads + h) * s.lq + i) * s.lk + j] = pij;
                    for cc in 0..s.dv {
                        out[((b * s.heads + h) * s.lq + i) * s.dv + cc] += pij * c.v[idx(c.vs, b, h, j, cc)];
                    }
                }
            }
        }
    }
    (p, out)
}

fn make(s: AttnShape, seed: u64, seq_first_layout: bool, mask: Option<&str>) -> Case {
    let mut rng = Rng::new(seed);
    let (qs, ks, vs) = if seq_first_layout {
        (seq_first(&s, s.d), seq_first(&s, s.d), seq_first(&s, s.dv))
    } else {
        (contiguous(&s, s.lq, s.d), contiguous(&s, s.lk, s.d), contiguous(&s, s.lk, s.dv))
    };
    let n = s.batch * s.heads;
    let q = rng.vec_f64(n * s.lq * s.d).iter().map(|x| x * 2.0).collect();
    let k = rng.vec_f64(n * s.lk * s.d).iter().map(|x| x * 2.0).collect();
    let v = rng.vec_f64(n * s.lk * s.dv);
    let mask = mask.map(|kind| match kind {
        // (Lq, Lk) shared by every batch and head, with some -inf
        "2d" => {
            let m: Vec<f64> = (0..s.lq * s.lk).map(|t| if t % 5 == 3 { f64::NEG_INFINITY } else { rng.uniform() }).collect();
            (m, MaskStrides { b: 0, h: 0, i: s.lk as isize, j: 1 })
        }
        // key padding (B, Lk): the last key of batch 0 masked
        _ => {
            let m: Vec<f64> = (0..s.batch * s.lk).map(|t| if t == s.lk - 1 { f64::NEG_INFINITY } else { 0.0 }).collect();
            (m, MaskStrides { b: s.lk as isize, h: 0, i: 0, j: 1 })
        }
    });
    Case { s, scale: 1.0 / (s.d as f64).sqrt(), q, k, v, mask, qs, ks, vs }
}

fn run_forward(c: &Case) -> Vec<f64> {
    let s = &c.s;
    let os = contiguous(s, s.lq, s.dv);
    let mut out = vec![f64::NAN; s.batch * s.heads * s.lq * s.dv];
    let (mp, ms) = c.mask.as_ref().map_or((core::ptr::null(), MaskStrides::default()), |(m, ms)| (m.as_ptr(), *ms));
    unsafe { forward(s, c.scale, c.q.as_ptr(), c.qs, c.k.as_ptr(), c.ks, c.v.as_ptr(), c.vs, mp, ms, out.as_mut_ptr(), os) };
    out
}

/// The f32 kernel on the same values, as f64.
fn run_forward_f32(c: &Case) -> Vec<f64> {
    let s = &c.s;
    let f = |x: &Vec<f64>| x.iter().map(|v| *v as f32).collect::<Vec<f32>>();
    let (q, k, v) = (f(&c.q), f(&c.k), f(&c.v));
    let m = c.mask.as_ref().map(|(m, ms)| (f(m), *ms));
    let os = contiguous(s, s.lq, s.dv);
    let mut out = vec![f32::NAN; s.batch * s.heads * s.lq * s.dv];
    let (mp, ms) = m.as_ref().map_or((core::ptr::null(), MaskStrides::default()), |(m, ms)| (m.as_ptr(), *ms));
    unsafe { forward(s, c.scale as f32, q.as_ptr(), c.qs, k.as_ptr(), c.ks, v.as_ptr(), c.vs, mp, ms, out.as_mut_ptr(), os) };
    out.iter().map(|x| *x as f64).collect()
}

fn run_backward(c: &Case, dout: &[f64]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let s = &c.s;
    let (dqs, dks, dvs) = (contiguous(s, s.lq, s.d), contiguous(s, s.lk, s.d), contiguous(s, s.lk, s.dv));
    let n = s.batch * s.heads;
    let (mut dq, mut dk, mut dv) = (vec![f64::NAN; n * s.lq * s.d], vec![f64::NAN; n * s.lk * s.d], vec![f64::NAN; n * s.lk * s.dv]);
    let (mp, ms) = c.mask.as_ref().map_or((core::ptr::null(), MaskStrides::default()), |(m, ms)| (m.as_ptr(), *ms));
    unsafe {
        backward(
            s, c.scale, c.q.as_ptr(), c.qs, c.k.as_ptr(), c.ks, c.v.as_ptr(), c.vs, mp, ms, dout.as_ptr(), contiguous(s, s.lq, s.dv),
            dq.as_mut_ptr(), dqs, dk.as_mut_ptr(), dks, dv.as_mut_ptr(), dvs,
        )
    };
    (dq, dk, dv)
}

/// sum(out * g) of the reference.
fn objective(c: &Case, g: &[f64]) -> f64 {
    reference(c).1.iter().zip(g).map(|(a, b)| a * b).sum()
}

/// Central differences of sum(out * g) with respect to every element of q, k or v,
/// as a contiguous [b, h, row, col] gradient.
fn numeric(c: &Case, g: &[f64], which: usize) -> Vec<f64> {
    let s = &c.s;
    let (rows, cols, st) = match which {
        0 => (s.lq, s.d, c.qs),
        1 => (s.lk, s.d, c.ks),
        _ => (s.lk, s.dv, c.vs),
    };
    let mut out = vec![0.0; s.batch * s.heads * rows * cols];
    let eps = 1e-6;
    for b in 0..s.batch {
        for h in 0..s.heads {
            for r in 0..rows {
                for cc in 0..cols {
                    let at = idx(st, b, h, r, cc);
                    let mut cp = Case { s: c.s, scale: c.scale, q: c.q.clone(), k: c.k.clone(), v: c.v.clone(), mask: c.mask.clone(), qs: c.qs, ks: c.ks, vs: c.vs };
                    let buf = match which {
                        0 => &mut cp.q,
                        1 => &mut cp.k,
                        _ => &mut cp.v,
                    };
                    let x = buf[at];
                    buf[at] = x + eps;
                    let fp = objective(&cp, g);
                    let buf = match which {
                        0 => &mut cp.q,
                        1 => &mut cp.k,
                        _ => &mut cp.v,
                    };
                    buf[at] = x - eps;
                    let fm = objective(&cp, g);
                    out[((b * s.heads + h) * rows + r) * cols + cc] = (fp - fm) / (2.0 * eps);
                }
            }
        }
    }
    out
}

fn shape(batch: usize, heads: usize, lq: usize, lk: usize, d: usize, dv: usize, causal: bool) -> AttnShape {
    AttnShape { batch, heads, lq, lk, d, dv, causal }
}

#[test]
fn forward_matches_reference() {
    let mut seed = 1;
    for s in [
        shape(2, 3, 5, 7, 4, 6, false),
        shape(1, 2, 9, 9, 8, 8, true),
        shape(2, 2, 70, 70, 4, 3, true), // more than one query block
        shape(3, 1, 1, 4, 5, 2, false),
        shape(1, 1, 6, 3, 2, 2, true), // causal with Lq > Lk
        shape(2, 2, 130, 17, 3, 5, false),
    ] {
        for layout in [false, true] {
            for mask in [None, Some("2d"), Some("padding")] {
                seed += 1;
                let c = make(s, seed, layout, mask);
                let what = format!("{s:?} seq_first={layout} mask={mask:?}");
                assert_close(&run_forward(&c), &reference(&c).1, 1e-12, 1e-12, &what);
                assert_close(&run_forward_f32(&c), &reference(&c).1, 2e-5, 2e-6, &format!("f32 {what}"));
            }
        }
    }
}

#[test]
fn no_keys_gives_zeros_and_masked_rows_nan() {
    let c = make(shape(1, 2, 3, 0, 4, 2, false), 5, false, None);
    assert!(run_forward(&c).iter().all(|x| *x == 0.0));
    let (dq, _, _) = run_backward(&c, &vec![1.0; 2 * 3 * 2]);
    assert!(dq.iter().all(|x| *x == 0.0));
    // every key masked: softmax of all -inf is 0/0
    let mut c = make(shape(1, 1, 2, 3, 2, 2, false), 6, false, Some("2d"));
    c.mask.as_mut().unwrap().0 = vec![f64::NEG_INFINITY; 6];
    assert!(run_forward(&c).iter().all(|x| x.is_nan()));
}

#[test]
fn backward_matches_finite_differences() {
    let mut seed = 100;
    for s in [shape(2, 2, 4, 5, 3, 2, false), shape(1, 2, 6, 6, 2, 3, true), shape(1, 1, 67, 66, 2, 2, true)] {
        for layout in [false, true] {
            for mask in [None, Some("2d"), Some("padding")] {
                seed += 1;
                let c = make(s, seed, layout, mask);
                let mut rng = Rng::new(seed * 7);
                let g = rng.vec_f64(s.batch * s.heads * s.lq * s.dv);
                let (dq, dk, dv) = run_backward(&c, &g);
                let what = format!("{s:?} seq_first={layout} mask={mask:?}");
                assert_close(&dq, &numeric(&c, &g, 0), 1e-6, 1e-7, &format!("dq {what}"));
                assert_close(&dk, &numeric(&c, &g, 1), 1e-6, 1e-7, &format!("dk {what}"));
                assert_close(&dv, &numeric(&c, &g, 2), 1e-6, 1e-7, &format!("dv {what}"));
            }
        }
    }
}
