// The benchmark workloads. Each gives, per library, an async setup returning
// { before?, run } (run may return a promise); the driver times run() repeatedly.
// Inputs are made once in setup; results are disposed inside run, so memory stays flat.

import { ours, prod, values, tfBoth, ortImpl, pick } from './helpers.mjs';
import { peakKernel } from './peak.mjs';
import { mlpWorkloads } from './mlp.mjs';
import { resnetWorkloads } from './resnet18.mjs';
import { sequenceWorkloads } from './sequence.mjs';
import { mnistWorkloads } from './mnist_epoch.mjs';

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

/** The f32x4 multiply-add ceiling (bench/peak.mjs): context for the GFLOP/s rows. */
function simdPeak(ctx) {
  const iterations = 100_000;
  const w = {
    name: 'simd_peak', unit: 'GFLOP/s', higherIsBetter: true,
    impls: {
      ours: async () => {
        const k = await peakKernel(ctx.strict);
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
    simdPeak(ctx),
    sgemm(ctx, 128), sgemm(ctx, 256), sgemm(ctx, 512), sgemm(ctx, 1024),
    conv(ctx), convFwdBwd(ctx), ...resnetWorkloads(ctx), add2x2(ctx, false), add2x2(ctx, true),
    add1m(ctx), ...mlpWorkloads(ctx), softmax(ctx), sum1m(ctx), ...sequenceWorkloads(ctx), ...mnistWorkloads(ctx),
  ];
}
