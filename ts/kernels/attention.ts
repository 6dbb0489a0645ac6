// Driver of crate/src/abi/attention.rs: fused softmax(scale * q k^T + mask) v per
// (batch, head) and its backward. Operands are [B, H, rows, cols] tensors read through
// their strides (the last dim must have stride 1: the caller makes it so); the mask is
// read through broadcast strides, 0 along its broadcast dims.

import { K } from '../wasm/heap.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastStrides } from '../tensor/shape.js';
import { scratchI32 } from './scratch.js';
import { checkStatus } from './status.js';

/** Sizes of one call: q [batch, heads, lq, d], k [batch, heads, lk, d], v [batch, heads, lk, dv]. */
export interface AttentionShape {
  batch: number;
  heads: number;
  lq: number;
  lk: number;
  d: number;
  dv: number;
  causal: boolean;
}

const rows = (t: Tensor | null): number[] => (t === null ? [0, 0, 0] : [t._strides[0], t._strides[1], t._strides[2]]);
const ptr = (t: Tensor | null): number => (t === null ? 0 : t._ptr);

/** The 32-int descriptor of abi/attention.rs; `o` is the output or its gradient. */
function writeDesc(s: AttentionShape, q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, o: Tensor,
  dq: Tensor | null = null, dk: Tensor | null = null, dv: Tensor | null = null): number {
  const ms = mask === null ? [0, 0, 0, 0] : broadcastStrides(mask._shape, mask._strides, [s.batch, s.heads, s.lq, s.lk]);
  return scratchI32([
    s.batch, s.heads, s.lq, s.lk, s.d, s.dv, s.causal ? 1 : 0,
    ...rows(q), ...rows(k), ...rows(v), ...ms, ...rows(o), ...rows(dq), ...rows(dk), ...rows(dv),
  ]);
}

/** out = softmax(scale * q k^T + mask) v (float32 / float64; out overlaps no input). */
export function attentionForward(s: AttentionShape, scale: number, q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, out: Tensor): void {
  const desc = writeDesc(s, q, k, v, mask, out);
  checkStatus(K.attention_forward(q.dtype.code, desc, q._ptr, k._ptr, v._ptr, ptr(mask), out._ptr, scale), 'attention');
}

/** The gradients of attentionForward given dout, into whichever of dq, dk, dv are given. */
export function attentionBackward(s: AttentionShape, scale: number, q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, dout: Tensor,
  dq: Tensor | null, dk: Tensor | null, dv: Tensor | null): void {
  const desc = writeDesc(s, q, k, v, mask, dout, dq, dk, dv);
  checkStatus(
    K.attention_backward(q.dtype.code, desc, q._ptr, k._ptr, v._ptr, ptr(mask), dout._ptr, ptr(dq), ptr(dk), ptr(dv), scale),
    'attention_backward',
  );
}
