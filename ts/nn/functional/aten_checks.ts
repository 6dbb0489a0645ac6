// Small pieces of ATen's argument checking shared by the functional ops: how it prints
// sizes, input.size(dim) with its IndexError, and the float-only kernel dispatch.

import { Tensor } from '../../tensor/tensor.js';
import { IndexError, RuntimeError, normalizeDim } from '../../tensor/shape.js';

/** ATen's printing of sizes in messages: [2, 3, 4]. */
export const sizesOf = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** ATen's `input.size(dim)`, with its IndexError. */
export function sizeAt(input: Tensor, dim: number): number {
  if (input.ndim === 0) throw new IndexError(`Dimension specified as ${dim} but tensor has no dimensions`);
  return input.shape[normalizeDim(dim, input.ndim)];
}

/** The float32/float64 dispatch of a CPU kernel: '"max_pool2d" not implemented for 'Int''. */
export function checkFloatKernel(kernelName: string, input: Tensor): void {
  const dt = input.dtype;
  if (dt.name !== 'float32' && dt.name !== 'float64') throw new RuntimeError(`"${kernelName}" not implemented for '${dt.scalarName}'`);
}
