// torch.optim.RAdam: rectified Adam (PyTorch 1.13's _single_tensor_radam).

import type { Tensor } from '../tensor/tensor.js';
import { tidy, keep } from '../tensor/scope.js';
import { zerosLike } from '../ops/all.js';
import { Optimizer, type Params, type ParamGroup, type ParamState } from './optimizer.js';
import { bindOptions } from './options.js';
import { checkAdamLike } from './adam.js';
import { stepTensor, nextStep } from './step_state.js';

const SIG = 'float lr=0.001, any betas=[0.9, 0.999], float eps=1e-08, float weight_decay=0, bool? foreach=None';

export interface RAdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  foreach?: boolean | null;
}

/**
 * RAdam (Liu et al.): Adam whose adaptive term is switched on, rectified, once the
 * variance of the adaptive learning rate is tractable (rho_t > 5); before that, SGD
 * with bias-corrected momentum.
 *
 * @example
 * const opt = new torch.optim.RAdam(params, { lr: 1e-3 });
 */
export class RAdam extends Optimizer {
  constructor(params: Params, ...args: (number | boolean | number[] | RAdamOptions | null | undefined)[]) {
    const o = bindOptions('RAdam', SIG, args);
    const betas = checkAdamLike('RAdam', o);
    super(params, { lr: o.lr, betas, eps: o.eps, weightDecay: o.weightDecay, foreach: o.foreach });
  }

  protected override _stepGroup(group: ParamGroup): void {
    const { lr, eps, weightDecay } = group;
    const [beta1, beta2] = group.betas as [number, number];
    for (const p of this._withGrad(group)) {
      const state = this._stateOf(p);
      if (Object.keys(state).length === 0) {
        state.step = stepTensor();
        state.exp_avg = keep(zerosLike(p));
        state.exp_avg_sq = keep(zerosLike(p));
      }
      const grad = p.grad!;
      tidy(() => {
        const expAvg: Tensor = state.exp_avg;
        const expAvgSq: Tensor = state.exp_avg_sq;
        const step = nextStep(state.step);
        const bc1 = 1 - beta1 ** step;
        const bc2 = 1 - beta2 ** step;
        const g = weightDecay !== 0 ? grad.add(p, { alpha: weightDecay }) : grad;
        expAvg.mul_(beta1).add_(g, { alpha: 1 - beta1 });
        expAvgSq.mul_(beta2).addcmul_(g, g, { value: 1 - beta2 });
        const corrected = expAvg.div(bc1);
        const rhoInf = 2 / (1 - beta2) - 1;
        const rhoT = rhoInf - (2 * step * beta2 ** step) / bc2;
        if (rhoT > 5) {
          const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
          // Python's `float / tensor` is tensor.reciprocal() * float
          const adaptiveLr = expAvgSq.sqrt().add_(eps).reciprocal().mul(Math.sqrt(bc2));
          p.add_(corrected.mul(lr).mul(adaptiveLr).mul(rect), { alpha: -1 });
        } else {
          p.add_(corrected.mul(lr), { alpha: -1 });
        }
      });
    }
  }

  protected override _upgradeState(state: ParamState): void {
    if (typeof state.step === 'number') state.step = stepTensor(state.step);
  }
}
