// Op signatures in PyTorch's schema notation, and binding JS call arguments to them.
//
// "Tensor self, Tensor|Scalar other, *, Scalar alpha=1" declares positional params,
// then keyword-only ones after `*`. JS calls pass positional args and, last, an
// options object with keyword (or positional) params by name in camelCase or
// snake_case: torch.add(x, y, { alpha: 2 }), x.sum({ dim: 1, keepdim: true }).

import { Tensor, pyTypeName } from '../tensor/tensor.js';

export { pyTypeName };
import { toDType } from '../tensor/dtype.js';

export interface Param {
  name: string;
  camel: string;
  type: string;
  /** `Type?`: accepts null. */
  optional: boolean;
  hasDefault: boolean;
  def: unknown;
  kwOnly: boolean;
  /** N of `int[N]` (a single int expands to N copies). */
  fixedLen: number;
}

export const camelCase = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '[' || ch === '(') depth++;
    if (ch === ']' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function parseDefault(s: string): unknown {
  if (s === 'None') return null;
  if (s === 'True') return true;
  if (s === 'False') return false;
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (/^-?[\d.]+(e-?\d+)?$/.test(s)) return Number(s);
  if (/^["'].*["']$/.test(s)) return s.slice(1, -1);
  if (s.startsWith('[')) {
    const inner = s.slice(1, -1).trim();
    return inner ? splitTopLevel(inner).map(parseDefault) : [];
  }
  return s; // named constants (contiguous_format, ...)
}

export function parseSignature(sig: string): Param[] {
  const body = sig.includes('(') ? sig.slice(sig.indexOf('(') + 1, sig.lastIndexOf(')')) : sig;
  const params: Param[] = [];
  let kwOnly = false;
  for (const part of splitTopLevel(body)) {
    if (part === '*') {
      kwOnly = true;
      continue;
    }
    const eq = part.indexOf('=');
    const decl = (eq >= 0 ? part.slice(0, eq) : part).trim();
    const sp = decl.lastIndexOf(' ');
    let type = decl.slice(0, sp).trim();
    const name = decl.slice(sp + 1).trim();
    let optional = false;
    if (type.endsWith('?')) {
      optional = true;
      type = type.slice(0, -1);
    }
    let fixedLen = 0;
    const m = /^(\w+)\[(\d+)\]$/.exec(type);
    if (m) {
      type = `${m[1]}[]`;
      fixedLen = Number(m[2]);
    }
    const hasDefault = eq >= 0;
    params.push({
      name, camel: camelCase(name), type, optional, hasDefault,
      def: hasDefault ? parseDefault(part.slice(eq + 1).trim()) : undefined, kwOnly, fixedLen,
    });
  }
  return params;
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const p = Object.getPrototypeOf(x);
  return p === Object.prototype || p === null;
}

const isScalar = (v: unknown): boolean => typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
const isInt = (v: unknown): boolean =>
  (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint' || typeof v === 'boolean';
const toInt = (v: unknown): number => (typeof v === 'boolean' ? (v ? 1 : 0) : Number(v));

function convert(op: string, p: Param, v: unknown, pos: number): unknown {
  if (v === null) {
    if (p.optional || (p.hasDefault && p.def === null)) return null;
  } else {
    switch (p.type) {
      case 'Tensor':
        if (v instanceof Tensor) return v._check(op, p.name);
        break;
      case 'Tensor|Scalar':
        if (v instanceof Tensor) return v._check(op, p.name);
        if (isScalar(v)) return v;
        break;
      case 'Scalar':
        if (isScalar(v)) return v;
        break;
      case 'int':
        if (isInt(v)) return toInt(v);
        break;
      case 'float':
        if (isScalar(v)) return Number(v);
        break;
      case 'bool':
        if (typeof v === 'boolean') return v;
        break;
      case 'str':
        if (typeof v === 'string') return v;
        break;
      case 'int[]':
        if (isInt(v)) return new Array(p.fixedLen || 1).fill(toInt(v));
        if (Array.isArray(v) && v.every(isInt)) return v.map(toInt);
        break;
      case 'float[]':
        if (isScalar(v)) return new Array(p.fixedLen || 1).fill(Number(v));
        if (Array.isArray(v) && v.every(isScalar)) return v.map(Number);
        break;
      case 'Scalar[]':
        if (Array.isArray(v) && v.every(isScalar)) return v;
        break;
      case 'Tensor[]':
        if (Array.isArray(v) && v.every((t) => t instanceof Tensor)) {
          (v as Tensor[]).forEach((t, i) => t._check(op, `${p.name}[${i}]`));
          return v;
        }
        break;
      case 'Tensor?[]':
        if (Array.isArray(v) && v.every((t) => t === null || t instanceof Tensor)) return v;
        break;
      case 'ScalarType':
        return toDType(v, op);
      default:
        return v; // any, Generator, Device, Layout, MemoryFormat: checked by the op
    }
  }
  const expected = p.type === 'Tensor|Scalar' ? 'Tensor or Number' : p.type === 'int[]' ? 'tuple of ints' : p.type;
  throw new TypeError(`${op}(): argument '${p.name}' (position ${pos + 1}) must be ${expected}, not ${pyTypeName(v)}`);
}

/**
 * Binds call arguments to params in declaration order. `kwargs`, when present, is the
 * trailing options object (already split off by the caller, without `out`).
 */
export function bindArgs(op: string, params: Param[], args: unknown[], kwargs: Record<string, unknown> | null): unknown[] {
  const n = params.length;
  // vals[i] !== undefined marks a given argument (an undefined argument counts as not given)
  const vals = new Array<unknown>(n);
  let ai = 0;
  let nPositional = 0;
  while (nPositional < n && !params[nPositional].kwOnly) nPositional++;
  for (let i = 0; i < nPositional && ai < args.length; i++) {
    const p = params[i];
    const a = args[ai];
    // size-like int lists may be given as varargs: zeros(2, 3), x.view(2, -1), x.permute(1, 0)
    if (p.type === 'int[]' && i === nPositional - 1 && isInt(a) && args.length - ai > 1 && !p.fixedLen) {
      vals[i] = args.slice(ai);
      ai = args.length;
      break;
    }
    if (a !== undefined) vals[i] = a;
    ai++;
  }
  if (ai < args.length) {
    throw new TypeError(`${op}() takes ${nPositional} positional argument${nPositional === 1 ? '' : 's'} but ${args.length} were given`);
  }
  if (kwargs) {
    for (const key of Object.keys(kwargs)) {
      const v = kwargs[key];
      if (v === undefined) continue;
      const idx = params.findIndex((p) => p.camel === key || p.name === key);
      if (idx < 0) throw new TypeError(`${op}() got an unexpected keyword argument '${key}'`);
      if (vals[idx] !== undefined) throw new TypeError(`${op}() got multiple values for argument '${params[idx].name}'`);
      vals[idx] = v;
    }
  }
  for (let i = 0; i < n; i++) {
    const p = params[i];
    if (vals[i] === undefined) {
      if (p.hasDefault) {
        // a scalar default of a list param means that value repeated ("int[2] padding=0" is [0, 0])
        const list = typeof p.def === 'number' && (p.type === 'int[]' || p.type === 'float[]');
        vals[i] = Array.isArray(p.def) ? [...p.def] : list ? new Array(p.fixedLen || 1).fill(p.def) : p.def;
        continue;
      }
      if (p.optional) {
        vals[i] = null;
        continue;
      }
      throw new TypeError(`${op}() missing required argument '${p.name}' (pos ${i + 1})`);
    }
    vals[i] = convert(op, p, vals[i], i);
  }
  return vals;
}
