// OneCycleLR (Smith and Topin, "Super-Convergence"): the lr rises from max_lr/div_factor
// to max_lr, then anneals to initial_lr/final_div_factor (cosine or linear), momentum
// (or Adam's beta1) moving the opposite way; three_phase returns to the initial lr
// before the final annealing.

import { ValueError } from '../../tensor/shape.js';
import type { Optimizer } from '../optimizer.js';
import { bindOptions, pyNumber, pyRepr } from '../options.js';
import { LRScheduler, checkOptimizer, perGroup } from './scheduler.js';

const SIG =
  'any max_lr, any total_steps=None, any epochs=None, any steps_per_epoch=None, float pct_start=0.3, str anneal_strategy="cos", bool cycle_momentum=True, any base_momentum=0.85, any max_momentum=0.95, float div_factor=25.0, float final_div_factor=10000.0, bool three_phase=False, int last_epoch=-1, bool verbose=False';

interface Phase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

const isPositiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;

const annealCos = (start: number, end: number, pct: number): number => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
const annealLinear = (start: number, end: number, pct: number): number => (end - start) * pct + start;

/** A group option named as PyTorch names it in the phases (initial_lr, max_momentum, ...). */
const option = (group: Record<string, unknown>, pyKey: string): number =>
  group[pyKey.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())] as number;

/**
 * The 1cycle policy, stepped once per batch for total_steps (or epochs * steps_per_epoch) batches.
 * @example new torch.optim.lr_scheduler.OneCycleLR(opt, 0.01, { totalSteps: 1000 })
 */
export class OneCycleLR extends LRScheduler {
  declare totalSteps: number;
  declare _schedulePhases: Phase[];
  declare annealStrategy: string;
  declare cycleMomentum: boolean;
  declare useBeta1: boolean;

  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super();
    const o = bindOptions('OneCycleLR', SIG, args);
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    if (o.totalSteps === null && o.epochs === null && o.stepsPerEpoch === null) {
      throw new ValueError('You must define either total_steps OR (epochs AND steps_per_epoch)');
    } else if (o.totalSteps !== null) {
      if (!isPositiveInt(o.totalSteps)) throw new ValueError(`Expected positive integer total_steps, but got ${pyRepr(o.totalSteps)}`);
      this.totalSteps = o.totalSteps;
    } else {
      if (!isPositiveInt(o.epochs)) throw new ValueError(`Expected positive integer epochs, but got ${pyRepr(o.epochs)}`);
      if (!isPositiveInt(o.stepsPerEpoch)) {
        throw new ValueError(`Expected positive integer steps_per_epoch, but got ${pyRepr(o.stepsPerEpoch)}`);
      }
      this.totalSteps = o.epochs * o.stepsPerEpoch;
    }
    const pct = o.pctStart as number;
    const n = this.totalSteps;
    this._schedulePhases = o.threePhase
      ? [
        { end_step: pct * n - 1, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
        { end_step: 2 * pct * n - 2, start_lr: 'max_lr', end_lr: 'initial_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
        { end_step: n - 1, start_lr: 'initial_lr', end_lr: 'min_lr', start_momentum: 'max_momentum', end_momentum: 'max_momentum' },
      ]
      : [
        { end_step: pct * n - 1, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
        { end_step: n - 1, start_lr: 'max_lr', end_lr: 'min_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
      ];
    if (!(pct >= 0 && pct <= 1)) throw new ValueError(`Expected float between 0 and 1 pct_start, but got ${pyNumber(pct)}`);
    if (o.annealStrategy !== 'cos' && o.annealStrategy !== 'linear') {
      throw new ValueError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${o.annealStrategy}`);
    }
    this.annealStrategy = o.annealStrategy;
    const maxLrs = perGroup('max_lr', optimizer, o.maxLr as number | number[]);
    // every argument is checked before the groups change
    if (o.cycleMomentum && !('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults)) {
      throw new ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
    }
    const maxMomentums = o.cycleMomentum ? perGroup('max_momentum', optimizer, o.maxMomentum as number | number[]) : [];
    const baseMomentums = o.cycleMomentum ? perGroup('base_momentum', optimizer, o.baseMomentum as number | number[]) : [];
    if (o.lastEpoch === -1) {
      optimizer.paramGroups.forEach((group, i) => {
        group.initialLr = maxLrs[i] / o.divFactor;
        group.maxLr = maxLrs[i];
        group.minLr = group.initialLr / o.finalDivFactor;
      });
    }
    this.cycleMomentum = o.cycleMomentum;
    if (this.cycleMomentum) {
      this.useBeta1 = 'betas' in optimizer.defaults;
      if (o.lastEpoch === -1) {
        optimizer.paramGroups.forEach((group, i) => {
          if (this.useBeta1) group.betas = [maxMomentums[i], ...(group.betas as number[]).slice(1)];
          else group.momentum = maxMomentums[i];
          group.maxMomentum = maxMomentums[i];
          group.baseMomentum = baseMomentums[i];
        });
      }
    }
    this._init(optimizer, o.lastEpoch, o.verbose);
  }

  override getLr(): number[] {
    this._warnOutsideStep();
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      throw new ValueError(`Tried to step ${step + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    const anneal = this.annealStrategy === 'cos' ? annealCos : annealLinear;
    const phases = this._schedulePhases;
    return this.optimizer.paramGroups.map((group) => {
      let start = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        if (step <= phase.end_step || i === phases.length - 1) {
          const pct = (step - start) / (phase.end_step - start);
          lr = anneal(option(group, phase.start_lr), option(group, phase.end_lr), pct);
          if (this.cycleMomentum) momentum = anneal(option(group, phase.start_momentum), option(group, phase.end_momentum), pct);
          break;
        }
        start = phase.end_step;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) group.betas = [momentum, ...(group.betas as number[]).slice(1)];
        else group.momentum = momentum;
      }
      return lr;
    });
  }
}
