// sort, argsort, topk, kthvalue: one stable merge sort per line in the crate, NaN
// ordered above every number (last ascending, first descending) as in PyTorch.
// Gradients scatter the output gradient back to the selected positions.

import { Tensor } from '../../tensor/tensor.js';
import { int64 } from '../../tensor/dtype.js';
import { normalizeDim, RuntimeError } from '../../tensor/shape.js';
import { contiguousCopy } from '../../tensor/copy.js';
import { fill } from '../../kernels/memory.js';
import { sortLines as sortLinesKernel } from '../../kernels/sort.js';
import { defineOp } from '../registry.js';
import { scatter } from './gather.js';
import { atLeast1d } from './advanced.js';


/** PyTorch's (values, indices) named tuple: a 2-element array that also has the two names. */
export interface ValuesIndices {
  0: Tensor;
  1: Tensor;
  readonly length: 2;
  values: Tensor;
  indices: Tensor;
  [Symbol.iterator](): Iterator<Tensor>;
}

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  // the own `values` property shadows Array.prototype.values, as the named tuple's field does
  return Object.assign([values, indices], { values, indices }) as unknown as ValuesIndices;
}

/**
 * Sorts every line of x along d and keeps the first k: [values (or null), indices],
 * both of x's shape with d of size k.
 */
export function sortLines(x: Tensor, d: number, k: number, descending: boolean, withValues: boolean): [Tensor | null, Tensor] {
  const shape = [...x._shape];
  shape[d] = k;
  const vals = withValues ? Tensor._empty(shape, x.dtype) : null;
  const idx = Tensor._empty(shape, int64);
  if (idx.numel() > 0) sortLinesKernel(x, d, k, descending, vals, idx);
  return [vals, idx];
}

/** Gradient of an op that picked values at `indices` along dim: zeros with g scattered back. */
function valueSelectingBackward(g: Tensor, dim: number, indices: Tensor, sizes: readonly number[], keepdim: boolean): Tensor {
  if (sizes.length === 0) return g;
  const d = normalizeDim(dim, sizes.length);
  const gi = keepdim ? g : g.unsqueeze(d);
  const ii = keepdim ? indices : indices.unsqueeze(d);
  const z = Tensor._empty(sizes, g.dtype);
  fill(z, 0);
  return scatter(z, d, ii, gi);
}

/** (values, indices) of each line sorted along dim; `stable` keeps equal values in input order (always true here). */
export const sort = defineOp({
  name: 'sort',
  returns: '(Tensor values, Tensor indices)',
  sig: 'Tensor self, int dim=-1, bool descending=False, *, bool? stable=False',
  save: ['result'],
  forward: (self: Tensor, dim: number, descending: boolean) => {
    const x = atLeast1d(self);
    const d = normalizeDim(dim, x.ndim);
    const [v, i] = sortLines(x, d, x._shape[d], descending, true);
    return self.ndim === 0 ? valuesIndices(v!._view([], [], 0), i._view([], [], 0)) : valuesIndices(v!, i);
  },
  grad: { self: (g, c) => valueSelectingBackward(g, c.dim, c.result[1], c.meta.self.shape, true) },
});

/** Sorts along dim 0 (values only). */
export const msort = defineOp({
  name: 'msort',
  sig: 'Tensor self',
  forward: (self: Tensor) => sort(self, 0)[0],
});

/** The indices that sort each line along dim. */
export const argsort = defineOp({
  name: 'argsort',
  sig: 'Tensor self, int dim=-1, bool descending=False, *, bool stable=False',
  forward: (self: Tensor, dim: number, descending: boolean) => {
    const x = atLeast1d(self);
    const d = normalizeDim(dim, x.ndim);
    const [, i] = sortLines(x, d, x._shape[d], descending, false);
    return self.ndim === 0 ? i._view([], [], 0) : i;
  },
});

/** The k largest (or smallest) values along dim with their indices, in sorted order. */
export const topk = defineOp({
  name: 'topk',
  returns: '(Tensor values, Tensor indices)',
  sig: 'Tensor self, int k, int dim=-1, bool largest=True, bool sorted=True',
  save: ['result'],
  forward: (self: Tensor, k: number, dim: number, largest: boolean) => {
    const x = atLeast1d(self);
    const d = normalizeDim(dim, x.ndim);
    if (k < 0 || k > x._shape[d]) throw new RuntimeError('selected index k out of range');
    // a 0-dim self gives itself for k = 0 as for k = 1 (PyTorch), never an empty 0-dim view
    const [v, i] = sortLines(x, d, self.ndim === 0 ? 1 : k, largest, true);
    return self.ndim === 0 ? valuesIndices(v!._view([], [], 0), i._view([], [], 0)) : valuesIndices(v!, i);
  },
  grad: { self: (g, c) => valueSelectingBackward(g, c.dim, c.result[1], c.meta.self.shape, true) },
});

/** The k-th smallest value along dim (k counts from 1) and its index. */
export const kthvalue = defineOp({
  name: 'kthvalue',
  returns: '(Tensor values, Tensor indices)',
  sig: 'Tensor self, int k, int dim=-1, bool keepdim=False',
  save: ['result'],
  forward: (self: Tensor, k: number, dim: number, keepdim: boolean) => {
    const x = atLeast1d(self);
    const d = normalizeDim(dim, x.ndim);
    if (k < 1 || k > x._shape[d]) throw new RuntimeError(`kthvalue(): selected number k out of range for dimension ${d}`);
    const [v, i] = sortLines(x, d, k, false, true);
    // the last of the k smallest, along d
    const pick = (t: Tensor): Tensor => {
      const shape = [...t._shape];
      const strides = [...t._strides];
      const offset = (k - 1) * strides[d];
      if (keepdim && self.ndim > 0) shape[d] = 1;
      else {
        shape.splice(d, 1);
        strides.splice(d, 1);
      }
      return contiguousCopy(t._view(shape, strides, offset));
    };
    return valuesIndices(pick(v!), pick(i));
  },
  grad: { self: (g, c) => valueSelectingBackward(g, c.dim, c.result[1], c.meta.self.shape, c.keepdim) },
});
