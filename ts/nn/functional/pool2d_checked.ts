// The 2-d pooling ops behind torch.nn.functional's 1-d, 2-d and 3-d poolings, each
// after PyTorch's checks (pool_checks.ts), so the kernels only see arguments PyTorch
// accepts. Internal: the public functions are in pooling.ts and pooling3d.ts.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import {
  adaptiveAvgPool2dOp, adaptiveMaxPool2dOp, avgPool2d as avgPool2dOp, maxPool2dWithIndices,
} from '../../ops/nn/pool.js';
import { checkFloatKernel, sizeAt, sizesOf } from './aten_checks.js';
import { expandArg, pool2dShapeCheck, windowOutput, type PoolWindow } from './pool_checks.js';

/** An empty result of `shape` that stays in input's graph (kernels refuse empty planes). */
export const emptyOf = (input: Tensor, shape: number[]): Tensor => input.reshape(-1).narrow(0, 0, 0).reshape(shape).clone();

/** max_pool2d_with_indices with PyTorch's checks: [out, indices]. */
export function maxPool2dChecked(input: Tensor, k: number[], s: number[] | null, p: number[], d: number[], ceil: boolean): [Tensor, Tensor] {
  const kk = expandArg(k, 2, 'max_pool2d: kernel_size must either be a single int, or a tuple of two ints');
  const w: PoolWindow = {
    k: kk,
    s: s === null || s.length === 0 ? kk : expandArg(s, 2, 'max_pool2d: stride must either be omitted, a single int, or a tuple of two ints'),
    p: expandArg(p, 2, 'max_pool2d: padding must be either be a single int, or a tuple of two ints'),
    d: expandArg(d, 2, 'max_pool2d: dilation must be either a single int, or a tuple of two ints'),
    ceil,
  };
  if (input.ndim !== 3 && input.ndim !== 4) throw new RuntimeError('non-empty 3D or 4D (batch mode) tensor expected for input');
  pool2dShapeCheck(input, w, windowOutput(input.shape, w));
  checkFloatKernel('max_pool2d', input);
  return maxPool2dWithIndices(input, w.k, w.s, w.p, w.d, ceil) as [Tensor, Tensor];
}

/** avg_pool2d with PyTorch's checks. */
export function avgPool2dChecked(input: Tensor, k: number[], s: number[] | null, p: number[], ceil: boolean, include: boolean, divisor: number | null): Tensor {
  const kk = expandArg(k, 2, 'avg_pool2d: kernel_size must either be a single int, or a tuple of two ints');
  const w: PoolWindow = {
    k: kk,
    s: s === null || s.length === 0 ? kk : expandArg(s, 2, 'avg_pool2d: stride must either be omitted, a single int, or a tuple of two ints'),
    p: expandArg(p, 2, 'avg_pool2d: padding must either be a single int, or a tuple of two ints'),
    d: [1, 1],
    ceil,
  };
  if (divisor === 0) throw new RuntimeError('divisor must be not zero');
  sizeAt(input, -3);
  pool2dShapeCheck(input, w, windowOutput(input.shape, w));
  checkFloatKernel('avg_pool2d', input);
  return avgPool2dOp(input, w.k, w.s, w.p, ceil, include, divisor);
}

/** ATen's adaptive_avg_pool2d: a mean for a 1x1 output, else the kernel, with its checks. */
export function adaptiveAvgPool2dChecked(input: Tensor, size: number[]): Tensor {
  if (size.length !== 2) throw new RuntimeError('adaptive_avg_pool2d: output_size must be 2');
  if (size[0] < 0 || size[1] < 0) {
    throw new RuntimeError(`adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {${size[0]}, ${size[1]}}`);
  }
  if (size[0] === 1 && size[1] === 1) {
    sizeAt(input, -2);
    return input.mean([-1, -2], { keepdim: true });
  }
  if (input.ndim !== 3 && input.ndim !== 4) throw new RuntimeError(`adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got ${sizesOf(input.shape)}`);
  for (const i of [-2, -1]) {
    if (input.shape[input.ndim + i] <= 0) {
      throw new RuntimeError(
        `adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${sizesOf(input.shape)} with dimension ${i + input.ndim} being empty`,
      );
    }
  }
  checkFloatKernel('adaptive_avg_pool2d', input);
  const outShape = [...input.shape.slice(0, -2), ...size];
  if (input.numel() === 0) return emptyOf(input, outShape);
  return adaptiveAvgPool2dOp(input, size);
}

/** ATen's adaptive_max_pool2d with its checks: [out, indices]. */
export function adaptiveMaxPool2dChecked(input: Tensor, size: number[]): [Tensor, Tensor] {
  const nd = input.ndim;
  if (nd !== 3 && nd !== 4) throw new RuntimeError(`adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: ${sizesOf(input.shape)}`);
  for (let i = 1; i < nd; i++) {
    if (input.shape[i] <= 0) {
      throw new RuntimeError(
        `adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${sizesOf(input.shape)} with dimension ${i} being empty`,
      );
    }
  }
  if (size.length !== 2) throw new RuntimeError('adaptive_max_pool2d(): internal error: output_size.size() must be 2');
  const outShape = [...input.shape.slice(0, -2), ...size];
  if (size.some((n) => n < 0)) throw new RuntimeError(`Trying to create tensor with negative dimension ${size.find((n) => n < 0)}: ${sizesOf(outShape)}`);
  checkFloatKernel('adaptive_max_pool2d', input);
  return adaptiveMaxPool2dOp(input, size) as [Tensor, Tensor];
}
