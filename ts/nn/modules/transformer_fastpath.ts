// TransformerEncoderLayer's inference fast path (PyTorch 1.13's
// torch._transformer_encoder_layer_fwd): the whole layer as one crate call when no
// gradient is wanted and the layer is the standard one (see whyNotFastPath). The
// result agrees with the op-by-op path within rounding: every step runs the same
// kernel. Unlike PyTorch 1.13, src_mask and key padding masks are taken too (the fused
// attention reads the merged additive mask), so a causal decoder-only model uses it.

import { Tensor } from '../../tensor/tensor.js';
import { float32 } from '../../tensor/dtype.js';
import { shapeEquals } from '../../tensor/shape.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { encoderLayerForward, type EncoderLayerParams } from '../../kernels/encoder_layer.js';
import { relu, gelu } from '../functional/activation.js';
import { selfAttentionMask } from '../functional/attention_masks.js';
import type { Parameter } from '../parameter.js';
import { LayerNorm } from './normalization.js';
import { Linear } from './linear.js';
import { ReLU, GELU } from './activation.js';
import type { TransformerEncoderLayer } from './transformer.js';

/** 'relu' / 'gelu' (exact) when the layer's activation is one the kernel runs, else null. */
function kernelActivation(activation: unknown): 'relu' | 'gelu' | null {
  if (activation === relu || activation instanceof ReLU) return 'relu';
  if (activation === gelu || (activation instanceof GELU && activation.approximate === 'none')) return 'gelu';
  return null;
}

/** A LayerNorm over the last dim of size e, or false. */
const isLastDimNorm = (m: unknown, e: number): m is LayerNorm =>
  m instanceof LayerNorm && m.normalizedShape.length === 1 && m.normalizedShape[0] === e;

/**
 * Why the fused kernel cannot run this call ('' when it can): PyTorch's conditions
 * (3-d input, eval mode, batch_first, one embedding width, relu/gelu, equal norm eps,
 * no gradient wanted), and those of our kernel (the standard submodules, float32
 * everywhere, no bias_k/bias_v or zero attention).
 */
export function whyNotFastPath(layer: TransformerEncoderLayer, src: Tensor, srcMask: Tensor | null, keyPaddingMask: Tensor | null): string {
  const attn = layer.self_attn;
  if (src.ndim !== 3) return `input not batched; expected src.dim() of 3 but got ${src.ndim}`;
  if (layer.training) return 'training is enabled';
  if (!attn.batchFirst) return 'self_attn.batch_first was not True';
  if (!attn._qkvSameEmbedDim || attn.in_proj_weight === null) return 'self_attn._qkv_same_embed_dim was not True';
  if (kernelActivation(layer.activation) === null) return 'activation_relu_or_gelu was not True';
  if (layer.norm1.eps !== layer.norm2.eps) return 'norm1.eps is not equal to norm2.eps';
  if (attn.bias_k !== null || attn.bias_v !== null || attn.addZeroAttn) return 'self_attn has bias_k/bias_v or add_zero_attn';
  const e = attn.embedDim;
  if (src.shape[2] !== e) return 'src.size(-1) is not embed_dim';
  if (!isLastDimNorm(layer.norm1, e) || !isLastDimNorm(layer.norm2, e)) return 'norm1/norm2 are not LayerNorm(d_model)';
  if (!(layer.linear1 instanceof Linear) || !(layer.linear2 instanceof Linear)) return 'linear1/linear2 are not Linear';
  // float32 only: the crate has no float64 instance of the fused layer (wasm size budget)
  if (src.dtype !== float32) return 'src is not float32';
  const params = tensorArgs(layer);
  if (params.some((t) => t !== null && t.dtype !== src.dtype)) return 'a parameter has another dtype than src';
  // anything the op-by-op path would refuse (with its message): a disposed tensor, a
  // parameter of another shape
  if ([src, srcMask, keyPaddingMask, ...params].some((t) => t !== null && t._disposed)) return 'a tensor argument was disposed';
  const f = layer.linear1.weight.shape[0];
  const shapes = [[3 * e, e], [3 * e], [e, e], [e], [e], [e], [e], [e], [f, e], [f], [e, f], [e]];
  if (params.some((t, i) => t !== null && !shapeEquals(t.shape, shapes[i]))) return 'a parameter has an unexpected shape';
  if (isGradEnabled() && [src, srcMask, keyPaddingMask, ...params].some((t) => t !== null && t.requiresGrad)) {
    return 'grad is enabled and at least one of query or the input/output projection weights or biases requires_grad';
  }
  return '';
}

function tensorArgs(layer: TransformerEncoderLayer): (Parameter | null)[] {
  const attn = layer.self_attn;
  return [
    attn.in_proj_weight, attn.in_proj_bias, attn.out_proj.weight, attn.out_proj.bias, layer.norm1.weight, layer.norm1.bias,
    layer.norm2.weight, layer.norm2.bias, layer.linear1.weight, layer.linear1.bias, layer.linear2.weight, layer.linear2.bias,
  ];
}

/** The kernel's parameter pointers: contiguous (copies of any that are not; kept by the caller's scope). */
function kernelParams(layer: TransformerEncoderLayer): EncoderLayerParams {
  const [ipw, ipb, opw, opb, n1w, n1b, n2w, n2b, l1w, l1b, l2w, l2b] = tensorArgs(layer).map((t) =>
    t === null || t.isContiguous() ? t : t.contiguous());
  return {
    inProjWeight: ipw!, inProjBias: ipb, outProjWeight: opw!, outProjBias: opb, norm1Weight: n1w, norm1Bias: n1b,
    norm2Weight: n2w, norm2Bias: n2b, linear1Weight: l1w!, linear1Bias: l1b, linear2Weight: l2w!, linear2Bias: l2b,
  };
}

/** The layer on src [B, S, E] in one kernel call (call inside a scope; whyNotFastPath was ''). */
export function encoderLayerFastPath(layer: TransformerEncoderLayer, src: Tensor, srcMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
  const attn = layer.self_attn;
  const [batch, seq, embed] = src.shape;
  const mask = selfAttentionMask(batch, seq, attn.numHeads, srcMask, keyPaddingMask, src.dtype);
  const x = src.isContiguous() ? src : src.contiguous();
  const out = Tensor._empty([batch, seq, embed], src.dtype);
  encoderLayerForward(
    {
      batch, seq, embed, heads: attn.numHeads, ff: layer.linear1.weight.shape[0], normFirst: layer.normFirst,
      activation: kernelActivation(layer.activation)!, eps: layer.norm1.eps,
    },
    kernelParams(layer), x, mask, out,
  );
  return out;
}
