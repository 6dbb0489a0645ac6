// Sorting a call's outcome: a result, an error of one of PyTorch's classes with a
// message, or a failure (a wasm trap, an internal JavaScript error, a plain Error, a
// result tensor whose view reaches outside its storage).
import { torch } from '../helpers.js';

export type Outcome = { kind: 'result' } | { kind: 'error'; cls: string } | { kind: 'failure'; why: string };

/** Python's exception classes as the library throws them (TypeError is JavaScript's own). */
const PY_CLASSES: [string, new (...a: any[]) => Error][] = [
  ['IndexError', torch.IndexError], ['ValueError', torch.ValueError], ['KeyError', torch.KeyError],
  ['NotImplementedError', torch.NotImplementedError], ['AttributeError', torch.AttributeError],
  ['AssertionError', torch.AssertionError], ['ZeroDivisionError', torch.ZeroDivisionError], ['RuntimeError', torch.RuntimeError],
];

/** Messages of TypeErrors (and others) that JavaScript itself throws: a missing check behind them. */
const INTERNAL_MESSAGES = [
  /^Cannot (read|set) propert/, / is not a function/, /^Cannot convert /, /^Cannot mix BigInt/,
  /^(?!')\S.* is not iterable/, /^Cannot destructure/, / is not a constructor/, /^Cannot create property/, /Invalid array length/, /^Do not know how to serialize/,
  /Reduce of empty array/, /cannot be converted to a BigInt/, /before initialization/, /^Cannot add property/,
  /object is not extensible/, /^Invalid typed array length/, /^Assignment to constant/, /^Class constructor/, /^Cannot freeze/,
  /^Offset is outside the bounds/, /^Start offset/, /Maximum call stack/, /^Cannot assign to read only property/,
];

export function classifyError(e: unknown): Outcome {
  if (e instanceof WebAssembly.RuntimeError) return { kind: 'failure', why: `wasm trap: ${e.message}` };
  if (!(e instanceof Error)) return { kind: 'failure', why: `threw a non-Error: ${String(e)}` };
  // Python's bare `assert cond` (which PyTorch's modules use) raises AssertionError without a message
  if (!e.message && !(e instanceof torch.AssertionError)) return { kind: 'failure', why: `${e.name} without a message` };
  for (const [name, C] of PY_CLASSES) if (e instanceof C) return { kind: 'error', cls: name };
  if (e instanceof TypeError && !INTERNAL_MESSAGES.some((re) => re.test(e.message))) return { kind: 'error', cls: 'TypeError' };
  const where = (e.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim()).join(' < ');
  return { kind: 'failure', why: `${e.constructor.name}: ${e.message} (${where})` };
}

/** Why a returned tensor is unsound (disposed, a bad shape, a view past its storage), or null. */
function badTensor(t: torch.Tensor): string | null {
  if (t.isDisposed) return 'returned a disposed tensor';
  const shape = t.shape;
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) return `returned shape [${shape}]`;
  if (t.numel() === 0) return null;
  const inner = t as unknown as { _strides: number[]; _offset: number; _s: { nbytes: number; freed: boolean } };
  if (inner._s.freed) return 'returned a tensor over freed storage';
  let lo = inner._offset;
  let hi = inner._offset;
  shape.forEach((d, i) => {
    const s = inner._strides[i];
    if (s < 0) lo += (d - 1) * s;
    else hi += (d - 1) * s;
  });
  if (lo < 0 || (hi + 1) * t.dtype.itemsize > inner._s.nbytes) {
    return `returned a view outside its storage (shape [${shape}], strides [${inner._strides}], offset ${inner._offset}, ${inner._s.nbytes} bytes)`;
  }
  return null;
}

/** Checks every tensor a result holds (through arrays, Maps and plain objects). */
export function classifyResult(v: unknown, depth = 0): Outcome {
  if (depth > 4 || v === null || typeof v !== 'object') return { kind: 'result' };
  if (v instanceof torch.Tensor) {
    const why = badTensor(v);
    return why ? { kind: 'failure', why } : { kind: 'result' };
  }
  const items = Array.isArray(v) ? v : v instanceof Map ? [...v.values()] : Object.getPrototypeOf(v) === Object.prototype ? Object.values(v) : [];
  for (const x of items) {
    const o = classifyResult(x, depth + 1);
    if (o.kind === 'failure') return o;
  }
  return { kind: 'result' };
}
