// optim.json: optimizer trajectories. A case names the optimizer and its kwargs, the
// starting parameter(s), the gradient given before each step and the parameter(s)
// after it; `param_groups` cases put param0[i] alone in group i, whose options
// override the kwargs.

export function run(torch, c, h) {
  const Optimizer = torch.optim[c.optimizer];
  if (typeof Optimizer !== 'function') return `torch.optim.${c.optimizer} is not available`;
  const grouped = Array.isArray(c.param_groups);
  const starts = grouped ? c.param0 : [c.param0];
  const params = starts.map((p) => {
    const t = h.decodeTensor(torch, p).clone();
    t.requiresGrad = true;
    return t;
  });
  const kwargs = h.camelKwargs(h.decode(torch, c.kwargs ?? {}));
  const opt = grouped
    ? new Optimizer(params.map((p, i) => ({ params: [p], ...h.camelKwargs(h.decode(torch, c.param_groups[i])) })), kwargs)
    : new Optimizer(params, kwargs);
  for (let step = 0; step < c.grads.length; step++) {
    const grads = grouped ? c.grads[step] : [c.grads[step]];
    const expected = grouped ? c.params_after[step] : [c.params_after[step]];
    params.forEach((p, i) => (p.grad = h.decodeTensor(torch, grads[i])));
    opt.step();
    for (let i = 0; i < params.length; i++) {
      const r = h.compare(torch, params[i].detach(), expected[i], c.rtol ?? 0, c.atol ?? 0, `step ${step + 1} param ${i}`);
      if (r) return r;
    }
  }
  return true;
}
