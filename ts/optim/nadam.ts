// torch.optim.NAdam: Adam with Nesterov momentum (PyTorch 1.13's _single_tensor_nadam).

import type { Tensor } from '../tensor/tensor.js';
import { tidy, keep } from '../tensor/scope.js';
import { zerosLike } from '../ops/all.js';
import { Optimizer, type Params, type ParamGroup, type ParamState } from './optimizer.js';
import { bindOptions, check, pyNumber } from './options.js';
import { checkAdamLike } from './adam.js';
import { stepTensor, nextStep } from './step_state.js';

const SIG =
  'float lr=0.002, any betas=[0.9, 0.999], float eps=1e-08, float weight_decay=0, float momentum_decay=0.004, bool? foreach=None';

export interface NAdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  momentumDecay?: number;
  foreach?: boolean | null;
}

/**
 * NAdam (Dozat): Adam whose momentum schedule mu_t = beta1 (1 - 0.5 * 0.96^(t psi))
 * looks one step ahead (psi = momentum_decay).
 *
 * @example
 * const opt = new torch.optim.NAdam(params, { lr: 0.002, momentumDecay: 0.004 });
 */
export class NAdam extends Optimizer {
  constructor(params: Params, ...args: (number | boolean | number[] | NAdamOptions | null | undefined)[]) {
    const o = bindOptions('NAdam', SIG, args);
    const betas = checkAdamLike('NAdam', o);
    check(0 <= o.momentumDecay, `Invalid momentum_decay value: ${pyNumber(o.momentumDecay)}`);
    super(params, {
      lr: o.lr, betas, eps: o.eps, weightDecay: o.weightDecay, momentumDecay: o.momentumDecay, foreach: o.foreach,
    });
  }

  protected override _stepGroup(group: ParamGroup): void {
    const { lr, eps, weightDecay, momentumDecay } = group;
    const [beta1, beta2] = group.betas as [number, number];
    for (const p of this._withGrad(group)) {
      const state = this._stateOf(p);
      if (Object.keys(state).length === 0) {
        state.step = stepTensor();
        state.mu_product = stepTensor(1);
        state.exp_avg = keep(zerosLike(p));
        state.exp_avg_sq = keep(zerosLike(p));
      }
      const grad = p.grad!;
      tidy(() => {
        const expAvg: Tensor = state.exp_avg;
        const expAvgSq: Tensor = state.exp_avg_sq;
        const muProduct: Tensor = state.mu_product;
        const step = nextStep(state.step);
        const bc2 = 1 - beta2 ** step;
        const g = weightDecay !== 0 ? grad.add(p, { alpha: weightDecay }) : grad;
        const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
        const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
        // mu_product is a tensor in PyTorch: its products round to its dtype
        muProduct.mul_(mu);
        const muProductNext = muProduct.mul(mu).mul(muNext).item() as number;
        expAvg.mul_(beta1).add_(g, { alpha: 1 - beta1 });
        expAvgSq.mul_(beta2).addcmul_(g, g, { value: 1 - beta2 });
        const denom = expAvgSq.div(bc2).sqrt().add_(eps);
        p.addcdiv_(g, denom, { value: (-lr * (1 - mu)) / (1 - (muProduct.item() as number)) });
        p.addcdiv_(expAvg, denom, { value: (-lr * muNext) / (1 - muProductNext) });
      });
    }
  }

  protected override _upgradeState(state: ParamState): void {
    if (typeof state.step === 'number') state.step = stepTensor(state.step);
    if (typeof state.mu_product === 'number') state.mu_product = stepTensor(state.mu_product);
  }
}
