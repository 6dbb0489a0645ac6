// Schedulers driven by user functions of the epoch: LambdaLR (lr = initial lr * f(epoch))
// and MultiplicativeLR (lr *= f(epoch)).

import { ValueError } from '../../tensor/shape.js';
import { pyTypeName } from '../../tensor/tensor.js';
import type { Optimizer } from '../optimizer.js';
import { bindOptions } from '../options.js';
import { LRScheduler, attributesDict, updateAttributes } from './scheduler.js';

export type LrLambda = (epoch: number) => number;

/** One function per parameter group: a list of that length, or one function for all. */
function lambdasFor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[]): LrLambda[] {
  const n = optimizer.paramGroups.length;
  const fns = Array.isArray(lrLambda) ? [...lrLambda] : new Array(n).fill(lrLambda);
  if (fns.length !== n) throw new ValueError(`Expected ${n} lr_lambdas, but got ${fns.length}`);
  // PyTorch calls them in the constructor's first step: a non-function fails there, with Python's words
  for (const f of fns) if (typeof f !== 'function') throw new TypeError(`'${pyTypeName(f)}' object is not callable`);
  return fns;
}

/** Functions are not state: the state_dict holds None in their place, as PyTorch's does for plain functions. */
class LambdaScheduler extends LRScheduler {
  declare lrLambdas: LrLambda[];
  override stateDict(): Record<string, unknown> {
    const sd = attributesDict(this, ['lrLambdas']);
    sd.lr_lambdas = this.lrLambdas.map(() => null);
    return sd;
  }
  override loadStateDict(stateDict: Record<string, unknown>): void {
    updateAttributes(this, stateDict, ['lr_lambdas']);
  }
}

/**
 * Sets each group's lr to its initial lr times lrLambda(epoch).
 * @example new torch.optim.lr_scheduler.LambdaLR(opt, (epoch) => 0.95 ** epoch)
 */
export class LambdaLR extends LambdaScheduler {
  constructor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[], ...args: unknown[]) {
    super();
    const o = bindOptions('LambdaLR', 'int last_epoch=-1, bool verbose=False', args);
    this.lrLambdas = lambdasFor(optimizer, lrLambda);
    this._init(optimizer, o.lastEpoch, o.verbose);
  }
  override getLr(): number[] {
    this._warnOutsideStep();
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i](this.lastEpoch));
  }
}

/**
 * Multiplies each group's lr by lrLambda(epoch) every epoch after the first.
 * @example new torch.optim.lr_scheduler.MultiplicativeLR(opt, () => 0.95)
 */
export class MultiplicativeLR extends LambdaScheduler {
  constructor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[], ...args: unknown[]) {
    super();
    const o = bindOptions('MultiplicativeLR', 'int last_epoch=-1, bool verbose=False', args);
    this.lrLambdas = lambdasFor(optimizer, lrLambda);
    this._init(optimizer, o.lastEpoch, o.verbose);
  }
  override getLr(): number[] {
    this._warnOutsideStep();
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch > 0) return groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
    return groups.map((g) => g.lr);
  }
}
