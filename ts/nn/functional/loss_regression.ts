// Regression and distribution losses: mse_loss, l1_loss, smooth_l1_loss, huber_loss,
// kl_div, poisson_nll_loss, gaussian_nll_loss. Each is aten's formula composed of
// elementwise ops (so gradients, also with respect to the target, and second
// derivatives come from those ops), then reduced.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError, ValueError, shapeEquals } from '../../tensor/shape.js';
import { resultType } from '../../ops/promotion.js';
import { where } from '../../ops/all.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { functional } from '../../ops/composite.js';
import {
  applyReduction, checkPlainReduction, checkReduction, legacyReduction, resolveReduction, warnOnce, type Reduction,
} from './loss_reduction.js';
import type { OpFn } from '../../ops/types.js';

const sizeRepr = (t: Tensor): string => `torch.Size([${t.shape.join(', ')}])`;

/** The warning of the pointwise losses when target's size differs (they broadcast anyway). */
function warnSizes(input: Tensor, target: Tensor): void {
  if (!shapeEquals(input.shape, target.shape)) {
    warnOnce(
      `Using a target size (${sizeRepr(target)}) that is different to the input size (${sizeRepr(input)}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`,
    );
  }
}

/** The aten kernels' dtype check: `name` has no integer kernel. */
function requireFloat(kernel: string, input: Tensor, target: Tensor): void {
  const dt = resultType(input, target);
  if (!dt.isFloatingPoint) throw new RuntimeError(`"${kernel}" not implemented for '${dt.scalarName}'`);
}

const LEGACY = 'bool? size_average=None, bool? reduce=None';

/** mse_loss(input, target, size_average=None, reduce=None, reduction='mean'): (input - target)^2. */
export const mseLoss: OpFn = functional('mse_loss', `Tensor input, Tensor target, ${LEGACY}, str reduction="mean"`,
  (input: Tensor, target: Tensor, sizeAverage: boolean | null, reduce: boolean | null, reduction: string) => {
    warnSizes(input, target);
    const r = resolveReduction(sizeAverage, reduce, reduction);
    requireFloat('mse_cpu', input, target);
    const d = input.sub(target);
    return applyReduction(d.mul(d), r);
  });

/** l1_loss(input, target, size_average=None, reduce=None, reduction='mean'): |input - target|. */
export const l1Loss: OpFn = functional('l1_loss', `Tensor input, Tensor target, ${LEGACY}, str reduction="mean"`,
  (input: Tensor, target: Tensor, sizeAverage: boolean | null, reduce: boolean | null, reduction: string) => {
    warnSizes(input, target);
    const r = resolveReduction(sizeAverage, reduce, reduction);
    return applyReduction(input.sub(target).abs(), r);
  });

/**
 * smooth_l1_loss(input, target, size_average=None, reduce=None, reduction='mean', beta=1.0):
 * 0.5 z^2 / beta where z = |input - target| < beta, else z - 0.5 beta (beta = 0 is l1_loss).
 */
export const smoothL1Loss: OpFn = functional('smooth_l1_loss', `Tensor input, Tensor target, ${LEGACY}, str reduction="mean", float beta=1.0`,
  (input: Tensor, target: Tensor, sizeAverage: boolean | null, reduce: boolean | null, reduction: string, beta: number) => {
    warnSizes(input, target);
    const r = resolveReduction(sizeAverage, reduce, reduction);
    if (beta < 0) throw new RuntimeError('smooth_l1_loss does not support negative values for beta.');
    requireFloat('smooth_l1_cpu', input, target);
    const z = input.sub(target).abs();
    if (beta === 0) return applyReduction(z, r);
    return applyReduction(where(z.lt(beta), z.mul(z).mul(0.5).div(beta), z.sub(0.5 * beta)), r);
  });

/**
 * huber_loss(input, target, reduction='mean', delta=1.0): 0.5 z^2 where z = |input - target|
 * < delta, else delta (z - 0.5 delta); the result has input's dtype.
 */
export const huberLoss: OpFn = functional('huber_loss', 'Tensor input, Tensor target, str reduction="mean", float delta=1.0',
  (input: Tensor, target: Tensor, reduction: string, delta: number) => {
    warnSizes(input, target);
    const r = checkReduction(reduction);
    if (delta <= 0) throw new RuntimeError('huber_loss does not support non-positive values for delta.');
    requireFloat('huber_cpu', input, target);
    const z = input.sub(target).abs();
    let loss = where(z.lt(delta), z.mul(z).mul(0.5), z.sub(0.5 * delta).mul(delta));
    if (loss.dtype !== input.dtype) loss = loss.to(input.dtype);
    return applyReduction(loss, r);
  });

/**
 * kl_div(input, target, size_average=None, reduce=None, reduction='mean', log_target=False):
 * target (log target - input) pointwise, input holding log-probabilities; 'batchmean'
 * divides the sum by the batch size.
 */
export const klDiv: OpFn = functional('kl_div', `Tensor input, Tensor target, ${LEGACY}, str reduction="mean", bool log_target=False`,
  (input: Tensor, target: Tensor, sizeAverage: boolean | null, reduce: boolean | null, reduction: string, logTarget: boolean) => {
    let r: Reduction;
    if (sizeAverage !== null || reduce !== null) {
      r = legacyReduction(sizeAverage, reduce);
    } else {
      if (reduction === 'mean') {
        warnOnce(
          "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.",
        );
      }
      r = reduction === 'batchmean' ? 'sum' : checkReduction(reduction);
    }
    if (!input.dtype.isFloatingPoint || !target.dtype.isFloatingPoint) throw new RuntimeError('kl_div: Integral inputs not supported.');
    const pointwise = logTarget ? target.exp().mul(target.sub(input)) : target.xlogy(target).sub(target.mul(input));
    const reduced = applyReduction(pointwise, r);
    return reduction === 'batchmean' && input.ndim !== 0 ? reduced.div(input.shape[0]) : reduced;
  });

/**
 * poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
 * reduce=None, reduction='mean'): exp(input) - target input (log_input), else
 * input - target log(input + eps); `full` adds Stirling's term where target > 1.
 */
export const poissonNllLoss: OpFn = functional('poisson_nll_loss',
  'Tensor input, Tensor target, bool log_input=True, bool full=False, bool? size_average=None, float eps=1e-08, bool? reduce=None, str reduction="mean"',
  (input: Tensor, target: Tensor, logInput: boolean, full: boolean, sizeAverage: boolean | null, eps: number, reduce: boolean | null, reduction: string) => {
    const r = checkPlainReduction(sizeAverage !== null || reduce !== null ? legacyReduction(sizeAverage, reduce) : reduction);
    let loss = logInput ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(eps).log()));
    if (full) {
      const stirling = target.mul(target.log()).sub(target).add(target.mul(2 * Math.PI).log().mul(0.5));
      loss = loss.add(stirling.maskedFill(target.le(1), 0));
    }
    return applyReduction(loss, r);
  });

/**
 * gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction='mean'):
 * 0.5 (log(var) + (input - target)^2 / var), var clamped to eps (outside autograd, as
 * PyTorch does); var may omit input's last dim or have it of size 1.
 */
export const gaussianNllLoss: OpFn = functional('gaussian_nll_loss',
  'Tensor input, Tensor target, Tensor var, bool full=False, float eps=1e-06, str reduction="mean"',
  (input: Tensor, target: Tensor, variance: Tensor, full: boolean, eps: number, reduction: string) => {
    let v = variance;
    if (!shapeEquals(v.shape, input.shape)) {
      const lead = input.shape.slice(0, -1);
      if (shapeEquals(lead, v.shape)) v = v.unsqueeze(-1);
      else if (!(v.ndim > 0 && shapeEquals(lead, v.shape.slice(0, -1)) && v.shape[v.ndim - 1] === 1)) {
        throw new ValueError('var is of incorrect size');
      }
    }
    const r = checkPlainReduction(reduction);
    if (v.lt(0).any().item()) throw new ValueError('var has negative entry/entries');
    v = v.clone();
    noGrad(() => v.clampMin_(eps));
    const d = input.sub(target);
    let loss = v.log().add(d.mul(d).div(v)).mul(0.5);
    if (full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
    return applyReduction(loss, r);
  });
