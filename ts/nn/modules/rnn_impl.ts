// What the recurrent modules call (PyTorch's _VF.rnn_tanh / rnn_relu / lstm / gru and
// the *_cell functions, aten/src/ATen/native/RNN.cpp): the layers and directions of a
// stacked RNN over a packed sequence, and one cell step. Each layer and direction is
// one input projection for all steps (a GEMM) and one rnn_layer op (ops/rnn.ts), whose
// time loop runs in the crate; dropout goes between layers in training.

import { Tensor } from '../../tensor/tensor.js';
import { int64 } from '../../tensor/dtype.js';
import { AttributeError, RuntimeError } from '../../tensor/shape.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { cat, full, stack } from '../../ops/all.js';
import { GRU, LSTM, RNN_RELU, RNN_TANH, rnnLayer } from '../../ops/nn/rnn.js';
import { dropout as dropoutFn, linear } from '../functional/index.js';
import { uniform_ } from '../init.js';
import { PackedSequence } from '../utils/rnn.js';

/** The kernel mode of a module mode name ('RNN_TANH', 'RNN_RELU', 'LSTM', 'GRU'). */
export const MODE_CODES: Record<string, number> = { RNN_TANH, RNN_RELU, LSTM, GRU };

/** The (h, c) pair of an LSTM. */
export type LSTMState = [Tensor, Tensor];

/** Python's AttributeError for a value without .dim() where a tensor (or a PackedSequence) belongs. */
export function requireTensor(v: unknown, packedToo = true): void {
  if (v instanceof Tensor || (packedToo && v instanceof PackedSequence)) return;
  const type = Array.isArray(v) ? 'list' : v === null || v === undefined ? 'NoneType' : typeof v === 'number' ? 'int'
    : typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v;
  throw new AttributeError(`'${type}' object has no attribute 'dim'`);
}

/** PyTorch's reset_parameters of every recurrent module: U(-1/sqrt(hidden), 1/sqrt(hidden)) in registration order. */
export function uniformInit(params: Tensor[], hiddenSize: number): void {
  const stdv = hiddenSize > 0 ? 1 / Math.sqrt(hiddenSize) : 0;
  for (const w of params) uniform_(w, -stdv, stdv);
}

/** The weights of one layer and direction (null where the module has none). */
export interface LayerWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  wHr: Tensor | null;
}

/** PyTorch's matmul error when an input or state does not have the weights' dtype. */
export function checkDtypes(weight: Tensor, ...ts: (Tensor | null)[]): void {
  for (const t of ts) if (t !== null && t.dtype !== weight.dtype) throw new RuntimeError('mat1 and mat2 must have the same dtype');
}

/** The batch sizes of a padded [steps, batch] sequence, as packed ones. */
export const paddedBatchSizes = (steps: number, batch: number): Tensor => full([steps], batch, { dtype: int64 }) as Tensor;

/**
 * One layer and direction: [output rows, h_n, c_n (LSTM) or null]. The workspace for
 * backward is kept only when a gradient can flow.
 */
function layer(mode: number, input: Tensor, h: Tensor, c: Tensor | null, w: LayerWeights, batchSizes: Tensor, reverse: boolean): [Tensor, Tensor, Tensor | null] {
  const gi = linear(input, w.wIh, w.bIh) as Tensor;
  const keep = isGradEnabled() && [gi, h, c, w.wHh, w.bHh, w.wHr].some((t) => t !== null && t.requiresGrad);
  const [out, hn, cn, ws] = rnnLayer(gi, h, c, w.wHh, w.bHh, w.wHr, batchSizes, mode, reverse, keep) as Tensor[];
  ws.dispose();
  if (mode !== LSTM) cn.dispose();
  return [out, hn, mode === LSTM ? cn : null];
}

/**
 * A stacked (and optionally bidirectional) recurrent network over packed rows:
 * data [rows, input_size], hx [layers * directions, batch, hp] (cx likewise with H)
 * -> [output rows [rows, directions * hp], h_n, c_n or null]. `weights` are ordered
 * layer by layer, forward direction first.
 */
export function rnnImpl(mode: number, data: Tensor, batchSizes: Tensor, hx: Tensor, cx: Tensor | null, weights: LayerWeights[],
  numLayers: number, dropout: number, train: boolean, bidirectional: boolean): [Tensor, Tensor, Tensor | null] {
  const dirs = bidirectional ? 2 : 1;
  const hns: Tensor[] = [];
  const cns: Tensor[] = [];
  let x = data;
  for (let l = 0; l < numLayers; l++) {
    const outs: Tensor[] = [];
    for (let d = 0; d < dirs; d++) {
      const k = l * dirs + d;
      const [out, hn, cn] = layer(mode, x, hx.select(0, k) as Tensor, cx === null ? null : (cx.select(0, k) as Tensor), weights[k], batchSizes, d === 1);
      outs.push(out);
      hns.push(hn);
      if (cn !== null) cns.push(cn);
    }
    x = dirs === 1 ? outs[0] : (cat(outs, 1) as Tensor);
    if (dropout !== 0 && train && l < numLayers - 1) x = dropoutFn(x, dropout, true) as Tensor;
  }
  return [x, stack(hns, 0) as Tensor, cx === null ? null : (stack(cns, 0) as Tensor)];
}

/**
 * One step of a cell (rnn_tanh_cell, rnn_relu_cell, lstm_cell, gru_cell) on a batch:
 * input [B, input_size], hx [B, H] (and cx) -> [h', c' (LSTM) or null], with PyTorch's
 * checks of the shapes.
 */
export function cellImpl(mode: number, input: Tensor, hx: Tensor, cx: Tensor | null, wIh: Tensor, wHh: Tensor, bIh: Tensor | null,
  bHh: Tensor | null): [Tensor, Tensor | null] {
  const inputSize = wIh.shape[1];
  if (input.size(1) !== inputSize) throw new RuntimeError(`input has inconsistent input_size: got ${input.size(1)} expected ${inputSize}`);
  const hidden = wHh.shape[1];
  for (const h of cx === null ? [hx] : [hx, cx]) {
    if (input.size(0) !== h.size(0)) throw new RuntimeError(`Input batch size ${input.size(0)} doesn't match hidden0 batch size ${h.size(0)}`);
    if (h.size(1) !== hidden) throw new RuntimeError(`hidden0 has inconsistent hidden_size: got ${h.size(1)}, expected ${hidden}`);
    if (h.ndim > 2) {
      const rows = h.numel() / h.shape[h.ndim - 1];
      throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${rows}x${h.shape[h.ndim - 1]} and ${wHh.shape[1]}x${wHh.shape[0]})`);
    }
  }
  checkDtypes(wIh, input, hx, cx);
  const [out, , cn] = layer(mode, input, hx, cx, { wIh, wHh, bIh, bHh, wHr: null }, paddedBatchSizes(1, input.shape[0]), false);
  return [out, cn];
}
