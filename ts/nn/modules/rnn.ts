// nn.RNNBase, nn.RNN, nn.LSTM, nn.GRU (PyTorch 1.13's torch/nn/modules/rnn.py):
// PyTorch's parameter names, shapes, registration order and uniform(-1/sqrt(hidden),
// 1/sqrt(hidden)) initialisation, its input and state checks, batched, unbatched and
// PackedSequence input. The computation is rnn_impl.ts; the cells are rnn_cell.ts.

import { Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';
import { IndexError, RuntimeError, ValueError, shapeEquals } from '../../tensor/shape.js';
import { tidy } from '../../tensor/scope.js';
import { zeros } from '../../ops/all.js';
import { isPlainObject } from '../../ops/signature.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { pyFloat, pyRepr } from '../module_repr.js';
import { PackedSequence } from '../utils/rnn.js';
import { moduleArgs } from './args.js';
import { checkDevice, emptyParameter, type FactoryOptions } from './factory.js';
import { MODE_CODES, checkDtypes, paddedBatchSizes, requireTensor, uniformInit, rnnImpl, type LayerWeights, type LSTMState } from './rnn_impl.js';

export type { LSTMState } from './rnn_impl.js';

export interface RNNBaseOptions extends FactoryOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  dropout?: number;
  bidirectional?: boolean;
  projSize?: number;
}
export interface RNNOptions extends Omit<RNNBaseOptions, 'projSize'> {
  nonlinearity?: 'tanh' | 'relu';
}
export type GRUOptions = Omit<RNNBaseOptions, 'projSize'>;
export type LSTMOptions = RNNBaseOptions;
type Input = Tensor | PackedSequence;

const BASE_SIG =
  'str mode, int input_size, int hidden_size, int num_layers=1, bool bias=True, bool batch_first=False, any dropout=0., ' +
  'bool bidirectional=False, int proj_size=0, Device? device=None, ScalarType? dtype=None';

/** A tuple size as Python prints it: (2, 3, 20). */
const pyTuple = (s: readonly number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`);

/** `args` without the named option `key` of the trailing options object, and its value. */
function takeOption(args: unknown[], key: string): [unknown[], unknown] {
  const last = args[args.length - 1];
  if (!isPlainObject(last) || !(key in last)) return [args, undefined];
  const { [key]: value, ...rest } = last;
  return [[...args.slice(0, -1), rest], value];
}

/** PyTorch's refusal of proj_size outside the LSTM (given by name or position). */
function rejectProjSize(args: unknown[]): void {
  const last = args[args.length - 1];
  const named = isPlainObject(last) && ('projSize' in last || 'proj_size' in last);
  const positional = args.filter((a) => !isPlainObject(a)).length > 7;
  if (named || positional) throw new ValueError('proj_size argument is only supported for LSTM, not RNN or GRU');
}

/**
 * The base of RNN, LSTM and GRU: parameters weight_ih_l{k}, weight_hh_l{k},
 * bias_ih_l{k}, bias_hh_l{k} (and weight_hr_l{k} for an LSTM with projection), with a
 * `_reverse` suffix for the second direction, layer by layer.
 */
export class RNNBase extends Module {
  declare mode: string;
  declare inputSize: number;
  declare hiddenSize: number;
  declare numLayers: number;
  declare bias: boolean;
  declare batchFirst: boolean;
  declare dropout: number;
  declare bidirectional: boolean;
  declare projSize: number;
  /** Parameter names in the order of PyTorch's _flat_weights_names. */
  declare _flatWeightsNames: string[];
  /** The names of each layer and direction's parameters. */
  declare _allWeights: string[][];
  /** The parameters by PyTorch's names: weight_ih_l0, bias_hh_l1_reverse, weight_hr_l0, ... */
  [param: `weight_${string}` | `bias_${string}`]: Parameter | null;

  constructor(mode: string, inputSize: number, hiddenSize: number, options?: RNNBaseOptions);
  /** The mode, then the arguments positional or by name (what the subclasses pass on). */
  constructor(mode: string, ...args: unknown[]);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs(this._getName(), BASE_SIG, args);
    checkDevice(this._getName(), a.device);
    const dropout = a.dropout as unknown;
    this.mode = a.mode;
    this.inputSize = a.inputSize;
    this.hiddenSize = a.hiddenSize;
    this.numLayers = a.numLayers;
    this.bias = a.bias;
    this.batchFirst = a.batchFirst;
    this.bidirectional = a.bidirectional;
    this.projSize = a.projSize;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) {
      throw new ValueError('dropout should be a number in range [0, 1] representing the probability of an element being zeroed');
    }
    this.dropout = dropout;
    if (dropout > 0 && a.numLayers === 1) {
      console.warn(
        `dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${pyRepr(dropout)} and num_layers=${a.numLayers}`,
      );
    }
    if (a.projSize < 0) throw new ValueError('proj_size should be a positive integer or zero to disable projections');
    if (a.projSize >= a.hiddenSize) throw new ValueError('proj_size has to be smaller than hidden_size');
    const gateSize = ({ LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 } as Record<string, number>)[a.mode];
    if (gateSize === undefined) throw new ValueError(`Unrecognized RNN mode: ${a.mode}`);
    const gates = gateSize * a.hiddenSize;
    const dirs = a.bidirectional ? 2 : 1;
    const realHidden = a.projSize > 0 ? a.projSize : a.hiddenSize;
    const dtype = a.dtype as DType | null;
    this._flatWeightsNames = [];
    this._allWeights = [];
    for (let layer = 0; layer < a.numLayers; layer++) {
      for (let dir = 0; dir < dirs; dir++) {
        const layerInput = layer === 0 ? a.inputSize : realHidden * dirs;
        const sfx = dir === 1 ? '_reverse' : '';
        const shapes: [string, number[]][] = [[`weight_ih_l${layer}${sfx}`, [gates, layerInput]], [`weight_hh_l${layer}${sfx}`, [gates, realHidden]]];
        if (a.bias) shapes.push([`bias_ih_l${layer}${sfx}`, [gates]], [`bias_hh_l${layer}${sfx}`, [gates]]);
        if (a.projSize > 0) shapes.push([`weight_hr_l${layer}${sfx}`, [a.projSize, a.hiddenSize]]);
        for (const [name, shape] of shapes) this.registerParameter(name, emptyParameter(shape, dtype));
        this._flatWeightsNames.push(...shapes.map(([name]) => name));
        this._allWeights.push(shapes.map(([name]) => name));
      }
    }
    // PyTorch's flatten_parameters() reads _flat_weights[0]
    if (this._flatWeightsNames.length === 0) throw new IndexError('list index out of range');
    this.resetParameters();
  }

  private param(name: string): Parameter | null {
    return ((this as unknown as Record<string, Parameter | null | undefined>)[name] ?? null);
  }

  /** The current parameters in PyTorch's _flat_weights order. */
  get _flatWeights(): (Parameter | null)[] {
    return this._flatWeightsNames.map((n) => this.param(n));
  }

  /** The parameters of each layer and direction (PyTorch's all_weights). */
  get allWeights(): (Parameter | null)[][] {
    return this._allWeights.map((names) => names.map((n) => this.param(n)));
  }

  /** A no-op: PyTorch compacts the weights for cuDNN only. */
  flattenParameters(): void {}

  /** Every parameter ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), in registration order. */
  resetParameters(): void {
    uniformInit(this.parameters(), this.hiddenSize);
  }

  checkInput(input: Tensor, batchSizes: Tensor | null): void {
    const expected = batchSizes !== null ? 2 : 3;
    if (input.ndim !== expected) throw new RuntimeError(`input must have ${expected} dimensions, got ${input.ndim}`);
    if (this.inputSize !== input.size(-1)) {
      throw new RuntimeError(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.size(-1)}`);
    }
  }

  getExpectedHiddenSize(input: Tensor, batchSizes: Tensor | null): [number, number, number] {
    const miniBatch = batchSizes !== null ? Number(batchSizes.get(0)) : input.size(this.batchFirst ? 0 : 1);
    return [this.numLayers * (this.bidirectional ? 2 : 1), miniBatch, this.projSize > 0 ? this.projSize : this.hiddenSize];
  }

  checkHiddenSize(hx: Tensor, expected: readonly number[], msg = 'Expected hidden size {}, got {}'): void {
    if (!shapeEquals(hx.shape, expected)) {
      throw new RuntimeError(msg.replace('{}', pyTuple(expected)).replace('{}', `[${hx.shape.join(', ')}]`));
    }
  }

  checkForwardArgs(input: Tensor, hidden: Tensor, batchSizes: Tensor | null): void {
    this.checkInput(input, batchSizes);
    this.checkHiddenSize(hidden, this.getExpectedHiddenSize(input, batchSizes));
  }

  /** hx with its batch rows reordered by `permutation` (the packed batch's order). */
  permuteHidden(hx: Tensor, permutation: Tensor | null): Tensor {
    return permutation === null ? hx : (hx.indexSelect(1, permutation) as Tensor);
  }

  /** The weights of layer `layer`, direction `dir`, as the attributes hold them now. */
  private layerWeights(layer: number, dir: number): LayerWeights {
    const sfx = `l${layer}${dir === 1 ? '_reverse' : ''}`;
    const p = (name: string): Tensor | null => this.param(`${name}_${sfx}`);
    return { wIh: p('weight_ih')!, wHh: p('weight_hh')!, bIh: p('bias_ih'), bHh: p('bias_hh'), wHr: p('weight_hr') };
  }

  /**
   * The forward of every mode (PyTorch's RNN/LSTM/GRU.forward around _VF):
   * [output, h_n, c_n (LSTM) or null], output packed when the input is.
   */
  protected run(input: Input, hx: Tensor | null, cx: Tensor | null, hxGiven: boolean): [Input, Tensor, Tensor | null] {
    requireTensor(input);
    if (hxGiven) [hx, cx].forEach((t) => t !== null && requireTensor(t));
    const lstm = this.mode === 'LSTM';
    const dirs = this.bidirectional ? 2 : 1;
    const [out, hn, cn] = tidy((): [Tensor, Tensor, Tensor | null] => {
      let x: Tensor;
      let batchSizes: Tensor | null = null;
      let sorted: Tensor | null = null;
      let isBatched = true;
      const batchDim = this.batchFirst ? 0 : 1;
      let maxBatch: number;
      if (input instanceof PackedSequence) {
        x = input.data;
        batchSizes = input.batchSizes;
        sorted = input.sortedIndices;
        maxBatch = Number(batchSizes.get(0));
      } else {
        x = input;
        isBatched = x.ndim === 3;
        if (!isBatched) x = x.unsqueeze(batchDim) as Tensor;
        if (hxGiven) {
          const want = isBatched ? 3 : 2;
          const kind = isBatched ? 'batched 3-D' : 'unbatched 2-D';
          if (lstm && (hx!.ndim !== want || cx!.ndim !== want)) {
            throw new RuntimeError(`For ${kind} input, hx and cx should also be ${want}-D but got (${hx!.ndim}-D, ${cx!.ndim}-D) tensors`);
          }
          if (!lstm && hx!.ndim !== want) throw new RuntimeError(`For ${kind} input, hx should also be ${want}-D but got ${hx!.ndim}-D tensor`);
          if (!isBatched) {
            hx = hx!.unsqueeze(1) as Tensor;
            if (cx !== null) cx = cx.unsqueeze(1) as Tensor;
          }
        }
        maxBatch = x.size(batchDim);
      }
      let h: Tensor;
      let c: Tensor | null = null;
      if (!hxGiven) {
        const layers = this.numLayers * dirs;
        h = zeros([layers, maxBatch, this.projSize > 0 ? this.projSize : this.hiddenSize], { dtype: x.dtype }) as Tensor;
        if (lstm) c = zeros([layers, maxBatch, this.hiddenSize], { dtype: x.dtype }) as Tensor;
      } else {
        h = this.permuteHidden(hx!, sorted);
        if (lstm) c = this.permuteHidden(cx!, sorted);
      }
      if (lstm) {
        this.checkInput(x, batchSizes);
        this.checkHiddenSize(h, this.getExpectedHiddenSize(x, batchSizes), 'Expected hidden[0] size {}, got {}');
        const cell = this.getExpectedHiddenSize(x, batchSizes);
        cell[2] = this.hiddenSize;
        this.checkHiddenSize(c!, cell, 'Expected hidden[1] size {}, got {}');
      } else {
        this.checkForwardArgs(x, h, batchSizes);
      }
      let data = x;
      let steps = 0;
      let batch = 0;
      if (batchSizes === null) {
        const seq = this.batchFirst ? (x.transpose(0, 1) as Tensor) : x;
        [steps, batch] = seq.shape;
        if (steps === 0) throw new RuntimeError('Expected sequence length to be larger than 0 in RNN');
        data = seq.reshape([steps * batch, this.inputSize]) as Tensor;
        batchSizes = paddedBatchSizes(steps, batch);
      }
      const w0 = this.layerWeights(0, 0).wIh;
      // an integral cell state mixes into float gates as PyTorch's products promote it
      if (c !== null && !c.dtype.isFloatingPoint) c = c.to(w0.dtype) as Tensor;
      checkDtypes(w0, data, h, c);
      const weights: LayerWeights[] = [];
      for (let l = 0; l < this.numLayers; l++) for (let d = 0; d < dirs; d++) weights.push(this.layerWeights(l, d));
      let [o, hN, cN] = rnnImpl(MODE_CODES[this.mode], data, batchSizes, h, c, weights, this.numLayers, this.dropout, this.training, this.bidirectional);
      if (input instanceof PackedSequence) {
        hN = this.permuteHidden(hN, input.unsortedIndices);
        if (cN !== null) cN = this.permuteHidden(cN, input.unsortedIndices);
        return [o, hN, cN];
      }
      o = o.view([steps, batch, o.shape[1]]) as Tensor;
      if (this.batchFirst) o = o.transpose(0, 1) as Tensor;
      if (!isBatched) {
        o = o.squeeze(batchDim) as Tensor;
        hN = hN.squeeze(1) as Tensor;
        if (cN !== null) cN = cN.squeeze(1) as Tensor;
      }
      return [o, hN, cN];
    });
    const output = input instanceof PackedSequence ? new PackedSequence(out, input.batchSizes, input.sortedIndices, input.unsortedIndices) : out;
    return [output, hn, cn];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (this.bias !== true) s += `, bias=${pyRepr(this.bias)}`;
    if (this.batchFirst !== false) s += `, batch_first=${pyRepr(this.batchFirst)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional !== false) s += `, bidirectional=${pyRepr(this.bidirectional)}`;
    return s;
  }
}

/**
 * A multi-layer Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu).
 * `rnn(input, h0?)` returns [output, h_n].
 * @example
 * const rnn = new nn.RNN(10, 20, 2);
 * const [output, hn] = rnn(torch.randn(5, 3, 10), torch.randn(2, 3, 20));
 */
export class RNN extends RNNBase {
  declare nonlinearity: string;

  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions);
  constructor(inputSize: number, hiddenSize: number, numLayers?: number, ...rest: unknown[]);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    rejectProjSize(args);
    const [rest, nl] = takeOption(args, 'nonlinearity');
    const nonlinearity = nl === undefined ? 'tanh' : nl;
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new ValueError(`Unknown nonlinearity '${String(nonlinearity)}'`);
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', ...rest);
    this.nonlinearity = nonlinearity;
  }

  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Input, hx: Tensor | null = null): [Input, Tensor] {
    const [out, hn] = this.run(input, hx, null, hx !== null && hx !== undefined);
    return [out, hn];
  }
}

/**
 * A multi-layer LSTM (gates i, f, g, o; optional projection of h to proj_size).
 * `lstm(input, [h0, c0]?)` returns [output, [h_n, c_n]].
 * @example
 * const lstm = new nn.LSTM(10, 20, 2);
 * const [output, [hn, cn]] = lstm(torch.randn(5, 3, 10), [torch.randn(2, 3, 20), torch.randn(2, 3, 20)]);
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: LSTMOptions);
  constructor(inputSize: number, hiddenSize: number, numLayers?: number, ...rest: unknown[]);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super('LSTM', ...args);
  }

  getExpectedCellSize(input: Tensor, batchSizes: Tensor | null): [number, number, number] {
    const s = this.getExpectedHiddenSize(input, batchSizes);
    return [s[0], s[1], this.hiddenSize];
  }

  override forward(input: Tensor, hx?: LSTMState | null): [Tensor, LSTMState];
  override forward(input: PackedSequence, hx?: LSTMState | null): [PackedSequence, LSTMState];
  override forward(input: Input, hx: LSTMState | Tensor | null = null): [Input, LSTMState] {
    const given = hx !== null && hx !== undefined;
    // Python indexes hx[0], hx[1]: a stacked tensor works too
    if (given && !(hx instanceof Tensor) && (!Array.isArray(hx) || hx.length < 2)) {
      if (Array.isArray(hx)) throw new IndexError('tuple index out of range');
      requireTensor(hx);
    }
    const [h, c] = !given ? [null, null] : hx instanceof Tensor ? [hx.select(0, 0) as Tensor, hx.select(0, 1) as Tensor] : hx;
    const [out, hn, cn] = this.run(input, h, c, given);
    return [out, [hn, cn!]];
  }
}

/**
 * A multi-layer GRU: r, z, n gates with n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).
 * `gru(input, h0?)` returns [output, h_n].
 * @example
 * const gru = new nn.GRU(10, 20, 2);
 * const [output, hn] = gru(torch.randn(5, 3, 10), torch.randn(2, 3, 20));
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: GRUOptions);
  constructor(inputSize: number, hiddenSize: number, numLayers?: number, ...rest: unknown[]);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    rejectProjSize(args);
    super('GRU', ...args);
  }

  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Input, hx: Tensor | null = null): [Input, Tensor] {
    const [out, hn] = this.run(input, hx, null, hx !== null && hx !== undefined);
    return [out, hn];
  }
}
