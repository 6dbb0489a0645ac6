// _fused_attention: softmax(scale * q k^T + mask) v over [B, H, L, D] tensors in one
// crate kernel per direction (kernels/attention.ts), with its own backward; no L x S
// matrix is kept. Multi-head attention uses it when the attention weights are not
// returned and no dropout applies (nn/functional/attention.ts).

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { bool, float32, float64 } from '../../tensor/dtype.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { defineOp, type GradCtx } from '../registry.js';
import { ones, softmax } from '../all.js';
import { attentionForward, attentionBackward, type AttentionShape } from '../../kernels/attention.js';
import type { OpAny } from '../types.js';

const sizeStr = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** The sizes of a call, after PyTorch-style checks of the operands. */
function attentionShape(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, causal: boolean): AttentionShape {
  for (const [name, t] of [['query', q], ['key', k], ['value', v]] as const) {
    if (t.ndim !== 4) throw new RuntimeError(`_fused_attention: expected ${name} to be 4-D [batch, heads, seq, features], but got ${sizeStr(t._shape)}`);
    if (t.dtype !== q.dtype) throw new RuntimeError(`_fused_attention: expected ${name} of dtype ${q.dtype.scalarName}, but got ${t.dtype.scalarName}`);
  }
  if (q.dtype !== float32 && q.dtype !== float64) throw new RuntimeError(`"_fused_attention" not implemented for '${q.dtype.scalarName}'`);
  const [batch, heads, lq, d] = q._shape;
  const [lk, dv] = [k._shape[2], v._shape[3]];
  const same = (a: readonly number[], b: readonly number[]): boolean => a.every((n, i) => n === b[i]);
  if (!same(k._shape, [batch, heads, lk, d]) || !same(v._shape, [batch, heads, lk, dv])) {
    throw new RuntimeError(`_fused_attention: query ${sizeStr(q._shape)}, key ${sizeStr(k._shape)} and value ${sizeStr(v._shape)} do not match`);
  }
  if (mask !== null) {
    if (mask.dtype !== q.dtype) throw new RuntimeError(`_fused_attention: expected attn_mask of dtype ${q.dtype.scalarName}, but got ${mask.dtype.scalarName}`);
    const target = [batch, heads, lq, lk];
    const off = 4 - mask.ndim;
    if (off < 0 || mask._shape.some((n, i) => n !== 1 && n !== target[off + i])) {
      throw new RuntimeError(`_fused_attention: attn_mask ${sizeStr(mask._shape)} does not broadcast to ${sizeStr(target)}`);
    }
  }
  return { batch, heads, lq, lk, d, dv, causal };
}

/** t itself when its last dim is unit-strided (what the kernel reads), else a contiguous copy. */
const rowsContiguous = (t: Tensor): Tensor => (t._shape[t.ndim - 1] <= 1 || t._strides[t.ndim - 1] === 1 ? t : (t.contiguous() as Tensor));

/** The gradients with ops (recorded under create_graph, so they are differentiable again). */
function compositeGrads(g: Tensor, c: GradCtx): Record<string, Tensor | null> {
  const [q, k, v, mask] = [c.query as Tensor, c.key as Tensor, c.value as Tensor, (c.attn_mask ?? null) as Tensor | null];
  let s = q.matmul(k.transpose(-2, -1)).mul(c.scale);
  if (mask !== null) s = s.add(mask);
  if (c.is_causal) s = s.maskedFill(ones([q.shape[2], k.shape[2]], { dtype: bool }).triu(1), -Infinity);
  const p = softmax(s, -1);
  const dp = g.matmul(v.transpose(-2, -1));
  const ds = p.mul(dp.sub(p.mul(dp).sum({ dim: -1, keepdim: true })));
  return {
    query: c.needs.query ? ds.matmul(k).mul(c.scale) : null,
    key: c.needs.key ? ds.transpose(-2, -1).matmul(q).mul(c.scale) : null,
    value: c.needs.value ? p.transpose(-2, -1).matmul(g) : null,
  };
}

function nativeGrads(g: Tensor, c: GradCtx): Record<string, Tensor | null> {
  const [q, k, v, mask] = [c.query as Tensor, c.key as Tensor, c.value as Tensor, (c.attn_mask ?? null) as Tensor | null];
  const s = attentionShape(q, k, v, mask, c.is_causal);
  const grad = (need: boolean, t: Tensor): Tensor | null => (need ? Tensor._empty(t._shape, t.dtype) : null);
  const [dq, dk, dv] = [grad(c.needs.query, q), grad(c.needs.key, k), grad(c.needs.value, v)];
  attentionBackward(s, c.scale, rowsContiguous(q), rowsContiguous(k), rowsContiguous(v), mask, rowsContiguous(g), dq, dk, dv);
  return { query: dq, key: dk, value: dv };
}

/**
 * softmax(scale * query key^T + attn_mask) value, per batch and head: query [B, H, L, D],
 * key [B, H, S, D], value [B, H, S, Dv], attn_mask (additive, query's dtype) broadcast to
 * [B, H, L, S]; is_causal masks keys after each query (j > i). Returns [B, H, L, Dv],
 * laid out in memory as [L, B, H, Dv] (what an out-projection of a sequence-first
 * batch reads without a copy). Gradients flow to query, key and value, not to the mask.
 */
export const fusedAttention: OpAny = defineOp({
  name: '_fused_attention',
  sig: 'Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, float scale=1.0, bool is_causal=False',
  fn: false,
  method: false,
  save: ['query', 'key', 'value', 'attn_mask'],
  forward: (q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, scale: number, causal: boolean) => {
    const s = attentionShape(q, k, v, mask, causal);
    const buffer = Tensor._empty([s.lq, s.batch, s.heads, s.dv], q.dtype);
    const out = buffer._view([s.batch, s.heads, s.lq, s.dv], [s.heads * s.dv, s.dv, s.batch * s.heads * s.dv, 1], 0);
    buffer.dispose();
    attentionForward(s, scale, rowsContiguous(q), rowsContiguous(k), rowsContiguous(v), mask, out);
    return out;
  },
  gradAll: {
    inputs: ['query', 'key', 'value'],
    formula: (g, c) => (isGradEnabled() ? compositeGrads(g, c) : nativeGrads(g, c)),
  },
});
