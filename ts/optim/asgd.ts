// torch.optim.ASGD: averaged SGD (PyTorch 1.13's _single_tensor_asgd).

import type { Tensor } from '../tensor/tensor.js';
import { tidy, keep } from '../tensor/scope.js';
import { zerosLike } from '../ops/all.js';
import { Optimizer, type Params, type ParamGroup, type ParamState } from './optimizer.js';
import { bindOptions, check, pyNumber } from './options.js';
import { stepTensor, nextStep } from './step_state.js';

const SIG =
  'float lr=0.01, float lambd=0.0001, float alpha=0.75, float t0=1000000.0, float weight_decay=0, bool? foreach=None, bool maximize=False';

export interface ASGDOptions {
  lr?: number;
  lambd?: number;
  alpha?: number;
  t0?: number;
  weightDecay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
}

/**
 * Averaged SGD (Polyak and Juditsky): SGD with a decaying step eta = lr / (1 + lambd lr t)^alpha,
 * keeping in `ax` the average of the iterates from step t0 on.
 *
 * @example
 * const opt = new torch.optim.ASGD(params, { lr: 0.01, t0: 100 });
 */
export class ASGD extends Optimizer {
  constructor(params: Params, ...args: (number | boolean | ASGDOptions | null | undefined)[]) {
    const o = bindOptions('ASGD', SIG, args);
    check(0 <= o.lr, `Invalid learning rate: ${pyNumber(o.lr)}`);
    check(0 <= o.weightDecay, `Invalid weight_decay value: ${pyNumber(o.weightDecay)}`);
    super(params, {
      lr: o.lr, lambd: o.lambd, alpha: o.alpha, t0: o.t0, weightDecay: o.weightDecay, foreach: o.foreach, maximize: o.maximize,
    });
  }

  protected override _stepGroup(group: ParamGroup): void {
    const { lr, lambd, alpha, t0, weightDecay, maximize } = group;
    for (const p of this._withGrad(group)) {
      const state = this._stateOf(p);
      if (Object.keys(state).length === 0) {
        state.step = stepTensor();
        state.eta = stepTensor(lr);
        state.mu = stepTensor(1);
        state.ax = keep(zerosLike(p));
      }
      const grad = p.grad!;
      tidy(() => {
        const eta: Tensor = state.eta;
        const mu: Tensor = state.mu;
        const ax: Tensor = state.ax;
        let g = maximize ? grad.neg() : grad;
        const step = nextStep(state.step);
        if (weightDecay !== 0) g = g.add(p, { alpha: weightDecay });
        const etaValue = eta.item() as number;
        p.mul_(1 - lambd * etaValue);
        p.add_(g, { alpha: -etaValue });
        if ((mu.item() as number) !== 1) ax.add_(p.sub(ax).mul(mu));
        else ax.copy_(p);
        eta.fill_(lr / Math.pow(1 + lambd * lr * step, alpha));
        mu.fill_(1 / Math.max(1, step - t0));
      });
    }
  }

  protected override _upgradeState(state: ParamState): void {
    if (typeof state.step === 'number') state.step = stepTensor(state.step);
    if (typeof state.eta === 'number') state.eta = stepTensor(state.eta);
    if (typeof state.mu === 'number') state.mu = stepTensor(state.mu);
  }
}
