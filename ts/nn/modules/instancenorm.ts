// Instance normalisation modules (torch.nn.modules.instancenorm): statistics per
// sample and channel; running statistics only with track_running_stats (then used in
// eval mode); inputs without a batch dim are normalised as a batch of one.

import { NormBase, type NormOptions } from './batchnorm.js';
import { requireTensorInput } from './args.js';
import * as F from '../functional/index.js';
import { ValueError } from '../../tensor/shape.js';
import { tidy } from '../../tensor/scope.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';
import type { LoadStateDictContext } from '../state_dict.js';

const INSTANCE_NORM_SIG =
  'int num_features, float eps=1e-05, float? momentum=0.1, bool affine=False, bool track_running_stats=False, Device? device=None, ScalarType? dtype=None';

/** PyTorch's _InstanceNorm. */
abstract class InstanceNormNd extends NormBase {
  constructor(args: unknown[]) {
    super(INSTANCE_NORM_SIG, args);
  }

  /** The rank of an input without a batch dim. */
  protected abstract get noBatchDim(): number;

  override forward(input: Tensor): Tensor {
    requireTensorInput(input, 'dim');
    this.checkInputDim(input);
    if (input.ndim === this.noBatchDim) return tidy(() => this.applyInstanceNorm(input.unsqueeze(0)).squeeze(0));
    return this.applyInstanceNorm(input);
  }

  private applyInstanceNorm(input: Tensor): Tensor {
    return F.instanceNorm(input, this.running_mean, this.running_var, this.weight, this.bias,
      this.training || !this.trackRunningStats, this.momentum, this.eps);
  }

  /**
   * PyTorch's rule for checkpoints from before 0.4: running statistics in a state_dict
   * for a module that does not track them are an error (and are not loaded).
   */
  override _loadFromStateDict(ctx: LoadStateDictContext, prefix: string): void {
    if (!this.trackRunningStats) {
      const keys = ['running_mean', 'running_var'].map((n) => prefix + n).filter((k) => ctx.stateDict.has(k));
      if (keys.length > 0) {
        const klass = this._getName();
        ctx.errors.push(
          `Unexpected running stats buffer(s) ${keys.map((k) => `"${k}"`).join(' and ')} for ${klass} with track_running_stats=False. If state_dict is a checkpoint saved before 0.4.0, this may be expected because ${klass} does not track running stats by default since 0.4.0. Please remove these keys from state_dict. If the running stats are actually needed, instead set track_running_stats=True in ${klass} to enable them. See the documentation of ${klass} for details.`,
        );
        for (const k of keys) ctx.stateDict.delete(k);
      }
    }
    super._loadFromStateDict(ctx, prefix);
  }
}

/** Instance normalisation of [N, C, L] or [C, L]. */
export class InstanceNorm1d extends InstanceNormNd {
  constructor(numFeatures: number, options?: NormOptions);
  constructor(numFeatures: number, eps?: number, momentum?: number | null, affine?: boolean, trackRunningStats?: boolean, device?: string | null, dtype?: DType | string | null);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected override get noBatchDim(): number {
    return 2;
  }
  protected override checkInputDim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) throw new ValueError(`expected 2D or 3D input (got ${input.ndim}D input)`);
  }
}

/**
 * Instance normalisation of [N, C, H, W] or [C, H, W].
 * @example
 * const norm = new nn.InstanceNorm2d(3, { affine: true });
 */
export class InstanceNorm2d extends InstanceNormNd {
  constructor(numFeatures: number, options?: NormOptions);
  constructor(numFeatures: number, eps?: number, momentum?: number | null, affine?: boolean, trackRunningStats?: boolean, device?: string | null, dtype?: DType | string | null);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected override get noBatchDim(): number {
    return 3;
  }
  protected override checkInputDim(input: Tensor): void {
    if (input.ndim !== 3 && input.ndim !== 4) throw new ValueError(`expected 3D or 4D input (got ${input.ndim}D input)`);
  }
}

/** Instance normalisation of [N, C, D, H, W] or [C, D, H, W]. */
export class InstanceNorm3d extends InstanceNormNd {
  constructor(numFeatures: number, options?: NormOptions);
  constructor(numFeatures: number, eps?: number, momentum?: number | null, affine?: boolean, trackRunningStats?: boolean, device?: string | null, dtype?: DType | string | null);
  constructor(...args: unknown[]) {
    super(args);
  }
  protected override get noBatchDim(): number {
    return 4;
  }
  protected override checkInputDim(input: Tensor): void {
    if (input.ndim !== 4 && input.ndim !== 5) throw new ValueError(`expected 4D or 5D input (got ${input.ndim}D input)`);
  }
}
