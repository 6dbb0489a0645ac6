//! Fused optimizer steps against a naive reference: PyTorch's single-tensor SGD and
//! Adam(W) written op by op, one pass per tensor op as PyTorch runs them, with the
//! host's fused multiply-add (`mul_add`) where PyTorch's kernels fuse. The fused steps
//! must agree bit for bit, over several steps, for every flag combination.

mod common;
use common::Rng;
use torchwasm::kernels::optim::{self, AdamArgs, SgdArgs, StepFloat, AMSGRAD, DECOUPLED, FIRST_STEP, MAXIMIZE, NESTEROV};

trait Elem: StepFloat + Copy + PartialEq + core::fmt::Debug {
    fn host_fma(a: Self, b: Self, c: Self) -> Self;
    fn bits(self) -> u64;
}
impl Elem for f32 {
    fn host_fma(a: f32, b: f32, c: f32) -> f32 {
        a.mul_add(b, c)
    }
    fn bits(self) -> u64 {
        self.to_bits() as u64
    }
}
impl Elem for f64 {
    fn host_fma(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
    fn bits(self) -> u64 {
        self.to_bits()
    }
}

fn same<T: Elem>(got: &[T], want: &[T], what: &str) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let ok = g.bits() == w.bits() || (g.is_nan() && w.is_nan());
        assert!(ok, "{what}[{i}]: got {g:?}, want {w:?}");
    }
}

fn values<T: Elem>(rng: &mut Rng, n: usize, scale: f64) -> Vec<T> {
    (0..n).map(|_| T::f(rng.uniform() * scale)).collect()
}

// ---- the reference: tensor ops in PyTorch's order ------------------------------------

fn neg<T: Elem>(a: &[T]) -> Vec<T> {
    a.iter().map(|&x| -x).collect()
}
/// a.add(b, alpha): fused in PyTorch's kernels
fn add_alpha<T: Elem>(a: &[T], b: &[T], alpha: f64) -> Vec<T> {
    a.iter().zip(b).map(|(&x, &y)| T::host_fma(T::f(alpha), y, x)).collect()
}
fn mul_scalar<T: Elem>(a: &[T], s: f64) -> Vec<T> {
    a.iter().map(|&x| x * T::f(s)).collect()
}
/// a.addcmul(b, c, value): fma(value * b, c, a)
fn addcmul<T: Elem>(a: &[T], b: &[T], c: &[T], value: f64) -> Vec<T> {
    a.iter().zip(b).zip(c).map(|((&x, &y), &z)| T::host_fma(T::f(value) * y, z, x)).collect()
}
/// a.addcdiv(b, c, value): a + (value * b) / c, each rounded
fn addcdiv<T: Elem>(a: &[T], b: &[T], c: &[T], value: f64) -> Vec<T> {
    a.iter().zip(b).zip(c).map(|((&x, &y), &z)| x + (T::f(value) * y) / z).collect()
}
fn maximum<T: Elem>(a: &[T], b: &[T]) -> Vec<T> {
    a.iter().zip(b).map(|(&x, &y)| if x.is_nan() || y.is_nan() { T::NAN } else if x > y { x } else { y }).collect()
}

/// _single_tensor_sgd for one parameter.
fn sgd_ref<T: Elem>(p: &mut Vec<T>, g: &[T], buf: &mut Option<Vec<T>>, a: &SgdArgs) {
    let mut d = if a.flags & MAXIMIZE != 0 { neg(g) } else { g.to_vec() };
    if a.weight_decay != 0.0 {
        d = add_alpha(&d, p, a.weight_decay);
    }
    if a.momentum != 0.0 {
        let b = match buf.take() {
            None => d.clone(),
            Some(b) => add_alpha(&mul_scalar(&b, a.momentum), &d, 1.0 - a.dampening),
        };
        d = if a.flags & NESTEROV != 0 { add_alpha(&d, &b, a.momentum) } else { b.clone() };
        *buf = Some(b);
    }
    *p = add_alpha(p, &d, -a.lr);
}

/// _single_tensor_adam / _single_tensor_adamw for one parameter at step t.
fn adam_ref<T: Elem>(p: &mut Vec<T>, g: &[T], m: &mut Vec<T>, v: &mut Vec<T>, vmax: &mut Vec<T>, a: &AdamArgs) {
    let mut grad = if a.flags & MAXIMIZE != 0 { neg(g) } else { g.to_vec() };
    if a.flags & DECOUPLED != 0 {
        *p = mul_scalar(p, 1.0 - a.lr * a.weight_decay);
    } else if a.weight_decay != 0.0 {
        grad = add_alpha(&grad, p, a.weight_decay);
    }
    *m = add_alpha(&mul_scalar(m, a.beta1), &grad, 1.0 - a.beta1);
    *v = addcmul(&mul_scalar(v, a.beta2), &grad, &grad, 1.0 - a.beta2);
    let second = if a.flags & AMSGRAD != 0 {
        *vmax = maximum(vmax, v);
        vmax.clone()
    } else {
        v.clone()
    };
    let denom: Vec<T> = second.iter().map(|&x| x.sqrt() / T::f(a.bias_correction2_sqrt) + T::f(a.eps)).collect();
    *p = addcdiv(p, m, &denom, -a.step_size);
}

// ---- tests -----------------------------------------------------------------------------

fn check_sgd<T: Elem>(seed: u64) {
    let n = 37;
    for flags in [0, MAXIMIZE, NESTEROV, MAXIMIZE | NESTEROV] {
        for (momentum, dampening, weight_decay) in [(0.0, 0.0, 0.0), (0.9, 0.0, 0.0), (0.8, 0.3, 0.01), (0.5, 0.0, 0.1), (0.0, 0.0, 0.05)] {
            if flags & NESTEROV != 0 && (momentum == 0.0 || dampening != 0.0) {
                continue;
            }
            let mut rng = Rng::new(seed);
            let mut p: Vec<T> = values(&mut rng, n, 2.0);
            let mut p_ref = p.clone();
            let mut buf = vec![T::ZERO; n];
            let mut buf_ref = None;
            for step in 0..5 {
                let g: Vec<T> = values(&mut rng, n, 3.0);
                let first = if step == 0 { FIRST_STEP } else { 0 };
                let a = SgdArgs { flags: flags | first, lr: 0.07, momentum, dampening, weight_decay };
                unsafe { optim::sgd(n, p.as_mut_ptr(), g.as_ptr(), buf.as_mut_ptr(), &a) };
                sgd_ref(&mut p_ref, &g, &mut buf_ref, &a);
                let what = format!("sgd flags={flags} momentum={momentum} dampening={dampening} wd={weight_decay} step {step}");
                same(&p, &p_ref, &what);
                if let Some(b) = &buf_ref {
                    same(&buf, b, &format!("{what} buf"));
                }
            }
        }
    }
}

fn check_adam<T: Elem>(seed: u64) {
    let n = 41;
    let (beta1, beta2) = (0.85, 0.995);
    for flags in [0, MAXIMIZE, AMSGRAD, DECOUPLED, AMSGRAD | DECOUPLED | MAXIMIZE] {
        for weight_decay in [0.0, 0.05] {
            let mut rng = Rng::new(seed);
            let mut p: Vec<T> = values(&mut rng, n, 2.0);
            let mut p_ref = p.clone();
            let (mut m, mut v, mut vmax) = (vec![T::ZERO; n], vec![T::ZERO; n], vec![T::ZERO; n]);
            let (mut m_ref, mut v_ref, mut vmax_ref) = (m.clone(), v.clone(), vmax.clone());
            for step in 1..=6 {
                let g: Vec<T> = values(&mut rng, n, if step % 2 == 0 { 0.1 } else { 4.0 });
                let t = step as f64;
                let lr = 0.003;
                let a = AdamArgs {
                    flags, lr, beta1, beta2, eps: 1e-8, weight_decay,
                    step_size: lr / (1.0 - beta1.powf(t)),
                    bias_correction2_sqrt: (1.0 - beta2.powf(t)).sqrt(),
                };
                unsafe { optim::adam(n, p.as_mut_ptr(), g.as_ptr(), m.as_mut_ptr(), v.as_mut_ptr(), vmax.as_mut_ptr(), &a) };
                adam_ref(&mut p_ref, &g, &mut m_ref, &mut v_ref, &mut vmax_ref, &a);
                let what = format!("adam flags={flags} wd={weight_decay} step {step}");
                same(&p, &p_ref, &what);
                same(&m, &m_ref, &format!("{what} exp_avg"));
                same(&v, &v_ref, &format!("{what} exp_avg_sq"));
                if flags & AMSGRAD != 0 {
                    same(&vmax, &vmax_ref, &format!("{what} max_exp_avg_sq"));
                }
            }
        }
    }
}

#[test]
fn sgd_matches_the_op_by_op_reference() {
    for seed in 1..4 {
        check_sgd::<f32>(seed);
        check_sgd::<f64>(seed);
    }
}

#[test]
fn adam_matches_the_op_by_op_reference() {
    for seed in 1..4 {
        check_adam::<f32>(seed);
        check_adam::<f64>(seed);
    }
}

#[test]
fn float32_fma_is_correctly_rounded() {
    let mut rng = Rng::new(7);
    let check = |a: f32, b: f32, c: f32| {
        let got = <f32 as StepFloat>::fma(a, b, c);
        let want = a.mul_add(b, c);
        assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()), "fma({a:e}, {b:e}, {c:e}) = {got:e}, want {want:e}");
    };
    for _ in 0..200_000 {
        // exponents spread so that products and addends cancel, tie and underflow
        let e = |r: &mut Rng| 2f64.powi(r.below(60) as i32 - 30);
        let a = (rng.uniform() * e(&mut rng)) as f32;
        let b = (rng.uniform() * e(&mut rng)) as f32;
        let c = (rng.uniform() * e(&mut rng)) as f32;
        check(a, b, c);
        check(a, b, -(a as f64 * b as f64) as f32); // near-total cancellation
    }
    // sums that round to a double exactly halfway between two floats
    for _ in 0..200_000 {
        let a = 1.0 + (rng.below(1 << 23) as f32) * f32::EPSILON;
        let b = 1.0 + (rng.below(1 << 12) as f32) * 2f32.powi(-12);
        let c = (rng.uniform() * 2f64.powi(-(rng.below(40) as i32))) as f32;
        check(a, b, c);
        check(a, -b, c);
    }
    // exact sums a hair off a float midpoint that round to the midpoint in double: the
    // product (1 + e)(1 - e) u/2 = u/2 - e^2 u/2 with e = 2^-23 (u: the float spacing at c)
    for _ in 0..20_000 {
        let e = f32::EPSILON;
        let scale = 2f32.powi(rng.below(40) as i32 - 20);
        let x = (1.0 + rng.below(1 << 23) as f32 * e) * scale; // in [1, 2) * scale
        let half_u = 0.5 * e * scale;
        let (a, b) = (half_u * (1.0 + e), 1.0 - e);
        check(a, b, x); // just below the midpoint above x
        check(-a, b, x + 2.0 * half_u); // just above the midpoint below x + u
        check(a, -b, -x);
    }
    for &(a, b, c) in &[
        (f32::MAX, 2.0, -f32::MAX),
        (f32::MAX, 1.5, 0.0),
        (f32::INFINITY, 1.0, -1.0),
        (f32::INFINITY, 0.0, 1.0),
        (f32::NAN, 1.0, 1.0),
        (1e-30, 1e-30, 0.0),
        (1e-20, 1e-20, -1e-40),
        (-0.0, 1.0, 0.0),
        (0.0, -1.0, -0.0),
        (1.0, 1.0, f32::NEG_INFINITY),
    ] {
        check(a, b, c);
    }
}

#[test]
fn maximum_propagates_nan() {
    assert!(<f32 as StepFloat>::maximum(f32::NAN, 1.0).is_nan());
    assert!(<f32 as StepFloat>::maximum(1.0, f32::NAN).is_nan());
    assert_eq!(<f64 as StepFloat>::maximum(2.0, 1.0), 2.0);
}
