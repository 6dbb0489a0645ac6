// torch.optim.Adam (PyTorch 1.13's _single_tensor_adam), and the moment update AdamW
// shares with it.

import type { Tensor } from '../tensor/tensor.js';
import { RuntimeError } from '../tensor/shape.js';
import { tidy, keep } from '../tensor/scope.js';
import { zerosLike, maximum, pow } from '../ops/all.js';
import { stepTensor, nextStep } from './step_state.js';
import { Optimizer, type Params, type ParamGroup, type ParamState } from './optimizer.js';
import { bindOptions, check, pair, pyNumber } from './options.js';
import { fusable, adamStep, MAXIMIZE, AMSGRAD, DECOUPLED } from '../kernels/optim.js';

const SIG =
  'float lr=0.001, any betas=[0.9, 0.999], float eps=1e-08, float weight_decay=0, bool amsgrad=False, *, bool? foreach=None, bool maximize=False, bool capturable=False, bool differentiable=False, bool fused=False';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  foreach?: boolean | null;
  capturable?: boolean;
  differentiable?: boolean;
  fused?: boolean;
}

/** The checks Adam, AdamW, Adamax, NAdam and RAdam share. */
export function checkAdamLike(name: string, o: Record<string, any>): [number, number] {
  const betas = pair(name, 'betas', o.betas);
  check(0 <= o.lr, `Invalid learning rate: ${pyNumber(o.lr)}`);
  check(0 <= o.eps, `Invalid epsilon value: ${pyNumber(o.eps)}`);
  check(0 <= betas[0] && betas[0] < 1, `Invalid beta parameter at index 0: ${pyNumber(betas[0])}`);
  check(0 <= betas[1] && betas[1] < 1, `Invalid beta parameter at index 1: ${pyNumber(betas[1])}`);
  check(0 <= o.weightDecay, `Invalid weight_decay value: ${pyNumber(o.weightDecay)}`);
  return betas;
}

/** Adam's state on first use: step, exp_avg, exp_avg_sq (and max_exp_avg_sq with amsgrad). */
export function adamState(state: ParamState, param: Tensor, amsgrad: boolean): void {
  if (Object.keys(state).length === 0) {
    state.step = stepTensor();
    state.exp_avg = keep(zerosLike(param));
    state.exp_avg_sq = keep(zerosLike(param));
  }
  if (amsgrad && !state.max_exp_avg_sq) state.max_exp_avg_sq = keep(zerosLike(param));
}

/** capturable=True is for CUDA graphs: on CPU PyTorch fails the same check. */
export function checkNotCapturable(group: ParamGroup): void {
  if (group.capturable) throw new RuntimeError('If capturable=True, params and state_steps must be CUDA tensors.');
}

/**
 * The moment estimates and the bias-corrected step, from `grad` (maximize and weight
 * decay already applied, step counted), in _single_tensor_adam's order of operations.
 */
function adamMoments(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup): void {
  const { lr, eps, amsgrad } = group;
  const [beta1, beta2] = group.betas as [number, number];
  const expAvg: Tensor = state.exp_avg;
  const expAvgSq: Tensor = state.exp_avg_sq;
  expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
  expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
  const maxSq: Tensor | undefined = state.max_exp_avg_sq;
  if (group.differentiable) {
    // the tensor form PyTorch takes with differentiable=True
    const stepT: Tensor = state.step;
    const bc1 = pow(beta1, stepT).rsub(1);
    const bc2 = pow(beta2, stepT).rsub(1);
    const stepSizeNeg = bc1.reciprocal().mul(lr).neg();
    const bc2Sqrt = bc2.sqrt();
    let second = expAvgSq;
    if (amsgrad) {
      maxSq!.copy_(maximum(maxSq!.clone(), expAvgSq));
      second = maxSq!;
    }
    const denom = second.sqrt().div(bc2Sqrt.mul(stepSizeNeg)).add_(stepSizeNeg.reciprocal().mul(eps));
    param.addcdiv_(expAvg, denom);
    return;
  }
  const step = state.step.item() as number;
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  const stepSize = lr / bc1;
  const bc2Sqrt = Math.sqrt(bc2);
  let second = expAvgSq;
  if (amsgrad) {
    maximum(maxSq!, expAvgSq, { out: maxSq! });
    second = maxSq!;
  }
  const denom = second.sqrt().div(bc2Sqrt).add_(eps);
  param.addcdiv_(expAvg, denom, { value: -stepSize });
}

/**
 * One parameter's Adam step, or AdamW's with `decoupled` weight decay: the fused kernel
 * when the operands allow it, else PyTorch's ops one by one.
 */
export function adamUpdate(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup, decoupled: boolean): void {
  const { lr, eps, weightDecay, amsgrad, maximize } = group;
  const [beta1, beta2] = group.betas as [number, number];
  const maxSq: Tensor | null = amsgrad ? state.max_exp_avg_sq : null;
  const operands = [grad, state.exp_avg, state.exp_avg_sq, ...(maxSq ? [maxSq] : [])];
  if (!group.differentiable && fusable(param, operands)) {
    const step = nextStep(state.step);
    const flags = (maximize ? MAXIMIZE : 0) | (amsgrad ? AMSGRAD : 0) | (decoupled ? DECOUPLED : 0);
    adamStep(param, grad, state.exp_avg, state.exp_avg_sq, maxSq, {
      flags, lr, beta1, beta2, eps, weightDecay, stepSize: lr / (1 - beta1 ** step), biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
    });
    return;
  }
  tidy(() => {
    let g = maximize ? grad.neg() : grad;
    nextStep(state.step);
    if (decoupled) {
      // p * (1 - lr * wd); a factor of exactly 1 changes nothing
      const shrink = 1 - lr * weightDecay;
      if (shrink !== 1) param.mul_(shrink);
    } else if (weightDecay !== 0) {
      g = g.add(param, { alpha: weightDecay });
    }
    adamMoments(param, g, state, group);
  });
}

/**
 * Adam (Kingma and Ba), with amsgrad, maximize and L2 weight decay added to the gradient.
 *
 * @example
 * const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 */
export class Adam extends Optimizer {
  constructor(params: Params, ...args: (number | boolean | number[] | AdamOptions | undefined)[]) {
    const o = bindOptions('Adam', SIG, args);
    const betas = checkAdamLike('Adam', o);
    super(params, {
      lr: o.lr, betas, eps: o.eps, weightDecay: o.weightDecay, amsgrad: o.amsgrad, maximize: o.maximize,
      foreach: o.foreach, capturable: o.capturable, differentiable: o.differentiable, fused: o.fused,
    });
    if (o.fused) {
      if (o.differentiable) throw new RuntimeError('`fused` cannot be `differentiable`');
      throw new RuntimeError('FusedAdam requires all the params to be CUDA, floating point');
    }
  }

  protected override _stepGroup(group: ParamGroup): void {
    const params = this._withGrad(group);
    if (params.length) checkNotCapturable(group);
    for (const p of params) {
      const state = this._stateOf(p);
      adamState(state, p, group.amsgrad);
      if (group.differentiable && state.step.requiresGrad) {
        throw new RuntimeError('`requires_grad` is not supported for `step` in differentiable mode');
      }
      adamUpdate(p, p.grad!, state, group, false);
    }
  }

  protected override _upgradeState(state: ParamState): void {
    if (typeof state.step === 'number') state.step = stepTensor(state.step);
  }
}
