// nn.CosineSimilarity and nn.PairwiseDistance (PyTorch 1.13's torch/nn/modules/distance.py).

import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { cosineSimilarity, pairwiseDistance } from '../functional/index.js';
import { moduleArgs } from './args.js';

/**
 * Cosine similarity of x1 and x2 along `dim` (broadcasting).
 * @example new nn.CosineSimilarity({ dim: 1, eps: 1e-6 })(a, b) // [N]
 */
export class CosineSimilarity extends Module<[Tensor, Tensor], Tensor> {
  declare dim: number;
  declare eps: number;
  constructor(dim?: number, eps?: number);
  constructor(options?: { dim?: number; eps?: number });
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('CosineSimilarity', 'int dim=1, float eps=1e-8', args);
    this.dim = a.dim;
    this.eps = a.eps;
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return cosineSimilarity(x1, x2, this.dim, this.eps);
  }
}

/**
 * The p-norm of x1 - x2 + eps over the last dim.
 * @example new nn.PairwiseDistance({ p: 1 })(a, b) // [N]
 */
export class PairwiseDistance extends Module<[Tensor, Tensor], Tensor> {
  /** The norm's order p. */
  declare norm: number;
  declare eps: number;
  declare keepdim: boolean;
  constructor(p?: number, eps?: number, keepdim?: boolean);
  constructor(options?: { p?: number; eps?: number; keepdim?: boolean });
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('PairwiseDistance', 'float p=2., float eps=1e-6, bool keepdim=False', args);
    this.norm = a.p;
    this.eps = a.eps;
    this.keepdim = a.keepdim;
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return pairwiseDistance(x1, x2, this.norm, this.eps, this.keepdim);
  }
}
