// cross_entropy: PyTorch's cross_entropy_loss. Class-index targets on float32/float64
// inputs run the fused kernel op (cross_entropy_op.ts); class-probability targets and
// the other float dtypes are log_softmax composed with the loss, as aten composes them.

import { Tensor } from '../../tensor/tensor.js';
import { float32, float64 } from '../../tensor/dtype.js';
import { RuntimeError, shapeEquals } from '../../tensor/shape.js';
import { logSoftmax } from '../../ops/all.js';
import { functional } from '../../ops/composite.js';
import { resolveReduction, type Reduction } from './loss_reduction.js';
import { checkNllArgs, classDimOf, nllTerms, reduceWeighted } from './loss_nll.js';
import { REDUCTION_ENUM, crossEntropyLoss } from './cross_entropy_op.js';
import type { OpFn } from '../../ops/types.js';

/** log_softmax's dtype error, raised before any loss check (as in PyTorch). */
function checkFloatInput(input: Tensor): void {
  if (input.dtype.isFloatingPoint) return;
  const lastDim = classDimOf(input) === input.ndim - 1;
  throw new RuntimeError(`"${lastDim ? 'log_softmax_lastdim_kernel_impl' : 'softmax_kernel_impl'}" not implemented for '${input.dtype.scalarName}'`);
}

function checkSmoothing(labelSmoothing: number): void {
  if (labelSmoothing > 1) throw new RuntimeError(`label_smoothing must be between 0.0 and 1.0. Got: ${labelSmoothing}`);
}

/** weight viewed to broadcast along the class dim of `input`. */
function classView(weight: Tensor, input: Tensor): Tensor {
  return input.ndim > 1 ? weight.view([1, weight.numel(), ...new Array(input.ndim - 2).fill(1)]) : weight;
}

/** Targets holding class probabilities (target has input's shape). */
function probTargetLoss(input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, ignoreIndex: number, ls: number): Tensor {
  if (!target.dtype.isFloatingPoint) {
    throw new RuntimeError(`Expected floating point type for target with class probabilities, got ${target.dtype.scalarName}`);
  }
  if (ignoreIndex >= 0) throw new RuntimeError('ignore_index is not supported for floating point target');
  const cd = classDimOf(input);
  const classes = input.shape[cd];
  if (weight && (weight.ndim !== 1 || weight.numel() !== classes)) {
    throw new RuntimeError(
      `cross_entropy: weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: [${weight.shape.join(', ')}]`,
    );
  }
  checkFloatInput(input);
  const logp = logSoftmax(input, cd);
  let t = target;
  if (ls > 0) {
    checkSmoothing(ls);
    t = target.mul(1 - ls).add(ls / classes);
  }
  let prod = logp.mul(t);
  if (weight) prod = prod.mul(classView(weight, input));
  if (reduction === 'none') return prod.sum(cd).neg();
  const total = prod.sum().neg();
  return reduction === 'sum' ? total : total.div(input.numel() / classes);
}

/**
 * Class-index targets by composition: nll_loss of log_softmax, plus with label smoothing
 * the uniform part -sum_c weight_c log p_c (0 where ignored), reduced like the nll part.
 */
export function composedIndexLoss(input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, ignoreIndex: number, ls: number): Tensor {
  const cd = classDimOf(input);
  const logp = logSoftmax(input, cd);
  const [nll, w] = nllTerms(logp, target, weight, ignoreIndex);
  if (!(ls > 0)) return reduceWeighted(nll, w, reduction);
  let smooth = (weight ? logp.mul(classView(weight.detach(), input)) : logp).sum(cd).neg();
  smooth = smooth.maskedFill(target.eq(ignoreIndex), 0);
  const classes = input.shape[cd];
  return reduceWeighted(nll.mul(1 - ls).add(smooth.mul(ls / classes)), w, reduction);
}

/** cross_entropy_loss on bound arguments. */
export function crossEntropyImpl(input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, ignoreIndex: number, ls: number): Tensor {
  if (shapeEquals(input.shape, target.shape)) return probTargetLoss(input, target, weight, reduction, ignoreIndex, ls);
  if (ls > 0) checkSmoothing(ls);
  checkFloatInput(input);
  checkNllArgs(input, target, weight);
  if (input.dtype === float32 || input.dtype === float64) {
    return crossEntropyLoss(input, target, weight, REDUCTION_ENUM[reduction], ignoreIndex, ls);
  }
  return composedIndexLoss(input, target, weight, reduction, ignoreIndex, ls);
}

/**
 * cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
 * reduce=None, reduction='mean', label_smoothing=0.0): log_softmax over the class dim
 * (dim 1, or 0 for a single sample) and the negative log-likelihood of the target class
 * indices, or of class probabilities when target has input's shape.
 */
export const crossEntropy: OpFn = functional('cross_entropy',
  'Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, str reduction="mean", float label_smoothing=0.0',
  (input: Tensor, target: Tensor, weight: Tensor | null, sizeAverage: boolean | null, ignoreIndex: number, reduce: boolean | null, reduction: string, ls: number) =>
    crossEntropyImpl(input, target, weight, resolveReduction(sizeAverage, reduce, reduction), ignoreIndex, ls));
