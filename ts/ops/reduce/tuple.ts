// What the reductions with several overloads or tuple results share: PyTorch's named
// tuples as JS arrays with named properties, out= for tuple results, the overload
// dispatch of max/min/median/std/var, and installing the hand-written functions as
// Tensor methods.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { isGradEnabled, noGrad } from '../../autograd/grad_mode.js';
import { resizeTo } from '../registry.js';
import { isPlainObject } from '../signature.js';
import { copyInto } from '../../tensor/copy.js';

/** A PyTorch named tuple: an array [a, b] that also has a[names[0]], a[names[1]]. */
export type NamedPair = Tensor[] & Record<string, Tensor>;

export function namedPair(a: Tensor, b: Tensor, names: readonly [string, string] = ['values', 'indices']): NamedPair {
  const r = [a, b] as NamedPair;
  Object.defineProperty(r, names[0], { value: a, enumerable: false });
  Object.defineProperty(r, names[1], { value: b, enumerable: false });
  return r;
}

/** Splits a call's trailing options object off its positional args. */
export function splitOptions(args: unknown[]): [unknown[], Record<string, unknown>] {
  const last = args[args.length - 1];
  if (args.length > 0 && isPlainObject(last)) return [args.slice(0, -1), last];
  return [args, {}];
}

/** Rebuilds an argument list from positional args and options (dropping an empty object). */
export function joinOptions(pos: unknown[], kw: Record<string, unknown>): unknown[] {
  return Object.keys(kw).length ? [...pos, kw] : pos;
}

/**
 * Wraps a tuple-returning op so `{ out: [a, b] }` works as PyTorch's out=(a, b): the
 * result is computed, checked, and written into the given tensors (resized as needed).
 */
export function withTupleOut(name: string, op: (...args: any[]) => NamedPair, names: readonly [string, string] = ['values', 'indices']) {
  return (...args: unknown[]): NamedPair => {
    const [pos, kw] = splitOptions(args);
    const out = kw.out;
    if (out === undefined || out === null) return op(...args);
    if (!Array.isArray(out) || out.length !== 2 || !out.every((t) => t instanceof Tensor)) {
      throw new TypeError(`${name}(): argument 'out' must be tuple of Tensors`);
    }
    const outs = out as Tensor[];
    outs.forEach((t) => t._check(name, 'out'));
    const { out: _ignored, ...rest } = kw;
    void _ignored;
    const needsGrad = [...pos, ...outs].some((t) => t instanceof Tensor && t.requiresGrad);
    if (isGradEnabled() && needsGrad) {
      throw new RuntimeError(
        `${name}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`,
      );
    }
    const r = noGrad(() => op(...joinOptions(pos, rest)));
    try {
      for (let i = 0; i < 2; i++) {
        if (outs[i].dtype !== r[i].dtype) {
          throw new RuntimeError(`${name}(): Expected out tensor to have dtype ${r[i].dtype.name}, but got ${outs[i].dtype.name} instead`);
        }
      }
      for (let i = 0; i < 2; i++) {
        resizeTo(outs[i], r[i]._shape);
        copyInto(outs[i], r[i]);
        outs[i]._s.version++;
      }
    } finally {
      r.forEach((t) => t.dispose());
    }
    return namedPair(outs[0], outs[1], names);
  };
}

/** Installs `fn(self, ...args)` as Tensor.prototype[name]. */
export function installMethod(name: string, fn: (self: Tensor, ...args: any[]) => unknown): void {
  (Tensor.prototype as unknown as Record<string, unknown>)[name] = function (this: Tensor, ...args: unknown[]) {
    return fn(this, ...args);
  };
}

/** Whether a call passes a reduction dim (positionally after self, or as the `dim` option). */
export function hasDimArg(pos: unknown[], kw: Record<string, unknown>): boolean {
  return (pos.length > 0 && pos[0] !== null && pos[0] !== undefined) || (kw.dim !== undefined && kw.dim !== null);
}
