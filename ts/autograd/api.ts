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

/** backward()'s arguments given by name: PyTorch's keywords, the gradient among them. */
export interface TensorBackwardKeywords extends TensorBackwardOptions {
  gradient?: Tensor | null;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    backward(gradient?: Tensor | null, options?: TensorBackwardOptions): void;
    backward(options: TensorBackwardKeywords): void;
    backward(gradient: Tensor | null, retainGraph?: boolean | null, createGraph?: boolean, inputs?: Tensor[] | null): void;
    retainGrad(): void;
    registerHook(hook: (grad: Tensor) => Tensor | void): { remove(): void };
  }
}

const proto = Tensor.prototype;

const BACKWARD_PARAMS = ['gradient', 'retainGraph', 'createGraph', 'inputs'] as const;
const SNAKE: Record<string, string> = { retain_graph: 'retainGraph', create_graph: 'createGraph' };

/**
 * Binds backward(gradient=None, retain_graph=None, create_graph=False, inputs=None):
 * positional in PyTorch's order, then a trailing options object with any of them by name
 * (camelCase or snake_case), so `y.backward({ retainGraph: true })` needs no gradient.
 */
function backwardArgs(args: unknown[]): TensorBackwardKeywords {
  const last = args[args.length - 1];
  const named = last !== null && typeof last === 'object' && !(last instanceof Tensor) && !Array.isArray(last);
  const positional = named ? args.slice(0, -1) : args;
  if (positional.length > BACKWARD_PARAMS.length) {
    throw new TypeError(`backward() takes from 1 to 5 positional arguments but ${positional.length + 1} were given`);
  }
  const bound: Record<string, unknown> = {};
  positional.forEach((v, i) => {
    if (v !== undefined) bound[BACKWARD_PARAMS[i]] = v;
  });
  if (named) {
    for (const [key, v] of Object.entries(last as object)) {
      const name = SNAKE[key] ?? key;
      if (!(BACKWARD_PARAMS as readonly string[]).includes(name)) throw new TypeError(`backward() got an unexpected keyword argument '${key}'`);
      if (v === undefined) continue;
      if (name in bound) throw new TypeError(`backward() got multiple values for argument '${key}'`);
      bound[name] = v;
    }
  }
  // inputs may be one tensor (PyTorch wraps it in a tuple)
  if (bound.inputs instanceof Tensor) bound.inputs = [bound.inputs];
  if (bound.inputs === null) delete bound.inputs;
  return bound as TensorBackwardKeywords;
}

proto.backward = function (this: Tensor, ...args: unknown[]): void {
  this._check('backward');
  const { gradient, ...options } = backwardArgs(args);
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
  const inputs = options.inputs as unknown;
  runBackward(ts, gs, inputs instanceof Tensor ? { ...options, inputs: [inputs] } : options);
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
