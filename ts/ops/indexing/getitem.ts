// x.index(...): Python's x[...] for JavaScript. The basic part (ints, slices, None,
// '...') is a chain of view ops, so the result shares storage; index tensors and bool
// masks then gather a copy (aten::index, IndexBackward0).

import { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../registry.js';
import { fill } from '../../kernels/elementwise.js';
import { select, slice, unsqueeze, makeView } from '../shape/views.js';
import { advancedGather } from './advanced.js';
import { resolveIndex, IndexItem, Step } from './spec.js';
import { indexPutImpl } from './setitem.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    /** Python's x[...]: x.index(0, '1:3', null, '...', idx) is x[0, 1:3, None, ..., idx]. */
    index(...items: IndexItem[]): Tensor;
  }
}

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
export const indexAdvanced = defineOp<(self: Tensor, indices: Tensor[], dims: number[]) => Tensor>({
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
