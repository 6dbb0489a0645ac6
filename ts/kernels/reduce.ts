// Drivers of the crate's line kernels (crate/src/kernels/lines.rs): ops that work along
// one dim (scans, softmax, median/mode, gradient helpers). The descriptor covers every
// dim but `dim` (kept at extent 1, so it coalesces away); each point starts a line.

import { Tensor } from '../tensor/tensor.js';
import { int64 } from '../tensor/dtype.js';
import { normalizeDim } from '../tensor/shape.js';
import { writeDesc } from './scratch.js';
import { K, scratch } from '../wasm/heap.js';
import { checkStatus } from './elementwise.js';

/** Shape and strides of t with a 0-d tensor seen as one element along dim 0. */
function asLines(t: Tensor): [readonly number[], readonly number[]] {
  return t.ndim === 0 ? [[1], [1]] : [t._shape, t._strides];
}

/** The normalised dim of a line op on x (0-d tensors accept 0 and -1). */
export const lineDim = (x: Tensor, dim: number): number => normalizeDim(dim, x.ndim);

/** Writes the descriptor of the lines of `shape` along d for operands `strides`; returns nd. */
function writeLineDesc(shape: readonly number[], d: number, strides: readonly (readonly number[])[]): number {
  const outer = shape.map((n, i) => (i === d ? 1 : n));
  return writeDesc(outer, strides);
}

/** Byte address of a line's start: its last element when reversed. */
const lineStart = (t: Tensor, stride: number, len: number, reverse: boolean): number =>
  t._ptr + (reverse ? (len - 1) * stride * t.dtype.itemsize : 0);

/** Scan `kop` (codes.SCAN) of x along dim into a new tensor of x's dtype; cummax/cummin also give indices. */
export function runScan(kop: number, x: Tensor, dim: number, reverse = false, withIndices = false): [Tensor, Tensor | null] {
  const out = Tensor._empty(x._shape, x.dtype);
  const idx = withIndices ? Tensor._empty(x._shape, int64) : null;
  if (x.numel() === 0) return [out, idx];
  const d = lineDim(x, dim);
  const [shape, xs] = asLines(x);
  const [, os] = asLines(out);
  const len = shape[d];
  const nd = writeLineDesc(shape, d, [os, xs]);
  const sign = reverse ? -1 : 1;
  checkStatus(
    K.scan(kop, x.dtype.code, nd, scratch, len, sign * os[d], sign * xs[d],
      lineStart(out, os[d], len, reverse), lineStart(x, xs[d], len, reverse), idx ? lineStart(idx, os[d], len, reverse) : 0),
    'scan',
  );
  return [out, idx];
}

/** softmax / log_softmax of x (float32 or float64) along dim. */
export function runSoftmax(log: boolean, x: Tensor, dim: number): Tensor {
  const out = Tensor._empty(x._shape, x.dtype);
  if (x.numel() === 0) return out;
  const d = lineDim(x, dim);
  const [shape, xs] = asLines(x);
  const [, os] = asLines(out);
  const nd = writeLineDesc(shape, d, [os, xs]);
  checkStatus(K.softmax(log ? 1 : 0, x.dtype.code, nd, scratch, shape[d], os[d], xs[d], out._ptr, x._ptr), 'softmax');
  return out;
}

/**
 * One value and its index per line along dim (codes.SELECT: median, nanmedian, mode,
 * kthvalue with zero-based k). The dim is kept as 1 when keepdim, else removed.
 * The lines must be non-empty.
 */
export function runSelect(kop: number, x: Tensor, dim: number, keepdim: boolean, k = 0): [Tensor, Tensor] {
  const d = lineDim(x, dim);
  const [shape, xs] = asLines(x);
  const kept = shape.map((n, i) => (i === d ? 1 : n));
  const outShape = x.ndim === 0 ? [] : keepdim ? kept : kept.filter((_, i) => i !== d);
  const vals = Tensor._empty(outShape, x.dtype);
  const idx = Tensor._empty(outShape, int64);
  if (vals.numel() === 0) return [vals, idx];
  // out strides aligned with x's dims (the line dim's entry is unused: its extent is 1)
  const os = x.ndim === 0 ? [0] : [...vals._strides];
  if (x.ndim > 0 && !keepdim) os.splice(d, 0, 0);
  const nd = writeLineDesc(shape, d, [os, xs]);
  checkStatus(K.select_line(kop, x.dtype.code, nd, scratch, shape[d], xs[d], vals._ptr, idx._ptr, x._ptr, k), 'select');
  return [vals, idx];
}

/** Gradient helper `kop` (codes.LINE_GRAD) along dim: out has x's shape and dtype; g broadcasts to it. */
export function runLineGrad(kop: number, x: Tensor, g: Tensor, dim: number): Tensor {
  const out = Tensor._empty(x._shape, x.dtype);
  if (x.numel() === 0) return out;
  const d = lineDim(x, dim);
  const [shape, xs] = asLines(x);
  const [, os] = asLines(out);
  const gs = x.ndim === 0 ? [0] : shape.map((_, i) => {
    const j = i - (x.ndim - g.ndim);
    return j < 0 || g._shape[j] === 1 ? 0 : g._strides[j];
  });
  const nd = writeLineDesc(shape, d, [os, xs, gs]);
  checkStatus(K.line_grad(kop, x.dtype.code, nd, scratch, shape[d], os[d], xs[d], gs[d], out._ptr, x._ptr, g._ptr), 'line_grad');
  return out;
}
