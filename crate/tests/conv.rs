//! Convolution forward and both backward kernels against direct naive loops:
//! odd sizes, strides, padding, dilation, groups (depthwise with multipliers),
//! pointwise 1x1, and reductions long enough to span GEMM blocks.

mod common;
use common::{assert_close, Rng};
use torchwasm::kernels::conv::{backward_data, backward_weight, forward, Geom};

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
