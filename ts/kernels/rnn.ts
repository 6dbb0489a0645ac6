// Driver of crate/src/abi/rnn.rs: the time loop of one recurrent layer and direction
// (RNN tanh/relu, LSTM with optional projection, GRU) and its backward. Operands are
// contiguous (the caller copies first: copies use the scratch area the descriptor is
// written to); null or empty tensors pass as absent.

import { K } from '../wasm/heap.js';
import type { Tensor } from '../tensor/tensor.js';
import { scratchI32 } from './scratch.js';
import { checkStatus } from './status.js';

/** The layer: kernel mode code, hidden size, projection size (0: none), direction, steps. */
export interface RnnLayerDesc {
  mode: number;
  hidden: number;
  proj: number;
  reverse: boolean;
  steps: number;
}

const ptr = (t: Tensor | null): number => (t === null || t.numel() === 0 ? 0 : t._ptr);
const desc = (d: RnnLayerDesc): number => scratchI32([d.mode, d.hidden, d.proj, d.reverse ? 1 : 0]);

/** output, h_n, c_n (LSTM) and, when given, the workspace the backward reads. */
export function rnnLayerForward(
  d: RnnLayerDesc, batchSizes: Tensor, inputGates: Tensor, hx: Tensor, cx: Tensor | null, wHh: Tensor, bHh: Tensor | null,
  wHr: Tensor | null, out: Tensor, hn: Tensor, cn: Tensor, workspace: Tensor | null,
): void {
  checkStatus(K.rnn_layer_forward(out.dtype.code, desc(d), d.steps, ptr(batchSizes), ptr(inputGates), ptr(hx), ptr(cx), ptr(wHh),
    ptr(bHh), ptr(wHr), ptr(out), ptr(hn), ptr(cn), ptr(workspace)), 'rnn_layer');
}

/** Gradients of the input gates, h0, c0, W_hh, b_hh and W_hr (null: not wanted) from the saved workspace. */
export function rnnLayerBackward(
  d: RnnLayerDesc, batchSizes: Tensor, workspace: Tensor, output: Tensor, wHh: Tensor, wHr: Tensor | null,
  gOut: Tensor | null, gHy: Tensor | null, gCy: Tensor | null,
  dGi: Tensor, dh0: Tensor | null, dc0: Tensor | null, dwHh: Tensor | null, dbHh: Tensor | null, dwHr: Tensor | null,
): void {
  checkStatus(K.rnn_layer_backward(dGi.dtype.code, desc(d), d.steps, ptr(batchSizes), ptr(workspace), ptr(output), ptr(wHh), ptr(wHr),
    ptr(gOut), ptr(gHy), ptr(gCy), ptr(dGi), ptr(dh0), ptr(dc0), ptr(dwHh), ptr(dbHh), ptr(dwHr)), 'rnn_layer_backward');
}
