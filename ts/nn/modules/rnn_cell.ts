// nn.RNNCellBase, nn.RNNCell, nn.LSTMCell, nn.GRUCell (PyTorch 1.13's
// torch/nn/modules/rnn.py): one step of each recurrent layer, with PyTorch's parameters,
// initialisation and checks. The step is rnn_impl.ts's cellImpl.

import type { Tensor } from '../../tensor/tensor.js';
import { AssertionError, RuntimeError } from '../../tensor/shape.js';
import { tidy } from '../../tensor/scope.js';
import { zeros } from '../../ops/all.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { pyRepr } from '../module_repr.js';
import { moduleArgs } from './args.js';
import { checkDevice, emptyParameter, type FactoryOptions } from './factory.js';
import { GRU, LSTM, RNN_RELU, RNN_TANH } from '../../ops/nn/rnn.js';
import { cellImpl, requireTensor, uniformInit, type LSTMState } from './rnn_impl.js';

const CELL_SIG = 'int input_size, int hidden_size, bool bias, int num_chunks, Device? device=None, ScalarType? dtype=None';

/** The base of the cells: weight_ih [chunks * H, input_size], weight_hh [chunks * H, H], bias_ih, bias_hh. */
export class RNNCellBase extends Module {
  declare inputSize: number;
  declare hiddenSize: number;
  declare bias: boolean;
  declare weight_ih: Parameter;
  declare weight_hh: Parameter;
  declare bias_ih: Parameter | null;
  declare bias_hh: Parameter | null;

  constructor(inputSize: number, hiddenSize: number, bias: boolean, numChunks: number, options?: FactoryOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs(this._getName(), CELL_SIG, args);
    checkDevice(this._getName(), a.device);
    this.inputSize = a.inputSize;
    this.hiddenSize = a.hiddenSize;
    this.bias = a.bias;
    const gates = a.numChunks * a.hiddenSize;
    this.weight_ih = emptyParameter([gates, a.inputSize], a.dtype);
    this.weight_hh = emptyParameter([gates, a.hiddenSize], a.dtype);
    if (a.bias) {
      this.bias_ih = emptyParameter([gates], a.dtype);
      this.bias_hh = emptyParameter([gates], a.dtype);
    } else {
      this.registerParameter('bias_ih', null);
      this.registerParameter('bias_hh', null);
    }
    this.resetParameters();
  }

  /** Every parameter ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), in registration order. */
  resetParameters(): void {
    uniformInit(this.parameters(), this.hiddenSize);
  }

  /** input as a batch ([B, input_size]) and whether it was one; PyTorch's assertion on its rank. */
  protected batched(input: Tensor): [Tensor, boolean] {
    requireTensor(input, false);
    if (input.ndim !== 1 && input.ndim !== 2) {
      throw new AssertionError(`${this._getName()}: Expected input to be 1-D or 2-D but received ${input.ndim}-D tensor`);
    }
    return input.ndim === 2 ? [input, true] : [input.unsqueeze(0) as Tensor, false];
  }

  /** One step of the cell with these weights. */
  protected step(mode: number, input: Tensor, hx: Tensor, cx: Tensor | null): [Tensor, Tensor | null] {
    return cellImpl(mode, input, hx, cx, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.bias !== true) s += `, bias=${pyRepr(this.bias)}`;
    const nl = (this as unknown as { nonlinearity?: string }).nonlinearity;
    if (nl !== undefined && nl !== 'tanh') s += `, nonlinearity=${nl}`;
    return s;
  }
}

/**
 * An Elman RNN cell: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu).
 * @example
 * const cell = new nn.RNNCell(10, 20);
 * let hx = torch.randn(3, 20);
 * for (const x of torch.randn(6, 3, 10).unbind(0)) hx = cell(x, hx);
 */
export class RNNCell extends RNNCellBase {
  declare nonlinearity: string;

  constructor(inputSize: number, hiddenSize: number, options?: { bias?: boolean; nonlinearity?: 'tanh' | 'relu' } & FactoryOptions);
  constructor(inputSize: number, hiddenSize: number, bias?: boolean, nonlinearity?: 'tanh' | 'relu', options?: FactoryOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    const a = moduleArgs('RNNCell', "int input_size, int hidden_size, bool bias=True, str nonlinearity='tanh', Device? device=None, ScalarType? dtype=None", args);
    super(a.inputSize, a.hiddenSize, a.bias, 1, { device: a.device, dtype: a.dtype });
    this.nonlinearity = a.nonlinearity;
  }

  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return tidy(() => {
      const [x, isBatched] = this.batched(input);
      const h = hx === null || hx === undefined ? (zeros([x.size(0), this.hiddenSize], { dtype: x.dtype }) as Tensor) : isBatched ? hx : (hx.unsqueeze(0) as Tensor);
      if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') throw new RuntimeError(`Unknown nonlinearity: ${this.nonlinearity}`);
      const [out] = this.step(this.nonlinearity === 'tanh' ? RNN_TANH : RNN_RELU, x, h, null);
      return isBatched ? out : (out.squeeze(0) as Tensor);
    });
  }
}

/**
 * An LSTM cell: `cell(input, [h, c]?)` returns [h', c'].
 * @example
 * const cell = new nn.LSTMCell(10, 20);
 * let [h, c] = cell(torch.randn(3, 10));
 */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options?: { bias?: boolean } & FactoryOptions);
  constructor(inputSize: number, hiddenSize: number, bias?: boolean, options?: FactoryOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    const a = moduleArgs('LSTMCell', 'int input_size, int hidden_size, bool bias=True, Device? device=None, ScalarType? dtype=None', args);
    super(a.inputSize, a.hiddenSize, a.bias, 4, { device: a.device, dtype: a.dtype });
  }

  override forward(input: Tensor, hx: LSTMState | null = null): LSTMState {
    return tidy((): LSTMState => {
      const [x, isBatched] = this.batched(input);
      let h: Tensor;
      let c: Tensor;
      if (hx === null || hx === undefined) {
        h = zeros([x.size(0), this.hiddenSize], { dtype: x.dtype }) as Tensor;
        c = h;
      } else {
        [h, c] = isBatched ? hx : [hx[0].unsqueeze(0) as Tensor, hx[1].unsqueeze(0) as Tensor];
      }
      const [h1, c1] = this.step(LSTM, x, h, c);
      return isBatched ? [h1, c1!] : [h1.squeeze(0) as Tensor, c1!.squeeze(0) as Tensor];
    });
  }
}

/**
 * A GRU cell: h' = (1 - z) * n + z * h.
 * @example
 * const cell = new nn.GRUCell(10, 20);
 * const h1 = cell(torch.randn(3, 10), torch.randn(3, 20));
 */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options?: { bias?: boolean } & FactoryOptions);
  constructor(inputSize: number, hiddenSize: number, bias?: boolean, options?: FactoryOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    const a = moduleArgs('GRUCell', 'int input_size, int hidden_size, bool bias=True, Device? device=None, ScalarType? dtype=None', args);
    super(a.inputSize, a.hiddenSize, a.bias, 3, { device: a.device, dtype: a.dtype });
  }

  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return tidy(() => {
      const [x, isBatched] = this.batched(input);
      const h = hx === null || hx === undefined ? (zeros([x.size(0), this.hiddenSize], { dtype: x.dtype }) as Tensor) : isBatched ? hx : (hx.unsqueeze(0) as Tensor);
      const [out] = this.step(GRU, x, h, null);
      return isBatched ? out : (out.squeeze(0) as Tensor);
    });
  }
}
