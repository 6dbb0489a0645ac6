// Interpolation as one op per direction over the separable resampling kernel:
// nearest, nearest-exact, (bi/tri)linear and bicubic along the trailing 1-3 dims.
// F.interpolate (ts/nn/functional/upsampling.ts) picks sizes and scales.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { AXIS, AxisSpec, resampleBackward, resampleForward } from '../../kernels/resample.js';
import type { TorchOps } from '../signatures.js';

const AXIS_OF: Record<string, number> = {
  nearest: AXIS.NEAREST, 'nearest-exact': AXIS.NEAREST_EXACT, linear: AXIS.LINEAR, bilinear: AXIS.LINEAR,
  trilinear: AXIS.LINEAR, bicubic: AXIS.CUBIC,
};

function axesOf(inShape: readonly number[], outputSize: number[], mode: string, alignCorners: boolean, scales: number[] | null): AxisSpec[] {
  const axis = AXIS_OF[mode];
  if (axis === undefined) throw new RuntimeError(`upsample: unknown mode '${mode}'`);
  const nd = outputSize.length;
  if (nd < 1 || nd > 3 || inShape.length !== nd + 2) {
    throw new RuntimeError(`upsample: expected a ${nd + 2}-d input for ${nd} output sizes, but got input of size [${inShape.join(', ')}]`);
  }
  return outputSize.map((out, i) => {
    const len = inShape[2 + i];
    if (len <= 0 || out <= 0) {
      throw new RuntimeError(`Input and output sizes should be greater than 0, but got input (${inShape.slice(2).join(', ')}) and output (${outputSize.join(', ')})`);
    }
    return { mode: axis, len, out, alignCorners, param: scales?.[i] ?? 0 };
  });
}

const pascal = (mode: string): string =>
  mode === 'nearest-exact' ? '_UpsampleNearestExact' : `Upsample${mode.charAt(0).toUpperCase()}${mode.slice(1)}`;

/** Resamples the spatial dims of [N, C, *spatial] to output_size (scales: the user's scale factors, or null). */
export const upsample: TorchOps['_upsample'] = defineOp({
  name: '_upsample',
  sig: 'Tensor self, int[] output_size, str mode, bool align_corners=False, float[]? scales=None',
  method: false,
  nodeName: (_s, size: number[], mode: string) => `${pascal(mode)}${size.length}DBackward0`,
  forward: (self: Tensor, outputSize: number[], mode: string, align: boolean, scales: number[] | null) =>
    resampleForward(`upsample_${mode}`, self, axesOf(self._shape, outputSize, mode, align, scales)),
  grad: {
    self: (g, c) => upsampleBackward(g, c.meta.self.shape, c.output_size, c.mode, c.align_corners, c.scales),
  },
});

export const upsampleBackward: TorchOps['_upsample_backward'] = defineOp({
  name: '_upsample_backward',
  sig: 'Tensor grad_output, int[] input_size, int[] output_size, str mode, bool align_corners=False, float[]? scales=None',
  method: false,
  forward: (g: Tensor, inputSize: number[], outputSize: number[], mode: string, align: boolean, scales: number[] | null) =>
    resampleBackward(`upsample_${mode}_backward`, g, axesOf(inputSize, outputSize, mode, align, scales), inputSize),
  grad: { grad_output: (gg, c) => upsample(gg, c.output_size, c.mode, c.align_corners, c.scales) },
});
