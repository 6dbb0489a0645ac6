// torch.nn.functional 3-d pooling over [C, D, H, W] / [N, C, D, H, W]: max (with
// indices), average and their adaptive forms.
//
// Each is two 2-d poolings: one over (H, W) of every depth slice, then one over D of
// its output, a (kD, 1) window on [D, OH*OW] planes. Max and mean are separable over
// axes, so this is exact: the windows are boxes (the same per-axis starts, counts and
// divisors as PyTorch's), the max scan visits slices in order with PyTorch's rule
// (strictly greater, or NaN) so ties and NaNs pick PyTorch's element, and the average of
// per-slice averages divides by the product of the per-axis divisors. Gradients (and
// their gradients) come from the 2-d ops.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError, numelOf } from '../../tensor/shape.js';
import { int64 } from '../../tensor/dtype.js';
import { empty } from '../../ops/all.js';
import { functional } from '../../ops/composite.js';
import { checkFloatKernel, sizesOf } from './aten_checks.js';
import { expandArg, intList, listWithDefault, pool3dShapeCheck, windowOutput, type PoolWindow } from './pool_checks.js';
import {
  adaptiveAvgPool2dChecked, adaptiveMaxPool2dChecked, avgPool2dChecked, emptyOf, maxPool2dChecked,
} from './pool2d_checked.js';
import type { OpAny } from '../../ops/types.js';

/** The input as [N, C, D, H, W] (an unbatched one gets N = 1) and how to undo that. */
function batched(input: Tensor): [Tensor, (t: Tensor) => Tensor] {
  return input.ndim === 4 ? [input.unsqueeze(0), (t) => t.squeeze(0)] : [input, (t) => t];
}

/**
 * Max over (H, W) windows of each slice, then over D windows: [out, indices into
 * D*H*W], for x [N, C, D, H, W]. `pool2d(t, axis)` pools the last two dims of t with
 * the (H, W) window (axis 'hw') or the (D, 1) window (axis 'd').
 */
function separableMax(x: Tensor, pool2d: (t: Tensor, axis: 'hw' | 'd') => [Tensor, Tensor]): [Tensor, Tensor] {
  const [n, c, d, h, w] = x.shape;
  const [m1, i1] = pool2d(x.reshape([n, c * d, h, w]), 'hw');
  const [oh, ow] = m1.shape.slice(-2);
  const [y, i2] = pool2d(m1.view([n, c, d, oh * ow]), 'd');
  const od = y.shape[2];
  // i2 = slice * OH*OW + j: the slice the max came from and the output column j (the
  // window of the second pooling is one column wide); i1 gives its (h, w) in that slice
  const inSlice = i1.view([n, c, d * oh * ow]).gather(2, i2.view([n, c, od * oh * ow]));
  const slice = i2.div(oh * ow, { roundingMode: 'floor' }).view([n, c, od * oh * ow]);
  const idx = slice.mul(h * w).add(inSlice);
  return [y.view([n, c, od, oh, ow]), idx.view([n, c, od, oh, ow])];
}

/** Averages over (H, W) windows of each slice, then over D windows, for x [N, C, D, H, W]. */
function separableAvg(x: Tensor, pool2d: (t: Tensor, axis: 'hw' | 'd') => Tensor): Tensor {
  const [n, c, d, h, w] = x.shape;
  const s = pool2d(x.reshape([n, c * d, h, w]), 'hw');
  const [oh, ow] = s.shape.slice(-2);
  const y = pool2d(s.view([n, c, d, oh * ow]), 'd');
  return y.view([n, c, y.shape[2], oh, ow]);
}

/** max_pool3d's argument lists and checks (its order and messages): the window. */
function maxWindow(input: Tensor, k: number[], s: number[] | null, p: number[], d: number[], ceil: boolean): PoolWindow {
  const kk = expandArg(k, 3, 'max_pool3d: kernel_size must either be a single int, or a tuple of three ints');
  const w: PoolWindow = {
    k: kk,
    s: s === null || s.length === 0 ? kk : expandArg(s, 3, 'max_pool3d: stride must either be omitted, a single int, or a tuple of three ints'),
    p: expandArg(p, 3, 'max_pool3d: padding must be either be a single int, or a tuple of three ints'),
    d: expandArg(d, 3, 'max_pool3d: dilation must be either a single int, or a tuple of three ints'),
    ceil,
  };
  if (input.ndim !== 4 && input.ndim !== 5) throw new RuntimeError('non-empty 4D or 5D (batch mode) tensor expected for input');
  pool3dShapeCheck(input, w, windowOutput(input.shape, w), 'max_pool3d_with_indices_out_cpu_template()', false);
  checkFloatKernel('max_pool3d_with_indices_cpu', input);
  return w;
}

function maxPool3dIndexed(input: Tensor, k: number[], s: number[] | null, p: number[], d: number[], ceil: boolean): [Tensor, Tensor] {
  const w = maxWindow(input, k, s, p, d, ceil);
  const [x, unbatch] = batched(input);
  const [y, idx] = separableMax(x, (t, axis) =>
    axis === 'hw'
      ? maxPool2dChecked(t, w.k.slice(1), w.s.slice(1), w.p.slice(1), w.d.slice(1), ceil)
      : maxPool2dChecked(t, [w.k[0], 1], [w.s[0], 1], [w.p[0], 0], [w.d[0], 1], ceil));
  return [unbatch(y), unbatch(idx)];
}

const MAX_POOL3D_SIG =
  'Tensor input, int[3] kernel_size, int[3]? stride=None, int[3] padding=0, int[3] dilation=1, bool ceil_mode=False, bool return_indices=False';

/**
 * max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
 * return_indices=False); the indices count into each D*H*W volume.
 * @example
 * F.maxPool3d(torch.randn(1, 2, 4, 4, 4), 2).shape;   // [1, 2, 2, 2, 2]
 */
export const maxPool3d: OpAny = functional('max_pool3d', MAX_POOL3D_SIG,
  (input: Tensor, k: number[], s: number[] | null, p: number[], d: number[], ceil: boolean, withIdx: boolean) => {
    const [out, idx] = maxPool3dIndexed(input, k, s, p, d, ceil);
    return withIdx ? [out, idx] : out;
  });

/**
 * avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
 * count_include_pad=True, divisor_override=None).
 */
export const avgPool3d: OpAny = functional('avg_pool3d',
  'Tensor input, int[3] kernel_size, int[3]? stride=None, int[3] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None',
  (input: Tensor, k: number[], s: number[] | null, p: number[], ceil: boolean, include: boolean, divisor: number | null) => {
    const kk = expandArg(k, 3, 'avg_pool3d: kernel_size must be a single int, or a tuple of three ints');
    const w: PoolWindow = {
      k: kk,
      s: s === null || s.length === 0 ? kk : expandArg(s, 3, 'avg_pool3d: stride must be omitted, a single int, or a tuple of three ints'),
      p: expandArg(p, 3, 'avg_pool3d: padding must be a single int, or a tuple of three ints'),
      d: [1, 1, 1],
      ceil,
    };
    if (input.ndim !== 4 && input.ndim !== 5) throw new RuntimeError('non-empty 4D or 5D (batch mode) tensor expected for input');
    if (divisor === 0) throw new RuntimeError('divisor must be not zero');
    pool3dShapeCheck(input, w, windowOutput(input.shape, w), 'avg_pool3d()', true);
    checkFloatKernel('avg_pool3d_out_frame', input);
    const [x, unbatch] = batched(input);
    // with divisor_override both passes sum (divisor 1) and the total is divided once
    const stageDivisor = divisor === null ? null : 1;
    const y = separableAvg(x, (t, axis) =>
      axis === 'hw'
        ? avgPool2dChecked(t, w.k.slice(1), w.s.slice(1), w.p.slice(1), ceil, include, stageDivisor)
        : avgPool2dChecked(t, [w.k[0], 1], [w.s[0], 1], [w.p[0], 0], ceil, include, stageDivisor));
    return unbatch(divisor === null ? y : y.div(divisor));
  });

/** adaptive_avg_pool3d(input, output_size): an int or a triple whose None entries keep the input size. */
export const adaptiveAvgPool3d: OpAny = functional('adaptive_avg_pool3d', 'Tensor input, any output_size',
  (input: Tensor, outputSize: unknown) => {
    const size = intList('adaptive_avg_pool3d', listWithDefault('adaptive_avg_pool3d', outputSize, input), 3);
    if (size.length !== 3) throw new RuntimeError('adaptive_avg_pool3d: output_size must be 3');
    if (size.some((v) => v < 0)) {
      throw new RuntimeError(`adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {${size[0]}, ${size[1]},${size[2]}}`);
    }
    // PyTorch's shortcut, without the shape checks of the kernel path
    if (size.every((v) => v === 1)) return input.mean([-1, -2, -3], { keepdim: true });
    const nd = input.ndim;
    for (let i = 1; i < nd; i++) {
      if (input.shape[i] <= 0) {
        throw new RuntimeError(
          `adaptive_avg_pool3d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${sizesOf(input.shape)} with dimension ${i} being empty`,
        );
      }
    }
    if (nd !== 4 && nd !== 5) throw new RuntimeError(`adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got ${sizesOf(input.shape)}`);
    checkFloatKernel('adaptive_avg_pool3d_cpu', input);
    const [x, unbatch] = batched(input);
    const outShape = [...x.shape.slice(0, 2), ...size];
    if (numelOf(outShape) === 0) return unbatch(emptyOf(x, outShape));
    return unbatch(separableAvg(x, (t, axis) =>
      adaptiveAvgPool2dChecked(t, axis === 'hw' ? size.slice(1) : [size[0], t.shape[3]])));
  });

/** adaptive_max_pool3d(input, output_size, return_indices=False). */
export const adaptiveMaxPool3d: OpAny = functional('adaptive_max_pool3d', 'Tensor input, any output_size, bool return_indices=False',
  (input: Tensor, outputSize: unknown, withIdx: boolean) => {
    const size = intList('adaptive_max_pool3d', listWithDefault('adaptive_max_pool3d', outputSize, input), 3);
    const nd = input.ndim;
    if (nd !== 4 && nd !== 5) throw new RuntimeError(`adaptive_max_pool3d(): Expected 4D or 5D tensor, but got: ${sizesOf(input.shape)}`);
    for (let i = 1; i < nd; i++) {
      if (input.shape[i] <= 0) {
        throw new RuntimeError(
          `adaptive_max_pool3d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${sizesOf(input.shape)} with dimension ${i} being empty`,
        );
      }
    }
    if (size.length !== 3) throw new RuntimeError('adaptive_max_pool3d(): internal error: output_size.size() must be 3');
    const outShape = [...input.shape.slice(0, -3), ...size];
    if (size.some((v) => v < 0)) throw new RuntimeError(`Trying to create tensor with negative dimension ${size.find((v) => v < 0)}: ${sizesOf(outShape)}`);
    checkFloatKernel('adaptive_max_pool3d_cpu', input);
    if (numelOf(outShape) === 0) {
      const out = emptyOf(input, outShape);
      return withIdx ? [out, empty(outShape, { dtype: int64 })] : out;
    }
    const [x, unbatch] = batched(input);
    const [y, idx] = separableMax(x, (t, axis) =>
      adaptiveMaxPool2dChecked(t, axis === 'hw' ? size.slice(1) : [size[0], t.shape[3]]));
    return withIdx ? [unbatch(y), unbatch(idx)] : unbatch(y);
  });

/** max_pool3d_with_indices(...): max_pool3d's [out, indices] whatever return_indices says. */
export const maxPool3dWithIndices: OpAny = functional('max_pool3d_with_indices', MAX_POOL3D_SIG,
  (input: Tensor, k: number[], s: number[] | null, p: number[], d: number[], ceil: boolean) => maxPool3dIndexed(input, k, s, p, d, ceil));

/** adaptive_max_pool3d_with_indices(input, output_size, return_indices=False): [out, indices]. */
export const adaptiveMaxPool3dWithIndices: OpAny = functional('adaptive_max_pool3d_with_indices',
  'Tensor input, any output_size, bool return_indices=False',
  (input: Tensor, size: unknown) => adaptiveMaxPool3d(input, size, true));
