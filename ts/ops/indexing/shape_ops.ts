// Ops that rearrange whole blocks: repeat / tile (a strided copy of a broadcast view),
// repeat_interleave (index_select with repeated indices), flip (a copy through negative
// strides), roll (two region copies per dim), rot90 (flip + transpose) and meshgrid.

import { Tensor } from '../../tensor/tensor.js';
import { int64, int32 } from '../../tensor/dtype.js';
import { normalizeDim, normalizeDims, contiguousStrides, RuntimeError } from '../../tensor/shape.js';
import { contiguous, contiguousCopy, copyInto, withDtype } from '../../tensor/copy.js';
import { fill } from '../../kernels/memory.js';
import { repeatInterleaveCounts } from '../../kernels/index.js';
import { defineOp } from '../registry.js';
import { sum } from '../reduce/reduce.js';
import { transpose, expand, view } from '../shape/views.js';
import { clone } from '../creation/copy.js';
import { indexSelect } from './index_ops.js';
import type { OpAny, OpFn } from '../types.js';
import type { TorchOps } from '../signatures.js';


/** Tiles self `repeats` times along each dim (leading repeats add dims). */
export const repeat: OpFn = defineOp({
  name: 'repeat',
  sig: 'Tensor self, int[] repeats',
  fn: false,
  forward: (self: Tensor, repeats: number[]) => {
    if (repeats.length < self.ndim) {
      throw new RuntimeError('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
    }
    if (repeats.some((r) => r < 0)) {
      throw new RuntimeError(`Trying to create tensor with negative dimension ${repeats.find((r) => r < 0)}: [${repeats.join(', ')}]`);
    }
    const lead = repeats.length - self.ndim;
    const shape = [...new Array<number>(lead).fill(1), ...self._shape];
    const strides = [...new Array<number>(lead).fill(0), ...self._strides];
    // [r0, s0, r1, s1, ...] with stride 0 on the repeat dims, copied, is the tiled result
    const tiled = contiguousCopy(self._view(repeats.flatMap((r, i) => [r, shape[i]]), strides.flatMap((st) => [0, st]), self._offset));
    const outShape = repeats.map((r, i) => r * shape[i]);
    return tiled._view(outShape, contiguousStrides(outShape), 0);
  },
  grad: {
    self: (g, c) => {
      const sizes = c.meta.self.shape as number[];
      const reps = c.repeats as number[];
      if (reps.length === 0) return g;
      const lead = reps.length - sizes.length;
      const padded = [...new Array<number>(lead).fill(1), ...sizes];
      const split = g.reshape(reps.flatMap((r, i) => [r, padded[i]]));
      return sum(split, reps.map((_, i) => 2 * i)).reshape(sizes);
    },
  },
});

/** repeat with the reps padded with leading 1s to self's rank (numpy's tile). */
export const tile = defineOp({
  name: 'tile',
  sig: 'Tensor self, int[] dims',
  forward: (self: Tensor, dims: number[]) => {
    const reps = dims.length < self.ndim ? [...new Array<number>(self.ndim - dims.length).fill(1), ...dims] : dims;
    return repeat(self, reps);
  },
});

/** [0]*counts[0] ++ [1]*counts[1] ++ ...: the indices repeat_interleave selects. */
function countsToIndices(counts: Tensor): Tensor {
  const c = withDtype(counts, int64);
  try {
    const total = Number(sum(c).item());
    if (total < 0) throw new RuntimeError('repeats can not be negative');
    const out = Tensor._empty([total], int64);
    let negative: number | null;
    try {
      negative = repeatInterleaveCounts(c, out);
    } catch (e) {
      out.dispose();
      throw e;
    }
    if (negative !== null) {
      out.dispose();
      throw new RuntimeError('repeats can not be negative');
    }
    return out;
  } finally {
    if (c !== counts) c.dispose();
  }
}

/**
 * Repeats each element (or slice along dim) `repeats` times; repeats is an int or a tensor
 * of per-element counts. repeat_interleave(counts) alone gives the repeated indices.
 */
export const repeatInterleave = defineOp({
  name: 'repeat_interleave',
  sig: 'Tensor self, any repeats=None, int? dim=None, *, int? output_size=None',
  forward: (self: Tensor, repeats: Tensor | number | null, dim: number | null) => {
    if (repeats === null) {
      if (self.ndim !== 1) throw new RuntimeError('repeat_interleave only accept 1D vector as repeat');
      if (self.dtype !== int64 && self.dtype !== int32) throw new RuntimeError('repeats has to be Long or Int tensor');
      return countsToIndices(self);
    }
    const input = dim === null ? self.reshape(-1) : self;
    const d = dim === null ? 0 : normalizeDim(dim, self.ndim);
    const n = input.ndim === 0 ? 1 : input._shape[d];
    let counts: Tensor;
    if (repeats instanceof Tensor) {
      if (repeats.dtype !== int64 && repeats.dtype !== int32) throw new RuntimeError('repeats has to be Long or Int tensor');
      if (repeats.ndim > 1) throw new RuntimeError('repeat_interleave only accept 1D vector as repeat');
      if (repeats.ndim === 1 && repeats._shape[0] !== 1 && repeats._shape[0] !== n) {
        throw new RuntimeError('repeats must have the same size as input along dim');
      }
      counts = repeats.numel() === 1 && n !== 1 ? broadcastCount(repeats, n) : repeats;
    } else {
      if (typeof repeats !== 'number' || !Number.isInteger(repeats)) {
        throw new TypeError(`repeat_interleave(): argument 'repeats' must be int or Tensor, not ${typeof repeats}`);
      }
      if (repeats < 0) throw new RuntimeError('repeats can not be negative');
      counts = Tensor._empty([n], int64);
      fill(counts, repeats);
    }
    return indexSelect(input, d, countsToIndices(counts));
  },
});

/** A one-element counts tensor repeated for every element. */
function broadcastCount(t: Tensor, n: number): Tensor {
  const c = contiguous(t);
  return c._view([n], [0], c._offset);
}

/** A copy of self reversed along `dims` (read through negative strides). */
export const flip: TorchOps['flip'] = defineOp({
  name: 'flip',
  sig: 'Tensor self, int[] dims',
  out: true,
  forward: (self: Tensor, dims: number[]) => {
    const ds = normalizeDims(dims, self.ndim);
    if (self.ndim === 0) return contiguousCopy(self);
    const strides = [...self._strides];
    let offset = self._offset;
    for (const d of ds) {
      if (self._shape[d] > 0) offset += (self._shape[d] - 1) * strides[d];
      strides[d] = -strides[d];
    }
    return contiguousCopy(self._view(self._shape, strides, offset));
  },
  grad: { self: (g, c) => flip(g, c.dims) },
});

export const fliplr = defineOp({
  name: 'fliplr',
  sig: 'Tensor self',
  forward: (self: Tensor) => {
    if (self.ndim < 2) throw new RuntimeError('Input must be >= 2-d.');
    return flip(self, [1]);
  },
});

export const flipud = defineOp({
  name: 'flipud',
  sig: 'Tensor self',
  forward: (self: Tensor) => {
    if (self.ndim < 1) throw new RuntimeError('Input must be >= 1-d.');
    return flip(self, [0]);
  },
});

/** out = src rolled by `shift` along d: two region copies. */
function rollInto(out: Tensor, src: Tensor, d: number, shift: number): void {
  const n = src._shape[d];
  const s = n === 0 ? 0 : ((shift % n) + n) % n;
  if (s === 0) {
    copyInto(out, src);
    return;
  }
  const part = (t: Tensor, start: number, len: number): Tensor => {
    const shape = [...t._shape];
    shape[d] = len;
    return t._view(shape, t._strides, t._offset + start * t._strides[d]);
  };
  const views = [part(out, s, n - s), part(src, 0, n - s), part(out, 0, s), part(src, n - s, s)];
  try {
    copyInto(views[0], views[1]);
    copyInto(views[2], views[3]);
  } finally {
    views.forEach((v) => v.dispose());
  }
}

/** Shifts elements along dims, wrapping around; without dims, rolls the flattened tensor. */
export const roll: TorchOps['roll'] = defineOp({
  name: 'roll',
  sig: 'Tensor self, int[1] shifts, int[1] dims=[]',
  out: true,
  forward: (self: Tensor, shifts: number[], dims: number[]) => {
    if (dims.length === 0) {
      if (shifts.length !== 1) throw new RuntimeError(`shifts and dimensions must align. shifts: ${shifts.length}, dims:0`);
      const flat = contiguousCopy(self);
      const out = Tensor._empty(self._shape, self.dtype);
      const n = self.numel();
      const f = (t: Tensor): Tensor => t._view([n], [1], 0);
      rollInto(f(out), f(flat), 0, shifts[0]);
      return out;
    }
    if (shifts.length !== dims.length) {
      throw new RuntimeError(`shifts and dimensions must align. shifts: ${shifts.length}, dims:${dims.length}`);
    }
    let cur = self;
    dims.forEach((dim, i) => {
      const d = normalizeDim(dim, self.ndim);
      const next = Tensor._empty(self._shape, self.dtype);
      rollInto(next, cur, d, shifts[i]);
      cur = next;
    });
    return cur === self ? contiguousCopy(self) : cur;
  },
  grad: { self: (g, c) => roll(g, c.shifts.map((s: number) => -s), c.dims) },
});

/** Rotates by 90 degrees k times in the plane of dims (from the first towards the second). */
export const rot90 = defineOp({
  name: 'rot90',
  sig: 'Tensor self, int k=1, int[] dims=[0,1]',
  forward: (self: Tensor, k: number, dims: number[]) => {
    const nd = self.ndim;
    if (dims.length !== 2) throw new RuntimeError(`expected total rotation dims == 2, but got dims = ${dims.length}`);
    if (nd < 2) throw new RuntimeError(`expected total dims >= 2, but got total dims = ${nd}`);
    if (dims[0] === dims[1] || Math.abs(dims[0] - dims[1]) === nd) {
      throw new RuntimeError(`expected rotation dims to be different, but got dim0 = ${dims[0]} and dim1 = ${dims[1]}`);
    }
    if (dims[0] >= nd || dims[0] < -nd) throw new RuntimeError(`Rotation dim0 out of range, dim0 = ${dims[0]}`);
    if (dims[1] >= nd || dims[1] < -nd) throw new RuntimeError(`Rotation dim1 out of range, dim1 = ${dims[1]}`);
    switch (((k % 4) + 4) % 4) {
      case 1:
        return transpose(flip(self, [dims[1]]), dims[0], dims[1]);
      case 2:
        return flip(self, dims);
      case 3:
        return transpose(flip(self, [dims[0]]), dims[0], dims[1]);
      default:
        return clone(self);
    }
  },
});

const meshgridOp: OpAny = defineOp({
  name: 'meshgrid',
  returns: 'Tensor[]',
  sig: 'Tensor[] tensors, *, str? indexing=None',
  forward: (tensors: Tensor[], indexing: string | null) => {
    const mode = indexing ?? 'ij';
    if (mode !== 'ij' && mode !== 'xy') {
      throw new RuntimeError(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${mode}`);
    }
    if (tensors.length === 0) throw new RuntimeError('torch.meshgrid: Expected at least one tensor');
    tensors.forEach((t) => {
      if (t.ndim > 1) throw new RuntimeError(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${t}`);
      if (t.dtype !== tensors[0].dtype) throw new RuntimeError('torch.meshgrid: expects all tensors to have the same dtype');
    });
    // 'xy' is 'ij' with the first two inputs (and so the first two outputs) swapped
    const swap = mode === 'xy' && tensors.length >= 2;
    const ts = swap ? [tensors[1], tensors[0], ...tensors.slice(2)] : tensors;
    const shape = ts.map((t) => t.numel());
    const grids = ts.map((t, i) => expand(view(t, shape.map((_, j) => (j === i ? -1 : 1))), shape));
    return swap ? [grids[1], grids[0], ...grids.slice(2)] : grids;
  },
});

/** Coordinate grids: meshgrid(a, b, { indexing: 'ij' }) or meshgrid([a, b], ...). Results are views. */
export const meshgrid: OpAny = (...args: unknown[]) => {
  const last = args[args.length - 1];
  const opts = last !== null && typeof last === 'object' && !(last instanceof Tensor) && !Array.isArray(last) ? [args.pop()] : [];
  const tensors = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  return meshgridOp(tensors, ...opts);
};
