// torch.nn.functional pooling: max / avg / adaptive, 1-d and 2-d, with PyTorch's
// signatures. 1-d pooling runs the 2-d ops on [..., 1, L], as ATen does.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import {
  adaptiveAvgPool2dOp, adaptiveMaxPool2dOp, avgPool2d as avgPool2dOp, maxPool2dWithIndices,
} from '../../ops/nn/pool.js';
import { functional } from '../../ops/composite.js';
import type { OpAny } from '../../ops/types.js';

const one = (v: number[] | null, name: string, op: string): number | null => {
  if (v === null) return null;
  if (v.length !== 1) throw new RuntimeError(`${op}: ${name} must be a single int (got ${v.length} values)`);
  return v[0];
};

function check1d(op: string, input: Tensor): void {
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new RuntimeError(`${op}: Expected 2D or 3D (batch mode) tensor for input, but got input of size [${input.shape.join(', ')}]`);
  }
}

/** max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export const maxPool1d: OpAny = functional('max_pool1d',
  'Tensor input, int[1] kernel_size, int[1]? stride=None, int[1] padding=0, int[1] dilation=1, bool ceil_mode=False, bool return_indices=False',
  (input: Tensor, k: number[], s: number[] | null, p: number[], d: number[], ceil: boolean, withIdx: boolean) => {
    check1d('max_pool1d', input);
    const st = one(s, 'stride', 'max_pool1d');
    const [out, idx] = maxPool2dWithIndices(input.unsqueeze(-2), [1, k[0]], st === null ? [] : [1, st], [0, p[0]], [1, d[0]], ceil);
    return withIdx ? [out.squeeze(-2), idx.squeeze(-2)] : out.squeeze(-2);
  });

/** max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export const maxPool2d: OpAny = functional('max_pool2d',
  'Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, int[2] dilation=1, bool ceil_mode=False, bool return_indices=False',
  (input: Tensor, k: number[], s: number[] | null, p: number[], d: number[], ceil: boolean, withIdx: boolean) => {
    const [out, idx] = maxPool2dWithIndices(input, k, s ?? [], p, d, ceil);
    return withIdx ? [out, idx] : out;
  });

/** avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True). */
export const avgPool1d: OpAny = functional('avg_pool1d',
  'Tensor input, int[1] kernel_size, int[1]? stride=None, int[1] padding=0, bool ceil_mode=False, bool count_include_pad=True',
  (input: Tensor, k: number[], s: number[] | null, p: number[], ceil: boolean, include: boolean) => {
    check1d('avg_pool1d', input);
    const st = one(s, 'stride', 'avg_pool1d');
    return avgPool2dOp(input.unsqueeze(-2), [1, k[0]], st === null ? [] : [1, st], [0, p[0]], ceil, include, null).squeeze(-2);
  });

/** avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None). */
export const avgPool2d: OpAny = functional('avg_pool2d',
  'Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None',
  (input: Tensor, k: number[], s: number[] | null, p: number[], ceil: boolean, include: boolean, divisor: number | null) =>
    avgPool2dOp(input, k, s ?? [], p, ceil, include, divisor));

/** output_size entries that are None keep the input's size. */
function outSize(op: string, v: unknown, input: Tensor, n: number): number[] {
  const list = Array.isArray(v) ? v : [v];
  const sizes = list.length === 1 && n > 1 ? new Array(n).fill(list[0]) : list;
  if (sizes.length !== n) throw new RuntimeError(`${op}: output_size must be ${n === 1 ? 'an int' : `a tuple of ${n} ints`}`);
  return sizes.map((s, i) => {
    if (s === null || s === undefined) return input.shape[input.ndim - n + i];
    if (typeof s !== 'number' || !Number.isInteger(s)) throw new TypeError(`${op}(): argument 'output_size' must be tuple of ints`);
    return s;
  });
}

/** adaptive_avg_pool1d(input, output_size). */
export const adaptiveAvgPool1d: OpAny = functional('adaptive_avg_pool1d', 'Tensor input, any output_size',
  (input: Tensor, size: unknown) => {
    check1d('adaptive_avg_pool1d', input);
    return adaptiveAvgPool2dOp(input.unsqueeze(-2), [1, ...outSize('adaptive_avg_pool1d', size, input, 1)]).squeeze(-2);
  });

/** adaptive_avg_pool2d(input, output_size): an int, or a pair whose None entries keep the input size. */
export const adaptiveAvgPool2d: OpAny = functional('adaptive_avg_pool2d', 'Tensor input, any output_size',
  (input: Tensor, size: unknown) => adaptiveAvgPool2dOp(input, outSize('adaptive_avg_pool2d', size, input, 2)));

/** adaptive_max_pool1d(input, output_size, return_indices=False). */
export const adaptiveMaxPool1d: OpAny = functional('adaptive_max_pool1d', 'Tensor input, any output_size, bool return_indices=False',
  (input: Tensor, size: unknown, withIdx: boolean) => {
    check1d('adaptive_max_pool1d', input);
    const [out, idx] = adaptiveMaxPool2dOp(input.unsqueeze(-2), [1, ...outSize('adaptive_max_pool1d', size, input, 1)]);
    return withIdx ? [out.squeeze(-2), idx.squeeze(-2)] : out.squeeze(-2);
  });

/** adaptive_max_pool2d(input, output_size, return_indices=False). */
export const adaptiveMaxPool2d: OpAny = functional('adaptive_max_pool2d', 'Tensor input, any output_size, bool return_indices=False',
  (input: Tensor, size: unknown, withIdx: boolean) => {
    const [out, idx] = adaptiveMaxPool2dOp(input, outSize('adaptive_max_pool2d', size, input, 2));
    return withIdx ? [out, idx] : out;
  });
