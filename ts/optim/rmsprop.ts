// torch.optim.RMSprop (PyTorch 1.13's _single_tensor_rmsprop): centered, momentum,
// weight decay, maximize.

import type { Tensor } from '../tensor/tensor.js';
import { RuntimeError } from '../tensor/shape.js';
import { tidy, keep } from '../tensor/scope.js';
import { zerosLike } from '../ops/all.js';
import { Optimizer, type Params, type ParamGroup } from './optimizer.js';
import { bindOptions, check, pyNumber } from './options.js';

const SIG =
  'float lr=0.01, float alpha=0.99, float eps=1e-08, float weight_decay=0, float momentum=0, bool centered=False, bool? foreach=None, bool maximize=False, bool differentiable=False';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
}

/**
 * RMSprop (Hinton): the step divides by a running root mean square of the gradient
 * (minus the squared running mean with `centered`), optionally through a momentum buffer.
 *
 * @example
 * const opt = new torch.optim.RMSprop(params, { lr: 0.01, momentum: 0.9, centered: true });
 */
export class RMSprop extends Optimizer {
  constructor(params: Params, ...args: (number | boolean | RMSpropOptions | null | undefined)[]) {
    const o = bindOptions('RMSprop', SIG, args);
    check(0 <= o.lr, `Invalid learning rate: ${pyNumber(o.lr)}`);
    check(0 <= o.eps, `Invalid epsilon value: ${pyNumber(o.eps)}`);
    check(0 <= o.momentum, `Invalid momentum value: ${pyNumber(o.momentum)}`);
    check(0 <= o.weightDecay, `Invalid weight_decay value: ${pyNumber(o.weightDecay)}`);
    check(0 <= o.alpha, `Invalid alpha value: ${pyNumber(o.alpha)}`);
    super(params, {
      lr: o.lr, momentum: o.momentum, alpha: o.alpha, eps: o.eps, centered: o.centered, weightDecay: o.weightDecay,
      foreach: o.foreach, maximize: o.maximize, differentiable: o.differentiable,
    });
  }

  protected override _stepGroup(group: ParamGroup): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize, differentiable } = group;
    const params = this._withGrad(group);
    for (const p of params) {
      const state = this._stateOf(p);
      if (Object.keys(state).length === 0) {
        state.step = 0;
        state.square_avg = keep(zerosLike(p));
      }
      if (momentum > 0 && !state.momentum_buffer) state.momentum_buffer = keep(zerosLike(p));
      if (centered && !state.grad_avg) state.grad_avg = keep(zerosLike(p));
      if (differentiable && typeof state.step !== 'number') throw new RuntimeError("`step` can't be a tensor");
    }
    for (const p of params) {
      const state = this._stateOf(p);
      state.step += 1;
      const grad = p.grad!;
      tidy(() => {
        let g = maximize ? grad.neg() : grad;
        const squareAvg: Tensor = state.square_avg;
        if (weightDecay !== 0) g = g.add(p, { alpha: weightDecay });
        squareAvg.mul_(alpha).addcmul_(g, g, { value: 1 - alpha });
        let avg: Tensor;
        if (centered) {
          const gradAvg: Tensor = state.grad_avg;
          gradAvg.mul_(alpha).add_(g, { alpha: 1 - alpha });
          avg = squareAvg.addcmul(gradAvg, gradAvg, { value: -1 }).sqrt_();
        } else {
          avg = squareAvg.sqrt();
        }
        avg = differentiable ? avg.add(eps) : avg.add_(eps);
        if (momentum > 0) {
          const buf: Tensor = state.momentum_buffer;
          buf.mul_(momentum).addcdiv_(g, avg);
          p.add_(buf, { alpha: -lr });
        } else {
          p.addcdiv_(g, avg, { value: -lr });
        }
      });
    }
  }
}
