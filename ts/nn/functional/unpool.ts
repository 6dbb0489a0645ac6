// torch.nn.functional max_unpool1d/2d/3d: the inverse of max pooling. Each value goes
// to the position its index names inside its output plane (a scatter per plane, so
// the gradient is a gather, as PyTorch's max_unpool backward), zeros elsewhere.

import { Tensor } from '../../tensor/tensor.js';
import { IndexError, RuntimeError, ValueError, numelOf } from '../../tensor/shape.js';
import { int64 } from '../../tensor/dtype.js';
import { zeros } from '../../ops/all.js';
import { functional } from '../../ops/composite.js';
import { checkFloatKernel, sizesOf } from './aten_checks.js';
import type { OpFn } from '../../ops/types.js';

const tupleRepr = (v: readonly unknown[]): string => (v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`);

/** torch.nn.functional's _unpool_output_size: the default size, or the given one checked. */
function unpoolOutputSize(input: Tensor, k: number[], s: number[], p: number[], outputSize: number[] | null): number[] {
  const nk = k.length;
  if (input.ndim < nk) throw new IndexError('tuple index out of range');
  const def = k.map((kd, d) => (input.shape[input.ndim - nk + d] - 1) * s[d] + kd - 2 * p[d]);
  if (outputSize === null) return def;
  const given = outputSize.length === nk + 2 ? outputSize.slice(2) : outputSize;
  if (given.length !== nk) {
    throw new ValueError(`output_size should be a sequence containing ${nk} or ${nk + 2} elements, but it has a length of '${given.length}'`);
  }
  for (let d = 0; d < nk; d++) {
    const [lo, hi] = [def[d] - s[d], def[d] + s[d]];
    if (!(lo < given[d] && given[d] < hi)) {
      throw new ValueError(`invalid output_size "${tupleRepr(given)}" (dim ${d} must be between ${lo} and ${hi})`);
    }
  }
  return given;
}

/** The shared checks of ATen's max_unpooling2d/3d (op = 'max_unpooling2d' | 'max_unpooling3d'). */
function checkUnpool(op: string, input: Tensor, indices: Tensor): void {
  const sh = input.shape;
  if (!indices.shape.every((n, i) => n === sh[i]) || indices.ndim !== input.ndim) {
    throw new RuntimeError(
      `Expected shape of indices to be same as that of the input tensor (${sizesOf(sh)}) but got indices tensor with shape: ${sizesOf(indices.shape)}`,
    );
  }
  for (let i = 1; i < sh.length; i++) {
    if (sh[i] <= 0) {
      throw new RuntimeError(
        `${op}_forward_out_cpu(): Expected input to have non-zero size for non-batch dimensions, but got ${sizesOf(sh)} with dimension ${i} being empty.`,
      );
    }
  }
}

/**
 * ATen's max_unpool kernel: values scattered into zeroed [..., prod(outSize)] planes;
 * an index outside its plane is an error naming the last such index, as PyTorch does.
 */
function unpool(kernelName: string, input: Tensor, indices: Tensor, outSize: number[]): Tensor {
  const sp = outSize.length;
  const lead = input.shape.slice(0, input.ndim - sp);
  const plane = numelOf(outSize);
  const out = zeros([...lead, plane], { dtype: input.dtype });
  if (out.numel() === 0) return out.view([...lead, ...outSize]);
  checkFloatKernel(kernelName, input);
  const idx = indices.reshape([...lead, -1]);
  const bad = idx.lt(0).logicalOr(idx.ge(plane));
  if (bad.any().item()) {
    const invalid = idx.maskedSelect(bad);
    throw new RuntimeError(
      `Found an invalid max index: ${invalid.get(invalid.numel() - 1)} (output volumes are of size ${outSize.join('x')}`,
    );
  }
  return out.scatter(-1, idx, input.reshape([...lead, -1])).view([...lead, ...outSize]);
}

function maxUnpooling2d(input: Tensor, indices: Tensor, outSize: number[]): Tensor {
  if (indices.dtype !== int64) throw new RuntimeError(`elements in indices should be type int64 but got: ${indices.dtype.scalarName}`);
  if (outSize.length !== 2) {
    throw new RuntimeError(`There should be exactly two elements (height, width) in output_size, but got ${outSize.length} elements.`);
  }
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new RuntimeError(`Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with ${input.ndim} dimensions.`);
  }
  checkUnpool('max_unpooling2d', input, indices);
  return unpool('max_unpool2d', input, indices, outSize);
}

const unpoolSig = (n: number): string =>
  `Tensor input, Tensor indices, int[${n}] kernel_size, int[${n}]? stride=None, int[${n}] padding=0, int[]? output_size=None`;

/** Python's _single/_pair/_triple of a list argument. */
const tupleN = (v: number[], n: number): number[] => (v.length === 1 ? new Array<number>(n).fill(v[0]) : v);

/** max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None). */
export const maxUnpool1d: OpFn = functional('max_unpool1d', unpoolSig(1),
  (input: Tensor, indices: Tensor, k: number[], s: number[] | null, p: number[], outputSize: number[] | null) => {
    const size = unpoolOutputSize(input, k, s ?? k, p, outputSize);
    return maxUnpooling2d(input.unsqueeze(-1), indices.unsqueeze(-1), [...size, 1]).squeeze(-1);
  });

/** max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None). */
export const maxUnpool2d: OpFn = functional('max_unpool2d', unpoolSig(2),
  (input: Tensor, indices: Tensor, k: number[], s: number[] | null, p: number[], outputSize: number[] | null) => {
    const kk = tupleN(k, 2);
    const size = unpoolOutputSize(input, kk, s === null ? kk : tupleN(s, 2), tupleN(p, 2), outputSize);
    return maxUnpooling2d(input, indices, size);
  });

/** max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None). */
export const maxUnpool3d: OpFn = functional('max_unpool3d', unpoolSig(3),
  (input: Tensor, indices: Tensor, k: number[], s: number[] | null, p: number[], outputSize: number[] | null) => {
    const kk = tupleN(k, 3);
    const st = s === null ? kk : tupleN(s, 3);
    const pad = tupleN(p, 3);
    const size = unpoolOutputSize(input, kk, st, pad, outputSize);
    if (indices.dtype !== int64) throw new RuntimeError('elements in indices should be type int64');
    if (input.ndim !== 4 && input.ndim !== 5) {
      throw new RuntimeError(`Input to max_unpooling3d should be a 4d or 5d Tensor, but got a tensor with ${input.ndim} dimensions.`);
    }
    if (size.length !== 3) {
      throw new RuntimeError(`There should be exactly three elements (depth, height, width) in output_size, but got ${size.length} elements.`);
    }
    if (st.length !== 3) throw new RuntimeError(`There should be exactly three elements (depth, height, width) in stride, but got: ${st.length} elements.`);
    if (pad.length !== 3) throw new RuntimeError(`There should be exactly three elements (depth, height, width) in padding, but got: ${pad.length} elements.`);
    checkUnpool('max_unpooling3d', input, indices);
    if (st.some((v) => v <= 0)) throw new RuntimeError(`strides should be greater than zero, but got stride: ${sizesOf(st)}`);
    return unpool('max_unpool3d', input, indices, size);
  });
