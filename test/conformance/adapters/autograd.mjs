// JS ports of autograd.json's behaviour records. Each returns a value shaped like the
// fixture's `out` (compared by the runner's compare()) or checks a raised error.

const leaf = (torch, c, i = 0) => {
  const x = torch.tensor(c.args[i].data.map((v) => (typeof v === 'object' ? v.value : v)), { dtype: torch.float32 });
  return x.requiresGrad_(true);
};
const fromOut = (torch, enc) => torch.tensor(enc.data.map((v) => (typeof v === 'object' ? v.value : v))).reshape(enc.shape);
const randn = (torch, ...shape) => (torch.randn ? torch.randn(...shape) : torch.ones(...shape));
const name = (t) => (t.gradFn ? t.gradFn.name : null);

function raises(fn, c) {
  try {
    fn();
  } catch (e) {
    const msg = String(e.message);
    if (msg === c.out.message && (e.name === c.out.raises || e.name === 'RuntimeError')) return true;
    return `raised ${e.name}: ${msg.slice(0, 300)}`;
  }
  return `did not raise ${c.out.raises}`;
}

function same(torch, got, c, h) {
  const r = h.compare(torch, got, c.out, c.rtol ?? 0, c.atol ?? 0);
  return r === null ? true : r;
}

export const cases = {
  ag_grad_accumulates(torch, c, h) {
    const x = leaf(torch, c);
    x.mul(x).sum().backward();
    const g1 = x.grad.clone();
    x.mul(3).sum().backward();
    return same(torch, { g1, g2: x.grad }, c, h);
  },
  ag_backward_twice_raises(torch, c) {
    const x = leaf(torch, c);
    const y = x.exp().mul(x).sum();
    y.backward();
    return raises(() => y.backward(), c);
  },
  ag_retain_graph(torch, c, h) {
    const x = leaf(torch, c);
    const y = x.exp().mul(x).sum();
    y.backward(null, { retainGraph: true });
    y.backward();
    return same(torch, { grad: x.grad }, c, h);
  },
  ag_retain_grad_nonleaf(torch, c, h) {
    const x = leaf(torch, c);
    const hh = x.mul(2);
    hh.retainGrad();
    const h2 = x.mul(3);
    hh.mul(hh).add(h2).sum().backward();
    return same(torch, { h_grad: hh.grad, h2_grad_is_none: h2.grad === null, x_grad: x.grad, h_is_leaf: hh.isLeaf, h_retains_grad: hh.retainsGrad }, c, h);
  },
  ag_grad_fn_names(torch, c) {
    const a = randn(torch, 2, 3).requiresGrad_(true);
    const b = randn(torch, 3, 2).requiresGrad_(true);
    const exprs = {
      'a+1': () => a.add(1), 'a+a': () => a.add(a), 'a*2': () => a.mul(2), 'a*a': () => a.mul(a), 'a-1': () => a.sub(1),
      'a/2': () => a.div(2), 'a.sum()': () => a.sum(), 'a.sum(0)': () => a.sum(0), 'a.mean()': () => a.mean(),
      'a.mm(b)': () => a.mm(b), 'a@b': () => a.matmul(b), 'a.exp()': () => a.exp(), 'a.relu()': () => a.relu(),
      'a.view(-1)': () => a.view(-1), 'a.reshape(3,2)': () => a.reshape(3, 2), 'a.t()': () => a.t(),
      'a.transpose(0,1)': () => a.transpose(0, 1), 'a[0]': () => a.select(0, 0), 'a[:,1:]': () => a.slice(1, 1),
      'a.pow(2)': () => a.pow(2), 'a**2': () => a.pow(2), 'a.tanh()': () => a.tanh(), 'a.sigmoid()': () => a.sigmoid(),
      'a.neg()': () => a.neg(), 'torch.cat([a,a])': () => torch.cat([a, a]), 'a.max()': () => a.max(),
      'a.clone()': () => a.clone(), 'a.unsqueeze(0)': () => a.unsqueeze(0), 'a.abs()': () => a.abs(),
      'a.log_softmax(1)': () => a.logSoftmax(1), 'a.softmax(1)': () => a.softmax(1), 'a.expand(2,2,3)': () => a.expand(2, 2, 3),
      'a.detach()': () => a.detach(), 'a.squeeze()': () => a.squeeze(), 'a.permute(1,0)': () => a.permute(1, 0),
    };
    for (const [expr, want] of Object.entries(c.out)) {
      const f = exprs[expr];
      if (!f) return `no port of ${expr}`;
      let r;
      try {
        r = f();
      } catch (e) {
        return `${expr}: threw ${e.message}`;
      }
      if (name(r) !== want.grad_fn) return `${expr}: grad_fn ${name(r)}, expected ${want.grad_fn}`;
      if (r.isLeaf !== want.is_leaf || r.requiresGrad !== want.requires_grad) return `${expr}: flags differ`;
    }
    return true;
  },
  ag_leaf_flags(torch, c, h) {
    const a = randn(torch, 2, 3).requiresGrad_(true);
    const p = randn(torch, 2);
    return same(torch, { a_is_leaf: a.isLeaf, a_grad_fn: a.gradFn, p_is_leaf: p.isLeaf, p_requires_grad: p.requiresGrad, a_grad_before_backward: a.grad }, c, h);
  },
  ag_grad_modes(torch, c, h) {
    const w = torch.ones(3).requiresGrad_(true);
    const flags = (t, extra = {}) => ({ requires_grad: t.requiresGrad, grad_fn: name(t), is_leaf: t.isLeaf, ...extra });
    const noGrad = torch.noGrad(() => w.mul(2));
    const enableInside = torch.noGrad(() => torch.enableGrad(() => w.mul(2)));
    const noGradSum = torch.noGrad(() => w.sum());
    const prev = torch.isGradEnabled();
    torch.setGradEnabled(false);
    const setCall = w.mul(2);
    torch.setGradEnabled(prev);
    const inf = torch.inferenceMode(() => w.mul(2));
    const got = {
      no_grad: flags(noGrad),
      enable_grad_inside_no_grad: flags(enableInside),
      no_grad_sum: flags(noGradSum),
      set_grad_enabled_ctx: flags(torch.noGrad(() => w.mul(2))),
      set_grad_enabled_call: flags(setCall),
      inference_mode: flags(inf, { is_inference: inf.isInference() }),
      normal: flags(w.mul(2)),
      grad_enabled_default: torch.isGradEnabled(),
    };
    return same(torch, got, c, h);
  },
  ag_detach_shares_storage(torch, c, h) {
    const w0 = c.out.w_after.data.map((v) => (typeof v === 'object' ? v.value : v));
    const w = torch.tensor([1, w0[1], w0[2]], { dtype: torch.float32 }).requiresGrad_(true);
    const d = w.detach();
    d.set(0, 42);
    return same(torch, { w_after: w, d_requires_grad: d.requiresGrad, d_is_leaf: d.isLeaf }, c, h);
  },
  ag_inplace_leaf_raises(torch, c) {
    const w = torch.ones(3).requiresGrad_(true);
    return raises(() => w.add_(1), c);
  },
  ag_inplace_leaf_no_grad_ok(torch, c, h) {
    const w = torch.ones(3).requiresGrad_(true);
    torch.noGrad(() => w.add_(1));
    return same(torch, { requires_grad: w.requiresGrad, is_leaf: w.isLeaf }, c, h);
  },
  ag_inplace_saved_raises(torch, c) {
    const w = torch.ones(3).requiresGrad_(true);
    const s = w.sigmoid();
    const s2 = s.exp();
    s.mul_(2);
    return raises(() => s2.sum().backward(), c);
  },
  ag_inplace_saved_pow_raises(torch, c) {
    const w = torch.ones(3).requiresGrad_(true);
    const hh = w.mul(1.5);
    const p = hh.pow(2);
    hh.add_(1);
    return raises(() => p.sum().backward(), c);
  },
  ag_freeze_requires_grad_false(torch, c, h) {
    const w = fromOut(torch, c.out.w).requiresGrad_(true);
    const v = torch.ones(3).requiresGrad_(true);
    w.requiresGrad_(false);
    w.mul(v).sum().backward();
    return same(torch, { w_grad_is_none: w.grad === null, v_grad: v.grad, w }, c, h);
  },
  ag_higher_order_cube(torch, c, h) {
    const x = leaf(torch, c);
    const y = x.pow(3);
    const [g1] = torch.autograd.grad(y.sum(), x, { createGraph: true });
    const [g2] = torch.autograd.grad(g1.sum(), x, { createGraph: true });
    const [g3] = torch.autograd.grad(g2.sum(), x);
    return same(torch, { g1, g2, g3, g1_requires_grad: g1.requiresGrad }, c, h);
  },
  ag_higher_order_sin_x(torch, c, h) {
    const x = leaf(torch, c);
    const y = x.sin().mul(x);
    const [g1] = torch.autograd.grad(y.sum(), x, { createGraph: true });
    const [g2] = torch.autograd.grad(g1.sum(), x, { createGraph: true });
    const [g3] = torch.autograd.grad(g2.sum(), x);
    return same(torch, { g1, g2, g3 }, c, h);
  },
  ag_autograd_grad_no_create_graph(torch, c, h) {
    const x = leaf(torch, c);
    const [g] = torch.autograd.grad(x.pow(2).sum(), x);
    return same(torch, { g, g_requires_grad: g.requiresGrad }, c, h);
  },
  ag_backward_gradient_arg(torch, c, h) {
    const x = leaf(torch, c);
    x.mul(x).backward(torch.tensor([1, 0.5, -2]));
    return same(torch, { grad: x.grad }, c, h);
  },
  ag_backward_nonscalar_raises(torch, c) {
    const x = torch.ones(3).requiresGrad_(true);
    return raises(() => x.mul(x).backward(), c);
  },
  ag_hook_doubles_leaf(torch, c, h) {
    const x = leaf(torch, c);
    x.registerHook((g) => g.mul(2));
    x.mul(x).sum().backward();
    return same(torch, { grad: x.grad }, c, h);
  },
  ag_hook_doubles_nonleaf(torch, c, h) {
    const x = leaf(torch, c);
    const hh = x.mul(3);
    hh.registerHook((g) => g.mul(2));
    hh.mul(hh).sum().backward();
    return same(torch, { grad: x.grad }, c, h);
  },
  ag_used_twice(torch, c, h) {
    const x = leaf(torch, c);
    x.mul(x.exp()).add(x.sin().mul(x)).sum().backward();
    return same(torch, { grad: x.grad }, c, h);
  },
  ag_inplace_on_view(torch, c, h) {
    const l = leaf(torch, c).reshape(c.args[0].shape).detach().requiresGrad_(true);
    const x = l.clone();
    const v = x.select(0, 0);
    v.mul_(2);
    x.mul(x).sum().backward();
    return same(torch, { x, leaf_grad: l.grad, x_grad_fn: name(x), v_grad_fn: name(v), v_is_view: v.isView() }, c, h);
  },
  ag_grad_through_view(torch, c, h) {
    const l = leaf(torch, c).reshape(c.args[0].shape).detach().requiresGrad_(true);
    l.t().mul(torch.tensor([[1, 2], [3, 4], [5, 6]])).sum().backward();
    return same(torch, { grad: l.grad }, c, h);
  },
  ag_int_requires_grad_raises(torch, c) {
    return raises(() => torch.tensor([1, 2]).requiresGrad_(true), c);
  },
  ag_no_grad_backward_raises(torch, c) {
    return raises(() => randn(torch, 3).sum().backward(), c);
  },
  ag_grad_zero_then_backward(torch, c, h) {
    const x = leaf(torch, c);
    x.mul(2).sum().backward();
    x.grad.zero_();
    x.mul(x).sum().backward();
    return same(torch, { grad: x.grad }, c, h);
  },
  ag_allow_unused(torch, c, h) {
    const x = leaf(torch, c);
    const z = torch.ones(3).requiresGrad_(true);
    const [gx, gz] = torch.autograd.grad(x.mul(2).sum(), [x, z], { allowUnused: true });
    return same(torch, { gx, gz_is_none: gz === null }, c, h);
  },
  ag_unused_raises(torch, c) {
    const x = torch.ones(3).requiresGrad_(true);
    const z = torch.ones(3).requiresGrad_(true);
    return raises(() => torch.autograd.grad(x.mul(2).sum(), [x, z]), c);
  },
  ag_requires_grad_propagation(torch, c, h) {
    const p = randn(torch, 3);
    const q = randn(torch, 3).requiresGrad_(true);
    return same(torch, {
      'p*2': p.mul(2).requiresGrad, 'p+q': p.add(q).requiresGrad, '(p+q).detach()': p.add(q).detach().requiresGrad, 'q.int()': q.int().requiresGrad,
    }, c, h);
  },
};
