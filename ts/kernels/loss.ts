// Driver of crate/src/abi/loss.rs: class-index cross entropy over an (outer, classes,
// inner) layout of contiguous float32/float64 tensors. A target out of range (other
// than ignore_index) is PyTorch's IndexError, raised before anything is written.

import { K } from '../wasm/heap.js';
import type { Tensor } from '../tensor/tensor.js';
import { IndexError } from '../tensor/shape.js';
import { checkStatus, STATUS } from './status.js';

export interface CrossEntropyArgs {
  outer: number;
  classes: number;
  inner: number;
  /** contiguous input, int64 targets, per-class weight (or null) */
  x: Tensor;
  target: Tensor;
  weight: Tensor | null;
  ignoreIndex: number;
  smoothing: number;
}

function check(status: number): void {
  if (status === STATUS.ERR_INDEX) throw new IndexError(`Target ${K.last_bad_index()} is out of bounds.`);
  checkStatus(status, 'cross_entropy');
}

/** Per-row loss and target weight, each row's (max, log(sum)), and exp(x - max) into exps (0: keep none). */
export function crossEntropyForward(a: CrossEntropyArgs, loss: Tensor, rowWeight: Tensor, stats: Tensor, exps: number): void {
  check(K.cross_entropy_forward(a.x.dtype.code, a.outer, a.classes, a.inner, a.x._ptr, a.target._ptr, a.weight ? a.weight._ptr : 0,
    BigInt(a.ignoreIndex), a.smoothing, loss._ptr, rowWeight._ptr, stats._ptr, exps));
}

/** gx = d loss / d x scaled per row by g (stride 1) or by one value (stride 0). */
export function crossEntropyBackward(a: CrossEntropyArgs, stats: Tensor, exps: number, g: Tensor, gStride: number, gx: Tensor): void {
  check(K.cross_entropy_backward(a.x.dtype.code, a.outer, a.classes, a.inner, a.x._ptr, a.target._ptr, a.weight ? a.weight._ptr : 0,
    BigInt(a.ignoreIndex), a.smoothing, stats._ptr, exps, g._ptr, gStride, gx._ptr));
}
