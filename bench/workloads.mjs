// The benchmark workloads. Each gives, per library, an async setup returning
// { before?, run } (run may return a promise); the driver times run() repeatedly.
// Inputs are made once in setup; results are disposed inside run, so memory stays flat.

import { loadResnet18, resnet18LogitsError } from './resnet18.mjs';
import { peakKernel } from './peak.mjs';

/** Reproducible uniform values in [-1, 1). */
export function values(n, seed = 1) {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

const prod = (shape) => shape.reduce((a, b) => a * b, 1);

/** Our tensor of `shape` with values(seed). */
const ours = (torch, shape, seed = 1) => torch.fromArray(values(prod(shape), seed), shape);

/** A tfjs impl on backend `name` ('wasm' | 'cpu'): setup(tf) returns run. */
const tfImpl = (ctx, name, setup) => async () => {
  await ctx.tfjs.use(name);
  const run = setup(ctx.tfjs.tf);
  return { before: () => ctx.tfjs.use(name), run };
};
const tfBoth = (ctx, setup) => ({ 'tfjs-wasm': tfImpl(ctx, 'wasm', setup), 'tfjs-cpu': tfImpl(ctx, 'cpu', setup) });

/** An onnxruntime-web impl of `model` with inputs {name: [shape, seed]}. */
const ortImpl = (ctx, model, inputs) => async () => {
  const s = await ctx.ort.session(model);
  if (!s) throw new Error(`model ${model} not found`);
  const feeds = {};
  for (const [name, [shape, seed]] of Object.entries(inputs)) feeds[name] = new ctx.ort.ort.Tensor('float32', values(prod(shape), seed), shape);
  return { run: () => s.run(feeds) };
};

/** The first function among candidates (names under torch.nn.functional or torch). */
export function pick(torch, ...names) {
  for (const n of names) {
    const f = torch.nn?.functional?.[n] ?? torch[n];
    if (typeof f === 'function') return f;
  }
  return null;
}

function sgemm(ctx, n) {
  return {
    name: `sgemm_${n}`, unit: 'GFLOP/s', higherIsBetter: true, work: 2 * n ** 3,
    impls: {
      ours: async () => {
        const { torch } = ctx;
        const a = ours(torch, [n, n], 1);
        const b = ours(torch, [n, n], 2);
        return { run: () => torch.mm(a, b).dispose() };
      },
      ...tfBoth(ctx, (tf) => {
        const a = tf.tensor2d(values(n * n, 1), [n, n]);
        const b = tf.tensor2d(values(n * n, 2), [n, n]);
        return () => tf.matMul(a, b).dispose();
      }),
      'onnxruntime-web': ortImpl(ctx, `matmul_${n}.onnx`, { A: [[n, n], 1], B: [[n, n], 2] }),
    },
  };
}

const CONV_X = [1, 64, 56, 56];
const CONV_W = [64, 64, 3, 3];

function conv(ctx) {
  return {
    name: 'conv3x3_64x56x56', unit: 'ms', higherIsBetter: false,
    impls: {
      ours: async () => {
        const { torch } = ctx;
        const F = torch.nn.functional;
        const x = ours(torch, CONV_X, 1);
        const w = ours(torch, CONV_W, 2).mul(0.05);
        const b = ours(torch, [64], 3);
        return { run: () => F.conv2d(x, w, b, { padding: 1 }).dispose() };
      },
      ...tfBoth(ctx, (tf) => {
        const x = tf.tensor4d(values(prod(CONV_X), 1), [1, 56, 56, 64]);
        const filter = tf.tensor4d(values(prod(CONV_W), 2), [3, 3, 64, 64]);
        const bias = tf.tensor1d(values(64, 3));
        return () => tf.fused.conv2d({ x, filter, strides: 1, pad: 'same', bias }).dispose();
      }),
      'onnxruntime-web': ortImpl(ctx, 'conv64.onnx', { x: [CONV_X, 1] }),
    },
  };
}

function convFwdBwd(ctx) {
  return {
    name: 'conv3x3_64x56x56_fwd_bwd', unit: 'ms', higherIsBetter: false,
    impls: {
      ours: async () => {
        const { torch } = ctx;
        const F = torch.nn.functional;
        const x = ours(torch, CONV_X, 1);
        const w = ours(torch, CONV_W, 2).mul(0.05);
        const b = ours(torch, [64], 3);
        for (const t of [x, w, b]) t.requiresGrad = true;
        const g = ours(torch, CONV_X, 4);
        return {
          run: () => {
            torch.tidy(() => torch.autograd.backward(F.conv2d(x, w, b, { padding: 1 }), g));
            for (const t of [x, w, b]) {
              t.grad.dispose();
              t.grad = null;
            }
          },
        };
      },
    },
  };
}

function resnet(ctx) {
  const w = {
    name: 'resnet18_forward', unit: 'ms', higherIsBetter: false,
    impls: {
      ours: async () => {
        const { torch } = ctx;
        const sd = loadResnet18(torch);
        const err = resnet18LogitsError(torch, sd);
        w.note = `our logits vs PyTorch's resnet18_logits.bin: max |diff| ${err.toExponential(2)} (${err <= 1e-3 ? 'within' : 'NOT within'} 1e-3)`;
        w.logits_max_abs_diff = err;
        const x = ours(torch, [1, 3, 224, 224], 1);
        return { run: () => torch.noGrad(() => void torch.models.resnetForward(sd, x).dispose()) };
      },
      'onnxruntime-web': ortImpl(ctx, 'resnet18.onnx', { input: [[1, 3, 224, 224], 1] }),
    },
  };
  return w;
}

function add2x2(ctx, grad) {
  const ops = 2000;
  return {
    name: grad ? 'add_2x2_per_op_grad' : 'add_2x2_per_op', unit: 'us', higherIsBetter: false, opsPerRun: ops,
    impls: {
      ours: async () => {
        const { torch } = ctx;
        const a = ours(torch, [2, 2], 1);
        const b = ours(torch, [2, 2], 2);
        if (grad) a.requiresGrad = true;
        return {
          run: () => {
            for (let i = 0; i < ops; i++) torch.add(a, b).dispose();
          },
        };
      },
      ...(grad ? {} : tfBoth(ctx, (tf) => {
        const a = tf.tensor2d(values(4, 1), [2, 2]);
        const b = tf.tensor2d(values(4, 2), [2, 2]);
        return () => {
          for (let i = 0; i < ops; i++) tf.add(a, b).dispose();
        };
      })),
    },
  };
}

function add1m(ctx) {
  const n = 1_000_000;
  return {
    name: 'add_1m', unit: 'ms', higherIsBetter: false,
    impls: {
      ours: async () => {
        const { torch } = ctx;
        const a = ours(ctx.torch, [n], 1);
        const b = ours(ctx.torch, [n], 2);
        return { run: () => torch.add(a, b).dispose() };
      },
      ...tfBoth(ctx, (tf) => {
        const a = tf.tensor1d(values(n, 1));
        const b = tf.tensor1d(values(n, 2));
        return () => tf.add(a, b).dispose();
      }),
      'onnxruntime-web': ortImpl(ctx, 'add_1m.onnx', { X: [[n], 1], Y: [[n], 2] }),
    },
  };
}

function sum1m(ctx) {
  const n = 1_000_000;
  return {
    name: 'sum_1m', unit: 'ms', higherIsBetter: false,
    impls: {
      ours: async () => {
        const a = ours(ctx.torch, [n], 1);
        return { run: () => ctx.torch.sum(a).dispose() };
      },
      ...tfBoth(ctx, (tf) => {
        const a = tf.tensor1d(values(n, 1));
        return () => tf.sum(a).dispose();
      }),
    },
  };
}

function softmax(ctx) {
  return {
    name: 'softmax_1000x1000', unit: 'ms', higherIsBetter: false,
    impls: {
      ours: async () => {
        const { torch } = ctx;
        const f = pick(torch, 'softmax');
        if (!f) throw new Error('n/a: softmax is not in this build');
        const x = ours(torch, [1000, 1000], 1);
        return { run: () => f(x, 1).dispose() };
      },
      ...tfBoth(ctx, (tf) => {
        const x = tf.tensor2d(values(1e6, 1), [1000, 1000]);
        return () => tf.softmax(x).dispose();
      }),
    },
  };
}

/**
 * One SGD step of a 784-256-10 MLP on a batch of 64: forward, loss, backward, update.
 * ReLU and cross-entropy when our build has them, else identity / MSE (the peer runs
 * the same variant; the row's note says which).
 */
function mlp(ctx) {
  const { torch } = ctx;
  const [B, I, H, O] = [64, 784, 256, 10];
  const lr = 0.01;
  const labels = Array.from({ length: B }, (_, i) => (i * 7) % O);
  const onehot = new Float32Array(B * O);
  labels.forEach((l, i) => (onehot[i * O + l] = 1));
  return {
    name: 'mlp_train_step', unit: 'ms', higherIsBetter: false,
    note: 'linear-relu-linear, softmax cross-entropy (ours: -log_softmax(out).gather(labels).mean()), SGD',
    impls: {
      ours: async () => {
        const F = torch.nn.functional;
        const ps = [ours(torch, [H, I], 1).mul(0.05), ours(torch, [H], 2).mul(0.05), ours(torch, [O, H], 3).mul(0.1), ours(torch, [O], 4).mul(0.1)];
        for (const p of ps) p.requiresGrad = true;
        const x = ours(torch, [B, I], 5);
        const y = torch.tensor(labels).unsqueeze(1);
        return {
          run: () => {
            torch.tidy(() => {
              const out = F.linear(F.relu(F.linear(x, ps[0], ps[1])), ps[2], ps[3]);
              F.logSoftmax(out, 1).gather(1, y).mean().neg().backward();
              torch.noGrad(() => {
                for (const p of ps) p.sub_(p.grad, { alpha: lr });
              });
            });
            for (const p of ps) {
              p.grad.dispose();
              p.grad = null;
            }
          },
        };
      },
      'tfjs-wasm': tfImpl(ctx, 'wasm', (tf) => mlpTf(tf, onehot, [B, I, H, O], lr)),
      'tfjs-cpu': tfImpl(ctx, 'cpu', (tf) => mlpTf(tf, onehot, [B, I, H, O], lr)),
    },
  };
}

function mlpTf(tf, onehot, [B, I, H, O], lr) {
  const v = (shape, seed, scale) => tf.variable(tf.mul(tf.tensor(values(prod(shape), seed), shape), scale));
  // tfjs weights are [in, out]
  const w1 = v([I, H], 1, 0.05);
  const b1 = v([H], 2, 0.05);
  const w2 = v([H, O], 3, 0.1);
  const b2 = v([O], 4, 0.1);
  const x = tf.tensor2d(values(B * I, 5), [B, I]);
  const y = tf.tensor2d(onehot, [B, O]);
  const opt = tf.train.sgd(lr);
  return () => {
    const loss = opt.minimize(() => {
      const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
      return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h, w2), b2));
    }, true);
    loss.dispose();
  };
}

/** The f32x4 multiply-add ceiling (bench/peak.mjs): context for the GFLOP/s rows. */
function simdPeak() {
  const iterations = 100_000;
  const w = {
    name: 'simd_peak', unit: 'GFLOP/s', higherIsBetter: true,
    impls: {
      ours: async () => {
        const k = await peakKernel();
        w.work = iterations * k.flopsPerIteration;
        w.note = `register-resident f32x4 ${k.relaxed ? 'relaxed_madd' : 'mul + add'} loop: the ceiling of a wasm kernel here`;
        return { run: () => void k.run(iterations) };
      },
    },
  };
  return w;
}

export function allWorkloads(ctx) {
  return [
    simdPeak(),
    sgemm(ctx, 128), sgemm(ctx, 256), sgemm(ctx, 512), sgemm(ctx, 1024),
    conv(ctx), convFwdBwd(ctx), resnet(ctx), add2x2(ctx, false), add2x2(ctx, true),
    add1m(ctx), mlp(ctx), softmax(ctx), sum1m(ctx),
  ];
}
