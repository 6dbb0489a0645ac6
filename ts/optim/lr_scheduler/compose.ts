// Schedulers made of schedulers: SequentialLR (one after another at milestones) and
// ChainedScheduler (all of them every step, their factors multiplying).

import { ValueError, IndexError } from '../../tensor/shape.js';
import { pyTypeName } from '../../tensor/tensor.js';
import type { Optimizer } from '../optimizer.js';
import { bindOptions } from '../options.js';
import { LRScheduler, attributesDict, updateAttributes } from './scheduler.js';
import { bisectRight } from './step.js';

/** The sub-schedulers' states under `_schedulers`, as PyTorch saves them. */
function composedDict(self: object, schedulers: LRScheduler[]): Record<string, unknown> {
  const sd = attributesDict(self, ['_schedulers']);
  sd._schedulers = schedulers.map((s) => s.stateDict());
  return sd;
}

function loadComposed(self: object, schedulers: LRScheduler[], stateDict: Record<string, unknown>): void {
  updateAttributes(self, stateDict, ['_schedulers']);
  const subs = stateDict._schedulers;
  if (Array.isArray(subs)) subs.forEach((s, i) => schedulers[i]?.loadStateDict(s as Record<string, unknown>));
}

/**
 * Runs `schedulers` one after another, switching at each milestone epoch.
 * @example
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new ExponentialLR(opt, 0.9);
 * const sched = new SequentialLR(opt, [warmup, decay], [5]);
 */
export class SequentialLR extends LRScheduler {
  declare _schedulers: LRScheduler[];
  declare _milestones: number[];

  constructor(optimizer: Optimizer, schedulers: LRScheduler[], milestones: number[], ...args: unknown[]) {
    super();
    const o = bindOptions('SequentialLR', 'int last_epoch=-1, bool verbose=False', args);
    // Python's len() of what is not a list
    for (const v of [schedulers, milestones]) if (!Array.isArray(v)) throw new TypeError(`object of type '${pyTypeName(v)}' has no len()`);
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new ValueError(
          `Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    this._schedulers = [...schedulers];
    this._milestones = [...milestones];
    this.lastEpoch = o.lastEpoch + 1;
    this.optimizer = optimizer;
    for (const group of optimizer.paramGroups) group.lr = group.initialLr as number;
    for (const s of this._schedulers) s.lastEpoch -= 1;
    this._schedulers[0]._initialStep();
    this._lastLr = this._schedulers[0].getLastLr();
  }

  override step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this._milestones, this.lastEpoch);
    const scheduler = this._schedulers[idx];
    if (idx > 0 && this._milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this._lastLr = scheduler.getLastLr();
  }

  override stateDict(): Record<string, unknown> {
    return composedDict(this, this._schedulers);
  }

  override loadStateDict(stateDict: Record<string, unknown>): void {
    loadComposed(this, this._schedulers, stateDict);
  }
}

/**
 * Steps every scheduler at each step(), so their effects compose.
 * @example const sched = new ChainedScheduler([new ConstantLR(opt, { factor: 0.1, totalIters: 2 }), new ExponentialLR(opt, 0.9)]);
 */
export class ChainedScheduler extends LRScheduler {
  declare _schedulers: LRScheduler[];

  constructor(schedulers: LRScheduler[]) {
    super();
    if (schedulers.length === 0) throw new IndexError('list index out of range');
    for (let i = 1; i < schedulers.length; i++) {
      if (schedulers[i].optimizer !== schedulers[0].optimizer) {
        throw new ValueError(
          `ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`,
        );
      }
    }
    this._schedulers = [...schedulers];
    this.optimizer = schedulers[0].optimizer;
    this._lastLr = this._lastGroupLrs();
  }

  private _lastGroupLrs(): number[] {
    return this._schedulers[this._schedulers.length - 1].optimizer.paramGroups.map((g) => g.lr);
  }

  override step(): void {
    for (const s of this._schedulers) s.step();
    this._lastLr = this._lastGroupLrs();
  }

  override stateDict(): Record<string, unknown> {
    return composedDict(this, this._schedulers);
  }

  override loadStateDict(stateDict: Record<string, unknown>): void {
    loadComposed(this, this._schedulers, stateDict);
  }
}
