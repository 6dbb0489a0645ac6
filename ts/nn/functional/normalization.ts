// torch.nn.functional normalisation: batch_norm, layer_norm, group_norm,
// instance_norm over the native_* ops (ts/ops/norm.ts), with the checks PyTorch runs
// before them (functional.py's _verify_* and ATen's batch_norm / instance_norm /
// group_norm), in its order and words.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError, ValueError, ZeroDivisionError } from '../../tensor/shape.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { nativeBatchNorm, nativeGroupNorm, nativeLayerNorm, instanceStats } from '../../ops/nn/norm.js';
import { functional } from '../../ops/composite.js';
import { checkFloatKernel, sizeAt, sizesOf } from './aten_checks.js';
import type { OpFn } from '../../ops/types.js';

const spatial = (t: Tensor): number => t.shape.slice(2).reduce((a, b) => a * b, 1);
const sizeRepr = (t: Tensor): string => `torch.Size([${t.shape.join(', ')}])`;

/** functional.py's _verify_batch_size: more than one value per channel. `repr` prints the size as Python would. */
function verifyBatchSize(size: readonly number[], repr: string): void {
  if (size.length > 0 && size.reduce((a, b, i) => (i === 1 ? a : a * b), 1) === 1) {
    throw new ValueError(`Expected more than 1 value per channel when training, got input size ${repr}`);
  }
}

/**
 * ATen's _batch_norm_impl_index checks: each given statistic or affine parameter has
 * one element per feature (numels given, null when absent), in PyTorch's order.
 */
function checkFeatures(features: number, training: boolean, numels: [string, number | null][]): void {
  for (const [name, numel] of numels) {
    if (numel !== null) {
      if (numel !== features) throw new RuntimeError(`${name} should contain ${features} elements not ${numel}`);
    } else if (!training && (name === 'running_mean' || name === 'running_var')) {
      throw new RuntimeError(`${name} must be defined in evaluation mode`);
    }
  }
}

/** ATen's batch_norm on an empty input: a copy (scaled by weight[0], shifted by bias[0]) that keeps the graph. */
function emptyBatchNorm(input: Tensor, w: Tensor | null, b: Tensor | null): Tensor {
  let out = input.clone();
  if (w) out = out.mul(w.select(0, 0));
  if (b) out = out.add(b.select(0, 0));
  return out;
}

/**
 * batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5).
 * In training the running statistics (when given) are updated in place.
 */
export const batchNorm: OpFn = functional('batch_norm',
  'Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight=None, Tensor? bias=None, bool training=False, float momentum=0.1, float eps=1e-05',
  (input: Tensor, rm: Tensor | null, rv: Tensor | null, w: Tensor | null, b: Tensor | null, training: boolean, momentum: number, eps: number) => {
    if (training) verifyBatchSize(input.shape, sizeRepr(input));
    if (input.numel() === 0) return emptyBatchNorm(input, w, b);
    const numel = (t: Tensor | null): number | null => (t ? t.numel() : null);
    // (ATen reads sizes()[1] of a 1-d input past its end; 0 is what it finds)
    checkFeatures(input.shape[1] ?? 0, training, [['running_mean', numel(rm)], ['running_var', numel(rv)], ['weight', numel(w)], ['bias', numel(b)]]);
    return nativeBatchNorm(input, w, b, rm, rv, training, momentum, eps)[0];
  });

/** layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5). */
export const layerNorm: OpFn = functional('layer_norm',
  'Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05',
  (input: Tensor, shape: number[], w: Tensor | null, b: Tensor | null, eps: number) => {
    checkFloatKernel('LayerNormKernelImpl', input);
    return nativeLayerNorm(input, shape, w, b, eps)[0];
  });

/** group_norm(input, num_groups, weight=None, bias=None, eps=1e-5). */
export const groupNorm: OpFn = functional('group_norm',
  'Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, float eps=1e-05',
  (input: Tensor, groups: number, w: Tensor | null, b: Tensor | null, eps: number) => {
    const n = sizeAt(input, 0);
    const c = sizeAt(input, 1);
    if (groups === 0) throw new ZeroDivisionError('integer division or modulo by zero');
    const perGroup = [Math.floor((n * c) / groups), groups, ...input.shape.slice(2)];
    verifyBatchSize(perGroup, sizesOf(perGroup));
    if (groups < 0) throw new RuntimeError(`Expected num groups to be greater than 0, got ${groups}`);
    if (c % groups !== 0) {
      throw new RuntimeError(
        `Expected number of channels in input to be divisible by num_groups, but got input of shape ${sizesOf(input.shape)} and num_groups=${groups}`,
      );
    }
    if (w && !(w.ndim === 1 && w.numel() === c)) {
      throw new RuntimeError(
        `Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape ${sizesOf(w.shape)} and input of shape ${sizesOf(input.shape)}`,
      );
    }
    if (b && !(b.ndim === 1 && b.numel() === c)) {
      // (PyTorch prints the weight's shape here, [0] when there is none)
      throw new RuntimeError(
        `Expected bias to be a vector of size equal to the number of channels in input, but got bias of shape ${sizesOf(w ? w.shape : [0])} and input of shape ${sizesOf(input.shape)}`,
      );
    }
    checkFloatKernel('GroupNormKernelImpl', input);
    return nativeGroupNorm(input, w, b, n, c, spatial(input), groups, eps)[0];
  });

/**
 * instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
 * use_input_stats=True, momentum=0.1, eps=1e-5): statistics per sample and channel
 * (group norm with one channel per group); running statistics, when given, are
 * updated with the batch average of the per-instance ones, as ATen's instance_norm
 * (a batch norm over [1, N*C, *] with the statistics repeated N times) does.
 */
export const instanceNorm: OpFn = functional('instance_norm',
  'Tensor input, Tensor? running_mean=None, Tensor? running_var=None, Tensor? weight=None, Tensor? bias=None, bool use_input_stats=True, float momentum=0.1, float eps=1e-05',
  (input: Tensor, rm: Tensor | null, rv: Tensor | null, w: Tensor | null, b: Tensor | null, useInput: boolean, momentum: number, eps: number) => {
    if (useInput && spatial(input) === 1) {
      throw new ValueError(`Expected more than 1 spatial element when training, got input size ${sizeRepr(input)}`);
    }
    if (!useInput && !(rm && rv)) throw new RuntimeError('Expected running_mean and running_var to be defined when use_input_stats is false');
    const n = sizeAt(input, 0);
    const c = sizeAt(input, 1);
    if (input.numel() === 0) return emptyBatchNorm(input, w, b);
    const repeated = (t: Tensor | null): number | null => (t ? n * t.numel() : null);
    checkFeatures(n * c, useInput, [['running_mean', repeated(rm)], ['running_var', repeated(rv)], ['weight', repeated(w)], ['bias', repeated(b)]]);
    checkFloatKernel('batch_norm', input);
    if (!useInput) return nativeBatchNorm(input, w, b, rm, rv, false, momentum, eps)[0];
    const hw = spatial(input);
    const out = nativeGroupNorm(input, w, b, n, c, hw, c, eps)[0];
    if (rm || rv) {
      noGrad(() => {
        const [mean, v] = instanceStats(input.detach());
        if (rm) rm.mul_(1 - momentum).add_(mean.mean(0), { alpha: momentum });
        if (rv) rv.mul_(1 - momentum).add_(v.mean(0).mul(hw / (hw - 1)), { alpha: momentum });
      });
    }
    return out;
  });
