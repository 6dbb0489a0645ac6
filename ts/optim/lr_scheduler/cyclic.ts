// CyclicLR (Smith, "Cyclical Learning Rates"): the lr moves between base_lr and max_lr
// in triangles (triangular, triangular2 halving each cycle, exp_range decaying by
// gamma^iteration, or a custom scale_fn), momentum moving the opposite way.

import { ValueError } from '../../tensor/shape.js';
import type { Optimizer } from '../optimizer.js';
import { bindOptions } from '../options.js';
import { LRScheduler, checkOptimizer, perGroup } from './scheduler.js';

export type ScaleFn = (x: number) => number;

const SIG =
  'any base_lr, any max_lr, float step_size_up=2000, float? step_size_down=None, str mode="triangular", float gamma=1.0, any scale_fn=None, str scale_mode="cycle", bool cycle_momentum=True, any base_momentum=0.8, any max_momentum=0.9, int last_epoch=-1, bool verbose=False';

/**
 * Cycles each group's lr between base_lr and max_lr (and momentum between
 * max_momentum and base_momentum), stepped once per batch.
 * @example new torch.optim.lr_scheduler.CyclicLR(opt, 0.001, 0.1, { stepSizeUp: 4, mode: 'triangular2' })
 */
export class CyclicLR extends LRScheduler {
  declare maxLrs: number[];
  declare totalSize: number;
  declare stepRatio: number;
  declare mode: string;
  declare gamma: number;
  declare _scaleFnCustom: ScaleFn | null;
  declare scaleMode: string;
  declare cycleMomentum: boolean;
  declare baseMomentums: number[];
  declare maxMomentums: number[];

  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super();
    const o = bindOptions('CyclicLR', SIG, args);
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    const baseLrs = perGroup('base_lr', optimizer, o.baseLr as number | number[]);
    this.maxLrs = perGroup('max_lr', optimizer, o.maxLr as number | number[]); // checked before the groups change
    if (o.lastEpoch === -1) baseLrs.forEach((lr, i) => (optimizer.paramGroups[i].lr = lr));
    const up = o.stepSizeUp as number;
    const down = (o.stepSizeDown as number | null) ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    if (!['triangular', 'triangular2', 'exp_range'].includes(o.mode) && o.scaleFn === null) {
      throw new ValueError('mode is invalid and scale_fn is None');
    }
    this.mode = o.mode;
    this.gamma = o.gamma;
    this._scaleFnCustom = o.scaleFn;
    this.scaleMode = o.scaleFn === null ? (o.mode === 'exp_range' ? 'iterations' : 'cycle') : o.scaleMode;
    this.cycleMomentum = o.cycleMomentum;
    if (this.cycleMomentum) {
      if (!('momentum' in optimizer.defaults)) throw new ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
      const baseMomentums = perGroup('base_momentum', optimizer, o.baseMomentum as number | number[]);
      this.maxMomentums = perGroup('max_momentum', optimizer, o.maxMomentum as number | number[]);
      if (o.lastEpoch === -1) baseMomentums.forEach((m, i) => (optimizer.paramGroups[i].momentum = m));
      this.baseMomentums = optimizer.paramGroups.map((g) => g.momentum as number);
    }
    this._init(optimizer, o.lastEpoch, o.verbose);
    this.baseLrs = baseLrs;
  }

  /** The cycle's amplitude scale at cycle (or iteration) x. */
  scaleFn(x: number): number {
    if (this._scaleFnCustom !== null) return this._scaleFnCustom(x);
    if (this.mode === 'triangular') return 1;
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    return this.gamma ** x;
  }

  override getLr(): number[] {
    this._warnOutsideStep();
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.scaleFn(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((base, i) => base + (this.maxLrs[i] - base) * scaleFactor * scale);
    if (this.cycleMomentum) {
      this.baseMomentums.forEach((base, i) => {
        const max = this.maxMomentums[i];
        this.optimizer.paramGroups[i].momentum = max - (max - base) * scaleFactor * scale;
      });
    }
    return lrs;
  }
}
