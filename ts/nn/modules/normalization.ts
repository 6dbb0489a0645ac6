// Normalisation modules of torch.nn.modules.normalization: LayerNorm, GroupNorm and
// LocalResponseNorm.

import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { pyFloat, pyRepr } from '../module_repr.js';
import * as init from '../init.js';
import * as F from '../functional/index.js';
import { ValueError, ZeroDivisionError } from '../../tensor/shape.js';
import { moduleArgs } from './args.js';
import { checkDevice, emptyParameter, type FactoryOptions } from './factory.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';

export interface LayerNormOptions extends FactoryOptions {
  eps?: number;
  elementwiseAffine?: boolean;
}

/**
 * Layer normalisation over the last dims (normalized_shape) of the input.
 * @example
 * const ln = new nn.LayerNorm([6, 5], { eps: 1e-3 });
 * ln(torch.randn(2, 6, 5));
 */
export class LayerNorm extends Module<[Tensor], Tensor> {
  declare normalizedShape: number[];
  declare eps: number;
  declare elementwiseAffine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(normalizedShape: number | number[], options?: LayerNormOptions);
  constructor(normalizedShape: number | number[], eps?: number, elementwiseAffine?: boolean, device?: string | null, dtype?: DType | string | null);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('LayerNorm', 'int[] normalized_shape, float eps=1e-05, bool elementwise_affine=True, Device? device=None, ScalarType? dtype=None', args);
    checkDevice('LayerNorm', a.device);
    this.normalizedShape = [...a.normalizedShape];
    this.eps = a.eps;
    this.elementwiseAffine = a.elementwiseAffine;
    if (this.elementwiseAffine) {
      this.weight = emptyParameter(this.normalizedShape, a.dtype as DType | null);
      this.bias = emptyParameter(this.normalizedShape, a.dtype as DType | null);
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.elementwiseAffine) {
      init.ones_(this.weight as Tensor);
      init.zeros_(this.bias as Tensor);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${pyRepr(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyRepr(this.elementwiseAffine)}`;
  }
}

export interface GroupNormOptions extends FactoryOptions {
  eps?: number;
  affine?: boolean;
}

/**
 * Group normalisation: the channels of [N, C, *] split into num_groups groups, each
 * normalised per sample.
 * @example
 * new nn.GroupNorm(3, 6)(torch.randn(20, 6, 10, 10));
 */
export class GroupNorm extends Module<[Tensor], Tensor> {
  declare numGroups: number;
  declare numChannels: number;
  declare eps: number;
  declare affine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, options?: GroupNormOptions);
  constructor(numGroups: number, numChannels: number, eps?: number, affine?: boolean, device?: string | null, dtype?: DType | string | null);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('GroupNorm', 'int num_groups, int num_channels, float eps=1e-05, bool affine=True, Device? device=None, ScalarType? dtype=None', args);
    checkDevice('GroupNorm', a.device);
    if (a.numGroups === 0) throw new ZeroDivisionError('integer modulo by zero');
    // (Python's %: the remainder takes the divisor's sign)
    if (((a.numChannels % a.numGroups) + a.numGroups) % a.numGroups !== 0) throw new ValueError('num_channels must be divisible by num_groups');
    this.numGroups = a.numGroups;
    this.numChannels = a.numChannels;
    this.eps = a.eps;
    this.affine = a.affine;
    if (this.affine) {
      this.weight = emptyParameter([this.numChannels], a.dtype as DType | null);
      this.bias = emptyParameter([this.numChannels], a.dtype as DType | null);
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.affine) {
      init.ones_(this.weight as Tensor);
      init.zeros_(this.bias as Tensor);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.groupNorm(input, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyRepr(this.affine)}`;
  }
}

export interface LocalResponseNormOptions {
  alpha?: number;
  beta?: number;
  k?: number;
}

/**
 * Local response normalisation across channels (AlexNet's).
 * @example
 * new nn.LocalResponseNorm(2)(torch.randn(32, 5, 24, 24));
 */
export class LocalResponseNorm extends Module<[Tensor], Tensor> {
  declare size: number;
  declare alpha: number;
  declare beta: number;
  declare k: number;

  constructor(size: number, options?: LocalResponseNormOptions);
  constructor(size: number, alpha?: number, beta?: number, k?: number);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('LocalResponseNorm', 'int size, float alpha=0.0001, float beta=0.75, float k=1.0', args);
    this.size = a.size;
    this.alpha = a.alpha;
    this.beta = a.beta;
    this.k = a.k;
  }

  override forward(input: Tensor): Tensor {
    return F.localResponseNorm(input, this.size, this.alpha, this.beta, this.k);
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}
