// The activation modules of torch.nn (torch/nn/modules/activation.py in PyTorch 1.13):
// each keeps its constructor arguments as attributes (read again by every forward, so
// `m.negativeSlope = 0.2` takes effect) and calls its torch.nn.functional form.
//
//   const act = new nn.LeakyReLU(0.2, { inplace: true });
//   act(x);
//   String(act);   // 'LeakyReLU(negative_slope=0.2, inplace=True)'

import type { Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';
import { AssertionError, RuntimeError } from '../../tensor/shape.js';
import { sigmoid, tanh } from '../../ops/all.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyRepr } from '../module_repr.js';
import { constant_ } from '../init.js';
import * as F from '../functional/index.js';
import { moduleArgs, requireTensorInput } from './args.js';
import { emptyParameter } from './factory.js';

/**
 * A constructor's argument lists as Python accepts them: the positionals P in order,
 * any prefix of them, then the remaining ones by name in a trailing options object O.
 */
type PyArgs<P extends unknown[], O> = P extends [infer H, ...infer R] ? [options?: O] | [H, ...PyArgs<R, O>] : [options?: O];

type InplaceOptions = { inplace?: boolean };

/**
 * Python's repr of a float setting: its default as PyTorch's literal (`1.0`), another
 * value as Python prints the same literal (`Hardtanh(-2, 2)` -> `min_val=-2`).
 */
const floatRepr = (v: number, def: number, defText: string): string => (v === def ? defText : pyRepr(v));
const inplaceSuffix = (inplace: boolean): string => (inplace ? ', inplace=True' : '');
const inplaceRepr = (inplace: boolean): string => (inplace ? 'inplace=True' : '');

/** Factory `device` argument: torchwasm tensors live on the CPU. */
function checkDevice(cls: string, device: unknown): void {
  if (device === null || device === undefined || device === 'cpu') return;
  throw new RuntimeError(`${cls}: device must be 'cpu' (torchwasm tensors live in WebAssembly memory), got ${pyRepr(device)}`);
}

/** max(0, x). @example new nn.ReLU()(x); new nn.ReLU({ inplace: true }) */
export class ReLU extends Module<[Tensor], Tensor> {
  inplace: boolean;
  constructor(...args: PyArgs<[inplace: boolean], InplaceOptions>) {
    super();
    this.inplace = moduleArgs('ReLU', 'bool inplace=False', args).inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.relu(input, this.inplace);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

/** Randomized leaky ReLU: in training each x <= 0 gets a slope drawn from [lower, upper); in eval their mean. */
export class RReLU extends Module<[Tensor], Tensor> {
  lower: number;
  upper: number;
  inplace: boolean;
  constructor(...args: PyArgs<[lower: number, upper: number, inplace: boolean], { lower?: number; upper?: number; inplace?: boolean }>) {
    super();
    const a = moduleArgs('RReLU', 'float lower=0.125, float upper=0.3333333333333333, bool inplace=False', args);
    this.lower = a.lower;
    this.upper = a.upper;
    this.inplace = a.inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.rrelu(input, this.lower, this.upper, this.training, this.inplace);
  }
  override extraRepr(): string {
    return `lower=${pyRepr(this.lower)}, upper=${pyRepr(this.upper)}${inplaceSuffix(this.inplace)}`;
  }
}

type HardtanhOptions = { minVal?: number; maxVal?: number; inplace?: boolean; minValue?: number | null; maxValue?: number | null };

/** clamp(x, minVal, maxVal). (minValue / maxValue are PyTorch's deprecated spellings.) */
export class Hardtanh extends Module<[Tensor], Tensor> {
  minVal: number;
  maxVal: number;
  inplace: boolean;
  constructor(...args: PyArgs<[minVal: number, maxVal: number, inplace: boolean, minValue: number | null, maxValue: number | null], HardtanhOptions>) {
    super();
    const a = moduleArgs(
      'Hardtanh',
      'float min_val=-1.0, float max_val=1.0, bool inplace=False, float? min_value=None, float? max_value=None',
      args,
    );
    if (a.minValue !== null) console.warn('keyword argument min_value is deprecated and rename to min_val');
    if (a.maxValue !== null) console.warn('keyword argument max_value is deprecated and rename to max_val');
    this.minVal = a.minValue ?? a.minVal;
    this.maxVal = a.maxValue ?? a.maxVal;
    this.inplace = a.inplace;
    if (!(this.maxVal > this.minVal)) throw new AssertionError('');
  }
  override forward(input: Tensor): Tensor {
    return F.hardtanh(input, this.minVal, this.maxVal, this.inplace);
  }
  override extraRepr(): string {
    return `min_val=${floatRepr(this.minVal, -1, '-1.0')}, max_val=${floatRepr(this.maxVal, 1, '1.0')}${inplaceSuffix(this.inplace)}`;
  }
}

/** min(max(0, x), 6): Hardtanh(0, 6). */
export class ReLU6 extends Hardtanh {
  constructor(...args: PyArgs<[inplace: boolean], InplaceOptions>) {
    super(0, 6, moduleArgs('ReLU6', 'bool inplace=False', args).inplace);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

/** x * sigmoid(x) (Swish). */
export class SiLU extends Module<[Tensor], Tensor> {
  inplace: boolean;
  constructor(...args: PyArgs<[inplace: boolean], InplaceOptions>) {
    super();
    this.inplace = moduleArgs('SiLU', 'bool inplace=False', args).inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.silu(input, this.inplace);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

/** x * tanh(softplus(x)). */
export class Mish extends Module<[Tensor], Tensor> {
  inplace: boolean;
  constructor(...args: PyArgs<[inplace: boolean], InplaceOptions>) {
    super();
    this.inplace = moduleArgs('Mish', 'bool inplace=False', args).inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.mish(input, this.inplace);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

/** x * relu6(x + 3) / 6. (PyTorch prints no settings for it.) */
export class Hardswish extends Module<[Tensor], Tensor> {
  inplace: boolean;
  constructor(...args: PyArgs<[inplace: boolean], InplaceOptions>) {
    super();
    this.inplace = moduleArgs('Hardswish', 'bool inplace=False', args).inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.hardswish(input, this.inplace);
  }
}

/** relu6(x + 3) / 6. (PyTorch prints no settings for it.) */
export class Hardsigmoid extends Module<[Tensor], Tensor> {
  inplace: boolean;
  constructor(...args: PyArgs<[inplace: boolean], InplaceOptions>) {
    super();
    this.inplace = moduleArgs('Hardsigmoid', 'bool inplace=False', args).inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.hardsigmoid(input, this.inplace);
  }
}

/** x > 0 ? x : alpha * (exp(x) - 1). */
export class ELU extends Module<[Tensor], Tensor> {
  alpha: number;
  inplace: boolean;
  constructor(...args: PyArgs<[alpha: number, inplace: boolean], { alpha?: number; inplace?: boolean }>) {
    super();
    const a = moduleArgs('ELU', 'float alpha=1.0, bool inplace=False', args);
    this.alpha = a.alpha;
    this.inplace = a.inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha, this.inplace);
  }
  override extraRepr(): string {
    return `alpha=${floatRepr(this.alpha, 1, '1.0')}${inplaceSuffix(this.inplace)}`;
  }
}

/** max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). */
export class CELU extends Module<[Tensor], Tensor> {
  alpha: number;
  inplace: boolean;
  constructor(...args: PyArgs<[alpha: number, inplace: boolean], { alpha?: number; inplace?: boolean }>) {
    super();
    const a = moduleArgs('CELU', 'float alpha=1.0, bool inplace=False', args);
    this.alpha = a.alpha;
    this.inplace = a.inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.celu(input, this.alpha, this.inplace);
  }
  override extraRepr(): string {
    return `alpha=${floatRepr(this.alpha, 1, '1.0')}${inplaceSuffix(this.inplace)}`;
  }
}

/** scale * elu(x, alpha) with SELU's fixed constants. */
export class SELU extends Module<[Tensor], Tensor> {
  inplace: boolean;
  constructor(...args: PyArgs<[inplace: boolean], InplaceOptions>) {
    super();
    this.inplace = moduleArgs('SELU', 'bool inplace=False', args).inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.selu(input, this.inplace);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

/** Gated linear unit: a * sigmoid(b), a and b the halves of `dim`. */
export class GLU extends Module<[Tensor], Tensor> {
  dim: number;
  constructor(...args: PyArgs<[dim: number], { dim?: number }>) {
    super();
    this.dim = moduleArgs('GLU', 'int dim=-1', args).dim;
  }
  override forward(input: Tensor): Tensor {
    return F.glu(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** x * Phi(x), or its tanh approximation with approximate: 'tanh'. */
export class GELU extends Module<[Tensor], Tensor> {
  approximate: string;
  constructor(...args: PyArgs<[approximate: 'none' | 'tanh'], { approximate?: 'none' | 'tanh' }>) {
    super();
    this.approximate = moduleArgs('GELU', "str approximate='none'", args).approximate;
  }
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate=${pyRepr(this.approximate)}`;
  }
}

/** 0 where |x| <= lambd, else x. */
export class Hardshrink extends Module<[Tensor], Tensor> {
  lambd: number;
  constructor(...args: PyArgs<[lambd: number], { lambd?: number }>) {
    super();
    this.lambd = moduleArgs('Hardshrink', 'float lambd=0.5', args).lambd;
  }
  override forward(input: Tensor): Tensor {
    return F.hardshrink(input, this.lambd);
  }
  override extraRepr(): string {
    return pyRepr(this.lambd);
  }
}

/** x > 0 ? x : negativeSlope * x. */
export class LeakyReLU extends Module<[Tensor], Tensor> {
  negativeSlope: number;
  inplace: boolean;
  constructor(...args: PyArgs<[negativeSlope: number, inplace: boolean], { negativeSlope?: number; inplace?: boolean }>) {
    super();
    const a = moduleArgs('LeakyReLU', 'float negative_slope=0.01, bool inplace=False', args);
    this.negativeSlope = a.negativeSlope;
    this.inplace = a.inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope, this.inplace);
  }
  override extraRepr(): string {
    return `negative_slope=${pyRepr(this.negativeSlope)}${inplaceSuffix(this.inplace)}`;
  }
}

/** log(sigmoid(x)). */
export class LogSigmoid extends Module<[Tensor], Tensor> {
  override forward(input: Tensor): Tensor {
    return F.logsigmoid(input);
  }
}

/** log(1 + exp(beta * x)) / beta, linear where beta * x > threshold. */
export class Softplus extends Module<[Tensor], Tensor> {
  beta: number;
  threshold: number;
  constructor(...args: PyArgs<[beta: number, threshold: number], { beta?: number; threshold?: number }>) {
    super();
    const a = moduleArgs('Softplus', 'float beta=1, float threshold=20', args);
    this.beta = a.beta;
    this.threshold = a.threshold;
  }
  override forward(input: Tensor): Tensor {
    return F.softplus(input, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${pyRepr(this.beta)}, threshold=${pyRepr(this.threshold)}`;
  }
}

/** x - lambd, 0, or x + lambd: shrinks toward zero by lambd (lambd >= 0). */
export class Softshrink extends Module<[Tensor], Tensor> {
  lambd: number;
  constructor(...args: PyArgs<[lambd: number], { lambd?: number }>) {
    super();
    this.lambd = moduleArgs('Softshrink', 'float lambd=0.5', args).lambd;
  }
  override forward(input: Tensor): Tensor {
    return F.softshrink(input, this.lambd);
  }
  override extraRepr(): string {
    return pyRepr(this.lambd);
  }
}

/**
 * x > 0 ? x : weight * x with a learnt weight: one shared (numParameters = 1) or one per
 * channel (dim 1 of the input), each initialised to `init`.
 */
export class PReLU extends Module<[Tensor], Tensor> {
  declare weight: Parameter;
  numParameters: number;
  init: number;
  constructor(
    ...args: PyArgs<
      [numParameters: number, init: number, device: string | null, dtype: DType | null],
      { numParameters?: number; init?: number; device?: string | null; dtype?: DType | null }
    >
  ) {
    super();
    const a = moduleArgs('PReLU', 'int num_parameters=1, float init=0.25, Device? device=None, ScalarType? dtype=None', args);
    checkDevice('PReLU', a.device);
    this.numParameters = a.numParameters;
    this.init = a.init;
    this.weight = emptyParameter([a.numParameters], a.dtype);
    this.resetParameters();
  }
  resetParameters(): void {
    constant_(this.weight, this.init);
  }
  override forward(input: Tensor): Tensor {
    return F.prelu(input, this.weight);
  }
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

/** x / (1 + |x|). */
export class Softsign extends Module<[Tensor], Tensor> {
  override forward(input: Tensor): Tensor {
    return F.softsign(input);
  }
}

/** x - tanh(x). */
export class Tanhshrink extends Module<[Tensor], Tensor> {
  override forward(input: Tensor): Tensor {
    return F.tanhshrink(input);
  }
}

/** 1 / (1 + exp(-x)). */
export class Sigmoid extends Module<[Tensor], Tensor> {
  override forward(input: Tensor): Tensor {
    return sigmoid(input);
  }
}

export class Tanh extends Module<[Tensor], Tensor> {
  override forward(input: Tensor): Tensor {
    return tanh(input);
  }
}

/** x > threshold ? x : value. */
export class Threshold extends Module<[Tensor], Tensor> {
  threshold: number;
  value: number;
  inplace: boolean;
  constructor(
    ...args:
      | [threshold: number, value: number, ...PyArgs<[inplace: boolean], InplaceOptions>]
      | [options: { threshold: number; value: number; inplace?: boolean }]
  ) {
    super();
    const a = moduleArgs('Threshold', 'float threshold, float value, bool inplace=False', args);
    this.threshold = a.threshold;
    this.value = a.value;
    this.inplace = a.inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.threshold(input, this.threshold, this.value, this.inplace);
  }
  override extraRepr(): string {
    return `threshold=${pyRepr(this.threshold)}, value=${pyRepr(this.value)}${inplaceSuffix(this.inplace)}`;
  }
}

/** Softmax along `dim`; with dim null, PyTorch's implicit (deprecated) choice: 0 for 0-, 1- and 3-d input, else 1. */
export class Softmax extends Module<[Tensor], Tensor> {
  dim: number | null;
  constructor(...args: PyArgs<[dim: number | null], { dim?: number | null }>) {
    super();
    this.dim = moduleArgs('Softmax', 'int? dim=None', args).dim;
  }
  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}

/** Softmax of -x along `dim` (null: the implicit dim, as Softmax). */
export class Softmin extends Module<[Tensor], Tensor> {
  dim: number | null;
  constructor(...args: PyArgs<[dim: number | null], { dim?: number | null }>) {
    super();
    this.dim = moduleArgs('Softmin', 'int? dim=None', args).dim;
  }
  override forward(input: Tensor): Tensor {
    return F.softmin(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}

/** log(softmax(x)) along `dim`, computed stably (null: the implicit dim, as Softmax). */
export class LogSoftmax extends Module<[Tensor], Tensor> {
  dim: number | null;
  constructor(...args: PyArgs<[dim: number | null], { dim?: number | null }>) {
    super();
    this.dim = moduleArgs('LogSoftmax', 'int? dim=None', args).dim;
  }
  override forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}

/** Softmax over the channels at every spatial position: dim -3 of a (C, H, W) or (N, C, H, W) input. */
export class Softmax2d extends Module<[Tensor], Tensor> {
  override forward(input: Tensor): Tensor {
    requireTensorInput(input, 'dim');
    if (input.ndim !== 3 && input.ndim !== 4) throw new AssertionError('Softmax2d requires a 3D or 4D tensor as input');
    return F.softmax(input, -3);
  }
}
