// Padding modules (PyTorch 1.13's torch/nn/modules/padding.py): F.pad with a fixed
// padding, given as one int (used on every side) or the (left, right, top, bottom,
// front, back) list.

import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { pad } from '../functional/index.js';
import { pyRepr } from '../module_repr.js';
import { pyTypeName } from '../../ops/signature.js';
import { moduleArgs } from './args.js';

type Padding = number | number[];

/** An int as n copies, a list as given (PyTorch's _pair / _quadruple / _ntuple(6)). */
function ntuple(cls: string, p: unknown, n: number): number[] {
  if (typeof p === 'number' && Number.isInteger(p)) return new Array(n).fill(p);
  if (Array.isArray(p) && p.every((v) => Number.isInteger(v))) return [...p];
  throw new TypeError(`${cls}(): argument 'padding' must be int or tuple of ints, not ${pyTypeName(p)}`);
}

/** ConstantPad1d/2d/3d: pads with `value`. */
class ConstantPadNd extends Module<[Tensor], Tensor> {
  declare padding: number[];
  declare value: number;
  constructor(n: number, args: unknown[]) {
    super();
    const cls = new.target.name;
    const a = moduleArgs(cls, 'any padding, float value', args);
    this.padding = ntuple(cls, a.padding, n);
    this.value = a.value;
  }
  override forward(input: Tensor): Tensor {
    return pad(input, this.padding, 'constant', this.value);
  }
  override extraRepr(): string {
    return `padding=${pyRepr(this.padding)}, value=${pyRepr(this.value)}`;
  }
}

/** @example new nn.ConstantPad1d(2, 3.5)(x) // [N, C, W + 4] */
export class ConstantPad1d extends ConstantPadNd {
  constructor(padding: Padding, value: number);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super(2, args);
  }
}

/** @example new nn.ConstantPad2d([1, 2, 0, 1], -1)(x) */
export class ConstantPad2d extends ConstantPadNd {
  constructor(padding: Padding, value: number);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super(4, args);
  }
}

export class ConstantPad3d extends ConstantPadNd {
  constructor(padding: Padding, value: number);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super(6, args);
  }
}

/** Zero padding of the last two dims (a ConstantPad2d with value 0). @example new nn.ZeroPad2d([1, 1, 2, 0]) */
export class ZeroPad2d extends ConstantPad2d {
  constructor(padding: Padding);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super(moduleArgs('ZeroPad2d', 'any padding', args).padding, 0);
  }
  override extraRepr(): string {
    return pyRepr(this.padding);
  }
}

/** Reflection and replication padding modules: F.pad in their mode. */
class ModePadNd extends Module<[Tensor], Tensor> {
  declare padding: number[];
  /** @internal */ declare _mode: string;
  constructor(cls: string, mode: string, n: number, args: unknown[]) {
    super();
    const a = moduleArgs(cls, 'any padding', args);
    this.padding = ntuple(cls, a.padding, n);
    this._mode = mode;
  }
  override forward(input: Tensor): Tensor {
    return pad(input, this.padding, this._mode);
  }
  override extraRepr(): string {
    return pyRepr(this.padding);
  }
}

/** Pads with the reflection of the input at the border (the edge not repeated). */
export class ReflectionPad1d extends ModePadNd {
  constructor(padding: Padding);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super('ReflectionPad1d', 'reflect', 2, args);
  }
}

export class ReflectionPad2d extends ModePadNd {
  constructor(padding: Padding);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super('ReflectionPad2d', 'reflect', 4, args);
  }
}

export class ReflectionPad3d extends ModePadNd {
  constructor(padding: Padding);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super('ReflectionPad3d', 'reflect', 6, args);
  }
}

/** Pads by repeating the input's border values. */
export class ReplicationPad1d extends ModePadNd {
  constructor(padding: Padding);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super('ReplicationPad1d', 'replicate', 2, args);
  }
}

export class ReplicationPad2d extends ModePadNd {
  constructor(padding: Padding);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super('ReplicationPad2d', 'replicate', 4, args);
  }
}

export class ReplicationPad3d extends ModePadNd {
  constructor(padding: Padding);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super('ReplicationPad3d', 'replicate', 6, args);
  }
}
