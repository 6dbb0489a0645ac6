// ReduceLROnPlateau: lowers the lr when a metric stops improving (PyTorch 1.13's class,
// which is not an _LRScheduler: it steps on a metric, not an epoch count).

import { ValueError } from '../../tensor/shape.js';
import { isTensor } from '../../tensor/tensor.js';
import { formatExp, formatFixed } from '../../tensor/py_format.js';
import type { Optimizer } from '../optimizer.js';
import { bindOptions } from '../options.js';
import { warnOnce } from '../warn.js';
import { EPOCH_DEPRECATION_WARNING, attributesDict, checkOptimizer, updateAttributes } from './scheduler.js';

const SIG =
  'str mode="min", float factor=0.1, int patience=10, float threshold=0.0001, str threshold_mode="rel", int cooldown=0, any min_lr=0, float eps=1e-08, bool verbose=False';

/**
 * Multiplies each group's lr by `factor` once the metric given to step() has not
 * improved (by more than `threshold`, relative or absolute) for `patience` epochs,
 * then waits `cooldown` epochs; never below min_lr, and not by less than eps.
 * @example
 * const sched = new torch.optim.lr_scheduler.ReduceLROnPlateau(opt, { mode: 'min', patience: 5 });
 * sched.step(valLoss);
 */
export class ReduceLROnPlateau {
  factor: number;
  optimizer: Optimizer;
  minLrs: number[];
  patience: number;
  verbose: boolean;
  cooldown: number;
  cooldownCounter = 0;
  mode!: string;
  threshold!: number;
  thresholdMode!: string;
  best = 0;
  numBadEpochs = 0;
  modeWorse = 0;
  eps: number;
  lastEpoch = 0;
  /** @internal */ _lastLr: number[];

  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const o = bindOptions('ReduceLROnPlateau', SIG, args);
    if (o.factor >= 1) throw new ValueError('Factor should be < 1.0.');
    this.factor = o.factor;
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    const n = optimizer.paramGroups.length;
    if (Array.isArray(o.minLr)) {
      if (o.minLr.length !== n) throw new ValueError(`expected ${n} min_lrs, got ${o.minLr.length}`);
      this.minLrs = [...o.minLr];
    } else {
      this.minLrs = new Array(n).fill(o.minLr);
    }
    this.patience = o.patience;
    this.verbose = o.verbose;
    this.cooldown = o.cooldown;
    this.eps = o.eps;
    this._initIsBetter(o.mode, o.threshold, o.thresholdMode);
    this._reset();
    this._lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private _reset(): void {
    this.best = this.modeWorse;
    this.cooldownCounter = 0;
    this.numBadEpochs = 0;
  }

  /** Records the metric of an epoch (a number or a one-element tensor) and lowers the lr if it has plateaued. */
  step(metrics: number | { item(): unknown }, epoch?: number | null): void {
    const current = Number(isTensor(metrics) ? metrics.item() : metrics);
    if (epoch === undefined || epoch === null) epoch = this.lastEpoch + 1;
    else warnOnce(EPOCH_DEPRECATION_WARNING);
    this.lastEpoch = epoch;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this._reduceLr(epoch);
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private _reduceLr(epoch: number): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const oldLr = Number(group.lr);
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
      if (oldLr - newLr > this.eps) {
        group.lr = newLr;
        if (this.verbose) {
          const e = Number.isInteger(epoch) ? String(epoch).padStart(5, '0') : formatFixed(epoch, 2);
          console.log(`Epoch ${e}: reducing learning rate of group ${i} to ${formatExp(newLr, 4)}.`);
        }
      }
    });
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether metric `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min' && this.thresholdMode === 'abs') return a < best - this.threshold;
    if (this.mode === 'max' && this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  private _initIsBetter(mode: string, threshold: number, thresholdMode: string): void {
    if (mode !== 'min' && mode !== 'max') throw new ValueError(`mode ${mode} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new ValueError(`threshold mode ${thresholdMode} is unknown!`);
    this.modeWorse = mode === 'min' ? Infinity : -Infinity;
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
  }

  /** The learning rates after the last step (the groups' lrs before any). */
  getLastLr(): number[] {
    return this._lastLr;
  }

  /** The scheduler's state under PyTorch's attribute names. */
  stateDict(): Record<string, unknown> {
    return attributesDict(this);
  }

  loadStateDict(stateDict: Record<string, unknown>): void {
    updateAttributes(this, stateDict);
    this._initIsBetter(this.mode, this.threshold, this.thresholdMode);
  }
}
