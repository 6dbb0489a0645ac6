// View ops: results share storage with the input and only change shape, strides and
// offset. Their gradients map back through the inverse view, or scatter into zeros.

import { Tensor } from '../../tensor/tensor.js';
import {
  normalizeDim, normalizeDims, viewStrides, inferSize, numelOf, RuntimeError, IndexError, contiguousStrides, checkShape,
} from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { method } from '../composite.js';
import { fill } from '../../kernels/memory.js';
import { copyInto } from '../../tensor/copy.js';
import type { OpMethod, OpAny, OpFn } from '../types.js';
import { Slice, makeSlice } from '../indexing/slice.js';
import type { TorchOps } from '../signatures.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    viewAs: OpMethod; reshapeAs: OpMethod; transpose_: OpMethod;
    t_: OpMethod;
    expandAs: OpMethod; squeeze_: OpMethod;
    unsqueeze_: OpMethod;
    readonly T: Tensor; readonly mT: Tensor; readonly H: Tensor; readonly mH: Tensor;
    tensorSplit: OpAny;
  }
}

/** A view of `self` with the given layout; `_base` points at the storage's original tensor. */
export function makeView(self: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  const v = self._view(shape, strides, offset);
  v._base = self._base ?? self;
  return v;
}

/**
 * A view of the same storage with another shape (-1 infers one size); the layout must allow it.
 * @example torch.arange(6).view(2, -1)
 */
export const view = defineOp({
  name: 'view',
  sig: 'Tensor self, int[] size',
  view: true,
  forward: (self: Tensor, size: number[]) => {
    const shape = inferSize(size, self.numel());
    const st = viewStrides(self._shape, self._strides, shape);
    if (st === null) {
      throw new RuntimeError(
        'view size is not compatible with input tensor\'s size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.',
      );
    }
    return makeView(self, shape, st, self._offset);
  },
  grad: { self: (g, c) => g.reshape(c.meta.self.shape) },
});

/**
 * A view when the layout allows, else a copy (PyTorch's reshape).
 * @example torch.arange(6).reshape(2, 3)
 */
export const reshape = defineOp({
  name: 'reshape',
  sig: 'Tensor self, int[] shape',
  forward: (self: Tensor, shape: number[]) => {
    const target = inferSize(shape, self.numel());
    if (viewStrides(self._shape, self._strides, target) !== null) return reshapeAlias(self, target);
    return unsafeView(self.clone(), target);
  },
});

/** reshape's view case (PyTorch's _reshape_alias: ReshapeAliasBackward0). */
const reshapeAlias = defineOp({
  name: '_reshape_alias',
  sig: 'Tensor self, int[] size',
  fn: false,
  method: false,
  view: true,
  forward: (self: Tensor, size: number[]) => makeView(self, size, viewStrides(self._shape, self._strides, size)!, self._offset),
  grad: { self: (g, c) => g.reshape(c.meta.self.shape) },
});

const unsafeView = defineOp({
  name: '_unsafe_view',
  sig: 'Tensor self, int[] size',
  fn: false,
  method: false,
  forward: (self: Tensor, size: number[]) => self._view(size, contiguousStrides(size), self._offset),
  grad: { self: (g, c) => g.reshape(c.meta.self.shape) },
});

/**
 * A view with dims dim0 and dim1 swapped.
 * @example x.transpose(0, 1)
 */
export const transpose = defineOp({
  name: 'transpose',
  aliases: ['swapaxes', 'swapdims'],
  sig: 'Tensor self, int dim0, int dim1',
  view: true,
  forward: (self: Tensor, dim0: number, dim1: number) => {
    const a = normalizeDim(dim0, self.ndim);
    const b = normalizeDim(dim1, self.ndim);
    if (self.ndim === 0) return makeView(self, [], [], self._offset);
    const shape = [...self._shape];
    const st = [...self._strides];
    [shape[a], shape[b]] = [shape[b], shape[a]];
    [st[a], st[b]] = [st[b], st[a]];
    return makeView(self, shape, st, self._offset);
  },
  grad: { self: (g, c) => g.transpose(c.dim0, c.dim1) },
});
export const swapaxes = transpose;
export const swapdims = transpose;

/**
 * A view with the dims in the given order.
 * @example torch.ones(2, 3, 4).permute(2, 0, 1).shape  // [4, 2, 3]
 */
export const permute = defineOp({
  name: 'permute',
  sig: 'Tensor self, int[] dims',
  view: true,
  forward: (self: Tensor, dims: number[]) => {
    if (dims.length !== self.ndim) {
      throw new RuntimeError(
        `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${self.ndim} is not equal to len(dims) = ${dims.length}`,
      );
    }
    const d = dims.map((x) => normalizeDim(x, self.ndim));
    if (new Set(d).size !== d.length) throw new RuntimeError('permute(): duplicate dims are not allowed.');
    return makeView(self, d.map((i) => self._shape[i]), d.map((i) => self._strides[i]), self._offset);
  },
  grad: {
    self: (g, c) => {
      const d = normalizeDims(c.dims, c.dims.length);
      const inv = new Array<number>(d.length);
      d.forEach((p, i) => (inv[p] = i));
      return g.permute(inv);
    },
  },
});

export const t = defineOp({
  name: 't',
  sig: 'Tensor self',
  view: true,
  forward: (self: Tensor) => {
    if (self.ndim > 2) throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${self.ndim}D`);
    return self.ndim < 2 ? makeView(self, self._shape, self._strides, self._offset) : transpose(self, 0, 1);
  },
  grad: { self: (g) => g.t() },
});

/**
 * A view with size-1 dims repeated (stride 0) to the given size; -1 keeps a size.
 * @example torch.tensor([[1], [2]]).expand(2, 3)
 */
export const expand = defineOp({
  name: 'expand',
  sig: 'Tensor self, int[] size, *, bool implicit=False',
  view: true,
  forward: (self: Tensor, size: number[]) => {
    if (size.length < self.ndim) {
      throw new RuntimeError(
        `expand(torch.FloatTensor{[${self._shape.join(', ')}]}, size=[${size.join(', ')}]): the number of sizes provided (${size.length}) must be greater or equal to the number of dimensions in the tensor (${self.ndim})`,
      );
    }
    const off = size.length - self.ndim;
    const shape: number[] = [];
    const st: number[] = [];
    for (let i = 0; i < size.length; i++) {
      const j = i - off;
      const cur = j >= 0 ? self._shape[j] : 1;
      let want = size[i];
      if (want < -1) throw new RuntimeError('numel: integer multiplication overflow'); // PyTorch 1.13's words for a negative size
      if (want === -1) {
        if (j < 0) throw new RuntimeError(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
        want = cur;
      }
      if (j >= 0 && cur !== want && cur !== 1) {
        throw new RuntimeError(
          `The expanded size of the tensor (${want}) must match the existing size (${cur}) at non-singleton dimension ${i}.  Target sizes: [${size.join(', ')}].  Tensor sizes: [${self._shape.join(', ')}]`,
        );
      }
      shape.push(want);
      st.push(j >= 0 && cur === want ? self._strides[j] : 0);
    }
    return makeView(self, shape, st, self._offset);
  },
  grad: { self: (g, c) => g.sumToSize(c.meta.self.shape) },
});

export const broadcastTo = defineOp({
  name: 'broadcast_to',
  sig: 'Tensor self, int[] size',
  forward: (self: Tensor, size: number[]) => expand(self, size),
});

/** Strided slice along one dim (Python's x[start:end:step] on that dim). */
const sliceOp = defineOp({
  name: 'slice',
  sig: 'Tensor self, int dim=0, int? start=None, int? end=None, int step=1',
  view: true,
  forward: (self: Tensor, dim: number, start: number | null, end: number | null, step: number) => {
    if (self.ndim === 0) throw new IndexError('slice() cannot be applied to a 0-dim tensor.');
    const d = normalizeDim(dim, self.ndim);
    if (step <= 0) throw new RuntimeError('slice step must be positive');
    const [s, len] = sliceRange(self._shape[d], start, end, step);
    const shape = [...self._shape];
    const st = [...self._strides];
    shape[d] = len;
    st[d] = self._strides[d] * step;
    return makeView(self, shape, st, self._offset + s * self._strides[d]);
  },
  grad: { self: (g, c) => sliceBackward(g, c.meta.self.shape, c.dim, c.start, c.end, c.step) },
});

interface SliceFn {
  (self: Tensor, dim?: number, start?: number | null, end?: number | null, step?: number): Tensor;
  (start?: number | null, stop?: number | null, step?: number | null): Slice;
}
/**
 * torch.slice(x, dim, start, end, step) slices a tensor; without a tensor,
 * torch.slice(start, stop, step) builds a Python slice object for x.index(...).
 */
export const slice: SliceFn = ((...args: any[]) => (args[0] instanceof Tensor ? (sliceOp as OpFn)(...args) : makeSlice(...args))) as SliceFn;

/** Python's slice clamping: [start, length]. */
export function sliceRange(n: number, start: number | null, end: number | null, step: number): [number, number] {
  let s = start ?? 0;
  let e = end ?? n;
  if (s < 0) s += n;
  if (e < 0) e += n;
  s = Math.min(Math.max(s, 0), n);
  e = Math.min(Math.max(e, s), n);
  return [s, Math.ceil((e - s) / step)];
}

/** zeros of `shape` with g written into the slice: the gradient of slice. */
export const sliceBackward = defineOp({
  name: 'slice_backward',
  sig: 'Tensor grad_output, int[] input_sizes, int dim, int? start, int? end, int step',
  method: false,
  forward: (g: Tensor, sizes: number[], dim: number, start: number | null, end: number | null, step: number) => {
    const z = Tensor._empty(sizes, g.dtype);
    fill(z, 0);
    const d = normalizeDim(dim, sizes.length);
    const [s, len] = sliceRange(sizes[d], start, end, step);
    const shape = [...sizes];
    shape[d] = len;
    const st = [...z._strides];
    st[d] *= step;
    const region = z._view(shape, st, s * z._strides[d]);
    copyInto(region, g);
    region.dispose();
    return z;
  },
  grad: { grad_output: (gg, c) => slice(gg, c.dim, c.start, c.end, c.step) },
});

export const narrow = defineOp({
  name: 'narrow',
  sig: 'Tensor self, int dim, int start, int length',
  forward: (self: Tensor, dim: number, start: number, length: number) => {
    if (self.ndim === 0) throw new RuntimeError('narrow() cannot be applied to a 0-dim tensor.');
    const d = normalizeDim(dim, self.ndim);
    const n = self._shape[d];
    if (start < -n || start > n) {
      throw new IndexError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${start})`);
    }
    const s = start < 0 ? start + n : start;
    if (length < 0 || s + length > n) {
      throw new RuntimeError(`start (${s}) + length (${length}) exceeds dimension size (${n}).`);
    }
    return slice(self, d, s, s + length, 1);
  },
});

export const select: TorchOps['select'] = defineOp({
  name: 'select',
  sig: 'Tensor self, int dim, int index',
  view: true,
  forward: (self: Tensor, dim: number, index: number) => {
    if (self.ndim === 0) throw new IndexError('select() cannot be applied to a 0-dim tensor.');
    const d = normalizeDim(dim, self.ndim);
    const n = self._shape[d];
    if (index < -n || index >= n) {
      throw new IndexError(`select(): index ${index} out of range for tensor of size [${self._shape.join(', ')}] at dimension ${d}`);
    }
    const i = index < 0 ? index + n : index;
    const shape = self._shape.filter((_, k) => k !== d);
    const st = self._strides.filter((_, k) => k !== d);
    return makeView(self, shape, st, self._offset + i * self._strides[d]);
  },
  grad: { self: (g, c) => selectBackward(g, c.meta.self.shape, c.dim, c.index) },
});

export const selectBackward = defineOp({
  name: 'select_backward',
  sig: 'Tensor grad_output, int[] input_sizes, int dim, int index',
  method: false,
  forward: (g: Tensor, sizes: number[], dim: number, index: number) => {
    const z = Tensor._empty(sizes, g.dtype);
    fill(z, 0);
    const d = normalizeDim(dim, sizes.length);
    if (index < -sizes[d] || index >= sizes[d]) {
      throw new IndexError(`select(): index ${index} out of range for tensor of size [${sizes.join(', ')}] at dimension ${d}`);
    }
    const i = index < 0 ? index + sizes[d] : index;
    const region = z._view(sizes.filter((_, k) => k !== d), z._strides.filter((_, k) => k !== d), i * z._strides[d]);
    copyInto(region, g);
    region.dispose();
    return z;
  },
  grad: { grad_output: (gg, c) => select(gg, c.dim, c.index) },
});

/**
 * A view without size-1 dims (all of them, or only dim).
 * @example torch.ones(2, 1, 3).squeeze(1).shape  // [2, 3]
 */
export const squeeze = defineOp({
  name: 'squeeze',
  sig: 'Tensor self, int[]? dim=None',
  view: true,
  nodeName: (_s, dim) => (dim === null ? 'SqueezeBackward0' : 'SqueezeBackward1'),
  forward: (self: Tensor, dim: number[] | null) => {
    const dims = dim === null ? null : new Set(dim.map((d) => normalizeDim(d, self.ndim)));
    const keep = self._shape.map((n, i) => !(n === 1 && (dims === null || dims.has(i))));
    return makeView(self, self._shape.filter((_, i) => keep[i]), self._strides.filter((_, i) => keep[i]), self._offset);
  },
  grad: { self: (g, c) => g.reshape(c.meta.self.shape) },
});

/**
 * A view with a size-1 dim inserted at dim.
 * @example torch.ones(3).unsqueeze(0).shape  // [1, 3]
 */
export const unsqueeze = defineOp({
  name: 'unsqueeze',
  sig: 'Tensor self, int dim',
  view: true,
  forward: (self: Tensor, dim: number) => {
    const d = normalizeDim(dim, self.ndim + 1, false);
    const shape = [...self._shape];
    const st = [...self._strides];
    const s = d < self.ndim ? self._shape[d] * self._strides[d] : 1;
    shape.splice(d, 0, 1);
    st.splice(d, 0, s);
    return makeView(self, shape, st, self._offset);
  },
  grad: { self: (g, c) => g.squeeze(c.dim) },
});

/**
 * Dims start_dim..end_dim merged into one (a view when the layout allows).
 * @example torch.ones(2, 3, 4).flatten(1).shape  // [2, 12]
 */
export const flatten = defineOp({
  name: 'flatten',
  sig: 'Tensor self, int start_dim=0, int end_dim=-1',
  forward: (self: Tensor, startDim: number, endDim: number) => {
    if (self.ndim === 0) return reshape(self, [1]);
    const s = normalizeDim(startDim, self.ndim);
    const e = normalizeDim(endDim, self.ndim);
    if (s > e) throw new RuntimeError('flatten() has invalid args: start_dim cannot come after end_dim');
    if (s === e) return self;
    const shape = [...self._shape.slice(0, s), numelOf(self._shape.slice(s, e + 1)), ...self._shape.slice(e + 1)];
    return reshape(self, shape);
  },
});

export const ravel = defineOp({
  name: 'ravel',
  sig: 'Tensor self',
  forward: (self: Tensor) => reshape(self, [-1]),
});

export const unflatten = defineOp({
  name: 'unflatten',
  sig: 'Tensor self, int dim, int[] sizes',
  forward: (self: Tensor, dim: number, sizes: number[]) => {
    const d = normalizeDim(dim, self.ndim);
    const n = self._shape[d];
    let known = 1;
    let infer = -1;
    sizes.forEach((s, i) => (s === -1 ? (infer = i) : (known *= s)));
    const full = [...sizes];
    if (infer >= 0 && known > 0 && n % known === 0) full[infer] = n / known;
    if (numelOf(full) !== n || full.some((s) => s < 0)) {
      throw new RuntimeError(
        `unflatten: Provided sizes [${sizes.join(', ')}] don't multiply up to the size of dim ${dim} (${n}) in the input tensor`,
      );
    }
    return view(self, [...self._shape.slice(0, d), ...full, ...self._shape.slice(d + 1)]);
  },
});

export const movedim = defineOp({
  name: 'movedim',
  aliases: ['moveaxis'],
  sig: 'Tensor self, int[] source, int[] destination',
  forward: (self: Tensor, source: number[], destination: number[]) => {
    if (source.length !== destination.length) {
      throw new RuntimeError(
        `movedim: Invalid source or destination dims: source (${JSON.stringify(source)} dims) should contain the same number of dims as destination (${JSON.stringify(destination)} dims)`,
      );
    }
    const src = normalizeDims(source, self.ndim);
    const dst = normalizeDims(destination, self.ndim);
    const order = new Array<number>(self.ndim).fill(-1);
    dst.forEach((d, i) => (order[d] = src[i]));
    const rest = [...Array(self.ndim).keys()].filter((i) => !src.includes(i));
    let r = 0;
    for (let i = 0; i < self.ndim; i++) if (order[i] === -1) order[i] = rest[r++];
    return permute(self, order);
  },
});
export const moveaxis = movedim;

export const diagonal: TorchOps['diagonal'] = defineOp({
  name: 'diagonal',
  sig: 'Tensor self, int offset=0, int dim1=0, int dim2=1',
  view: true,
  forward: (self: Tensor, offset: number, dim1: number, dim2: number) => {
    const a = normalizeDim(dim1, self.ndim);
    const b = normalizeDim(dim2, self.ndim);
    if (a === b) throw new RuntimeError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
    let off = self._offset;
    let len: number;
    if (offset >= 0) {
      len = Math.max(0, Math.min(self._shape[a], self._shape[b] - offset));
      if (len > 0) off += offset * self._strides[b];
    } else {
      len = Math.max(0, Math.min(self._shape[a] + offset, self._shape[b]));
      if (len > 0) off -= offset * self._strides[a];
    }
    const shape = self._shape.filter((_, i) => i !== a && i !== b);
    const st = self._strides.filter((_, i) => i !== a && i !== b);
    shape.push(len);
    st.push(self._strides[a] + self._strides[b]);
    return makeView(self, shape, st, off);
  },
  grad: { self: (g, c) => diagonalBackward(g, c.meta.self.shape, c.offset, c.dim1, c.dim2) },
});

export const diagonalBackward = defineOp({
  name: 'diagonal_backward',
  sig: 'Tensor grad_output, int[] input_sizes, int offset, int dim1, int dim2',
  method: false,
  forward: (g: Tensor, sizes: number[], offset: number, dim1: number, dim2: number) => {
    const z = Tensor._empty(sizes, g.dtype);
    fill(z, 0);
    const d = diagonal(z, offset, dim1, dim2);
    copyInto(d, g);
    d.dispose();
    return z;
  },
  grad: { grad_output: (gg, c) => diagonal(gg, c.offset, c.dim1, c.dim2) },
});

export const asStrided = defineOp({
  name: 'as_strided',
  sig: 'Tensor self, int[] size, int[] stride, int? storage_offset=None',
  view: true,
  forward: (self: Tensor, size: number[], stride: number[], offset: number | null) => {
    const off = offset ?? self._offset;
    checkStridedBounds(self, checkShape(size, 'as_strided'), stride, off);
    return makeView(self, size, stride, off);
  },
});

/** PyTorch's setStrided checks: a view must stay inside its storage (else kernels read past it). */
function checkStridedBounds(self: Tensor, size: number[], stride: number[], offset: number): void {
  if (size.length !== stride.length) throw new RuntimeError('mismatch in length of strides and shape');
  if (stride.some((s) => s < 0)) {
    throw new RuntimeError(`as_strided: Negative strides are not supported at the moment, got strides: [${stride.join(', ')}]`);
  }
  const itemsize = self.dtype.itemsize;
  let span = 1;
  for (let d = 0; d < size.length; d++) span += (size[d] - 1) * stride[d];
  const needed = size.includes(0) ? 0 : span * itemsize;
  if (needed > 0 && needed + offset * itemsize > self._s.nbytes) {
    throw new RuntimeError(
      `setStorage: sizes [${size.join(', ')}], strides [${stride.join(', ')}], storage offset ${offset}, and itemsize ${itemsize} ` +
        `requiring a storage size of ${needed + offset * itemsize} are out of bounds for storage of size ${self._s.nbytes}`,
    );
  }
  if (offset < 0) throw new RuntimeError(`Tensor: invalid storage offset ${offset}`);
}

export const unfold = defineOp({
  name: 'unfold',
  sig: 'Tensor self, int dimension, int size, int step',
  view: true,
  forward: (self: Tensor, dimension: number, size: number, step: number) => {
    const d = self.ndim === 0 ? 0 : normalizeDim(dimension, self.ndim);
    const n = self.ndim === 0 ? 1 : self._shape[d];
    if (size > n) throw new RuntimeError(`maximum size for tensor at dimension ${d} is ${n} but size is ${size}`);
    if (step <= 0) throw new RuntimeError(`step is ${step} but must be > 0`);
    if (size < 0) throw new RuntimeError(`size is ${size} but must be >= 0`);
    const shape = [...self._shape];
    const st = [...self._strides];
    const count = Math.floor((n - size) / step) + 1;
    if (self.ndim === 0) return makeView(self, [size], [1], self._offset);
    shape[d] = count;
    st[d] = self._strides[d] * step;
    shape.push(size);
    st.push(self._strides[d]);
    return makeView(self, shape, st, self._offset);
  },
  grad: {
    self: (g, c) => {
      // scatter-add each window back: accumulate through index_add over the unfolded dim
      const sizes = c.meta.self.shape as number[];
      const z = Tensor._empty(sizes, g.dtype);
      fill(z, 0);
      const d = sizes.length === 0 ? 0 : normalizeDim(c.dimension, sizes.length);
      const count = g._shape[d];
      for (let w = 0; w < count; w++) {
        const win = g.select(d, w).movedim(-1, d);
        const region = z.narrow(d, w * c.step, c.size);
        region.add_(win);
      }
      return z;
    },
  },
});

// Properties and methods derived from the views above.
const proto = Tensor.prototype as unknown as Record<string, unknown>;
Object.defineProperty(proto, 'T', {
  get(this: Tensor) {
    return permute(this, [...Array(this.ndim).keys()].reverse());
  },
});
Object.defineProperty(proto, 'mT', {
  get(this: Tensor) {
    return transpose(this, -2, -1);
  },
});
Object.defineProperty(proto, 'H', { get(this: Tensor) { return (this as any).T; } });
Object.defineProperty(proto, 'mH', { get(this: Tensor) { return (this as any).mT; } });
proto.viewAs = method('view_as', 'Tensor other', (self: Tensor, other: Tensor) => view(self, other._shape as number[]));
proto.reshapeAs = method('reshape_as', 'Tensor other', (self: Tensor, other: Tensor) => reshape(self, other._shape as number[]));
proto.expandAs = method('expand_as', 'Tensor other', (self: Tensor, other: Tensor) => expand(self, other._shape as number[]));
// In-place view changes (metadata only).
proto.t_ = function (this: Tensor) {
  return setLayout(this, t(this));
};
proto.transpose_ = function (this: Tensor, a: number, b: number) {
  return setLayout(this, transpose(this, a, b));
};
proto.squeeze_ = function (this: Tensor, dim?: number) {
  return setLayout(this, dim === undefined ? squeeze(this) : squeeze(this, dim));
};
proto.unsqueeze_ = function (this: Tensor, dim: number) {
  return setLayout(this, unsqueeze(this, dim));
};
function setLayout(self: Tensor, v: Tensor): Tensor {
  self._shape = v._shape;
  self._strides = v._strides;
  self._offset = v._offset;
  v.dispose();
  return self;
}

