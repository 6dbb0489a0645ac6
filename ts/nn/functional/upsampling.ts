// torch.nn.functional.interpolate (and the deprecated upsample*): PyTorch's Python-level
// size/scale logic over the _upsample op; 'area' is adaptive average pooling.

import { Tensor } from '../../tensor/tensor.js';
import { NotImplementedError, RuntimeError, ValueError } from '../../tensor/shape.js';
import { upsample as upsampleOp } from '../../ops/nn/upsample.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d } from './pooling.js';
import { functional } from '../../ops/composite.js';
import type { OpFn } from '../../ops/types.js';

// n < 0 for an input of rank < 2: PyTorch's [v for _ in range(n)] is empty, and the rank check follows
const list = (v: unknown, n: number): unknown[] => (Array.isArray(v) ? v : new Array(Math.max(0, n)).fill(v));
const MODE_DIMS: Record<string, number> = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 };

function interpolateImpl(input: Tensor, size: unknown, scaleFactor: unknown, mode: string, alignCorners: boolean | null,
  recompute: boolean | null, antialias: boolean): Tensor {
  const dim = input.ndim - 2;
  const spatial = input.shape.slice(2);
  if (size !== null && scaleFactor !== null) throw new ValueError('only one of size or scale_factor should be defined');
  let outputSize: number[] | null = null;
  let scales: number[] | null = null;
  if (size !== null) {
    outputSize = list(size, dim) as number[];
    if (Array.isArray(size) && outputSize.length !== dim) {
      throw new ValueError(
        `Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [${spatial.join(', ')}] and output size of [${outputSize.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`,
      );
    }
  } else if (scaleFactor !== null) {
    scales = (list(scaleFactor, dim) as number[]).map(Number);
    if (Array.isArray(scaleFactor) && scales.length !== dim) {
      throw new ValueError(
        `Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of [${spatial.join(', ')}] and scale_factor of shape [${scales.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`,
      );
    }
  } else {
    throw new ValueError('either size or scale_factor should be defined');
  }
  if (recompute && size !== null) throw new ValueError('recompute_scale_factor is not meaningful with an explicit size.');
  if (mode === 'area' && outputSize === null) recompute = true;
  if (recompute && scales !== null) {
    outputSize = scales.map((s, i) => Math.floor(spatial[i] * s));
    scales = null;
  }
  if (['nearest', 'area', 'nearest-exact'].includes(mode)) {
    if (alignCorners !== null) {
      throw new ValueError('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
    }
  } else {
    alignCorners ??= false;
  }
  if (antialias) {
    if (!(['bilinear', 'bicubic'].includes(mode) && input.ndim === 4)) {
      throw new ValueError('Anti-alias option is only supported for bilinear and bicubic modes');
    }
    throw new NotImplementedError('interpolate(): antialias=True is not supported by this runtime');
  }
  const sizes = outputSize ?? scales!.map((s, i) => Math.floor(spatial[i] * s));
  if (mode === 'area') {
    if (dim === 1) return adaptiveAvgPool1d(input, sizes);
    if (dim === 2) return adaptiveAvgPool2d(input, sizes);
  }
  const need = MODE_DIMS[mode];
  if (need !== undefined && need !== dim && dim >= 1 && dim <= 3) {
    throw new NotImplementedError(`Got ${input.ndim}D input, but ${mode} mode needs ${need + 2}D input`);
  }
  if (dim < 1 || dim > 3 || !['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear'].includes(mode)) {
    throw new NotImplementedError(
      `Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`,
    );
  }
  if (sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new RuntimeError(`Input and output sizes should be greater than 0, but got input (${spatial.join(', ')}) and output (${sizes.join(', ')})`);
  }
  return upsampleOp(input, sizes, mode, alignCorners ?? false, scales);
}

const SIG = 'Tensor input, any size=None, any scale_factor=None, str mode="nearest", bool? align_corners=None, bool? recompute_scale_factor=None, bool antialias=False';

/** interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None, antialias=False). */
export const interpolate: OpFn = functional('interpolate', SIG, interpolateImpl);

/** upsample (deprecated in PyTorch): interpolate without antialias. */
export const upsample: OpFn = functional('upsample',
  'Tensor input, any size=None, any scale_factor=None, str mode="nearest", bool? align_corners=None',
  (input: Tensor, size, scale, mode: string, align: boolean | null) => interpolateImpl(input, size, scale, mode, align, null, false));

export const upsampleNearest: OpFn = functional('upsample_nearest', 'Tensor input, any size=None, any scale_factor=None',
  (input: Tensor, size, scale) => interpolateImpl(input, size, scale, 'nearest', null, null, false));

export const upsampleBilinear: OpFn = functional('upsample_bilinear', 'Tensor input, any size=None, any scale_factor=None',
  (input: Tensor, size, scale) => interpolateImpl(input, size, scale, 'bilinear', true, null, false));
