// torch.nn.functional.pad: constant (negative pads crop), reflect, replicate, circular.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { constantPadNd, padMode } from '../../ops/nn/pad.js';
import { functional } from '../../ops/composite.js';
import type { OpFn } from '../../ops/types.js';

/** pad(input, pad, mode='constant', value=None); pad lists (before, after) from the last dim backwards. */
export const pad: OpFn = functional('pad', 'Tensor input, int[] pad, str mode="constant", float? value=None',
  (input: Tensor, p: number[], mode: string, value: number | null) => {
    if (mode === 'constant') return constantPadNd(input, p, value ?? 0);
    if (!['reflect', 'replicate', 'circular'].includes(mode)) {
      throw new RuntimeError(`Unrecognised padding mode ${mode}`);
    }
    if (value !== null && value !== 0) throw new RuntimeError(`Padding mode "${mode}" doesn't take in value argument`);
    if (p.length % 2 !== 0) throw new RuntimeError('Padding length must be divisible by 2');
    if (p.length > 2 * input.ndim) {
      throw new RuntimeError(
        `Padding length should be less than or equal to two times the input dimension but got padding length ${p.length} and input of dimension ${input.ndim}`,
      );
    }
    const k = p.length / 2;
    if (k < 1 || k > 3 || (input.ndim !== k + 1 && input.ndim !== k + 2)) {
      throw new RuntimeError('Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now');
    }
    return padMode(input, p, mode);
  });
