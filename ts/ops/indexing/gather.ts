// gather / scatter along a dim, and their gradients.

import { Tensor, Scalar } from '../../tensor/tensor.js';
import { int64 } from '../../tensor/dtype.js';
import { normalizeDim, RuntimeError } from '../../tensor/shape.js';
import { contiguousCopy, withDtype, release } from '../../tensor/copy.js';
import { fill } from '../../kernels/memory.js';
import { gatherAlong, scatterAlong } from '../../kernels/index.js';
import { SCATTER } from '../../kernels/codes.js';
import { defineOp } from '../registry.js';


function checkIndex(op: string, self: Tensor, dim: number, index: Tensor, src: Tensor | null): number {
  if (index.dtype !== int64) throw new RuntimeError(`${op}(): Expected dtype int64 for index`);
  const d = normalizeDim(dim, self.ndim);
  if (index.ndim !== self.ndim && !(index.ndim <= 1 && self.ndim <= 1)) {
    throw new RuntimeError('Index tensor must have the same number of dimensions as input tensor');
  }
  for (let k = 0; k < index.ndim; k++) {
    if (k !== d && index._shape[k] > (self._shape[k] ?? 1)) {
      throw new RuntimeError(
        `Size does not match at dimension ${k} expected index [${index._shape.join(', ')}] to be smaller than self [${self._shape.join(', ')}] apart from dimension ${d}`,
      );
    }
    if (src && index._shape[k] > (src._shape[k] ?? 1)) {
      throw new RuntimeError(
        `Size does not match at dimension ${k} expected index [${index._shape.join(', ')}] to be smaller than src [${src._shape.join(', ')}] apart from dimension ${d}`,
      );
    }
  }
  return d;
}

/** Strides of t over the index's shape, with dim's stride moved out (returned separately). */
function restride(t: Tensor, shape: readonly number[], d: number): [number[], number, number] {
  const st = shape.map((_, k) => (t.ndim === 0 ? 0 : t._strides[k]));
  const dimStride = t.ndim === 0 ? 0 : t._strides[d];
  if (st.length) st[d] = 0;
  return [st, dimStride, t.ndim === 0 ? 1 : t._shape[d]];
}

function indexError(bad: number, d: number, size: number): never {
  throw new RuntimeError(`index ${bad} is out of bounds for dimension ${d} with size ${size}`);
}

/**
 * The values of self along dim at the positions in index (of self's number of dims).
 * @example torch.gather(x, 1, torch.tensor([[0], [2]]))
 */
export const gather = defineOp({
  name: 'gather',
  sig: 'Tensor self, int dim, Tensor index, *, bool sparse_grad=False',
  out: true,
  save: ['index'],
  forward: (self: Tensor, dim: number, index: Tensor) => {
    const d = checkIndex('gather', self, dim, index, null);
    const out = Tensor._empty(index._shape, self.dtype);
    if (out.numel() === 0) return out;
    const [st, dimStride, size] = restride(self, index._shape, d);
    const bad = gatherAlong(out, index, self, st, dimStride, size);
    if (bad !== null) {
      out.dispose();
      indexError(bad, d, size);
    }
    return out;
  },
  grad: {
    self: (g, c) => {
      const z = Tensor._empty(c.meta.self.shape, g.dtype);
      fill(z, 0);
      return z.scatterAdd_(c.dim, c.index, g);
    },
  },
});

/** Writes src (a tensor or a scalar) into `target` at index along dim (in place). */
function scatterInto(op: string, target: Tensor, dim: number, index: Tensor, src: Tensor | Scalar, mode: number): void {
  const srcT = src instanceof Tensor ? src : null;
  const d = checkIndex(op, target, dim, index, srcT);
  if (index.numel() === 0) return;
  const s = srcT ? withDtype(srcT, target.dtype) : null;
  try {
    const [st, dimStride, size] = restride(target, index._shape, d);
    const srcSt = s ? index._shape.map((_, k) => s._strides[k] ?? 0) : index._shape.map(() => 0);
    const bad = scatterAlong(mode, target, st, index, s ?? (src as Scalar), srcSt, dimStride, size);
    if (bad !== null) indexError(bad, d, size);
  } finally {
    if (s && srcT) release(s, srcT);
  }
}

function reduceMode(reduce: string | null): number {
  if (reduce === null) return SCATTER.SET;
  if (reduce === 'add') return SCATTER.ADD;
  if (reduce === 'multiply') return SCATTER.MUL;
  throw new RuntimeError(`reduce argument must be either add or multiply, got ${reduce}`);
}

/** A copy of self with src (tensor or scalar `value`) written at index along dim. */
export const scatter = defineOp({
  name: 'scatter',
  sig: 'Tensor self, int dim, Tensor index, Tensor|Scalar src, *, str? reduce=None',
  inplace: true,
  out: true,
  save: ['index'],
  forward: (self: Tensor, dim: number, index: Tensor, src: Tensor | Scalar, reduce: string | null) => {
    const out = contiguousCopy(self);
    try {
      scatterInto('scatter', out, dim, index, src, reduceMode(reduce));
    } catch (e) {
      out.dispose();
      throw e;
    }
    return out;
  },
  into: (out: Tensor, _self: Tensor, dim: number, index: Tensor, src: Tensor | Scalar, reduce: string | null) =>
    scatterInto('scatter', out, dim, index, src, reduceMode(reduce)),
  grad: {
    self: (g, c) => g.scatter(c.dim, c.index, 0),
    src: (g, c) => g.gather(c.dim, c.index),
  },
});

export const scatterAdd = defineOp({
  name: 'scatter_add',
  sig: 'Tensor self, int dim, Tensor index, Tensor src',
  inplace: true,
  out: true,
  save: ['index'],
  forward: (self: Tensor, dim: number, index: Tensor, src: Tensor) => {
    const out = contiguousCopy(self);
    try {
      scatterInto('scatter_add', out, dim, index, src, SCATTER.ADD);
    } catch (e) {
      out.dispose();
      throw e;
    }
    return out;
  },
  into: (out: Tensor, _self: Tensor, dim: number, index: Tensor, src: Tensor) => scatterInto('scatter_add', out, dim, index, src, SCATTER.ADD),
  grad: {
    self: (g) => g,
    src: (g, c) => g.gather(c.dim, c.index),
  },
});
