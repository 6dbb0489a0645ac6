// models.json: whole networks from PyTorch state_dicts. The eval cases run with the
// functional ops (torch.models.resnetForward for ResNet-18, F.* for the tiny CNN);
// the training cases need nn.Module classes and optimizers (a later issue).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDir, decodeScalar } from '../runner.mjs';

const file = (name) => readFileSync(join(fixtureDir(), name));
const floats = (name) => {
  const b = file(name);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** Every logit within atol + rtol * |expected|, reported like compare() does. */
function closeLogits(got, expected, atol, rtol) {
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(got[i] - expected[i]);
    if (!(d <= atol + rtol * Math.abs(expected[i]))) return `logit ${i}: ${got[i]} vs ${expected[i]} (|diff| ${d})`;
  }
  return null;
}

function resnet18Eval(torch, c) {
  const sd = torch.load(file(c.weights));
  const x = torch.fromArray(floats(c.input), c.input_shape);
  const logits = torch.noGrad(() => torch.models.resnetForward(sd, x));
  if (JSON.stringify(logits.shape) !== JSON.stringify(c.logits_shape)) return `logits shape [${logits.shape}]`;
  const bad = closeLogits(logits.toTypedArray(), floats(c.logits), decodeScalar(c.atol), decodeScalar(c.rtol));
  if (bad) return bad;
  const top5 = logits.view(-1).topk(5).indices.tolist();
  return JSON.stringify(top5) === JSON.stringify(c.top5) || `top5 ${top5}, expected ${c.top5}`;
}

function tinycnnEval(torch, c, h) {
  const F = torch.nn.functional;
  const sd = torch.load(file(c.weights));
  const x = h.decodeTensor(torch, c.input);
  const out = torch.noGrad(() => {
    let y = F.conv2d(x, sd['conv.weight'], sd['conv.bias']);
    y = F.batchNorm(y, sd['bn.running_mean'], sd['bn.running_var'], { weight: sd['bn.weight'], bias: sd['bn.bias'] });
    y = F.maxPool2d(F.relu(y), 2).flatten(1);
    return F.linear(y, sd['fc.weight'], sd['fc.bias']);
  });
  return h.compare(torch, out, c.logits, c.rtol, c.atol, 'logits') ?? true;
}

const later = 'training a model needs nn.Module classes and optimizers (a later issue)';

export const cases = {
  resnet18_eval: resnet18Eval,
  tinycnn_eval: tinycnnEval,
  tinycnn_train_sgd: () => later,
  resnet18_finetune_fc: () => later,
};
