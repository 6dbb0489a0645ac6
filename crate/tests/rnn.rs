//! Recurrent layer kernels: outputs and final states against a naive step-by-step
//! reference written from the cell equations (float64 and float32), gradients against
//! central finite differences of sum(gout * out) + sum(ghn * hn) + sum(gcn * cn)
//! (float64), for every mode, forward and reverse, padded and packed batch sizes,
//! with and without biases, and the LSTM projection.

mod common;
use common::{assert_close, Rng};
use torchwasm::kernels::rnn::{backward, forward, RnnShape, GRU, LSTM, RNN_RELU, RNN_TANH};

struct Case {
    s: RnnShape,
    sizes: Vec<usize>,
    gi: Vec<f64>,
    h0: Vec<f64>,
    c0: Vec<f64>,
    w_hh: Vec<f64>,
    b_hh: Option<Vec<f64>>,
    w_hr: Vec<f64>,
}

impl Case {
    fn new(s: RnnShape, sizes: Vec<usize>, bias: bool, seed: u64) -> Case {
        let mut rng = Rng::new(seed);
        let rows: usize = sizes.iter().sum();
        let (b0, g, hp, h) = (sizes[0], s.gates(), s.hp(), s.hidden);
        Case {
            gi: rng.vec_f64(rows * g).iter().map(|v| v * 1.5).collect(),
            h0: rng.vec_f64(b0 * hp),
            c0: if s.mode == LSTM { rng.vec_f64(b0 * h) } else { vec![] },
            // scaled as PyTorch's init scales them, so wide layers do not saturate
            w_hh: rng.vec_f64(g * hp).iter().map(|v| v / (hp as f64).sqrt()).collect(),
            b_hh: bias.then(|| rng.vec_f64(g)),
            w_hr: rng.vec_f64(s.proj * h).iter().map(|v| v / (h as f64).sqrt()).collect(),
            s,
            sizes,
        }
    }
    fn rows(&self) -> usize {
        self.sizes.iter().sum()
    }
}

/// (out, hn, cn) by the cell equations, one step and one row at a time.
fn reference(c: &Case) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let s = &c.s;
    let (h, hp, g) = (s.hidden, s.hp(), s.gates());
    let b0 = c.sizes[0];
    let sig = |x: f64| 1.0 / (1.0 + (-x).exp());
    let mut hs: Vec<Vec<f64>> = (0..b0).map(|b| c.h0[b * hp..(b + 1) * hp].to_vec()).collect();
    let mut cs: Vec<Vec<f64>> = (0..b0).map(|b| if s.mode == LSTM { c.c0[b * h..(b + 1) * h].to_vec() } else { vec![] }).collect();
    let mut out = vec![0.0; c.rows() * hp];
    let mut off = vec![0];
    for &b in &c.sizes {
        off.push(off.last().unwrap() + b);
    }
    let steps: Vec<usize> = if s.reverse { (0..c.sizes.len()).rev().collect() } else { (0..c.sizes.len()).collect() };
    for t in steps {
        for b in 0..c.sizes[t] {
            let row = off[t] + b;
            let x = &c.gi[row * g..(row + 1) * g];
            let gh: Vec<f64> = (0..g)
                .map(|k| (0..hp).map(|j| c.w_hh[k * hp + j] * hs[b][j]).sum::<f64>() + c.b_hh.as_ref().map_or(0.0, |bb| bb[k]))
                .collect();
            let hnew: Vec<f64> = match s.mode {
                LSTM => {
                    let mut hf = vec![0.0; h];
                    for j in 0..h {
                        let i = sig(x[j] + gh[j]);
                        let f = sig(x[h + j] + gh[h + j]);
                        let gg = (x[2 * h + j] + gh[2 * h + j]).tanh();
                        let o = sig(x[3 * h + j] + gh[3 * h + j]);
                        cs[b][j] = f * cs[b][j] + i * gg;
                        hf[j] = o * cs[b][j].tanh();
                    }
                    if s.proj > 0 {
                        (0..s.proj).map(|p| (0..h).map(|j| c.w_hr[p * h + j] * hf[j]).sum()).collect()
                    } else {
                        hf
                    }
                }
                GRU => (0..h)
                    .map(|j| {
                        let r = sig(x[j] + gh[j]);
                        let z = sig(x[h + j] + gh[h + j]);
                        let n = (x[2 * h + j] + r * gh[2 * h + j]).tanh();
                        (1.0 - z) * n + z * hs[b][j]
                    })
                    .collect(),
                RNN_RELU => (0..h).map(|j| (x[j] + gh[j]).max(0.0)).collect(),
                _ => (0..h).map(|j| (x[j] + gh[j]).tanh()).collect(),
            };
            out[row * hp..(row + 1) * hp].copy_from_slice(&hnew);
            hs[b] = hnew;
        }
    }
    (out, hs.concat(), cs.concat())
}

fn ptr_or_null(v: &Option<Vec<f64>>) -> *const f64 {
    v.as_ref().map_or(core::ptr::null(), |v| v.as_ptr())
}

/// forward() in float64, keeping the workspace: (out, hn, cn, ws).
fn run(c: &Case) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let s = &c.s;
    let b0 = c.sizes[0];
    let mut out = vec![0.0; c.rows() * s.hp()];
    let mut hn = vec![0.0; b0 * s.hp()];
    let mut cn = vec![0.0; if s.mode == LSTM { b0 * s.hidden } else { 0 }];
    let mut ws = vec![0.0; c.rows() * s.ws_width()];
    unsafe {
        forward(
            s, &c.sizes, c.gi.as_ptr(), c.h0.as_ptr(), c.c0.as_ptr(), c.w_hh.as_ptr(), ptr_or_null(&c.b_hh), c.w_hr.as_ptr(),
            out.as_mut_ptr(), hn.as_mut_ptr(), cn.as_mut_ptr(), ws.as_mut_ptr(),
        )
    };
    (out, hn, cn, ws)
}

fn check_forward(c: &Case, what: &str) {
    let (want_out, want_hn, want_cn) = reference(c);
    let (out, hn, cn, _) = run(c);
    assert_close(&out, &want_out, 1e-12, 1e-12, &format!("out {what}"));
    assert_close(&hn, &want_hn, 1e-12, 1e-12, &format!("hn {what}"));
    assert_close(&cn, &want_cn, 1e-12, 1e-12, &format!("cn {what}"));
    // float32 without a workspace
    let f = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
    let s = &c.s;
    let b0 = c.sizes[0];
    let mut out32 = vec![0.0f32; c.rows() * s.hp()];
    let mut hn32 = vec![0.0f32; b0 * s.hp()];
    let mut cn32 = vec![0.0f32; cn.len()];
    let b_hh32 = c.b_hh.as_ref().map(|b| f(b));
    unsafe {
        forward(
            s, &c.sizes, f(&c.gi).as_ptr(), f(&c.h0).as_ptr(), f(&c.c0).as_ptr(), f(&c.w_hh).as_ptr(),
            b_hh32.as_ref().map_or(core::ptr::null(), |b| b.as_ptr()), f(&c.w_hr).as_ptr(),
            out32.as_mut_ptr(), hn32.as_mut_ptr(), cn32.as_mut_ptr(), core::ptr::null_mut(),
        )
    };
    let d = |v: &[f32]| v.iter().map(|&x| x as f64).collect::<Vec<f64>>();
    assert_close(&d(&out32), &want_out, 1e-4, 1e-5, &format!("out f32 {what}"));
    assert_close(&d(&hn32), &want_hn, 1e-4, 1e-5, &format!("hn f32 {what}"));
    assert_close(&d(&cn32), &want_cn, 1e-4, 1e-5, &format!("cn f32 {what}"));
}

fn check_backward(c: &Case, what: &str) {
    let s = c.s;
    let b0 = c.sizes[0];
    let mut rng = Rng::new(99);
    let gout = rng.vec_f64(c.rows() * s.hp());
    let ghn = rng.vec_f64(b0 * s.hp());
    let gcn = rng.vec_f64(if s.mode == LSTM { b0 * s.hidden } else { 0 });
    let loss = |c: &Case| -> f64 {
        let (o, hn, cn) = reference(c);
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        dot(&o, &gout) + dot(&hn, &ghn) + dot(&cn, &gcn)
    };
    let (out, _, _, ws) = run(c);
    let g = s.gates();
    let mut d_gi = vec![0.0; c.rows() * g];
    let mut dh0 = vec![0.0; c.h0.len()];
    let mut dc0 = vec![0.0; c.c0.len()];
    let mut dw_hh = vec![0.0; c.w_hh.len()];
    let mut db_hh = vec![0.0; g];
    let mut dw_hr = vec![0.0; c.w_hr.len()];
    unsafe {
        backward(
            &s, &c.sizes, ws.as_ptr(), out.as_ptr(), c.w_hh.as_ptr(), c.w_hr.as_ptr(), gout.as_ptr(), ghn.as_ptr(), gcn.as_ptr(),
            d_gi.as_mut_ptr(), dh0.as_mut_ptr(), dc0.as_mut_ptr(), dw_hh.as_mut_ptr(), db_hh.as_mut_ptr(), dw_hr.as_mut_ptr(),
        )
    };
    let numeric = |field: fn(&mut Case) -> &mut Vec<f64>| -> Vec<f64> {
        let n = field(&mut clone(c)).len();
        (0..n)
            .map(|i| {
                let eps = 1e-6;
                let mut p = clone(c);
                field(&mut p)[i] += eps;
                let mut m = clone(c);
                field(&mut m)[i] -= eps;
                (loss(&p) - loss(&m)) / (2.0 * eps)
            })
            .collect()
    };
    assert_close(&d_gi, &numeric(|c| &mut c.gi), 1e-6, 1e-7, &format!("d_gi {what}"));
    assert_close(&dh0, &numeric(|c| &mut c.h0), 1e-6, 1e-7, &format!("dh0 {what}"));
    assert_close(&dc0, &numeric(|c| &mut c.c0), 1e-6, 1e-7, &format!("dc0 {what}"));
    assert_close(&dw_hh, &numeric(|c| &mut c.w_hh), 1e-6, 1e-7, &format!("dw_hh {what}"));
    assert_close(&dw_hr, &numeric(|c| &mut c.w_hr), 1e-6, 1e-7, &format!("dw_hr {what}"));
    if c.b_hh.is_some() {
        assert_close(&db_hh, &numeric(|c| c.b_hh.as_mut().unwrap()), 1e-6, 1e-7, &format!("db_hh {what}"));
    }
    // without gradients of the outputs: every gradient is zero
    let mut zero = vec![1.0; d_gi.len()];
    let mut dh0z = vec![1.0; dh0.len()];
    unsafe {
        backward(
            &s, &c.sizes, ws.as_ptr(), out.as_ptr(), c.w_hh.as_ptr(), c.w_hr.as_ptr(), core::ptr::null(), core::ptr::null(),
            core::ptr::null(), zero.as_mut_ptr(), dh0z.as_mut_ptr(), core::ptr::null_mut(), core::ptr::null_mut(), core::ptr::null_mut(),
            core::ptr::null_mut(),
        )
    };
    assert!(zero.iter().chain(&dh0z).all(|&v| v == 0.0), "zero gradients {what}");
}

fn clone(c: &Case) -> Case {
    Case {
        s: c.s,
        sizes: c.sizes.clone(),
        gi: c.gi.clone(),
        h0: c.h0.clone(),
        c0: c.c0.clone(),
        w_hh: c.w_hh.clone(),
        b_hh: c.b_hh.clone(),
        w_hr: c.w_hr.clone(),
    }
}

fn cases() -> Vec<(Case, String)> {
    let mut out = vec![];
    let mut seed = 1;
    for mode in [RNN_TANH, RNN_RELU, LSTM, GRU] {
        for reverse in [false, true] {
            for sizes in [vec![3, 3, 3, 3], vec![4, 3, 3, 1], vec![2], vec![1, 1, 1]] {
                for bias in [true, false] {
                    for proj in if mode == LSTM { vec![0, 2] } else { vec![0] } {
                        let s = RnnShape { mode, hidden: 3, proj, reverse };
                        let what = format!("mode {mode} reverse {reverse} sizes {sizes:?} bias {bias} proj {proj}");
                        out.push((Case::new(s, sizes.clone(), bias, seed), what));
                        seed += 1;
                    }
                }
            }
        }
    }
    out
}

#[test]
fn forward_matches_the_cell_equations() {
    for (c, what) in cases() {
        check_forward(&c, &what);
    }
}

#[test]
fn backward_matches_finite_differences() {
    for (c, what) in cases() {
        check_backward(&c, &what);
    }
}

#[test]
fn wide_layers_cross_gemm_blocks() {
    // hidden 160 (LSTM gates 640, GRU 480) with K blocks of 512 and NC panels: the
    // packed weights' block offsets
    for (mode, hidden, proj) in [(LSTM, 160, 0), (GRU, 200, 0), (RNN_TANH, 300, 0), (LSTM, 600, 130)] {
        let s = RnnShape { mode, hidden, proj, reverse: false };
        let c = Case::new(s, vec![5, 4, 2], true, 7);
        check_forward(&c, &format!("wide mode {mode} hidden {hidden} proj {proj}"));
    }
}
