// F.rrelu, the randomized leaky ReLU (PyTorch's rrelu_with_noise). In training every
// element x <= 0 is scaled by its own slope drawn uniformly from [lower, upper), and the
// gradient is grad * slope; in eval every such element is scaled by the mean slope
// (lower + upper) / 2, as leaky_relu.
//
// The draws reproduce PyTorch 1.13's CPU kernel bit for bit: one double per element
// x <= 0, in row-major order, u * (upper - lower) + lower with u from a 53-bit draw
// (what torch.rand gives in float64), lower and upper first rounded to x's dtype, the
// slope then rounded to x's dtype and multiplied in it.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { float64 } from '../../tensor/dtype.js';
import { isGradEnabled, noGrad } from '../../autograd/grad_mode.js';
import { ones, tensor } from '../../ops/all.js';
import { rand } from '../../random/index.js';
import { functional } from '../../ops/composite.js';
import { leakyRelu, leakyRelu_ } from './activation.js';
import { requireKernelDtype } from './kernel_dtype.js';
import type { Generator } from '../../random/generator.js';

type Fn = (...args: any[]) => Tensor;

/** The per-element slopes of training mode, in x's dtype: 1 where x > 0 (or NaN). */
function drawNoise(x: Tensor, lower: number, upper: number, generator: unknown): Tensor {
  return noGrad(() => {
    const negative = x.le(0);
    const count = negative.sum().item() as number;
    const [lo, hi] = tensor([lower, upper], { dtype: x.dtype }).tolist() as number[];
    const slopes = rand([count], { dtype: float64, generator: generator as Generator | null }).mul(hi - lo).add(lo).to(x.dtype);
    return ones(x.shape, { dtype: x.dtype }).maskedScatter_(negative, slopes);
  });
}

/** The in-place ops' refusal to overwrite a leaf that requires grad (or a view of one). */
function checkInplace(x: Tensor): void {
  if (!isGradEnabled()) return;
  if (x.requiresGrad && x.gradFn === null) {
    throw new RuntimeError('a leaf Variable that requires grad is being used in an in-place operation.');
  }
  const base = x._base;
  if (base !== null && base.requiresGrad && base.gradFn === null) {
    throw new RuntimeError('a view of a leaf Variable that requires grad is being used in an in-place operation.');
  }
}

function rreluWithNoise(x: Tensor, lower: number, upper: number, training: boolean, generator: unknown, inplace: boolean): Tensor {
  // before any draw, so a refused call leaves the generator untouched
  if (inplace) checkInplace(x);
  if (!(lower <= upper)) throw new RuntimeError('Lower bound should be less than or equal to the upper bound');
  requireKernelDtype(training ? 'rrelu_with_noise_out_cpu' : 'leaky_relu_cpu', x);
  // (lower + upper) / 2 in double, as PyTorch's scalar tensors compute it
  const meanSlope = (lower + upper) / 2;
  if (!training) return inplace ? leakyRelu_(x, meanSlope) : leakyRelu(x, meanSlope);

  const noise = drawNoise(x, lower, upper, generator);
  return inplace ? x.mul_(noise) : x.mul(noise);
}

/** torch.rrelu_: rrelu in place, with an optional generator for the training slopes. */
export const rrelu_ = functional<Fn>(
  'rrelu_',
  'Tensor self, Scalar lower=0.125, Scalar upper=0.3333333333333333, bool training=False, Generator? generator=None',
  (x: Tensor, lower: number, upper: number, training: boolean, generator: unknown) =>
    rreluWithNoise(x, Number(lower), Number(upper), training, generator, true),
);

/**
 * Randomized leaky ReLU: slopes drawn from [lower, upper) in training, their mean in eval.
 * @example F.rrelu(x, 1 / 8, 1 / 3, { training: true })
 */
export const rrelu = functional<Fn>(
  'rrelu',
  'Tensor input, float lower=0.125, float upper=0.3333333333333333, bool training=False, bool inplace=False',
  (x: Tensor, lower: number, upper: number, training: boolean, inplace: boolean) =>
    rreluWithNoise(x, lower, upper, training, null, inplace),
);
