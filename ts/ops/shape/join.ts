// Joining and splitting: cat, stack, hstack/vstack, split, chunk, unbind.

import { Tensor } from '../../tensor/tensor.js';
import { normalizeDim, RuntimeError, IndexError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { copyInto } from '../../tensor/copy.js';
import { fill } from '../../kernels/memory.js';
import { resultType } from '../promotion.js';
import { makeView, slice, select, unsqueeze } from './views.js';

/** Gradients of a multi-output op's outputs, with zeros where an output got none. */
function gradsOrZeros(grads: (Tensor | null)[], outs: readonly (readonly number[])[], like: Tensor): Tensor[] {
  return outs.map((shape, i) => {
    const g = grads[i];
    if (g) return g;
    const z = Tensor._empty(shape, like.dtype);
    fill(z, 0);
    return z;
  });
}

/**
 * Concatenates tensors along an existing dim (their other sizes must match).
 * @example torch.cat([a, b], 1)
 */
export const cat = defineOp({
  name: 'cat',
  aliases: ['concat', 'concatenate'],
  sig: 'Tensor[] tensors, int dim=0',
  out: true,
  forward: (tensors: Tensor[], dim: number) => {
    if (tensors.length === 0) throw new RuntimeError('torch.cat(): expected a non-empty list of Tensors');
    // legacy: 1-D empty tensors are skipped
    const used = tensors.filter((t) => !(t.ndim === 1 && t._shape[0] === 0));
    const dt = resultType(...tensors);
    if (used.length === 0) return Tensor._empty([0], dt);
    const ref = used[0];
    tensors.forEach((t, i) => {
      if (t.ndim === 0) throw new RuntimeError(`zero-dimensional tensor (at position ${i}) cannot be concatenated`);
    });
    const d = normalizeDim(dim, ref.ndim);
    let total = 0;
    used.forEach((t) => {
      if (t.ndim !== ref.ndim) {
        throw new RuntimeError(`Tensors must have same number of dimensions: got ${ref.ndim} and ${t.ndim}`);
      }
      for (let k = 0; k < ref.ndim; k++) {
        if (k !== d && t._shape[k] !== ref._shape[k]) {
          throw new RuntimeError(
            `Sizes of tensors must match except in dimension ${d}. Expected size ${ref._shape[k]} but got size ${t._shape[k]} for tensor number ${tensors.indexOf(t)} in the list.`,
          );
        }
      }
      total += t._shape[d];
    });
    const shape = [...ref._shape];
    shape[d] = total;
    const out = Tensor._empty(shape, dt);
    let off = 0;
    for (const t of used) {
      const n = t._shape[d];
      const region = out._view(t._shape, out._strides, off * out._strides[d]);
      copyInto(region, t);
      region.dispose();
      off += n;
    }
    return out;
  },
  grad: {
    tensors: (g, c) => {
      const metas = c.meta.tensors as { shape: number[] }[];
      const skipped = (m: { shape: number[] }): boolean => m.shape.length === 1 && m.shape[0] === 0 && g.ndim !== 1;
      if (skipped(metas[c.index])) return null;
      const d = normalizeDim(c.dim, g.ndim);
      let off = 0;
      for (let j = 0; j < c.index; j++) if (!skipped(metas[j])) off += metas[j].shape[d];
      return slice(g, d, off, off + metas[c.index].shape[d], 1);
    },
  },
});
export const concat = cat;
export const concatenate = cat;

/**
 * Stacks same-shaped tensors along a new dim.
 * @example torch.stack([a, b]).shape  // [2, ...a.shape]
 */
export const stack = defineOp({
  name: 'stack',
  sig: 'Tensor[] tensors, int dim=0',
  out: true,
  forward: (tensors: Tensor[], dim: number) => {
    if (tensors.length === 0) throw new RuntimeError('stack expects a non-empty TensorList');
    const shape = tensors[0]._shape;
    tensors.forEach((t, i) => {
      if (t.ndim !== shape.length || t._shape.some((s, k) => s !== shape[k])) {
        throw new RuntimeError(
          `stack expects each tensor to be equal size, but got [${shape.join(', ')}] at entry 0 and [${t._shape.join(', ')}] at entry ${i}`,
        );
      }
    });
    const d = normalizeDim(dim, shape.length + 1);
    const parts = tensors.map((t) => unsqueeze(t, d));
    try {
      return cat(parts, d);
    } finally {
      parts.forEach((p) => p.dispose());
    }
  },
  grad: { tensors: (g, c) => select(g, c.dim, c.index) },
});

export const hstack = defineOp({
  name: 'hstack',
  sig: 'Tensor[] tensors',
  out: true,
  forward: (tensors: Tensor[]) => {
    const ts = tensors.map((t) => (t.ndim === 0 ? t.reshape([1]) : t));
    return cat(ts, ts[0]?.ndim === 1 ? 0 : 1);
  },
});

export const vstack = defineOp({
  name: 'vstack',
  aliases: ['row_stack'],
  sig: 'Tensor[] tensors',
  out: true,
  forward: (tensors: Tensor[]) => cat(tensors.map((t) => (t.ndim < 2 ? t.reshape([1, -1]) : t)), 0),
});
export const rowStack = vstack;

export const dstack = defineOp({
  name: 'dstack',
  sig: 'Tensor[] tensors',
  forward: (tensors: Tensor[]) =>
    cat(tensors.map((t) => (t.ndim === 0 ? t.reshape([1, 1, 1]) : t.ndim === 1 ? t.reshape([1, -1, 1]) : t.ndim === 2 ? t.unsqueeze(2) : t)), 2),
});

export const columnStack = defineOp({
  name: 'column_stack',
  sig: 'Tensor[] tensors',
  forward: (tensors: Tensor[]) => cat(tensors.map((t) => (t.ndim <= 1 ? t.reshape([-1, 1]) : t)), 1),
});

/** Views of consecutive pieces of `sizes` along dim. */
export const splitWithSizes = defineOp({
  name: 'split_with_sizes',
  returns: 'Tensor[]',
  sig: 'Tensor self, int[] split_sizes, int dim=0',
  view: true,
  nodeName: 'SplitWithSizesBackward0',
  forward: (self: Tensor, sizes: number[], dim: number) => splitViews(self, sizes, dim),
  grad: { self: (_g, c, grads) => splitBackward(grads, c) },
});

function splitViews(self: Tensor, sizes: number[], dim: number): Tensor[] {
  if (self.ndim === 0) throw new RuntimeError('split expects at least a 1-dimensional tensor');
  const d = normalizeDim(dim, self.ndim);
  const n = self._shape[d];
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== n || sizes.some((s) => s < 0)) {
    throw new RuntimeError(
      `split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=[${sizes.join(', ')}]`,
    );
  }
  const out: Tensor[] = [];
  let off = 0;
  for (const s of sizes) {
    const shape = [...self._shape];
    shape[d] = s;
    out.push(makeView(self, shape, self._strides, self._offset + off * self._strides[d]));
    off += s;
  }
  return out;
}

function splitBackward(grads: (Tensor | null)[], c: Record<string, any>): Tensor {
  const shape = c.meta.self.shape;
  const d = normalizeDim(c.dim, shape.length);
  const sizes: number[] = c.split_sizes ?? splitSizes(shape[d], c.split_size);
  const like = grads.find((g) => g) as Tensor;
  const parts = gradsOrZeros(grads, sizes.map((s) => shape.map((n: number, k: number) => (k === d ? s : n))), like);
  return cat(parts, d);
}

function splitSizes(n: number, size: number): number[] {
  if (size <= 0 && !(size === 0 && n === 0)) throw new RuntimeError(`split_size can only be 0 if dimension size is 0, but got dimension size of ${n}`);
  const sizes: number[] = [];
  if (size === 0) return [0];
  for (let off = 0; off < n; off += size) sizes.push(Math.min(size, n - off));
  return sizes.length ? sizes : [0];
}

/** split(x, 2) gives pieces of 2; split(x, [1, 3]) pieces of those sizes. */
export const split = defineOp({
  name: 'split',
  returns: 'Tensor[]',
  sig: 'Tensor self, any split_size_or_sections, int dim=0',
  view: true,
  nodeName: (_s, sizes) => (Array.isArray(sizes) ? 'SplitWithSizesBackward0' : 'SplitBackward0'),
  forward: (self: Tensor, sizes: number | number[], dim: number) => {
    if (Array.isArray(sizes)) return splitViews(self, sizes, dim);
    if (typeof sizes !== 'number' || !Number.isInteger(sizes)) {
      throw new TypeError(`split(): argument 'split_size' must be int or list of ints, not ${typeof sizes}`);
    }
    if (self.ndim === 0) throw new RuntimeError('split expects at least a 1-dimensional tensor');
    const d = normalizeDim(dim, self.ndim);
    return splitViews(self, splitSizes(self._shape[d], sizes), d);
  },
  grad: {
    self: (_g, c, grads) => {
      const sizes = c.split_size_or_sections;
      return splitBackward(grads, Object.assign(Object.create(c), Array.isArray(sizes) ? { split_sizes: sizes } : { split_size: sizes }));
    },
  },
});

/** `chunks` pieces of ceil(n / chunks) (the last may be smaller, fewer may come back). */
export const chunk = defineOp({
  name: 'chunk',
  returns: 'Tensor[]',
  sig: 'Tensor self, int chunks, int dim=0',
  forward: (self: Tensor, chunks: number, dim: number) => {
    if (self.ndim === 0) throw new RuntimeError('chunk expects at least a 1-dimensional tensor');
    if (chunks <= 0) throw new RuntimeError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
    const d = normalizeDim(dim, self.ndim);
    const size = Math.ceil(self._shape[d] / chunks);
    return split(self, size, d);
  },
});

export const unbind = defineOp({
  name: 'unbind',
  returns: 'Tensor[]',
  sig: 'Tensor self, int dim=0',
  view: true,
  forward: (self: Tensor, dim: number) => {
    if (self.ndim === 0) throw new IndexError('Dimension specified as 0 but tensor has no dimensions');
    const d = normalizeDim(dim, self.ndim);
    const n = self._shape[d];
    const out: Tensor[] = [];
    for (let i = 0; i < n; i++) out.push(select(self, d, i));
    return out;
  },
  grad: {
    self: (_g, c, grads) => {
      const shape = c.meta.self.shape as number[];
      const d = normalizeDim(c.dim, shape.length);
      const like = grads.find((g) => g) as Tensor;
      const inner = shape.filter((_, k) => k !== d);
      return stack(gradsOrZeros(grads, Array.from({ length: shape[d] }, () => inner), like), d);
    },
  },
});
