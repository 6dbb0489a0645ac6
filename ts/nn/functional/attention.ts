// torch.nn.functional.multi_head_attention_forward, as PyTorch 1.13 computes it:
// in-projection (one GEMM for self-attention), bias_k/bias_v and zero-attention
// columns, the key padding and attention masks merged into one additive float mask,
// q / sqrt(head_dim) then baddbmm(mask, q, k^T), softmax, dropout, weights @ v and
// the out-projection. Composed of ops in PyTorch's order, so autograd gives every
// gradient and results agree with PyTorch's within float32 rounding. Without returned
// weights, dropout, zero-attention or static keys (the Transformer layers' calls),
// scores, mask, softmax and the weighted sum run as one fused op instead
// (ops/nn/attention.ts), with the same results within float32 rounding.

import { Tensor } from '../../tensor/tensor.js';
import { AssertionError, ValueError, ZeroDivisionError, shapeEquals } from '../../tensor/shape.js';
import { bool, float32, float64 } from '../../tensor/dtype.js';
import { baddbmm, bmm, cat, softmax, zeros } from '../../ops/all.js';
import { pyRepr } from '../module_repr.js';
import { functional } from '../../ops/composite.js';
import { linear } from '../../ops/nn/linear.js';
import { dropout } from './dropout.js';
import { pad } from './padding.js';
import { fusedAttention } from '../../ops/nn/attention.js';
import { check, checkBatchedMaskRanks, mergeMasks, perHead, prepareAttnMask, sizeStr } from './attention_masks.js';

/**
 * softmax(scale * q k^T + attnMask) v over [B, H, L, D] tensors in one fused kernel, with
 * an optional causal flag (private, as PyTorch 1.13's F._scaled_dot_product_attention):
 * the path multi-head attention takes without returned weights.
 * @example F._fusedAttention(q, k, v, { scale: 1 / Math.sqrt(q.shape[3]), isCausal: true })
 */
export { fusedAttention as _fusedAttention };

/** Keyword arguments of multiHeadAttentionForward after out_proj_bias (PyTorch's names in camelCase). */
export interface MultiHeadAttentionForwardOptions {
  training?: boolean;
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  staticK?: Tensor | null;
  staticV?: Tensor | null;
  averageAttnWeights?: boolean;
}

const SIGNATURE =
  'Tensor query, Tensor key, Tensor value, int embed_dim_to_check, int num_heads, Tensor? in_proj_weight, ' +
  'Tensor? in_proj_bias, Tensor? bias_k, Tensor? bias_v, bool add_zero_attn, float dropout_p, ' +
  'Tensor out_proj_weight, Tensor? out_proj_bias, bool training=True, Tensor? key_padding_mask=None, ' +
  'bool need_weights=True, Tensor? attn_mask=None, bool use_separate_proj_weight=False, ' +
  'Tensor? q_proj_weight=None, Tensor? k_proj_weight=None, Tensor? v_proj_weight=None, ' +
  'Tensor? static_k=None, Tensor? static_v=None, bool average_attn_weights=True';

/** Python's tuple unpacking of a chunk/split result (`a, b, c = t.chunk(3)`). */
function unpack(parts: Tensor[], n: number): Tensor[] {
  if (parts.length !== n) {
    throw new ValueError(parts.length < n ? `not enough values to unpack (expected ${n}, got ${parts.length})` : `too many values to unpack (expected ${n})`);
  }
  return parts;
}

/** PyTorch's _mha_shape_check: the ranks of query/key/value and the masks; whether the input is batched. */
function mhaShapeCheck(query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor | null, attnMask: Tensor | null, numHeads: number): boolean {
  if (query.ndim === 3) {
    check(key.ndim === 3 && value.ndim === 3, () =>
      `For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
    checkBatchedMaskRanks(keyPaddingMask, attnMask);
    return true;
  }
  if (query.ndim === 2) {
    check(key.ndim === 2 && value.ndim === 2, () =>
      `For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
    if (keyPaddingMask !== null) {
      check(keyPaddingMask.ndim === 1, () =>
        `For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${keyPaddingMask.ndim}-D tensor instead`);
    }
    if (attnMask !== null) {
      check(attnMask.ndim === 2 || attnMask.ndim === 3, () =>
        `For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.ndim}-D tensor instead`);
      if (attnMask.ndim === 3) {
        const expected = [numHeads, query.shape[0], key.shape[0]];
        check(shapeEquals(attnMask.shape, expected), () => `Expected \`attn_mask\` shape to be ${pyRepr(expected)} but got ${sizeStr(attnMask.shape)}`);
      }
    }
    return false;
  }
  throw new AssertionError(`query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor`);
}

/** PyTorch's _in_projection_packed: one GEMM when q, k, v are one tensor, two when k is v. */
function inProjectionPacked(q: Tensor, k: Tensor, v: Tensor, w: Tensor, b: Tensor | null): Tensor[] {
  const E = q.shape[q.ndim - 1];
  if (k === v) {
    if (q === k) return unpack(linear(q, w, b).chunk(3, -1), 3);
    const [wQ, wKV] = unpack(w.split([E, E * 2]), 2);
    const [bQ, bKV] = b === null ? [null, null] : unpack(b.split([E, E * 2]), 2);
    return [linear(q, wQ, bQ), ...unpack(linear(k, wKV, bKV).chunk(2, -1), 2)];
  }
  const [wQ, wK, wV] = unpack(w.chunk(3), 3);
  const [bQ, bK, bV] = b === null ? [null, null, null] : unpack(b.chunk(3), 3);
  return [linear(q, wQ, bQ), linear(k, wK, bK), linear(v, wV, bV)];
}

/** PyTorch's _in_projection: separate q/k/v weights (key and value may have their own widths). */
function inProjection(q: Tensor, k: Tensor, v: Tensor, wQ: Tensor, wK: Tensor, wV: Tensor, bQ: Tensor | null, bK: Tensor | null, bV: Tensor | null): Tensor[] {
  const [Eq, Ek, Ev] = [q.shape[q.ndim - 1], k.shape[k.ndim - 1], v.shape[v.ndim - 1]];
  const expectShape = (t: Tensor | null, shape: number[], what: string): void => {
    if (t !== null) check(shapeEquals(t.shape, shape), () => `expecting ${what} shape of ${pyRepr(shape)}, but got ${sizeStr(t.shape)}`);
  };
  expectShape(wQ, [Eq, Eq], 'query weights');
  expectShape(wK, [Eq, Ek], 'key weights');
  expectShape(wV, [Eq, Ev], 'value weights');
  expectShape(bQ, [Eq], 'query bias');
  expectShape(bK, [Eq], 'key bias');
  expectShape(bV, [Eq], 'value bias');
  return [linear(q, wQ, bQ), linear(k, wK, bK), linear(v, wV, bV)];
}

/** static_k / static_v replace the projected keys/values: [bsz*heads, src, head_dim]. */
function checkStatic(t: Tensor, name: string, bszHeads: number, headDim: number): Tensor {
  check(t.size(0) === bszHeads, () => `expecting ${name}.size(0) of ${bszHeads}, but got ${t.size(0)}`);
  check(t.size(2) === headDim, () => `expecting ${name}.size(2) of ${headDim}, but got ${t.size(2)}`);
  return t;
}

function mhaForward(
  queryIn: Tensor, keyIn: Tensor, valueIn: Tensor, embedDimToCheck: number, numHeads: number,
  inProjWeight: Tensor | null, inProjBias: Tensor | null, biasK: Tensor | null, biasV: Tensor | null,
  addZeroAttn: boolean, dropoutP: number, outProjWeight: Tensor, outProjBias: Tensor | null,
  training: boolean, keyPaddingMaskIn: Tensor | null, needWeights: boolean, attnMaskIn: Tensor | null,
  useSeparateProjWeight: boolean, qProjWeight: Tensor | null, kProjWeight: Tensor | null, vProjWeight: Tensor | null,
  staticK: Tensor | null, staticV: Tensor | null, averageAttnWeights: boolean,
): [Tensor, Tensor | null] {
  const isBatched = mhaShapeCheck(queryIn, keyIn, valueIn, keyPaddingMaskIn, attnMaskIn, numHeads);
  let [query, key, value, keyPaddingMask] = [queryIn, keyIn, valueIn, keyPaddingMaskIn];
  // unbatched input runs as a batch of one (each unsqueeze is a new tensor, as in PyTorch)
  if (!isBatched) {
    query = query.unsqueeze(1);
    key = key.unsqueeze(1);
    value = value.unsqueeze(1);
    if (keyPaddingMask !== null) keyPaddingMask = keyPaddingMask.unsqueeze(0);
  }

  const [tgtLen, bsz, embedDim] = query.shape;
  let srcLen = key.shape[0];
  if (keyPaddingMask !== null) {
    check(keyPaddingMask.dtype === bool || keyPaddingMask.dtype.isFloatingPoint, () => 'only bool and floating types of key_padding_mask are supported');
  }
  check(embedDim === embedDimToCheck, () => `was expecting embedding dimension of ${embedDimToCheck}, but got ${embedDim}`);
  if (numHeads === 0) throw new ZeroDivisionError('integer division or modulo by zero');
  const headDim = Math.floor(embedDim / numHeads);
  check(headDim * numHeads === embedDim, () => `embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);
  if (useSeparateProjWeight) {
    check(shapeEquals(key.shape.slice(0, 2), value.shape.slice(0, 2)), () =>
      `key's sequence and batch dims ${sizeStr(key.shape.slice(0, 2))} do not match value's ${sizeStr(value.shape.slice(0, 2))}`);
  } else {
    check(shapeEquals(key.shape, value.shape), () => `key shape ${sizeStr(key.shape)} does not match value shape ${sizeStr(value.shape)}`);
  }

  // in-projection
  let q: Tensor, k: Tensor, v: Tensor;
  if (!useSeparateProjWeight) {
    if (inProjWeight === null) throw new AssertionError('use_separate_proj_weight is False but in_proj_weight is None');
    [q, k, v] = inProjectionPacked(query, key, value, inProjWeight, inProjBias);
  } else {
    if (qProjWeight === null) throw new AssertionError('use_separate_proj_weight is True but q_proj_weight is None');
    if (kProjWeight === null) throw new AssertionError('use_separate_proj_weight is True but k_proj_weight is None');
    if (vProjWeight === null) throw new AssertionError('use_separate_proj_weight is True but v_proj_weight is None');
    const [bQ, bK, bV] = inProjBias === null ? [null, null, null] : unpack(inProjBias.chunk(3), 3);
    [q, k, v] = inProjection(query, key, value, qProjWeight, kProjWeight, vProjWeight, bQ, bK, bV);
  }

  let attnMask = attnMaskIn === null ? null : prepareAttnMask(attnMaskIn, bsz, numHeads, tgtLen, srcLen);

  // bias_k / bias_v: one more key/value position, visible through every mask
  if (biasK !== null && biasV !== null) {
    check(staticK === null, () => 'bias cannot be added to static key.');
    check(staticV === null, () => 'bias cannot be added to static value.');
    k = cat([k, biasK.repeat(1, bsz, 1)]);
    v = cat([v, biasV.repeat(1, bsz, 1)]);
    if (attnMask !== null) attnMask = pad(attnMask, [0, 1]);
    if (keyPaddingMask !== null) keyPaddingMask = pad(keyPaddingMask, [0, 1]);
  } else {
    check(biasK === null, () => '');
    check(biasV === null, () => '');
  }

  const p = training ? dropoutP : 0;
  // the common case (what Transformer layers ask for) in one fused kernel per direction
  // (keys of another batch size fail in the composed path's view, with PyTorch's message)
  if (!needWeights && p === 0 && !addZeroAttn && staticK === null && staticV === null && k.shape[1] === bsz && v.shape[1] === bsz &&
      (q.dtype === float32 || q.dtype === float64) && !attnMask?.requiresGrad && !keyPaddingMask?.requiresGrad) {
    srcLen = k.shape[0];
    const mask = mergeMasks(attnMask, keyPaddingMask, bsz, numHeads, srcLen, q.dtype);
    // [seq, bsz, embed] -> [bsz, heads, seq, head_dim] views: no copy of q, k or v
    const heads = (t: Tensor): Tensor => t.view(t.shape[0], bsz, numHeads, headDim).permute(1, 2, 0, 3);
    const mask4 = mask === null ? null : perHead(mask, bsz, numHeads, srcLen);
    const attn = fusedAttention(heads(q), heads(k), heads(v), mask4, 1 / Math.sqrt(headDim)) as Tensor;
    // its memory is [tgt, bsz, heads, head_dim]: the out-projection reads it as is
    const projected = linear(attn.permute(2, 0, 1, 3).reshape(tgtLen * bsz, embedDim), outProjWeight, outProjBias);
    const out = projected.view(tgtLen, bsz, projected.shape[1]); // (not -1: an empty batch has no size to infer)
    return [isBatched ? out : out.squeeze(1), null];
  }

  // heads into the batch: [bsz * heads, seq, head_dim]
  const bszHeads = bsz * numHeads;
  q = q.contiguous().view(tgtLen, bszHeads, headDim).transpose(0, 1);
  k = staticK === null ? k.contiguous().view(k.shape[0], bszHeads, headDim).transpose(0, 1) : checkStatic(staticK, 'static_k', bszHeads, headDim);
  v = staticV === null ? v.contiguous().view(v.shape[0], bszHeads, headDim).transpose(0, 1) : checkStatic(staticV, 'static_v', bszHeads, headDim);

  if (addZeroAttn) {
    const zeroAttnShape = [bszHeads, 1, headDim];
    k = cat([k, zeros(zeroAttnShape, { dtype: k.dtype })], 1);
    v = cat([v, zeros(zeroAttnShape, { dtype: v.dtype })], 1);
    if (attnMask !== null) attnMask = pad(attnMask, [0, 1]);
    if (keyPaddingMask !== null) keyPaddingMask = pad(keyPaddingMask, [0, 1]);
  }
  srcLen = k.shape[1];

  attnMask = mergeMasks(attnMask, keyPaddingMask, bsz, numHeads, srcLen, q.dtype);

  // scores = mask + (q / sqrt(head_dim)) k^T; weights = softmax(scores); out = weights v
  const qScaled = q.div(Math.sqrt(q.shape[2]));
  const kT = k.transpose(-2, -1);
  let weights = attnMask !== null ? baddbmm(attnMask, qScaled, kT) : bmm(qScaled, kT);
  weights = softmax(weights, -1);
  if (p > 0) weights = dropout(weights, p);
  let out = bmm(weights, v);
  out = out.transpose(0, 1).contiguous().view(tgtLen * bsz, embedDim);
  out = linear(out, outProjWeight, outProjBias);
  out = out.view(tgtLen, bsz, out.shape[1]);

  if (!needWeights) return [isBatched ? out : out.squeeze(1), null];
  weights = weights.view(bsz, numHeads, tgtLen, srcLen);
  if (averageAttnWeights) weights = weights.sum({ dim: 1 }).div(numHeads);
  return isBatched ? [out, weights] : [out.squeeze(1), weights.squeeze(0)];
}

type MhaForward = {
  (
    query: Tensor, key: Tensor, value: Tensor, embedDimToCheck: number, numHeads: number,
    inProjWeight: Tensor | null, inProjBias: Tensor | null, biasK: Tensor | null, biasV: Tensor | null,
    addZeroAttn: boolean, dropoutP: number, outProjWeight: Tensor, outProjBias: Tensor | null,
    options?: MultiHeadAttentionForwardOptions,
  ): [Tensor, Tensor | null];
  (...args: unknown[]): [Tensor, Tensor | null];
};

/**
 * Multi-head attention (torch.nn.functional.multi_head_attention_forward), the
 * computation behind nn.MultiheadAttention. Inputs are (L, N, E) / (S, N, E), or
 * unbatched (L, E) / (S, E). Returns [attn_output, attn_weights | null].
 *
 * @example
 * const [out, w] = F.multiHeadAttentionForward(x, x, x, 8, 2, inW, inB, null, null, false, 0, outW, outB,
 *   { attnMask: causal, needWeights: true });
 */
export const multiHeadAttentionForward = functional<MhaForward>('multi_head_attention_forward', SIGNATURE, mhaForward);
