// unique and unique_consecutive, flat or over slices along a dim: sort (values, or
// rows lexicographically), then group equal neighbours in one crate pass that also
// writes the inverse indices and the counts. Not differentiable, as in PyTorch.

import { Tensor } from '../../tensor/tensor.js';
import { int64 } from '../../tensor/dtype.js';
import { normalizeDim, contiguousStrides, numelOf } from '../../tensor/shape.js';
import { contiguousCopy } from '../../tensor/copy.js';
import { sortRows, groupConsecutiveRows } from '../../kernels/sort.js';
import { defineOp } from '../registry.js';
import { advancedGather } from './advanced.js';
import { sortLines } from './sort.js';


/** The first `g` rows of a contiguous [n, ...rest] tensor, as a new contiguous [g, ...rest] tensor. */
function firstRows(t: Tensor, g: number): Tensor {
  const shape = [g, ...t._shape.slice(1)];
  return contiguousCopy(t._view(shape, contiguousStrides(shape), t._offset));
}

/**
 * Groups the rows of `rows` (contiguous [n, m]); with `sorted`, the rows are first put in
 * ascending lexicographic order. Returns the distinct rows [g, m], the group of each input
 * row [n] and each group's size [g] (the last two only when asked for).
 */
function groupRows(rows: Tensor, sorted: boolean, wantInverse: boolean, wantCounts: boolean): [Tensor, Tensor | null, Tensor | null] {
  const [n, m] = rows._shape;
  let data = rows;
  let perm: Tensor | null = null;
  const temps: Tensor[] = [];
  try {
    if (sorted && n > 0) {
      if (m === 1) {
        const [v, i] = sortLines(rows, 0, n, false, true);
        data = v!;
        perm = i;
      } else {
        perm = Tensor._empty([n], int64);
        sortRows(rows, perm);
        data = advancedGather(rows, { tensors: [perm], dims: [0] });
      }
      temps.push(data, perm);
    }
    const out = Tensor._empty([n, m], rows.dtype);
    const inverse = wantInverse ? Tensor._empty([n], int64) : null;
    const counts = wantCounts ? Tensor._empty([n], int64) : null;
    temps.push(out);
    if (counts) temps.push(counts);
    const g = groupConsecutiveRows(data, perm, out, inverse, counts);
    return [firstRows(out, g), inverse, counts ? firstRows(counts, g) : null];
  } finally {
    temps.forEach((t) => t.dispose());
  }
}

/** unique / unique_consecutive over the flattened tensor or over slices along dim. */
function uniqueImpl(self: Tensor, sorted: boolean, wantInverse: boolean, wantCounts: boolean, dim: number | null): Tensor | Tensor[] {
  let values: Tensor;
  let inverse: Tensor | null;
  let counts: Tensor | null;
  if (dim === null) {
    const flat = contiguousCopy(self);
    const rows = flat._view([flat.numel(), 1], [1, 1], 0);
    [values, inverse, counts] = groupRows(rows, sorted, wantInverse, wantCounts);
    values = values._view([values._shape[0]], [1], 0);
    if (inverse) inverse = inverse._view(self._shape, contiguousStrides(self._shape), 0);
  } else {
    // slices along d become the rows of a [n, m] matrix
    const d = normalizeDim(dim, self.ndim);
    const order = [d, ...self._shape.map((_, i) => i).filter((i) => i !== d)];
    const movedShape = order.map((i) => self._shape[i]);
    const moved = contiguousCopy(self._view(movedShape, order.map((i) => self._strides[i]), self._offset));
    const n = movedShape[0];
    const m = numelOf(movedShape.slice(1));
    let uniq: Tensor;
    [uniq, inverse, counts] = groupRows(moved._view([n, m], [m, 1], 0), sorted, wantInverse, wantCounts);
    const g = uniq._shape[0];
    const uShape = [g, ...movedShape.slice(1)];
    // move the grouped dim back to d
    const back = self._shape.map((_, i) => (i < d ? i + 1 : i === d ? 0 : i));
    const uStrides = contiguousStrides(uShape);
    values = contiguousCopy(uniq._view(back.map((i) => uShape[i]), back.map((i) => uStrides[i]), 0));
  }
  if (!wantInverse && !wantCounts) return values;
  const out = [values];
  if (inverse) out.push(inverse);
  if (counts) out.push(counts);
  return out;
}

/** The distinct values (sorted), with the inverse indices and counts when asked. */
export const unique = defineOp({
  name: 'unique',
  returns: 'any',
  sig: 'Tensor self, bool sorted=True, bool return_inverse=False, bool return_counts=False, int? dim=None',
  forward: (self: Tensor, sorted: boolean, inv: boolean, counts: boolean, dim: number | null) =>
    // an unsorted unique may come in any order: sorting is one valid order
    uniqueImpl(self, true, inv, counts, dim),
});

/** Collapses runs of equal consecutive values (or slices along dim). */
export const uniqueConsecutive = defineOp({
  name: 'unique_consecutive',
  returns: 'any',
  sig: 'Tensor self, bool return_inverse=False, bool return_counts=False, int? dim=None',
  forward: (self: Tensor, inv: boolean, counts: boolean, dim: number | null) => uniqueImpl(self, false, inv, counts, dim),
});
