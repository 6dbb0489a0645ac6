// lr_scheduler.json: learning-rate sequences. A case names the scheduler and its kwargs,
// the optimizer (with base_lr) it drives, and the number of epochs; lrs[e] is group 0's
// lr read before epoch e's optimizer.step(), the scheduler stepping after it (with
// metrics[e] for ReduceLROnPlateau). OneCycleLR cases also record the momentum (beta1
// for Adam) before each step.

export function run(torch, c, h) {
  const Optimizer = torch.optim[c.optimizer];
  const Scheduler = torch.optim.lr_scheduler[c.scheduler];
  if (typeof Optimizer !== 'function') return `torch.optim.${c.optimizer} is not available`;
  if (typeof Scheduler !== 'function') return `torch.optim.lr_scheduler.${c.scheduler} is not available`;
  const p = torch.zeros(2);
  p.requiresGrad = true;
  const opt = new Optimizer([p], { ...h.camelKwargs(h.decode(torch, c.optimizer_kwargs ?? {})), lr: h.decode(torch, c.base_lr) });
  const sched = new Scheduler(opt, h.camelKwargs(h.decode(torch, c.kwargs ?? {})));
  const lrs = [];
  const momentums = [];
  const epochs = h.decode(torch, c.epochs);
  for (let e = 0; e < epochs; e++) {
    const group = opt.paramGroups[0];
    lrs.push(group.lr);
    momentums.push(Array.isArray(group.betas) ? group.betas[0] : group.momentum);
    opt.step();
    if (c.metrics) sched.step(h.decode(torch, c.metrics[e]));
    else sched.step();
  }
  return (
    h.compare(torch, lrs, c.lrs, c.rtol ?? 0, c.atol ?? 0, 'lrs') ??
    (c.momentums ? h.compare(torch, momentums, c.momentums, c.rtol ?? 0, c.atol ?? 0, 'momentums') : null) ??
    true
  );
}
