//! Fused cross entropy: losses and row weights against a naive log-softmax + NLL
//! reference in float64 (with class weights, ignore_index and label smoothing, contiguous
//! rows and rows strided over inner positions, more positions than one lane block);
//! gradients against central finite differences of sum(g * loss), recomputing the
//! softmax or from the exps the forward kept; float32 against the float64 reference;
//! out-of-range targets.

mod common;
use common::{assert_close, Rng};
use torchwasm::kernels::index::LAST_BAD_INDEX;
use torchwasm::kernels::loss::{cross_entropy_backward, cross_entropy_forward, CeShape, CeTarget};
use torchwasm::status::{ERR_INDEX, OK};

struct Case {
    s: CeShape,
    x: Vec<f64>,
    target: Vec<i64>,
    weight: Option<Vec<f64>>,
    ignore: i64,
    smoothing: f64,
}

impl Case {
    fn new(s: CeShape, weighted: bool, ignore: i64, smoothing: f64, seed: u64) -> Case {
        let mut rng = Rng::new(seed);
        let rows = s.outer * s.inner;
        let x: Vec<f64> = rng.vec_f64(s.outer * s.classes * s.inner).iter().map(|v| v * 4.0).collect();
        // every third row gets ignore_index when it is a class value or not
        let target = (0..rows).map(|r| if r % 3 == 1 { ignore } else { rng.below(s.classes) as i64 }).collect();
        let weight = weighted.then(|| rng.vec_f64(s.classes).iter().map(|v| v + 1.5).collect());
        Case { s, x, target, weight, ignore, smoothing }
    }
    fn at(&self, x: &[f64], r: usize, c: usize) -> f64 {
        let (n, j) = (r / self.s.inner, r % self.s.inner);
        x[(n * self.s.classes + c) * self.s.inner + j]
    }
    fn w(&self, c: usize) -> f64 {
        self.weight.as_ref().map_or(1.0, |w| w[c])
    }
    /// Naive per-row loss and weight.
    fn reference(&self, x: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let (c_n, rows) = (self.s.classes, self.s.outer * self.s.inner);
        let mut loss = vec![0.0; rows];
        let mut rw = vec![0.0; rows];
        for r in 0..rows {
            let t = self.target[r];
            if t == self.ignore {
                continue;
            }
            let lse = (0..c_n).map(|c| self.at(x, r, c).exp()).sum::<f64>().ln();
            let logp = |c: usize| self.at(x, r, c) - lse;
            let t = t as usize;
            let smooth: f64 = (0..c_n).map(|c| -logp(c) * self.w(c)).sum();
            loss[r] = (1.0 - self.smoothing) * -logp(t) * self.w(t) + self.smoothing / c_n as f64 * smooth;
            rw[r] = self.w(t);
        }
        (loss, rw)
    }
    fn target_of<T: Copy>(&self, weight: &Option<Vec<T>>) -> CeTarget<T> {
        CeTarget {
            target: self.target.as_ptr(),
            weight: weight.as_ref().map_or(core::ptr::null(), |w| w.as_ptr()),
            ignore_index: self.ignore,
            smoothing: self.smoothing,
        }
    }
    /// (loss, row weights, stats, exps, status)
    fn forward_f64(&self, x: &[f64]) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>, i32) {
        let rows = self.s.outer * self.s.inner;
        let (mut loss, mut rw, mut stats) = (vec![f64::NAN; rows], vec![f64::NAN; rows], vec![f64::NAN; 2 * rows]);
        let mut exps = vec![f64::NAN; x.len()];
        let tg = self.target_of(&self.weight);
        let st = unsafe { cross_entropy_forward(&self.s, x.as_ptr(), &tg, loss.as_mut_ptr(), rw.as_mut_ptr(), stats.as_mut_ptr(), exps.as_mut_ptr()) };
        // without exps: the same results
        let (mut loss2, mut rw2, mut stats2) = (vec![f64::NAN; rows], vec![f64::NAN; rows], vec![f64::NAN; 2 * rows]);
        let st2 = unsafe { cross_entropy_forward(&self.s, x.as_ptr(), &tg, loss2.as_mut_ptr(), rw2.as_mut_ptr(), stats2.as_mut_ptr(), core::ptr::null_mut()) };
        assert_eq!(st, st2);
        if st == OK {
            assert_close(&loss2, &loss, 0.0, 0.0, "loss without exps");
            assert_close(&stats2, &stats, 0.0, 0.0, "stats without exps");
        }
        (loss, rw, stats, exps, st)
    }
}

fn check(s: CeShape, weighted: bool, ignore: i64, smoothing: f64, seed: u64) {
    let what = format!("{s:?} weighted={weighted} ignore={ignore} ls={smoothing}");
    let case = Case::new(s, weighted, ignore, smoothing, seed);
    let rows = s.outer * s.inner;
    let (loss, rw, stats, exps, st) = case.forward_f64(&case.x);
    assert_eq!(st, OK, "{what}");
    let (lref, wref) = case.reference(&case.x);
    assert_close(&loss, &lref, 1e-12, 1e-12, &format!("loss {what}"));
    assert_close(&rw, &wref, 0.0, 0.0, &format!("row weight {what}"));

    // gradient of sum_r g_r loss_r: per-row scales, then one scale for all rows
    let mut rng = Rng::new(seed + 100);
    let g = rng.vec_f64(rows);
    let tg = case.target_of(&case.weight);
    let mut gx = vec![f64::NAN; case.x.len()];
    assert_eq!(unsafe { cross_entropy_backward(&s, case.x.as_ptr(), &tg, stats.as_ptr(), core::ptr::null(), g.as_ptr(), 1, gx.as_mut_ptr()) }, OK);
    let mut gx_kept = vec![f64::NAN; case.x.len()];
    assert_eq!(unsafe { cross_entropy_backward(&s, case.x.as_ptr(), &tg, stats.as_ptr(), exps.as_ptr(), g.as_ptr(), 1, gx_kept.as_mut_ptr()) }, OK);
    assert_close(&gx_kept, &gx, 1e-13, 1e-15, &format!("gx from kept exps {what}"));
    let h = 1e-6;
    let objective = |x: &[f64]| case.reference(x).0.iter().zip(&g).map(|(l, g)| l * g).sum::<f64>();
    let numeric: Vec<f64> = (0..case.x.len())
        .map(|i| {
            let (mut p, mut m) = (case.x.clone(), case.x.clone());
            p[i] += h;
            m[i] -= h;
            (objective(&p) - objective(&m)) / (2.0 * h)
        })
        .collect();
    assert_close(&gx, &numeric, 1e-6, 1e-7, &format!("gx {what}"));
    let one = [0.75f64];
    let mut gx1 = vec![f64::NAN; case.x.len()];
    assert_eq!(unsafe { cross_entropy_backward(&s, case.x.as_ptr(), &tg, stats.as_ptr(), exps.as_ptr(), one.as_ptr(), 0, gx1.as_mut_ptr()) }, OK);
    let mut gx_all = vec![f64::NAN; case.x.len()];
    let ones = vec![0.75f64; rows];
    assert_eq!(unsafe { cross_entropy_backward(&s, case.x.as_ptr(), &tg, stats.as_ptr(), exps.as_ptr(), ones.as_ptr(), 1, gx_all.as_mut_ptr()) }, OK);
    assert_close(&gx1, &gx_all, 0.0, 0.0, &format!("broadcast g {what}"));

    // float32 against the float64 reference
    let x32: Vec<f32> = case.x.iter().map(|&v| v as f32).collect();
    let w32: Option<Vec<f32>> = case.weight.as_ref().map(|w| w.iter().map(|&v| v as f32).collect());
    let x64: Vec<f64> = x32.iter().map(|&v| v as f64).collect();
    let case64 = Case { x: x64.clone(), weight: w32.as_ref().map(|w| w.iter().map(|&v| v as f64).collect()), ..case };
    let (lref32, _) = case64.reference(&x64);
    let (mut l32, mut w32o, mut s32) = (vec![f32::NAN; rows], vec![f32::NAN; rows], vec![f32::NAN; 2 * rows]);
    let tg32 = case64.target_of(&w32);
    let mut e32 = vec![f32::NAN; x32.len()];
    assert_eq!(unsafe { cross_entropy_forward(&s, x32.as_ptr(), &tg32, l32.as_mut_ptr(), w32o.as_mut_ptr(), s32.as_mut_ptr(), e32.as_mut_ptr()) }, OK);
    let l32d: Vec<f64> = l32.iter().map(|&v| v as f64).collect();
    assert_close(&l32d, &lref32, 2e-6, 2e-6, &format!("float32 loss {what}"));
    let g32: Vec<f32> = g.iter().map(|&v| v as f32).collect();
    let mut gx32 = vec![f32::NAN; x32.len()];
    assert_eq!(unsafe { cross_entropy_backward(&s, x32.as_ptr(), &tg32, s32.as_ptr(), e32.as_ptr(), g32.as_ptr(), 1, gx32.as_mut_ptr()) }, OK);
    let (_, _, s64, _, _) = case64.forward_f64(&x64);
    let g64: Vec<f64> = g32.iter().map(|&v| v as f64).collect();
    let mut gx64 = vec![f64::NAN; x64.len()];
    let tg64 = case64.target_of(&case64.weight);
    unsafe { cross_entropy_backward(&s, x64.as_ptr(), &tg64, s64.as_ptr(), core::ptr::null(), g64.as_ptr(), 1, gx64.as_mut_ptr()) };
    let gx32d: Vec<f64> = gx32.iter().map(|&v| v as f64).collect();
    assert_close(&gx32d, &gx64, 1e-5, 1e-6, &format!("float32 gx {what}"));
}

#[test]
fn cross_entropy_rows() {
    let shapes = [(5, 7, 1), (3, 1000, 1), (2, 4, 3), (2, 5, 40), (1, 3, 70), (4, 13, 2)];
    let mut seed = 1;
    for (outer, classes, inner) in shapes {
        let s = CeShape { outer, classes, inner };
        for weighted in [false, true] {
            for (ignore, smoothing) in [(-100, 0.0), (1, 0.0), (-100, 0.1), (0, 0.25), (2, 1.0)] {
                check(s, weighted, ignore, smoothing, seed);
                seed += 1;
            }
        }
    }
}

#[test]
fn cross_entropy_target_out_of_range() {
    for (inner, bad) in [(1usize, 9i64), (3, -1), (40, 4)] {
        let s = CeShape { outer: 4, classes: 4, inner };
        let mut case = Case::new(s, false, -100, 0.0, 7);
        let rows = s.outer * inner;
        // the first bad target in row order is reported, a later one is not
        case.target[rows / 2] = bad;
        case.target[rows - 1] = 77;
        let (_, _, stats, _, st) = case.forward_f64(&case.x);
        assert_eq!(st, ERR_INDEX);
        assert_eq!(LAST_BAD_INDEX.load(std::sync::atomic::Ordering::Relaxed), bad);
        let mut gx = vec![0.0; case.x.len()];
        let g = [1.0];
        let st = unsafe { cross_entropy_backward(&s, case.x.as_ptr(), &case.target_of(&case.weight), stats.as_ptr(), core::ptr::null(), g.as_ptr(), 0, gx.as_mut_ptr()) };
        assert_eq!(st, ERR_INDEX);
    }
}

#[test]
fn cross_entropy_special_rows() {
    // a NaN row gives NaN; an all -inf row gives NaN (0/0 in log_softmax); ignored rows give 0
    let s = CeShape { outer: 3, classes: 3, inner: 1 };
    let x = [1.0, f64::NAN, 0.0, f64::NEG_INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY, f64::NAN, 2.0, 3.0];
    let target = [0i64, 1, -100];
    let tg = CeTarget { target: target.as_ptr(), weight: core::ptr::null(), ignore_index: -100, smoothing: 0.0 };
    let (mut loss, mut rw, mut stats) = ([0.0; 3], [0.0; 3], [0.0; 6]);
    assert_eq!(unsafe { cross_entropy_forward(&s, x.as_ptr(), &tg, loss.as_mut_ptr(), rw.as_mut_ptr(), stats.as_mut_ptr(), core::ptr::null_mut()) }, OK);
    assert!(loss[0].is_nan() && loss[1].is_nan());
    assert_eq!((loss[2], rw[2]), (0.0, 0.0));
    let mut gx = [1.0; 9];
    let g = [1.0];
    unsafe { cross_entropy_backward(&s, x.as_ptr(), &tg, stats.as_ptr(), core::ptr::null(), g.as_ptr(), 0, gx.as_mut_ptr()) };
    assert_eq!(&gx[6..], &[0.0, 0.0, 0.0]);
}
