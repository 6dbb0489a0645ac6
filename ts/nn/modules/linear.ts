// nn.Identity, nn.Linear, nn.Bilinear (PyTorch 1.13's torch/nn/modules/linear.py).

import type { Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { linear, bilinear } from '../functional/index.js';
import * as init from '../init.js';
import { pyRepr } from '../module_repr.js';
import { moduleArgs } from './args.js';
import { checkDevice, emptyParameter, type FactoryOptions } from './factory.js';

/**
 * A placeholder that returns its input; its constructor accepts and ignores any arguments.
 * @example new nn.Identity(54, { unusedArgument: 0.1 })(x) === x
 */
export class Identity extends Module<[Tensor], Tensor> {
  constructor(..._args: unknown[]) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return input;
  }
}

export interface LinearOptions extends FactoryOptions {
  bias?: boolean;
}

/**
 * y = x W^T + b, weight [out_features, in_features] drawn as PyTorch draws it.
 * @example
 * const fc = new nn.Linear(512, 100);
 * const y = fc(torch.randn(8, 512));          // [8, 100]
 * new nn.Linear(4, 2, { bias: false, dtype: torch.float64 });
 */
export class Linear extends Module<[Tensor], Tensor> {
  declare inFeatures: number;
  declare outFeatures: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options?: LinearOptions);
  constructor(inFeatures: number, outFeatures: number, bias?: boolean, options?: FactoryOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('Linear', 'int in_features, int out_features, bool bias=True, Device? device=None, ScalarType? dtype=None', args);
    checkDevice('Linear', a.device);
    this.inFeatures = a.inFeatures;
    this.outFeatures = a.outFeatures;
    this.weight = emptyParameter([a.outFeatures, a.inFeatures], a.dtype as DType | null);
    if (a.bias) this.bias = emptyParameter([a.outFeatures], a.dtype as DType | null);
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** kaiming_uniform_(weight, a=sqrt(5)), then bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = init._calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyRepr(this.bias !== null)}`;
  }
}

/**
 * y = x1^T A x2 + b, weight [out_features, in1_features, in2_features].
 * @example new nn.Bilinear(20, 30, 40)(torch.randn(128, 20), torch.randn(128, 30)) // [128, 40]
 */
export class Bilinear extends Module<[Tensor, Tensor], Tensor> {
  declare in1Features: number;
  declare in2Features: number;
  declare outFeatures: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, options?: LinearOptions);
  constructor(in1Features: number, in2Features: number, outFeatures: number, bias?: boolean, options?: FactoryOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('Bilinear',
      'int in1_features, int in2_features, int out_features, bool bias=True, Device? device=None, ScalarType? dtype=None', args);
    checkDevice('Bilinear', a.device);
    this.in1Features = a.in1Features;
    this.in2Features = a.in2Features;
    this.outFeatures = a.outFeatures;
    this.weight = emptyParameter([a.outFeatures, a.in1Features, a.in2Features], a.dtype as DType | null);
    if (a.bias) this.bias = emptyParameter([a.outFeatures], a.dtype as DType | null);
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** weight and bias ~ U(-1/sqrt(in1_features), 1/sqrt(in1_features)). */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias !== null) init.uniform_(this.bias, -bound, bound);
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyRepr(this.bias !== null)}`;
  }
}
