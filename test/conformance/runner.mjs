// Replays PyTorch's recorded outputs (../shared/conformance or $CONFORMANCE_DIR)
// against the built runtime and counts passed / failed / skipped per area.
//
// A case is generic when it names an op and arguments; the runner decodes the
// arguments, applies input views, calls the op the way the README documents
// (torch.fn(...args, kwargs) or tensor.method(...)), compares the result and, when
// the fixture has them, the gradients of sum(out * grad_output). Behaviour records
// and ops with a different JS spelling go through adapters/<area>.mjs.
// A case that cannot run (missing op, exception) counts as failed, never skipped.

import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFixtureJson, PyFloat, hasFloat } from './fixture_json.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_DIR = join(here, '..', '..', '..', 'shared', 'conformance');
export const AREAS = [
  'seed', 'creation', 'rng', 'printing', 'pointwise', 'reduction', 'indexing', 'linalg', 'autograd', 'errors',
  'nn', 'loss', 'optim', 'lr_scheduler', 'serialization', 'models', 'mnist', 'sequence',
];

export function fixtureDir() {
  return process.env.CONFORMANCE_DIR || DEFAULT_DIR;
}

export function loadArea(area, dir = fixtureDir()) {
  const file = join(dir, `${area}.json`);
  if (!existsSync(file)) return null;
  return parseFixtureJson(readFileSync(file, 'utf8'));
}

export const camel = (s) => s.replace(/_([a-z0-9])/g, (_m, c) => c.toUpperCase());

// ---------------------------------------------------------------------------
// Decoding fixture values

export const isEncodedTensor = (v) =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && 'dtype' in v && 'shape' in v && 'data' in v;

export function decodeScalar(x) {
  if (x instanceof PyFloat) return x.value;
  if (x === 'nan') return NaN;
  if (x === 'inf') return Infinity;
  if (x === '-inf') return -Infinity;
  return x;
}

export function decodeTensor(torch, v) {
  const flat = v.data.map(decodeScalar);
  const dtype = torch[v.dtype];
  const t = torch.tensor(flat.length ? flat : [], { dtype });
  return v.shape.length === 1 && v.shape[0] === flat.length ? t : t.reshape(v.shape);
}

/** Fixture value -> JS argument (tensors, dtypes, numbers). */
export function decode(torch, v) {
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) return v.map((x) => decode(torch, x));
  if (v !== null && typeof v === 'object') {
    if (isEncodedTensor(v)) return decodeTensor(torch, v);
    if ('torch_dtype' in v) return torch[v.torch_dtype];
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = decode(torch, x);
    return o;
  }
  if (v === 'nan' || v === 'inf' || v === '-inf') return decodeScalar(v);
  return v;
}

export function applyView(t, view) {
  const [kind, a] = Object.entries(view)[0];
  switch (kind) {
    case 'transpose': return t.transpose(a[0], a[1]);
    case 'permute': return t.permute(a);
    case 'expand': return t.expand(a);
    case 'slice': return t.slice(a[0], a[1], a[2], a[3] ?? 1);
    default: throw new Error(`unknown input view ${kind}`);
  }
}

// ---------------------------------------------------------------------------
// Comparing results

function flatValues(t) {
  const l = t.tolist();
  const out = [];
  const walk = (x) => (Array.isArray(x) ? x.forEach(walk) : out.push(x));
  walk(l);
  return out;
}

function close(a, e, rtol, atol) {
  if (typeof e === 'boolean' || typeof a === 'boolean') return Boolean(a) === Boolean(e) && typeof a === typeof e;
  if (typeof e === 'bigint' || typeof a === 'bigint') return BigInt(a) === BigInt(e);
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (!Number.isFinite(e)) return a === e;
  return Math.abs(a - e) <= atol + rtol * Math.abs(e);
}

/** null when `actual` matches the fixture's `expected`, else the reason. */
export function compare(torch, actual, expected, rtol = 0, atol = 0, path = 'out') {
  rtol = decodeScalar(rtol) ?? 0;
  atol = decodeScalar(atol) ?? 0;
  if (expected instanceof PyFloat) expected = expected.value;
  if (isEncodedTensor(expected)) {
    if (!(actual instanceof torch.Tensor)) return `${path}: expected a tensor, got ${describe(actual)}`;
    if (actual.dtype.name !== expected.dtype) return `${path}: dtype ${actual.dtype.name}, expected ${expected.dtype}`;
    const shape = [...actual.shape];
    if (shape.length !== expected.shape.length || shape.some((s, i) => s !== expected.shape[i])) {
      return `${path}: shape [${shape}], expected [${expected.shape}]`;
    }
    const got = flatValues(actual);
    const want = expected.data.map(decodeScalar);
    for (let i = 0; i < want.length; i++) {
      if (!close(got[i], want[i], rtol, atol)) return `${path}[${i}]: ${got[i]}, expected ${want[i]}`;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object' && 'torch_dtype' in expected) {
    return actual === torch[expected.torch_dtype] ? null : `${path}: ${describe(actual)}, expected dtype ${expected.torch_dtype}`;
  }
  if (Array.isArray(expected)) {
    const arr = actual instanceof torch.Tensor ? null : Array.isArray(actual) ? actual : null;
    if (arr === null) return `${path}: expected a list, got ${describe(actual)}`;
    if (arr.length !== expected.length) return `${path}: length ${arr.length}, expected ${expected.length}`;
    for (let i = 0; i < expected.length; i++) {
      const r = compare(torch, arr[i], expected[i], rtol, atol, `${path}[${i}]`);
      if (r) return r;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return `${path}: expected an object, got ${describe(actual)}`;
    for (const [k, v] of Object.entries(expected)) {
      const r = compare(torch, actual[k] ?? actual[camel(k)], v, rtol, atol, `${path}.${k}`);
      if (r) return r;
    }
    return null;
  }
  if (expected === null) return actual === null || actual === undefined ? null : `${path}: ${describe(actual)}, expected None`;
  if (actual instanceof torch.Tensor && actual.numel() === 1) actual = actual.item();
  const e = decodeScalar(expected);
  return close(actual, e, rtol, atol) ? null : `${path}: ${describe(actual)}, expected ${String(e)}`;
}

function describe(v) {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'object' && v.constructor?.name === 'Tensor') return `tensor(${v.dtype.name} [${v.shape}])`;
  if (Array.isArray(v)) return `list(${v.length})`;
  return `${typeof v} ${String(v).slice(0, 60)}`;
}

// ---------------------------------------------------------------------------
// Calling ops

/** torch.X / torch.linalg.X / torch.nn.functional.X / Tensor.X -> a JS function of (args, kwargs). */
export function resolveOp(torch, op) {
  const fnOf = (ns, name) => {
    const f = ns?.[camel(name)] ?? ns?.[name];
    if (typeof f !== 'function') throw new Error(`${op}: not available as ${camel(name)}`);
    return (args, kwargs) => f(...args, ...(Object.keys(kwargs).length ? [kwargs] : []));
  };
  for (const [prefix, ns] of [
    ['torch.nn.functional.', torch.nn?.functional],
    ['F.', torch.nn?.functional],
    ['torch.linalg.', torch.linalg],
    ['torch.special.', torch.special],
    ['torch.', torch],
  ]) {
    if (op.startsWith(prefix)) return fnOf(ns, op.slice(prefix.length));
  }
  if (op.startsWith('Tensor.')) {
    const name = op.slice(7);
    return (args, kwargs) => {
      const self = args[0];
      const m = self?.[camel(name)] ?? self?.[name];
      if (typeof m !== 'function') throw new Error(`${op}: no method ${camel(name)}`);
      return m.call(self, ...args.slice(1), ...(Object.keys(kwargs).length ? [kwargs] : []));
    };
  }
  throw new Error(`${op}: unknown op form`);
}

export function camelKwargs(kwargs) {
  const o = {};
  for (const [k, v] of Object.entries(kwargs)) o[camel(k)] = v;
  return o;
}

/** Decoded args/kwargs, with requires_grad set on the inputs that have expected grads and views applied. */
export function prepareInputs(torch, c) {
  const args = decode(torch, c.args ?? []);
  const kwargs = decode(torch, c.kwargs ?? {});
  // torch.tensor-like factories: Python float literals mean the default float dtype
  if (['torch.tensor', 'torch.as_tensor'].includes(c.op) && hasFloat(c.args?.[0]) && !kwargs.dtype) {
    kwargs.dtype = torch.getDefaultDtype();
  }
  const bases = {};
  const get = (key) => {
    if (key in kwargs) return [kwargs, key];
    const parts = key.split('.').map(Number);
    if (parts.length === 1) return [args, parts[0]];
    return [args[parts[0]], parts[1]];
  };
  for (const key of Object.keys(c.grads ?? {})) {
    const [holder, k] = get(key);
    const t = holder?.[k];
    if (t instanceof torch.Tensor && t.dtype.isFloatingPoint) {
      t.requiresGrad = true;
      bases[key] = t;
    }
  }
  for (const [key, views] of Object.entries(c.input_views ?? {})) {
    const [holder, k] = get(key);
    let t = holder[k];
    for (const v of views) t = applyView(t, v);
    holder[k] = t;
  }
  return { args, kwargs: camelKwargs(kwargs), bases };
}

/** Checks gradients of sum(out * G) against the fixture's `grads`. */
export function checkGrads(torch, c, result, bases) {
  if (!c.grads) return null;
  const outs = Array.isArray(result) ? result : [result];
  const G = Array.isArray(c.grad_output) && !isEncodedTensor(c.grad_output) ? c.grad_output : [c.grad_output];
  const roots = [];
  const gs = [];
  G.forEach((g, i) => {
    if (g === null || g === undefined) return;
    const o = outs[i];
    if (!(o instanceof torch.Tensor) || !o.requiresGrad) return;
    roots.push(o);
    gs.push(decodeTensor(torch, g).to(o.dtype));
  });
  if (roots.length) torch.autograd.backward(roots, gs);
  for (const [key, expected] of Object.entries(c.grads)) {
    const base = bases[key];
    if (!base) return `grads.${key}: input is not a floating tensor`;
    let g = base.grad;
    if (g === null || g === undefined) {
      if (expected === null) continue;
      g = torch.zerosLike(base);
    }
    const r = compare(torch, g, expected, c.rtol ?? 0, c.atol ?? 0, `grads.${key}`);
    if (r) return r;
  }
  return null;
}

function errorMatches(e, c) {
  const names = [c.raises, ...(c.raises_bases ?? [])];
  const msg = String(e?.message ?? e);
  const typeOk = names.includes(e?.name) || (e?.name === 'Error' && false);
  const msgOk = msg === c.message || msg.includes(c.message);
  if (typeOk && msgOk) return null;
  return `raised ${e?.name}: "${msg.slice(0, 300)}", expected ${c.raises}: "${c.message}"`;
}

// ---------------------------------------------------------------------------

const adapterCache = new Map();
async function adapterFor(area) {
  if (!adapterCache.has(area)) {
    const file = join(here, 'adapters', `${area}.mjs`);
    adapterCache.set(area, existsSync(file) ? await import(file) : {});
  }
  return adapterCache.get(area);
}

/** The shared context adapters receive. */
export const helpers = { decode, decodeTensor, compare, prepareInputs, checkGrads, resolveOp, applyView, camel, camelKwargs };

/** Runs one case: { status: 'passed' | 'failed' | 'skipped', reason? } */
export async function runCase(torch, area, c) {
  if (c.skip) return { status: 'skipped', reason: c.note ?? 'marked skip' };
  const adapter = await adapterFor(area);
  const common = await adapterFor('common');
  try {
    if (c.seed !== undefined && torch.manualSeed) torch.manualSeed(c.seed);
    // areas whose cases name no op (optimizers, schedulers) give one `run` for all their cases
    const byCase = adapter.cases?.[c.id] ?? adapter.run;
    if (byCase) return normalise(await byCase(torch, c, helpers));
    const byOp = adapter.ops?.[c.op] ?? common.ops?.[c.op];
    if (c.raises) {
      try {
        const { args, kwargs } = prepareInputs(torch, c);
        if (byOp) await byOp(torch, args, kwargs, c, helpers);
        else resolveOp(torch, c.op)(args, kwargs);
      } catch (e) {
        const r = errorMatches(e, c);
        return r ? { status: 'failed', reason: r } : { status: 'passed' };
      }
      return { status: 'failed', reason: `did not raise ${c.raises}` };
    }
    if (c.code && !byOp && !c.op?.startsWith('torch.') && !c.op?.startsWith('Tensor.')) {
      return { status: 'failed', reason: `behaviour record ${c.op} has no adapter` };
    }
    const { args, kwargs, bases } = prepareInputs(torch, c);
    const result = byOp ? await byOp(torch, args, kwargs, c, helpers) : resolveOp(torch, c.op)(args, kwargs);
    if (c.check === 'shape_dtype_only') {
      const shapeOk = JSON.stringify([...result.shape]) === JSON.stringify(c.out_shape);
      const dtOk = result.dtype.name === c.out_dtype;
      return shapeOk && dtOk ? { status: 'passed' } : { status: 'failed', reason: `shape/dtype [${result.shape}] ${result.dtype.name}` };
    }
    const r = compare(torch, result, c.out, c.rtol ?? 0, c.atol ?? 0) ?? checkGrads(torch, c, result, bases);
    return r ? { status: 'failed', reason: r } : { status: 'passed' };
  } catch (e) {
    return { status: 'failed', reason: `threw ${e?.name ?? 'Error'}: ${String(e?.message ?? e).slice(0, 300)}` };
  }
}

function normalise(r) {
  if (r === true) return { status: 'passed' };
  if (r === false || r === undefined) return { status: 'failed', reason: 'adapter check failed' };
  if (typeof r === 'string') return { status: 'failed', reason: r };
  return r;
}

/** Runs every case of an area inside a tidy scope per case. */
export async function runArea(torch, area, dir = fixtureDir()) {
  const data = loadArea(area, dir);
  if (!data) return null;
  const res = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const c of data.cases) {
    let r;
    const before = torch.memory().liveTensors;
    r = await runCase(torch, area, c);
    void before;
    res[r.status]++;
    if (r.status === 'failed') res.failures.push({ id: c.id, reason: r.reason });
  }
  return res;
}
