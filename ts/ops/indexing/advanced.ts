// Advanced indexing machinery (PyTorch's aten::index / index_put_): index tensors on
// some dims of a tensor are broadcast together and turned into one element offset per
// point of the broadcast shape (validating every index first); gather and put then walk
// the indexing result with the offsets as a third operand. No graph here: ops call this.

import { Tensor } from '../../tensor/tensor.js';
import { int64, int32 } from '../../tensor/dtype.js';
import { contiguousStrides, IndexError, RuntimeError, numelOf } from '../../tensor/shape.js';
import { contiguousCopy } from '../../tensor/copy.js';
import { indexOffsets, indexGather, indexPut, nonzeroInto } from '../../kernels/index.js';
import { runReduce, reducePlan } from '../../kernels/reduce.js';
import { RED } from '../../kernels/codes.js';

/** Index tensors (int64 or int32) for the distinct, ascending dims `dims` of a tensor. */
export interface AdvIndex {
  tensors: Tensor[];
  dims: number[];
  /** Negative indices count from the end (default); false rejects them (index_select, index_add). */
  wrap?: boolean;
}

/** Called with the position of the failing index tensor, the bad value and its dim's size. */
export type BadIndex = (position: number, value: number, size: number) => never;

/** PyTorch's message for an index outside its dim ("dimension" counts index tensors, as PyTorch does). */
export const badIndexDefault: BadIndex = (position, value, size) => {
  throw new IndexError(`index ${value} is out of bounds for dimension ${position} with size ${size}`);
};

/** Broadcast shape of the index tensors, with PyTorch's message when they do not broadcast. */
export function indexShape(tensors: readonly Tensor[]): number[] {
  let out: number[] = [];
  for (const t of tensors) {
    const nd = Math.max(out.length, t.ndim);
    const next = new Array<number>(nd);
    for (let i = 0; i < nd; i++) {
      const a = out[i - nd + out.length] ?? 1;
      const b = t._shape[i - nd + t.ndim] ?? 1;
      if (a !== b && a !== 1 && b !== 1) {
        throw new IndexError(
          `shape mismatch: indexing tensors could not be broadcast together with shapes ${tensors.map((x) => `[${x._shape.join(', ')}]`).join(', ')}`,
        );
      }
      next[i] = a === 1 ? b : a;
    }
    out = next;
  }
  return out;
}

/** t as a 1-D view when it is 0-d (ops along a dim treat a scalar tensor as one element). The caller owns the view. */
export const atLeast1d = (t: Tensor): Tensor => (t.ndim === 0 ? t._view([1], [1], t._offset) : t);

/** Whether the indexed dims are consecutive (then the index dims replace them in place). */
export const adjacent = (dims: readonly number[]): boolean => dims.every((d, i) => i === 0 || d === dims[i - 1] + 1);

export interface ResultLayout {
  /** Shape of the indexing result. */
  shape: number[];
  /** Strides of the indexed tensor over the result (0 on the index dims). */
  srcStrides: number[];
  /** Strides of the contiguous offsets over the result (0 on the other dims). */
  offStrides: number[];
}

/** Where the index dims go in the result: in place when adjacent, else first (PyTorch's rule). */
export function resultLayout(shape: readonly number[], strides: readonly number[], dims: readonly number[], bshape: readonly number[]): ResultLayout {
  const idxStrides = contiguousStrides(bshape);
  const zeros = bshape.map(() => 0);
  const rest = shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const pick = (ds: number[]): [number[], number[]] => [ds.map((i) => shape[i]), ds.map((i) => strides[i])];
  if (dims.length > 0 && adjacent(dims)) {
    const [bs, bst] = pick(rest.filter((i) => i < dims[0]));
    const [as, ast] = pick(rest.filter((i) => i > dims[dims.length - 1]));
    return {
      shape: [...bs, ...bshape, ...as],
      srcStrides: [...bst, ...zeros, ...ast],
      offStrides: [...bs.map(() => 0), ...idxStrides, ...as.map(() => 0)],
    };
  }
  const [rs, rst] = pick(rest);
  return { shape: [...bshape, ...rs], srcStrides: [...zeros, ...rst], offStrides: [...idxStrides, ...rs.map(() => 0)] };
}

/** Checks the index dtypes (int64 or int32; masks are converted before). */
export function checkIndexDtypes(tensors: readonly Tensor[]): void {
  for (const t of tensors) {
    if (t.dtype !== int64 && t.dtype !== int32) {
      throw new IndexError('tensors used as indices must be long, int, byte or bool tensors');
    }
  }
}

/**
 * The int64 offsets (contiguous, of the broadcast index shape) of the indexed elements of a
 * tensor with `shape`/`strides`. Every index is checked before any offset is written.
 */
export function computeOffsets(shape: readonly number[], strides: readonly number[], adv: AdvIndex, bshape: readonly number[], bad: BadIndex): Tensor {
  if (adv.tensors.length === 0) throw new RuntimeError('index: expected at least one index tensor');
  checkIndexDtypes(adv.tensors);
  const offs = Tensor._empty(bshape, int64);
  if (offs.numel() === 0) return offs;
  try {
    adv.tensors.forEach((t, k) => {
      const d = adv.dims[k];
      const bst = new Array<number>(bshape.length).fill(0);
      for (let i = 0; i < t.ndim; i++) bst[bshape.length - t.ndim + i] = t._shape[i] === 1 ? 0 : t._strides[i];
      const value = indexOffsets(offs, t, bst, shape[d], strides[d], k === 0, adv.wrap !== false);
      if (value !== null) bad(k, value, shape[d]);
    });
  } catch (e) {
    offs.dispose();
    throw e;
  }
  return offs;
}

/** src[adv] as a new contiguous tensor. */
export function advancedGather(src: Tensor, adv: AdvIndex, bad: BadIndex = badIndexDefault): Tensor {
  const bshape = indexShape(adv.tensors);
  const layout = resultLayout(src._shape, src._strides, adv.dims, bshape);
  const offs = computeOffsets(src._shape, src._strides, adv, bshape, bad);
  try {
    const out = Tensor._empty(layout.shape, src.dtype);
    if (out.numel() === 0) return out;
    indexGather(out, src, layout.srcStrides, offs, layout.offStrides);
    return out;
  } finally {
    offs.dispose();
  }
}

/**
 * dst[adv] = values (or += with `accumulate`). values has dst's dtype and broadcasts to the
 * indexing result (PyTorch's message otherwise). Nothing is written when an index is bad.
 */
export function advancedPut(dst: Tensor, adv: AdvIndex, values: Tensor, accumulate: boolean, bad: BadIndex = badIndexDefault): void {
  const bshape = indexShape(adv.tensors);
  const layout = resultLayout(dst._shape, dst._strides, adv.dims, bshape);
  const rshape = layout.shape;
  if (!broadcastsTo(values._shape, rshape)) {
    throw new RuntimeError(
      `shape mismatch: value tensor of shape [${values._shape.join(', ')}] cannot be broadcast to indexing result of shape [${rshape.join(', ')}]`,
    );
  }
  if (values.dtype !== dst.dtype) {
    throw new RuntimeError(
      `Index put requires the source and destination dtypes match, got ${dst.dtype.scalarName} for the destination and ${values.dtype.scalarName} for the source.`,
    );
  }
  const offs = computeOffsets(dst._shape, dst._strides, adv, bshape, bad);
  // values that share memory with dst are read from a copy: the writes must not change them
  const v = values._s === dst._s ? contiguousCopy(values) : values;
  try {
    if (numelOf(rshape) === 0) return;
    const vst = new Array<number>(rshape.length).fill(0);
    for (let i = 0; i < v.ndim; i++) vst[rshape.length - v.ndim + i] = v._shape[i] === 1 ? 0 : v._strides[i];
    indexPut(accumulate, rshape, dst, layout.srcStrides, v, vst, offs, layout.offStrides);
  } finally {
    offs.dispose();
    if (v !== values) v.dispose();
  }
}

/** Whether `from` broadcasts to exactly `to` (PyTorch's is_expandable_to). */
export function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  for (let i = 1; i <= from.length; i++) {
    const a = from[from.length - i];
    if (a !== 1 && a !== to[to.length - i]) return false;
  }
  return true;
}

/** The coordinates of the nonzero elements of t: an int64 [count, t.ndim] tensor in row-major order. */
export function nonzeroCoords(t: Tensor): Tensor {
  // count first so the output has its exact size, then write (the kernel never writes more)
  let count = 0;
  if (t.numel() > 0) {
    const c = runReduce(RED.COUNT_NONZERO, t, reducePlan(t, null, false), false, int64);
    count = Number(c.item());
    c.dispose();
  }
  const out = Tensor._empty([count, t.ndim], int64);
  if (count === 0) return out;
  try {
    nonzeroInto(t, out, count);
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}
