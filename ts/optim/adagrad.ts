// torch.optim.Adagrad (PyTorch 1.13's _single_tensor_adagrad, dense gradients).

import type { Tensor } from '../tensor/tensor.js';
import { tidy, keep } from '../tensor/scope.js';
import { fullLike } from '../ops/all.js';
import { Optimizer, type Params, type ParamGroup, type ParamState } from './optimizer.js';
import { bindOptions, check, pyNumber } from './options.js';
import { stepTensor, nextStep } from './step_state.js';

const SIG =
  'float lr=0.01, float lr_decay=0, float weight_decay=0, float initial_accumulator_value=0, float eps=1e-10, bool? foreach=None, *, bool maximize=False';

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  foreach?: boolean | null;
  maximize?: boolean;
}

/**
 * Adagrad: each coordinate's step shrinks with its accumulated squared gradients;
 * the learning rate decays as lr / (1 + (step - 1) * lr_decay).
 *
 * @example
 * const opt = new torch.optim.Adagrad(params, { lr: 0.1, initialAccumulatorValue: 0.1 });
 */
export class Adagrad extends Optimizer {
  constructor(params: Params, ...args: (number | boolean | AdagradOptions | null | undefined)[]) {
    const o = bindOptions('Adagrad', SIG, args);
    check(0 <= o.lr, `Invalid learning rate: ${pyNumber(o.lr)}`);
    check(0 <= o.lrDecay, `Invalid lr_decay value: ${pyNumber(o.lrDecay)}`);
    check(0 <= o.weightDecay, `Invalid weight_decay value: ${pyNumber(o.weightDecay)}`);
    check(0 <= o.initialAccumulatorValue, `Invalid initial_accumulator_value value: ${pyNumber(o.initialAccumulatorValue)}`);
    check(0 <= o.eps, `Invalid epsilon value: ${pyNumber(o.eps)}`);
    super(params, {
      lr: o.lr, lrDecay: o.lrDecay, eps: o.eps, weightDecay: o.weightDecay,
      initialAccumulatorValue: o.initialAccumulatorValue, foreach: o.foreach, maximize: o.maximize,
    });
    // Adagrad's state exists from construction, as in PyTorch
    for (const group of this.paramGroups) {
      for (const p of group.params) this._initState(this._stateOf(p), p, group);
    }
  }

  private _initState(state: ParamState, p: Tensor, group: ParamGroup): void {
    if (state.step === undefined) state.step = stepTensor();
    if (state.sum === undefined) state.sum = keep(fullLike(p, group.initialAccumulatorValue));
  }

  protected override _stepGroup(group: ParamGroup): void {
    const { lr, lrDecay, eps, weightDecay, maximize } = group;
    for (const p of this._withGrad(group)) {
      const state = this._stateOf(p);
      this._initState(state, p, group); // groups added after construction
      const grad = p.grad!;
      tidy(() => {
        const step = nextStep(state.step);
        let g = maximize ? grad.neg() : grad;
        if (weightDecay !== 0) g = g.add(p, { alpha: weightDecay });
        const clr = lr / (1 + (step - 1) * lrDecay);
        const sum: Tensor = state.sum;
        sum.addcmul_(g, g, { value: 1 });
        const std = sum.sqrt().add_(eps);
        p.addcdiv_(g, std, { value: -clr });
      });
    }
  }

  protected override _upgradeState(state: ParamState): void {
    if (typeof state.step === 'number') state.step = stepTensor(state.step);
  }
}
