// torch.optim.Adamax: Adam with the infinity norm (PyTorch 1.13's _single_tensor_adamax).

import type { Tensor } from '../tensor/tensor.js';
import { tidy, keep } from '../tensor/scope.js';
import { zerosLike, maximum } from '../ops/all.js';
import { Optimizer, type Params, type ParamGroup, type ParamState } from './optimizer.js';
import { bindOptions } from './options.js';
import { checkAdamLike } from './adam.js';
import { stepTensor, nextStep } from './step_state.js';

const SIG =
  'float lr=0.002, any betas=[0.9, 0.999], float eps=1e-08, float weight_decay=0, bool? foreach=None, *, bool maximize=False';

export interface AdamaxOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
}

/**
 * Adamax (Kingma and Ba): the second moment is an exponentially weighted infinity norm,
 * exp_inf = max(beta2 * exp_inf, |g| + eps).
 *
 * @example
 * const opt = new torch.optim.Adamax(params, { lr: 0.002 });
 */
export class Adamax extends Optimizer {
  constructor(params: Params, ...args: (number | boolean | number[] | AdamaxOptions | null | undefined)[]) {
    const o = bindOptions('Adamax', SIG, args);
    const betas = checkAdamLike('Adamax', o);
    super(params, { lr: o.lr, betas, eps: o.eps, weightDecay: o.weightDecay, foreach: o.foreach, maximize: o.maximize });
  }

  protected override _stepGroup(group: ParamGroup): void {
    const { lr, eps, weightDecay, maximize } = group;
    const [beta1, beta2] = group.betas as [number, number];
    for (const p of this._withGrad(group)) {
      const state = this._stateOf(p);
      if (Object.keys(state).length === 0) {
        state.step = stepTensor();
        state.exp_avg = keep(zerosLike(p));
        state.exp_inf = keep(zerosLike(p));
      }
      const grad = p.grad!;
      tidy(() => {
        const expAvg: Tensor = state.exp_avg;
        const expInf: Tensor = state.exp_inf;
        let g = maximize ? grad.neg() : grad;
        const step = nextStep(state.step);
        if (weightDecay !== 0) g = g.add(p, { alpha: weightDecay });
        expAvg.mul_(beta1).add_(g, { alpha: 1 - beta1 });
        // PyTorch takes amax over cat([beta2 * exp_inf, |g| + eps]): the same elementwise maximum
        expInf.mul_(beta2);
        maximum(expInf, g.abs().add_(eps), { out: expInf });
        const clr = lr / (1 - beta1 ** step);
        p.addcdiv_(expAvg, expInf, { value: -clr });
      });
    }
  }

  protected override _upgradeState(state: ParamState): void {
    if (typeof state.step === 'number') state.step = stepTensor(state.step);
  }
}
