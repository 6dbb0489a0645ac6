// The ops the graph code calls. Autograd sits below ts/ops (every op records into
// it), so it cannot import them: ts/install.ts hands them over once, at load time.

import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';

export interface GraphOps {
  /** a + b, recorded when grad mode is on (backward with createGraph). */
  add(a: Tensor, b: Tensor): Tensor;
  /** a += b in place, unrecorded (accumulating into an existing .grad). */
  addInPlace(a: Tensor, b: Tensor): void;
  /** g summed over the dims it was broadcast along, to `shape`. */
  sumToShape(g: Tensor, shape: readonly number[]): Tensor;
  /** g converted to `dtype`. */
  cast(g: Tensor, dtype: DType): Tensor;
}

let installed: GraphOps | null = null;

/** Called by ts/install.ts. */
export function installGraphOps(ops: GraphOps): void {
  installed = ops;
}

export function graphOps(): GraphOps {
  if (installed === null) throw new Error('torchwasm: autograd ran before ts/install.ts installed its ops');
  return installed;
}
