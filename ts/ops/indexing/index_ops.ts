// Index ops along one dim (index_select, index_add, index_fill, index_copy), and flat
// and per-dim takes (take, take_along_dim). All run on the advanced-index kernels: the
// index is validated before anything is written.

import { Tensor, Scalar } from '../../tensor/tensor.js';
import { int64, int32 } from '../../tensor/dtype.js';
import { normalizeDim, broadcastShapes, IndexError, RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { contiguousCopy, contiguous, withDtype } from '../../tensor/copy.js';
import { fill } from '../../kernels/memory.js';
import { binary } from '../elementwise.js';
import { BIN } from '../../kernels/codes.js';
import { broadcastTo } from '../shape/views.js';
import { gather } from './gather.js';
import { advancedGather, advancedPut, atLeast1d, AdvIndex, BadIndex } from './advanced.js';
import { indexPutImpl } from './subscript.js';
import type { TorchOps } from '../signatures.js';


const isIndexDtype = (t: Tensor): boolean => t.dtype === int64 || t.dtype === int32;

const outOfRangeInSelf: BadIndex = () => {
  throw new IndexError('index out of range in self');
};

const outOfBoundsFor = (dim: number): BadIndex => (_p, value, size) => {
  throw new IndexError(`index ${value} is out of bounds for dimension ${dim} with size ${size}`);
};

/** A zero tensor of a saved input's shape. */
function zerosOf(shape: readonly number[], like: Tensor): Tensor {
  const z = Tensor._empty(shape, like.dtype);
  fill(z, 0);
  return z;
}

/** Selects entries of `index` along dim. Negative indices are out of range, as in PyTorch. */
export const indexSelect: TorchOps['index_select'] = defineOp({
  name: 'index_select',
  sig: 'Tensor self, int dim, Tensor index',
  out: true,
  save: ['index'],
  forward: (self: Tensor, dim: number, index: Tensor) => {
    if (index.ndim > 1) throw new IndexError('index_select(): Index is supposed to be a vector');
    if (!isIndexDtype(index)) throw new RuntimeError('index_select(): Expected dtype int32 or int64 for index');
    const src = atLeast1d(self);
    const d = normalizeDim(dim, src.ndim);
    const idx = atLeast1d(index);
    if (self.ndim === 0 && idx.numel() !== 1) {
      throw new IndexError(`index_select(): Index to scalar can have only 1 value, got ${idx.numel()} value(s)`);
    }
    const out = advancedGather(src, { tensors: [idx], dims: [d], wrap: false }, outOfRangeInSelf);
    return self.ndim === 0 ? out._view([], [], 0) : out;
  },
  grad: { self: (g, c) => indexAdd(zerosOf(c.meta.self.shape, g), c.dim, c.index, g) },
});

/** Checks index_add/index_copy operands; returns [target view, dim, index view, source view]. */
function alongDimOperands(op: string, out: Tensor, dim: number, index: Tensor, source: Tensor): [Tensor, number, Tensor, Tensor] {
  if (index.ndim > 1) throw new IndexError(`${op}(): Index is supposed to be a vector`);
  if (!isIndexDtype(index)) throw new RuntimeError(`${op}(): Expected dtype int32/int64 for index`);
  if (source.dtype !== out.dtype) {
    throw new RuntimeError(`${op}(): self (${out.dtype.scalarName}) and source (${source.dtype.scalarName}) must have the same scalar type`);
  }
  const t = atLeast1d(out);
  const src = atLeast1d(source);
  const d = normalizeDim(dim, t.ndim);
  const idx = atLeast1d(index);
  const n = idx.numel();
  if (src.ndim !== t.ndim) {
    throw new IndexError(`${op}(): Index is supposed to be a vector`);
  }
  if (src._shape[d] !== n) {
    throw new RuntimeError(`${op}(): Number of indices (${n}) should be equal to source.size(dim) (${src._shape[d]})`);
  }
  for (let k = 0; k < t.ndim; k++) {
    if (k !== d && src._shape[k] !== t._shape[k]) {
      throw new RuntimeError(
        `${op}(): Source/destination tensor must have same slice shapes. Destination slice shape: [${t._shape.filter((_, i) => i !== d).join(', ')}] at dimension ${d} and source slice shape: [${src._shape.filter((_, i) => i !== d).join(', ')}] at dimension ${d}.`,
      );
    }
  }
  return [t, d, idx, src];
}

function indexAddInto(out: Tensor, dim: number, index: Tensor, source: Tensor, alpha: Scalar): void {
  const [t, d, idx, src] = alongDimOperands('index_add_', out, dim, index, source);
  const scaled = Number(alpha) === 1 ? src : withDtype(binary('mul', BIN.MUL, src, alpha), out.dtype);
  advancedPut(t, { tensors: [idx], dims: [d], wrap: false }, scaled, true, outOfRangeInSelf);
}

/** self with alpha * source added at index along dim (repeated indices accumulate). */
export const indexAdd: TorchOps['index_add'] = defineOp({
  name: 'index_add',
  sig: 'Tensor self, int dim, Tensor index, Tensor source, *, Scalar alpha=1',
  inplace: true,
  out: true,
  save: ['index'],
  forward: (self: Tensor, dim: number, index: Tensor, source: Tensor, alpha: Scalar) => {
    const out = contiguousCopy(self);
    indexAddInto(out, dim, index, source, alpha);
    return out;
  },
  into: (out: Tensor, _self: Tensor, dim: number, index: Tensor, source: Tensor, alpha: Scalar) => indexAddInto(out, dim, index, source, alpha),
  grad: {
    self: (g) => g,
    source: (g, c) => {
      let r = indexSelect(g, c.dim, c.index);
      if (Number(c.alpha) !== 1) r = r.mul(c.alpha);
      return c.meta.source.shape.length === 0 ? r.reshape([]) : r;
    },
  },
});

function indexFillInto(out: Tensor, dim: number, index: Tensor, value: Tensor | Scalar): void {
  if (index.ndim > 1) throw new IndexError('index_fill_(): Index has to be a vector/scalar');
  if (!isIndexDtype(index)) throw new IndexError('index_fill_(): Expected dtype int64 for index.');
  if (value instanceof Tensor && value.ndim !== 0) {
    throw new RuntimeError(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
  }
  const t = atLeast1d(out);
  const d = normalizeDim(dim, t.ndim);
  const v = value instanceof Tensor ? contiguousCopy(value, out.dtype) : Tensor._empty([], out.dtype);
  try {
    if (!(value instanceof Tensor)) fill(v, value);
    advancedPut(t, { tensors: [atLeast1d(index)], dims: [d] }, v, false, outOfBoundsFor(d));
  } finally {
    v.dispose();
  }
}

/** self with `value` written at index along dim. */
export const indexFill: TorchOps['index_fill'] = defineOp({
  name: 'index_fill',
  sig: 'Tensor self, int dim, Tensor index, Tensor|Scalar value',
  inplace: true,
  save: ['index'],
  forward: (self: Tensor, dim: number, index: Tensor, value: Tensor | Scalar) => {
    const out = contiguousCopy(self);
    indexFillInto(out, dim, index, value);
    return out;
  },
  into: (out: Tensor, _self: Tensor, dim: number, index: Tensor, value: Tensor | Scalar) => indexFillInto(out, dim, index, value),
  grad: {
    self: (g, c) => indexFill(g, c.dim, c.index, 0),
    value: (g, c) => indexSelect(g, c.dim, atLeast1d(c.index)).sum(),
  },
});

function indexCopyInto(out: Tensor, dim: number, index: Tensor, source: Tensor): void {
  if (index.ndim > 1) throw new IndexError(`index_copy_(): Index should have dimension 1 or 0 (got ${index.ndim})`);
  const [t, d, idx, src] = alongDimOperands('index_copy_', out, dim, index, source);
  advancedPut(t, { tensors: [idx], dims: [d] }, src, false, outOfBoundsFor(d));
}

/** self with the slices of source written at index along dim. */
export const indexCopy = defineOp({
  name: 'index_copy',
  sig: 'Tensor self, int dim, Tensor index, Tensor source',
  inplace: true,
  out: true,
  save: ['index'],
  forward: (self: Tensor, dim: number, index: Tensor, source: Tensor) => {
    const out = contiguousCopy(self);
    indexCopyInto(out, dim, index, source);
    return out;
  },
  into: (out: Tensor, _self: Tensor, dim: number, index: Tensor, source: Tensor) => indexCopyInto(out, dim, index, source),
  grad: {
    self: (g, c) => indexFill(g, c.dim, c.index, 0),
    source: (g, c) => {
      const r = indexSelect(g, c.dim, c.index);
      return c.meta.source.shape.length === 0 ? r.reshape([]) : r;
    },
  },
});

/** Elements at flat (row-major) positions, in the index's shape. */
export const take = defineOp({
  name: 'take',
  sig: 'Tensor self, Tensor index',
  out: true,
  save: ['index'],
  forward: (self: Tensor, index: Tensor) => {
    if (!isIndexDtype(index)) throw new RuntimeError(`take(): Expected a long tensor for index, but got ${index.dtype.scalarName}`);
    const n = self.numel();
    const c = contiguous(self);
    const flat = c._view([n], [1], c._offset);
    const adv: AdvIndex = { tensors: [index], dims: [0] };
    return advancedGather(flat, adv, (_p, value) => {
      throw new IndexError(`out of range: tried to access index ${value} on a tensor of ${n} elements.`);
    });
  },
  grad: {
    self: (g, c) => {
      const shape = c.meta.self.shape as number[];
      const z = zerosOf([shape.reduce((a, b) => a * b, 1)], g);
      return indexPutImpl(z, [], [c.index], [0], g, true, false).reshape(shape);
    },
  },
});

/** gather along dim with self and indices broadcast against each other (flattened without dim). */
export const takeAlongDim = defineOp({
  name: 'take_along_dim',
  sig: 'Tensor self, Tensor indices, int? dim=None',
  out: true,
  forward: (self: Tensor, indices: Tensor, dim: number | null) => {
    if (indices.dtype !== int64) {
      throw new RuntimeError(`torch.take_along_dim(): dtype of indices should be Long but got ${indices.dtype.scalarName}`);
    }
    if (dim === null) return gather(self.reshape(-1), 0, indices.reshape(-1));
    if (self.ndim !== indices.ndim) {
      throw new RuntimeError(
        `torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${self.ndim} dimensions for input, and ${indices.ndim} dimensions for indices`,
      );
    }
    const d = normalizeDim(dim, self.ndim);
    const selfSizes = [...self._shape];
    selfSizes[d] = indices._shape[d];
    const idxB = broadcastTo(indices, broadcastShapes(selfSizes, indices._shape));
    const idxSizes = [...indices._shape];
    idxSizes[d] = self._shape[d];
    const selfB = broadcastTo(self, broadcastShapes(idxSizes, self._shape));
    return gather(selfB, d, idxB);
  },
});
