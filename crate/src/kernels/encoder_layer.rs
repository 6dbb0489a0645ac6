//! One whole TransformerEncoderLayer in inference (PyTorch's
//! _transformer_encoder_layer_fwd), batch-first, over contiguous [B, S, E] rows:
//!
//!   post-norm:  x = LN1(x + SA(x));      out = LN2(x + FF(x))
//!   norm_first: x = x + SA(LN1(x));      out = x + FF(LN2(x))
//!   SA(h) = out_proj(attention(in_proj(h)))   FF(h) = linear2(act(linear1(h)))
//!
//! Every step is the kernel the op-by-op path runs (linear: bias rows then one GEMM
//! with beta 1; the fused attention; the norm statistics and apply; the unary relu /
//! gelu; plain adds), in the same order, so the two paths agree within rounding (bit
//! for bit where the GEMM blocking is the same). Scratch comes from the Rust heap.

use super::attention::{self, AttnShape, MaskStrides, Rows};
use super::gemm::{gemm_strided, GemmFloat};
use super::lines::SoftmaxExp;
use super::norm::{self, NormShape};
use super::unary;
use crate::status::{ERR_SIZE, OK};
use crate::strided::Desc;

/// Sizes and options of one layer call.
#[derive(Clone, Copy, Debug)]
pub struct EncoderShape {
    pub batch: usize,
    pub seq: usize,
    /// d_model
    pub embed: usize,
    pub heads: usize,
    /// dim_feedforward
    pub ff: usize,
    pub norm_first: bool,
    /// unary::RELU or unary::GELU (exact erf form)
    pub activation: u32,
    /// eps of both LayerNorms
    pub eps: f64,
}

/// The layer's parameters, contiguous; biases and norm affines may be null (absent).
#[derive(Clone, Copy, Debug)]
pub struct EncoderWeights<T> {
    /// [3E, E] and [3E]
    pub in_w: *const T,
    pub in_b: *const T,
    /// [E, E] and [E]
    pub out_w: *const T,
    pub out_b: *const T,
    /// [E] each
    pub norm1_w: *const T,
    pub norm1_b: *const T,
    pub norm2_w: *const T,
    pub norm2_b: *const T,
    /// [F, E] and [F]
    pub linear1_w: *const T,
    pub linear1_b: *const T,
    /// [E, F] and [E]
    pub linear2_w: *const T,
    pub linear2_b: *const T,
}

/// y[rows, outf] = x[rows, inf] w^T + b (b nullable): the linear op's bias rows, then one GEMM.
unsafe fn linear<T: GemmFloat>(rows: usize, inf: usize, outf: usize, x: *const T, w: *const T, b: *const T, y: *mut T) {
    let beta = if b.is_null() {
        T::ZERO
    } else {
        for r in 0..rows {
            core::ptr::copy_nonoverlapping(b, y.add(r * outf), outf);
        }
        T::ONE
    };
    gemm_strided(rows, outf, inf, T::ONE, x, inf as isize, 1, w, 1, inf as isize, beta, y, outf as isize, 1);
}

/// y = LayerNorm over the last dim of x[rows, e] (y does not overlap x).
unsafe fn layer_norm<T: GemmFloat>(rows: usize, e: usize, eps: f64, x: *const T, w: *const T, b: *const T, y: *mut T) {
    let s = NormShape { n: rows, c: e, hw: 1, groups: 1, per_sample: true };
    let mut mean = vec![T::ZERO; rows];
    let mut rstd = vec![T::ZERO; rows];
    norm::stats(&s, x, eps, mean.as_mut_ptr(), rstd.as_mut_ptr(), core::ptr::null_mut());
    norm::apply(&s, x, mean.as_ptr(), rstd.as_ptr(), w, b, y);
}

/// a[i] += b[i] for n values.
unsafe fn add_into<T: GemmFloat>(n: usize, a: *mut T, b: *const T) {
    for i in 0..n {
        *a.add(i) = *a.add(i) + *b.add(i);
    }
}

/// out[B, S, E] = the layer applied to x[B, S, E]. `mask` (nullable) is additive, read
/// through `ms` as [b, h, i, j] (0 strides along broadcast dims). Returns a status code.
///
/// # Safety
/// The pointers cover their operands as the shape describes; `out` overlaps nothing else.
pub unsafe fn forward<T: GemmFloat + SoftmaxExp>(
    s: &EncoderShape, w: &EncoderWeights<T>, x: *const T, mask: *const T, ms: MaskStrides, out: *mut T,
) -> i32 {
    let (rows, e, f) = (s.batch * s.seq, s.embed, s.ff);
    let n = rows * e;
    if n == 0 {
        return OK;
    }
    if s.heads == 0 || e % s.heads != 0 {
        return ERR_SIZE;
    }
    let hd = e / s.heads;
    let mut h = vec![T::ZERO; n]; // the block's input (normed or not), then its output
    let mut qkv = vec![T::ZERO; rows * 3 * e];
    let mut attn = vec![T::ZERO; n];
    let mut hidden = vec![T::ZERO; rows * f];

    // residual stream: out
    core::ptr::copy_nonoverlapping(x, out, n);
    let hp = h.as_mut_ptr();

    // self-attention block
    let sa_in: *const T = if s.norm_first {
        layer_norm(rows, e, s.eps, out, w.norm1_w, w.norm1_b, hp);
        hp
    } else {
        out
    };
    linear(rows, e, 3 * e, sa_in, w.in_w, w.in_b, qkv.as_mut_ptr());
    let shape = AttnShape { batch: s.batch, heads: s.heads, lq: s.seq, lk: s.seq, d: hd, dv: hd, causal: false };
    // q, k, v: column blocks of qkv, [b, h, s, d] at (b*S + s)*3E + h*hd + d
    let qkv_rows = Rows { b: (s.seq * 3 * e) as isize, h: hd as isize, row: (3 * e) as isize };
    let attn_rows = Rows { b: (s.seq * e) as isize, h: hd as isize, row: e as isize };
    let q = qkv.as_ptr();
    let scale = T::f(1.0 / (hd as f64).sqrt());
    attention::forward(&shape, scale, q, qkv_rows, q.add(e), qkv_rows, q.add(2 * e), qkv_rows, mask, ms, attn.as_mut_ptr(), attn_rows);
    linear(rows, e, e, attn.as_ptr(), w.out_w, w.out_b, hp);
    add_into(n, out, hp);
    if !s.norm_first {
        layer_norm(rows, e, s.eps, out, w.norm1_w, w.norm1_b, hp);
        core::ptr::copy_nonoverlapping(hp, out, n);
    }

    // feed-forward block
    let ff_in: *const T = if s.norm_first {
        layer_norm(rows, e, s.eps, out, w.norm2_w, w.norm2_b, hp);
        hp
    } else {
        out
    };
    let hid = hidden.as_mut_ptr();
    linear(rows, e, f, ff_in, w.linear1_w, w.linear1_b, hid);
    let d = Desc::<2>::new(&[rows * f], [&[1], &[1]]);
    let st = unary::unary_float(s.activation, &d, hid, hid, 0.0, 0.0, 0.0);
    if st != OK {
        return st;
    }
    linear(rows, f, e, hid, w.linear2_w, w.linear2_b, hp);
    add_into(n, out, hp);
    if !s.norm_first {
        layer_norm(rows, e, s.eps, out, w.norm2_w, w.norm2_b, hp);
        core::ptr::copy_nonoverlapping(hp, out, n);
    }
    OK
}
