// torch.nn.functional functions are Python functions, not ops: they bind their
// arguments by a Python-style signature and call ops (which record the graph).

import { bindArgs, camelCase, isPlainObject, parseSignature } from '../../ops/signature.js';

/**
 * A function taking positional args and a trailing options object, bound to `sig`
 * ("Tensor input, float alpha=1.0, bool inplace=False") before calling `impl`.
 */
export function defineFunctional<F extends (...args: any[]) => any = (...args: any[]) => any>(
  name: string,
  sig: string,
  impl: (...args: any[]) => any,
): F {
  const params = parseSignature(sig);
  const f = (...args: unknown[]): unknown => {
    const last = args[args.length - 1];
    const hasKw = args.length > 0 && isPlainObject(last);
    const vals = bindArgs(name, params, hasKw ? args.slice(0, -1) : args, hasKw ? (last as Record<string, unknown>) : null);
    return impl(...vals);
  };
  Object.defineProperty(f, 'name', { value: camelCase(name) });
  return f as F;
}
