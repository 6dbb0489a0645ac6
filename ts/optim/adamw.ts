// torch.optim.AdamW: Adam with decoupled weight decay (PyTorch 1.13's _single_tensor_adamw).

import { Optimizer, type Params, type ParamGroup, type ParamState } from './optimizer.js';
import { bindOptions } from './options.js';
import { adamUpdate, adamState, checkAdamLike, checkNotCapturable, type AdamOptions } from './adam.js';
import { stepTensor } from './step_state.js';

const SIG =
  'float lr=0.001, any betas=[0.9, 0.999], float eps=1e-08, float weight_decay=0.01, bool amsgrad=False, *, bool maximize=False, bool? foreach=None, bool capturable=False';

export type AdamWOptions = Omit<AdamOptions, 'differentiable' | 'fused'>;

/**
 * AdamW (Loshchilov and Hutter): the parameter shrinks by lr * weight_decay before
 * Adam's step, instead of weight decay entering the gradient. Default weight_decay 0.01.
 *
 * @example
 * const opt = new torch.optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends Optimizer {
  constructor(params: Params, ...args: (number | boolean | number[] | AdamWOptions | undefined)[]) {
    const o = bindOptions('AdamW', SIG, args);
    const betas = checkAdamLike('AdamW', o);
    super(params, {
      lr: o.lr, betas, eps: o.eps, weightDecay: o.weightDecay, amsgrad: o.amsgrad, foreach: o.foreach,
      maximize: o.maximize, capturable: o.capturable,
    });
  }

  protected override _stepGroup(group: ParamGroup): void {
    const params = this._withGrad(group);
    if (params.length) checkNotCapturable(group);
    for (const p of params) {
      const state = this._stateOf(p);
      adamState(state, p, group.amsgrad);
      adamUpdate(p, p.grad!, state, group, true);
    }
  }

  protected override _upgradeState(state: ParamState): void {
    if (typeof state.step === 'number') state.step = stepTensor(state.step);
  }
}
