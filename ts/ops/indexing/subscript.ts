// Python's subscripts for JavaScript. x.index(...) is x[...]: the basic part (ints,
// slices, None, '...') is a chain of view ops, so the result shares storage; index
// tensors and bool masks then gather a copy (aten::index, IndexBackward0).
// x.indexPut_([0, '1:3', idx], value) is x[0, 1:3, idx] = value, and torch.indexPut /
// x.indexPut / x.indexPut_ with a list of tensors are PyTorch's index_put. One in-place
// op writes through the whole index (basic view steps, then the advanced put), so
// autograd sees the write on the tensor itself: its gradient zeroes the written region,
// the value's is the indexed gradient. Reading and writing are each other's gradients,
// hence one file.

import { Tensor, Scalar } from '../../tensor/tensor.js';
import { shapeEquals } from '../../tensor/shape.js';
import { contiguousCopy, copyInto, withDtype } from '../../tensor/copy.js';
import { fill } from '../../kernels/memory.js';
import { binaryInto } from '../../kernels/elementwise.js';
import { BIN } from '../../kernels/codes.js';
import { defineOp } from '../registry.js';
import { camelCase } from '../signature.js';
import { select, slice, unsqueeze, makeView, expand } from '../shape/views.js';
import { sumToShape } from '../reduce/reduce.js';
import { advancedGather, advancedPut } from './advanced.js';
import { resolveIndex, rawStepped, IndexItem, ResolvedIndex, Step } from './spec.js';
import { Slice } from './slice.js';
import type { OpMethod } from '../types.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    /** Python's x[...]: x.index(0, '1:3', null, '...', idx) is x[0, 1:3, None, ..., idx]. */
    index(...items: IndexItem[]): Tensor;
    /**
     * Python's x[...] = value, or PyTorch's index_put_ for a list of index tensors
     * (where null skips a dim). `{ accumulate: true }` adds instead of writing.
     */
    indexPut_(indices: IndexItem[] | IndexItem, values: Tensor | Scalar, options?: { accumulate?: boolean } | boolean): Tensor;
  }
}

// ---- reading: x[...] -------------------------------------------------------------------

/** A new view of the whole tensor (x[...] returns one, as PyTorch's alias()). */
export const alias = defineOp({
  name: 'alias',
  sig: 'Tensor self',
  fn: false,
  method: false,
  view: true,
  forward: (self: Tensor) => makeView(self, self._shape, self._strides, self._offset),
  grad: { self: (g) => g },
});

/** self[indices] on dims `dims` (aten::index with the non-null indices and their dims). */
export const indexAdvanced: (self: Tensor, indices: Tensor[], dims: number[]) => Tensor = defineOp({
  name: '_index',
  sig: 'Tensor self, Tensor[] indices, int[] dims',
  fn: false,
  method: false,
  nodeName: 'IndexBackward0',
  save: ['indices'],
  forward: (self: Tensor, indices: Tensor[], dims: number[]) => advancedGather(self, { tensors: indices, dims }),
  grad: {
    self: (g, c) => {
      const z = Tensor._empty(c.meta.self.shape, g.dtype);
      fill(z, 0);
      return indexPutImpl(z, [], c.indices, c.dims, g, true, false);
    },
  },
});

/** Applies basic-indexing steps with the view ops (recording the graph). */
export function applySteps(t: Tensor, steps: readonly Step[]): Tensor {
  let v = t;
  for (const s of steps) {
    const next = s.op === 'select' ? select(v, s.dim, s.index) : s.op === 'slice' ? slice(v, s.dim, s.start, s.end, s.step) : unsqueeze(v, s.dim);
    if (v !== t) v.dispose();
    v = next;
  }
  return v;
}

/** t[steps][indices]: the indexing a resolved index describes, with the graph recorded. */
export function indexResolved(t: Tensor, steps: readonly Step[], indices: Tensor[], dims: number[]): Tensor {
  const v = applySteps(t, steps);
  if (indices.length === 0) return v === t ? alias(t) : v;
  try {
    return indexAdvanced(v, indices, dims);
  } finally {
    if (v !== t) v.dispose();
  }
}

/** Python's x[items]. */
export function getitem(x: Tensor, items: readonly unknown[]): Tensor {
  x._check('index');
  const r = resolveIndex(x, items);
  try {
    return indexResolved(x, r.steps, r.tensors, r.dims);
  } finally {
    r.temps.forEach((t) => t.dispose());
  }
}

(Tensor.prototype as unknown as Record<string, unknown>).index = function (this: Tensor, ...items: IndexItem[]) {
  return getitem(this, items);
};

// ---- writing: x[...] = value ----------------------------------------------------------

/** PyTorch's slicePrefix1sSize: a value's leading size-1 dims are dropped before broadcasting. */
function stripLeadingOnes(shape: readonly number[]): number[] {
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  return shape.slice(i);
}

/** Writes values into dst through the index (no graph). Nothing changes when it throws. */
function writeIndexed(
  dst: Tensor, steps: Step[], indices: Tensor[], dims: number[], values: Tensor | Scalar, accumulate: boolean, cast: boolean,
): void {
  const owned: Tensor[] = [];
  const region = rawStepped(dst, steps);
  owned.push(region);
  try {
    let v: Tensor;
    if (values instanceof Tensor) {
      const stripped = stripLeadingOnes(values._shape);
      v = stripped.length === values.ndim ? values : values._view(stripped, values._strides.slice(values.ndim - stripped.length), values._offset);
      if (v !== values) owned.push(v);
    } else {
      v = Tensor._empty([], dst.dtype);
      fill(v, values);
      owned.push(v);
    }
    if (indices.length === 0) {
      // copy_to: equal shapes or a 0-d value copy directly, else the value expands to the region
      if (!(v.ndim === 0 || shapeEquals(v._shape, region._shape))) owned.push(expand(v, [...region._shape]));
      if (accumulate) {
        const w = withDtype(v, dst.dtype);
        if (w !== v) owned.push(w);
        binaryInto(BIN.ADD, dst.dtype, region, region, w, 1, 'index_put_');
      } else {
        copyInto(region, v);
      }
    } else {
      const w = cast && v.dtype !== dst.dtype ? contiguousCopy(v, dst.dtype) : v;
      if (w !== v) owned.push(w);
      advancedPut(region, { tensors: indices, dims }, w, accumulate);
    }
  } finally {
    owned.forEach((t) => t.dispose());
  }
}

/** Writes values through a resolved index (basic steps, then index tensors on dims). */
type IndexPutImpl = (
  self: Tensor, steps: Step[], indices: Tensor[], dims: number[], values: Tensor | Scalar, accumulate: boolean, cast: boolean,
) => Tensor;
export const indexPutImpl: IndexPutImpl = defineOp({
  name: '_index_put_impl',
  sig: 'Tensor self, any steps, Tensor[] indices, int[] dims, Tensor|Scalar values, bool accumulate=False, bool cast=False',
  fn: false,
  method: false,
  inplace: true,
  nodeName: (_self: Tensor, steps: Step[], indices: Tensor[]) => (steps.length === 0 && indices.length > 0 ? 'IndexPutBackward0' : 'CopySlices'),
  save: ['indices'],
  forward: (self: Tensor, steps: Step[], indices: Tensor[], dims: number[], values: Tensor | Scalar, accumulate: boolean, cast: boolean) => {
    const out = contiguousCopy(self);
    writeIndexed(out, steps, indices, dims, values, accumulate, cast);
    return out;
  },
  into: (out: Tensor, _self: Tensor, steps: Step[], indices: Tensor[], dims: number[], values: Tensor | Scalar, accumulate: boolean, cast: boolean) =>
    writeIndexed(out, steps, indices, dims, values, accumulate, cast),
  grad: {
    self: (g, c): Tensor => (c.accumulate ? g : indexPutImpl(g, c.steps, c.indices, c.dims, 0, false, true)),
    values: (g, c) => {
      const shape = c.meta.values.shape as number[];
      const stripped = stripLeadingOnes(shape);
      const r = indexResolved(g, c.steps, c.indices, c.dims);
      const s = shapeEquals(r._shape, stripped) ? r : sumToShape(r, stripped);
      return shapeEquals(s._shape, shape) ? s : s.reshape(shape);
    },
  },
});

/** The in-place form defineOp installed for _index_put_impl (its name comes from camelCase). */
const inplaceImpl = (Tensor.prototype as unknown as Record<string, OpMethod>)[`${camelCase('_index_put_impl')}_`];

/**
 * The index of an index_put / indexPut_ call. A list of only tensors (or nested arrays)
 * and nulls is PyTorch's index_put, where null keeps a whole dim; any other list is
 * Python's x[...] = value, where null is a new axis.
 */
function resolvePutIndex(self: Tensor, indices: unknown): ResolvedIndex {
  const items = Array.isArray(indices) ? indices : [indices];
  const tensorList = items.every((x) => x === null || x instanceof Tensor || Array.isArray(x));
  return resolveIndex(self, tensorList ? items.map((x) => (x === null ? new Slice() : x)) : items);
}

/** Whether the value may be converted to self's dtype: scalars, and 0-d values filling one bool mask (PyTorch's masked_fill path). */
const castAllowed = (r: ResolvedIndex, values: Tensor | Scalar): boolean =>
  !(values instanceof Tensor) || r.tensors.length === 0 || (r.maskOnly && values.ndim === 0);

/** A copy of self with values written at indices (or added, with accumulate). */
export const indexPut = defineOp({
  name: 'index_put',
  sig: 'Tensor self, any indices, Tensor|Scalar values, bool accumulate=False',
  forward: (self: Tensor, indices: unknown, values: Tensor | Scalar, accumulate: boolean) => {
    const r = resolvePutIndex(self, indices);
    try {
      return indexPutImpl(self, r.steps, r.tensors, r.dims, values, accumulate, castAllowed(r, values));
    } finally {
      r.temps.forEach((t) => t.dispose());
    }
  },
});

/** In place: self[indices] = values (see Tensor.indexPut_). */
export function indexPut_(self: Tensor, indices: IndexItem[] | IndexItem, values: Tensor | Scalar, options?: { accumulate?: boolean } | boolean): Tensor {
  if (!(self instanceof Tensor)) throw new TypeError('index_put_(): argument \'self\' must be Tensor');
  self._check('index_put_');
  const accumulate = typeof options === 'boolean' ? options : Boolean(options?.accumulate);
  const r = resolvePutIndex(self, indices);
  try {
    return inplaceImpl.call(self, r.steps, r.tensors, r.dims, values, accumulate, castAllowed(r, values));
  } finally {
    r.temps.forEach((t) => t.dispose());
  }
}

(Tensor.prototype as unknown as Record<string, unknown>).indexPut_ = function (
  this: Tensor, indices: IndexItem[] | IndexItem, values: Tensor | Scalar, options?: { accumulate?: boolean } | boolean,
) {
  return indexPut_(this, indices, values, options);
};
