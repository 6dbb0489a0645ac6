// The recurrent layer as an op: one layer and direction of an Elman RNN (tanh/relu), an
// LSTM (optionally projecting h) or a GRU over input gates computed beforehand for all
// steps. The time loop runs in the crate (crate/src/kernels/rnn.rs): per step one GEMM
// with W_hh and one fused pass computing the gates and the new c and h. Its backward
// op runs the loop in reverse from the saved gates and gives the gradients through time
// of the input gates, the initial states, W_hh, b_hh and W_hr.
//
// Sequences are packed as PyTorch packs them (step t has batch_sizes[t] rows, a padded
// [T, B] batch is batch_sizes = [B] * T), so padded and packed input take one path.

import { Tensor } from '../../tensor/tensor.js';
import { int64, type DType } from '../../tensor/dtype.js';
import { NotImplementedError, RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { contiguous } from '../../tensor/copy.js';
import { rnnLayerBackward as backwardKernel, rnnLayerForward as forwardKernel, type RnnLayerDesc } from '../../kernels/rnn.js';
import { sizeStr } from './args.js';
import type { OpAny } from '../types.js';

/** The kernel's mode codes (crate/src/kernels/rnn.rs). */
export const RNN_TANH = 0;
export const RNN_RELU = 1;
export const LSTM = 2;
export const GRU = 3;
const GATE_COUNT = [1, 1, 4, 3];

interface Geometry {
  dtype: DType;
  hidden: number;
  proj: number;
  /** width of h and of the output rows */
  hp: number;
  gates: number;
  steps: number;
  rows: number;
  batch: number;
  wsWidth: number;
}

const shapeIs = (t: Tensor | null, shape: number[]): boolean =>
  t === null || (t.ndim === shape.length && t.shape.every((s, i) => s === shape[i]));

/** Checks the operands of one layer against each other; the module checks what users see first. */
function geometry(op: string, mode: number, output: Tensor | null, hx: Tensor, cx: Tensor | null | undefined, wHh: Tensor, bHh: Tensor | null,
  wHr: Tensor | null, batchSizes: Tensor, rowsGiven: number | null): Geometry {
  if (!(mode >= 0 && mode < GATE_COUNT.length)) throw new RuntimeError(`${op}: unknown mode ${mode}`);
  const dtype = wHh.dtype;
  if (dtype.name !== 'float32' && dtype.name !== 'float64') throw new RuntimeError(`"${op}" not implemented for '${dtype.scalarName}'`);
  for (const t of [output, hx, cx ?? null, bHh, wHr]) {
    if (t !== null && t.dtype !== dtype) throw new RuntimeError(`${op}: expected scalar type ${dtype.scalarName} but found ${t.dtype.scalarName}`);
  }
  if (batchSizes.dtype !== int64 || batchSizes.ndim !== 1) {
    throw new RuntimeError(`${op}: batch_sizes should be a 1-d int64 tensor, but got ${sizeStr(batchSizes.shape)} ${batchSizes.dtype.scalarName}`);
  }
  const sizes = batchSizes.tolist() as number[];
  const batch = hx.ndim === 2 ? hx.shape[0] : -1;
  const bad = sizes.findIndex((b, t) => !(b >= 0 && b <= (t === 0 ? batch : sizes[t - 1])) || (t === 0 && b !== batch));
  if (bad >= 0) throw new RuntimeError(`${op}: batch_sizes must start at the batch size of hx (${batch}) and not increase, got ${sizeStr(sizes)}`);
  const mult = GATE_COUNT[mode];
  if (wHh.ndim !== 2 || wHh.shape[0] % mult !== 0) throw new RuntimeError(`${op}: weight_hh of size ${sizeStr(wHh.shape)} does not hold ${mult} gates`);
  const hidden = wHh.shape[0] / mult;
  const proj = wHr === null ? 0 : wHr.shape[0];
  if (proj > 0 && mode !== LSTM) throw new RuntimeError(`${op}: only the LSTM has a projection`);
  const hp = proj > 0 ? proj : hidden;
  const gates = mult * hidden;
  const rows = sizes.reduce((a, b) => a + b, 0);
  const expect: [string, Tensor | null, number[]][] = [
    ['weight_hh', wHh, [gates, hp]], ['hx', hx, [batch, hp]], ['bias_hh', bHh, [gates]], ['weight_hr', wHr, [proj, hidden]],
    ['cx', cx ?? null, [batch, hidden]], ['output', output, [rows, hp]],
  ];
  for (const [name, t, shape] of expect) {
    if (!shapeIs(t, shape)) throw new RuntimeError(`${op}: expected ${name} of size ${sizeStr(shape)}, but got ${sizeStr(t!.shape)}`);
  }
  // (undefined: not checked)
  if (cx !== undefined && (mode === LSTM) !== (cx !== null)) throw new RuntimeError(`${op}: ${mode === LSTM ? 'the LSTM needs cx' : 'cx is for the LSTM only'}`);
  if (rowsGiven !== null && rowsGiven !== rows) throw new RuntimeError(`${op}: expected ${rows} rows of input gates (the sum of batch_sizes), but got ${rowsGiven}`);
  const wsWidth = hp + (mode === LSTM ? 6 * hidden + (proj > 0 ? hidden : 0) : mode === GRU ? 4 * hidden : 0);
  return { dtype, hidden, proj, hp, gates, steps: sizes.length, rows, batch, wsWidth };
}

const desc = (mode: number, g: Geometry, reverse: boolean): RnnLayerDesc => ({ mode, hidden: g.hidden, proj: g.proj, reverse, steps: g.steps });

/**
 * rnn_layer(input_gates, hx, cx, weight_hh, bias_hh, weight_hr, batch_sizes, mode, reverse,
 * keep_workspace) -> [output, h_n, c_n, workspace]: input_gates [rows, G*H] (x W_ih^T +
 * b_ih for every row), hx [B, hp], cx [B, H] (LSTM); output [rows, hp]; c_n is empty
 * but for the LSTM; the workspace (what backward reads) is kept only when asked for.
 */
export const rnnLayer: OpAny = defineOp({
  name: 'rnn_layer',
  sig: 'Tensor input_gates, Tensor hx, Tensor? cx, Tensor weight_hh, Tensor? bias_hh, Tensor? weight_hr, Tensor batch_sizes, int mode, bool reverse, bool keep_workspace',
  fn: false,
  method: false,
  save: ['weight_hh', 'weight_hr', 'batch_sizes', 'result'],
  forward: (gi: Tensor, hx: Tensor, cx: Tensor | null, wHh: Tensor, bHh: Tensor | null, wHr: Tensor | null, batchSizes: Tensor,
    mode: number, reverse: boolean, keepWorkspace: boolean) => {
    const op = 'rnn_layer';
    const g = geometry(op, mode, null, hx, cx, wHh, bHh, wHr, batchSizes, gi.ndim === 2 ? gi.shape[0] : -1);
    if (!shapeIs(gi, [g.rows, g.gates]) || gi.dtype !== g.dtype) {
      throw new RuntimeError(`${op}: expected input_gates of size ${sizeStr([g.rows, g.gates])} and type ${g.dtype.scalarName}, but got ${sizeStr(gi.shape)} ${gi.dtype.scalarName}`);
    }
    const out = Tensor._empty([g.rows, g.hp], g.dtype);
    const hn = Tensor._empty([g.batch, g.hp], g.dtype);
    const cn = Tensor._empty(mode === LSTM ? [g.batch, g.hidden] : [0], g.dtype);
    const ws = Tensor._empty(keepWorkspace ? [g.rows, g.wsWidth] : [0], g.dtype);
    const c = (t: Tensor | null): Tensor | null => (t === null ? null : contiguous(t));
    forwardKernel(desc(mode, g, reverse), c(batchSizes)!, c(gi)!, c(hx)!, c(cx), c(wHh)!, c(bHh), c(wHr), out, hn, cn, keepWorkspace ? ws : null);
    return [out, hn, cn, ws];
  },
  gradAll: {
    inputs: ['input_gates', 'hx', 'cx', 'weight_hh', 'bias_hh', 'weight_hr'],
    formula: (_g, c, grads) => {
      const [output, , , workspace] = c.result as Tensor[];
      const wants = ['input_gates', 'hx', 'cx', 'weight_hh', 'bias_hh', 'weight_hr'].map((n) => !!c.needs[n]);
      const [dGi, dh0, dc0, dwHh, dbHh, dwHr] = rnnLayerBackward(grads[0], grads[1], grads[2], workspace, output, c.weight_hh,
        c.weight_hr ?? null, c.batch_sizes, c.mode, c.reverse, wants) as (Tensor | null)[];
      return { input_gates: dGi, hx: dh0, cx: dc0, weight_hh: dwHh, bias_hh: dbHh, weight_hr: dwHr };
    },
  },
});

/**
 * rnn_layer_backward(grad_output, grad_hy, grad_cy, workspace, output, weight_hh, weight_hr,
 * batch_sizes, mode, reverse, output_mask) -> [d input_gates, d hx, d cx, d weight_hh,
 * d bias_hh, d weight_hr], each only where output_mask asks (the first always: the
 * recurrence needs it). Missing gradients of the outputs count as zeros.
 */
export const rnnLayerBackward: OpAny = defineOp({
  name: 'rnn_layer_backward',
  sig: 'Tensor? grad_output, Tensor? grad_hy, Tensor? grad_cy, Tensor workspace, Tensor output, Tensor weight_hh, Tensor? weight_hr, Tensor batch_sizes, int mode, bool reverse, bool[] output_mask',
  fn: false,
  method: false,
  forward: (gOut: Tensor | null, gHy: Tensor | null, gCy: Tensor | null, ws: Tensor, output: Tensor, wHh: Tensor, wHr: Tensor | null,
    batchSizes: Tensor, mode: number, reverse: boolean, mask: boolean[]) => {
    const op = 'rnn_layer_backward';
    // hx and cx take their shapes from the gradients of h_n and c_n, or the batch size
    const batch = (batchSizes.tolist() as number[])[0] ?? 0;
    const g = geometry(op, mode, output, gHy ?? Tensor._empty([batch, output.shape[1] ?? 0], wHh.dtype), undefined, wHh, null, wHr, batchSizes, null);
    if (mode === LSTM && gCy !== null && !shapeIs(gCy, [g.batch, g.hidden])) throw new RuntimeError(`${op}: expected grad_cy of size ${sizeStr([g.batch, g.hidden])}`);
    if (gOut !== null && !shapeIs(gOut, [g.rows, g.hp])) throw new RuntimeError(`${op}: expected grad_output of size ${sizeStr([g.rows, g.hp])}`);
    if (!shapeIs(ws, [g.rows, g.wsWidth])) {
      throw new RuntimeError(`${op}: the forward kept no workspace (keep_workspace=False), so it cannot be differentiated`);
    }
    const mk = (on: boolean, shape: number[]): Tensor | null => (on ? Tensor._empty(shape, g.dtype) : null);
    const dGi = Tensor._empty([g.rows, g.gates], g.dtype);
    const dh0 = mk(mask[1], [g.batch, g.hp]);
    const dc0 = mk(mask[2] && mode === LSTM, [g.batch, g.hidden]);
    const dwHh = mk(mask[3], [g.gates, g.hp]);
    const dbHh = mk(mask[4], [g.gates]);
    const dwHr = mk(mask[5] && g.proj > 0, [g.proj, g.hidden]);
    const c = (t: Tensor | null): Tensor | null => (t === null ? null : contiguous(t));
    backwardKernel(desc(mode, g, reverse), c(batchSizes)!, c(ws)!, c(output)!, c(wHh)!, c(wHr), c(gOut), c(gHy), mode === LSTM ? c(gCy) : null,
      dGi, dh0, dc0, dwHh, dbHh, dwHr);
    return [dGi, dh0, dc0, dwHh, dbHh, dwHr];
  },
  // reached only by a second backward through a recurrent layer (create_graph)
  gradAll: {
    inputs: ['grad_output', 'grad_hy', 'grad_cy', 'workspace', 'output', 'weight_hh', 'weight_hr'],
    formula: () => {
      throw new NotImplementedError("the derivative for 'rnn_layer_backward' is not implemented.");
    },
  },
});
