// nn.Conv1d/2d/3d and nn.ConvTranspose1d/2d/3d (PyTorch 1.13's torch/nn/modules/conv.py):
// constructor checks, weight layout, default initialisation, padding_mode through
// F.pad, and the transposed convolutions' `output_size`.

import type { Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';
import { ValueError } from '../../tensor/shape.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, pad } from '../functional/index.js';
import * as init from '../init.js';
import { pyRepr } from '../module_repr.js';
import { pyTypeName } from '../../ops/signature.js';
import { moduleArgs } from './args.js';
import { checkDevice, emptyParameter, type FactoryOptions } from './factory.js';

type Size = number | number[];
type ConvFn = (...args: any[]) => Tensor;

const CONV: Record<number, ConvFn> = { 1: conv1d, 2: conv2d, 3: conv3d };
const CONV_T: Record<number, ConvFn> = { 1: convTranspose1d, 2: convTranspose2d, 3: convTranspose3d };
const PADDING_MODES = ['zeros', 'reflect', 'replicate', 'circular'];

export interface ConvOptions extends FactoryOptions {
  stride?: Size;
  padding?: Size | 'same' | 'valid';
  dilation?: Size;
  groups?: number;
  bias?: boolean;
  paddingMode?: 'zeros' | 'reflect' | 'replicate' | 'circular';
}

export interface ConvTransposeOptions extends FactoryOptions {
  stride?: Size;
  padding?: Size;
  outputPadding?: Size;
  groups?: number;
  bias?: boolean;
  dilation?: Size;
  paddingMode?: 'zeros';
}

const convSig = (n: number): string =>
  `int in_channels, int out_channels, int[${n}] kernel_size, int[${n}] stride=1, any padding=0, int[${n}] dilation=1, int groups=1, ` +
  `bool bias=True, str padding_mode="zeros", Device? device=None, ScalarType? dtype=None`;
const convTSig = (n: number): string =>
  `int in_channels, int out_channels, int[${n}] kernel_size, int[${n}] stride=1, int[${n}] padding=0, int[${n}] output_padding=0, ` +
  `int groups=1, bool bias=True, int[${n}] dilation=1, str padding_mode="zeros", Device? device=None, ScalarType? dtype=None`;

const allEqual = (v: number[], x: number): boolean => v.every((e) => e === x);

/** padding as PyTorch's constructors keep it: 'same' / 'valid', or n ints (_single/_pair/_triple). */
function paddingArg(cls: string, p: unknown, n: number): number[] | string {
  if (typeof p === 'string') return p;
  if (typeof p === 'number' && Number.isInteger(p)) return new Array(n).fill(p);
  if (Array.isArray(p) && p.every((v) => Number.isInteger(v))) return [...p];
  throw new TypeError(`${cls}(): argument 'padding' must be int, tuple of ints or str, not ${pyTypeName(p)}`);
}

/** The parts shared by every convolution module (PyTorch's _ConvNd). */
export class ConvNd extends Module<any[], Tensor> {
  declare inChannels: number;
  declare outChannels: number;
  declare kernelSize: number[];
  declare stride: number[];
  declare padding: number[] | string;
  declare dilation: number[];
  declare transposed: boolean;
  declare outputPadding: number[];
  declare groups: number;
  declare paddingMode: string;
  /** F.pad amounts for a non-'zeros' padding_mode, last dim first (PyTorch's _reversed_padding_repeated_twice). */
  declare _reversedPaddingRepeatedTwice: number[];
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(cls: string, n: number, transposed: boolean, args: unknown[]) {
    super();
    if (!Array.isArray(args)) {
      throw new TypeError('ConvNd is the base class of the convolutions (PyTorch\'s _ConvNd): construct nn.Conv1d/2d/3d or nn.ConvTranspose1d/2d/3d');
    }
    const a = moduleArgs(cls, transposed ? convTSig(n) : convSig(n), args);
    checkDevice(cls, a.device);
    if (transposed && a.paddingMode !== 'zeros') throw new ValueError(`Only "zeros" padding mode is supported for ${cls}`);
    const padding = transposed ? (a.padding as number[]) : paddingArg(cls, a.padding, n);
    const stride = a.stride as number[];
    if (a.groups <= 0) throw new ValueError('groups must be a positive integer');
    if (a.inChannels % a.groups !== 0) throw new ValueError('in_channels must be divisible by groups');
    if (a.outChannels % a.groups !== 0) throw new ValueError('out_channels must be divisible by groups');
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') {
        throw new ValueError(`Invalid padding string '${padding}', should be one of {'valid', 'same'}`);
      }
      if (padding === 'same' && stride.some((s) => s !== 1)) throw new ValueError("padding='same' is not supported for strided convolutions");
    }
    if (!PADDING_MODES.includes(a.paddingMode)) {
      throw new ValueError(`padding_mode must be one of {'zeros', 'circular', 'replicate', 'reflect'}, but got padding_mode='${a.paddingMode}'`);
    }
    this.inChannels = a.inChannels;
    this.outChannels = a.outChannels;
    this.kernelSize = a.kernelSize;
    this.stride = stride;
    this.padding = padding;
    this.dilation = a.dilation;
    this.transposed = transposed;
    this.outputPadding = transposed ? a.outputPadding : new Array(n).fill(0);
    this.groups = a.groups;
    this.paddingMode = a.paddingMode;
    this._reversedPaddingRepeatedTwice = reversedPadding(padding, this.kernelSize, this.dilation);
    const k = this.kernelSize;
    const shape = transposed ? [a.inChannels, a.outChannels / a.groups, ...k] : [a.outChannels, a.inChannels / a.groups, ...k];
    this.weight = emptyParameter(shape, a.dtype as DType | null);
    if (a.bias) this.bias = emptyParameter([a.outChannels], a.dtype as DType | null);
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** kaiming_uniform_(weight, a=sqrt(5)), then bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (left as is when fan_in is 0). */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = init._calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        init.uniform_(this.bias, -bound, bound);
      }
    }
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}`;
    const p = this.padding;
    if (typeof p === 'string') s += `, padding=${p}`;
    else if (!allEqual(p, 0)) s += `, padding=${pyRepr(p)}`;
    if (!allEqual(this.dilation, 1)) s += `, dilation=${pyRepr(this.dilation)}`;
    if (!allEqual(this.outputPadding, 0)) s += `, output_padding=${pyRepr(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/** [last dim before, after, ..., first dim before, after]; 'same' puts the odd remainder after. */
function reversedPadding(padding: number[] | string, kernel: number[], dilation: number[]): number[] {
  const n = kernel.length;
  const out = new Array(2 * n).fill(0);
  if (typeof padding === 'string') {
    if (padding === 'same') {
      for (let d = 0; d < n; d++) {
        const i = n - 1 - d;
        const total = dilation[d] * (kernel[d] - 1);
        out[2 * i] = Math.floor(total / 2);
        out[2 * i + 1] = total - Math.floor(total / 2);
      }
    }
    return out;
  }
  return [...padding].reverse().flatMap((p) => [p, p]);
}

/** Ordinary convolution modules: F.convNd, after F.pad for a non-'zeros' padding_mode. */
class ConvForward extends ConvNd {
  /** @internal */ declare _nd: number;
  constructor(cls: string, n: number, args: unknown[]) {
    super(cls, n, false, args);
    this._nd = n;
  }
  /** The convolution with a given weight and bias (PyTorch's _conv_forward). */
  _convForward(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    const conv = CONV[this._nd];
    if (this.paddingMode !== 'zeros') {
      const padded = pad(input, this._reversedPaddingRepeatedTwice, { mode: this.paddingMode });
      return conv(padded, weight, bias, this.stride, 0, this.dilation, this.groups);
    }
    return conv(input, weight, bias, this.stride, this.padding, this.dilation, this.groups);
  }
  override forward(input: Tensor): Tensor {
    return this._convForward(input, this.weight, this.bias);
  }
}

/**
 * 1-d convolution over [N, C, L] (or unbatched [C, L]).
 * @example new nn.Conv1d(16, 33, 3, { stride: 2 })(torch.randn(20, 16, 50))
 */
export class Conv1d extends ConvForward {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options?: ConvOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super('Conv1d', 1, args);
  }
}

/**
 * 2-d convolution over [N, C, H, W] (or unbatched [C, H, W]).
 * @example new nn.Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false })
 */
export class Conv2d extends ConvForward {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options?: ConvOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super('Conv2d', 2, args);
  }
}

/**
 * 3-d convolution over [N, C, D, H, W] (or unbatched [C, D, H, W]).
 * @example new nn.Conv3d(16, 33, [3, 5, 2], { stride: [2, 1, 1], padding: [4, 2, 0] })
 */
export class Conv3d extends ConvForward {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options?: ConvOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super('Conv3d', 3, args);
  }
}

/** Transposed convolution modules: F.conv_transposeNd with output_padding from `output_size`. */
class ConvTransposeForward extends ConvNd {
  /** @internal */ declare _nd: number;
  constructor(cls: string, n: number, args: unknown[]) {
    super(cls, n, true, args);
    this._nd = n;
  }

  /** The output_padding that gives `outputSize` (PyTorch's _output_padding), or the module's own. */
  _outputPadding(input: Tensor, outputSize: number[] | null): number[] {
    if (outputSize === null) return this.outputPadding;
    const n = this._nd;
    const hasBatch = input.ndim === n + 2;
    const nonSpatial = hasBatch ? 2 : 1;
    let size = outputSize;
    if (size.length === nonSpatial + n) size = size.slice(nonSpatial);
    if (size.length !== n) {
      throw new ValueError(
        `ConvTranspose${n}D: for ${input.ndim}D input, output_size must have ${n} or ${nonSpatial + n} elements (got ${outputSize.length})`,
      );
    }
    const minSizes: number[] = [];
    const maxSizes: number[] = [];
    for (let d = 0; d < n; d++) {
      const dimSize = (input.shape[d + nonSpatial] - 1) * this.stride[d] - 2 * (this.padding as number[])[d] +
        this.dilation[d] * (this.kernelSize[d] - 1) + 1;
      minSizes.push(dimSize);
      maxSizes.push(dimSize + this.stride[d] - 1);
    }
    size.forEach((s, i) => {
      if (s < minSizes[i] || s > maxSizes[i]) {
        throw new ValueError(
          `requested an output size of [${size.join(', ')}], but valid sizes range from [${minSizes.join(', ')}] to [${maxSizes.join(', ')}] (for an input of torch.Size([${input.shape.slice(nonSpatial).join(', ')}]))`,
        );
      }
    });
    return size.map((s, d) => s - minSizes[d]);
  }

  /** forward(input, outputSize?) or forward(input, { outputSize }). */
  override forward(input: Tensor, outputSize?: number[] | null | { outputSize?: number[] | null }): Tensor {
    const f = moduleArgs(`${this._getName()}.forward`, 'Tensor input, int[]? output_size=None', [input, ...(outputSize === undefined ? [] : [outputSize])]);
    if (this.paddingMode !== 'zeros') throw new ValueError(`Only \`zeros\` padding mode is supported for ${this._getName()}`);
    const outputPadding = this._outputPadding(f.input, f.outputSize);
    return CONV_T[this._nd](f.input, this.weight, this.bias, this.stride, this.padding, outputPadding, this.groups, this.dilation);
  }
}

/**
 * 1-d transposed convolution ("deconvolution").
 * @example new nn.ConvTranspose1d(16, 33, 3, { stride: 2 })(x, [99])
 */
export class ConvTranspose1d extends ConvTransposeForward {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options?: ConvTransposeOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super('ConvTranspose1d', 1, args);
  }
}

/**
 * 2-d transposed convolution; `m(x, outputSize)` picks output_padding to reach outputSize.
 * @example
 * const up = new nn.ConvTranspose2d(16, 16, 3, { stride: 2, padding: 1 });
 * up(h, { outputSize: [12, 12] });
 */
export class ConvTranspose2d extends ConvTransposeForward {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options?: ConvTransposeOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super('ConvTranspose2d', 2, args);
  }
}

/** 3-d transposed convolution over [N, C, D, H, W]. */
export class ConvTranspose3d extends ConvTransposeForward {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options?: ConvTransposeOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super('ConvTranspose3d', 3, args);
  }
}
