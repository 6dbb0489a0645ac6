// Cosine annealing: CosineAnnealingLR (SGDR's curve without restarts, in PyTorch's
// recursive form) and CosineAnnealingWarmRestarts (restarts every T_i epochs, T_i
// growing by T_mult).

import { ValueError } from '../../tensor/shape.js';
import type { Optimizer } from '../optimizer.js';
import { bindOptions, pyNumber } from '../options.js';
import { LRScheduler } from './scheduler.js';

/**
 * Anneals each group's lr from its initial value to eta_min along a half cosine of
 * T_max epochs (and back up after, as PyTorch's recursive form does).
 * @example new torch.optim.lr_scheduler.CosineAnnealingLR(opt, 10, { etaMin: 1e-3 })
 */
export class CosineAnnealingLR extends LRScheduler {
  declare TMax: number;
  declare etaMin: number;
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super();
    const o = bindOptions('CosineAnnealingLR', 'float T_max, float eta_min=0, int last_epoch=-1, bool verbose=False', args);
    this.TMax = o.TMax;
    this.etaMin = o.etaMin;
    this._init(optimizer, o.lastEpoch, o.verbose);
  }
  override getLr(): number[] {
    this._warnOutsideStep();
    const groups = this.optimizer.paramGroups;
    const { lastEpoch: e, TMax: T, etaMin } = this;
    if (e === 0) return groups.map((g) => g.lr);
    if (this._stepCount === 1 && e > 0) {
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if (pyMod(e - 1 - T, 2 * T) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return groups.map(
      (g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) + etaMin,
    );
  }
  override _getClosedFormLr(): number[] {
    const { lastEpoch: e, TMax: T, etaMin } = this;
    return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * e) / T))) / 2);
  }
}

/** Python's %: the result takes the divisor's sign. */
const pyMod = (a: number, b: number): number => ((a % b) + b) % b;

/**
 * Cosine annealing with warm restarts (SGDR): the cosine restarts from the initial lr
 * after T_0 epochs, then after T_0 * T_mult, ...
 * @example new torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, 10, { TMult: 2 })
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  declare T0: number;
  declare Ti: number;
  declare TMult: number;
  declare etaMin: number;
  declare TCur: number;
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super();
    const o = bindOptions(
      'CosineAnnealingWarmRestarts', 'any T_0, any T_mult=1, float eta_min=0, int last_epoch=-1, bool verbose=False', args,
    );
    if (!Number.isInteger(o.T0) || o.T0 <= 0) throw new ValueError(`Expected positive integer T_0, but got ${pyNumber(o.T0)}`);
    if (!Number.isInteger(o.TMult) || o.TMult < 1) throw new ValueError(`Expected integer T_mult >= 1, but got ${pyNumber(o.TMult)}`);
    this.T0 = o.T0;
    this.Ti = o.T0;
    this.TMult = o.TMult;
    this.etaMin = o.etaMin;
    this.TCur = o.lastEpoch;
    this._init(optimizer, o.lastEpoch, o.verbose);
  }
  override getLr(): number[] {
    this._warnOutsideStep();
    const { etaMin, TCur, Ti } = this;
    return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * TCur) / Ti))) / 2);
  }
  /** Steps one epoch, or jumps to `epoch` (which may be fractional: an epoch and a part). */
  override step(epoch?: number | null): void {
    if ((epoch === undefined || epoch === null) && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined || epoch === null) {
      epoch = this.lastEpoch + 1;
      this.TCur = this.TCur + 1;
      if (this.TCur >= this.Ti) {
        this.TCur = this.TCur - this.Ti;
        this.Ti = this.Ti * this.TMult;
      }
    } else {
      if (epoch < 0) throw new ValueError(`Expected non-negative epoch, but got ${pyNumber(epoch)}`);
      if (epoch >= this.T0) {
        if (this.TMult === 1) {
          this.TCur = pyMod(epoch, this.T0);
        } else {
          const n = Math.trunc(Math.log((epoch / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.TCur = epoch - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
          this.Ti = this.T0 * this.TMult ** n;
        }
      } else {
        this.Ti = this.T0;
        this.TCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this._getLrCalledWithinStep = true;
    let values: number[];
    try {
      values = this.getLr();
    } finally {
      this._getLrCalledWithinStep = false;
    }
    this._apply(values, epoch);
  }
}
