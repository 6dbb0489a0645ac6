// Driver of crate/src/abi/reduce.rs: reductions over a set of dims (values, and
// argmax/argmin), and the line kernels, which work along one dim (scans, softmax,
// median/mode, gradient helpers; crate/src/kernels/lines.rs).

import { Tensor } from '../tensor/tensor.js';
import { DType, int64 } from '../tensor/dtype.js';
import { normalizeDim, normalizeDims } from '../tensor/shape.js';
import { writeDesc } from './scratch.js';
import { K, scratch } from '../wasm/heap.js';
import { checkStatus } from './status.js';

// ---- reductions over dims ----------------------------------------------------------

export interface ReducePlan {
  /** Reduced dims, sorted. */
  dims: number[];
  /** Result shape (with 1s at reduced dims when keepdim). */
  outShape: number[];
  /** Number of elements reduced into each output. */
  count: number;
}

/** The dims a reduction over `dim` covers: all for null or [] (PyTorch's dim=None). */
export function reducedDims(shape: readonly number[], dim: number[] | null): number[] {
  if (dim === null || dim.length === 0) return [...Array(shape.length).keys()];
  // a 0-d tensor accepts dim 0 / -1 and reduces nothing
  return normalizeDims(dim, shape.length).filter((d) => d < shape.length);
}

/** Elements reduced into each output. */
export function reducedCount(shape: readonly number[], dim: number[] | null): number {
  return reducedDims(shape, dim).reduce((n, d) => n * shape[d], 1);
}

/** dims null (or []) means all dims, as in PyTorch's sum(dim=None). */
export function reducePlan(x: Tensor, dim: number[] | null, keepdim: boolean): ReducePlan {
  const set = new Set(reducedDims(x._shape, dim));
  const outShape: number[] = [];
  let count = 1;
  for (let i = 0; i < x.ndim; i++) {
    if (set.has(i)) {
      count *= x._shape[i];
      if (keepdim) outShape.push(1);
    } else {
      outShape.push(x._shape[i]);
    }
  }
  return { dims: [...set].sort((a, b) => a - b), outShape, count };
}

/** Writes the reduce kernel's two descriptors; returns [nk, nr]. `out` has plan.outShape. */
function writeReduceDesc(x: Tensor, plan: ReducePlan, outStrides: readonly number[], keepdim: boolean): [number, number] {
  const set = new Set(plan.dims);
  const keepShape: number[] = [];
  const keepIn: number[] = [];
  const keepOut: number[] = [];
  const redShape: number[] = [];
  const redIn: number[] = [];
  let o = 0;
  for (let i = 0; i < x.ndim; i++) {
    if (set.has(i)) {
      redShape.push(x._shape[i]);
      redIn.push(x._strides[i]);
      if (keepdim) o++;
    } else {
      keepShape.push(x._shape[i]);
      keepIn.push(x._strides[i]);
      keepOut.push(outStrides[o++]);
    }
  }
  const nk = writeDesc(keepShape, [keepOut, keepIn]);
  const nr = writeDesc(redShape, [redIn], 12 * nk);
  return [nk, nr];
}

/** Runs reduction `kop` of x (already in the dtype to read) into a new tensor of outDt. */
export function runReduce(kop: number, x: Tensor, plan: ReducePlan, keepdim: boolean, outDt: DType, p1 = 0): Tensor {
  const out = Tensor._empty(plan.outShape, outDt);
  if (out.numel() === 0) return out;
  const [nk, nr] = writeReduceDesc(x, plan, out._strides, keepdim);
  checkStatus(K.reduce(kop, x.dtype.code, outDt.code, nk, nr, scratch, out._ptr, x._ptr, p1), 'reduce');
  return out;
}

/** argmax/argmin (and values) along the plan's dims. */
export function runReduceArg(kop: number, x: Tensor, plan: ReducePlan, keepdim: boolean, withValues: boolean): [Tensor | null, Tensor] {
  const idx = Tensor._empty(plan.outShape, int64);
  const vals = withValues ? Tensor._empty(plan.outShape, x.dtype) : null;
  if (idx.numel() === 0) return [vals, idx];
  const [nk, nr] = writeReduceDesc(x, plan, idx._strides, keepdim);
  checkStatus(K.reduce_arg(kop, x.dtype.code, nk, nr, scratch, vals ? vals._ptr : 0, idx._ptr, x._ptr), 'reduce');
  return [vals, idx];
}

// ---- line kernels -------------------------------------------------------------------
// The descriptor covers every dim but `dim` (kept at extent 1, so it coalesces away);
// each point starts a line.


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
