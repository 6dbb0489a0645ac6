//! float32 fastmath functions against float64 references: the distance in ulps to the
//! correctly rounded result over every 997th float32 bit pattern (both signs, subnormals
//! to inf) plus special values, which must come out exact; and the row drivers over odd
//! sizes and strided layouts against the scalar functions.

use torchwasm::kernels::fastmath::*;
use torchwasm::strided::Desc;

/// Position of a float32 on the number line, so ulp distance is a difference.
fn ord(x: f32) -> i64 {
    let b = x.to_bits() as i32 as i64;
    if b < 0 {
        i64::from(i32::MIN) - b
    } else {
        b
    }
}

/// Distance in ulps from `got` to the float32 rounding of `exact` (0 when both are NaN).
fn ulps(got: f32, exact: f64) -> i64 {
    let want = exact as f32;
    if want.is_nan() || got.is_nan() {
        return if want.is_nan() && got.is_nan() { 0 } else { i64::MAX };
    }
    if want.is_infinite() || got.is_infinite() {
        return if want == got { 0 } else { i64::MAX };
    }
    (ord(got) - ord(want)).abs()
}

const SPECIAL: [f32; 20] = [
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1e-45, -1e-45, 1e-40, 1.17e-38, 3e-8, -3e-8, 88.0, -88.0, -88.1, -100.0, -104.0, f32::INFINITY, f32::NEG_INFINITY,
    f32::NAN,
];

/// Every 997th bit pattern (FASTMATH_STEP=n for a denser sweep) plus the special values.
fn sweep() -> impl Iterator<Item = f32> {
    let step: u32 = std::env::var("FASTMATH_STEP").ok().and_then(|s| s.parse().ok()).unwrap_or(997);
    (0..=u32::MAX / step).map(move |i| f32::from_bits(i * step)).chain(SPECIAL)
}

/// Max ulp error of `f` against `exact` over the sweep; panics with the worst input above `bound`.
fn check(name: &str, f: fn(f32) -> f32, exact: fn(f64) -> f64, bound: i64) -> i64 {
    let mut worst = (0i64, 0f32);
    for x in sweep() {
        let e = ulps(f(x), exact(x as f64));
        if e > worst.0 {
            worst = (e, x);
        }
    }
    println!("{name}: max {} ulp at {:e}", worst.0, worst.1);
    assert!(worst.0 <= bound, "{name}: {} ulp at x = {:e} (got {:e}, want {:e})", worst.0, worst.1, f(worst.1), exact(worst.1 as f64) as f32);
    worst.0
}

fn same(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn sigmoid_within_3_ulp() {
    check("sigmoid", sigmoid_f32, |x| 1.0 / (1.0 + (-x).exp()), 3);
    assert!(same(sigmoid_f32(0.0), 0.5) && same(sigmoid_f32(-0.0), 0.5));
    assert!(same(sigmoid_f32(f32::INFINITY), 1.0) && same(sigmoid_f32(f32::NEG_INFINITY), 0.0));
    assert!(sigmoid_f32(f32::NAN).is_nan());
    assert!(sigmoid_f32(-100.0) > 0.0); // subnormal result, not flushed
}

#[test]
fn silu_within_3_ulp() {
    check("silu", silu_f32, |x| x / (1.0 + (-x).exp()), 3);
    assert!(same(silu_f32(0.0), 0.0) && same(silu_f32(-0.0), -0.0));
    assert!(same(silu_f32(f32::INFINITY), f32::INFINITY));
    // -inf / (1 + exp(inf)) is NaN in PyTorch too
    assert!(silu_f32(f32::NEG_INFINITY).is_nan() && silu_f32(f32::NAN).is_nan());
}

#[test]
fn tanh_within_3_ulp() {
    check("tanh", tanh_f32, f64::tanh, 3);
    assert!(same(tanh_f32(0.0), 0.0) && same(tanh_f32(-0.0), -0.0));
    assert!(same(tanh_f32(1e-40), 1e-40) && same(tanh_f32(-1e-40), -1e-40));
    assert!(same(tanh_f32(f32::INFINITY), 1.0) && same(tanh_f32(f32::NEG_INFINITY), -1.0));
    assert!(same(tanh_f32(20.0), 1.0) && same(tanh_f32(-20.0), -1.0));
    assert!(tanh_f32(f32::NAN).is_nan());
}

#[test]
fn log_within_3_ulp() {
    check("log", log_f32, f64::ln, 3);
    assert!(same(log_f32(1.0), 0.0));
    assert!(same(log_f32(0.0), f32::NEG_INFINITY) && same(log_f32(-0.0), f32::NEG_INFINITY));
    assert!(same(log_f32(f32::INFINITY), f32::INFINITY));
    assert!(log_f32(-1.0).is_nan() && log_f32(f32::NEG_INFINITY).is_nan() && log_f32(f32::NAN).is_nan());
    assert!(ulps(log_f32(1e-45), (1e-45f32 as f64).ln()) <= 1);
}

#[test]
fn rsqrt_within_1_ulp() {
    check("rsqrt", rsqrt_f32, |x| 1.0 / x.sqrt(), 1);
}

fn gelu_exact(x: f64) -> f64 {
    0.5 * x * torchwasm::kernels::special::erfc(-x * core::f64::consts::FRAC_1_SQRT_2)
}

#[test]
fn gelu_within_3_ulp() {
    check("gelu", gelu_f32, gelu_exact, 3);
    assert!(same(gelu_f32(0.0), 0.0) && same(gelu_f32(-0.0), -0.0));
    assert!(same(gelu_f32(f32::INFINITY), f32::INFINITY) && same(gelu_f32(10.0), 10.0));
    assert!(same(gelu_f32(-20.0), -0.0));
    // -inf * (1 + erf(-inf)) is NaN in PyTorch too
    assert!(gelu_f32(f32::NEG_INFINITY).is_nan() && gelu_f32(f32::NAN).is_nan());
    // the tail below -3, where 1 + erf cancels, densely
    let mut x = -3.0f32;
    while x > -15.0 {
        assert!(ulps(gelu_f32(x), gelu_exact(x as f64)) <= 3, "gelu({x})");
        x = f32::from_bits(x.to_bits() + 97);
    }
}

/// Every float32 in [-104, -87]: where 1 + exp(-x) overflows and silu and sigmoid switch to exp(x).
#[test]
fn sigmoid_and_silu_tails_exhaustive() {
    let (mut x, mut worst) = (-87.0f32, (0, 0));
    while x >= -104.0 {
        let (s, l) = (ulps(sigmoid_f32(x), 1.0 / (1.0 + (-x as f64).exp())), ulps(silu_f32(x), x as f64 / (1.0 + (-x as f64).exp())));
        worst = (worst.0.max(s), worst.1.max(l));
        x = f32::from_bits(x.to_bits() + 1);
    }
    println!("tails: sigmoid {} ulp, silu {} ulp", worst.0, worst.1);
    assert!(worst.0 <= 3 && worst.1 <= 3);
}

/// The tanh form keeps PyTorch's formula 0.5 x (1 + tanh(u)), whose 1 + tanh(u) cancels
/// for negative x in float32 (PyTorch's own results do the same): checked above -0.5.
#[test]
fn gelu_tanh_within_3_ulp_above_minus_half() {
    let exact = |x: f64| {
        let u = 0.797_884_560_802_865_4 * (x + 0.044715 * x * x * x);
        0.5 * x * (1.0 + u.tanh())
    };
    let worst = sweep().filter(|&x| !(x < -0.5)).map(|x| (ulps(gelu_tanh_f32(x), exact(x as f64)), x)).max_by_key(|w| w.0).unwrap();
    println!("gelu tanh: max {} ulp at {:e}", worst.0, worst.1);
    assert!(worst.0 <= 3);
    assert!(same(gelu_tanh_f32(-0.0), -0.0) && same(gelu_tanh_f32(f32::INFINITY), f32::INFINITY));
}

/// The row drivers against the scalar functions, contiguous and strided, odd sizes.
#[test]
fn drivers_match_scalar_in_every_layout() {
    let drivers: [(unsafe fn(&Desc<2>, *mut f32, *const f32), fn(f32) -> f32); 8] = [
        (map_gelu, gelu_f32),
        (map_gelu_tanh, gelu_tanh_f32),
        (map_sigmoid, sigmoid_f32),
        (map_silu, silu_f32),
        (map_tanh, tanh_f32),
        (map_log, log_f32),
        (map_sqrt, f32::sqrt),
        (map_rsqrt, rsqrt_f32),
    ];
    let (r, c) = (3usize, 7usize);
    let input: Vec<f32> = (0..2 * r * c).map(|i| (i as f32 - 20.0) * 0.37).chain(SPECIAL).collect();
    for (map, f) in drivers {
        // contiguous r x c; transposed input (c x r read column-wise); stride-2 input and output
        let layouts: [(&[usize], [&[isize]; 2]); 3] = [
            (&[r, c], [&[c as isize, 1], &[c as isize, 1]]),
            (&[r, c], [&[c as isize, 1], &[1, r as isize]]),
            (&[r, c], [&[2 * c as isize, 2], &[2 * c as isize, 2]]),
        ];
        for (shape, strides) in layouts {
            let d = Desc::new(shape, strides);
            let mut out = vec![7.0f32; 2 * r * c];
            unsafe { map(&d, out.as_mut_ptr(), input.as_ptr()) };
            for i in 0..r {
                for j in 0..c {
                    let oi = i as isize * strides[0][0] + j as isize * strides[0][1];
                    let ai = i as isize * strides[1][0] + j as isize * strides[1][1];
                    assert!(same(out[oi as usize], f(input[ai as usize])));
                }
            }
        }
        let d = Desc::new(&[SPECIAL.len()], [&[1], &[1]]);
        let src = &input[2 * r * c..];
        let mut out = vec![0f32; SPECIAL.len()];
        unsafe { map(&d, out.as_mut_ptr(), src.as_ptr()) };
        assert!(out.iter().zip(src).all(|(&y, &x)| same(y, f(x))));
    }
}
