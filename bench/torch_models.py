"""The PyTorch twins of the benchmark workloads, shared by pytorch_native.py (native
timings) and export_onnx.py (the ONNX graphs onnxruntime-web runs). Each mirrors what
bench/*.mjs builds on our side, with the same sizes, seeds and input values."""

import json
import os
from pathlib import Path

import torch
from torch import nn

BENCH = Path(__file__).resolve().parent
CONFORMANCE = Path(os.environ.get('CONFORMANCE_DIR') or BENCH.parent.parent / 'shared' / 'conformance')

# transformer_encoder_layer_b8_s128_d256 (bench/sequence.mjs has the same numbers)
ENCODER = dict(d_model=256, nhead=8, dim_feedforward=1024, batch=8, seq=128, seed=0)


def values(n, seed=1):
    """bench/helpers.mjs values(): xorshift32 uniforms in [-1, 1), as float32."""
    import numpy as np
    s = seed & 0xFFFFFFFF or 1
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        s ^= (s << 13) & 0xFFFFFFFF
        s ^= s >> 17
        s ^= (s << 5) & 0xFFFFFFFF
        out[i] = s / 4294967296 * 2 - 1
    return torch.from_numpy(out.astype(np.float32))


def tensor(shape, seed=1):
    n = 1
    for d in shape:
        n *= d
    return values(n, seed).reshape(shape)


def encoder_layer():
    """The benchmark's TransformerEncoderLayer: PyTorch's default init after manual_seed."""
    torch.manual_seed(ENCODER['seed'])
    return nn.TransformerEncoderLayer(ENCODER['d_model'], ENCODER['nhead'], dim_feedforward=ENCODER['dim_feedforward'],
                                      dropout=0.0, batch_first=True).eval()


def causal_mask(t):
    return torch.triu(torch.full((t, t), float('-inf')), diagonal=1)


class TinyGPT(nn.Module):
    """The model of the conformance fixture tiny_gpt.pt (sequence.json's tiny_gpt case)."""

    def __init__(self, vocab_size, d_model, nhead, num_layers, dim_feedforward, context_length,
                 dropout=0.0, activation='gelu', layer_norm_eps=1e-5, **_):
        super().__init__()
        self.context_length = context_length
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(context_length, d_model)
        self.blocks = nn.ModuleList(nn.TransformerEncoderLayer(
            d_model, nhead, dim_feedforward, dropout=dropout, activation=activation, layer_norm_eps=layer_norm_eps,
            batch_first=True, norm_first=True) for _ in range(num_layers))
        self.ln_f = nn.LayerNorm(d_model, eps=layer_norm_eps)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, idx):
        t = idx.shape[1]
        x = self.tok_emb(idx) + self.pos_emb(torch.arange(t))
        mask = causal_mask(t)
        for block in self.blocks:
            x = block(x, src_mask=mask)
        return self.head(self.ln_f(x))


def tiny_gpt_case():
    cases = json.loads((CONFORMANCE / 'sequence.json').read_text())['cases']
    return next(c for c in cases if c.get('op') == 'tiny_gpt')


def tiny_gpt():
    """(model with the fixture's weights, eval; the fixture case)."""
    case = tiny_gpt_case()
    config = {k: v for k, v in case['init'].items() if isinstance(v, (int, float, str)) and k != 'modules'}
    model = TinyGPT(**config)
    model.load_state_dict(torch.load(CONFORMANCE / case['weights']))
    return model.eval(), case


def greedy_decode(model, prompt, steps):
    seq = list(prompt)
    with torch.no_grad():
        for _ in range(steps):
            logits = model(torch.tensor([seq[-model.context_length:]]))
            seq.append(int(logits[0, -1].argmax()))
    return seq[len(prompt):]


class BasicBlock(nn.Module):
    """torchvision's ResNet BasicBlock (same module names, so its state_dict loads)."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)


class ResNet18(nn.Module):
    """torchvision.models.resnet18's architecture and names, without needing torchvision."""

    def __init__(self, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        widths = [64, 128, 256, 512]
        cin = 64
        for i, w in enumerate(widths):
            stride = 1 if i == 0 else 2
            setattr(self, f'layer{i + 1}', nn.Sequential(BasicBlock(cin, w, stride), BasicBlock(w, w)))
            cin = w
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))
