// Driver of crate/src/abi/index.rs: gather / scatter along a dim, advanced-indexing
// offsets, gather and put through offsets, nonzero, repeat_interleave's index list and
// tril / triu. Kernels that validate indices write nothing when one is out of range;
// their drivers return that index (null when all are valid).

import { K, scratch } from '../wasm/heap.js';
import { Tensor, Scalar } from '../tensor/tensor.js';
import { RuntimeError } from '../tensor/shape.js';
import { writeDesc, writeDescRaw } from './scratch.js';
import { scalarSlot } from './elementwise.js';
import { checkStatus, STATUS } from './status.js';

/** The offending index of a failed index kernel, or null; other failures throw. */
function badIndex(status: number, op: string): number | null {
  if (status === STATUS.ERR_INDEX) return K.last_bad_index();
  checkStatus(status, op);
  return null;
}

/**
 * out = src gathered along one dim at `index` (out and index of one shape). srcStrides:
 * src's strides over index's shape with the gathered dim's set to 0; that dim has
 * stride dimStride and size dimSize.
 */
export function gatherAlong(out: Tensor, index: Tensor, src: Tensor, srcStrides: number[], dimStride: number, dimSize: number): number | null {
  const nd = writeDesc(index._shape, [out._strides, index._strides.length ? index._strides : [], srcStrides]);
  return badIndex(K.gather(src.dtype.code, nd, scratch, out._ptr, index._ptr, src._ptr, dimStride, dimSize), 'gather');
}

/**
 * target along one dim at `index` = src (mode codes.SCATTER: set, add, multiply), src a
 * tensor of target's dtype with `srcStrides` over index's shape, or a scalar.
 */
export function scatterAlong(mode: number, target: Tensor, targetStrides: number[], index: Tensor, src: Tensor | Scalar,
  srcStrides: number[], dimStride: number, dimSize: number): number | null {
  const srcPtr = src instanceof Tensor ? src._ptr : scalarSlot(src, target.dtype, 0);
  const nd = writeDesc(index._shape, [targetStrides, index._strides, srcStrides]);
  return badIndex(K.scatter(mode, target.dtype.code, nd, scratch, target._ptr, index._ptr, srcPtr, dimStride, dimSize), 'scatter');
}

/**
 * offs (+)= wrap(idx) * stride over offs's shape (idx broadcast with idxStrides, int64
 * or int32); `init` writes instead of adding. Negative indices count from the end
 * when `wrap`, else are out of range.
 */
export function indexOffsets(offs: Tensor, idx: Tensor, idxStrides: number[], size: number, stride: number, init: boolean, wrap: boolean): number | null {
  const nd = writeDesc(offs._shape, [offs._strides, idxStrides]);
  return badIndex(K.index_offsets(idx.dtype.code, nd, scratch, offs._ptr, idx._ptr, size, stride, init ? 1 : 0, wrap ? 1 : 0), 'index');
}

/** out = src at the element offsets offs, over out's shape (src and offs strides given over it). */
export function indexGather(out: Tensor, src: Tensor, srcStrides: number[], offs: Tensor, offStrides: number[]): void {
  const nd = writeDesc(out._shape, [out._strides, srcStrides, offStrides]);
  checkStatus(K.index_gather(src.dtype.code, nd, scratch, out._ptr, src._ptr, offs._ptr), 'index');
}

/** dst at the offsets = values (or += with accumulate), over `shape` with each operand's strides. */
export function indexPut(accumulate: boolean, shape: number[], dst: Tensor, dstStrides: number[], values: Tensor, valueStrides: number[],
  offs: Tensor, offStrides: number[]): void {
  const nd = writeDesc(shape, [dstStrides, valueStrides, offStrides]);
  checkStatus(K.index_put(accumulate ? 1 : 0, dst.dtype.code, nd, scratch, dst._ptr, values._ptr, offs._ptr), 'index_put_');
}

/** Writes the coordinates of t's first `count` nonzero elements into out (int64 [count, t.ndim]). */
export function nonzeroInto(t: Tensor, out: Tensor, count: number): void {
  const nd = writeDescRaw(t._shape, [t._strides]);
  if (K.nonzero(t.dtype.code, nd, scratch, t._ptr, out._ptr, count) < 0) {
    throw new RuntimeError(`nonzero: not implemented for ${t.dtype.scalarName}`);
  }
}

/** out = [0]*counts[0] ++ [1]*counts[1] ++ ... (counts int64, 0-d or 1-d); returns a negative count, if any. */
export function repeatInterleaveCounts(counts: Tensor, out: Tensor): number | null {
  const status = K.repeat_interleave_counts(counts.numel(), counts._ptr, counts.ndim === 0 ? 0 : counts._strides[0], out._ptr, out.numel());
  return badIndex(status, 'repeat_interleave');
}

/** out = tril(src, k) (triu when `upper`) over the last two dims; src may be out itself. */
export function triangle(upper: boolean, k: number, out: Tensor, src: Tensor): void {
  const nd = src.ndim;
  const nd2 = writeDesc(src._shape.slice(0, nd - 2), [out._strides.slice(0, nd - 2), src._strides.slice(0, nd - 2)]);
  checkStatus(
    K.triangle(
      upper ? 1 : 0, k, src.dtype.code, nd2, scratch, src._shape[nd - 2], src._shape[nd - 1],
      out._ptr, out._strides[nd - 2], out._strides[nd - 1], src._ptr, src._strides[nd - 2], src._strides[nd - 1],
    ),
    upper ? 'triu' : 'tril',
  );
}
