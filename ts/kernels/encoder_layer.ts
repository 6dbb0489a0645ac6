// Driver of crate/src/abi/encoder_layer.rs: one TransformerEncoderLayer in inference
// (batch-first [B, S, E], contiguous) as one call. The mask is additive, of the input's
// dtype, read through broadcast strides as [B, H, S, S].

import { K } from '../wasm/heap.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastStrides } from '../tensor/shape.js';
import { scratchI32 } from './scratch.js';
import { checkStatus } from './status.js';
import { UN } from './codes.js';

/** Sizes and options of one layer call. */
export interface EncoderLayerShape {
  batch: number;
  seq: number;
  embed: number;
  heads: number;
  ff: number;
  normFirst: boolean;
  activation: 'relu' | 'gelu';
  eps: number;
}

/** The layer's parameters (contiguous, of the input's dtype); null: absent. */
export interface EncoderLayerParams {
  inProjWeight: Tensor;
  inProjBias: Tensor | null;
  outProjWeight: Tensor;
  outProjBias: Tensor | null;
  norm1Weight: Tensor | null;
  norm1Bias: Tensor | null;
  norm2Weight: Tensor | null;
  norm2Bias: Tensor | null;
  linear1Weight: Tensor;
  linear1Bias: Tensor | null;
  linear2Weight: Tensor;
  linear2Bias: Tensor | null;
}

const ptr = (t: Tensor | null): number => (t === null ? 0 : t._ptr);

/** out = the layer applied to x; out overlaps no input. */
export function encoderLayerForward(s: EncoderLayerShape, p: EncoderLayerParams, x: Tensor, mask: Tensor | null, out: Tensor): void {
  const ms = mask === null ? [0, 0, 0, 0] : broadcastStrides(mask._shape, mask._strides, [s.batch, s.heads, s.seq, s.seq]);
  const act = s.activation === 'relu' ? UN.RELU : UN.GELU;
  const desc = scratchI32([s.batch, s.seq, s.embed, s.heads, s.ff, s.normFirst ? 1 : 0, act, 0, ...ms]);
  const params = scratchI32([
    p.inProjWeight._ptr, ptr(p.inProjBias), p.outProjWeight._ptr, ptr(p.outProjBias), ptr(p.norm1Weight), ptr(p.norm1Bias),
    ptr(p.norm2Weight), ptr(p.norm2Bias), p.linear1Weight._ptr, ptr(p.linear1Bias), p.linear2Weight._ptr, ptr(p.linear2Bias),
  ], 64);
  checkStatus(K.encoder_layer_forward(x.dtype.code, desc, params, x._ptr, ptr(mask), out._ptr, s.eps), 'transformer_encoder_layer');
}
