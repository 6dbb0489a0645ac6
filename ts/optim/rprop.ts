// torch.optim.Rprop: resilient backpropagation (PyTorch 1.13's _single_tensor_rprop).

import type { Tensor } from '../tensor/tensor.js';
import { tidy, keep } from '../tensor/scope.js';
import { zerosLike, fullLike } from '../ops/all.js';
import { Optimizer, type Params, type ParamGroup } from './optimizer.js';
import { bindOptions, check, pair, pyNumber } from './options.js';

const SIG = 'float lr=0.01, any etas=[0.5, 1.2], any step_sizes=[1e-06, 50], bool? foreach=None, bool maximize=False';

export interface RpropOptions {
  lr?: number;
  etas?: [number, number];
  stepSizes?: [number, number];
  foreach?: boolean | null;
  maximize?: boolean;
}

/**
 * Rprop (Riedmiller and Braun): each coordinate moves by its own step size against the
 * gradient's sign; the step grows by etaplus while the sign holds and shrinks by
 * etaminus (skipping that update) when it flips, clamped to step_sizes.
 *
 * @example
 * const opt = new torch.optim.Rprop(params, { lr: 0.01, etas: [0.5, 1.2] });
 */
export class Rprop extends Optimizer {
  constructor(params: Params, ...args: (number | boolean | number[] | RpropOptions | null | undefined)[]) {
    const o = bindOptions('Rprop', SIG, args);
    const etas = pair('Rprop', 'etas', o.etas);
    const stepSizes = pair('Rprop', 'step_sizes', o.stepSizes);
    check(0 <= o.lr, `Invalid learning rate: ${pyNumber(o.lr)}`);
    check(0 < etas[0] && etas[0] < 1 && 1 < etas[1], `Invalid eta values: ${pyNumber(etas[0])}, ${pyNumber(etas[1])}`);
    super(params, { lr: o.lr, etas, stepSizes, foreach: o.foreach, maximize: o.maximize });
  }

  protected override _stepGroup(group: ParamGroup): void {
    const [etaminus, etaplus] = group.etas as [number, number];
    const [minStep, maxStep] = group.stepSizes as [number, number];
    for (const p of this._withGrad(group)) {
      const state = this._stateOf(p);
      const grad = p.grad!;
      if (Object.keys(state).length === 0) {
        state.step = 0;
        state.prev = keep(zerosLike(p));
        state.step_size = keep(fullLike(grad, group.lr));
      }
      state.step += 1;
      tidy(() => {
        const prev: Tensor = state.prev;
        const stepSize: Tensor = state.step_size;
        let g = group.maximize ? grad.neg() : grad;
        const sign = g.mul(prev).sign();
        sign.maskedFill_(sign.gt(0), etaplus);
        sign.maskedFill_(sign.lt(0), etaminus);
        sign.maskedFill_(sign.eq(0), 1);
        stepSize.mul_(sign).clamp_(minStep, maxStep);
        g = g.clone();
        g.maskedFill_(sign.eq(etaminus), 0);
        p.addcmul_(g.sign(), stepSize, { value: -1 });
        prev.copy_(g);
      });
    }
  }
}
