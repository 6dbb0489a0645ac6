//! The fused TransformerEncoderLayer against a naive reference written from the
//! definitions in f64 (per token: LayerNorm, linear, per-head softmax attention with an
//! additive mask, relu / exact gelu), for norm_first and post-norm, relu and gelu,
//! no mask / one [S, S] mask broadcast over batch and heads / a mask per (batch, head)
//! with -inf entries, absent biases and norm affines, float32 and float64.

mod common;
use common::{assert_close, Rng};
use torchwasm::kernels::attention::MaskStrides;
use torchwasm::kernels::encoder_layer::{forward, EncoderShape, EncoderWeights};
use torchwasm::kernels::special::erf;
use torchwasm::kernels::unary::{GELU, RELU};
use torchwasm::status::OK;

struct Params {
    v: [Option<Vec<f64>>; 12],
}

fn params(rng: &mut Rng, s: &EncoderShape, with_bias: bool) -> Params {
    let (e, f) = (s.embed, s.ff);
    let mut g = |n: usize| Some(rng.vec_f64(n));
    let sizes = [3 * e * e, 3 * e, e * e, e, e, e, e, e, f * e, f, e * f, e];
    // biases (odd slots) and norm affines may be absent
    let v = core::array::from_fn(|i| if !with_bias && (i % 2 == 1 || (4..8).contains(&i)) { None } else { g(sizes[i]) });
    Params { v }
}

fn layer_norm(x: &[f64], w: &Option<Vec<f64>>, b: &Option<Vec<f64>>, eps: f64) -> Vec<f64> {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    x.iter()
        .enumerate()
        .map(|(c, v)| (v - mean) / (var + eps).sqrt() * w.as_ref().map_or(1.0, |w| w[c]) + b.as_ref().map_or(0.0, |b| b[c]))
        .collect()
}

fn linear(x: &[f64], w: &[f64], b: &Option<Vec<f64>>, outf: usize) -> Vec<f64> {
    let inf = x.len();
    (0..outf).map(|o| (0..inf).map(|i| x[i] * w[o * inf + i]).sum::<f64>() + b.as_ref().map_or(0.0, |b| b[o])).collect()
}

/// The layer by definition: src [B, S, E] -> [B, S, E]; mask(b, h, i, j) additive.
fn reference(s: &EncoderShape, p: &Params, src: &[f64], mask: &dyn Fn(usize, usize, usize, usize) -> f64) -> Vec<f64> {
    let (e, hd) = (s.embed, s.embed / s.heads);
    let w = |i: usize| p.v[i].as_ref().unwrap();
    let tok = |x: &[f64], b: usize, t: usize| x[(b * s.seq + t) * e..][..e].to_vec();
    let sa = |x: &[f64]| -> Vec<f64> {
        let mut out = vec![0.0; x.len()];
        for b in 0..s.batch {
            let qkv: Vec<Vec<f64>> = (0..s.seq).map(|t| linear(&tok(x, b, t), w(0), &p.v[1], 3 * e)).collect();
            for i in 0..s.seq {
                let mut heads = vec![0.0; e];
                for h in 0..s.heads {
                    let scores: Vec<f64> = (0..s.seq)
                        .map(|j| (0..hd).map(|d| qkv[i][h * hd + d] * qkv[j][e + h * hd + d]).sum::<f64>() / (hd as f64).sqrt() + mask(b, h, i, j))
                        .collect();
                    let m = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                    let z: f64 = scores.iter().map(|v| (v - m).exp()).sum();
                    for j in 0..s.seq {
                        let pj = (scores[j] - m).exp() / z;
                        for d in 0..hd {
                            heads[h * hd + d] += pj * qkv[j][2 * e + h * hd + d];
                        }
                    }
                }
                out[(b * s.seq + i) * e..][..e].copy_from_slice(&linear(&heads, w(2), &p.v[3], e));
            }
        }
        out
    };
    let per_token = |x: &[f64], f: &dyn Fn(&[f64]) -> Vec<f64>| -> Vec<f64> { x.chunks(e).flat_map(f).collect() };
    let act = |v: f64| if s.activation == RELU { v.max(0.0) } else { 0.5 * v * (1.0 + erf(v / 2f64.sqrt())) };
    let ff = |x: &[f64]| per_token(x, &|t| linear(&linear(t, w(8), &p.v[9], s.ff).into_iter().map(act).collect::<Vec<_>>(), w(10), &p.v[11], e));
    let ln1 = |x: &[f64]| per_token(x, &|t| layer_norm(t, &p.v[4], &p.v[5], s.eps));
    let ln2 = |x: &[f64]| per_token(x, &|t| layer_norm(t, &p.v[6], &p.v[7], s.eps));
    let add = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x + y).collect::<Vec<f64>>();
    if s.norm_first {
        let x = add(src, &sa(&ln1(src)));
        add(&x, &ff(&ln2(&x)))
    } else {
        let x = ln1(&add(src, &sa(src)));
        ln2(&add(&x, &ff(&x)))
    }
}

/// Runs the kernel in T (converted from f64) and returns its output as f64.
fn run<T: Copy + Default>(s: &EncoderShape, p: &Params, src: &[f64], mask: Option<(&[f64], MaskStrides)>, cast: fn(f64) -> T, back: fn(T) -> f64) -> Vec<f64>
where
    T: torchwasm::kernels::gemm::GemmFloat + torchwasm::kernels::lines::SoftmaxExp,
{
    let conv = |v: &[f64]| v.iter().map(|&x| cast(x)).collect::<Vec<T>>();
    let held: Vec<Option<Vec<T>>> = p.v.iter().map(|o| o.as_ref().map(|v| conv(v))).collect();
    let ptr = |i: usize| held[i].as_ref().map_or(core::ptr::null(), |v| v.as_ptr());
    let w = EncoderWeights {
        in_w: ptr(0), in_b: ptr(1), out_w: ptr(2), out_b: ptr(3), norm1_w: ptr(4), norm1_b: ptr(5), norm2_w: ptr(6), norm2_b: ptr(7),
        linear1_w: ptr(8), linear1_b: ptr(9), linear2_w: ptr(10), linear2_b: ptr(11),
    };
    let x = conv(src);
    let m = mask.map(|(v, st)| (conv(v), st));
    let mut out = vec![T::default(); src.len()];
    let (mp, ms) = m.as_ref().map_or((core::ptr::null(), MaskStrides::default()), |(v, st)| (v.as_ptr(), *st));
    let st = unsafe { forward(s, &w, x.as_ptr(), mp, ms, out.as_mut_ptr()) };
    assert_eq!(st, OK);
    out.into_iter().map(back).collect()
}

#[derive(Clone, Copy)]
enum MaskKind {
    None,
    Causal,
    PerBatchHead,
}

fn check(seed: u64, norm_first: bool, activation: u32, mask_kind: MaskKind, with_bias: bool) {
    let mut rng = Rng::new(seed);
    let s = EncoderShape { batch: 2, seq: 5, embed: 8, heads: 2, ff: 12, norm_first, activation, eps: 1e-5 };
    let p = params(&mut rng, &s, with_bias);
    let src = rng.vec_f64(s.batch * s.seq * s.embed);
    let sq = s.seq;
    // the causal mask [S, S] broadcast over batch and heads; or [B, H, S, S] values with
    // a padded last key in batch 1
    let (mvals, ms): (Vec<f64>, MaskStrides) = match mask_kind {
        MaskKind::None => (vec![], MaskStrides::default()),
        MaskKind::Causal => (
            (0..sq * sq).map(|k| if k % sq > k / sq { f64::NEG_INFINITY } else { 0.0 }).collect(),
            MaskStrides { b: 0, h: 0, i: sq as isize, j: 1 },
        ),
        MaskKind::PerBatchHead => {
            let n = s.batch * s.heads * sq * sq;
            let v = (0..n).map(|k| if k / (s.heads * sq * sq) == 1 && k % sq == sq - 1 { f64::NEG_INFINITY } else { rng.uniform() }).collect();
            (v, MaskStrides { b: (s.heads * sq * sq) as isize, h: (sq * sq) as isize, i: sq as isize, j: 1 })
        }
    };
    let mask_at = |b: usize, h: usize, i: usize, j: usize| -> f64 {
        if mvals.is_empty() {
            0.0
        } else {
            mvals[(b as isize * ms.b + h as isize * ms.h + i as isize * ms.i + j as isize * ms.j) as usize]
        }
    };
    let want = reference(&s, &p, &src, &mask_at);
    let mask = if mvals.is_empty() { None } else { Some((mvals.as_slice(), ms)) };
    let what = format!("seed {seed} norm_first {norm_first} act {activation} bias {with_bias}");
    let got64 = run::<f64>(&s, &p, &src, mask, |v| v, |v| v);
    assert_close(&got64, &want, 1e-10, 1e-10, &format!("f64 {what}"));
    let got32 = run::<f32>(&s, &p, &src, mask, |v| v as f32, |v| v as f64);
    // float32 parameters are the rounded f64 ones: compare with the loose tolerance
    assert_close(&got32, &want, 1e-3, 1e-3, &format!("f32 {what}"));
}

#[test]
fn matches_reference_every_configuration() {
    let mut seed = 1;
    for norm_first in [false, true] {
        for activation in [RELU, GELU] {
            for mask in [MaskKind::None, MaskKind::Causal, MaskKind::PerBatchHead] {
                for with_bias in [true, false] {
                    check(seed, norm_first, activation, mask, with_bias);
                    seed += 1;
                }
            }
        }
    }
}

#[test]
fn bad_heads_is_a_size_error() {
    let s = EncoderShape { batch: 1, seq: 2, embed: 6, heads: 4, ff: 4, norm_first: false, activation: RELU, eps: 1e-5 };
    let n = core::ptr::null::<f32>();
    let w = EncoderWeights {
        in_w: n, in_b: n, out_w: n, out_b: n, norm1_w: n, norm1_b: n, norm2_w: n, norm2_b: n, linear1_w: n, linear1_b: n, linear2_w: n, linear2_b: n,
    };
    let x = [0f32; 12];
    let mut out = [0f32; 12];
    let st = unsafe { forward(&s, &w, x.as_ptr(), core::ptr::null(), MaskStrides::default(), out.as_mut_ptr()) };
    assert_eq!(st, torchwasm::status::ERR_SIZE);
}
