//! Normalisation kernels: statistics and outputs against direct formulas, gradients
//! against central finite differences of sum(gy * y) (float64), for batch-style
//! (per channel), layer-style, group-style and instance-style statistics.

mod common;
use common::{assert_close, Rng};
use torchwasm::kernels::norm::{apply, backward, stats, NormShape};

/// y for the given x, recomputing the statistics unless `fixed` gives them.
fn run(s: &NormShape, x: &[f64], w: &[f64], b: &[f64], eps: f64, fixed: Option<(&[f64], &[f64])>) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let k = s.num_stats();
    let (mut mean, mut rstd) = (vec![0.0; k], vec![0.0; k]);
    match fixed {
        Some((m, r)) => {
            mean.copy_from_slice(m);
            rstd.copy_from_slice(r);
        }
        None => unsafe { stats(s, x.as_ptr(), eps, mean.as_mut_ptr(), rstd.as_mut_ptr(), core::ptr::null_mut()) },
    }
    let mut y = vec![0.0; x.len()];
    unsafe { apply(s, x.as_ptr(), mean.as_ptr(), rstd.as_ptr(), w.as_ptr(), b.as_ptr(), y.as_mut_ptr()) };
    (y, mean, rstd)
}

fn check(s: NormShape, stats_const: bool, seed: u64) {
    let mut rng = Rng::new(seed);
    let len = s.n * s.c * s.hw;
    let eps = 1e-5;
    let x: Vec<f64> = rng.vec_f64(len).iter().map(|v| v * 2.0 + 0.3).collect();
    let w = rng.vec_f64(s.c);
    let b = rng.vec_f64(s.c);
    let gy = rng.vec_f64(len);
    let what = format!("{s:?} const={stats_const}");
    // statistics and output by the definition
    let k = s.num_stats();
    let stat_of = |n: usize, c: usize| if s.per_sample { n * s.groups + c / (s.c / s.groups) } else { c };
    let mut members: Vec<Vec<usize>> = vec![vec![]; k];
    for n in 0..s.n {
        for c in 0..s.c {
            for i in 0..s.hw {
                members[stat_of(n, c)].push((n * s.c + c) * s.hw + i);
            }
        }
    }
    let mref: Vec<f64> = members.iter().map(|m| m.iter().map(|&i| x[i]).sum::<f64>() / m.len() as f64).collect();
    let vref: Vec<f64> = members.iter().zip(&mref).map(|(m, mu)| m.iter().map(|&i| (x[i] - mu).powi(2)).sum::<f64>() / m.len() as f64).collect();
    let (y, mean, rstd) = run(&s, &x, &w, &b, eps, None);
    assert_close(&mean, &mref, 1e-12, 1e-12, &format!("mean {what}"));
    let mut var = vec![0.0; k];
    unsafe { stats(&s, x.as_ptr(), eps, vec![0.0; k].as_mut_ptr(), vec![0.0; k].as_mut_ptr(), var.as_mut_ptr()) };
    assert_close(&var, &vref, 1e-12, 1e-12, &format!("var {what}"));
    let yref: Vec<f64> = (0..len)
        .map(|i| {
            let (n, c) = (i / s.hw / s.c, i / s.hw % s.c);
            let st = stat_of(n, c);
            (x[i] - mref[st]) / (vref[st] + eps).sqrt() * w[c] + b[c]
        })
        .collect();
    assert_close(&y, &yref, 1e-12, 1e-12, &format!("y {what}"));
    // gradients
    let fixed = if stats_const { Some((mean.as_slice(), rstd.as_slice())) } else { None };
    let loss = |x: &[f64], w: &[f64], b: &[f64]| run(&s, x, w, b, eps, fixed).0.iter().zip(&gy).map(|(a, g)| a * g).sum::<f64>();
    let h = 1e-6;
    let num = |v: &[f64], f: &dyn Fn(&[f64]) -> f64| -> Vec<f64> {
        (0..v.len())
            .map(|i| {
                let (mut p, mut m) = (v.to_vec(), v.to_vec());
                p[i] += h;
                m[i] -= h;
                (f(&p) - f(&m)) / (2.0 * h)
            })
            .collect()
    };
    let gx_ref = num(&x, &|v| loss(v, &w, &b));
    let gw_ref = num(&w, &|v| loss(&x, v, &b));
    let gb_ref = num(&b, &|v| loss(&x, &w, v));
    let (mut gx, mut gw, mut gb) = (vec![f64::NAN; len], vec![f64::NAN; s.c], vec![f64::NAN; s.c]);
    unsafe {
        backward(&s, gy.as_ptr(), x.as_ptr(), mean.as_ptr(), rstd.as_ptr(), w.as_ptr(), stats_const, gx.as_mut_ptr(), gw.as_mut_ptr(), gb.as_mut_ptr());
    }
    assert_close(&gx, &gx_ref, 1e-5, 1e-6, &format!("gx {what}"));
    assert_close(&gw, &gw_ref, 1e-5, 1e-6, &format!("gw {what}"));
    assert_close(&gb, &gb_ref, 1e-5, 1e-6, &format!("gb {what}"));
    // without affine parameters: null w means 1
    let mut gx2 = vec![f64::NAN; len];
    unsafe {
        backward(&s, gy.as_ptr(), x.as_ptr(), mean.as_ptr(), rstd.as_ptr(), core::ptr::null(), stats_const, gx2.as_mut_ptr(), core::ptr::null_mut(), core::ptr::null_mut());
    }
    let ones = vec![1.0; s.c];
    let gx2_ref = num(&x, &|v| run(&s, v, &ones, &vec![0.0; s.c], eps, fixed).0.iter().zip(&gy).map(|(a, g)| a * g).sum::<f64>());
    assert_close(&gx2, &gx2_ref, 1e-5, 1e-6, &format!("gx no affine {what}"));
}

#[test]
fn batch_norm_statistics() {
    check(NormShape { n: 4, c: 5, hw: 1, groups: 1, per_sample: false }, false, 1);
    check(NormShape { n: 2, c: 3, hw: 7, groups: 1, per_sample: false }, false, 2);
    check(NormShape { n: 2, c: 3, hw: 7, groups: 1, per_sample: false }, true, 3);
}

#[test]
fn layer_group_instance_statistics() {
    check(NormShape { n: 6, c: 5, hw: 1, groups: 1, per_sample: true }, false, 4); // layer norm
    check(NormShape { n: 2, c: 4, hw: 6, groups: 2, per_sample: true }, false, 5); // group norm
    check(NormShape { n: 2, c: 3, hw: 7, groups: 1, per_sample: true }, false, 6);
    check(NormShape { n: 2, c: 3, hw: 10, groups: 3, per_sample: true }, false, 7); // instance norm
}

#[test]
fn embedding_renorm_rows() {
    use torchwasm::kernels::norm::renorm_rows;
    let mut w = vec![3.0f64, 4.0, 0.3, 0.4, 6.0, 8.0];
    // row 0 (norm 5) and row 2 (norm 10) exceed 2; row 1 is not listed; row 2 twice
    assert!(unsafe { renorm_rows(w.as_mut_ptr(), 3, 2, [0i64, 2, 2].as_ptr(), 3, 2.0, 2.0) });
    let s0 = 2.0 / (5.0 + 1e-7);
    let s2 = 2.0 / (10.0 + 1e-7);
    assert_close(&w, &[3.0 * s0, 4.0 * s0, 0.3, 0.4, 6.0 * s2, 8.0 * s2], 1e-14, 0.0, "renorm p=2");
    let mut v = vec![1.0f64, -3.0];
    assert!(unsafe { renorm_rows(v.as_mut_ptr(), 1, 2, [0i64].as_ptr(), 1, 1.0, f64::INFINITY) });
    assert_close(&v, &[1.0 / (3.0 + 1e-7), -3.0 / (3.0 + 1e-7)], 1e-14, 0.0, "renorm p=inf");
    assert!(!unsafe { renorm_rows(v.as_mut_ptr(), 1, 2, [1i64].as_ptr(), 1, 1.0, 2.0) });
}
