//! The generator and distribution kernels against the reference MT19937, naive
//! formulas, and streams recorded from PyTorch 1.13 (conformance/rng.json).

use torchwasm::dtype::{BF16Bits, F16Bits};
use torchwasm::status;
use torchwasm::kernels::rng::{Generator, StateError, DEFAULT_SEED, LEGACY_STATE_BYTES, STATE_BYTES};
use torchwasm::kernels::rng_dist as dist;
use torchwasm::kernels::rng_mathfun::{log_ps, sincos_ps};
use torchwasm::kernels::rng_sample::{self as sample, Probs};
use torchwasm::strided::Desc;

fn contiguous(n: usize) -> Desc<1> {
    Desc::new(&[n], [&[1]])
}

fn assert_f32_stream(got: &[f32], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g as f64, w, "element {i}: {g} vs {w}");
    }
}

#[test]
fn mt19937_reference_outputs() {
    // the C++ standard's mt19937 with seed 5489: first outputs and the 10000th
    let mut g = Generator::new(5489);
    let first = [3499211612u32, 581869302, 3890346734, 3586334585, 545404204, 4161255391, 3922919429, 949333985, 2715962298, 1323567403];
    for &w in &first {
        assert_eq!(g.random(), w);
    }
    for _ in first.len()..9999 {
        g.random();
    }
    assert_eq!(g.random(), 4123659995);
}

#[test]
fn seeding_uses_low_32_bits_and_keeps_the_full_seed() {
    let mut a = Generator::new(5);
    let mut b = Generator::new((1u64 << 32) + 5);
    assert_eq!(b.initial_seed(), (1u64 << 32) + 5);
    for _ in 0..700 {
        assert_eq!(a.random(), b.random());
    }
    assert_eq!(Generator::new(DEFAULT_SEED).initial_seed(), 67280421310721);
}

#[test]
fn random64_joins_two_draws() {
    let mut a = Generator::new(123);
    let mut b = Generator::new(123);
    let hi = a.random() as u64;
    let lo = a.random() as u64;
    assert_eq!(b.random64(), (hi << 32) | lo);
}

#[test]
fn uniform_conversions_match_naive_masks() {
    let mut a = Generator::new(9);
    let mut b = Generator::new(9);
    for _ in 0..100 {
        let r = b.random();
        assert_eq!(a.uniform_f32(), (r & 0xff_ffff) as f32 / 16777216.0);
        let r = b.random64();
        assert_eq!(a.uniform_f64(), (r & ((1 << 53) - 1)) as f64 / 9007199254740992.0);
    }
}

#[test]
fn rand_and_uniform_match_pytorch() {
    let mut g = Generator::new(0);
    let mut out = vec![0f32; 5];
    unsafe { dist::uniform::<f32>(&mut g, &contiguous(5), out.as_mut_ptr(), 0.0, 1.0) };
    assert_f32_stream(&out, &[0.49625658988952637, 0.7682217955589294, 0.08847743272781372, 0.13203048706054688, 0.30742281675338745]);
    // uniform_(-2, 3) fuses x * (to - from) + from into one rounding
    let mut g = Generator::new(0);
    let mut out = vec![0f32; 7];
    unsafe { dist::uniform::<f32>(&mut g, &contiguous(7), out.as_mut_ptr(), -2.0, 3.0) };
    assert_f32_stream(
        &out,
        &[0.48128294944763184, 1.841109037399292, -1.5576128959655762, -1.3398475646972656, -0.46288591623306274, 1.170393466949463, 0.450467050075531],
    );
}

#[test]
fn uniform_through_strides_visits_row_major_order() {
    // a 3x4 view with a row stride of 5 and a column stride of 1 (odd sizes, gaps)
    let mut g = Generator::new(3);
    let mut buf = vec![-1f64; 15];
    let d = Desc::new(&[3, 4], [&[5, 1]]);
    unsafe { dist::uniform::<f64>(&mut g, &d, buf.as_mut_ptr(), 0.0, 1.0) };
    let mut r = Generator::new(3);
    for i in 0..3 {
        for j in 0..4 {
            assert_eq!(buf[i * 5 + j], r.uniform_f64());
        }
        assert_eq!(buf[i * 5 + 4], -1.0);
    }
}

#[test]
fn half_uniform_uses_the_type_mantissa() {
    let mut g = Generator::new(1);
    let mut out = vec![F16Bits(0); 6];
    unsafe { dist::uniform::<F16Bits>(&mut g, &contiguous(6), out.as_mut_ptr(), 0.0, 1.0) };
    let mut r = Generator::new(1);
    for v in out {
        assert_eq!(v.to_f32(), (r.random() & 0x7ff) as f32 / 2048.0);
    }
    let mut g = Generator::new(1);
    let mut out = vec![BF16Bits(0); 6];
    unsafe { dist::uniform::<BF16Bits>(&mut g, &contiguous(6), out.as_mut_ptr(), 0.0, 1.0) };
    let mut r = Generator::new(1);
    for v in out {
        assert_eq!(v.to_f32(), (r.random() & 0xff) as f32 / 256.0);
    }
}

#[test]
fn scalar_normal_matches_pytorch_and_caches_the_sine_sample() {
    let mut g = Generator::new(0);
    let mut out = vec![0f32; 5];
    unsafe { dist::normal_strided::<f32>(&mut g, &contiguous(5), out.as_mut_ptr(), 0.0, 1.0) };
    assert_f32_stream(&out, &[1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991, -1.0845223665237427]);
    // one-element calls share pairs: randn(1) twice == randn(2)
    let mut g = Generator::new(0);
    let a = g.normal_f64(0.0, 1.0);
    let b = g.normal_f64(0.0, 1.0);
    assert_eq!(a as f32 as f64, 1.5409960746765137);
    assert_eq!(b as f32 as f64, -0.293428897857666);
    // manual_seed drops the cached sample
    g.normal_f64(0.0, 1.0);
    g.manual_seed(0);
    assert_eq!(g.normal_f64(0.0, 1.0) as f32 as f64, 1.5409960746765137);
}

#[test]
fn scalar_normal_is_box_muller_of_two_double_uniforms() {
    let mut g = Generator::new(77);
    let mut r = Generator::new(77);
    for _ in 0..50 {
        let u1 = r.uniform_f64();
        let u2 = r.uniform_f64();
        let rad = (-2.0 * (1.0 - u2).ln()).sqrt();
        let th = 2.0 * std::f64::consts::PI * u1;
        let c = g.normal_f64(2.0, 3.0);
        let s = g.normal_f64(2.0, 3.0);
        assert!((c - (rad * th.cos() * 3.0 + 2.0)).abs() < 1e-12);
        assert!((s - (rad * th.sin() * 3.0 + 2.0)).abs() < 1e-12);
    }
}

#[test]
fn mathfun_log_and_sincos_stay_within_a_few_ulps() {
    let mut x = 2f32.powi(-24);
    while x <= 1.0 {
        let want = (x as f64).ln();
        let got = log_ps(x) as f64;
        assert!((got - want).abs() <= 4.0 * f32::EPSILON as f64 * want.abs().max(1e-3), "log({x}) = {got} vs {want}");
        x *= 1.0137;
    }
    assert!(log_ps(0.0).is_nan() && log_ps(-1.0).is_nan());
    assert_eq!(log_ps(1.0), 0.0);
    for i in 0..4000 {
        let t = i as f32 * (2.0 * std::f32::consts::PI / 4000.0);
        let (s, c) = sincos_ps(t);
        assert!((s as f64 - (t as f64).sin()).abs() < 3e-7, "sin({t})");
        assert!((c as f64 - (t as f64).cos()).abs() < 3e-7, "cos({t})");
    }
    let (s, c) = sincos_ps(-1.0);
    assert!((s as f64 + 1f64.sin()).abs() < 1e-7 && (c as f64 - 1f64.cos()).abs() < 1e-7);
}

#[test]
fn block_normal_float32_matches_pytorch() {
    for (n, want) in [
        (16usize, &[
            -1.1258398294448853, -1.152360200881958, -0.2505785822868347, -0.4338788092136383, 0.8487103581428528, 0.6920091509819031,
            -0.31601276993751526, -2.1152193546295166, 0.32227492332458496, -1.2633347511291504, 0.34998318552970886, 0.30813392996788025,
            0.11984150856733322, 1.237657904624939, 1.1167771816253662, -0.2472781538963318,
        ][..]),
        (17, &[
            -1.1258398294448853, -1.6959311962127686, 0.5666506290435791, 0.7935083508491516, 0.5988394618034363, -1.5550950765609741,
            -0.3413603901863098, 1.85300612449646, 0.46809640526771545, -0.5854975581169128, -0.1733967512845993, 0.18347793817520142,
            1.3893661499023438, 1.586334228515625, 0.946298360824585, -0.843676745891571, 0.9318265914916992,
        ][..]),
    ] {
        let mut g = Generator::new(0);
        let mut out = vec![0f32; n];
        unsafe { dist::normal_block::<f32>(&mut g, out.as_mut_ptr(), n, 0.0, 1.0) };
        assert_f32_stream(&out, want);
    }
    // normal_(1, 0.5) on 20 elements with seed 42: the fused mean/std step
    let mut g = Generator::new(42);
    let mut out = vec![0f32; 20];
    unsafe { dist::normal_block::<f32>(&mut g, out.as_mut_ptr(), 20, 1.0, 0.5) };
    assert_f32_stream(
        &out,
        &[
            1.9634575843811035, 1.7436420917510986, 1.4503586292266846, -0.05276048183441162, 0.6209344267845154, 1.539158821105957,
            1.4004002809524536, 1.8403103351593018, 1.1779299974441528, 0.6566885113716125, 0.7533218264579773, 1.1207438707351685,
            0.8841878175735474, 1.0208797454833984, 0.874212384223938, 1.429929256439209, 0.8451366424560547, 0.8021447658538818,
            1.4017046689987183, 0.6892023086547852,
        ],
    );
}

#[test]
fn block_normal_consumes_numel_plus_16_uniforms_for_ragged_sizes() {
    for n in [16usize, 17, 31, 32, 33, 100] {
        let mut g = Generator::new(5);
        let mut out = vec![0f64; n];
        unsafe { dist::normal_block::<f64>(&mut g, out.as_mut_ptr(), n, 0.0, 1.0) };
        let mut r = Generator::new(5);
        let extra = if n % 16 == 0 { 0 } else { 16 };
        for _ in 0..n + extra {
            r.random64();
        }
        assert_eq!(g.random(), r.random(), "n = {n}");
        // naive reference of the double path: all uniforms, full blocks, then a fresh tail
        let mut r = Generator::new(5);
        let mut want: Vec<f64> = (0..n).map(|_| r.uniform_f64()).collect();
        let bm = |w: &mut [f64]| {
            for j in 0..8 {
                let rad = (-2.0 * (1.0 - w[j]).ln()).sqrt();
                let th = 2.0 * std::f64::consts::PI * w[j + 8];
                w[j] = rad * th.cos();
                w[j + 8] = rad * th.sin();
            }
        };
        for b in 0..n / 16 {
            bm(&mut want[b * 16..b * 16 + 16]);
        }
        if n % 16 != 0 {
            for v in want[n - 16..].iter_mut() {
                *v = r.uniform_f64();
            }
            bm(&mut want[n - 16..]);
        }
        for i in 0..n {
            assert!((out[i] - want[i]).abs() < 1e-12, "n = {n}, i = {i}");
        }
    }
}

#[test]
fn block_normal_float64_matches_pytorch() {
    let mut g = Generator::new(0);
    let mut out = vec![0f64; 16];
    unsafe { dist::normal_block::<f64>(&mut g, out.as_mut_ptr(), 16, 0.0, 1.0) };
    let want = [
        -2.310411800234176, -0.3732508612577643, -1.0608166785462863, 0.9995093547811761, -0.8840250045832653, -1.2755469302148053,
        -0.623224579866079, -0.8664416019125772, -1.2956271403277857, 1.52363162310635, 0.3236605664983738, 2.0177260314861085,
        1.1357423400213507, -1.226881339001083, 0.07138847120511693, 0.3380174030507378,
    ];
    for i in 0..16 {
        assert!((out[i] - want[i]).abs() <= 4e-16 * want[i].abs(), "{i}: {} vs {}", out[i], want[i]);
    }
}

#[test]
fn randint_picks_32_or_64_bit_draws_by_range() {
    let mut g = Generator::new(0);
    let mut out = vec![0i64; 17];
    unsafe { dist::random_from_to::<i64>(&mut g, &contiguous(17), out.as_mut_ptr(), 10, 0) };
    assert_eq!(out, [4, 9, 3, 0, 3, 9, 7, 3, 7, 3, 1, 6, 6, 9, 8, 6, 6]);
    let mut g = Generator::new(0);
    let mut out = vec![0i64; 3];
    unsafe { dist::random_from_to::<i64>(&mut g, &contiguous(3), out.as_mut_ptr(), 10, -5) };
    assert_eq!(out, [-1, 4, -2]);
    // range >= 2^32 uses random64 for int64, random() for int32
    let range = 1u64 << 33;
    let mut g = Generator::new(4);
    let mut r = Generator::new(4);
    let mut out = vec![0i64; 4];
    unsafe { dist::random_from_to::<i64>(&mut g, &contiguous(4), out.as_mut_ptr(), range, 7) };
    for v in out {
        assert_eq!(v, (r.random64() % range) as i64 + 7);
    }
    let mut g = Generator::new(4);
    let mut r = Generator::new(4);
    let mut out = vec![0i32; 4];
    unsafe { dist::random_from_to::<i32>(&mut g, &contiguous(4), out.as_mut_ptr(), range, 7) };
    for v in out {
        assert_eq!(v, ((r.random() as u64 % range) as i64 + 7) as i32);
    }
}

#[test]
fn random_bits_ranges_per_dtype() {
    let mut g = Generator::new(8);
    let mut r = Generator::new(8);
    let mut out = vec![0u8; 9];
    unsafe { dist::random_bits::<u8>(&mut g, &contiguous(9), out.as_mut_ptr()) };
    for v in out {
        assert_eq!(v as u32, r.random() % 256);
    }
    let mut out = vec![0f32; 9];
    unsafe { dist::random_bits::<f32>(&mut g, &contiguous(9), out.as_mut_ptr()) };
    for v in out {
        assert_eq!(v as u64, r.random() as u64 % ((1 << 24) + 1));
    }
    let mut out = vec![0i64; 9];
    unsafe { dist::random_bits::<i64>(&mut g, &contiguous(9), out.as_mut_ptr()) };
    for v in out {
        assert_eq!(v as u64, r.random64() & (u64::MAX >> 1));
    }
    let mut out = vec![false; 9];
    unsafe { dist::random_bits::<bool>(&mut g, &contiguous(9), out.as_mut_ptr()) };
    for v in out {
        assert_eq!(v, r.random() & 1 == 1);
    }
}

#[test]
fn randperm_matches_pytorch_and_is_a_permutation() {
    let mut g = Generator::new(0);
    let mut out = vec![0i64; 20];
    unsafe { sample::randperm::<i64>(&mut g, out.as_mut_ptr(), 1, 20) };
    assert_eq!(out, [4, 5, 13, 19, 7, 14, 3, 6, 9, 17, 11, 2, 16, 18, 10, 12, 15, 8, 1, 0]);
    // strided int32 output, odd size
    let mut g = Generator::new(11);
    let mut buf = vec![-1i32; 2 * 37];
    unsafe { sample::randperm::<i32>(&mut g, buf.as_mut_ptr(), 2, 37) };
    let mut seen: Vec<i32> = buf.iter().step_by(2).copied().collect();
    assert!(buf.iter().skip(1).step_by(2).all(|&v| v == -1));
    seen.sort();
    assert_eq!(seen, (0..37).collect::<Vec<_>>());
    // n = 1 consumes nothing
    let mut g = Generator::new(2);
    let mut one = [9i64];
    unsafe { sample::randperm::<i64>(&mut g, one.as_mut_ptr(), 1, 1) };
    assert_eq!(one, [0]);
    assert_eq!(g.random(), Generator::new(2).random());
}

#[test]
fn bernoulli_tensor_matches_pytorch() {
    let p = vec![0.3f32; 20];
    let mut out = vec![0f32; 20];
    let mut g = Generator::new(0);
    let d = Desc::new(&[20], [&[1], &[1]]);
    assert_eq!(unsafe { dist::bernoulli_tensor::<f32, f32>(&mut g, &d, out.as_mut_ptr(), p.as_ptr()) }, 0);
    let want = [0., 0., 1., 1., 0., 0., 0., 0., 0., 0., 0., 0., 1., 1., 1., 0., 0., 0., 1., 1.];
    assert_eq!(out, want);
    // a broadcast p (stride 0), double p draws 64-bit uniforms
    let pd = [0.25f64];
    let mut out = vec![0u8; 7];
    let mut g = Generator::new(3);
    let mut r = Generator::new(3);
    let d = Desc::new(&[7], [&[1], &[0]]);
    unsafe { dist::bernoulli_tensor::<u8, f64>(&mut g, &d, out.as_mut_ptr(), pd.as_ptr()) };
    for v in out {
        assert_eq!(v == 1, r.uniform_f64() < 0.25);
    }
    // p outside [0, 1]: refused before anything is drawn or written
    let bad = [0.5f32, 1.5];
    let mut out = [7f32; 2];
    let mut g = Generator::new(3);
    let d = Desc::new(&[2], [&[1], &[1]]);
    assert_eq!(unsafe { dist::bernoulli_tensor::<f32, f32>(&mut g, &d, out.as_mut_ptr(), bad.as_ptr()) }, status::ERR_PROB_OUT_OF_RANGE);
    assert_eq!(out, [7.0, 7.0]);
    assert_eq!(g.random(), Generator::new(3).random());
}

#[test]
fn multinomial_matches_pytorch() {
    let p = [0.1f32, 0.2, 0.3, 0.4];
    let probs = Probs { ptr: p.as_ptr(), rows: 1, cols: 4, s0: 0, s1: 1 };
    let mut out = vec![0i64; 10];
    let mut g = Generator::new(0);
    assert_eq!(unsafe { sample::multinomial_with_replacement(&mut g, &probs, 10, out.as_mut_ptr()) }, 0);
    assert_eq!(out, [3, 3, 2, 3, 3, 3, 1, 2, 2, 1]);
    let mut out = vec![0i64; 2];
    let mut g = Generator::new(0);
    assert_eq!(unsafe { sample::multinomial_top(&mut g, &probs, 2, false, out.as_mut_ptr()) }, 0);
    assert_eq!(out, [2, 1]);
}

#[test]
fn multinomial_without_replacement_never_repeats_and_skips_zero_rows() {
    // 3 rows with a column stride of 2 (non-contiguous), zero entries never picked first
    let p = [0.0f64, 9.0, 1.0, 9.0, 0.0, 9.0, 2.0, 9.0, 5.0, 9.0, /* row 1 */ 3.0, 9.0, 0.0, 9.0, 1.0, 9.0, 1.0, 9.0, 0.0, 9.0];
    let probs = Probs { ptr: p.as_ptr(), rows: 2, cols: 5, s0: 10, s1: 2 };
    let mut g = Generator::new(1);
    let mut out = vec![-1i64; 6];
    assert_eq!(unsafe { sample::multinomial_top(&mut g, &probs, 3, false, out.as_mut_ptr()) }, 0);
    for row in out.chunks(3) {
        let mut r = row.to_vec();
        r.sort();
        r.dedup();
        assert_eq!(r.len(), 3);
    }
    for &i in &out[..3] {
        assert!([1, 3, 4].contains(&i));
    }
    for &i in &out[3..] {
        assert!([0, 2, 3].contains(&i));
    }
    // errors, in PyTorch's order of checks
    let neg = [0.5f32, -0.1];
    let probs = Probs { ptr: neg.as_ptr(), rows: 1, cols: 2, s0: 0, s1: 1 };
    let mut out = [0i64; 2];
    assert_eq!(unsafe { sample::multinomial_top(&mut g, &probs, 1, false, out.as_mut_ptr()) }, status::ERR_PROB_NOT_FINITE_OR_NEGATIVE);
    assert_eq!(unsafe { sample::multinomial_with_replacement(&mut g, &probs, 2, out.as_mut_ptr()) }, status::ERR_PROB_ENTRY_NEGATIVE);
    let inf = [f32::INFINITY, 1.0];
    let probs = Probs { ptr: inf.as_ptr(), rows: 1, cols: 2, s0: 0, s1: 1 };
    assert_eq!(unsafe { sample::multinomial_with_replacement(&mut g, &probs, 2, out.as_mut_ptr()) }, status::ERR_PROB_ENTRY_NOT_FINITE);
    let zero = [0f32, 0.0];
    let probs = Probs { ptr: zero.as_ptr(), rows: 1, cols: 2, s0: 0, s1: 1 };
    assert_eq!(unsafe { sample::multinomial_top(&mut g, &probs, 1, false, out.as_mut_ptr()) }, status::ERR_PROB_SUM_NOT_POSITIVE);
    assert_eq!(unsafe { sample::multinomial_with_replacement(&mut g, &probs, 2, out.as_mut_ptr()) }, status::ERR_PROB_SUM_NOT_POSITIVE);
}

#[test]
fn multinomial_with_replacement_frequencies() {
    let p = [1.0f64, 3.0];
    let probs = Probs { ptr: p.as_ptr(), rows: 1, cols: 2, s0: 0, s1: 1 };
    let mut out = vec![0i64; 20000];
    let mut g = Generator::new(6);
    unsafe { sample::multinomial_with_replacement(&mut g, &probs, 20000, out.as_mut_ptr()) };
    let ones = out.iter().filter(|&&v| v == 1).count() as f64 / 20000.0;
    assert!((ones - 0.75).abs() < 0.015, "{ones}");
}

#[test]
fn exponential_cauchy_geometric_are_their_inverse_cdfs() {
    let n = 9;
    let mut g = Generator::new(21);
    let mut r = Generator::new(21);
    let mut out = vec![0f64; n];
    unsafe { dist::exponential::<f64>(&mut g, &contiguous(n), out.as_mut_ptr(), 2.0) };
    for v in &out {
        assert_eq!(*v, -0.5 * (1.0 - r.uniform_f64()).ln());
    }
    unsafe { dist::cauchy::<f64>(&mut g, &contiguous(n), out.as_mut_ptr(), 1.0, 2.0) };
    for v in &out {
        let want = 1.0 + 2.0 * (std::f64::consts::PI * (r.uniform_f64() - 0.5)).tan();
        assert!((v - want).abs() <= 1e-12 * want.abs().max(1.0));
    }
    let mut ints = vec![0i64; n];
    unsafe { dist::geometric::<i64>(&mut g, &contiguous(n), ints.as_mut_ptr(), 0.3) };
    for v in &ints {
        assert_eq!(*v, (r.uniform_f64().ln() / 0.7f64.ln()).ceil() as i64);
        assert!(*v >= 1);
    }
    unsafe { dist::log_normal::<f64>(&mut g, &contiguous(n), out.as_mut_ptr(), 0.5, 0.25) };
    for v in &out {
        assert!((v.ln() - r.normal_f64(0.5, 0.25)).abs() < 1e-12);
    }
}

#[test]
fn state_round_trips_with_the_cached_normal() {
    let mut g = Generator::new(1234);
    g.normal_f64(0.0, 1.0); // leaves a cached sample
    for _ in 0..700 {
        g.random();
    }
    let mut bytes = [0u8; STATE_BYTES];
    g.get_state(&mut bytes);
    assert_eq!(u64::from_le_bytes(bytes[0..8].try_into().unwrap()), 1234);
    let mut other = Generator::new(1);
    other.set_state(&bytes).unwrap();
    assert_eq!(other.initial_seed(), 1234);
    for _ in 0..5 {
        assert_eq!(g.normal_f64(0.0, 1.0), other.normal_f64(0.0, 1.0));
    }
    for _ in 0..1000 {
        assert_eq!(g.random(), other.random());
    }
    // wrong sizes and invalid fields are refused without changing the generator
    let before = other.clone().random();
    assert_eq!(other.set_state(&bytes[..100]), Err(StateError::Size));
    let mut bad = bytes;
    bad[8..12].copy_from_slice(&0i32.to_le_bytes()); // left = 0
    assert_eq!(other.set_state(&bad), Err(StateError::Invalid));
    assert_eq!(other.random(), before);
    // the legacy layout rebuilds the cached normal from rho and x
    let mut legacy = bytes[..LEGACY_STATE_BYTES].to_vec();
    legacy[5016..5024].copy_from_slice(&0.25f64.to_le_bytes());
    legacy[5032..5040].copy_from_slice(&2.0f64.to_le_bytes());
    legacy[5040..5044].copy_from_slice(&1i32.to_le_bytes());
    let mut l = Generator::new(0);
    l.set_state(&legacy).unwrap();
    assert_eq!(l.normal_f64(0.0, 1.0), 2.0 * (std::f64::consts::PI / 2.0).sin());
}

#[test]
fn float32_fma_rounds_once() {
    use torchwasm::kernels::rng_mathfun::fma;
    let mut g = Generator::new(17);
    let mut halfway = 0;
    for i in 0..400_000 {
        let a = f32::from_bits(g.random() & 0x807f_ffff | 0x3f00_0000); // +-[0.5, 1)
        let b = f32::from_bits(g.random() & 0x807f_ffff | 0x3f80_0000); // +-[1, 2)
        let p = a as f64 * b as f64;
        let c = match i % 3 {
            0 => f32::from_bits(g.random() & 0x807f_ffff | 0x3f00_0000),
            1 => -p as f32,
            _ => {
                // aim p + c at an f32 midpoint next to p: the double-rounding trap
                let r = p as f32;
                let ulp = (f32::from_bits(r.to_bits() + 1) - r).abs() as f64;
                let m = r as f64 + if g.random() & 1 == 0 { 0.5 * ulp } else { -0.5 * ulp };
                (m - p) as f32
            }
        };
        if (p + c as f64).to_bits() & 0x1fff_ffff == 0x1000_0000 {
            halfway += 1;
        }
        assert_eq!(fma(a, b, c).to_bits(), a.mul_add(b, c).to_bits(), "fma({a:e}, {b:e}, {c:e})");
    }
    assert!(halfway > 1000, "only {halfway} halfway sums exercised");
}
