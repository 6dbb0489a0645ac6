// torch.nn.functional pooling: max / avg / adaptive, 1-d and 2-d, with PyTorch's
// signatures and checks (pool_checks.ts). 1-d pooling runs the 2-d ops on
// [..., 1, L], as ATen does.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { functional } from '../../ops/composite.js';
import { checkFloatKernel, sizesOf } from './aten_checks.js';
import { intList, listWithDefault, poolingOutputShape } from './pool_checks.js';
import {
  adaptiveAvgPool2dChecked, adaptiveMaxPool2dChecked, avgPool2dChecked, emptyOf, maxPool2dChecked,
} from './pool2d_checked.js';
import type { OpAny } from '../../ops/types.js';

/** ATen's checkDimRange(op, self, 2, 4): a 2-d or 3-d input. */
function checkDims1d(op: string, input: Tensor): void {
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new RuntimeError(
      `Expected 2 to 3 dimensions, but got ${input.ndim}-dimensional tensor for argument #1 'self' (while checking arguments for ${op})`,
    );
  }
}

/** ATen's check1d: a one-int argument of a 1-d pooling. */
function one(op: string, name: string, v: readonly number[]): number {
  if (v.length !== 1) throw new RuntimeError(`${op}() argument '${name}' should contain one int (got ${v.length})`);
  return v[0];
}

/** max_pool1d_with_indices: the 2-d op on [..., 1, L]. */
function maxPool1dIndexed(input: Tensor, k: number[], s: number[] | null, p: number[], d: number[], ceil: boolean): [Tensor, Tensor] {
  const st = s === null || s.length === 0 ? k : s;
  checkDims1d('max_pool1d', input);
  const args = [one('max_pool1d', 'kernel_size', k), one('max_pool1d', 'stride', st), one('max_pool1d', 'padding', p), one('max_pool1d', 'dilation', d)];
  const [out, idx] = maxPool2dChecked(input.unsqueeze(-2), [1, args[0]], [1, args[1]], [0, args[2]], [1, args[3]], ceil);
  return [out.squeeze(-2), idx.squeeze(-2)];
}

/** ATen's check_max_pool1d_args (max_pool1d without indices): the output length, which may be 0. */
function maxPool1dLength(input: Tensor, k: number[], s: number[] | null, p: number[], d: number[], ceil: boolean): number {
  const sh = input.shape;
  if (!((input.ndim === 2 && sh[0] !== 0 && sh[1] !== 0) || (input.ndim === 3 && sh[1] !== 0 && sh[2] !== 0))) {
    throw new RuntimeError(`max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${sizesOf(sh)}`);
  }
  const st = s ?? [];
  if (k.length !== 1) throw new RuntimeError(`max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got size ${k.length}`);
  if (st.length > 1) throw new RuntimeError(`max_pool1d() stride must be None, an int, list of ints, or tuple of ints of size 1 but got size ${st.length}`);
  if (p.length !== 1) throw new RuntimeError(`max_pool1d() padding must be an int, list of ints, or tuple of ints of size 1 but got size ${p.length}`);
  if (d.length !== 1) throw new RuntimeError(`max_pool1d() dilation must be an int, list of ints or tuple of ints of size 1 but got size ${d.length}`);
  const [kk, ss, pp, dd] = [k[0], st.length === 0 ? k[0] : st[0], p[0], d[0]];
  if (kk <= 0) throw new RuntimeError(`max_pool1d() kernel_size must be greater than zero, but got ${kk}`);
  if (ss <= 0) throw new RuntimeError(`max_pool1d() stride must be greater than zero, but got ${ss}`);
  if (pp < 0) throw new RuntimeError(`max_pool1d() padding must be non-negative, but got ${pp}`);
  if (pp > Math.trunc(kk / 2)) throw new RuntimeError(`max_pool1d() padding should be at most half of kernel size, but got padding=${pp} and kernel_size=${kk}`);
  if (dd <= 0) throw new RuntimeError(`max_pool1d() dilation must be greater than zero, but got ${dd}`);
  const ow = poolingOutputShape(sh[sh.length - 1], kk, pp, ss, dd, ceil);
  if (ow < 0) throw new RuntimeError(`max_pool1d() Invalid computed output size: ${ow}`);
  return ow;
}

const MAX_POOL1D_SIG =
  'Tensor input, int[1] kernel_size, int[1]? stride=None, int[1] padding=0, int[1] dilation=1, bool ceil_mode=False, bool return_indices=False';
const MAX_POOL2D_SIG =
  'Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, int[2] dilation=1, bool ceil_mode=False, bool return_indices=False';

/** max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export const maxPool1d: OpAny = functional('max_pool1d', MAX_POOL1D_SIG,
  (input: Tensor, k: number[], s: number[] | null, p: number[], d: number[], ceil: boolean, withIdx: boolean) => {
    if (withIdx) return maxPool1dIndexed(input, k, s, p, d, ceil);
    const ow = maxPool1dLength(input, k, s, p, d, ceil);
    // PyTorch takes the indices path (and its stricter checks) when a gradient is needed
    if (input.requiresGrad && isGradEnabled()) return maxPool1dIndexed(input, k, s, p, d, ceil)[0];
    checkFloatKernel('max_pool1d_impl', input);
    if (ow === 0) return emptyOf(input, [...input.shape.slice(0, -1), 0]);
    return maxPool1dIndexed(input, k, s, p, d, ceil)[0];
  });

/** max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export const maxPool2d: OpAny = functional('max_pool2d', MAX_POOL2D_SIG,
  (input: Tensor, k: number[], s: number[] | null, p: number[], d: number[], ceil: boolean, withIdx: boolean) => {
    const [out, idx] = maxPool2dChecked(input, k, s, p, d, ceil);
    return withIdx ? [out, idx] : out;
  });

/** avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True). */
export const avgPool1d: OpAny = functional('avg_pool1d',
  'Tensor input, int[1] kernel_size, int[1]? stride=None, int[1] padding=0, bool ceil_mode=False, bool count_include_pad=True',
  (input: Tensor, k: number[], s: number[] | null, p: number[], ceil: boolean, include: boolean) => {
    checkDims1d('avg_pool1d', input);
    const kk = one('avg_pool1d', 'kernel_size', k);
    const st = one('avg_pool1d', 'stride', s === null || s.length === 0 ? k : s);
    const pp = one('avg_pool1d', 'padding', p);
    return avgPool2dChecked(input.unsqueeze(-2), [1, kk], [1, st], [0, pp], ceil, include, null).squeeze(-2);
  });

/** avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None). */
export const avgPool2d: OpAny = functional('avg_pool2d',
  'Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None',
  (input: Tensor, k: number[], s: number[] | null, p: number[], ceil: boolean, include: boolean, divisor: number | null) =>
    avgPool2dChecked(input, k, s, p, ceil, include, divisor));

/** adaptive_avg_pool1d(input, output_size). */
export const adaptiveAvgPool1d: OpAny = functional('adaptive_avg_pool1d', 'Tensor input, int[1] output_size',
  (input: Tensor, size: number[]) => {
    checkDims1d('adaptive_avg_pool1d', input);
    const n = one('adaptive_avg_pool1d', 'output_size', size);
    return adaptiveAvgPool2dChecked(input.unsqueeze(-2), [1, n]).squeeze(-2);
  });

/** adaptive_avg_pool2d(input, output_size): an int, or a pair whose None entries keep the input size. */
export const adaptiveAvgPool2d: OpAny = functional('adaptive_avg_pool2d', 'Tensor input, any output_size',
  (input: Tensor, size: unknown) =>
    adaptiveAvgPool2dChecked(input, intList('adaptive_avg_pool2d', listWithDefault('adaptive_avg_pool2d', size, input), 2)));

/** adaptive_max_pool1d(input, output_size, return_indices=False). */
export const adaptiveMaxPool1d: OpAny = functional('adaptive_max_pool1d', 'Tensor input, int[1] output_size, bool return_indices=False',
  (input: Tensor, size: number[], withIdx: boolean) => {
    checkDims1d('adaptive_max_pool1d', input);
    const n = one('adaptive_max_pool1d', 'output_size', size);
    const [out, idx] = adaptiveMaxPool2dChecked(input.unsqueeze(-2), [1, n]);
    return withIdx ? [out.squeeze(-2), idx.squeeze(-2)] : out.squeeze(-2);
  });

/** adaptive_max_pool2d(input, output_size, return_indices=False). */
export const adaptiveMaxPool2d: OpAny = functional('adaptive_max_pool2d', 'Tensor input, any output_size, bool return_indices=False',
  (input: Tensor, size: unknown, withIdx: boolean) => {
    const [out, idx] = adaptiveMaxPool2dChecked(input, intList('adaptive_max_pool2d', listWithDefault('adaptive_max_pool2d', size, input), 2));
    return withIdx ? [out, idx] : out;
  });

/** max_pool1d_with_indices(...): max_pool1d's [out, indices] whatever return_indices says. */
export const maxPool1dWithIndices: OpAny = functional('max_pool1d_with_indices', MAX_POOL1D_SIG,
  (input: Tensor, k: number[], s: number[] | null, p: number[], d: number[], ceil: boolean) => maxPool1dIndexed(input, k, s, p, d, ceil));

/** max_pool2d_with_indices(...): max_pool2d's [out, indices] whatever return_indices says. */
export const maxPool2dWithIndices: OpAny = functional('max_pool2d_with_indices', MAX_POOL2D_SIG,
  (input: Tensor, k: number[], s: number[] | null, p: number[], d: number[], ceil: boolean) => maxPool2dChecked(input, k, s, p, d, ceil));

/** adaptive_max_pool1d_with_indices(input, output_size, return_indices=False): [out, indices]. */
export const adaptiveMaxPool1dWithIndices: OpAny = functional('adaptive_max_pool1d_with_indices',
  'Tensor input, int[1] output_size, bool return_indices=False',
  (input: Tensor, size: number[]) => adaptiveMaxPool1d(input, size, true));

/** adaptive_max_pool2d_with_indices(input, output_size, return_indices=False): [out, indices]. */
export const adaptiveMaxPool2dWithIndices: OpAny = functional('adaptive_max_pool2d_with_indices',
  'Tensor input, any output_size, bool return_indices=False',
  (input: Tensor, size: unknown) => adaptiveMaxPool2d(input, size, true));
