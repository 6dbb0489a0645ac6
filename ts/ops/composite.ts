// Functions that are not registered ops: most of torch.nn.functional (Python-level
// logic in PyTorch) and a few torch.* composites. Bound to a PyTorch signature like ops
// and run in a scope that frees their temporaries, but without an op entry (their names
// may repeat an aten op with other arguments).

import { bindArgs, camelCase, isPlainObject, parseSignature } from './signature.js';
import { scoped } from '../tensor/scope.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function functional<F extends (...args: any[]) => any>(name: string, sig: string, impl: (...vals: any[]) => unknown): F {
  const params = parseSignature(sig);
  const f = (...args: unknown[]): unknown => {
    const last = args[args.length - 1];
    const kw = args.length > 0 && isPlainObject(last) ? (last as Record<string, unknown>) : null;
    const vals = bindArgs(name, params, kw ? args.slice(0, -1) : args, kw);
    return scoped(() => impl(...vals));
  };
  Object.defineProperty(f, 'name', { value: camelCase(name) });
  // the parsed schema, for tools that generate calls (test/fuzz); not enumerable
  Object.defineProperty(f, '_params', { value: params });
  return f as F;
}

/**
 * A Tensor method that is not an op (view_as, type_as, new_zeros, ...), bound like one:
 * `sig` declares the arguments after self, whose positions count from 1 as in PyTorch's
 * methods, and a trailing options object gives any of them by name.
 * @example proto.viewAs = method('view_as', 'Tensor other', (self, other) => view(self, other.shape));
 */
export function method<S extends { _check(op: string): unknown }>(name: string, sig: string, impl: (self: S, ...vals: any[]) => unknown) {
  const params = parseSignature(sig);
  const m = function (this: S, ...args: unknown[]): any {
    this._check(name);
    const last = args[args.length - 1];
    const kw = args.length > 0 && isPlainObject(last) ? (last as Record<string, unknown>) : null;
    const vals = bindArgs(name, params, kw ? args.slice(0, -1) : args, kw);
    return scoped(() => impl(this, ...vals));
  };
  Object.defineProperty(m, 'name', { value: camelCase(name) });
  return m;
}
