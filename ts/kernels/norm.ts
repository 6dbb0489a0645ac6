// Driver of crate/src/abi/norm.rs: normalisation statistics, their application and
// backward over a contiguous [N, C, HW] layout, and embedding max-norm renormalisation.

import { K } from '../wasm/heap.js';
import type { Tensor } from '../tensor/tensor.js';
import { IndexError } from '../tensor/shape.js';
import { scratchI32 } from './scratch.js';
import { checkStatus, STATUS } from './status.js';

/** Kernel layout [N, C, HW] with statistics per (sample, group) or per channel. */
export interface NormLayout {
  n: number;
  c: number;
  hw: number;
  groups: number;
  perSample: boolean;
}

const writeLayout = (l: NormLayout): number => scratchI32([l.n, l.c, l.hw, l.groups, l.perSample ? 1 : 0]);
const ptr = (t: Tensor | null): number => (t ? t._ptr : 0);

/** mean, rstd = 1/sqrt(var + eps) (and the biased variance into v) per statistic of x. */
export function normStats(x: Tensor, l: NormLayout, eps: number, mean: Tensor, rstd: Tensor, v: Tensor | null): void {
  if (x.numel() > 0) checkStatus(K.norm_stats(x.dtype.code, writeLayout(l), x._ptr, eps, mean._ptr, rstd._ptr, ptr(v)), 'norm');
}

/** y = (x - mean) * rstd * w + b, w and b per channel (optional). */
export function normApply(x: Tensor, l: NormLayout, mean: Tensor, rstd: Tensor, w: Tensor | null, b: Tensor | null, y: Tensor): void {
  if (x.numel() > 0) checkStatus(K.norm_apply(x.dtype.code, writeLayout(l), x._ptr, mean._ptr, rstd._ptr, ptr(w), ptr(b), y._ptr), 'norm');
}

/**
 * Gradients of normApply given g (contiguous), into whichever of gx, gw, gb are given.
 * statsConst: mean and rstd were constants (eval batch norm), not functions of x.
 */
export function normBackward(g: Tensor, x: Tensor, l: NormLayout, mean: Tensor, rstd: Tensor, w: Tensor | null, statsConst: boolean,
  gx: Tensor | null, gw: Tensor | null, gb: Tensor | null): void {
  checkStatus(
    K.norm_backward(x.dtype.code, writeLayout(l), g._ptr, x._ptr, mean._ptr, rstd._ptr, ptr(w), statsConst ? 1 : 0, ptr(gx), ptr(gw), ptr(gb)),
    'norm_backward',
  );
}

/** Scales in place each row of contiguous weight [V, D] that `indices` (contiguous int64)
 * name and whose p-norm exceeds maxNorm, to maxNorm / (norm + 1e-7). */
export function embeddingRenorm(weight: Tensor, indices: Tensor, maxNorm: number, normType: number): void {
  const status = K.embedding_renorm(weight.dtype.code, weight._ptr, weight.shape[0], weight.shape[1], indices._ptr, indices.numel(), maxNorm, normType);
  if (status === STATUS.ERR_INDEX) throw new IndexError('index out of range in self');
  checkStatus(status, 'embedding_renorm_');
}
