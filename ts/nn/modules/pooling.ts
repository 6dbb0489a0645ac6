// Pooling modules (torch.nn.modules.pooling): max, average, adaptive, power-average
// and max-unpooling, 1-d to 3-d. Each keeps its constructor arguments as PyTorch does
// (as given, or as tuples where PyTorch applies _single/_pair/_triple), prints them in
// PyTorch's extra_repr and forwards to the torch.nn.functional op, which checks them.

import { Module } from '../module.js';
import { pyRepr } from '../module_repr.js';
import { isPlainObject } from '../../ops/signature.js';
import * as F from '../functional/index.js';
import { moduleArgs } from './args.js';
import type { Tensor } from '../../tensor/tensor.js';

/** An int, or one int per spatial dim. */
export type PoolSize = number | number[];
/** An adaptive output size: null entries keep the input's size. */
export type AdaptiveSize = number | null | (number | null)[];
/** What a pooling module with return_indices returns. */
export type PoolOutput<WithIndices extends boolean> = WithIndices extends true ? [Tensor, Tensor] : Tensor;

/** Python's _single / _pair / _triple: a list is kept (as a tuple), a value repeated n times. */
const ntuple = (v: unknown, n: number): unknown[] => (Array.isArray(v) ? [...v] : new Array<unknown>(n).fill(v));

// ---- max pooling ----------------------------------------------------------------------

export interface MaxPoolOptions<WithIndices extends boolean = boolean> {
  stride?: PoolSize | null;
  padding?: PoolSize;
  dilation?: PoolSize;
  returnIndices?: WithIndices;
  ceilMode?: boolean;
}

const MAX_POOL_SIG = 'any kernel_size, any stride=None, any padding=0, any dilation=1, bool return_indices=False, bool ceil_mode=False';

/** PyTorch's _MaxPoolNd: stride defaults to kernel_size. */
abstract class MaxPoolNd<WithIndices extends boolean> extends Module<[Tensor], PoolOutput<WithIndices>> {
  declare kernelSize: PoolSize;
  declare stride: PoolSize;
  declare padding: PoolSize;
  declare dilation: PoolSize;
  declare returnIndices: WithIndices;
  declare ceilMode: boolean;

  constructor(args: unknown[]) {
    super();
    const a = moduleArgs(new.target.name, MAX_POOL_SIG, args);
    this.kernelSize = a.kernelSize;
    this.stride = a.stride ?? a.kernelSize;
    this.padding = a.padding;
    this.dilation = a.dilation;
    this.returnIndices = a.returnIndices;
    this.ceilMode = a.ceilMode;
  }

  protected abstract get pool(): (...args: unknown[]) => unknown;

  override forward(input: Tensor): PoolOutput<WithIndices> {
    return this.pool(input, this.kernelSize, this.stride, this.padding, this.dilation, {
      ceilMode: this.ceilMode, returnIndices: this.returnIndices,
    }) as PoolOutput<WithIndices>;
  }

  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}, dilation=${pyRepr(this.dilation)}, ceil_mode=${pyRepr(this.ceilMode)}`;
  }
}

/**
 * Max over sliding windows of [N, C, L] or [C, L].
 * @example
 * const pool = new nn.MaxPool1d(3, { stride: 2 });
 * pool(torch.randn(20, 16, 50)).shape;   // [20, 16, 24]
 */
export class MaxPool1d<WithIndices extends boolean = false> extends MaxPoolNd<WithIndices> {
  constructor(kernelSize: PoolSize, options?: MaxPoolOptions<WithIndices>);
  constructor(kernelSize: PoolSize, stride?: PoolSize | null, padding?: PoolSize, dilation?: PoolSize, returnIndices?: WithIndices, ceilMode?: boolean);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected get pool() {
    return F.maxPool1d;
  }
}

/**
 * Max over sliding windows of [N, C, H, W] or [C, H, W].
 * @example
 * const pool = new nn.MaxPool2d(3, { stride: 2, padding: 1 });
 * const [y, indices] = new nn.MaxPool2d(2, { returnIndices: true })(x);
 */
export class MaxPool2d<WithIndices extends boolean = false> extends MaxPoolNd<WithIndices> {
  constructor(kernelSize: PoolSize, options?: MaxPoolOptions<WithIndices>);
  constructor(kernelSize: PoolSize, stride?: PoolSize | null, padding?: PoolSize, dilation?: PoolSize, returnIndices?: WithIndices, ceilMode?: boolean);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected get pool() {
    return F.maxPool2d;
  }
}

/** Max over sliding windows of [N, C, D, H, W] or [C, D, H, W]. */
export class MaxPool3d<WithIndices extends boolean = false> extends MaxPoolNd<WithIndices> {
  constructor(kernelSize: PoolSize, options?: MaxPoolOptions<WithIndices>);
  constructor(kernelSize: PoolSize, stride?: PoolSize | null, padding?: PoolSize, dilation?: PoolSize, returnIndices?: WithIndices, ceilMode?: boolean);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected get pool() {
    return F.maxPool3d;
  }
}

// ---- max unpooling ------------------------------------------------------------------------

export interface MaxUnpoolOptions {
  stride?: PoolSize | null;
  padding?: PoolSize;
}

/** PyTorch's _MaxUnpoolNd: kernel_size, stride and padding as n-tuples. */
abstract class MaxUnpoolNd extends Module<[Tensor, Tensor, (number[] | { outputSize?: number[] | null } | null)?], Tensor> {
  declare kernelSize: number[];
  declare stride: number[];
  declare padding: number[];

  constructor(args: unknown[], n: number) {
    super();
    const a = moduleArgs(new.target.name, 'any kernel_size, any stride=None, any padding=0', args);
    this.kernelSize = ntuple(a.kernelSize, n) as number[];
    this.stride = ntuple(a.stride ?? a.kernelSize, n) as number[];
    this.padding = ntuple(a.padding, n) as number[];
  }

  protected abstract get unpool(): (...args: unknown[]) => Tensor;

  /** forward(input, indices, output_size=None); output_size also as { outputSize }. */
  override forward(input: Tensor, indices: Tensor, outputSize: number[] | { outputSize?: number[] | null } | null = null): Tensor {
    const size = isPlainObject(outputSize) ? (outputSize.outputSize ?? null) : outputSize;
    return this.unpool(input, indices, this.kernelSize, this.stride, this.padding, size);
  }

  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
}

/** The partial inverse of MaxPool1d: values back at their indices, zeros elsewhere. */
export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(kernelSize: PoolSize, options?: MaxUnpoolOptions);
  constructor(kernelSize: PoolSize, stride?: PoolSize | null, padding?: PoolSize);
  constructor(...args: unknown[]) {
    super(args, 1);
  }
  protected get unpool() {
    return F.maxUnpool1d;
  }
}

/**
 * The partial inverse of MaxPool2d.
 * @example
 * const [y, idx] = new nn.MaxPool2d(2, { returnIndices: true })(x);
 * new nn.MaxUnpool2d(2)(y, idx, { outputSize: x.shape });
 */
export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(kernelSize: PoolSize, options?: MaxUnpoolOptions);
  constructor(kernelSize: PoolSize, stride?: PoolSize | null, padding?: PoolSize);
  constructor(...args: unknown[]) {
    super(args, 2);
  }
  protected get unpool() {
    return F.maxUnpool2d;
  }
}

/** The partial inverse of MaxPool3d. */
export class MaxUnpool3d extends MaxUnpoolNd {
  constructor(kernelSize: PoolSize, options?: MaxUnpoolOptions);
  constructor(kernelSize: PoolSize, stride?: PoolSize | null, padding?: PoolSize);
  constructor(...args: unknown[]) {
    super(args, 3);
  }
  protected get unpool() {
    return F.maxUnpool3d;
  }
}

// ---- average pooling ----------------------------------------------------------------------

export interface AvgPoolOptions {
  stride?: PoolSize | null;
  padding?: PoolSize;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}
export interface AvgPoolDivisorOptions extends AvgPoolOptions {
  divisorOverride?: number | null;
}

abstract class AvgPoolNd extends Module<[Tensor], Tensor> {
  declare kernelSize: PoolSize;
  declare stride: PoolSize;
  declare padding: PoolSize;
  declare ceilMode: boolean;
  declare countIncludePad: boolean;

  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
}

/** Average over sliding windows of [N, C, L] or [C, L]. */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: PoolSize, options?: AvgPoolOptions);
  constructor(kernelSize: PoolSize, stride?: PoolSize | null, padding?: PoolSize, ceilMode?: boolean, countIncludePad?: boolean);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('AvgPool1d', 'any kernel_size, any stride=None, any padding=0, bool ceil_mode=False, bool count_include_pad=True', args);
    this.kernelSize = ntuple(a.kernelSize, 1) as number[];
    this.stride = ntuple(a.stride ?? a.kernelSize, 1) as number[];
    this.padding = ntuple(a.padding, 1) as number[];
    this.ceilMode = a.ceilMode;
    this.countIncludePad = a.countIncludePad;
  }
  override forward(input: Tensor): Tensor {
    return F.avgPool1d(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad);
  }
}

/** AvgPool2d/3d: arguments kept as given, with divisor_override. */
abstract class AvgPoolDivisorNd extends AvgPoolNd {
  declare divisorOverride: number | null;

  constructor(args: unknown[]) {
    super();
    const a = moduleArgs(new.target.name,
      'any kernel_size, any stride=None, any padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None', args);
    this.kernelSize = a.kernelSize;
    this.stride = a.stride ?? a.kernelSize;
    this.padding = a.padding;
    this.ceilMode = a.ceilMode;
    this.countIncludePad = a.countIncludePad;
    this.divisorOverride = a.divisorOverride;
  }

  protected abstract get pool(): (...args: unknown[]) => Tensor;

  override forward(input: Tensor): Tensor {
    return this.pool(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad, this.divisorOverride);
  }
}

/**
 * Average over sliding windows of [N, C, H, W] or [C, H, W].
 * @example
 * new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false });
 */
export class AvgPool2d extends AvgPoolDivisorNd {
  constructor(kernelSize: PoolSize, options?: AvgPoolDivisorOptions);
  constructor(kernelSize: PoolSize, stride?: PoolSize | null, padding?: PoolSize, ceilMode?: boolean, countIncludePad?: boolean, divisorOverride?: number | null);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected get pool() {
    return F.avgPool2d;
  }
}

/** Average over sliding windows of [N, C, D, H, W] or [C, D, H, W]. */
export class AvgPool3d extends AvgPoolDivisorNd {
  constructor(kernelSize: PoolSize, options?: AvgPoolDivisorOptions);
  constructor(kernelSize: PoolSize, stride?: PoolSize | null, padding?: PoolSize, ceilMode?: boolean, countIncludePad?: boolean, divisorOverride?: number | null);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected get pool() {
    return F.avgPool3d;
  }
}

// ---- power-average pooling ------------------------------------------------------------------

export interface LPPoolOptions {
  stride?: PoolSize | null;
  ceilMode?: boolean;
}

/** PyTorch's _LPPoolNd: (sum of x^p over each window)^(1/p). */
abstract class LPPoolNd extends Module<[Tensor], Tensor> {
  declare normType: number;
  declare kernelSize: PoolSize;
  declare stride: PoolSize | null;
  declare ceilMode: boolean;

  constructor(args: unknown[]) {
    super();
    const a = moduleArgs(new.target.name, 'float norm_type, any kernel_size, any stride=None, bool ceil_mode=False', args);
    this.normType = a.normType;
    this.kernelSize = a.kernelSize;
    this.stride = a.stride;
    this.ceilMode = a.ceilMode;
  }

  protected abstract get pool(): (...args: unknown[]) => Tensor;

  override forward(input: Tensor): Tensor {
    return this.pool(input, this.normType, this.kernelSize, this.stride, this.ceilMode);
  }

  override extraRepr(): string {
    return `norm_type=${pyRepr(this.normType)}, kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, ceil_mode=${pyRepr(this.ceilMode)}`;
  }
}

/** Power-average pooling of [N, C, L] or [C, L]. */
export class LPPool1d extends LPPoolNd {
  constructor(normType: number, kernelSize: number, options?: LPPoolOptions);
  constructor(normType: number, kernelSize: number, stride?: PoolSize | null, ceilMode?: boolean);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected get pool() {
    return F.lpPool1d;
  }
}

/** Power-average pooling of [N, C, H, W] or [C, H, W]. */
export class LPPool2d extends LPPoolNd {
  constructor(normType: number, kernelSize: PoolSize, options?: LPPoolOptions);
  constructor(normType: number, kernelSize: PoolSize, stride?: PoolSize | null, ceilMode?: boolean);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected get pool() {
    return F.lpPool2d;
  }
}

// ---- adaptive pooling -------------------------------------------------------------------------

/** PyTorch's _AdaptiveMaxPoolNd. */
abstract class AdaptiveMaxPoolNd<WithIndices extends boolean> extends Module<[Tensor], PoolOutput<WithIndices>> {
  declare outputSize: AdaptiveSize;
  declare returnIndices: WithIndices;

  constructor(args: unknown[]) {
    super();
    const a = moduleArgs(new.target.name, 'any output_size, bool return_indices=False', args);
    this.outputSize = a.outputSize;
    this.returnIndices = a.returnIndices;
  }

  protected abstract get pool(): (...args: unknown[]) => unknown;

  override forward(input: Tensor): PoolOutput<WithIndices> {
    return this.pool(input, this.outputSize, this.returnIndices) as PoolOutput<WithIndices>;
  }

  override extraRepr(): string {
    return `output_size=${pyRepr(this.outputSize)}`;
  }
}

/** Max pooling of [N, C, L] or [C, L] to a given length. */
export class AdaptiveMaxPool1d<WithIndices extends boolean = false> extends AdaptiveMaxPoolNd<WithIndices> {
  constructor(outputSize: number, options?: { returnIndices?: WithIndices });
  constructor(outputSize: number, returnIndices?: WithIndices);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected get pool() {
    return F.adaptiveMaxPool1d;
  }
}

/** Max pooling of [N, C, H, W] or [C, H, W] to a given size (null keeps a dim). */
export class AdaptiveMaxPool2d<WithIndices extends boolean = false> extends AdaptiveMaxPoolNd<WithIndices> {
  constructor(outputSize: AdaptiveSize, options?: { returnIndices?: WithIndices });
  constructor(outputSize: AdaptiveSize, returnIndices?: WithIndices);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected get pool() {
    return F.adaptiveMaxPool2d;
  }
}

/** Max pooling of [N, C, D, H, W] or [C, D, H, W] to a given size (null keeps a dim). */
export class AdaptiveMaxPool3d<WithIndices extends boolean = false> extends AdaptiveMaxPoolNd<WithIndices> {
  constructor(outputSize: AdaptiveSize, options?: { returnIndices?: WithIndices });
  constructor(outputSize: AdaptiveSize, returnIndices?: WithIndices);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected get pool() {
    return F.adaptiveMaxPool3d;
  }
}

/** PyTorch's _AdaptiveAvgPoolNd. */
abstract class AdaptiveAvgPoolNd extends Module<[Tensor], Tensor> {
  declare outputSize: AdaptiveSize;

  constructor(args: unknown[]) {
    super();
    this.outputSize = moduleArgs(new.target.name, 'any output_size', args).outputSize;
  }

  protected abstract get pool(): (...args: unknown[]) => Tensor;

  override forward(input: Tensor): Tensor {
    return this.pool(input, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${pyRepr(this.outputSize)}`;
  }
}

/** Average pooling of [N, C, L] or [C, L] to a given length. */
export class AdaptiveAvgPool1d extends AdaptiveAvgPoolNd {
  constructor(outputSize: number | [number] | { outputSize: number | [number] });
  constructor(...args: unknown[]) {
    super(args);
  }
  protected get pool() {
    return F.adaptiveAvgPool1d;
  }
}

/**
 * Average pooling of [N, C, H, W] or [C, H, W] to a given size (null keeps a dim).
 * @example
 * new nn.AdaptiveAvgPool2d(1)(torch.randn(8, 512, 7, 7)).shape;   // [8, 512, 1, 1]
 */
export class AdaptiveAvgPool2d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize | { outputSize: AdaptiveSize });
  constructor(...args: unknown[]) {
    super(args);
  }
  protected get pool() {
    return F.adaptiveAvgPool2d;
  }
}

/** Average pooling of [N, C, D, H, W] or [C, D, H, W] to a given size (null keeps a dim). */
export class AdaptiveAvgPool3d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize | { outputSize: AdaptiveSize });
  constructor(...args: unknown[]) {
    super(args);
  }
  protected get pool() {
    return F.adaptiveAvgPool3d;
  }
}
