// nn.json: module cases replayed through the nn.Module classes, generically, as a
// PyTorch user would write them:
//   m = new torch.nn[X]({ ...init in camelCase })   (or a parsed 'Sequential(Linear(4,3), ReLU())')
//   m.loadStateDict(params); m.train(mode === 'train'); out = m(...args, kwargs)
// then out, the gradients of sum(out * grad_output) (keys input<i> and parameter
// names) and buffers_after are compared. `kind: "init"` cases construct the module
// after manualSeed(seed) and compare its stateDict. F.* cases call torch.nn.functional.
// Nothing here knows a particular module or case.

import { loadArea } from '../runner.mjs';

const camel = (s) => s.replace(/_([a-z0-9])/g, (_m, c) => c.toUpperCase());
const camelKeys = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));

// ---------------------------------------------------------------------------
// Module construction

/** The torch.nn class of an op name ('nn.Conv2d', 'torch.nn.Conv2d', 'Conv2d'). */
function moduleClass(torch, op) {
  const name = op.replace(/^(torch\.)?nn\./, '');
  const cls = torch.nn[name];
  if (typeof cls !== 'function') throw new Error(`torch.nn.${name} is not available`);
  return cls;
}

/** A constructor argument: tensors and dtypes decoded, nested modules ({op, init}) built. */
function initValue(torch, h, v) {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'op' in v && 'init' in v) return construct(torch, h, v.op, v.init);
  if (Array.isArray(v)) return v.map((x) => initValue(torch, h, x));
  return h.decode(torch, v);
}

/** new torch.nn[op](init as a camelCase options object), or the module a 'Name(args)' string spells. */
export function construct(torch, h, op, init, tensorInit = {}) {
  if (typeof init === 'string') return evalModuleExpr(torch, init);
  const kw = {};
  for (const [k, v] of Object.entries(init ?? {})) kw[camel(k)] = initValue(torch, h, v);
  for (const [k, v] of Object.entries(tensorInit)) kw[camel(k)] = h.decode(torch, v);
  const Cls = moduleClass(torch, op);
  return new Cls(kw);
}

/**
 * Tokens of a Python call expression: names, numbers, strings, punctuation.
 * 'Sequential(Linear(4,3), ReLU(), Linear(3, 2, bias=False))'
 */
function tokenize(src) {
  const re = /\s*(?:([A-Za-z_][\w.]*)|(-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|([()[\],=]))/gy;
  const out = [];
  let m;
  let end = 0;
  while ((m = re.exec(src)) !== null) {
    if (m[1] !== undefined) out.push({ kind: 'name', v: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'num', v: Number(m[2]) });
    else if (m[3] !== undefined) out.push({ kind: 'str', v: m[3].slice(1, -1) });
    else out.push({ kind: 'punct', v: m[4] });
    end = re.lastIndex;
  }
  if (src.slice(end).trim() !== '') throw new Error(`cannot parse module expression at: ${src.slice(end)}`);
  return out;
}

/** Evaluates a Python module expression: Name(positional..., key=value...), literals, tuples, lists. */
export function evalModuleExpr(torch, src) {
  const toks = tokenize(src);
  let i = 0;
  const peek = () => toks[i];
  const expect = (v) => {
    const t = toks[i++];
    if (!t || t.v !== v) throw new Error(`expected '${v}' in module expression ${src}`);
  };
  const seq = (close) => {
    const items = [];
    while (peek()?.v !== close) {
      items.push(value());
      if (peek()?.v === ',') i++;
    }
    expect(close);
    return items;
  };
  const value = () => {
    const t = toks[i++];
    if (!t) throw new Error(`unexpected end of module expression ${src}`);
    if (t.kind === 'num' || t.kind === 'str') return t.v;
    if (t.v === '(') return seq(')');
    if (t.v === '[') return seq(']');
    if (t.kind === 'name') {
      if (t.v === 'True') return true;
      if (t.v === 'False') return false;
      if (t.v === 'None') return null;
      if (t.v.startsWith('torch.') && torch[t.v.slice(6)] !== undefined) return torch[t.v.slice(6)];
      if (peek()?.v !== '(') throw new Error(`unknown name ${t.v} in module expression ${src}`);
      i++;
      const positional = [];
      const kw = {};
      while (peek()?.v !== ')') {
        if (peek()?.kind === 'name' && toks[i + 1]?.v === '=') {
          const key = toks[i].v;
          i += 2;
          kw[camel(key)] = value();
        } else {
          positional.push(value());
        }
        if (peek()?.v === ',') i++;
      }
      expect(')');
      const Cls = moduleClass(torch, t.v);
      return Object.keys(kw).length ? new Cls(...positional, kw) : new Cls(...positional);
    }
    throw new Error(`unexpected '${t.v}' in module expression ${src}`);
  };
  const m = value();
  if (i !== toks.length) throw new Error(`trailing tokens in module expression ${src}`);
  return m;
}

// ---------------------------------------------------------------------------
// Nesting of arguments and results (LSTM's (h0, c0), (output, (h_n, c_n)))

/** Builds the nested call arguments from the flat list: nesting [0, [1, 2]] -> [a0, [a1, a2]]. */
function nest(flat, spec) {
  if (!spec) return flat;
  const build = (s) => (Array.isArray(s) ? s.map(build) : flat[s]);
  return spec.map(build);
}

/** Flattens a nested result to match the fixture's flat `out` list. */
function flatten(result, spec) {
  if (!spec) return result;
  const out = [];
  const walk = (r, s) => {
    if (Array.isArray(s)) s.forEach((sub, k) => walk(r[k], sub));
    else out[s] = r;
  };
  walk(result, spec);
  return out;
}

// ---------------------------------------------------------------------------
// Running a case

/** Decoded tensors of a name -> tensor object of the fixture. */
function decodeAll(torch, h, obj) {
  return Object.fromEntries(Object.entries(obj ?? {}).map(([k, v]) => [k, h.decodeTensor(torch, v)]));
}

function checkInit(torch, c, h, m) {
  const sd = m.stateDict();
  const keys = Object.keys(sd);
  const want = Object.keys(c.params ?? {});
  if (keys.join() !== want.join()) return `stateDict keys [${keys}], expected [${want}]`;
  for (const [k, v] of Object.entries(c.params)) {
    const r = h.compare(torch, sd[k], v, c.rtol ?? 0, c.atol ?? 0, `stateDict.${k}`);
    if (r) return r;
  }
  return true;
}

/** Gradients of sum(out * grad_output) for `roots`, compared with the fixture's grads. */
function checkGrads(torch, c, h, outs, tensorOf) {
  if (!c.grads) return null;
  const G = Array.isArray(c.grad_output) ? c.grad_output : [c.grad_output];
  const roots = [];
  const gs = [];
  G.forEach((g, i) => {
    if (g === null || g === undefined || !(outs[i] instanceof torch.Tensor) || !outs[i].requiresGrad) return;
    roots.push(outs[i]);
    gs.push(h.decodeTensor(torch, g).to(outs[i].dtype));
  });
  if (roots.length) torch.autograd.backward(roots, gs);
  for (const [key, expected] of Object.entries(c.grads)) {
    const t = tensorOf(key);
    if (!(t instanceof torch.Tensor)) return `grads.${key}: no such input or parameter`;
    if (expected === null) continue;
    const e = h.compare(torch, t.grad ?? torch.zerosLike(t), expected, c.rtol ?? 0, c.atol ?? 0, `grads.${key}`);
    if (e) return e;
  }
  return null;
}

/** One module (or F.*) case of nn.json, loss.json or sequence.json: true, or why it failed. */
export async function runModuleCase(torch, c, h) {
  if (c.kind === 'model') return `kind "model" cases need their own architecture (${c.op})`;
  const isFunctional = c.op.startsWith('F.');
  const m = isFunctional ? null : construct(torch, h, c.op, c.init, c.tensor_init);
  if (c.kind === 'init') return checkInit(torch, c, h, m);

  const params = decodeAll(torch, h, c.params);
  if (m) {
    const floats = Object.values(params).filter((p) => p.dtype.isFloatingPoint);
    if (floats.length && floats.every((p) => p.dtype === torch.float64)) m.double();
    m.loadStateDict(params);
    m.train(c.mode === 'train');
  }
  const args = h.decode(torch, c.args ?? []);
  const kwargs = camelKeys(h.decode(torch, c.kwargs ?? {}));
  args.forEach((a, i) => {
    if (a instanceof torch.Tensor && a.dtype.isFloatingPoint && c.grads && `input${i}` in c.grads) a.requiresGrad = true;
  });
  const callArgs = [...nest(args, c.nesting?.args), ...(Object.keys(kwargs).length ? [kwargs] : [])];
  const call = () => {
    if (!isFunctional) return m(...callArgs);
    const name = camel(c.op.slice(2));
    const f = torch.nn.functional[name];
    if (typeof f !== 'function') throw new Error(`torch.nn.functional.${name} is not available`);
    return f(...callArgs);
  };
  const result = flatten(c.grad_enabled === false ? torch.noGrad(call) : call(), c.nesting?.out);
  const r = h.compare(torch, result, c.out, c.rtol ?? 0, c.atol ?? 0);
  if (r) return r;

  const named = m ? Object.fromEntries(m.namedParameters()) : params;
  const tensorOf = (key) => {
    const input = /^input(\d+)$/.exec(key);
    return input ? args[Number(input[1])] : named[key];
  };
  const g = checkGrads(torch, c, h, Array.isArray(result) ? result : [result], tensorOf);
  if (g) return g;

  const buffers = m ? Object.fromEntries(m.namedBuffers()) : params;
  for (const [key, expected] of Object.entries(c.buffers_after ?? {})) {
    const e = h.compare(torch, buffers[key], expected, c.rtol ?? 0, c.atol ?? 0, `buffers_after.${key}`);
    if (e) return e;
  }
  return true;
}

export const cases = {};
for (const c of loadArea('nn')?.cases ?? []) cases[c.id] = runModuleCase;
