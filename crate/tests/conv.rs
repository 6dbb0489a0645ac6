//! Convolution forward and both backward kernels against direct naive loops:
//! odd sizes, strides, padding, dilation, groups (depthwise with multipliers),
//! pointwise 1x1, and reductions long enough to span GEMM blocks.

mod common;
use common::{assert_close, Rng};
use torchwasm::kernels::conv::{backward_data, backward_weight, forward, Geom};
use torchwasm::kernels::conv_winograd;

#[allow(clippy::too_many_arguments)]
fn geom(n: usize, groups: usize, c: usize, h: usize, w: usize, oc: usize, k: (usize, usize), s: (usize, usize), p: (usize, usize), d: (usize, usize)) -> Geom {
    let oh = (h + 2 * p.0 - d.0 * (k.0 - 1) - 1) / s.0 + 1;
    let ow = (w + 2 * p.1 - d.1 * (k.1 - 1) - 1) / s.1 + 1;
    Geom { n, groups, c, h, w, oc, oh, ow, kh: k.0, kw: k.1, sh: s.0, sw: s.1, ph: p.0, pw: p.1, dh: d.0, dw: d.1 }
}

/// Calls f(n, g, o, c, oy, ox, ky, kx, x index, w index, y index) for every valid tap.
fn taps(g: &Geom, mut f: impl FnMut(usize, usize, usize)) {
    for n in 0..g.n {
        for gr in 0..g.groups {
            for o in 0..g.oc {
                for c in 0..g.c {
                    for oy in 0..g.oh {
                        for ox in 0..g.ow {
                            for ky in 0..g.kh {
                                for kx in 0..g.kw {
                                    let iy = (oy * g.sh + ky * g.dh) as isize - g.ph as isize;
                                    let ix = (ox * g.sw + kx * g.dw) as isize - g.pw as isize;
                                    if iy < 0 || ix < 0 || iy >= g.h as isize || ix >= g.w as isize {
                                        continue;
                                    }
                                    let xi = (((n * g.groups + gr) * g.c + c) * g.h + iy as usize) * g.w + ix as usize;
                                    let wi = (((gr * g.oc + o) * g.c + c) * g.kh + ky) * g.kw + kx;
                                    let yi = (((n * g.groups + gr) * g.oc + o) * g.oh + oy) * g.ow + ox;
                                    f(xi, wi, yi);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn check(g: Geom, with_bias: bool, seed: u64) {
    let mut rng = Rng::new(seed);
    let nx = g.n * g.groups * g.c * g.h * g.w;
    let nw = g.groups * g.oc * g.c * g.kh * g.kw;
    let ny = g.n * g.groups * g.oc * g.oh * g.ow;
    let x = rng.vec_f64(nx);
    let w = rng.vec_f64(nw);
    let bias = rng.vec_f64(g.groups * g.oc);
    let dy = rng.vec_f64(ny);
    let plane = g.oh * g.ow;
    let mut y_ref: Vec<f64> = (0..ny).map(|i| if with_bias { bias[(i / plane) % (g.groups * g.oc)] } else { 0.0 }).collect();
    let mut dx_ref = vec![0.0; nx];
    let mut dw_ref = vec![0.0; nw];
    taps(&g, |xi, wi, yi| {
        y_ref[yi] += x[xi] * w[wi];
        dx_ref[xi] += w[wi] * dy[yi];
        dw_ref[wi] += x[xi] * dy[yi];
    });
    let what = format!("{g:?} bias={with_bias}");
    // float64
    let mut y = vec![f64::NAN; ny];
    let mut dx = vec![f64::NAN; nx];
    let mut dw = vec![f64::NAN; nw];
    unsafe {
        forward(&g, x.as_ptr(), w.as_ptr(), if with_bias { bias.as_ptr() } else { core::ptr::null() }, y.as_mut_ptr());
        backward_data(&g, dy.as_ptr(), w.as_ptr(), dx.as_mut_ptr());
        backward_weight(&g, dy.as_ptr(), x.as_ptr(), dw.as_mut_ptr());
    }
    assert_close(&y, &y_ref, 1e-12, 1e-12, &format!("forward f64 {what}"));
    assert_close(&dx, &dx_ref, 1e-12, 1e-12, &format!("backward_data f64 {what}"));
    assert_close(&dw, &dw_ref, 1e-12, 1e-11, &format!("backward_weight f64 {what}"));
    // float32
    let f = |v: &[f64]| v.iter().map(|&a| a as f32).collect::<Vec<f32>>();
    let (x32, w32, b32, dy32) = (f(&x), f(&w), f(&bias), f(&dy));
    let mut y32 = vec![f32::NAN; ny];
    let mut dx32 = vec![f32::NAN; nx];
    let mut dw32 = vec![f32::NAN; nw];
    unsafe {
        forward(&g, x32.as_ptr(), w32.as_ptr(), if with_bias { b32.as_ptr() } else { core::ptr::null() }, y32.as_mut_ptr());
        backward_data(&g, dy32.as_ptr(), w32.as_ptr(), dx32.as_mut_ptr());
        backward_weight(&g, dy32.as_ptr(), x32.as_ptr(), dw32.as_mut_ptr());
    }
    let d = |v: &[f32]| v.iter().map(|&a| a as f64).collect::<Vec<f64>>();
    assert_close(&d(&y32), &y_ref, 1e-4, 1e-4, &format!("forward f32 {what}"));
    assert_close(&d(&dx32), &dx_ref, 1e-4, 1e-4, &format!("backward_data f32 {what}"));
    assert_close(&d(&dw32), &dw_ref, 1e-4, 1e-3, &format!("backward_weight f32 {what}"));
}

#[test]
fn basic_and_odd_sizes() {
    check(geom(2, 1, 3, 6, 5, 4, (3, 3), (1, 1), (0, 0), (1, 1)), true, 1);
    check(geom(1, 1, 5, 13, 11, 7, (3, 3), (1, 1), (1, 1), (1, 1)), true, 2);
    check(geom(3, 1, 2, 9, 17, 3, (2, 5), (1, 1), (0, 2), (1, 1)), false, 3);
}

#[test]
fn strides_padding_dilation() {
    check(geom(2, 1, 3, 7, 5, 2, (3, 2), (2, 1), (1, 2), (1, 1)), true, 4);
    check(geom(2, 1, 3, 6, 6, 2, (2, 2), (1, 1), (1, 1), (2, 3)), true, 5);
    check(geom(1, 1, 4, 11, 10, 3, (3, 3), (3, 2), (2, 1), (2, 2)), false, 6);
    check(geom(2, 1, 3, 1, 10, 2, (1, 3), (1, 2), (0, 2), (1, 2)), true, 7); // conv1d shape
}

#[test]
fn groups_and_depthwise() {
    check(geom(2, 2, 2, 6, 5, 3, (3, 3), (1, 1), (1, 1), (1, 1)), true, 8);
    check(geom(2, 3, 1, 7, 7, 2, (3, 3), (2, 2), (0, 0), (1, 1)), true, 9); // depthwise x2
    check(geom(1, 5, 1, 9, 12, 1, (3, 3), (1, 1), (1, 1), (1, 1)), false, 10); // pure depthwise
    check(geom(2, 4, 1, 8, 9, 1, (5, 3), (2, 3), (2, 1), (1, 2)), true, 11);
}

#[test]
fn pointwise_and_long_reductions() {
    check(geom(2, 1, 3, 6, 5, 3, (1, 1), (1, 1), (0, 0), (1, 1)), false, 12);
    check(geom(1, 2, 7, 5, 9, 4, (1, 1), (1, 1), (0, 0), (1, 1)), true, 13);
    // C*KH*KW = 300 > KC and OH*OW = 290 > one output panel row
    check(geom(1, 1, 12, 12, 31, 9, (5, 5), (1, 1), (2, 2), (1, 1)), true, 14);
}

/// Winograd F(4x4, 3x3) called directly against the float64 direct sum, with normal
/// inputs (Box-Muller): errors must stay within `tol` of the output's RMS (the
/// transforms scale values by up to ~100, so elementwise relative error is meaningless
/// for outputs near zero). Returns the largest error relative to that RMS.
fn check_winograd(g: Geom, with_bias: bool, seed: u64, tol: f64) -> f64 {
    assert!(conv_winograd::applies(&g), "{g:?}");
    let mut rng = Rng::new(seed);
    let mut normal = |n: usize| -> Vec<f64> {
        (0..n)
            .map(|_| {
                let (u, v) = ((rng.uniform() + 1.0) / 2.0, rng.uniform());
                (-2.0 * (1.0 - u).ln()).sqrt() * (core::f64::consts::PI * v).cos()
            })
            .collect()
    };
    let nx = g.n * g.groups * g.c * g.h * g.w;
    let nw = g.groups * g.oc * g.c * 9;
    let ny = g.n * g.groups * g.oc * g.oh * g.ow;
    let (x, w, bias) = (normal(nx), normal(nw), normal(g.groups * g.oc));
    // round to f32 first so the reference sees the kernel's exact inputs
    let r = |v: &[f64]| v.iter().map(|&a| a as f32).collect::<Vec<f32>>();
    let (x32, w32, b32) = (r(&x), r(&w), r(&bias));
    let plane = g.oh * g.ow;
    let mut y_ref: Vec<f64> = (0..ny).map(|i| if with_bias { b32[(i / plane) % (g.groups * g.oc)] as f64 } else { 0.0 }).collect();
    taps(&g, |xi, wi, yi| y_ref[yi] += x32[xi] as f64 * w32[wi] as f64);
    let mut y = vec![f32::NAN; ny];
    unsafe {
        conv_winograd::forward(&g, x32.as_ptr(), w32.as_ptr(), if with_bias { b32.as_ptr() } else { core::ptr::null() }, y.as_mut_ptr());
    }
    let rms = (y_ref.iter().map(|v| v * v).sum::<f64>() / ny.max(1) as f64).sqrt().max(1e-30);
    let mut worst = 0.0f64;
    for (i, (&a, &b)) in y.iter().zip(&y_ref).enumerate() {
        let e = (a as f64 - b).abs() / rms;
        assert!(e <= tol, "winograd {g:?} bias={with_bias} [{i}]: got {a}, want {b} (rms {rms})");
        worst = worst.max(e);
    }
    worst
}

fn g3(n: usize, groups: usize, c: usize, h: usize, w: usize, oc: usize, p: usize) -> Geom {
    geom(n, groups, c, h, w, oc, (3, 3), (1, 1), (p, p), (1, 1))
}

#[test]
fn winograd_odd_sizes_padding_groups_batch() {
    let mut seed = 100;
    for &(h, w) in &[(5, 7), (1, 1), (13, 9), (4, 4), (8, 8), (6, 11), (3, 3), (17, 2)] {
        for p in 0..3 {
            if h + 2 * p < 3 || w + 2 * p < 3 {
                continue;
            }
            for &(n, groups, c, oc) in &[(1, 1, 2, 3), (3, 1, 5, 4), (2, 2, 3, 5), (1, 1, 37, 9)] {
                seed += 1;
                check_winograd(g3(n, groups, c, h, w, oc, p), seed % 2 == 0, seed, 1e-4);
            }
        }
    }
    // C = 1 per group with several output channels (not depthwise for the caller, but
    // the kernel itself handles it)
    check_winograd(g3(2, 1, 1, 9, 10, 3, 1), true, 7, 1e-4);
}

#[test]
fn winograd_blocks_and_accuracy() {
    // enough tile rows and output channels to split into several tile and OC blocks
    // (several of both; OC blocks outer, then tile blocks outer)
    check_winograd(g3(2, 1, 300, 20, 9, 70, 1), true, 201, 1e-4);
    check_winograd(g3(2, 1, 300, 20, 9, 100, 2), false, 205, 1e-4);
    // C > KC: the GEMM splits the reduction and copies the pre-packed panels
    check_winograd(g3(1, 1, 600, 6, 7, 10, 1), true, 204, 1e-4);
    // ResNet-like depth: C = 512 with normal data stays within 1e-4 of the RMS
    let e = check_winograd(g3(1, 1, 512, 9, 9, 8, 1), false, 202, 1e-4);
    eprintln!("winograd C=512 worst error / rms: {e:.2e}");
    let e = check_winograd(g3(1, 1, 64, 56, 56, 4, 1), false, 203, 1e-4);
    eprintln!("winograd C=64 56x56 worst error / rms: {e:.2e}");
}

#[test]
fn forward_dispatch_matches_reference_on_winograd_shapes() {
    // through conv::forward (whatever path the heuristic picks), float32 and float64
    check(geom(1, 1, 16, 20, 20, 16, (3, 3), (1, 1), (1, 1), (1, 1)), true, 301);
    check(geom(2, 2, 8, 9, 13, 8, (3, 3), (1, 1), (0, 0), (1, 1)), false, 302);
    // backward_data through Winograd with padding 2 (flipped padding 0), and padding 3
    // (no flipped form: the im2col path); unequal channel counts
    check(geom(1, 1, 6, 10, 12, 9, (3, 3), (1, 1), (2, 1), (1, 1)), true, 303);
    check(geom(1, 1, 6, 10, 12, 9, (3, 3), (1, 1), (3, 0), (1, 1)), true, 304);
}

/// Winograd F(3x3, 4x4) weight gradient called directly against the float64 direct sum
/// with normal inputs: errors within `tol` of dw's RMS. Returns the worst error / RMS.
fn check_winograd_weight(g: Geom, seed: u64, tol: f64) -> f64 {
    assert!(conv_winograd::applies(&g), "{g:?}");
    let mut rng = Rng::new(seed);
    let mut normal = |n: usize| -> Vec<f32> {
        (0..n)
            .map(|_| {
                let (u, v) = ((rng.uniform() + 1.0) / 2.0, rng.uniform());
                ((-2.0 * (1.0 - u).ln()).sqrt() * (core::f64::consts::PI * v).cos()) as f32
            })
            .collect()
    };
    let nx = g.n * g.groups * g.c * g.h * g.w;
    let nw = g.groups * g.oc * g.c * 9;
    let ny = g.n * g.groups * g.oc * g.oh * g.ow;
    let (x, dy) = (normal(nx), normal(ny));
    let mut dw_ref = vec![0f64; nw];
    taps(&g, |xi, wi, yi| dw_ref[wi] += x[xi] as f64 * dy[yi] as f64);
    let mut dw = vec![f32::NAN; nw];
    unsafe { conv_winograd::backward_weight(&g, dy.as_ptr(), x.as_ptr(), dw.as_mut_ptr()) };
    let rms = (dw_ref.iter().map(|v| v * v).sum::<f64>() / nw.max(1) as f64).sqrt().max(1e-30);
    let mut worst = 0.0f64;
    for (i, (&a, &b)) in dw.iter().zip(&dw_ref).enumerate() {
        let e = (a as f64 - b).abs() / rms;
        assert!(e <= tol, "winograd weight {g:?} [{i}]: got {a}, want {b} (rms {rms})");
        worst = worst.max(e);
    }
    worst
}

#[test]
fn winograd_weight_gradient_odd_sizes_padding_groups_batch() {
    let mut seed = 400;
    for &(h, w) in &[(5, 7), (1, 1), (13, 9), (4, 4), (8, 8), (6, 11), (3, 3), (17, 2)] {
        for p in 0..4 {
            if h + 2 * p < 3 || w + 2 * p < 3 {
                continue;
            }
            for &(n, groups, c, oc) in &[(1, 1, 2, 3), (3, 1, 5, 4), (2, 2, 3, 5), (1, 1, 37, 9), (2, 1, 1, 1)] {
                seed += 1;
                check_winograd_weight(g3(n, groups, c, h, w, oc, p), seed, 1e-4);
            }
        }
    }
}

#[test]
fn winograd_weight_gradient_blocks_and_accuracy() {
    // many tile rows over a batch: several tile blocks summed into the same M
    let e = check_winograd_weight(g3(8, 1, 64, 30, 30, 64, 1), 501, 1e-4);
    eprintln!("winograd weight gradient 8x64x30x30 worst error / rms: {e:.2e}");
    let e = check_winograd_weight(g3(1, 1, 64, 56, 56, 64, 1), 502, 1e-4);
    eprintln!("winograd weight gradient 64x56x56 worst error / rms: {e:.2e}");
    // wide rows: one tile row per block
    check_winograd_weight(g3(1, 2, 40, 9, 230, 30, 1), 503, 1e-4);
}

#[test]
fn backward_weight_dispatch_matches_reference_on_winograd_shapes() {
    // through conv::backward_weight (Winograd where it pays), float32 and float64
    check(geom(1, 1, 16, 20, 20, 16, (3, 3), (1, 1), (1, 1), (1, 1)), false, 601);
    check(geom(2, 2, 8, 18, 13, 8, (3, 3), (1, 1), (0, 0), (1, 1)), true, 602);
    check(geom(2, 1, 8, 24, 24, 12, (3, 3), (1, 1), (2, 2), (1, 1)), false, 603);
}
