# Writes test/unit/nn_loss_cases.ts: outputs and input gradients of the functional losses
# as PyTorch 1.13 computes them, on other shapes and values than the conformance fixture.
# Run with the Python that has torch: /usr/bin/python3 test/unit/nn_loss_cases.py
# Each case: fn (torch.nn.functional name), args (tensors encoded, or numbers), kwargs
# (camelCase), out, and grads[i] = d sum(out * G) / d args[i] for the floating args, with
# G = linspace(0.5, 1.5, out.numel()) in out's shape (args listed in `constant` require no grad).
import json
import os
import re
import warnings

import torch
import torch.nn.functional as F

warnings.simplefilter('ignore')
torch.manual_seed(1234)
cases = []


def enc(t):
    return {'dtype': str(t.dtype).replace('torch.', ''), 'shape': list(t.shape), 'data': [float(v) if t.is_floating_point() else int(v) for v in t.flatten().tolist()]}


def camel(s):
    return re.sub(r'_([a-z0-9])', lambda m: m.group(1).upper(), s)


def add(fn, args, kwargs=None, label=None, constant=()):
    kwargs = kwargs or {}
    args = [a.detach().clone().requires_grad_(a.is_floating_point() and i not in constant) if isinstance(a, torch.Tensor) else a for i, a in enumerate(args)]
    kw = {k: (v.detach().clone() if isinstance(v, torch.Tensor) else v) for k, v in kwargs.items()}
    out = getattr(F, fn)(*args, **kw)
    G = torch.linspace(0.5, 1.5, out.numel(), dtype=out.dtype).reshape(out.shape)
    diff = [i for i, a in enumerate(args) if isinstance(a, torch.Tensor) and a.requires_grad]
    gs = torch.autograd.grad((out * G).sum(), [args[i] for i in diff], allow_unused=True)
    grads = {str(i): enc(g if g is not None else torch.zeros_like(args[i])) for i, g in zip(diff, gs)}
    cases.append({
        'label': label or fn, 'fn': camel(fn),
        'args': [enc(a) if isinstance(a, torch.Tensor) else a for a in args],
        'kwargs': {camel(k): (enc(v) if isinstance(v, torch.Tensor) else v) for k, v in kwargs.items()},
        'out': enc(out.detach()), 'grads': grads,
    })


d = torch.float64
R = ['none', 'mean', 'sum']
x34, y34 = torch.randn(3, 4, dtype=d), torch.randn(3, 4, dtype=d)
for r in R:
    add('mse_loss', [x34, y34], {'reduction': r})
    add('l1_loss', [x34, y34], {'reduction': r})
    add('smooth_l1_loss', [x34 * 2, y34], {'reduction': r, 'beta': 0.3})
    add('huber_loss', [x34 * 2, y34], {'reduction': r, 'delta': 0.4})
add('mse_loss', [x34, y34[0]], {}, 'mse_loss broadcast target')
add('smooth_l1_loss', [x34, y34], {'beta': 0.0}, 'smooth_l1_loss beta 0')
add('smooth_l1_loss', [x34, y34], {}, 'smooth_l1_loss default beta')
add('huber_loss', [x34, y34], {}, 'huber_loss default delta')

logp = torch.log_softmax(torch.randn(3, 5, dtype=d), 1)
p = torch.softmax(torch.randn(3, 5, dtype=d), 1)
p[0, 1] = 0.0
for r in R + ['batchmean']:
    add('kl_div', [logp, p], {'reduction': r}, f'kl_div {r}')
    add('kl_div', [logp, torch.log_softmax(torch.randn(3, 5, dtype=d), 1)], {'reduction': r, 'log_target': True}, f'kl_div log_target {r}')

counts = torch.tensor([[0., 1, 3, 2], [5, 0, 1, 1], [2, 2, 0, 7]], dtype=d)
for log_input in [True, False]:
    for full in [False, True]:
        add('poisson_nll_loss', [x34 if log_input else x34.abs() + 0.1, counts], {'log_input': log_input, 'full': full, 'reduction': 'none'})
        add('poisson_nll_loss', [x34 if log_input else x34.abs() + 0.1, counts], {'log_input': log_input, 'full': full})

var = torch.rand(3, 4, dtype=d) + 0.05
var[1, 2] = 1e-9  # clamped to eps
for r in R:
    add('gaussian_nll_loss', [x34, y34, var], {'reduction': r})
add('gaussian_nll_loss', [x34, y34, var[:, 0]], {'full': True}, 'gaussian_nll_loss homoscedastic (N)')
add('gaussian_nll_loss', [x34, y34, var[:, :1]], {'eps': 0.2, 'reduction': 'sum'}, 'gaussian_nll_loss (N, 1)')

x35 = torch.randn(3, 5, dtype=d)
t3 = torch.tensor([4, 0, 2])
w5 = torch.rand(5, dtype=d) + 0.5
for r in R:
    add('nll_loss', [logp, t3], {'reduction': r})
    add('nll_loss', [logp, torch.tensor([1, 3, 3])], {'reduction': r, 'weight': w5, 'ignore_index': 3}, f'nll_loss weight ignore {r}')
    add('cross_entropy', [x35, t3], {'reduction': r})
    add('cross_entropy', [x35, torch.tensor([1, -100, 3])], {'reduction': r, 'weight': w5}, f'cross_entropy weight ignore {r}')
    add('cross_entropy', [x35, torch.tensor([1, 2, 2])], {'reduction': r, 'weight': w5, 'ignore_index': 2, 'label_smoothing': 0.15}, f'cross_entropy weight ignore smoothing {r}')
    add('cross_entropy', [x35, p], {'reduction': r, 'weight': w5, 'label_smoothing': 0.2}, f'cross_entropy probabilities {r}')
add('nll_loss', [logp[0], torch.tensor(3)], {}, 'nll_loss one sample')
add('cross_entropy', [x35[0], torch.tensor(2)], {'label_smoothing': 0.3}, 'cross_entropy one sample')
add('cross_entropy', [x35[0], p[0]], {}, 'cross_entropy one sample probabilities')
x423 = torch.randn(2, 4, 3, dtype=d)
t23 = torch.tensor([[0, 3, 1], [2, 2, -100]])
w4 = torch.rand(4, dtype=d) + 0.5
for r in R:
    add('nll_loss', [x423, t23.clamp(min=0)], {'reduction': r}, f'nll_loss 3-d {r}')
    add('cross_entropy', [x423, t23], {'reduction': r, 'weight': w4, 'label_smoothing': 0.1}, f'cross_entropy 3-d {r}')
    x4d = torch.randn(2, 3, 2, 2, dtype=d)
    add('cross_entropy', [x4d, torch.tensor([[[0, 2], [1, 1]], [[2, 0], [0, 1]]])], {'reduction': r, 'ignore_index': 1}, f'cross_entropy 4-d {r}')
    x5d = torch.randn(2, 3, 2, 1, 2, dtype=d)
    add('nll_loss', [x5d, torch.randint(0, 3, (2, 2, 1, 2))], {'reduction': r, 'weight': torch.rand(3, dtype=d)}, f'nll_loss 5-d {r}')
    add('cross_entropy', [x4d, torch.softmax(torch.randn(2, 3, 2, 2, dtype=d), 1)], {'reduction': r}, f'cross_entropy 4-d probabilities {r}')

prob = torch.rand(3, 4, dtype=d) * 0.98 + 0.01
tgt = torch.rand(3, 4, dtype=d)
for r in R:
    add('binary_cross_entropy', [prob, tgt], {'reduction': r})
    add('binary_cross_entropy', [prob, (tgt > 0.5).to(d)], {'reduction': r, 'weight': torch.rand(4, dtype=d)}, f'binary_cross_entropy weight {r}')
    logits = torch.randn(3, 4, dtype=d) * 30
    add('binary_cross_entropy_with_logits', [logits, tgt], {'reduction': r})
    add('binary_cross_entropy_with_logits', [logits, tgt], {'reduction': r, 'weight': torch.rand(3, 1, dtype=d), 'pos_weight': torch.rand(4, dtype=d) * 3}, f'binary_cross_entropy_with_logits weights {r}')
    pm = torch.tensor([[1., -1, 1, -1], [-1, -1, 1, 1], [1, 1, 1, -1]], dtype=d)
    add('soft_margin_loss', [x34 * 10, pm], {'reduction': r}, constant=(1,))
    add('multilabel_soft_margin_loss', [x34, (tgt > 0.4).to(d)], {'reduction': r, 'weight': torch.rand(4, dtype=d)})
    add('margin_ranking_loss', [x34[0], y34[0], pm[0]], {'reduction': r, 'margin': 0.3})
    add('hinge_embedding_loss', [x34, pm], {'reduction': r, 'margin': 0.7})
    add('cosine_embedding_loss', [x35, torch.randn(3, 5, dtype=d), torch.tensor([1., -1, -1], dtype=d)], {'reduction': r, 'margin': -0.2})
    add('multi_margin_loss', [x35, t3], {'reduction': r})
    add('multi_margin_loss', [x35, t3], {'reduction': r, 'p': 2, 'margin': 0.7, 'weight': w5}, f'multi_margin_loss p=2 weight {r}')
    add('multilabel_margin_loss', [x35, torch.tensor([[3, 0, -1, 1, 1], [1, 1, 4, 2, -1], [0, 1, 2, 3, 4]])], {'reduction': r})
    a, pos, neg = torch.randn(4, 6, dtype=d), torch.randn(4, 6, dtype=d), torch.randn(4, 6, dtype=d)
    add('triplet_margin_loss', [a, pos, neg], {'reduction': r})
    add('triplet_margin_loss', [a, pos, neg], {'reduction': r, 'p': 1.5, 'eps': 1e-3, 'swap': True, 'margin': 2.0}, f'triplet_margin_loss p=1.5 swap {r}')
    add('triplet_margin_with_distance_loss', [a, pos, neg], {'reduction': r, 'swap': True, 'margin': 1.5})
add('cosine_embedding_loss', [x35[0], x35[1], torch.tensor(-1., dtype=d)], {'margin': -0.5}, 'cosine_embedding_loss 1-d')
add('multi_margin_loss', [x35[0], torch.tensor(3)], {'reduction': 'none'}, 'multi_margin_loss one sample')
add('multilabel_margin_loss', [x35[0], torch.tensor([4, 4, -1, 0, 0])], {'reduction': 'none'}, 'multilabel_margin_loss one sample')
add('triplet_margin_loss', [a[0], pos[0], neg[0]], {}, 'triplet_margin_loss 1-d')

# float32 cross entropy (the SIMD rows of the fused kernel, class counts not a multiple of 4)
xf = torch.randn(6, 37) * 3
tf = torch.tensor([0, 36, 5, -100, 12, 36])
for r in R:
    add('cross_entropy', [xf, tf], {'reduction': r, 'label_smoothing': 0.05, 'weight': torch.rand(37) + 0.5}, f'cross_entropy float32 {r}')
add('cross_entropy', [torch.randn(2, 3, 33), torch.randint(0, 3, (2, 33))], {}, 'cross_entropy float32 3-d, more positions than a lane block')

path = os.path.join(os.path.dirname(__file__), 'nn_loss_cases.ts')
with open(path, 'w') as f:
    f.write('// Generated by nn_loss_cases.py from PyTorch ' + torch.__version__ + ': do not edit.\n')
    f.write('/* eslint-disable */\n')
    f.write('export interface Encoded { dtype: string; shape: number[]; data: number[] }\n')
    f.write('export interface LossCase { label: string; fn: string; args: (Encoded | number)[]; kwargs: Record<string, unknown>; out: Encoded; grads: Record<string, Encoded> }\n')
    f.write('export const LOSS_CASES: LossCase[] = ' + json.dumps(cases) + ';\n')
print(len(cases), 'cases ->', path)
