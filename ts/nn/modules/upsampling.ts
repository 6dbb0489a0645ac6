// nn.Upsample, nn.UpsamplingNearest2d, nn.UpsamplingBilinear2d (PyTorch 1.13's
// torch/nn/modules/upsampling.py): F.interpolate with fixed settings.

import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { interpolate } from '../functional/index.js';
import { pyFloat, pyRepr } from '../module_repr.js';
import { moduleArgs } from './args.js';

type Sizes = number | number[];

export interface UpsampleOptions {
  size?: Sizes | null;
  scaleFactor?: Sizes | null;
  mode?: 'nearest' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area' | 'nearest-exact';
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
}

const UPSAMPLE_SIG = "any size=None, any scale_factor=None, str mode='nearest', bool? align_corners=None, bool? recompute_scale_factor=None";

/**
 * Upsamples [N, C, W], [N, C, H, W] or [N, C, D, H, W] to `size` or by `scaleFactor`.
 * @example new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' })(x)
 */
export class Upsample extends Module<[Tensor], Tensor> {
  declare name: string;
  declare size: Sizes | null;
  /** Kept as floats (PyTorch stores float(scale_factor)); 0 or null means none. */
  declare scaleFactor: number | number[] | null;
  declare mode: string;
  declare alignCorners: boolean | null;
  declare recomputeScaleFactor: boolean | null;

  constructor(options?: UpsampleOptions);
  constructor(size?: Sizes | null, scaleFactor?: Sizes | null, mode?: string, alignCorners?: boolean | null, recomputeScaleFactor?: boolean | null);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    this._init(moduleArgs(this._getName(), UPSAMPLE_SIG, args));
  }

  /** @internal */
  _init(a: Record<string, any>): void {
    this.name = this._getName();
    this.size = a.size;
    this.scaleFactor = Array.isArray(a.scaleFactor) ? a.scaleFactor.map(Number) : a.scaleFactor ? Number(a.scaleFactor) : null;
    this.mode = a.mode;
    this.alignCorners = a.alignCorners;
    this.recomputeScaleFactor = a.recomputeScaleFactor;
  }

  override forward(input: Tensor): Tensor {
    return interpolate(input, this.size, this.scaleFactor, this.mode, this.alignCorners, { recomputeScaleFactor: this.recomputeScaleFactor });
  }

  override extraRepr(): string {
    const s = this.scaleFactor;
    const info = s !== null
      ? `scale_factor=${Array.isArray(s) ? (s.length === 1 ? `(${pyFloat(s[0])},)` : `(${s.map(pyFloat).join(', ')})`) : pyFloat(s)}`
      : `size=${pyRepr(this.size)}`;
    return `${info}, mode=${this.mode}`;
  }
}

/** Nearest-neighbour upsampling of [N, C, H, W]. @example new nn.UpsamplingNearest2d({ scaleFactor: 2 }) */
export class UpsamplingNearest2d extends Upsample {
  constructor(options?: { size?: Sizes | null; scaleFactor?: Sizes | null });
  constructor(size?: Sizes | null, scaleFactor?: Sizes | null);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('UpsamplingNearest2d', 'any size=None, any scale_factor=None', args);
    this._init({ ...a, mode: 'nearest', alignCorners: null, recomputeScaleFactor: null });
  }
}

/** Bilinear upsampling of [N, C, H, W] with align_corners=True. */
export class UpsamplingBilinear2d extends Upsample {
  constructor(options?: { size?: Sizes | null; scaleFactor?: Sizes | null });
  constructor(size?: Sizes | null, scaleFactor?: Sizes | null);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('UpsamplingBilinear2d', 'any size=None, any scale_factor=None', args);
    this._init({ ...a, mode: 'bilinear', alignCorners: true, recomputeScaleFactor: null });
  }
}
