// The sequence-model rows (inference, one thread):
//   lstm_seq128_b8    nn.LSTM(256, 256, 2) forward over seq 128, batch 8, against a tfjs
//                     tf.sequential of two tf.layers.lstm(256) with the same weights
//   transformer_encoder_layer_b8_s128_d256
//                     nn.TransformerEncoderLayer(256, 8, dim_feedforward 1024, batch_first)
//                     on [8, 128, 256], against onnxruntime-web running the same layer
//                     exported from PyTorch (bench/models/, bench/export_onnx.py)
//   tiny_gpt_token    ms per greedily generated token of the tiny GPT of the conformance
//                     fixtures (examples/tiny_gpt_model.mjs), against onnxruntime-web
//                     decoding with the graph exported from PyTorch (bench/models/tiny_gpt.onnx)
// Weights come from torch.manualSeed(0) and PyTorch's default init (ours draws the same
// streams) or from the fixture; each implementation's output is checked against
// PyTorch's (bench/pytorch_native.py --reference), and every decoder against the
// fixture's tokens, during setup.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ours, prod, values, tfImpl, needLayers, ortSession, maxAbsDiff, within } from './helpers.mjs';
import { createTinyGPT, greedyDecode, tinyGptCase } from '../examples/tiny_gpt_model.mjs';

const conformanceDir = process.env.CONFORMANCE_DIR ?? new URL('../../shared/conformance/', import.meta.url).pathname;
const OUT_TOL = 1e-4;

// lstm_seq128_b8: PyTorch's output[-1, 0, :8] (bench/pytorch_native.py --reference)
const [T, BATCH, LSTM_IN, LSTM_H] = [128, 8, 256, 256];
const TORCH_LSTM_LAST = [0.02427700348198414, -0.0003902335884049535, 0.008456959389150143, 0.025691784918308258,
  0.05320197343826294, -0.035843025892972946, 0.018424149602651596, -0.012658009305596352];

// transformer_encoder_layer_b8_s128_d256 (bench/torch_models.py ENCODER): PyTorch's out[0, 0, :8]
const ENC = { dModel: 256, nhead: 8, dimFeedforward: 1024, batch: 8, seq: 128, seed: 0 };
const ENC_SHAPE = [ENC.batch, ENC.seq, ENC.dModel];
const TORCH_ENC_FIRST = [-1.8879319429397583, -1.3763313293457031, 0.8696209788322449, -1.5330387353897095,
  0.25258755683898926, -1.2946655750274658, -0.690674364566803, -1.4515292644500732];

const addNote = (w, text) => (w.note = w.note ? `${w.note}; ${text}` : text);

/** Our LSTM of the row: PyTorch's init after manual_seed(0), eval. */
function oursLstm(torch) {
  torch.manualSeed(0);
  return new torch.nn.LSTM(LSTM_IN, LSTM_H, 2).eval();
}

/**
 * tf.layers.lstm weights from ours: kernel [in, 4H] and recurrent kernel [H, 4H] are the
 * transposed weight_ih / weight_hh (both gate orders are i, f, g/c, o), one bias b_ih + b_hh.
 */
function lstmWeightsForTf(torch, layer) {
  const lstm = oursLstm(torch);
  const p = (name) => lstm[`${name}_l${layer}`];
  const arrays = torch.tidy(() => [p('weight_ih').t(), p('weight_hh').t(), p('bias_ih').add(p('bias_hh'))].map((t) => [t.contiguous().toTypedArray(), t.shape]));
  lstm.dispose();
  return arrays;
}

function lstmRow(ctx) {
  const w = {
    name: 'lstm_seq128_b8', unit: 'ms', higherIsBetter: false,
    impls: {
      ours: async () => {
        const { torch } = ctx;
        const lstm = oursLstm(torch);
        const x = ours(torch, [T, BATCH, LSTM_IN], 1);
        const forward = () => torch.noGrad(() => lstm(x)[0]);
        const last = torch.tidy(() => forward().select(0, T - 1).select(0, 0).narrow(0, 0, 8).toTypedArray());
        addNote(w, `ours output[-1, 0, :8] vs PyTorch's: ${within(maxAbsDiff(last, TORCH_LSTM_LAST), OUT_TOL)}`);
        return { run: () => torch.tidy(() => void forward()) };
      },
      'tfjs-wasm': tfImpl(ctx, 'wasm', (tf, tfl) => {
        const layers = needLayers(tfl);
        // tfjs' recurrent activation defaults to hard sigmoid; PyTorch's gates use the sigmoid.
        // Zero initialisers: the weights are set from ours next (and the default orthogonal
        // one calls Tensor methods that only the @tensorflow/tfjs umbrella package installs)
        const lstm = (extra) => layers.layers.lstm({
          units: LSTM_H, returnSequences: true, recurrentActivation: 'sigmoid', kernelInitializer: 'zeros', recurrentInitializer: 'zeros', ...extra,
        });
        const model = layers.sequential({ layers: [lstm({ inputShape: [T, LSTM_IN] }), lstm({})] });
        model.layers.forEach((layer, k) => {
          const ws = lstmWeightsForTf(ctx.torch, k).map(([data, shape]) => tf.tensor(data, shape));
          layer.setWeights(ws);
          tf.dispose(ws);
        });
        // tfjs is batch-major: [batch, time, features]
        const x = tf.tidy(() => tf.transpose(tf.tensor(values(T * BATCH * LSTM_IN, 1), [T, BATCH, LSTM_IN]), [1, 0, 2]));
        const last = tf.tidy(() => tf.slice(model.predict(x), [0, T - 1, 0], [1, 1, 8]).dataSync());
        addNote(w, `tfjs-wasm output[-1, 0, :8] vs PyTorch's: ${within(maxAbsDiff(last, TORCH_LSTM_LAST), OUT_TOL)}`);
        return () => tf.tidy(() => void model.predict(x).dataSync());
      }),
    },
  };
  return w;
}

function encoderRow(ctx) {
  const w = {
    name: 'transformer_encoder_layer_b8_s128_d256', unit: 'ms', higherIsBetter: false,
    impls: {
      ours: async () => {
        const { torch } = ctx;
        torch.manualSeed(ENC.seed);
        const layer = new torch.nn.TransformerEncoderLayer(ENC.dModel, ENC.nhead, { dimFeedforward: ENC.dimFeedforward, dropout: 0, batchFirst: true }).eval();
        const src = ours(torch, ENC_SHAPE, 1);
        const first = torch.tidy(() => torch.noGrad(() => layer(src)).select(0, 0).select(0, 0).narrow(0, 0, 8).toTypedArray());
        addNote(w, `ours out[0, 0, :8] vs PyTorch's: ${within(maxAbsDiff(first, TORCH_ENC_FIRST), OUT_TOL)}`);
        return { run: () => torch.noGrad(() => void torch.tidy(() => void layer(src))) };
      },
      'onnxruntime-web': async () => {
        const s = await ortSession(ctx, 'transformer_encoder_layer_b8_s128_d256.onnx');
        const feeds = { src: new ctx.ort.ort.Tensor('float32', values(prod(ENC_SHAPE), 1), ENC_SHAPE) };
        const { out } = await s.run(feeds);
        addNote(w, `onnxruntime-web out[0, 0, :8] vs PyTorch's: ${within(maxAbsDiff(out.data.subarray(0, 8), TORCH_ENC_FIRST), OUT_TOL)}`);
        return { run: () => s.run(feeds) };
      },
    },
  };
  return w;
}

function tinyGptRow(ctx) {
  /** The fixture's case; also sets the row's tokens per run and its note. */
  const loadCase = () => {
    const gpt = tinyGptCase(readFileSync(join(conformanceDir, 'sequence.json'), 'utf8'));
    w.opsPerRun = gpt.steps;
    w.note ??= `ms per generated token: greedy decoding of ${gpt.steps} tokens from a ${gpt.prompt.length}-token prompt, ` +
      `the whole context (at most ${gpt.config.contextLength} tokens) each step`;
    return gpt;
  };
  const sameTokens = (who, gpt, tokens) => addNote(w, `${who} ${tokens.join() === gpt.tokens.join() ? 'decodes' : 'does NOT decode'} PyTorch's ${gpt.steps} tokens`);
  const w = {
    name: 'tiny_gpt_token', unit: 'ms', higherIsBetter: false,
    impls: {
      ours: async () => {
        const { torch } = ctx;
        const gpt = loadCase();
        const model = createTinyGPT(torch, gpt.config);
        const sd = torch.load(readFileSync(join(conformanceDir, gpt.weights)));
        model.loadStateDict(sd);
        for (const t of Object.values(sd)) t.dispose();
        model.eval();
        const decode = () => greedyDecode(torch, model, gpt.prompt, gpt.steps).tokens;
        sameTokens('ours', gpt, decode());
        return { run: decode };
      },
      'onnxruntime-web': async () => {
        const { ort } = ctx.ort;
        const gpt = loadCase();
        const s = await ortSession(ctx, 'tiny_gpt.onnx');
        const decode = async () => {
          const seq = [...gpt.prompt];
          for (let i = 0; i < gpt.steps; i++) {
            const context = seq.slice(-gpt.config.contextLength);
            const idx = new ort.Tensor('int64', BigInt64Array.from(context, BigInt), [1, context.length]);
            const { logits } = await s.run({ idx });
            const vocab = logits.dims[2];
            const last = logits.data.subarray((context.length - 1) * vocab, context.length * vocab);
            seq.push(last.indexOf(Math.max(...last)));
          }
          return seq.slice(gpt.prompt.length);
        };
        sameTokens('onnxruntime-web', gpt, await decode());
        return { run: decode };
      },
    },
  };
  return w;
}

export function sequenceWorkloads(ctx) {
  return [lstmRow(ctx), encoderRow(ctx), tinyGptRow(ctx)];
}
