// torch.nn.functional normalisation: batch_norm, layer_norm, group_norm,
// instance_norm over the native_* ops (ts/ops/nn/norm.ts).

import { Tensor } from '../../tensor/tensor.js';
import { ValueError } from '../../tensor/shape.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { nativeBatchNorm, nativeGroupNorm, nativeLayerNorm, instanceStats } from '../../ops/nn/norm.js';
import { functional } from '../../ops/composite.js';
import type { OpFn } from '../../ops/types.js';

const spatial = (t: Tensor): number => t.shape.slice(2).reduce((a, b) => a * b, 1);
const sizeRepr = (t: Tensor): string => `torch.Size([${t.shape.join(', ')}])`;

/**
 * batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5).
 * In training the running statistics (when given) are updated in place.
 */
export const batchNorm: OpFn = functional('batch_norm',
  'Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight=None, Tensor? bias=None, bool training=False, float momentum=0.1, float eps=1e-05',
  (input: Tensor, rm: Tensor | null, rv: Tensor | null, w: Tensor | null, b: Tensor | null, training: boolean, momentum: number, eps: number) => {
    if (training && input.ndim >= 2 && input.shape[0] * spatial(input) === 1) {
      throw new ValueError(`Expected more than 1 value per channel when training, got input size ${sizeRepr(input)}`);
    }
    return nativeBatchNorm(input, w, b, rm, rv, training, momentum, eps)[0];
  });

/** layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5). */
export const layerNorm: OpFn = functional('layer_norm',
  'Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05',
  (input: Tensor, shape: number[], w: Tensor | null, b: Tensor | null, eps: number) => nativeLayerNorm(input, shape, w, b, eps)[0]);

/** group_norm(input, num_groups, weight=None, bias=None, eps=1e-5). */
export const groupNorm: OpFn = functional('group_norm',
  'Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, float eps=1e-05',
  (input: Tensor, groups: number, w: Tensor | null, b: Tensor | null, eps: number) =>
    nativeGroupNorm(input, w, b, input.shape[0] ?? 0, input.shape[1] ?? 0, spatial(input), groups, eps)[0]);

/**
 * instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
 * use_input_stats=True, momentum=0.1, eps=1e-5): statistics per sample and channel
 * (group norm with one channel per group); running statistics, when given, are
 * updated with the batch average of the per-instance ones.
 */
export const instanceNorm: OpFn = functional('instance_norm',
  'Tensor input, Tensor? running_mean=None, Tensor? running_var=None, Tensor? weight=None, Tensor? bias=None, bool use_input_stats=True, float momentum=0.1, float eps=1e-05',
  (input: Tensor, rm: Tensor | null, rv: Tensor | null, w: Tensor | null, b: Tensor | null, useInput: boolean, momentum: number, eps: number) => {
    if (!useInput) return nativeBatchNorm(input, w, b, rm, rv, false, momentum, eps)[0];
    const hw = spatial(input);
    if (hw === 1) throw new ValueError(`Expected more than 1 spatial element when training, got input size ${sizeRepr(input)}`);
    const out = nativeGroupNorm(input, w, b, input.shape[0], input.shape[1], hw, input.shape[1], eps)[0];
    if (rm || rv) {
      noGrad(() => {
        const [mean, v] = instanceStats(input.detach());
        if (rm) rm.mul_(1 - momentum).add_(mean.mean(0), { alpha: momentum });
        if (rv) rv.mul_(1 - momentum).add_(v.mean(0).mul(hw / (hw - 1)), { alpha: momentum });
      });
    }
    return out;
  });
