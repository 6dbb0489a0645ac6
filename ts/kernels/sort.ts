// Driver of crate/src/abi/sort.rs: stable line sorts (values and indices, first k),
// lexicographic row sort, and grouping of equal consecutive rows.

import { K, scratch } from '../wasm/heap.js';
import type { Tensor } from '../tensor/tensor.js';
import { writeDesc } from './scratch.js';
import { checkStatus } from './status.js';

/**
 * Sorts every line of x along d and writes the first k of each into vals (optional)
 * and idx, which have x's shape with d of size k.
 */
export function sortLines(x: Tensor, d: number, k: number, descending: boolean, vals: Tensor | null, idx: Tensor): void {
  const lines = [...x._shape];
  lines[d] = 1;
  const vst = vals ? vals._strides : idx._strides;
  const nd = writeDesc(lines, [vst, idx._strides, x._strides]);
  checkStatus(
    K.sort_lines(x.dtype.code, nd, scratch, x._shape[d], k, vst[d], idx._strides[d], x._strides[d], vals ? vals._ptr : 0, idx._ptr, x._ptr, descending ? 1 : 0),
    'sort',
  );
}

/** perm = the order that sorts the rows of contiguous [n, m] rows lexicographically (stable). */
export function sortRows(rows: Tensor, perm: Tensor): void {
  const [n, m] = rows._shape;
  checkStatus(K.sort_rows(rows.dtype.code, n, m, rows._ptr, perm._ptr), 'unique');
}

/**
 * Groups equal consecutive rows of contiguous [n, m] data (read in `perm` order when
 * given, as original row numbers): writes the distinct rows to out, each row's group to
 * inverse and the group sizes to counts (those optional). Returns the number of groups.
 */
export function groupConsecutiveRows(data: Tensor, perm: Tensor | null, out: Tensor, inverse: Tensor | null, counts: Tensor | null): number {
  const [n, m] = data._shape;
  if (n === 0) return 0;
  const g = K.unique_consecutive(data.dtype.code, n, m, data._ptr, perm ? perm._ptr : 0, out._ptr, inverse ? inverse._ptr : 0, counts ? counts._ptr : 0);
  if (g < 0) throw new Error(`unique: not implemented for ${data.dtype.scalarName}`);
  return g;
}
