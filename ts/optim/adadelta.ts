// torch.optim.Adadelta (PyTorch 1.13's _single_tensor_adadelta).

import type { Tensor } from '../tensor/tensor.js';
import { tidy, keep } from '../tensor/scope.js';
import { zerosLike } from '../ops/all.js';
import { Optimizer, type Params, type ParamGroup } from './optimizer.js';
import { bindOptions, check, pyNumber } from './options.js';

const SIG = 'float lr=1.0, float rho=0.9, float eps=1e-06, float weight_decay=0, bool? foreach=None, *, bool maximize=False';

export interface AdadeltaOptions {
  lr?: number;
  rho?: number;
  eps?: number;
  weightDecay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
}

/**
 * Adadelta (Zeiler): steps scaled by the ratio of running RMS of past updates to the
 * running RMS of gradients; `lr` scales the result (default 1).
 *
 * @example
 * const opt = new torch.optim.Adadelta(params, { rho: 0.9 });
 */
export class Adadelta extends Optimizer {
  constructor(params: Params, ...args: (number | boolean | AdadeltaOptions | null | undefined)[]) {
    const o = bindOptions('Adadelta', SIG, args);
    check(0 <= o.lr, `Invalid learning rate: ${pyNumber(o.lr)}`);
    check(0 <= o.rho && o.rho <= 1, `Invalid rho value: ${pyNumber(o.rho)}`);
    check(0 <= o.eps, `Invalid epsilon value: ${pyNumber(o.eps)}`);
    check(0 <= o.weightDecay, `Invalid weight_decay value: ${pyNumber(o.weightDecay)}`);
    super(params, { lr: o.lr, rho: o.rho, eps: o.eps, weightDecay: o.weightDecay, maximize: o.maximize, foreach: o.foreach });
  }

  protected override _stepGroup(group: ParamGroup): void {
    const { lr, rho, eps, weightDecay, maximize } = group;
    for (const p of this._withGrad(group)) {
      const state = this._stateOf(p);
      if (Object.keys(state).length === 0) {
        state.step = 0;
        state.square_avg = keep(zerosLike(p));
        state.acc_delta = keep(zerosLike(p));
      }
      state.step += 1;
      const grad = p.grad!;
      tidy(() => {
        const squareAvg: Tensor = state.square_avg;
        const accDelta: Tensor = state.acc_delta;
        let g = maximize ? grad.neg() : grad;
        if (weightDecay !== 0) g = g.add(p, { alpha: weightDecay });
        squareAvg.mul_(rho).addcmul_(g, g, { value: 1 - rho });
        const std = squareAvg.add(eps).sqrt_();
        const delta = accDelta.add(eps).sqrt_().div_(std).mul_(g);
        accDelta.mul_(rho).addcmul_(delta, delta, { value: 1 - rho });
        p.add_(delta, { alpha: -lr });
      });
    }
  }
}
