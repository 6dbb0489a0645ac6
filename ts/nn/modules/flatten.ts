// nn.Flatten and nn.Unflatten (PyTorch 1.13's torch/nn/modules/flatten.py).

import type { Tensor } from '../../tensor/tensor.js';
import { NotImplementedError } from '../../tensor/shape.js';
import { pyTypeName } from '../../ops/signature.js';
import { Module } from '../module.js';
import { pyRepr } from '../module_repr.js';
import { moduleArgs, requireTensorInput } from './args.js';

/**
 * Flattens dims start_dim..end_dim into one (all but the batch dim by default).
 * @example new nn.Flatten()(torch.zeros(32, 1, 5, 5)).shape // [32, 25]
 */
export class Flatten extends Module<[Tensor], Tensor> {
  declare startDim: number;
  declare endDim: number;
  constructor(startDim?: number, endDim?: number);
  constructor(options?: { startDim?: number; endDim?: number });
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('Flatten', 'int start_dim=1, int end_dim=-1', args);
    this.startDim = a.startDim;
    this.endDim = a.endDim;
  }
  override forward(input: Tensor): Tensor {
    requireTensorInput(input, 'flatten');
    return input.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `unflattenedSize` (one entry may be -1).
 * @example new nn.Unflatten(1, [2, 5, 5])(torch.zeros(2, 50)).shape // [2, 2, 5, 5]
 */
export class Unflatten extends Module<[Tensor], Tensor> {
  declare dim: number;
  declare unflattenedSize: number[];
  constructor(dim: number, unflattenedSize: number[]);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('Unflatten', 'any dim, any unflattened_size', args);
    if (typeof a.dim === 'string') {
      throw new NotImplementedError('Unflatten: a named dim (str) needs named tensors, which this runtime does not have; pass the dim as an int');
    }
    if (typeof a.dim !== 'number' || !Number.isInteger(a.dim)) throw new TypeError('invalid argument type for dim parameter');
    const size: unknown = a.unflattenedSize;
    if (!Array.isArray(size)) {
      throw new TypeError(`unflattened_size must be a tuple of ints, but found type ${pyTypeName(size)}`);
    }
    size.forEach((e, i) => {
      if (typeof e !== 'number' || !Number.isInteger(e)) {
        throw new TypeError(`unflattened_size must be tuple of ints, but found element of type ${pyTypeName(e)} at pos ${i}`);
      }
    });
    this.dim = a.dim;
    this.unflattenedSize = [...size];
  }
  override forward(input: Tensor): Tensor {
    requireTensorInput(input, 'unflatten');
    return input.unflatten(this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyRepr(this.unflattenedSize)}`;
  }
}
