// Batch normalisation modules (torch.nn.modules.batchnorm): _NormBase's parameters,
// buffers, reset and state_dict rule, shared with the instance norms, and
// BatchNorm1d/2d/3d's forward with PyTorch's momentum bookkeeping (momentum = null is a
// cumulative average over num_batches_tracked).

import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { pyFloat, pyRepr } from '../module_repr.js';
import * as init from '../init.js';
import * as F from '../functional/index.js';
import { keep } from '../../tensor/scope.js';
import { int64, type DType } from '../../tensor/dtype.js';
import { ValueError } from '../../tensor/shape.js';
import { ones, zeros } from '../../ops/all.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { moduleArgs, requireTensorInput } from './args.js';
import { checkDevice, emptyParameter, type FactoryOptions } from './factory.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { LoadStateDictContext } from '../state_dict.js';

export interface NormOptions extends FactoryOptions {
  eps?: number;
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/** PyTorch's _NormBase: weight/bias (affine), running_mean/running_var/num_batches_tracked (track_running_stats). */
export abstract class NormBase extends Module<[Tensor], Tensor> {
  declare numFeatures: number;
  declare eps: number;
  declare momentum: number | null;
  declare affine: boolean;
  declare trackRunningStats: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  /** `sig` is the subclass's PyTorch signature (the defaults differ between batch and instance norm). */
  constructor(sig: string, args: unknown[]) {
    super();
    const a = moduleArgs(new.target.name, sig, args);
    checkDevice(new.target.name, a.device);
    const dtype = a.dtype as DType | null;
    const factory = dtype === null ? {} : { dtype };
    this.numFeatures = a.numFeatures;
    this.eps = a.eps;
    this.momentum = a.momentum;
    this.affine = a.affine;
    this.trackRunningStats = a.trackRunningStats;
    const n = a.numFeatures as number;
    if (this.affine) {
      this.weight = emptyParameter([n], dtype);
      this.bias = emptyParameter([n], dtype);
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', keep(zeros(n, factory)));
      this.registerBuffer('running_var', keep(ones(n, factory)));
      this.registerBuffer('num_batches_tracked', keep(zeros([], { dtype: int64 })));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
    this.resetParameters();
  }

  /** Running statistics back to mean 0, variance 1, no batches seen. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.affine) {
      init.ones_(this.weight as Tensor);
      init.zeros_(this.bias as Tensor);
    }
  }

  /** Throws PyTorch's ValueError for an input of the wrong rank. */
  protected abstract checkInputDim(input: Tensor): void;

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyRepr(this.affine)}, track_running_stats=${pyRepr(this.trackRunningStats)}`;
  }

  /** PyTorch's rule for state_dicts saved before num_batches_tracked existed: it loads as 0. */
  override _loadFromStateDict(ctx: LoadStateDictContext, prefix: string): void {
    const key = `${prefix}num_batches_tracked`;
    if (this.trackRunningStats && !ctx.stateDict.has(key)) {
      const zero = zeros([], { dtype: int64 });
      ctx.temporaries.push(zero);
      ctx.stateDict.set(key, zero);
    }
    super._loadFromStateDict(ctx, prefix);
  }
}

const BATCH_NORM_SIG =
  'int num_features, float eps=1e-05, float? momentum=0.1, bool affine=True, bool track_running_stats=True, Device? device=None, ScalarType? dtype=None';

/** PyTorch's _BatchNorm: batch statistics in training (updating the running ones), running ones in eval. */
abstract class BatchNormNd extends NormBase {
  constructor(args: unknown[]) {
    super(BATCH_NORM_SIG, args);
  }

  override forward(input: Tensor): Tensor {
    requireTensorInput(input, 'dim');
    this.checkInputDim(input);
    const count = this.num_batches_tracked;
    const counting = this.training && this.trackRunningStats && count !== null;
    let factor = this.momentum ?? 0;
    // momentum = null: a cumulative average, 1 / (batches seen including this one)
    if (counting && this.momentum === null) factor = 1 / (Number(count.item()) + 1);
    const bnTraining = this.training || (this.running_mean === null && this.running_var === null);
    // buffers that are not tracked are not updated
    const useBuffers = !this.training || this.trackRunningStats;
    const out = F.batchNorm(input, useBuffers ? this.running_mean : null, useBuffers ? this.running_var : null, this.weight, this.bias,
      bnTraining, factor, this.eps);
    // counted after the call succeeded, so a rejected input changes nothing (PyTorch counts first)
    if (counting) noGrad(() => count.add_(1));
    return out;
  }
}

/**
 * Batch normalisation over the channels of [N, C] or [N, C, L].
 * @example
 * const bn = new nn.BatchNorm1d(100, { momentum: null });   // cumulative average
 */
export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, options?: NormOptions);
  constructor(numFeatures: number, eps?: number, momentum?: number | null, affine?: boolean, trackRunningStats?: boolean, device?: string | null, dtype?: DType | string | null);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected override checkInputDim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) throw new ValueError(`expected 2D or 3D input (got ${input.ndim}D input)`);
  }
}

/**
 * Batch normalisation over the channels of [N, C, H, W].
 * @example
 * const bn = new nn.BatchNorm2d(64);
 * bn(torch.randn(8, 64, 32, 32));   // updates bn.running_mean, bn.running_var, bn.num_batches_tracked
 */
export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, options?: NormOptions);
  constructor(numFeatures: number, eps?: number, momentum?: number | null, affine?: boolean, trackRunningStats?: boolean, device?: string | null, dtype?: DType | string | null);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected override checkInputDim(input: Tensor): void {
    if (input.ndim !== 4) throw new ValueError(`expected 4D input (got ${input.ndim}D input)`);
  }
}

/** Batch normalisation over the channels of [N, C, D, H, W]. */
export class BatchNorm3d extends BatchNormNd {
  constructor(numFeatures: number, options?: NormOptions);
  constructor(numFeatures: number, eps?: number, momentum?: number | null, affine?: boolean, trackRunningStats?: boolean, device?: string | null, dtype?: DType | string | null);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected override checkInputDim(input: Tensor): void {
    if (input.ndim !== 5) throw new ValueError(`expected 5D input (got ${input.ndim}D input)`);
  }
}
