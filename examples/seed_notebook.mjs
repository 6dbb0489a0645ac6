#!/usr/bin/env node
// `npm run demo`: the cells of the seed notebook, ported to torchwasm. Each cell
// shows the JavaScript, then prints results the way PyTorch does (String(tensor)).
// Every cell runs inside torch.tidy, so the memory report at the end is back at zero.
import { existsSync, readFileSync } from 'node:fs';
import * as torch from '../dist/index.js';

/** Prints a cell's code and runs it; tensors it creates are freed when it ends. */
function cell(code, fn) {
  console.log(`\n>>> ${code}`);
  torch.tidy(fn);
}

/** Prints like the Python REPL: tensors as PyTorch's str(), tuples of tensors in parentheses. */
function show(value) {
  if (Array.isArray(value) && value.some((v) => torch.isTensor(v))) {
    console.log(`(${value.map(String).join(',\n ')})`);
  } else {
    console.log(typeof value === 'string' ? value : String(value));
  }
}

const randn = torch.randn;
torch.manualSeed(0);


// --- requires_grad propagates through ops --------------------------------------
cell('x = torch.randn(5, 5); y = torch.randn(5, 5); x.add(y).requiresGrad', () => {
  const x = randn(5, 5);
  const y = randn(5, 5);
  show(x.add(y).requiresGrad);
});
cell('z = torch.randn(5, 5, { requiresGrad: true }); z.add(x).requiresGrad', () => {
  const z = randn(5, 5, { requiresGrad: true });
  const x = randn(5, 5);
  show(z.add(x).requiresGrad);
});
cell('s = z.add(x).sum(); s.backward(); z.grad', () => {
  const z = randn(5, 5, { requiresGrad: true });
  const x = randn(5, 5);
  const s = z.add(x).sum();
  show(s);
  s.backward();
  show(z.grad);
});

// --- numel, eye -------------------------------------------------------------------
cell('torch.numel(torch.randn(3, 2))', () => show(torch.numel(randn(3, 2))));
cell('torch.eye(5, 2)', () => show(torch.eye(5, 2)));

// --- shared memory (torch.from_numpy in the notebook): a live typed array -----------
cell('t = torch.tensor([1, 2, 3]); a = t.asTypedArray(); t.set(0, 100); a', () => {
  const t = torch.tensor([1, 2, 3]);
  const a = t.asTypedArray(); // a BigInt64Array over the tensor's own memory (int64)
  show(t);
  t.set(0, 100);
  show(`[${Array.from(a).join(', ')}]  (${a[Symbol.toStringTag]}: the array sees the tensor's write)`);
  a[1] = 20n; // and the tensor sees the array's
  show(t);
});

// --- ranges and constant tensors -----------------------------------------------------
cell('torch.linspace(1, 100, { steps: 10 })', () => show(torch.linspace(1, 100, { steps: 10 })));
cell('torch.logspace(1, 4, { steps: 10 })', () => show(torch.logspace(1, 4, { steps: 10 })));
cell('torch.ones(2, 5)', () => show(torch.ones(2, 5)));
cell('torch.range(1, 4, { step: 1 })  // deprecated in PyTorch: end inclusive', () => show(torch.range(1, 4, { step: 1 })));
cell('torch.zeros(2, 3)', () => show(torch.zeros(2, 3)));

// --- random tensors ------------------------------------------------------------------
cell('torch.rand(2, 3)', () => show(torch.rand(2, 3)));
cell('torch.randn(2, 3)', () => show(torch.randn(2, 3)));
cell('torch.randperm(6)', () => show(torch.randperm(6)));

// --- joining and splitting -------------------------------------------------------------
cell('x = torch.randn(2, 3); torch.cat([x, x, x], 0)', () => {
  const x = randn(2, 3);
  show(torch.cat([x, x, x], 0));
});
cell('torch.cat([x, x, x], 1)', () => {
  const x = randn(2, 3);
  show(torch.cat([x, x, x], 1));
});
cell('x = torch.randn(2, 9); torch.chunk(x, 2)', () => show(torch.chunk(randn(2, 9), 2)));
cell('torch.chunk(x, 3, { dim: 1 })', () => show(torch.chunk(randn(2, 9), 3, { dim: 1 })));
cell('x.size()', () => show(`torch.Size([${randn(2, 9).size().join(', ')}])`));

// --- gather ----------------------------------------------------------------------------
cell('t = torch.tensor([[1., 2.], [3., 4.]]); torch.gather(t, 1, torch.tensor([[0, 0], [1, 0]]))', () => {
  const t = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 });
  show(torch.gather(t, 1, torch.tensor([[0, 0], [1, 0]])));
});
cell('torch.gather(t, 0, torch.tensor([[0, 0], [1, 0]]))', () => {
  const t = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 });
  show(torch.gather(t, 0, torch.tensor([[0, 0], [1, 0]])));
});

// --- type checks -----------------------------------------------------------------------
cell('torch.isTensor(t), torch.isStorage(t), torch.isStorage(t.storage()), torch.isTensor([1, 2])', () => {
  const t = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 });
  show([torch.isTensor(t), torch.isStorage(t), torch.isStorage(t.storage()), torch.isTensor([1, 2])].join(', '));
});

// --- autograd ----------------------------------------------------------------------------
cell('x = torch.ones(2, 2, { requiresGrad: true }); y = x.add(2); z = y.mul(y).mul(3); out = z.mean(); out.backward(); x.grad', () => {
  const x = torch.ones(2, 2, { requiresGrad: true });
  const y = x.add(2);
  show(y);
  const z = y.mul(y).mul(3);
  const out = z.mean();
  show(z);
  show(out);
  out.backward();
  show(x.grad);
});
cell('x = torch.randn(3, { requiresGrad: true }); y = x.mul(2); while (y.norm() < 1000) y = y.mul(2); y.backward(v)', () => {
  const x = randn(3, { requiresGrad: true });
  let y = x.mul(2);
  while (y.norm().item() < 1000) y = y.mul(2);
  show(y);
  y.backward(torch.tensor([0.1, 1.0, 0.0001]));
  show(x.grad);
});
cell('torch.noGrad(() => x.pow(2).requiresGrad)', () => {
  const x = randn(3, { requiresGrad: true });
  show(`${x.requiresGrad}, ${x.pow(2).requiresGrad}, ${torch.noGrad(() => x.pow(2).requiresGrad)}`);
});
cell('x = torch.tensor([0.5, -1.5, 2]); dy/dx, d2y/dx2, d3y/dx3 of y = x**3 (createGraph)', () => {
  const x = torch.tensor([0.5, -1.5, 2], { requiresGrad: true });
  const [g1] = torch.autograd.grad(x.pow(3).sum(), [x], { createGraph: true });
  const [g2] = torch.autograd.grad(g1.sum(), [x], { createGraph: true });
  const [g3] = torch.autograd.grad(g2.sum(), [x]);
  show([g1, g2, g3]);
});

// --- Variable and volatile (the notebook's pre-0.4 cells) ------------------------------
cell('v = torch.autograd.Variable(torch.ones(2, 2), { requiresGrad: true }); v.mul(3).sum().backward(); v.grad', () => {
  const v = torch.autograd.Variable(torch.ones(2, 2), { requiresGrad: true });
  v.mul(3).sum().backward();
  show(v.grad);
});
cell('torch.autograd.Variable(torch.ones(2), { volatile: true }).mul(2).requiresGrad  // volatile: no graph', () => {
  show(torch.autograd.Variable(torch.ones(2), { volatile: true }).mul(2).requiresGrad);
});

// --- nn.Module: a small model, freeze it, replace a layer, train only the new layer ------
const nn = torch.nn;
cell('model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3)); freeze; model[2] = new nn.Linear(8, 3); SGD on it', () => {
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
  for (const p of model.parameters()) p.requiresGrad = false;
  const old = model[2];
  model[2] = new nn.Linear(8, 3); // a new layer: its parameters require grad
  old.dispose(); // wasm memory is freed by dispose() (or later by the garbage collector)
  show(model);
  const optimizer = new torch.optim.SGD(model[2].parameters(), { lr: 0.1, momentum: 0.9 });
  const frozen = model[0].weight.clone();
  const x = torch.randn(16, 4);
  const y = torch.randint(0, 3, [16]);
  const losses = [];
  for (let step = 0; step < 20; step++) {
    torch.tidy(() => {
      optimizer.zeroGrad();
      const loss = nn.functional.crossEntropy(model(x), y);
      loss.backward();
      optimizer.step();
      losses.push(loss.item().toFixed(4));
    });
  }
  show(`loss: ${losses.filter((_, i) => i % 5 === 0 || i === 19).join(' -> ')}`);
  show(`frozen layer unchanged: ${torch.equal(model[0].weight, frozen)}, its grad: ${model[0].weight.grad}`);
  optimizer.dispose();
  model.dispose();
});

// --- the ResNet-18 cell: freeze the backbone, new fc, SGD with momentum on fc alone -----
// (the weights are the conformance fixture's: a seeded torchvision init, as nothing can
//  be downloaded here; real torchvision weights load the same way)
const resnetWeights = new URL('../../shared/conformance/models/resnet18.pt', import.meta.url);
if (existsSync(resnetWeights)) {
  cell('model = torch.models.resnet18({ weights }); model.requiresGrad_(false); model.fc = new nn.Linear(512, 100); optimizer = new torch.optim.SGD(model.fc.parameters(), { lr: 1e-2, momentum: 0.9 })', () => {
    const model = torch.models.resnet18({ weights: readFileSync(resnetWeights) });
    for (const param of model.parameters()) param.requiresGrad = false;
    const pretrainedFc = model.fc;
    model.fc = new nn.Linear(512, 100);
    pretrainedFc.dispose();
    const optimizer = new torch.optim.SGD(model.fc.parameters(), { lr: 1e-2, momentum: 0.9 });
    show(`trainable: ${model.parameters().filter((p) => p.requiresGrad).map((p) => `[${p.shape}]`).join(', ')} of ${model.parameters().length} parameter tensors`);
    model.train();
    const batch = torch.randn(4, 3, 64, 64);
    const labels = torch.tensor([3, 7, 1, 99]);
    const losses = [];
    for (let step = 0; step < 5; step++) {
      torch.tidy(() => {
        optimizer.zeroGrad();
        const loss = nn.functional.crossEntropy(model(batch), labels);
        loss.backward();
        optimizer.step();
        losses.push(loss.item().toFixed(4));
      });
    }
    show(`loss: ${losses.join(' -> ')}`);
    optimizer.dispose();
    model.dispose();
  });
}

// --- saving and loading: the parameters (recommended), and the whole model ---------------
cell('torch.save(model.stateDict()); model2.loadStateDict(torch.load(bytes)); torch.save(model); torch.load(bytes, { weightsOnly: false })', () => {
  torch.manualSeed(1);
  const model = new nn.Sequential(new nn.Linear(3, 2), new nn.Tanh());
  const bytes = torch.save(model.stateDict());
  const model2 = new nn.Sequential(new nn.Linear(3, 2), new nn.Tanh());
  show(model2.loadStateDict(torch.load(bytes)));
  show(`same parameters: ${torch.equal(model[0].weight, model2[0].weight)}`);
  const whole = torch.load(torch.save(model), { weightsOnly: false });
  show(whole);
  const x = torch.randn(2, 3);
  show(`same output: ${torch.equal(whole(x), model(x))}`);
  for (const m of [model, model2, whole]) m.dispose();
});

const m = torch.memory();
console.log(`\nmemory: ${m.liveTensors} live tensors, ${m.bytesInUse} bytes in use (peak ${m.peakBytes}), wasm memory ${m.wasmBytes} bytes`);
if (m.bytesInUse !== 0 || m.liveTensors !== 0) {
  console.error('demo: memory was not released');
  process.exitCode = 1;
}
