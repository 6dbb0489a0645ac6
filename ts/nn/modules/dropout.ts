// Dropout modules (torch.nn.modules.dropout): random zeroing in training mode, the
// identity in eval mode, drawing from the default generator as PyTorch does.

import { Module } from '../module.js';
import { pyFloat, pyRepr } from '../module_repr.js';
import * as F from '../functional/index.js';
import { ValueError } from '../../tensor/shape.js';
import { moduleArgs } from './args.js';
import type { Tensor } from '../../tensor/tensor.js';

export interface DropoutOptions {
  p?: number;
  inplace?: boolean;
}

/** PyTorch's _DropoutNd: p in [0, 1] and inplace. */
abstract class DropoutNd extends Module<[Tensor], Tensor> {
  declare p: number;
  declare inplace: boolean;

  constructor(args: unknown[]) {
    super();
    const a = moduleArgs(new.target.name, 'float p=0.5, bool inplace=False', args);
    if (a.p < 0 || a.p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${a.p}`);
    this.p = a.p;
    this.inplace = a.inplace;
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyRepr(this.inplace)}`;
  }
}

/**
 * Zeroes each element with probability p in training mode and scales the rest by 1 / (1 - p).
 * @example
 * const drop = new nn.Dropout(0.2);
 * drop(x);          // training mode: random zeros
 * drop.eval()(x);   // the identity
 */
export class Dropout extends DropoutNd {
  constructor(p?: number, inplace?: boolean);
  constructor(options?: DropoutOptions);
  constructor(...args: unknown[]) {
    super(args);
  }
  override forward(input: Tensor): Tensor {
    return F.dropout(input, this.p, this.training, this.inplace);
  }
}

/** Zeroes whole channels of [N, C, L] or [C, L]. */
export class Dropout1d extends DropoutNd {
  constructor(p?: number, inplace?: boolean);
  constructor(options?: DropoutOptions);
  constructor(...args: unknown[]) {
    super(args);
  }
  override forward(input: Tensor): Tensor {
    return F.dropout1d(input, this.p, this.training, this.inplace);
  }
}

/** Zeroes whole channels of [N, C, H, W] (a 3-d input is read as [N, C, L], with PyTorch 1.13's warning). */
export class Dropout2d extends DropoutNd {
  constructor(p?: number, inplace?: boolean);
  constructor(options?: DropoutOptions);
  constructor(...args: unknown[]) {
    super(args);
  }
  override forward(input: Tensor): Tensor {
    return F.dropout2d(input, this.p, this.training, this.inplace);
  }
}

/** Zeroes whole channels of [N, C, D, H, W] or [C, D, H, W]. */
export class Dropout3d extends DropoutNd {
  constructor(p?: number, inplace?: boolean);
  constructor(options?: DropoutOptions);
  constructor(...args: unknown[]) {
    super(args);
  }
  override forward(input: Tensor): Tensor {
    return F.dropout3d(input, this.p, this.training, this.inplace);
  }
}

/** Dropout for SELU networks: keeps the mean and variance of its input. */
export class AlphaDropout extends DropoutNd {
  constructor(p?: number, inplace?: boolean);
  constructor(options?: DropoutOptions);
  constructor(...args: unknown[]) {
    super(args);
  }
  override forward(input: Tensor): Tensor {
    return F.alphaDropout(input, this.p, this.training);
  }
}

/** Alpha dropout of whole channels. */
export class FeatureAlphaDropout extends DropoutNd {
  constructor(p?: number, inplace?: boolean);
  constructor(options?: DropoutOptions);
  constructor(...args: unknown[]) {
    super(args);
  }
  override forward(input: Tensor): Tensor {
    return F.featureAlphaDropout(input, this.p, this.training);
  }
}
