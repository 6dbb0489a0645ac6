// torch.optim.SGD: stochastic gradient descent with momentum, dampening, Nesterov
// momentum, weight decay and maximize (PyTorch 1.13's _single_tensor_sgd).

import type { Tensor } from '../tensor/tensor.js';
import { tidy, keep } from '../tensor/scope.js';
import { Optimizer, required, type Params, type ParamGroup, type ParamState } from './optimizer.js';
import { bindOptions, check, pyNumber } from './options.js';
import { fusable, sgdStep, MAXIMIZE, NESTEROV, FIRST_STEP } from '../kernels/optim.js';
import { emptyLike } from '../ops/all.js';

const SIG =
  'float? lr=None, float momentum=0, float dampening=0, float weight_decay=0, bool nesterov=False, *, bool maximize=False, bool? foreach=None, bool differentiable=False';

export interface SGDOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
  foreach?: boolean | null;
  differentiable?: boolean;
}

/**
 * Stochastic gradient descent, optionally with momentum (PyTorch's form:
 * buf = momentum * buf + (1 - dampening) * g; p -= lr * buf).
 *
 * @example
 * const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
 * const opt2 = new torch.optim.SGD(params, 0.1);   // PyTorch's positional order: lr, momentum, ...
 */
export class SGD extends Optimizer {
  constructor(params: Params, ...args: (number | boolean | SGDOptions | undefined)[]) {
    const o = bindOptions('SGD', SIG, args);
    const lrValue = o.lr === null ? required : o.lr;
    if (lrValue !== required) check(!(o.lr < 0), `Invalid learning rate: ${pyNumber(o.lr)}`);
    check(!(o.momentum < 0), `Invalid momentum value: ${pyNumber(o.momentum)}`);
    check(!(o.weightDecay < 0), `Invalid weight_decay value: ${pyNumber(o.weightDecay)}`);
    check(!(o.nesterov && (o.momentum <= 0 || o.dampening !== 0)), 'Nesterov momentum requires a momentum and zero dampening');
    super(params, {
      lr: lrValue, momentum: o.momentum, dampening: o.dampening, weightDecay: o.weightDecay, nesterov: o.nesterov,
      maximize: o.maximize, foreach: o.foreach, differentiable: o.differentiable,
    });
  }

  protected override _stepGroup(group: ParamGroup): void {
    for (const p of this._withGrad(group)) sgdUpdate(p, p.grad!, this._stateOf(p), group);
  }
}

/** One parameter's SGD update: the fused kernel when the operands allow it, else _single_tensor_sgd's ops. */
export function sgdUpdate(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup): void {
  const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
  const existing: Tensor | null = state.momentum_buffer ?? null;
  if (!group.differentiable && fusable(param, existing ? [grad, existing] : [grad])) {
    let buf: Tensor | null = null;
    let flags = (maximize ? MAXIMIZE : 0) | (nesterov ? NESTEROV : 0);
    if (momentum !== 0) {
      buf = existing ?? keep(emptyLike(param));
      if (!existing) flags |= FIRST_STEP; // the kernel fills the new buffer with the gradient
    }
    sgdStep(param, grad, buf, { flags, lr, momentum, dampening, weightDecay });
    state.momentum_buffer = buf ?? existing;
    return;
  }
  tidy(() => {
    let d = maximize ? grad.neg() : grad;
    if (weightDecay !== 0) d = d.add(param, { alpha: weightDecay });
    if (momentum !== 0) {
      let buf = existing;
      if (buf === null) state.momentum_buffer = buf = keep(d.clone().detach());
      else buf.mul_(momentum).add_(d, { alpha: 1 - dampening });
      d = nesterov ? d.add(buf, { alpha: momentum }) : buf;
    } else {
      state.momentum_buffer = existing;
    }
    param.add_(d, { alpha: -lr });
  });
}
