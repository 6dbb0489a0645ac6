// Python's len(x) and x[i] over the JS values torch.utils.data accepts: datasets and
// samplers (their `length` and getItem), arrays and other array-likes (their length
// and [i], with Python's negative indices). Also the str() PyTorch's messages print.

import { IndexError } from '../../tensor/shape.js';
import { pyTypeName, isPlainObject, parseSignature, bindArgs, Param } from '../../ops/signature.js';

/** The class name Python would print for `x`'s type. */
export const typeName = (x: unknown): string => pyTypeName(x);

/** Python's len(x). */
export function lenOf(x: unknown): number {
  const n = x !== null && x !== undefined ? (x as { length?: unknown }).length : undefined;
  if (typeof n === 'number' && typeof x !== 'function') return n;
  throw new TypeError(`object of type '${typeName(x)}' has no len()`);
}

/** Python's seq[i] on an array-like: negative indices count from the end. */
export function pyIndex<T>(seq: ArrayLike<T>, i: number): T {
  const n = seq.length;
  if (!Number.isInteger(i)) throw new TypeError(`list indices must be integers or slices, not ${typeName(i)}`);
  const j = i < 0 ? i + n : i;
  if (j < 0 || j >= n) throw new IndexError('list index out of range');
  return seq[j];
}

/** dataset[index]: a dataset's getItem, or an array-like's element. */
export function getItemOf(dataset: unknown, index: unknown): unknown {
  const getItem = dataset !== null && dataset !== undefined ? (dataset as { getItem?: unknown }).getItem : undefined;
  if (typeof getItem === 'function') return getItem.call(dataset, index);
  if (typeof dataset === 'string' || (typeof dataset === 'object' && dataset !== null && typeof (dataset as ArrayLike<unknown>).length === 'number')) {
    return pyIndex(dataset as ArrayLike<unknown>, index as number);
  }
  throw new TypeError(`'${typeName(dataset)}' object is not subscriptable`);
}

/** Python's str() of a value in a message: True/False/None, objects as <Name object>. */
export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? `'${x}'` : pyStr(x))).join(', ')}]`;
  return `<${typeName(v)} object>`;
}

/**
 * Python's "no default __len__" for base classes: reading `length` throws PyTorch's
 * TypeError until a subclass defines it (a getter) or assigns it (an own property).
 */
export function missingLength(self: object): never {
  throw new TypeError(`object of type '${typeName(self)}' has no len()`);
}
export function assignLength(self: object, value: number): void {
  Object.defineProperty(self, 'length', { value, writable: true, configurable: true, enumerable: true });
}

const signatures = new Map<string, Param[]>();

/** Binds positional args and a trailing options object to a Python signature. */
export function bindCall(op: string, signature: string, args: unknown[]): unknown[] {
  let params = signatures.get(op);
  if (params === undefined) signatures.set(op, (params = parseSignature(signature)));
  const kwargs = args.length > 0 && isPlainObject(args[args.length - 1]) ? (args[args.length - 1] as Record<string, unknown>) : null;
  return bindArgs(op, params, kwargs ? args.slice(0, -1) : args, kwargs);
}
