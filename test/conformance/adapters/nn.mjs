// nn.json: module cases (op 'nn.Conv2d', init kwargs, params = state_dict entries,
// args, kwargs, mode, out, grads keyed input<i> / parameter name, buffers_after)
// replayed through torch.nn.functional with the module's parameters, as the module's
// forward would call it. F.* cases go through the same path (their grads are keyed
// input<i> too). Default-initialisation cases need nn modules and nn.init.

import { loadArea } from '../runner.mjs';

/** torch.nn.functional.<name> (or torch.<name>): the first of `names` that exists. */
const F = (torch, ...names) => {
  for (const name of names) {
    const f = torch.nn?.functional?.[name] ?? torch[name];
    if (typeof f === 'function') return f;
  }
  throw new Error(`torch.nn.functional.${names.join(' / ')} is not available`);
};

/** nn.ConvNd's padding for a non-'zeros' padding_mode: F.pad amounts, last dim first. */
function reversedPadding(init, nd) {
  const k = Array.isArray(init.kernel_size) ? init.kernel_size : new Array(nd).fill(init.kernel_size);
  const d = Array.isArray(init.dilation) ? init.dilation : new Array(nd).fill(init.dilation ?? 1);
  const p = init.padding ?? 0;
  const out = [];
  for (let i = nd - 1; i >= 0; i--) {
    if (p === 'same') {
      const total = d[i] * (k[i] - 1);
      const left = Math.floor(total / 2);
      out.push(left, total - left);
    } else {
      const v = Array.isArray(p) ? p[i] : p;
      out.push(v, v);
    }
  }
  return out;
}

function convForward(torch, nd, x, init, P) {
  const conv = F(torch, nd === 1 ? 'conv1d' : 'conv2d');
  const opts = { stride: init.stride ?? 1, dilation: init.dilation ?? 1, groups: init.groups ?? 1 };
  const mode = init.padding_mode ?? 'zeros';
  if (mode !== 'zeros') {
    const padded = F(torch, 'pad')(x, reversedPadding(init, nd), { mode });
    return conv(padded, P.weight, P.bias ?? null, { ...opts, padding: 0 });
  }
  return conv(x, P.weight, P.bias ?? null, { ...opts, padding: init.padding ?? 0 });
}

/** _BatchNorm.forward: the momentum factor and num_batches_tracked bookkeeping. */
function batchNormForward(torch, x, init, P, training) {
  const track = init.track_running_stats ?? true;
  const momentum = 'momentum' in init ? init.momentum : 0.1;
  let factor = momentum ?? 0;
  if (training && track && P.num_batches_tracked) {
    P.num_batches_tracked.add_(1);
    factor = momentum === null ? 1 / Number(P.num_batches_tracked.item()) : momentum;
  }
  const useBatch = training || (!P.running_mean && !P.running_var);
  const rm = !training || track ? P.running_mean ?? null : null;
  const rv = !training || track ? P.running_var ?? null : null;
  return F(torch, 'batchNorm')(x, rm, rv, {
    weight: P.weight ?? null, bias: P.bias ?? null, training: useBatch, momentum: factor, eps: init.eps ?? 1e-5,
  });
}

/** Each module op: (torch, inputs, init, params, training, kwargs) -> output(s). */
const MODULES = {
  'nn.Linear': (t, [x], i, P) => F(t, 'linear')(x, P.weight, P.bias ?? null),
  'nn.Bilinear': (t, [a, b], i, P) => F(t, 'bilinear')(a, b, P.weight, P.bias ?? null),
  'nn.Conv1d': (t, [x], i, P) => convForward(t, 1, x, i, P),
  'nn.Conv2d': (t, [x], i, P) => convForward(t, 2, x, i, P),
  'nn.ConvTranspose2d': (t, [x], i, P) => F(t, 'convTranspose2d')(x, P.weight, P.bias ?? null, {
    stride: i.stride ?? 1, padding: i.padding ?? 0, outputPadding: i.output_padding ?? 0, groups: i.groups ?? 1, dilation: i.dilation ?? 1,
  }),
  'nn.MaxPool1d': (t, [x], i) => F(t, 'maxPool1d')(x, i.kernel_size, {
    stride: i.stride ?? null, padding: i.padding ?? 0, dilation: i.dilation ?? 1, ceilMode: i.ceil_mode ?? false, returnIndices: i.return_indices ?? false,
  }),
  'nn.MaxPool2d': (t, [x], i) => F(t, 'maxPool2d')(x, i.kernel_size, {
    stride: i.stride ?? null, padding: i.padding ?? 0, dilation: i.dilation ?? 1, ceilMode: i.ceil_mode ?? false, returnIndices: i.return_indices ?? false,
  }),
  'nn.AvgPool1d': (t, [x], i) => F(t, 'avgPool1d')(x, i.kernel_size, {
    stride: i.stride ?? null, padding: i.padding ?? 0, ceilMode: i.ceil_mode ?? false, countIncludePad: i.count_include_pad ?? true,
  }),
  'nn.AvgPool2d': (t, [x], i) => F(t, 'avgPool2d')(x, i.kernel_size, {
    stride: i.stride ?? null, padding: i.padding ?? 0, ceilMode: i.ceil_mode ?? false, countIncludePad: i.count_include_pad ?? true,
    divisorOverride: i.divisor_override ?? null,
  }),
  'nn.AdaptiveAvgPool2d': (t, [x], i) => F(t, 'adaptiveAvgPool2d')(x, i.output_size),
  'nn.AdaptiveMaxPool2d': (t, [x], i) => F(t, 'adaptiveMaxPool2d')(x, i.output_size, { returnIndices: i.return_indices ?? false }),
  'nn.BatchNorm1d': (t, [x], i, P, training) => batchNormForward(t, x, i, P, training),
  'nn.BatchNorm2d': (t, [x], i, P, training) => batchNormForward(t, x, i, P, training),
  'nn.LayerNorm': (t, [x], i, P) => F(t, 'layerNorm')(x, Array.isArray(i.normalized_shape) ? i.normalized_shape : [i.normalized_shape], {
    weight: P.weight ?? null, bias: P.bias ?? null, eps: i.eps ?? 1e-5,
  }),
  'nn.GroupNorm': (t, [x], i, P) => F(t, 'groupNorm')(x, i.num_groups, { weight: P.weight ?? null, bias: P.bias ?? null, eps: i.eps ?? 1e-5 }),
  'nn.InstanceNorm2d': (t, [x], i, P, training) => F(t, 'instanceNorm')(x, {
    runningMean: P.running_mean ?? null, runningVar: P.running_var ?? null, weight: P.weight ?? null, bias: P.bias ?? null,
    useInputStats: training || !(i.track_running_stats ?? false), momentum: i.momentum ?? 0.1, eps: i.eps ?? 1e-5,
  }),
  'nn.Dropout': (t, [x], i, P, training) => F(t, 'dropout')(x, { p: i.p ?? 0.5, training }),
  'nn.Dropout2d': (t, [x], i, P, training) => F(t, 'dropout2d')(x, { p: i.p ?? 0.5, training }),
  'nn.Embedding': (t, [x], i, P) => F(t, 'embedding')(x, P.weight, {
    paddingIdx: i.padding_idx ?? null, maxNorm: i.max_norm ?? null, normType: i.norm_type ?? 2, scaleGradByFreq: i.scale_grad_by_freq ?? false,
  }),
  'nn.Flatten': (t, [x], i) => x.flatten(i.start_dim ?? 1, i.end_dim ?? -1),
  'nn.Unflatten': (t, [x], i) => x.unflatten(i.dim, i.unflattened_size),
  'nn.Upsample': (t, [x], i) => F(t, 'interpolate')(x, {
    size: i.size ?? null, scaleFactor: i.scale_factor ?? null, mode: i.mode ?? 'nearest', alignCorners: i.align_corners ?? null,
  }),
  'nn.PixelShuffle': (t, [x], i) => F(t, 'pixelShuffle')(x, i.upscale_factor),
  'nn.PixelUnshuffle': (t, [x], i) => F(t, 'pixelUnshuffle')(x, i.downscale_factor),
  'nn.ReLU': (t, [x]) => F(t, 'relu')(x),
  'nn.ReLU6': (t, [x]) => (t.nn?.functional?.relu6 ? F(t, 'relu6')(x) : F(t, 'hardtanh')(x, 0, 6)),
  'nn.GELU': (t, [x], i) => F(t, 'gelu')(x, { approximate: i.approximate ?? 'none' }),
  'nn.SiLU': (t, [x]) => F(t, 'silu')(x),
  'nn.Mish': (t, [x]) => F(t, 'mish')(x),
  'nn.Tanh': (t, [x]) => F(t, 'tanh')(x),
  'nn.Sigmoid': (t, [x]) => F(t, 'sigmoid')(x),
  'nn.Softmax': (t, [x], i) => F(t, 'softmax')(x, i.dim),
  'nn.LogSoftmax': (t, [x], i) => F(t, 'logSoftmax')(x, i.dim),
  'nn.LeakyReLU': (t, [x], i) => F(t, 'leakyRelu')(x, i.negative_slope ?? 0.01),
  'nn.ELU': (t, [x], i) => F(t, 'elu')(x, i.alpha ?? 1),
  'nn.Hardswish': (t, [x]) => F(t, 'hardswish')(x),
  'nn.Hardsigmoid': (t, [x]) => F(t, 'hardsigmoid')(x),
  'nn.Hardtanh': (t, [x], i) => F(t, 'hardtanh')(x, i.min_val ?? -1, i.max_val ?? 1),
  'nn.Softplus': (t, [x], i) => F(t, 'softplus')(x, i.beta ?? 1, i.threshold ?? 20),
  'nn.PReLU': (t, [x], i, P) => F(t, 'prelu')(x, P.weight),
  'nn.MultiheadAttention': (t, [q, k, v], i, P, training, kw) => {
    const mha = F(t, 'multiHeadAttentionForward');
    const bf = i.batch_first ?? false;
    const [qq, kk, vv] = bf ? [q, k, v].map((x) => x.transpose(0, 1)) : [q, k, v];
    const [out, w] = mha(qq, kk, vv, i.embed_dim, i.num_heads, P.in_proj_weight, P.in_proj_bias, null, null, false, 0,
      P['out_proj.weight'], P['out_proj.bias'], { training, ...kw });
    return [bf ? out.transpose(0, 1) : out, w];
  },
};

/** Python-style kwargs of F.* cases to the JS options object. */
const camelKw = (kw) => Object.fromEntries(Object.entries(kw).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_m, c) => c.toUpperCase()), v]));

async function runModuleCase(torch, c, h) {
  if (c.kind === 'init') return 'default initialisation needs torch.nn modules and nn.init (a later issue)';
  const args = h.decode(torch, c.args ?? []);
  const kwargs = camelKw(h.decode(torch, c.kwargs ?? {}));
  const params = {};
  for (const [k, v] of Object.entries(c.params ?? {})) params[k] = h.decodeTensor(torch, v);
  const wants = (key) => c.grads && key in c.grads;
  args.forEach((a, i) => {
    if (a instanceof torch.Tensor && a.dtype.isFloatingPoint && wants(`input${i}`)) a.requiresGrad = true;
  });
  for (const [k, p] of Object.entries(params)) if (p.dtype.isFloatingPoint && wants(k)) p.requiresGrad = true;
  const training = c.mode === 'train';
  let result;
  if (c.op.startsWith('F.')) {
    const name = c.op.slice(2).replace(/_([a-z0-9])/g, (_m, ch) => ch.toUpperCase());
    result = F(torch, name)(...args, kwargs);
  } else {
    const fwd = MODULES[c.op];
    if (!fwd) return `no functional mapping for ${c.op}`;
    result = fwd(torch, args, h.decode(torch, c.init ?? {}), params, training, kwargs);
  }
  const r = h.compare(torch, result, c.out, c.rtol ?? 0, c.atol ?? 0);
  if (r) return r;
  // gradients of sum(out * grad_output)
  if (c.grads) {
    const outs = Array.isArray(result) ? result : [result];
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
      const m = /^input(\d+)$/.exec(key);
      const t = m ? args[Number(m[1])] : params[key];
      if (!(t instanceof torch.Tensor)) return `grads.${key}: no such input`;
      const g = t.grad ?? torch.zerosLike(t);
      const e = h.compare(torch, g, expected, c.rtol ?? 0, c.atol ?? 0, `grads.${key}`);
      if (e) return e;
    }
  }
  for (const [key, expected] of Object.entries(c.buffers_after ?? {})) {
    const e = h.compare(torch, params[key], expected, c.rtol ?? 0, c.atol ?? 0, `buffers_after.${key}`);
    if (e) return e;
  }
  return true;
}

export const cases = {};
for (const c of loadArea('nn')?.cases ?? []) cases[c.id] = runModuleCase;
