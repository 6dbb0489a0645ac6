// Dropout as ATen's _dropout_impl: identity in eval mode, with p = 0 or an empty input
// (the input itself, as PyTorch returns it), input * 0 with p = 1, otherwise a noise
// tensor drawn with bernoulli_(1 - p), per element or per (sample, channel) for the
// feature forms, scaled by 1 / (1 - p), or for the alpha forms mapped to a * mask and
// the shift b that keep SELU's mean and variance. The noise comes from the default
// generator in PyTorch's order, so seeded runs give PyTorch's masks bit for bit.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError, ValueError } from '../../tensor/shape.js';
import { functional } from '../../ops/composite.js';
import { warnOnce } from './warn.js';
import type { OpFn } from '../../ops/types.js';

function checkP(p: number): void {
  if (p < 0 || p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
}

/** A tensor of `shape` holding 1 with probability q (drawn with Tensor.bernoulli_). */
function keepMask(like: Tensor, shape: number[], q: number): Tensor {
  const bern = (Tensor.prototype as unknown as Record<string, unknown>).bernoulli_;
  if (typeof bern !== 'function') {
    throw new RuntimeError('dropout(): training-mode dropout needs the random generator (Tensor.bernoulli_), which this build does not include');
  }
  return (bern as (this: Tensor, p: number) => Tensor).call(Tensor._empty(shape, like.dtype), q);
}

/** SELU's alpha, for the alpha dropouts. */
const SELU_ALPHA = 1.7580993408473766;

/** ATen's _dropout_impl<feature, alpha, inplace>. */
function dropoutImpl(input: Tensor, p: number, train: boolean, inplace: boolean, feature: boolean, alpha: boolean): Tensor {
  checkP(p);
  if (p === 0 || !train || input.numel() === 0) return input;
  if (p === 1) return inplace ? input.mul_(0) : input.mul(0);
  if (feature && input.ndim < 2) throw new RuntimeError('Feature dropout requires at least 2 dimensions in the input');
  // the feature forms draw one value per (sample, channel)
  const shape = feature ? input.shape.map((s, i) => (i < 2 ? s : 1)) : [...input.shape];
  const noise = keepMask(input, shape, 1 - p);
  if (!alpha) {
    noise.div_(1 - p);
    return inplace ? input.mul_(noise) : input.mul(noise);
  }
  const a = 1 / Math.sqrt((SELU_ALPHA * SELU_ALPHA * p + 1) * (1 - p));
  const b = noise.add(-1).mul_(SELU_ALPHA * a).add_(SELU_ALPHA * a * p);
  noise.mul_(a);
  return (inplace ? input.mul_(noise) : input.mul(noise)).add_(b);
}

/** Runs a feature dropout on input with a batch dim of 1 added (PyTorch's unbatched forms). */
function unbatched(input: Tensor, inplace: boolean, run: (t: Tensor) => Tensor): Tensor {
  const r = run(input.unsqueeze(0));
  // in place the result is a view of input, which PyTorch returns itself
  return inplace ? input : r.squeeze(0);
}

const SIG_TRAIN = 'Tensor input, float p=0.5, bool training=True, bool inplace=False';
const SIG_EVAL = 'Tensor input, float p=0.5, bool training=False, bool inplace=False';

/** dropout(input, p=0.5, training=True, inplace=False): each element zeroed with probability p, the rest scaled by 1/(1-p). */
export const dropout: OpFn = functional('dropout', SIG_TRAIN,
  (input: Tensor, p: number, training: boolean, inplace: boolean) => dropoutImpl(input, p, training, inplace, false, false));

/** dropout1d(input, p=0.5, training=True, inplace=False): whole channels of [N, C, L] or [C, L]. */
export const dropout1d: OpFn = functional('dropout1d', SIG_TRAIN,
  (input: Tensor, p: number, training: boolean, inplace: boolean) => {
    checkP(p);
    const dim = input.ndim;
    if (dim !== 2 && dim !== 3) {
      throw new RuntimeError(
        `dropout1d: Expected 2D or 3D input, but received a ${dim}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).`,
      );
    }
    const run = (t: Tensor): Tensor => dropoutImpl(t, p, training, inplace, true, false);
    return dim === 3 ? run(input) : unbatched(input, inplace, run);
  });

/**
 * dropout2d(input, p=0.5, training=True, inplace=False): whole channels of
 * [N, C, H, W]. As in PyTorch 1.13 a 3-d input is taken as [N, C, L] (with a warning).
 */
export const dropout2d: OpFn = functional('dropout2d', SIG_TRAIN,
  (input: Tensor, p: number, training: boolean, inplace: boolean) => {
    checkP(p);
    const dim = input.ndim;
    if (dim !== 3 && dim !== 4) {
      warnOnce(
        `dropout2d: Received a ${dim}-D input to dropout2d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).`,
      );
    }
    if (dim === 3) {
      warnOnce(
        'dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.',
      );
    }
    return dropoutImpl(input, p, training, inplace, true, false);
  });

/** dropout3d(input, p=0.5, training=True, inplace=False): whole channels of [N, C, D, H, W] or [C, D, H, W]. */
export const dropout3d: OpFn = functional('dropout3d', SIG_TRAIN,
  (input: Tensor, p: number, training: boolean, inplace: boolean) => {
    checkP(p);
    const dim = input.ndim;
    if (dim !== 4 && dim !== 5) {
      warnOnce(
        `dropout3d: Received a ${dim}-D input to dropout3d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).`,
      );
    }
    const run = (t: Tensor): Tensor => dropoutImpl(t, p, training, inplace, true, false);
    return dim === 5 ? run(input) : unbatched(input, inplace, run);
  });

/** alpha_dropout(input, p=0.5, training=False, inplace=False): dropout that keeps SELU's self-normalisation. */
export const alphaDropout: OpFn = functional('alpha_dropout', SIG_EVAL,
  (input: Tensor, p: number, training: boolean, inplace: boolean) => dropoutImpl(input, p, training, inplace, false, true));

/** feature_alpha_dropout(input, p=0.5, training=False, inplace=False): alpha dropout of whole channels. */
export const featureAlphaDropout: OpFn = functional('feature_alpha_dropout', SIG_EVAL,
  (input: Tensor, p: number, training: boolean, inplace: boolean) => dropoutImpl(input, p, training, inplace, true, true));
