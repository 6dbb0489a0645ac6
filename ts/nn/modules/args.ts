// Constructor arguments of the module classes, bound to PyTorch's signature: positional
// in PyTorch's order, or by name in a trailing options object (camelCase or snake_case),
// with PyTorch's defaults and type checks (the same binder as the ops).
//
//   constructor(inFeatures: number, outFeatures: number, options?: LinearOptions);
//   constructor(...args: unknown[]) {
//     super();
//     const a = moduleArgs('Linear', 'int in_features, int out_features, bool bias=True, *, ScalarType? dtype=None, Device? device=None', args);
//     a.inFeatures; a.bias; a.dtype ...

import { bindArgs, isPlainObject, parseSignature, type Param } from '../../ops/signature.js';
import { Tensor, pyTypeName } from '../../tensor/tensor.js';
import { AttributeError } from '../../tensor/shape.js';

/** What Python raises when a forward calls input.<attr>() on a non-tensor (PyTorch's modules do). */
export function requireTensorInput(input: unknown, attr: string): asserts input is Tensor {
  if (!(input instanceof Tensor)) throw new AttributeError(`'${pyTypeName(input)}' object has no attribute '${attr}'`);
}

const parsed = new Map<string, Param[]>();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function moduleArgs(cls: string, sig: string, args: readonly unknown[]): Record<string, any> {
  let params = parsed.get(sig);
  if (params === undefined) {
    params = parseSignature(sig);
    parsed.set(sig, params);
  }
  const last = args[args.length - 1];
  const kw = args.length > 0 && isPlainObject(last) ? last : null;
  const vals = bindArgs(cls, params, kw ? args.slice(0, -1) : [...args], kw);
  const out: Record<string, unknown> = {};
  params.forEach((p, i) => {
    out[p.camel] = vals[i];
  });
  return out;
}
