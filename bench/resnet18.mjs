// The ResNet-18 rows, on the weights of ../shared/conformance/models/resnet18.pt (or
// $CONFORMANCE_DIR/models):
//   resnet18_forward             torch.models.resnet18 (the nn.Module), eval, batch 1
//   resnet18_forward_functional  torch.models.resnetForward on the state_dict
//   resnet18_finetune_step       batch 16 at 224x224: backbone frozen (requiresGrad_(false)),
//                                BatchNorm in train mode, a new fc (512 -> 100) trained by
//                                SGD with momentum; zeroGrad, cross-entropy, backward, step
// The forward rows check their logits against PyTorch's for resnet18_input.bin; the
// fine-tuning row first replays the conformance case resnet18_finetune_fc (models.json:
// batch 2, two steps) and checks both losses against PyTorch's.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ours, ortImpl, maxAbsDiff } from './helpers.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const conformanceDir = process.env.CONFORMANCE_DIR ?? join(repo, '..', 'shared', 'conformance');
const modelsDir = join(conformanceDir, 'models');

const LOGITS_TOL = 1e-3;
const FINETUNE_BATCH = 16;
const FC_CLASSES = 100;

const floats = (file) => {
  const b = readFileSync(join(modelsDir, file));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

/** resnet18.pt's bytes; throws an 'n/a' error when the fixture is missing. */
function weightsFile() {
  const pt = join(modelsDir, 'resnet18.pt');
  if (!existsSync(pt)) throw new Error(`n/a: ${pt} not found (set CONFORMANCE_DIR)`);
  return new Uint8Array(readFileSync(pt));
}

/** Largest |ours - PyTorch| over the 1000 logits of resnet18_input.bin; forward(x) gives the logits. */
function logitsError(torch, forward) {
  return torch.tidy(() => {
    const x = torch.fromArray(floats('resnet18_input.bin').slice(), [1, 3, 224, 224]);
    return maxAbsDiff(torch.noGrad(() => forward(x)).toTypedArray(), floats('resnet18_logits.bin'));
  });
}

const logitsNote = (err) =>
  `our logits vs PyTorch's resnet18_logits.bin: max |diff| ${err.toExponential(2)} (${err <= LOGITS_TOL ? 'within' : 'NOT within'} ${LOGITS_TOL})`;

/** A forward row: setup(torch) returns forward(x) -> logits. */
function forwardRow(ctx, name, setup, peers = {}) {
  const w = {
    name, unit: 'ms', higherIsBetter: false,
    impls: {
      ours: async () => {
        const { torch } = ctx;
        const forward = setup(torch);
        const err = logitsError(torch, forward);
        w.note = logitsNote(err);
        w.logits_max_abs_diff = err;
        const x = ours(torch, [1, 3, 224, 224], 1);
        return { run: () => torch.noGrad(() => void torch.tidy(() => void forward(x))) };
      },
      ...peers,
    },
  };
  return w;
}

/** The fine-tuning setup of models.json's resnet18_finetune_fc, on a freshly loaded model. */
function finetuneModel(torch) {
  const model = torch.models.resnet18({ weights: weightsFile() });
  for (const p of model.parameters()) p.requiresGrad_(false);
  model.fc.dispose();
  torch.manualSeed(3);
  model.fc = new torch.nn.Linear(512, FC_CLASSES);
  model.train();
  const opt = new torch.optim.SGD(model.fc.parameters(), { lr: 1e-2, momentum: 0.9 });
  const lossFn = new torch.nn.CrossEntropyLoss();
  /** One step on (x, labels); returns the loss before the update. */
  const step = (x, y) => torch.tidy(() => {
    opt.zeroGrad();
    const loss = lossFn(model(x), y);
    loss.backward();
    opt.step();
    return loss;
  });
  return { model, step };
}

/** Replays resnet18_finetune_fc: |our loss - PyTorch's| over its two steps. */
function finetuneCheck(torch) {
  const c = JSON.parse(readFileSync(join(conformanceDir, 'models.json'), 'utf8')).cases.find((x) => x.id === 'resnet18_finetune_fc');
  const { model, step } = finetuneModel(torch);
  const x = torch.fromArray(floats('seed_batch.bin').slice(), c.batch_shape);
  const y = torch.tensor(c.labels);
  const losses = c.losses.map(() => torch.tidy(() => step(x, y).item()));
  for (const t of [x, y]) t.dispose();
  model.dispose();
  return { err: maxAbsDiff(losses, c.losses), tol: c.loss_atol };
}

function finetuneRow(ctx) {
  const w = {
    name: 'resnet18_finetune_step', unit: 'ms', higherIsBetter: false,
    impls: {
      ours: async () => {
        const { torch } = ctx;
        const { err, tol } = finetuneCheck(torch);
        w.note = `batch ${FINETUNE_BATCH}, frozen backbone, BN train mode, new fc by SGD momentum 0.9; ` +
          `models.json resnet18_finetune_fc losses vs PyTorch's: max |diff| ${err.toExponential(1)} (${err <= tol ? 'within' : 'NOT within'} ${tol})`;
        const { step } = finetuneModel(torch);
        const x = ours(torch, [FINETUNE_BATCH, 3, 224, 224], 1);
        const y = torch.tensor(Array.from({ length: FINETUNE_BATCH }, (_, i) => (i * 7) % FC_CLASSES));
        return { run: () => step(x, y).dispose() };
      },
    },
  };
  return w;
}

export function resnetWorkloads(ctx) {
  return [
    forwardRow(ctx, 'resnet18_forward', (torch) => {
      const model = torch.models.resnet18({ weights: weightsFile() }).eval();
      return (x) => model(x);
    }, { 'onnxruntime-web': ortImpl(ctx, 'resnet18.onnx', { input: [[1, 3, 224, 224], 1] }) }),
    forwardRow(ctx, 'resnet18_forward_functional', (torch) => {
      const sd = torch.load(weightsFile());
      return (x) => torch.models.resnetForward(sd, x);
    }),
    finetuneRow(ctx),
  ];
}
