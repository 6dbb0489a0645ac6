// loss.json: loss modules (op 'nn.CrossEntropyLoss', init = constructor kwargs, params =
// state_dict entries, tensor_init = the params that are constructor tensors such as
// weight / pos_weight, args, out, grads keyed input<i>). Each case constructs the module
// through torch.nn with its options in camelCase, loads params with loadStateDict,
// calls it, and compares the output and the gradients of sum(out * grad_output) with
// respect to the floating inputs.

import { loadArea } from '../runner.mjs';

async function runLossCase(torch, c, h) {
  const name = c.op.startsWith('nn.') ? c.op.slice(3) : null;
  const Cls = name ? torch.nn[name] : undefined;
  if (typeof Cls !== 'function') return `torch.nn.${name ?? c.op} is not available`;
  const params = {};
  for (const [k, v] of Object.entries(c.params ?? {})) params[k] = h.decodeTensor(torch, v);
  const options = {};
  for (const [k, v] of Object.entries(h.decode(torch, c.init ?? {}))) options[h.camel(k)] = v;
  for (const k of c.tensor_init ?? []) options[h.camel(k)] = params[k];
  const module = new Cls(options);
  if (Object.keys(params).length) module.loadStateDict(params);
  if (c.mode === 'train') module.train();
  else module.eval();
  const args = h.decode(torch, c.args ?? []);
  const kwargs = h.camelKwargs(h.decode(torch, c.kwargs ?? {}));
  const inputs = {};
  args.forEach((a, i) => {
    if (a instanceof torch.Tensor && a.dtype.isFloatingPoint && c.grads && `input${i}` in c.grads) {
      a.requiresGrad = true;
      inputs[`input${i}`] = a;
    }
  });
  const out = module(...args, ...(Object.keys(kwargs).length ? [kwargs] : []));
  const r = h.compare(torch, out, c.out, c.rtol ?? 0, c.atol ?? 0);
  if (r) return r;
  if (!c.grads) return true;
  if (out.requiresGrad) torch.autograd.backward([out], [h.decodeTensor(torch, c.grad_output).to(out.dtype)]);
  for (const [key, expected] of Object.entries(c.grads)) {
    const t = inputs[key];
    if (!t) return `grads.${key}: no floating input ${key}`;
    const e = h.compare(torch, t.grad ?? torch.zerosLike(t), expected, c.rtol ?? 0, c.atol ?? 0, `grads.${key}`);
    if (e) return e;
  }
  return true;
}

export const cases = {};
for (const c of loadArea('loss')?.cases ?? []) cases[c.id] = runLossCase;
