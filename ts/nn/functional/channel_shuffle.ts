// torch.nn.functional.channel_shuffle: [N, C, *] -> [N, g, C/g, *] -> transpose the
// two channel dims -> [N, C, *]; view ops plus one copy, so the gradient is the
// inverse shuffle.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { functional } from '../../ops/composite.js';

type Fn = (...args: any[]) => Tensor;

/** channel_shuffle(input, groups). */
export const channelShuffle = functional<Fn>('channel_shuffle', 'Tensor input, int groups', (input: Tensor, groups: number) => {
  if (input.ndim <= 2) {
    throw new RuntimeError(`channel_shuffle expects input with > 2 dims, but got input with sizes [${input.shape.join(', ')}]`);
  }
  if (groups <= 0) throw new RuntimeError(`Number of groups to divide channels in must be positive. Value of groups:${groups}`);
  const c = input.shape[1];
  if (c % groups !== 0) {
    throw new RuntimeError(`Number of channels must be divisible by groups. Got ${c} channels and ${groups} groups.`);
  }
  const out = input.unflatten(1, [groups, c / groups]).transpose(1, 2).reshape(input.shape);
  // with one group (or one channel per group) the reshape is a view: the result is a new tensor, as PyTorch's
  return out._s === input._s ? out.clone() : out;
});
