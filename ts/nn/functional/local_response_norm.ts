// torch.nn.functional.local_response_norm: each value divided by
// (k + alpha * mean of squares over `size` neighbouring channels)^beta, composed as
// PyTorch composes it (zero padding over channels, then an average pool).

import { Tensor } from '../../tensor/tensor.js';
import { ValueError } from '../../tensor/shape.js';
import { functional } from '../../ops/composite.js';
import { pad } from './padding.js';
import { avgPool2d } from './pooling.js';
import { avgPool3d } from './pooling3d.js';
import type { OpFn } from '../../ops/types.js';

/** local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0) over dim 1 of [N, C, *]. */
export const localResponseNorm: OpFn = functional('local_response_norm',
  'Tensor input, int size, float alpha=0.0001, float beta=0.75, float k=1.0',
  (input: Tensor, size: number, alpha: number, beta: number, k: number) => {
    const dim = input.ndim;
    if (dim < 3) {
      // (PyTorch's message keeps the indentation of its source line)
      throw new ValueError(`Expected 3D or higher dimensionality                          input (got ${dim} dimensions)`);
    }
    if (input.numel() === 0) return input;
    const before = Math.floor(size / 2);
    const after = Math.floor((size - 1) / 2);
    let div = input.mul(input).unsqueeze(1);
    if (dim === 3) {
      div = pad(div, [0, 0, before, after]);
      div = avgPool2d(div, [size, 1], { stride: 1 }).squeeze(1);
    } else {
      const sizes = input.shape;
      div = div.view([sizes[0], 1, sizes[1], sizes[2], -1]);
      div = pad(div, [0, 0, 0, 0, before, after]);
      div = avgPool3d(div, [size, 1, 1], { stride: 1 }).squeeze(1);
      div = div.view(sizes);
    }
    return input.div(div.mul(alpha).add(k).pow(beta));
  });
