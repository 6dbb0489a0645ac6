// models.json: whole networks, each case run from its fields.
// - The network: `arch` names a torchvision builder ('torchvision.models.resnet18') or a
//   chain of layers 'Conv2d(1,4,3)-BatchNorm2d(4)-ReLU-...; state_dict keys conv.*, bn.*, fc.*'
//   (the listed names go to the layers with parameters, in order). A case without
//   `arch` uses the architecture of the case that names the same `weights` file.
// - What to run: `logits` alone is an evaluation; `optimizer` + `steps` + `losses` a
//   training run (each step zero_grad, forward, loss, backward, step); `scenario` the
//   fine-tuning cell, its replaced layer and optimizer call read from the scenario text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDir, loadArea, decodeScalar } from '../runner.mjs';
import { evalModuleExpr } from './nn.mjs';

const file = (name) => readFileSync(join(fixtureDir(), name));
const floats = (name) => {
  const b = file(name);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const camel = (s) => s.replace(/_([a-z0-9])/g, (_m, c) => c.toUpperCase());
const camelKeys = (o) => Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [camel(k), v]));

/** The architecture of a case: its own `arch`, or that of a case with the same weights file. */
function archOf(c) {
  if (c.arch) return c.arch;
  const sibling = loadArea('models').cases.find((o) => o.arch && o.weights === c.weights);
  if (!sibling) throw new Error(`no architecture for weights ${c.weights}`);
  return sibling.arch;
}

/** A network from an architecture string (see the header). */
function buildModel(torch, arch) {
  const tv = /^torchvision\.models\.(\w+)$/.exec(arch);
  if (tv) {
    const builder = torch.models[camel(tv[1])];
    if (typeof builder !== 'function') throw new Error(`torch.models.${camel(tv[1])} is not available`);
    return builder();
  }
  const [chain, keysNote = ''] = arch.split(';');
  const names = [...keysNote.matchAll(/(\w+)\.\*/g)].map((m) => m[1]);
  const layers = chain.split('-').map((s) => evalModuleExpr(torch, /\)$/.test(s.trim()) ? s.trim() : `${s.trim()}()`));
  let next = 0;
  const entries = layers.map((m, i) => [m.parameters().length > 0 || m.buffers().length > 0 ? names[next++] ?? `layer${i}` : `layer${i}`, m]);
  return new torch.nn.Sequential(new Map(entries));
}

function loadedModel(torch, c) {
  const model = buildModel(torch, archOf(c));
  const sd = torch.load(file(c.weights));
  model.loadStateDict(sd);
  return model;
}

/** The case's input: an encoded tensor, or a raw float32 file with its shape. */
function inputOf(torch, c, h) {
  if (c.input && typeof c.input === 'object') return h.decodeTensor(torch, c.input);
  return torch.fromArray(floats(c.input ?? c.batch), c.input_shape ?? c.batch_shape);
}

/** Every logit within atol + rtol * |expected| (logits given in a .bin file). */
function closeLogits(got, expected, atol, rtol) {
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(got[i] - expected[i]);
    if (!(d <= atol + rtol * Math.abs(expected[i]))) return `logit ${i}: ${got[i]} vs ${expected[i]} (|diff| ${d})`;
  }
  return null;
}

function evaluate(torch, c, h) {
  const model = loadedModel(torch, c).eval();
  const logits = torch.noGrad(() => model(inputOf(torch, c, h)));
  const [rtol, atol] = [decodeScalar(c.rtol ?? 0), decodeScalar(c.atol ?? 0)];
  if (typeof c.logits === 'string') {
    if (JSON.stringify(logits.shape) !== JSON.stringify(c.logits_shape)) return `logits shape [${logits.shape}]`;
    const bad = closeLogits(logits.toTypedArray(), floats(c.logits), atol, rtol);
    if (bad) return bad;
  } else {
    const bad = h.compare(torch, logits, c.logits, rtol, atol, 'logits');
    if (bad) return bad;
  }
  if (c.top5) {
    const top5 = logits.view(-1).topk(5).indices.tolist();
    if (JSON.stringify(top5) !== JSON.stringify(c.top5)) return `top5 ${top5}, expected ${c.top5}`;
  }
  return true;
}

/** The loss named by the case ('F.cross_entropy (mean)'). */
function lossFn(torch, name) {
  const m = /^F\.(\w+)(?:\s*\((\w+)\))?/.exec(name ?? 'F.cross_entropy');
  const fn = torch.nn.functional[camel(m[1])];
  if (typeof fn !== 'function') throw new Error(`torch.nn.functional.${camel(m[1])} is not available`);
  return (out, target) => fn(out, target, { reduction: m[2] ?? 'mean' });
}

function trainRun(torch, c, h) {
  const model = loadedModel(torch, c).train(c.mode !== 'eval');
  const Optim = torch.optim[c.optimizer];
  const opt = new Optim(model.parameters(), camelKeys(h.decode(torch, c.optimizer_kwargs)));
  const loss = lossFn(torch, c.loss);
  const x = inputOf(torch, c, h);
  const y = h.decodeTensor(torch, c.labels);
  const [rtol, atol] = [decodeScalar(c.rtol ?? 0), decodeScalar(c.atol ?? 0)];
  for (let step = 0; step < c.steps; step++) {
    opt.zeroGrad();
    const logits = model(x);
    if (c.train_logits_per_step) {
      const bad = h.compare(torch, logits, c.train_logits_per_step[step], rtol, atol, `step ${step} logits`);
      if (bad) return bad;
    }
    const l = loss(logits, y);
    if (Math.abs(l.item() - c.losses[step]) > atol + rtol * Math.abs(c.losses[step])) return `step ${step} loss ${l.item()}, expected ${c.losses[step]}`;
    l.backward();
    opt.step();
  }
  if (c.state_dict_after) {
    const sd = model.stateDict();
    for (const [k, v] of Object.entries(c.state_dict_after)) {
      const bad = h.compare(torch, sd[k], v, rtol, atol, `state_dict_after.${k}`);
      if (bad) return bad;
    }
  }
  return true;
}

/** The fine-tuning cell: freeze everything, replace a layer after a seed, train it alone. */
function fineTune(torch, c, h) {
  const s = c.scenario;
  const replaced = /model\.(\w+)\s*=\s*nn\.(\w+)\(([^)]*)\)/.exec(s);
  const optim = /optimizer\s*=\s*(\w+)\(model\.(\w+)\.parameters\(\),\s*([^)]*)\)/.exec(s);
  if (!replaced || !optim) return 'scenario: no replaced layer or optimizer call found';
  const kwargs = Object.fromEntries(optim[3].split(',').map((kv) => kv.split('=').map((x) => x.trim())).map(([k, v]) => [camel(k), Number(v)]));
  const [rtol, atol] = [decodeScalar(c.rtol ?? 0), decodeScalar(c.atol ?? 0)];
  const model = loadedModel(torch, c);
  // `<layer>_weight_sum_before/after`: a frozen layer's weight must not move
  const watched = Object.keys(c).map((k) => /^(\w+?)_weight_sum_before$/.exec(k)).filter(Boolean).map((m) => m[1]);
  const sums = () => watched.map((name) => model.getParameter(`${name}.weight`).sum().item());
  const before = sums();
  for (const [i, name] of watched.entries()) {
    if (Math.abs(before[i] - c[`${name}_weight_sum_before`]) > atol) return `${name}.weight sum ${before[i]}, expected ${c[`${name}_weight_sum_before`]}`;
  }
  for (const p of model.parameters()) p.requiresGrad = false;
  torch.manualSeed(c.fc_seed);
  model[replaced[1]] = evalModuleExpr(torch, `${replaced[2]}(${replaced[3]})`);
  const layer = model[replaced[1]];
  for (const [key, name] of [['fc_weight_init', 'weight'], ['fc_bias_init', 'bias']]) {
    const bad = c[key] && h.compare(torch, layer[name], c[key], 0, 0, key);
    if (bad) return bad;
  }
  const opt = new torch.optim[optim[1]](model[optim[2]].parameters(), kwargs);
  model.train();
  const x = inputOf(torch, c, h);
  const y = torch.tensor(c.labels);
  const lossAtol = decodeScalar(c.loss_atol ?? atol);
  for (let step = 0; step < c.losses.length; step++) {
    opt.zeroGrad();
    const l = torch.nn.functional.crossEntropy(model(x), y);
    if (Math.abs(l.item() - c.losses[step]) > lossAtol) return `step ${step} loss ${l.item()}, expected ${c.losses[step]}`;
    l.backward();
    opt.step();
  }
  for (const [key, name] of [['fc_weight_after', 'weight'], ['fc_bias_after', 'bias']]) {
    const bad = c[key] && h.compare(torch, layer[name], c[key], rtol, atol, key);
    if (bad) return bad;
  }
  // the frozen backbone's BatchNorm still updates its running statistics in train mode
  const sd = model.stateDict();
  for (const [key, v] of Object.entries(c)) {
    const m = /^(\w+?)_(running_mean|running_var|num_batches_tracked)_after$/.exec(key);
    if (!m) continue;
    const t = sd[`${m[1]}.${m[2]}`];
    const bad = typeof v === 'number' ? (t.item() === v ? null : `${key}: ${t.item()}`) : h.compare(torch, t, v, rtol, atol, key);
    if (bad) return bad;
  }
  const after = sums();
  for (const [i, name] of watched.entries()) {
    if (after[i] !== before[i] || Math.abs(after[i] - (c[`${name}_weight_sum_after`] ?? after[i])) > atol) return `frozen ${name}.weight changed: ${before[i]} -> ${after[i]}`;
  }
  return true;
}

export function run(torch, c, h) {
  if (c.scenario) return fineTune(torch, c, h);
  if (c.optimizer && c.steps) return trainRun(torch, c, h);
  if (c.logits) return evaluate(torch, c, h);
  return 'case has neither logits, a training run nor a scenario';
}
