// torch.nn.functional lp_pool1d / lp_pool2d: (sum over the window of x^p)^(1/p),
// composed exactly as PyTorch composes it (an average pool of x^p times the window
// size), so values and gradients follow PyTorch's, including its NaN for negative sums.

import { Tensor } from '../../tensor/tensor.js';
import { ValueError, ZeroDivisionError } from '../../tensor/shape.js';
import { functional } from '../../ops/composite.js';
import { avgPool1d, avgPool2d } from './pooling.js';
import type { OpFn } from '../../ops/types.js';

/** sign(out) * relu(|out|) * windowSize, to the power 1/p. */
function finish(out: Tensor, windowSize: number, normType: number): Tensor {
  if (normType === 0) throw new ZeroDivisionError('float division by zero');
  return out.sign().mul(out.abs().relu()).mul(windowSize).pow(1 / normType);
}

/** lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False). */
export const lpPool1d: OpFn = functional('lp_pool1d', 'Tensor input, float norm_type, any kernel_size, any stride=None, bool ceil_mode=False',
  (input: Tensor, normType: number, kernelSize: unknown, stride: unknown, ceil: boolean) => {
    const out = avgPool1d(input.pow(normType), kernelSize, stride, 0, ceil);
    // PyTorch multiplies by kernel_size itself: a tuple fails there
    if (typeof kernelSize !== 'number') throw new TypeError(`mul(): argument 'other' (position 1) must be Tensor, not ${Array.isArray(kernelSize) ? 'tuple' : typeof kernelSize}`);
    return finish(out, kernelSize, normType);
  });

/** lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False). */
export const lpPool2d: OpFn = functional('lp_pool2d', 'Tensor input, float norm_type, any kernel_size, any stride=None, bool ceil_mode=False',
  (input: Tensor, normType: number, kernelSize: unknown, stride: unknown, ceil: boolean) => {
    // Python's `kw, kh = _pair(kernel_size)`
    const pair = Array.isArray(kernelSize) ? kernelSize : [kernelSize, kernelSize];
    if (pair.length > 2) throw new ValueError('too many values to unpack (expected 2)');
    if (pair.length < 2) throw new ValueError(`not enough values to unpack (expected 2, got ${pair.length})`);
    const out = avgPool2d(input.pow(normType), kernelSize, stride, 0, ceil);
    return finish(out, (pair[0] as number) * (pair[1] as number), normType);
  });
