//! Resampling kernels: taps against PyTorch's coordinate rules written out directly,
//! forward against a dense evaluation, backward as the exact transpose of forward.

mod common;
use common::{assert_close, Rng};
use torchwasm::kernels::resample::{axis_taps, backward, forward, Axis, Mode};

fn ax(mode: Mode, len: usize, out: usize, align_corners: bool, param: f64) -> Axis {
    Axis { mode, len, out, align_corners, param }
}

#[test]
fn taps_follow_pytorch_rules() {
    // nearest 4 -> 7: floor(o * 4/7)
    let t = axis_taps::<f32>(&ax(Mode::Nearest, 4, 7, false, 0.0));
    assert_eq!(t.idx, vec![0, 0, 1, 1, 2, 2, 3]);
    // nearest with scale_factor 1.5 (4 -> 6) uses 1/1.5
    let t = axis_taps::<f32>(&ax(Mode::Nearest, 4, 6, false, 1.5));
    assert_eq!(t.idx, vec![0, 0, 1, 2, 2, 3]);
    // nearest-exact: floor((o + 0.5) * scale)
    let t = axis_taps::<f32>(&ax(Mode::NearestExact, 3, 5, false, 0.0));
    assert_eq!(t.idx, vec![0, 0, 1, 2, 2]);
    // linear, half-pixel: src = max((o + 0.5) * 4/7 - 0.5, 0)
    let t = axis_taps::<f64>(&ax(Mode::Linear, 4, 7, false, 0.0));
    for o in 0..7 {
        let src = ((o as f64 + 0.5) * 4.0 / 7.0 - 0.5).max(0.0);
        let i0 = src.floor() as usize;
        let i1 = (i0 + 1).min(3);
        assert_eq!((t.idx[2 * o], t.idx[2 * o + 1]), (i0, i1));
        assert!((t.w[2 * o + 1] - (src - i0 as f64)).abs() < 1e-12);
    }
    // linear, align_corners: src = o * (len-1)/(out-1)
    let t = axis_taps::<f64>(&ax(Mode::Linear, 8, 3, true, 0.0));
    assert_eq!(t.idx, vec![0, 1, 3, 4, 7, 7]);
    assert!((t.w[3] - 0.5).abs() < 1e-12);
    // cubic weights sum to one; border taps clamp
    let t = axis_taps::<f64>(&ax(Mode::Cubic, 5, 7, false, 0.0));
    for o in 0..7 {
        let s: f64 = t.w[4 * o..4 * o + 4].iter().sum();
        assert!((s - 1.0).abs() < 1e-12);
    }
    assert_eq!(&t.idx[..4], &[0, 0, 0, 1]);
    // pads: reflect, replicate, circular with 3 before on a length-4 axis
    let idx = |m| axis_taps::<f64>(&ax(m, 4, 9, false, 3.0)).idx;
    assert_eq!(idx(Mode::Reflect), vec![3, 2, 1, 0, 1, 2, 3, 2, 1]);
    assert_eq!(idx(Mode::Replicate), vec![0, 0, 0, 0, 1, 2, 3, 3, 3]);
    assert_eq!(idx(Mode::Circular), vec![1, 2, 3, 0, 1, 2, 3, 0, 1]);
}

/// The dense matrix of the separable map, built from the per-axis taps.
fn dense(axes: &[Axis]) -> (Vec<f64>, usize, usize) {
    let taps: Vec<_> = axes.iter().map(axis_taps::<f64>).collect();
    let nin: usize = axes.iter().map(|a| a.len).product();
    let nout: usize = axes.iter().map(|a| a.out).product();
    let mut m = vec![0.0; nin * nout];
    for o in 0..nout {
        // decompose o and sum over every tap combination
        let mut coords = vec![0; axes.len()];
        let mut r = o;
        for d in (0..axes.len()).rev() {
            coords[d] = r % axes[d].out;
            r /= axes[d].out;
        }
        let mut combos = vec![(0usize, 1.0f64)];
        for d in 0..axes.len() {
            let t = &taps[d];
            let cd = coords[d];
            combos = combos
                .iter()
                .flat_map(|&(i, w)| (0..t.taps).map(move |k| (i * axes[d].len + t.idx[cd * t.taps + k], w * t.w[cd * t.taps + k])))
                .collect();
        }
        for (i, w) in combos {
            m[o * nin + i] += w;
        }
    }
    (m, nin, nout)
}

#[test]
fn forward_and_backward_are_the_map_and_its_transpose() {
    let mut rng = Rng::new(1);
    let cases: Vec<Vec<Axis>> = vec![
        vec![ax(Mode::Linear, 7, 15, false, 0.0)],
        vec![ax(Mode::Linear, 4, 7, true, 0.0), ax(Mode::Linear, 4, 8, true, 0.0)],
        vec![ax(Mode::Linear, 8, 3, false, 0.0), ax(Mode::Linear, 7, 4, false, 0.0)],
        vec![ax(Mode::Cubic, 4, 7, false, 0.0), ax(Mode::Cubic, 5, 6, false, 0.0)],
        vec![ax(Mode::Nearest, 4, 7, false, 0.0), ax(Mode::Nearest, 4, 10, false, 0.0)],
        vec![ax(Mode::Reflect, 6, 10, false, 1.0), ax(Mode::Replicate, 5, 8, false, 2.0)],
        vec![ax(Mode::Nearest, 3, 6, false, 2.0), ax(Mode::Circular, 4, 7, false, 1.0), ax(Mode::Linear, 3, 5, true, 0.0)],
    ];
    for axes in cases {
        let planes = 3;
        let (m, nin, nout) = dense(&axes);
        let x = rng.vec_f64(planes * nin);
        let gy = rng.vec_f64(planes * nout);
        let mut y = vec![0.0; planes * nout];
        let mut gx = vec![f64::NAN; planes * nin];
        unsafe {
            forward(planes, &axes, x.as_ptr(), y.as_mut_ptr());
            backward(planes, &axes, gy.as_ptr(), gx.as_mut_ptr());
        }
        let mut yref = vec![0.0; planes * nout];
        let mut gref = vec![0.0; planes * nin];
        for p in 0..planes {
            for o in 0..nout {
                for i in 0..nin {
                    yref[p * nout + o] += m[o * nin + i] * x[p * nin + i];
                    gref[p * nin + i] += m[o * nin + i] * gy[p * nout + o];
                }
            }
        }
        assert_close(&y, &yref, 1e-12, 1e-12, &format!("forward {axes:?}"));
        assert_close(&gx, &gref, 1e-12, 1e-12, &format!("backward {axes:?}"));
    }
}
