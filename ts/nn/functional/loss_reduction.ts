// The `reduction` argument of the losses: PyTorch's torch/nn/_reduction.py (the legacy
// size_average / reduce pair mapped to a reduction string, with its warning) and the
// reduction of an elementwise loss.

import type { Tensor } from '../../tensor/tensor.js';
import { ValueError } from '../../tensor/shape.js';

export type Reduction = 'none' | 'mean' | 'sum';

const warned = new Set<string>();

/** Python's warnings.warn with the default filter: each message once per process. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(`UserWarning: ${message}`);
}

/** PyTorch's _Reduction.legacy_get_string: the reduction meant by size_average / reduce (None = True). */
export function legacyReduction(sizeAverage: boolean | null, reduce: boolean | null, emitWarning = true): Reduction {
  const avg = sizeAverage ?? true;
  const red = reduce ?? true;
  const r: Reduction = avg && red ? 'mean' : red ? 'sum' : 'none';
  if (emitWarning) warnOnce(`size_average and reduce args will be deprecated, please use reduction='${r}' instead.`);
  return r;
}

/** PyTorch's _Reduction.get_enum check: 'elementwise_mean' is 'mean' (with a warning); anything else raises. */
export function checkReduction(reduction: string): Reduction {
  if (reduction === 'none' || reduction === 'mean' || reduction === 'sum') return reduction;
  if (reduction === 'elementwise_mean') {
    warnOnce("reduction='elementwise_mean' is deprecated, please use reduction='mean' instead.");
    return 'mean';
  }
  throw new ValueError(`${reduction} is not a valid value for reduction`);
}

/**
 * The reduction of a functional loss with the legacy arguments: size_average or reduce,
 * when either is given, override `reduction` (as the functional losses do).
 */
export function resolveReduction(sizeAverage: boolean | null, reduce: boolean | null, reduction: string): Reduction {
  if (sizeAverage !== null || reduce !== null) return legacyReduction(sizeAverage, reduce);
  return checkReduction(reduction);
}

/** The check of the losses written in Python (gaussian_nll_loss, poisson_nll_loss, ...): exactly 'none', 'mean' or 'sum'. */
export function checkPlainReduction(reduction: string): Reduction {
  if (reduction === 'none' || reduction === 'mean' || reduction === 'sum') return reduction;
  throw new ValueError(`${reduction} is not valid`);
}

/** aten's apply_loss_reduction: the loss itself, its mean or its sum. */
export function applyReduction(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return loss.mean();
  if (reduction === 'sum') return loss.sum();
  return loss;
}
