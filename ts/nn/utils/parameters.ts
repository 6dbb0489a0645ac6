// The `parameters` argument of torch.nn.utils: a Tensor or an iterable of Tensors
// (model.parameters(), an array, a generator), read once into an array.

import { Tensor, isTensor } from '../../tensor/tensor.js';
import { pyTypeName } from '../../ops/signature.js';
import { ValueError } from '../../tensor/shape.js';

/** The tensors of `parameters`, checked. */
export function tensorList(op: string, parameters: unknown, single = true): Tensor[] {
  if (single && isTensor(parameters)) return [parameters._check(op, 'parameters')];
  if (parameters === null || typeof parameters !== 'object' || !(Symbol.iterator in parameters)) {
    throw new TypeError(`'${pyTypeName(parameters)}' object is not iterable`);
  }
  const list = Array.from(parameters as Iterable<unknown>);
  list.forEach((p, i) => {
    if (!isTensor(p)) throw new TypeError(`${op}(): parameters[${i}] must be a Tensor, not ${pyTypeName(p)}`);
    p._check(op, `parameters[${i}]`);
  });
  return list as Tensor[];
}

/** Python's float(x): numbers, booleans and the strings float() parses ('inf', '-inf', '2.5'). */
export function pyFloat(op: string, name: string, x: unknown): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x === 'bigint') return Number(x);
  if (typeof x === 'string') {
    const s = x.trim().toLowerCase();
    const special: Record<string, number> = { inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity, nan: NaN, '+nan': NaN, '-nan': NaN };
    if (s in special) return special[s];
    if (s !== '' && /^[+-]?(\d[\d_]*)?(\.\d*)?(e[+-]?\d+)?$/.test(s) && /\d/.test(s)) return Number(s.replace(/_/g, ''));
    throw new ValueError(`could not convert string to float: '${x}'`);
  }
  throw new TypeError(`${op}(): argument '${name}' must be a real number, not ${pyTypeName(x)}`);
}
