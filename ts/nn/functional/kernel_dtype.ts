// The dtype check of PyTorch's CPU kernels that take floating types but float16
// (glu, prelu, rrelu): the error names the kernel as PyTorch's dispatch macro does.

import type { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { bfloat16, float32, float64 } from '../../tensor/dtype.js';

export function requireKernelDtype(kernel: string, x: Tensor): void {
  if (x.dtype !== float32 && x.dtype !== float64 && x.dtype !== bfloat16) {
    throw new RuntimeError(`"${kernel}" not implemented for '${x.dtype.scalarName}'`);
  }
}
