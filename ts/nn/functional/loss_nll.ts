// nll_loss (PyTorch's nll_loss_nd: 1-d, 2-d and K-d inputs) and the checks it shares
// with cross_entropy: the input's class dim, target and weight shapes and dtypes, in
// PyTorch's order and with its messages.

import { Tensor } from '../../tensor/tensor.js';
import { int64, uint8 } from '../../tensor/dtype.js';
import { IndexError, RuntimeError, ValueError, shapeEquals } from '../../tensor/shape.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { functional } from '../../ops/composite.js';
import { resolveReduction, type Reduction } from './loss_reduction.js';
import type { OpFn } from '../../ops/types.js';

const dims = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** The class dim of a classification input: 0 for a single sample (C), else 1 (N, C, ...). */
export const classDimOf = (input: Tensor): number => (input.ndim === 1 ? 0 : 1);

/**
 * nll_loss_nd's shape checks, then the kernel's dtype checks (input, weight, target),
 * for a class-index target. Returns the kernel family: 'nll_loss' for 1-d and 2-d
 * inputs, 'nll_loss2d' for the others (PyTorch folds them to 4-d).
 */
export function checkNllArgs(input: Tensor, target: Tensor, weight: Tensor | null): 'nll_loss' | 'nll_loss2d' {
  if (input.ndim < 1) throw new ValueError(`Expected 1 or more dimensions (got ${input.ndim})`);
  if (input.ndim !== 1 && input.shape[0] !== (target.shape[0] ?? 0)) {
    throw new ValueError(`Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0] ?? 0}).`);
  }
  const classes = input.shape[classDimOf(input)];
  let family: 'nll_loss' | 'nll_loss2d';
  if (input.ndim <= 2) {
    family = 'nll_loss';
    if (target.ndim > 1) throw new RuntimeError('0D or 1D target tensor expected, multi-target not supported');
    const noBatch = input.ndim === 1 && target.ndim === 0;
    if (!noBatch && input.shape[0] !== target.shape[0]) {
      throw new RuntimeError(`size mismatch (got input: ${dims(input.shape)}, target: ${dims(target.shape)})`);
    }
    // (PyTorch 1.13 reads only target[0] here; later versions raise this)
    if (input.ndim === 1 && target.ndim === 1) throw new RuntimeError(`Expected target to be 0D when input is 1D, but got target.dim =${target.ndim}`);
    if (weight && (weight.ndim !== 1 || weight.numel() !== classes)) {
      throw new RuntimeError(
        `weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${dims(weight.shape)}`,
      );
    }
  } else {
    family = 'nll_loss2d';
    if (input.ndim === 4) {
      if (target.ndim !== 3) throw new RuntimeError(`only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.ndim}`);
    } else if (!shapeEquals(target.shape.slice(1), input.shape.slice(2))) {
      throw new RuntimeError(`Expected target size ${dims([input.shape[0], ...input.shape.slice(2)])}, got ${dims(target.shape)}`);
    }
    if (weight && weight.numel() !== classes) throw new RuntimeError('weight tensor should be defined either for all or no classes');
    if (input.ndim === 4 && !shapeEquals(target.shape, [input.shape[0], ...input.shape.slice(2)])) {
      throw new RuntimeError(`size mismatch (got input: ${dims(input.shape)} , target: ${dims(target.shape)}`);
    }
  }
  if (!input.dtype.isFloatingPoint) {
    throw new RuntimeError(`"${family === 'nll_loss' ? 'nll_loss_out_frame' : 'nll_loss2d_forward_out_frame'}" not implemented for '${input.dtype.scalarName}'`);
  }
  if (weight && weight.dtype !== input.dtype) {
    throw new RuntimeError(`expected scalar type ${input.dtype.scalarName} but found ${weight.dtype.scalarName}`);
  }
  if (target.dtype !== int64 && !(family === 'nll_loss' && target.dtype === uint8)) {
    throw new RuntimeError(`expected scalar type Long but found ${target.dtype.scalarName}`);
  }
  if (weight && weight.requiresGrad && isGradEnabled()) {
    throw new RuntimeError(
      `The function '${family}_forward' is not differentiable with respect to argument 'weight'. This input cannot have requires_grad True.`,
    );
  }
  return family;
}

/** Throws PyTorch's IndexError for the first target (in order) that is neither ignored nor a class. */
export function checkTargetBounds(target: Tensor, classes: number, ignoreIndex: number): void {
  const bad = target.ne(ignoreIndex).logicalAnd(target.lt(0).logicalOr(target.ge(classes)));
  if (bad.any().item()) throw new IndexError(`Target ${target.maskedSelect(bad).get(0)} is out of bounds.`);
}

/**
 * -input[n, target[n, ...], ...] * weight[target] per position (0 where ignored), and
 * the per-position weights: the pieces of every reduction. `input` holds
 * log-probabilities; its gradient comes from gather.
 */
export function nllTerms(input: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number): [Tensor, Tensor] {
  const cd = classDimOf(input);
  const t = target.dtype === int64 ? target : target.to(int64);
  checkTargetBounds(t, input.shape[cd], ignoreIndex);
  const ignored = t.eq(ignoreIndex);
  const safe = t.maskedFill(ignored, 0);
  let w = ignored.logicalNot().to(input.dtype);
  if (weight) w = w.mul(weight.detach().gather(0, safe.reshape([-1])).view(safe.shape));
  const picked = input.gather(cd, safe.unsqueeze(cd)).squeeze(cd);
  return [picked.mul(w).neg(), w];
}

/** Reduces per-position losses: 'mean' divides by the total weight (NaN when it is 0). */
export function reduceWeighted(loss: Tensor, w: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? loss.sum() : loss.sum().div(w.sum());
}

/** nll_loss on checked arguments. */
export function nllLossImpl(input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, ignoreIndex: number): Tensor {
  checkNllArgs(input, target, weight);
  const [loss, w] = nllTerms(input, target, weight, ignoreIndex);
  return reduceWeighted(loss, w, reduction);
}

/**
 * nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
 * reduction='mean'): input (C), (N, C) or (N, C, d1, ...) of log-probabilities, target
 * the class indices (), (N) or (N, d1, ...); 'mean' divides by the summed target weights.
 */
export const nllLoss: OpFn = functional('nll_loss',
  'Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, str reduction="mean"',
  (input: Tensor, target: Tensor, weight: Tensor | null, sizeAverage: boolean | null, ignoreIndex: number, reduce: boolean | null, reduction: string) =>
    nllLossImpl(input, target, weight, resolveReduction(sizeAverage, reduce, reduction), ignoreIndex));
