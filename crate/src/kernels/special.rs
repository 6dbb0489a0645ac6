//! Special functions missing from Rust's std: erf, erfc, erfinv, lgamma, digamma.
//! Computed in f64; float32 callers round the result.

const SQRT_PI: f64 = 1.772_453_850_905_516;

/// erf by its Maclaurin series for |x| < 2.5 and by erfc's continued fraction beyond.
pub fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let ax = x.abs();
    if ax == 0.0 {
        // the series below would never meet its relative stopping test at 0 (keeps -0.0)
        return x;
    }
    if ax < 2.5 {
        // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
        let x2 = x * x;
        let mut term = x;
        let mut sum = x;
        let mut n = 0.0;
        loop {
            n += 1.0;
            term *= -x2 / n;
            let t = term / (2.0 * n + 1.0);
            sum += t;
            if t.abs() < 1e-17 * sum.abs() {
                break;
            }
        }
        2.0 / SQRT_PI * sum
    } else {
        let r = 1.0 - erfc_cf(ax);
        if x < 0.0 {
            -r
        } else {
            r
        }
    }
}

/// erfc for x > 0 by the Lentz evaluation of its continued fraction.
fn erfc_cf(x: f64) -> f64 {
    if x > 27.3 {
        return 0.0;
    }
    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
    let tiny = 1e-300;
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for k in 1..500 {
        let a = k as f64 * 0.5;
        d = x + a * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = x + a / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    (-x * x).exp() / SQRT_PI / f
}

pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x < 0.5 {
        1.0 - erf(x)
    } else {
        erfc_cf(x)
    }
}

/// Inverse error function: Giles' single-precision approximation refined by Newton steps.
pub fn erfinv(y: f64) -> f64 {
    if y.is_nan() || !(-1.0..=1.0).contains(&y) {
        return f64::NAN;
    }
    if y == 1.0 {
        return f64::INFINITY;
    }
    if y == -1.0 {
        return f64::NEG_INFINITY;
    }
    let w = -((1.0 - y) * (1.0 + y)).ln();
    let mut x = if w < 5.0 {
        let w = w - 2.5;
        let mut p = 2.810_226_36e-08;
        p = 3.432_739_39e-07 + p * w;
        p = -3.523_387_7e-06 + p * w;
        p = -4.391_506_54e-06 + p * w;
        p = 0.000_218_580_87 + p * w;
        p = -0.001_253_725_03 + p * w;
        p = -0.004_177_681_64 + p * w;
        p = 0.246_640_727 + p * w;
        p = 1.501_409_41 + p * w;
        p * y
    } else {
        let w = w.sqrt() - 3.0;
        let mut p = -0.000_200_214_257;
        p = 0.000_100_950_558 + p * w;
        p = 0.001_349_343_22 + p * w;
        p = -0.003_673_428_44 + p * w;
        p = 0.005_739_507_73 + p * w;
        p = -0.007_622_461_3 + p * w;
        p = 0.009_438_870_47 + p * w;
        p = 1.001_674_06 + p * w;
        p = 2.832_976_82 + p * w;
        p * y
    };
    for _ in 0..3 {
        let err = erf(x) - y;
        let deriv = 2.0 / SQRT_PI * (-x * x).exp();
        if deriv == 0.0 {
            break;
        }
        x -= err / deriv;
    }
    x
}

/// log|Gamma(x)| by the Lanczos approximation (g = 7, n = 9) with reflection.
pub fn lgamma(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    if x <= 0.0 && x == x.floor() {
        return f64::INFINITY;
    }
    if x == 1.0 || x == 2.0 {
        // exact zeros the approximation would miss by an ulp
        return 0.0;
    }
    if x < 0.5 {
        let s = (core::f64::consts::PI * x).sin().abs();
        return (core::f64::consts::PI / s).ln() - lgamma(1.0 - x);
    }
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * core::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// digamma(x) = d/dx ln Gamma(x), as PyTorch's calc_digamma: reflection for x < 0,
/// recurrence up to x >= 10, then the asymptotic series.
pub fn digamma(x: f64) -> f64 {
    const PSI_10: f64 = 2.251_752_589_066_721_1;
    const A: [f64; 7] = [
        8.333_333_333_333_333e-2,
        -2.109_279_609_279_609_3e-2,
        7.575_757_575_757_576e-3,
        -4.166_666_666_666_667e-3,
        3.968_253_968_253_968e-3,
        -8.333_333_333_333_333e-3,
        8.333_333_333_333_333e-2,
    ];
    if x == 0.0 {
        // copysign(inf, -x): -inf at +0, inf at -0
        return if x.is_sign_negative() { f64::INFINITY } else { f64::NEG_INFINITY };
    }
    if x.is_nan() || x == f64::NEG_INFINITY {
        return f64::NAN;
    }
    if x < 0.0 {
        if x == x.trunc() {
            return f64::NAN;
        }
        let r = x - x.trunc();
        return digamma(1.0 - x) - core::f64::consts::PI / (core::f64::consts::PI * r).tan();
    }
    let mut result = 0.0;
    let mut x = x;
    while x < 10.0 {
        result -= 1.0 / x;
        x += 1.0;
    }
    if x == 10.0 {
        return result + PSI_10;
    }
    let mut y = 0.0;
    if x < 1.0e17 {
        let z = 1.0 / (x * x);
        // polevl: A[0] z^6 + ... + A[6]
        let p = A.iter().fold(0.0, |acc, &c| acc * z + c);
        y = z * p;
    }
    result + x.ln() - 0.5 / x - y
}

/// Hurwitz zeta(x, q) = sum_k (k + q)^-x, by Cephes' Euler-Maclaurin summation (as PyTorch).
pub fn zeta(x: f64, q: f64) -> f64 {
    const MACHEP: f64 = 1.110_223_024_625_156_5e-16;
    const A: [f64; 12] = [
        12.0,
        -720.0,
        30240.0,
        -1_209_600.0,
        47_900_160.0,
        -1.892_437_580_318_379_2e9,
        7.472_424_96e10,
        -2.950_130_727_918_164_2e12,
        1.164_678_281_435_006_7e14,
        -4.597_978_722_407_472_6e15,
        1.815_210_540_194_354_7e17,
        -7.166_165_256_175_667e18,
    ];
    if x == 1.0 {
        return f64::INFINITY;
    }
    if x < 1.0 {
        return f64::NAN;
    }
    if q <= 0.0 {
        if q == q.floor() {
            return f64::INFINITY;
        }
        if x != x.floor() {
            return f64::NAN;
        }
    }
    let mut s = q.powf(-x);
    let mut a = q;
    let mut b = 0.0;
    let mut i = 0;
    while i < 9 || a <= 9.0 {
        i += 1;
        a += 1.0;
        b = a.powf(-x);
        s += b;
        if -MACHEP * s < b && b < MACHEP * s {
            return s;
        }
    }
    let w = a;
    s += b * w / (x - 1.0);
    s -= 0.5 * b;
    let mut a = 1.0;
    let mut k = 0.0;
    for coef in A {
        a *= x + k;
        b /= w;
        let t = a * b / coef;
        s += t;
        if (t / s).abs() < MACHEP {
            return s;
        }
        k += 1.0;
        a *= x + k;
        b /= w;
        k += 1.0;
    }
    s
}

/// trigamma(x) = polygamma(1, x): reflection below 0.5, recurrence, then the asymptotic series.
pub fn trigamma(x: f64) -> f64 {
    let pi = core::f64::consts::PI;
    let mut x = x;
    let mut sign = 1.0;
    let mut result = 0.0;
    if x < 0.5 {
        sign = -1.0;
        let s = (pi * x).sin();
        result -= pi * pi / (s * s);
        x = 1.0 - x;
    }
    for _ in 0..6 {
        result += 1.0 / (x * x);
        x += 1.0;
    }
    let ixx = 1.0 / (x * x);
    result += (1.0 + 1.0 / (2.0 * x) + ixx * (1.0 / 6.0 - ixx * (1.0 / 30.0 - ixx * (1.0 / 42.0)))) / x;
    sign * result
}

/// polygamma(n, x): the n-th derivative of digamma.
pub fn polygamma(n: u32, x: f64) -> f64 {
    match n {
        0 => digamma(x),
        1 => trigamma(x),
        _ => {
            let sign = if n % 2 == 1 { 1.0 } else { -1.0 };
            sign * lgamma(n as f64 + 1.0).exp() * zeta(n as f64 + 1.0, x)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn erf_matches_known_values() {
        let cases = [(0.0, 0.0), (0.5, 0.520_499_877_813_046_5), (1.0, 0.842_700_792_949_714_9), (2.0, 0.995_322_265_018_952_7), (3.0, 0.999_977_909_503_001_4), (-1.5, -0.966_105_146_475_310_7)];
        for (x, e) in cases {
            assert!((erf(x) - e).abs() < 1e-15, "erf({x}) = {} vs {e}", erf(x));
        }
        assert!((erfc(3.0) - 2.209_049_699_858_544e-5).abs() < 1e-19);
        assert!((erfc(6.0) - 2.151_973_671_249_891_3e-17).abs() < 1e-30);
    }
    #[test]
    fn erfinv_inverts_erf() {
        for &y in &[-0.999, -0.5, -0.1, 0.0, 0.2, 0.7, 0.99, 0.999_999] {
            assert!((erf(erfinv(y)) - y).abs() < 1e-14);
        }
    }
    #[test]
    fn lgamma_digamma_known_values() {
        assert!((lgamma(0.5) - 0.572_364_942_924_700_1).abs() < 1e-13);
        assert!((lgamma(10.0) - 12.801_827_480_081_469).abs() < 1e-12);
        assert!((lgamma(-2.5) - (-0.056_243_716_497_674_05)).abs() < 1e-12);
        assert!((digamma(1.0) + 0.577_215_664_901_532_9).abs() < 1e-13);
        assert!((digamma(0.25) - (-4.227_453_533_376_265)).abs() < 1e-12);
    }
    #[test]
    fn polygamma_known_values() {
        // trigamma(1) = pi^2 / 6, trigamma(0.5) = pi^2 / 2, polygamma(2, 1) = -2 zeta(3)
        let pi2 = core::f64::consts::PI * core::f64::consts::PI;
        // PyTorch's trigamma (6 recurrence steps) is good to about 1e-9
        assert!((polygamma(1, 1.0) - pi2 / 6.0).abs() < 1e-8);
        assert!((polygamma(1, 0.5) - pi2 / 2.0).abs() < 1e-8);
        assert!((polygamma(2, 1.0) + 2.0 * 1.202_056_903_159_594_3).abs() < 1e-12);
        // 6 * sum_k (2.5 + k)^-4
        let pg3: f64 = (0..200_000).map(|k| 6.0 / (2.5 + k as f64).powi(4)).sum();
        assert!((polygamma(3, 2.5) - pg3).abs() < 1e-12);
        assert!((zeta(2.0, 1.0) - pi2 / 6.0).abs() < 1e-14);
        // reflection: trigamma(-1.5) = pi^2 / sin^2(1.5 pi) - trigamma(2.5)
        assert!((polygamma(1, -1.5) - (pi2 - (pi2 / 2.0 - 4.0 - 4.0 / 9.0))).abs() < 1e-9);
    }
}
