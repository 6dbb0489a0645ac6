// Dropout: identity in eval mode or with p = 0 (the input itself, as PyTorch returns
// it), zeros with p = 1, otherwise input * bernoulli(1 - p) / (1 - p) with the mask
// drawn per element (dropout) or per channel (dropout1d/2d/3d). The mask comes from
// torch.bernoulli's generator so seeded runs match PyTorch's streams.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError, ValueError } from '../../tensor/shape.js';
import { functional } from '../../ops/composite.js';
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

function dropoutImpl(input: Tensor, p: number, training: boolean, inplace: boolean, maskShape: number[]): Tensor {
  checkP(p);
  if (!training || p === 0 || input.numel() === 0) return input;
  if (p === 1) return inplace ? input.mul_(0) : input.mul(0);
  const mask = keepMask(input, maskShape, 1 - p).div_(1 - p);
  return inplace ? input.mul_(mask) : input.mul(mask);
}

/** dropout(input, p=0.5, training=True, inplace=False). */
export const dropout: OpFn = functional('dropout', 'Tensor input, float p=0.5, bool training=True, bool inplace=False',
  (input: Tensor, p: number, training: boolean, inplace: boolean) => dropoutImpl(input, p, training, inplace, [...input.shape]));

function featureDropout(op: string, nd: number) {
  return functional(op, 'Tensor input, float p=0.5, bool training=True, bool inplace=False',
    (input: Tensor, p: number, training: boolean, inplace: boolean) => {
      // one draw per (sample, channel): the spatial dims are 1 in the mask; an input
      // with nd + 1 dims is one unbatched sample
      const batched = input.ndim === nd + 2;
      const shape = input.shape.map((s, i) => (i < (batched ? 2 : 1) ? s : 1));
      return dropoutImpl(input, p, training, inplace, shape);
    });
}

export const dropout1d: OpFn = featureDropout('dropout1d', 1);
export const dropout2d: OpFn = featureDropout('dropout2d', 2);
export const dropout3d: OpFn = featureDropout('dropout3d', 3);
