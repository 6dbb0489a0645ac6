// Optimizer and scheduler arguments: PyTorch's positional order or a trailing options
// object (camelCase or snake_case keys), bound to a schema like the ops' signatures;
// option names between our camelCase groups and PyTorch's snake_case state_dicts; and
// Python's repr of option values for messages.

import { parseSignature, bindArgs, isPlainObject, camelCase, type Param } from '../ops/signature.js';
import { ValueError } from '../tensor/shape.js';
import { isTensor } from '../tensor/tensor.js';

export { camelCase };

/** weightDecay -> weight_decay (PyTorch's key in state_dicts and reprs). */
export const snakeCase = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const parsed = new Map<string, Param[]>();

/**
 * Binds the arguments that follow `params` (PyTorch's positional order, then an
 * optional options object) to `sig`, in schema notation. Returns the values by
 * camelCase name; a missing argument takes the schema's default.
 */
export function bindOptions(name: string, sig: string, args: readonly unknown[]): Record<string, any> {
  let params = parsed.get(sig);
  if (!params) parsed.set(sig, (params = parseSignature(sig)));
  const last = args[args.length - 1];
  const hasKw = args.length > 0 && isPlainObject(last);
  const positional = hasKw ? args.slice(0, -1) : [...args];
  const values = bindArgs(name, params, positional, hasKw ? (last as Record<string, unknown>) : null);
  const out: Record<string, unknown> = {};
  params.forEach((p, i) => (out[p.camel] = values[i]));
  return out;
}

/** Python's repr of a number: shortest round-trip digits, exponent outside [1e-4, 1e16). */
export function pyNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return Object.is(x, -0) ? '-0' : String(x);
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) return String(x);
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Python's repr of an option value: numbers, True/False/None, tuples, strings. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(', ')})`;
  if (isTensor(v)) return String(v);
  if (typeof v === 'function') return `<function ${v.name || '<lambda>'}>`;
  return String(v);
}

/** PyTorch's constructor checks: `ValueError: Invalid learning rate: -1`. */
export function check(ok: boolean, message: string): void {
  if (!ok) throw new ValueError(message);
}

/** A pair option (betas, etas, step_sizes): two numbers. */
export function pair(name: string, arg: string, v: unknown): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || v.some((x) => typeof x !== 'number')) {
    throw new TypeError(`${name}(): argument '${arg}' must be a pair of floats`);
  }
  return [v[0], v[1]];
}
