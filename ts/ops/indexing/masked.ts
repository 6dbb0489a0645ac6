// Boolean-mask ops: masked_fill (scalar or 0-d tensor value), masked_select and
// masked_scatter. The mask broadcasts against self; masked positions are visited in
// row-major order (nonzero's order), which is how masked_scatter consumes its source.

import { Tensor, Scalar } from '../../tensor/tensor.js';
import { bool } from '../../tensor/dtype.js';
import { broadcastShapes, broadcastStrides, shapeEquals, RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { contiguous, contiguousCopy, withDtype } from '../../tensor/copy.js';
import { fill } from '../../kernels/memory.js';
import { whereInto } from '../../kernels/elementwise.js';
import { cat } from '../shape/join.js';
import { expand } from '../shape/views.js';
import { advancedPut, atLeast1d, nonzeroCoords } from './advanced.js';
import { getitem } from './subscript.js';
import type { TorchOps } from '../signatures.js';


function checkBoolMask(op: string, mask: Tensor): void {
  if (mask.dtype !== bool) throw new RuntimeError(`${op} only supports boolean masks, but got mask with dtype ${mask.dtype.scalarName}`);
}

/** A raw view of t broadcast to `shape` (no graph). */
const broadcastView = (t: Tensor, shape: readonly number[]): Tensor =>
  shapeEquals(t._shape, shape) ? t : t._view(shape, broadcastStrides(t._shape, t._strides, shape), t._offset);

/** In place on a mask-broadcastable target: out = mask ? value : out. */
function maskedFillInto(out: Tensor, mask: Tensor, value: Tensor | Scalar): void {
  checkBoolMask('masked_fill_', mask);
  if (value instanceof Tensor && value.ndim !== 0) {
    throw new RuntimeError(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
  }
  if (!shapeEquals(broadcastShapes(out._shape, mask._shape), out._shape)) {
    throw new RuntimeError(
      `The expanded size of the tensor (${out._shape[out.ndim - 1] ?? 1}) must match the existing size (${mask._shape[mask.ndim - 1]}) at non-singleton dimension ${Math.max(out.ndim - 1, 0)}.  Target sizes: [${out._shape.join(', ')}].  Tensor sizes: [${mask._shape.join(', ')}]`,
    );
  }
  const v = value instanceof Tensor ? withDtype(value, out.dtype) : value;
  try {
    whereInto(out.dtype, out, mask, v, out);
  } finally {
    if (v !== value && v instanceof Tensor) v.dispose();
  }
}

/** self with `value` where mask is true (mask and self broadcast together). */
export const maskedFill: TorchOps['masked_fill'] = defineOp({
  name: 'masked_fill',
  sig: 'Tensor self, Tensor mask, Tensor|Scalar value',
  inplace: true,
  save: ['mask'],
  forward: (self: Tensor, mask: Tensor, value: Tensor | Scalar) => {
    checkBoolMask('masked_fill_', mask);
    const out = contiguousCopy(broadcastView(self, broadcastShapes(self._shape, mask._shape)));
    maskedFillInto(out, mask, value);
    return out;
  },
  into: (out: Tensor, _self: Tensor, mask: Tensor, value: Tensor | Scalar) => maskedFillInto(out, mask, value),
  grad: {
    self: (g, c) => maskedFill(g, c.mask, 0),
    value: (g, c) => g.sub(maskedFill(g, c.mask, 0)).sum(),
  },
});

/** The elements of self where mask is true, as a 1-D tensor (both broadcast first). */
export const maskedSelect = defineOp({
  name: 'masked_select',
  sig: 'Tensor self, Tensor mask',
  out: true,
  forward: (self: Tensor, mask: Tensor) => {
    if (mask.dtype !== bool) throw new RuntimeError('masked_select: expected BoolTensor for mask');
    const shape = broadcastShapes(self._shape, mask._shape);
    const s = shapeEquals(self._shape, shape) ? self : expand(self, shape);
    const m = broadcastView(mask, shape);
    return getitem(s, [m]);
  },
});

/** Writes source's first elements, in order, where mask is true. */
function maskedScatterInto(out: Tensor, mask: Tensor, source: Tensor): void {
  checkBoolMask('masked_scatter_', mask);
  if (source.dtype !== out.dtype) {
    throw new RuntimeError(`masked_scatter: expected self and source to have same dtypes but got ${out.dtype.scalarName} and ${source.dtype.scalarName}`);
  }
  if (!shapeEquals(broadcastShapes(out._shape, mask._shape), out._shape)) {
    throw new RuntimeError(`masked_scatter_: mask of shape [${mask._shape.join(', ')}] cannot be broadcast to self of shape [${out._shape.join(', ')}]`);
  }
  const target = atLeast1d(out);
  const m = broadcastView(atLeast1d(mask), target._shape);
  const coords = nonzeroCoords(m);
  const n = coords._shape[0];
  if (source.numel() < n) throw new RuntimeError('Number of elements of source < number of ones in mask');
  if (n === 0) return;
  const src = contiguous(source);
  const k = target.ndim;
  advancedPut(
    target,
    { tensors: Array.from({ length: k }, (_, j) => coords._view([n], [k], j)), dims: [...Array(k).keys()] },
    src._view([n], [1], src._offset),
    false,
  );
}

/** self with source's elements copied, in row-major order, where mask is true. */
export const maskedScatter = defineOp({
  name: 'masked_scatter',
  sig: 'Tensor self, Tensor mask, Tensor source',
  inplace: true,
  save: ['mask'],
  forward: (self: Tensor, mask: Tensor, source: Tensor) => {
    checkBoolMask('masked_scatter_', mask);
    const out = contiguousCopy(broadcastView(self, broadcastShapes(self._shape, mask._shape)));
    maskedScatterInto(out, mask, source);
    return out;
  },
  into: (out: Tensor, _self: Tensor, mask: Tensor, source: Tensor) => maskedScatterInto(out, mask, source),
  grad: {
    self: (g, c) => maskedFill(g, c.mask, 0),
    source: (g, c) => {
      const shape = c.meta.source.shape as number[];
      const numel = shape.reduce((a, b) => a * b, 1);
      const sel = maskedSelect(g, c.mask);
      const pad = numel - sel.numel();
      if (pad <= 0) return sel.reshape(shape);
      const z = Tensor._empty([pad], g.dtype);
      fill(z, 0);
      return cat([sel, z]).reshape(shape);
    },
  },
});
