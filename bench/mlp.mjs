// The MLP training-step rows: a 784-256-10 MLP (linear, relu, linear) on a batch of 64,
// softmax cross-entropy, one optimizer step (forward, loss, backward, update).
//   mlp_train_step             nn.Sequential + nn.CrossEntropyLoss + optim.SGD, against
//                              tfjs doing the same with tf.layers and tf.train.sgd
//   mlp_train_step_adam        the same with optim.Adam / tf.train.adam
//   mlp_train_step_functional  F.linear, F.relu, log_softmax-gather and a hand-written SGD
//                              update on plain tensors, against tfjs' ops and tf.train.sgd
// Every implementation starts from the same weights (values() seeds 1-4), so the losses
// of its first three steps are checked against PyTorch's (bench/pytorch_native.py
// --reference) during setup.

import { ours, prod, tfImpl, values, needLayers, maxAbsDiff } from './helpers.mjs';

const [B, I, H, O] = [64, 784, 256, 10];
/** [shape, seed, scale] of w1, b1, w2, b2 (PyTorch's [out, in] weight layout). */
const PARAMS = [[[H, I], 1, 0.05], [[H], 2, 0.05], [[O, H], 3, 0.1], [[O], 4, 0.1]];
const LABELS = Array.from({ length: B }, (_, i) => (i * 7) % O);
const ONEHOT = new Float32Array(B * O);
LABELS.forEach((l, i) => (ONEHOT[i * O + l] = 1));

// PyTorch 1.13's losses before each of the first three steps (bench/pytorch_native.py --reference)
const TORCH_LOSSES = {
  sgd: [2.3303616046905518, 2.31128191947937, 2.292384624481201],
  adam: [2.3303616046905518, 1.8952727317810059, 1.5181783437728882],
};
const OPTIMIZERS = {
  sgd: { ours: (torch, params) => new torch.optim.SGD(params, { lr: 0.01 }), tf: (tf) => tf.train.sgd(0.01) },
  // tfjs' epsilon defaults to 1e-7; PyTorch's is 1e-8
  adam: { ours: (torch, params) => new torch.optim.Adam(params, { lr: 1e-3 }), tf: (tf) => tf.train.adam(1e-3, 0.9, 0.999, 1e-8) },
};
const LOSS_TOL = 1e-5;

/** Appends "<who>: losses of steps 1-3 vs PyTorch's: max |diff| ..." to the row's note. */
function checkLosses(w, who, losses, kind) {
  const err = maxAbsDiff(losses, TORCH_LOSSES[kind]);
  w.note += `; ${who} losses of steps 1-3 vs PyTorch's: max |diff| ${err.toExponential(1)} (${err <= LOSS_TOL ? 'within' : 'NOT within'} ${LOSS_TOL})`;
}

/** Runs step() (returning the loss as a number) three times, then checks the losses. */
async function firstSteps(w, who, kind, step) {
  const losses = [];
  for (let i = 0; i < 3; i++) losses.push(await step());
  checkLosses(w, who, losses, kind);
}

/** A tfjs step's loss as a number (the loss tensor freed). */
function tfLoss(step) {
  const loss = step();
  const v = loss.dataSync()[0];
  loss.dispose();
  return v;
}

/** The MLP as nn.Sequential with the benchmark's weights. */
function oursModel(torch) {
  const nn = torch.nn;
  const model = new nn.Sequential(new nn.Linear(I, H), new nn.ReLU(), new nn.Linear(H, O));
  torch.noGrad(() => model.parameters().forEach((p, k) => {
    const [shape, seed, scale] = PARAMS[k];
    torch.tidy(() => void p.copy_(ours(torch, shape, seed).mul(scale)));
  }));
  return model;
}

/** The MLP as tf.layers dense layers with the benchmark's weights (kernels are [in, out]). */
function tfModel(tf, tfl) {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [I], units: H, activation: 'relu' }), tfl.layers.dense({ units: O })],
  });
  const w = PARAMS.map(([shape, seed, scale]) => tf.tidy(() => {
    const t = tf.mul(tf.tensor(values(prod(shape), seed), shape), scale);
    return shape.length === 2 ? tf.transpose(t) : t;
  }));
  model.layers[0].setWeights([w[0], w[1]]);
  model.layers[1].setWeights([w[2], w[3]]);
  tf.dispose(w);
  return model;
}

function moduleRow(ctx, name, kind) {
  const { torch } = ctx;
  const w = {
    name, unit: 'ms', higherIsBetter: false,
    note: `nn.Sequential(Linear, ReLU, Linear) + nn.CrossEntropyLoss + optim.${kind === 'sgd' ? 'SGD' : 'Adam'}; tfjs: tf.layers dense + tf.losses.softmaxCrossEntropy + tf.train.${kind} (optimizer.minimize)`,
    impls: {
      ours: async () => {
        const model = oursModel(torch);
        const opt = OPTIMIZERS[kind].ours(torch, model.parameters());
        const lossFn = new torch.nn.CrossEntropyLoss();
        const x = ours(torch, [B, I], 5);
        const y = torch.tensor(LABELS);
        const step = () => torch.tidy(() => {
          opt.zeroGrad();
          const loss = lossFn(model(x), y);
          loss.backward();
          opt.step();
          return loss;
        });
        await firstSteps(w, 'ours', kind, () => torch.tidy(() => step().item()));
        return { run: () => step().dispose() };
      },
    },
  };
  for (const [lib, backend] of [['tfjs-wasm', 'wasm'], ...(kind === 'sgd' ? [['tfjs-cpu', 'cpu']] : [])]) {
    w.impls[lib] = tfImpl(ctx, backend, async (tf, tfl) => {
      const model = tfModel(tf, needLayers(tfl));
      const opt = OPTIMIZERS[kind].tf(tf);
      const vars = model.trainableWeights.map((v) => v.read());
      const x = tf.tensor2d(values(B * I, 5), [B, I]);
      const y = tf.tensor2d(ONEHOT, [B, O]);
      const step = () => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })), true, vars);
      await firstSteps(w, lib, kind, () => tfLoss(step));
      return () => step().dispose();
    });
  }
  return w;
}

function functionalRow(ctx) {
  const { torch } = ctx;
  const lr = 0.01;
  const w = {
    name: 'mlp_train_step_functional', unit: 'ms', higherIsBetter: false,
    note: 'F.linear, F.relu, -log_softmax(out).gather(labels).mean(), p.sub_(p.grad, lr) on plain tensors; tfjs: tf ops + tf.losses.softmaxCrossEntropy + tf.train.sgd',
    impls: {
      ours: async () => {
        const F = torch.nn.functional;
        const ps = PARAMS.map(([shape, seed, scale]) => ours(torch, shape, seed).mul(scale).requiresGrad_());
        const x = ours(torch, [B, I], 5);
        const y = torch.tensor(LABELS).unsqueeze(1);
        const step = () => {
          const loss = torch.tidy(() => {
            const out = F.linear(F.relu(F.linear(x, ps[0], ps[1])), ps[2], ps[3]);
            const l = F.logSoftmax(out, 1).gather(1, y).mean().neg();
            l.backward();
            torch.noGrad(() => {
              for (const p of ps) p.sub_(p.grad, { alpha: lr });
            });
            return l;
          });
          for (const p of ps) {
            p.grad.dispose();
            p.grad = null;
          }
          return loss;
        };
        await firstSteps(w, 'ours', 'sgd', () => torch.tidy(() => step().item()));
        return { run: () => step().dispose() };
      },
      'tfjs-wasm': tfImpl(ctx, 'wasm', async (tf) => {
        const v = (shape, seed, scale) => tf.variable(tf.tidy(() => {
          const t = tf.mul(tf.tensor(values(prod(shape), seed), shape), scale);
          return shape.length === 2 ? tf.transpose(t) : t; // tfjs weights are [in, out]
        }));
        const ps = PARAMS.map(([shape, seed, scale]) => v(shape, seed, scale));
        const x = tf.tensor2d(values(B * I, 5), [B, I]);
        const y = tf.tensor2d(ONEHOT, [B, O]);
        const opt = tf.train.sgd(lr);
        const step = () => opt.minimize(() => {
          const h = tf.relu(tf.add(tf.matMul(x, ps[0]), ps[1]));
          return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h, ps[2]), ps[3]));
        }, true, ps);
        await firstSteps(w, 'tfjs-wasm', 'sgd', () => tfLoss(step));
        return () => step().dispose();
      }),
    },
  };
  return w;
}

export function mlpWorkloads(ctx) {
  return [moduleRow(ctx, 'mlp_train_step', 'sgd'), functionalRow(ctx), moduleRow(ctx, 'mlp_train_step_adam', 'adam')];
}
