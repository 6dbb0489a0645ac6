//! Pooling kernels against naive loops written from PyTorch's definitions:
//! kernel/stride/padding/dilation, ceil-mode sizes, count_include_pad,
//! divisor_override, adaptive windows, NaN propagation, backward scatters.

mod common;
use common::{assert_close, Rng};
use torchwasm::kernels::pool::{adaptive_axis, avg_backward, avg_forward, max_backward, max_forward, regular_axis, Divisor, Plan};

fn out_size(len: usize, k: usize, s: usize, p: usize, d: usize, ceil: bool) -> usize {
    let num = (len + 2 * p) as isize - (d * (k - 1)) as isize - 1;
    let mut o = if ceil { (num + s as isize - 1) / s as isize + 1 } else { num / s as isize + 1 };
    // the last window must start inside the input or left padding
    if ceil && (o - 1) * s as isize >= (len + p) as isize {
        o -= 1;
    }
    o as usize
}

struct Cfg {
    planes: usize,
    h: usize,
    w: usize,
    k: (usize, usize),
    s: (usize, usize),
    p: (usize, usize),
    d: (usize, usize),
    ceil: bool,
}

fn check_regular(c: Cfg, seed: u64) {
    let mut rng = Rng::new(seed);
    let oh = out_size(c.h, c.k.0, c.s.0, c.p.0, c.d.0, c.ceil);
    let ow = out_size(c.w, c.k.1, c.s.1, c.p.1, c.d.1, c.ceil);
    let mut x = rng.vec_f64(c.planes * c.h * c.w);
    x[3] = f64::NAN; // NaN propagates through max
    let gy = rng.vec_f64(c.planes * oh * ow);
    let plan = Plan {
        planes: c.planes, h: c.h, w: c.w,
        ys: regular_axis(c.h, oh, c.k.0, c.s.0, c.p.0, c.d.0),
        xs: regular_axis(c.w, ow, c.k.1, c.s.1, c.p.1, c.d.1),
    };
    let what = format!("{}x{} k{:?} s{:?} p{:?} d{:?} ceil={}", c.h, c.w, c.k, c.s, c.p, c.d, c.ceil);
    // max
    let (mut vref, mut iref, mut gref) = (vec![], vec![], vec![0.0; x.len()]);
    for p in 0..c.planes {
        for oy in 0..oh {
            for ox in 0..ow {
                let (mut best, mut at, mut first) = (f64::NEG_INFINITY, 0usize, true);
                for ky in 0..c.k.0 {
                    for kx in 0..c.k.1 {
                        let iy = (oy * c.s.0 + ky * c.d.0) as isize - c.p.0 as isize;
                        let ix = (ox * c.s.1 + kx * c.d.1) as isize - c.p.1 as isize;
                        if iy < 0 || ix < 0 || iy >= c.h as isize || ix >= c.w as isize {
                            continue;
                        }
                        let i = iy as usize * c.w + ix as usize;
                        if first {
                            // PyTorch starts from the first valid row and column of the window
                            let y0 = (0..c.k.0).map(|k| (oy * c.s.0 + k * c.d.0) as isize - c.p.0 as isize).find(|&v| v >= 0).unwrap();
                            let x0 = (0..c.k.1).map(|k| (ox * c.s.1 + k * c.d.1) as isize - c.p.1 as isize).find(|&v| v >= 0).unwrap();
                            at = y0 as usize * c.w + x0 as usize;
                            first = false;
                        }
                        let v = x[p * c.h * c.w + i];
                        if v > best || v.is_nan() {
                            best = v;
                            at = i;
                        }
                    }
                }
                vref.push(best);
                iref.push(at as f64);
                gref[p * c.h * c.w + at] += gy[(p * oh + oy) * ow + ox];
            }
        }
    }
    let mut y = vec![0.0; gy.len()];
    let mut idx = vec![0i64; gy.len()];
    let mut gx = vec![f64::NAN; x.len()];
    unsafe {
        max_forward(&plan, x.as_ptr(), y.as_mut_ptr(), idx.as_mut_ptr());
        assert!(max_backward(c.planes, c.h * c.w, oh * ow, gy.as_ptr(), idx.as_ptr(), gx.as_mut_ptr()));
    }
    assert_close(&y, &vref, 0.0, 0.0, &format!("max {what}"));
    assert_close(&idx.iter().map(|&i| i as f64).collect::<Vec<_>>(), &iref, 0.0, 0.0, &format!("argmax {what}"));
    assert_close(&gx, &gref, 1e-12, 1e-12, &format!("max backward {what}"));
    // avg (no dilation)
    if c.d != (1, 1) {
        return;
    }
    x[3] = 0.25;
    for (mode, div) in [(0, Divisor::Valid), (1, Divisor::Padded), (2, Divisor::Fixed(3.0))] {
        let (mut yref, mut gref) = (vec![], vec![0.0; x.len()]);
        for p in 0..c.planes {
            for oy in 0..oh {
                for ox in 0..ow {
                    let hs = (oy * c.s.0) as isize - c.p.0 as isize;
                    let ws = (ox * c.s.1) as isize - c.p.1 as isize;
                    let he = (hs + c.k.0 as isize).min((c.h + c.p.0) as isize);
                    let we = (ws + c.k.1 as isize).min((c.w + c.p.1) as isize);
                    let pool = ((he - hs) * (we - ws)) as f64;
                    let (hs, ws, he, we) = (hs.max(0), ws.max(0), he.min(c.h as isize), we.min(c.w as isize));
                    let divide = match mode {
                        0 => ((he - hs) * (we - ws)) as f64,
                        1 => pool,
                        _ => 3.0,
                    };
                    let mut s = 0.0;
                    let g = gy[(p * oh + oy) * ow + ox] / divide;
                    for iy in hs..he {
                        for ix in ws..we {
                            let i = p * c.h * c.w + iy as usize * c.w + ix as usize;
                            s += x[i];
                            gref[i] += g;
                        }
                    }
                    yref.push(s / divide);
                }
            }
        }
        let mut y = vec![0.0; gy.len()];
        let mut gx = vec![f64::NAN; x.len()];
        unsafe {
            avg_forward(&plan, div, x.as_ptr(), y.as_mut_ptr());
            avg_backward(&plan, div, gy.as_ptr(), gx.as_mut_ptr());
        }
        assert_close(&y, &yref, 1e-12, 1e-12, &format!("avg mode {mode} {what}"));
        assert_close(&gx, &gref, 1e-12, 1e-12, &format!("avg backward mode {mode} {what}"));
    }
}

#[test]
fn regular_pooling() {
    let cfg = |h, w, k, s, p, d, ceil| Cfg { planes: 3, h, w, k, s, p, d, ceil };
    check_regular(cfg(6, 5, (2, 2), (2, 2), (0, 0), (1, 1), false), 1);
    check_regular(cfg(7, 5, (3, 3), (2, 2), (1, 1), (1, 1), false), 2);
    check_regular(cfg(7, 5, (2, 2), (2, 2), (0, 0), (1, 1), true), 3);
    check_regular(cfg(6, 6, (2, 3), (1, 2), (0, 0), (1, 1), false), 4);
    check_regular(cfg(6, 5, (2, 2), (1, 1), (0, 0), (2, 2), false), 5);
    check_regular(cfg(9, 11, (3, 2), (2, 3), (1, 1), (2, 3), true), 6);
    check_regular(cfg(1, 9, (1, 3), (1, 2), (0, 1), (1, 1), true), 7); // 1-d
    check_regular(cfg(6, 6, (3, 3), (2, 2), (1, 1), (1, 1), true), 8);
}

#[test]
fn adaptive_pooling() {
    let mut rng = Rng::new(9);
    for &(h, w, oh, ow) in &[(6, 5, 1, 1), (7, 5, 3, 2), (4, 5, 7, 2), (10, 3, 4, 3)] {
        let planes = 2;
        let x = rng.vec_f64(planes * h * w);
        let plan = Plan { planes, h, w, ys: adaptive_axis(h, oh), xs: adaptive_axis(w, ow) };
        let (mut mref, mut aref) = (vec![], vec![]);
        for p in 0..planes {
            for oy in 0..oh {
                for ox in 0..ow {
                    let (hs, he) = (oy * h / oh, ((oy + 1) * h).div_ceil(oh));
                    let (ws, we) = (ox * w / ow, ((ox + 1) * w).div_ceil(ow));
                    let vals: Vec<f64> = (hs..he).flat_map(|iy| (ws..we).map(move |ix| (iy, ix))).map(|(iy, ix)| x[p * h * w + iy * w + ix]).collect();
                    mref.push(vals.iter().cloned().fold(f64::NEG_INFINITY, f64::max));
                    aref.push(vals.iter().sum::<f64>() / vals.len() as f64);
                }
            }
        }
        let mut y = vec![0.0; planes * oh * ow];
        let mut idx = vec![0i64; y.len()];
        unsafe { max_forward(&plan, x.as_ptr(), y.as_mut_ptr(), idx.as_mut_ptr()) };
        assert_close(&y, &mref, 0.0, 0.0, "adaptive max");
        for (o, &i) in idx.iter().enumerate() {
            assert_eq!(x[(o / (oh * ow)) * h * w + i as usize], y[o], "adaptive argmax");
        }
        unsafe { avg_forward(&plan, Divisor::Valid, x.as_ptr(), y.as_mut_ptr()) };
        assert_close(&y, &aref, 1e-12, 1e-12, "adaptive avg");
    }
}

#[test]
fn max_backward_rejects_bad_indices() {
    let gy = [1.0f32; 4];
    let mut gx = [7.0f32; 4];
    let idx = [0i64, 1, 4, 2];
    assert!(!unsafe { max_backward(1, 4, 4, gy.as_ptr(), idx.as_ptr(), gx.as_mut_ptr()) });
    assert_eq!(gx, [7.0; 4], "gx untouched");
}
