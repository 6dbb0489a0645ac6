#!/usr/bin/python3
"""Exports the ONNX graphs that onnxruntime-web runs in the sequence rows of
bench/run.mjs into bench/models/ (committed, so the benchmark needs no Python):

  transformer_encoder_layer_b8_s128_d256.onnx  nn.TransformerEncoderLayer(256, 8,
      dim_feedforward=1024, dropout=0, batch_first) after torch.manual_seed(0);
      input `src` [8, 128, 256], output `out`
  tiny_gpt.onnx  the tiny GPT of the conformance fixture tiny_gpt.pt; input `idx`
      int64 [1, T] (T dynamic, 1..12), output `logits` [1, T, 16]

Opset 17 (LayerNormalization as one node; onnxruntime-web 1.30 runs opsets up to 21).
The rows check the graphs: tiny_gpt.onnx must decode the fixture's tokens, and the
encoder layer's output must match ours on the same input.

  /usr/bin/python3 bench/export_onnx.py
"""

import sys

sys.dont_write_bytecode = True  # no __pycache__ for torch_models.py in the repository

try:
    import torch
except ImportError:
    print('export_onnx.py: python3 torch is not installed; the committed bench/models/*.onnx stay as they are')
    sys.exit(0)

from torch_models import BENCH, ENCODER, encoder_layer, tensor, tiny_gpt

OPSET = 17
OUT = BENCH / 'models'


def export(model, args, name, input_names, output_names, dynamic_axes=None):
    OUT.mkdir(exist_ok=True)
    path = OUT / name
    torch.onnx.export(model, args, str(path), input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True)
    print(f'wrote {path.relative_to(BENCH.parent)} ({path.stat().st_size} bytes)')


def main():
    layer = encoder_layer()
    # in eval mode a mask-free call takes PyTorch's fused fast path, which has no ONNX
    # export; with grad mode on and parameters requiring grad (as here: export records no
    # graph under no_grad) the layer runs its composed path, the same math
    src = tensor([ENCODER['batch'], ENCODER['seq'], ENCODER['d_model']], 1)
    export(layer, (src,), 'transformer_encoder_layer_b8_s128_d256.onnx', ['src'], ['out'])

    model, case = tiny_gpt()
    idx = torch.tensor([case['greedy']['prompt']])
    export(model, (idx,), 'tiny_gpt.onnx', ['idx'], ['logits'], {'idx': {1: 'T'}, 'logits': {1: 'T'}})


if __name__ == '__main__':
    main()
