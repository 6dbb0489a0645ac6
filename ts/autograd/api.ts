// The user-facing autograd API: tensor.backward(), autograd.backward/grad, retainGrad,
// registerHook, and the Variable compatibility constructor.

import { Tensor } from '../tensor/tensor.js';
import { RuntimeError } from '../tensor/shape.js';
import { runBackward, BackwardOptions } from './engine.js';
import { gradAccumulator } from './node.js';

export interface TensorBackwardOptions extends BackwardOptions {
  /** Accumulate only into these leaves. */
  inputs?: Tensor[];
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    backward(gradient?: Tensor | null, options?: TensorBackwardOptions): void;
    retainGrad(): void;
    registerHook(hook: (grad: Tensor) => Tensor | void): { remove(): void };
  }
}

const proto = Tensor.prototype;

proto.backward = function (this: Tensor, gradient?: Tensor | null, options: TensorBackwardOptions = {}): void {
  this._check('backward');
  runBackward([this], [gradient ?? null], options);
};

proto.retainGrad = function (this: Tensor): void {
  this._check('retain_grad');
  if (!this._requiresGrad) throw new RuntimeError("can't retain_grad on Tensor that has requires_grad=False");
  if (this._gradFn === null) return; // leaves keep their grad anyway
  const node = this._gradFn;
  // Without WeakRef (older Cloudflare Workers) the node holds the tensor strongly.
  const ref = typeof WeakRef === 'function' ? new WeakRef(this) : { deref: () => this };
  (node.retained ??= new Map()).set(this._outputNr, ref as WeakRef<Tensor>);
  this._retainsGrad = true;
};

proto.registerHook = function (this: Tensor, hook: (grad: Tensor) => Tensor | void) {
  this._check('register_hook');
  if (!this._requiresGrad) throw new RuntimeError("cannot register a hook on a tensor that doesn't require gradient");
  let list: ((g: Tensor) => Tensor | void)[];
  if (this._gradFn === null) {
    list = this._hooks ??= [];
    gradAccumulator(this);
  } else {
    const node = this._gradFn;
    const map = (node.preHooks ??= new Map());
    if (!map.has(this._outputNr)) map.set(this._outputNr, []);
    list = map.get(this._outputNr)!;
  }
  list.push(hook);
  return {
    remove(): void {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    },
  };
};

function asList(x: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(x) ? x : [x];
}

/** Accumulates d(tensors)/d(leaves) into the leaves' .grad (torch.autograd.backward). */
export function backward(
  tensors: Tensor | Tensor[],
  gradTensors: Tensor | (Tensor | null)[] | null = null,
  options: TensorBackwardOptions = {},
): void {
  const ts = asList(tensors);
  const gs = gradTensors === null ? ts.map(() => null) : asList(gradTensors as Tensor | Tensor[]);
  runBackward(ts, gs, options);
}

export interface GradOptions extends BackwardOptions {
  gradOutputs?: Tensor | (Tensor | null)[] | null;
  allowUnused?: boolean;
}

/**
 * The gradients of `outputs` with respect to `inputs`, returned rather than accumulated.
 * With createGraph the results are differentiable again (higher-order derivatives).
 * @example const [dx] = torch.autograd.grad(y, [x], { createGraph: true });
 */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const outs = asList(outputs);
  const ins = asList(inputs);
  const gs = options.gradOutputs == null ? outs.map(() => null) : asList(options.gradOutputs as Tensor | Tensor[]);
  return runBackward(outs, gs, { ...options, captureFor: ins }) as (Tensor | null)[];
}

/** Compatibility with PyTorch < 0.4: Variable(t) is the tensor; volatile means no grad. */
export function Variable(t: Tensor, options: { requiresGrad?: boolean; volatile?: boolean } = {}): Tensor {
  if (options.volatile) {
    console.warn('UserWarning: volatile was removed and now has no effect. Use `with torch.no_grad():` instead.');
  }
  if (options.requiresGrad && !options.volatile) t.requiresGrad = true;
  return t;
}
