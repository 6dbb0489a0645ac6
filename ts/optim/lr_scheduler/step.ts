// Schedulers that multiply the learning rate by a factor at given epochs: StepLR,
// MultiStepLR, ExponentialLR, ConstantLR, LinearLR, PolynomialLR. Each has PyTorch's
// recursive (chainable) form in getLr() and its closed form for step(epoch); the two
// give different float values, as in PyTorch.

import { ValueError } from '../../tensor/shape.js';
import type { Optimizer } from '../optimizer.js';
import { bindOptions } from '../options.js';
import { LRScheduler, updateAttributes } from './scheduler.js';

type Args = unknown[];
const TAIL = 'int last_epoch=-1, bool verbose=False';

/** The current lr of every group (the recursive forms start from these). */
const lrs = (s: LRScheduler): number[] => s.optimizer.paramGroups.map((g) => g.lr);

/** Python's bisect_right on a sorted list. */
export function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < sorted[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Decays each group's lr by gamma every step_size epochs.
 * @example new torch.optim.lr_scheduler.StepLR(opt, 30, { gamma: 0.1 })
 */
export class StepLR extends LRScheduler {
  declare stepSize: number;
  declare gamma: number;
  constructor(optimizer: Optimizer, ...args: Args) {
    super();
    const o = bindOptions('StepLR', `int step_size, float gamma=0.1, ${TAIL}`, args);
    this.stepSize = o.stepSize;
    this.gamma = o.gamma;
    this._init(optimizer, o.lastEpoch, o.verbose);
  }
  override getLr(): number[] {
    this._warnOutsideStep();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs(this);
    return lrs(this).map((lr) => lr * this.gamma);
  }
  override _getClosedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/**
 * Decays each group's lr by gamma at each milestone (a milestone listed twice decays twice).
 * @example new torch.optim.lr_scheduler.MultiStepLR(opt, [30, 80], { gamma: 0.1 })
 */
export class MultiStepLR extends LRScheduler {
  /** milestone -> how many times it is listed (PyTorch's Counter). */
  declare milestones: Map<number, number>;
  declare gamma: number;
  constructor(optimizer: Optimizer, ...args: Args) {
    super();
    const o = bindOptions('MultiStepLR', `int[] milestones, float gamma=0.1, ${TAIL}`, args);
    this.milestones = new Map();
    for (const m of o.milestones as number[]) this.milestones.set(m, (this.milestones.get(m) ?? 0) + 1);
    this.gamma = o.gamma;
    this._init(optimizer, o.lastEpoch, o.verbose);
  }
  override getLr(): number[] {
    this._warnOutsideStep();
    const count = this.milestones.get(this.lastEpoch);
    if (count === undefined) return lrs(this);
    return lrs(this).map((lr) => lr * this.gamma ** count);
  }
  override _getClosedFormLr(): number[] {
    const sorted = [...this.milestones].flatMap(([m, n]) => new Array<number>(n).fill(m)).sort((a, b) => a - b);
    return this.baseLrs.map((b) => b * this.gamma ** bisectRight(sorted, this.lastEpoch));
  }
  override loadStateDict(stateDict: Record<string, unknown>): void {
    updateAttributes(this, stateDict);
    const m = this.milestones as unknown;
    if (!(m instanceof Map)) this.milestones = new Map(Object.entries(m as object).map(([k, v]) => [Number(k), v as number]));
  }
}

/**
 * Multiplies each group's lr by gamma every epoch.
 * @example new torch.optim.lr_scheduler.ExponentialLR(opt, 0.9)
 */
export class ExponentialLR extends LRScheduler {
  declare gamma: number;
  constructor(optimizer: Optimizer, ...args: Args) {
    super();
    const o = bindOptions('ExponentialLR', `float gamma, ${TAIL}`, args);
    this.gamma = o.gamma;
    this._init(optimizer, o.lastEpoch, o.verbose);
  }
  override getLr(): number[] {
    this._warnOutsideStep();
    if (this.lastEpoch === 0) return lrs(this);
    return lrs(this).map((lr) => lr * this.gamma);
  }
  override _getClosedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}

/**
 * Multiplies each group's lr by a constant factor until total_iters epochs have passed.
 * @example new torch.optim.lr_scheduler.ConstantLR(opt, { factor: 0.5, totalIters: 4 })
 */
export class ConstantLR extends LRScheduler {
  declare factor: number;
  declare totalIters: number;
  constructor(optimizer: Optimizer, ...args: Args) {
    super();
    const o = bindOptions('ConstantLR', `float factor=0.3333333333333333, int total_iters=5, ${TAIL}`, args);
    if (o.factor > 1 || o.factor < 0) throw new ValueError('Constant multiplicative factor expected to be between 0 and 1.');
    this.factor = o.factor;
    this.totalIters = o.totalIters;
    this._init(optimizer, o.lastEpoch, o.verbose);
  }
  override getLr(): number[] {
    this._warnOutsideStep();
    if (this.lastEpoch === 0) return lrs(this).map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return lrs(this);
    return lrs(this).map((lr) => lr * (1 / this.factor));
  }
  override _getClosedFormLr(): number[] {
    const after = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((b) => b * (this.factor + after * (1 - this.factor)));
  }
}

/**
 * Changes each group's lr linearly from start_factor to end_factor times its initial
 * value over total_iters epochs.
 * @example new torch.optim.lr_scheduler.LinearLR(opt, { startFactor: 0.25, totalIters: 5 })
 */
export class LinearLR extends LRScheduler {
  declare startFactor: number;
  declare endFactor: number;
  declare totalIters: number;
  constructor(optimizer: Optimizer, ...args: Args) {
    super();
    const o = bindOptions(
      'LinearLR', `float start_factor=0.3333333333333333, float end_factor=1.0, int total_iters=5, ${TAIL}`, args,
    );
    if (o.startFactor > 1 || o.startFactor < 0) throw new ValueError('Starting multiplicative factor expected to be between 0 and 1.');
    if (o.endFactor > 1 || o.endFactor < 0) throw new ValueError('Ending multiplicative factor expected to be between 0 and 1.');
    this.startFactor = o.startFactor;
    this.endFactor = o.endFactor;
    this.totalIters = o.totalIters;
    this._init(optimizer, o.lastEpoch, o.verbose);
  }
  override getLr(): number[] {
    this._warnOutsideStep();
    if (this.lastEpoch === 0) return lrs(this).map((lr) => lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return lrs(this);
    const delta = this.endFactor - this.startFactor;
    const factor = 1 + delta / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * delta);
    return lrs(this).map((lr) => lr * factor);
  }
  override _getClosedFormLr(): number[] {
    const frac = ((this.endFactor - this.startFactor) * Math.min(this.totalIters, this.lastEpoch)) / this.totalIters;
    return this.baseLrs.map((b) => b * (this.startFactor + frac));
  }
}

/**
 * Decays each group's lr by a polynomial of the given power to 0 over total_iters epochs.
 * @example new torch.optim.lr_scheduler.PolynomialLR(opt, { totalIters: 4, power: 2 })
 */
export class PolynomialLR extends LRScheduler {
  declare totalIters: number;
  declare power: number;
  constructor(optimizer: Optimizer, ...args: Args) {
    super();
    const o = bindOptions('PolynomialLR', `int total_iters=5, float power=1.0, ${TAIL}`, args);
    this.totalIters = o.totalIters;
    this.power = o.power;
    this._init(optimizer, o.lastEpoch, o.verbose);
  }
  override getLr(): number[] {
    this._warnOutsideStep();
    if (this.lastEpoch === 0 || this.lastEpoch > this.totalIters) return lrs(this);
    const decay = ((1 - this.lastEpoch / this.totalIters) / (1 - (this.lastEpoch - 1) / this.totalIters)) ** this.power;
    return lrs(this).map((lr) => lr * decay);
  }
  override _getClosedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}
