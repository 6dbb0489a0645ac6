// sequence.json: recurrent and transformer modules, each case run from its fields
// alone. `op` names the torch.nn class, `init` its constructor arguments (a nested
// module argument is {op, init}), `params` the state_dict loaded before the call,
// `mode` train/eval, `args` (+ `kwargs`) the call, whose tuples `nesting` describes
// in flat indices ({"args": [0, [1, 2]], "out": [0, [1, 2]]}: m(a0, [a1, a2]) returns
// [o0, [o1, o2]]); `out` and `grad_output` are flat, `grads` keyed input<i> (flat args)
// or by parameter name, for sum(out * grad_output). `grad_enabled: false` runs under
// no_grad.

import { loadArea } from '../runner.mjs';

const camel = (s) => s.replace(/_([a-z0-9])/g, (_m, c) => c.toUpperCase());

/** The torch.nn class of an op name 'nn.X'. */
function moduleClass(torch, op) {
  const cls = op.startsWith('nn.') ? torch.nn?.[op.slice(3)] : undefined;
  if (typeof cls !== 'function') throw new Error(`torch.${op} is not available`);
  return cls;
}

/** A constructed module: init kwargs by name (camelCase), nested {op, init} modules built first. */
function construct(torch, h, op, init) {
  const options = {};
  for (const [k, v] of Object.entries(init ?? {})) {
    const isModule = v !== null && typeof v === 'object' && !Array.isArray(v) && 'op' in v && 'init' in v;
    options[camel(k)] = isModule ? construct(torch, h, v.op, v.init) : h.decode(torch, v);
  }
  const Cls = moduleClass(torch, op);
  return new Cls(options);
}

/** Values arranged as `shape` (indices into flat, nested lists), or flat itself without one. */
const nest = (flat, shape) => (shape === undefined ? flat : shape.map((s) => (Array.isArray(s) ? nest(flat, s) : flat[s])));

/** The flat list of a result arranged as `shape` (a tensor alone when there is no shape and it is one). */
function flatten(result, shape) {
  if (shape === undefined) return result;
  const out = [];
  const walk = (r, s) => {
    if (Array.isArray(s)) {
      if (!Array.isArray(r) || r.length !== s.length) throw new Error(`result does not have the structure ${JSON.stringify(s)}`);
      s.forEach((si, i) => walk(r[i], si));
    } else out[s] = r;
  };
  walk(result, shape);
  return out;
}

async function runModuleCase(torch, c, h) {
  if (c.kind === 'model') return `${c.op}: whole-model cases are not replayed by the module adapter`;
  const m = construct(torch, h, c.op, c.init);
  const params = {};
  for (const [k, v] of Object.entries(c.params ?? {})) params[k] = h.decodeTensor(torch, v);
  if (Object.keys(params).length) m.loadStateDict(params);
  if (c.mode === 'eval') m.eval();
  else m.train();
  const flatArgs = h.decode(torch, c.args ?? []);
  flatArgs.forEach((a, i) => {
    if (a instanceof torch.Tensor && a.dtype.isFloatingPoint && c.grads && `input${i}` in c.grads) a.requiresGrad = true;
  });
  const kwargs = {};
  for (const [k, v] of Object.entries(h.decode(torch, c.kwargs ?? {}))) kwargs[camel(k)] = v;
  const call = () => m(...nest(flatArgs, c.nesting?.args), ...(Object.keys(kwargs).length ? [kwargs] : []));
  const result = c.grad_enabled === false ? torch.noGrad(call) : call();
  const outs = flatten(result, c.nesting?.out);
  const r = h.compare(torch, outs, c.out, c.rtol ?? 0, c.atol ?? 0);
  if (r) return r;
  if (!c.grads || c.grad_enabled === false) return true;
  const outList = Array.isArray(outs) ? outs : [outs];
  const G = Array.isArray(c.grad_output) ? c.grad_output : [c.grad_output];
  const roots = [];
  const gs = [];
  G.forEach((g, i) => {
    const o = outList[i];
    if (g === null || g === undefined || !(o instanceof torch.Tensor) || !o.requiresGrad) return;
    roots.push(o);
    gs.push(h.decodeTensor(torch, g).to(o.dtype));
  });
  if (roots.length) torch.autograd.backward(roots, gs);
  const named = Object.fromEntries(m.namedParameters());
  for (const [key, expected] of Object.entries(c.grads)) {
    const input = /^input(\d+)$/.exec(key);
    const t = input ? flatArgs[Number(input[1])] : named[key];
    if (!(t instanceof torch.Tensor)) return `grads.${key}: no such input or parameter`;
    const e = h.compare(torch, t.grad ?? torch.zerosLike(t), expected, c.rtol ?? 0, c.atol ?? 0, `grads.${key}`);
    if (e) return e;
  }
  return true;
}

export const cases = {};
for (const c of loadArea('sequence')?.cases ?? []) cases[c.id] = runModuleCase;
