// nn.PixelShuffle, nn.PixelUnshuffle and nn.ChannelShuffle (PyTorch 1.13's
// pixelshuffle.py and channelshuffle.py).

import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { channelShuffle, pixelShuffle, pixelUnshuffle } from '../functional/index.js';
import { moduleArgs } from './args.js';

/**
 * [*, C r^2, H, W] -> [*, C, H r, W r].
 * @example new nn.PixelShuffle(3)(torch.zeros(1, 9, 4, 4)).shape // [1, 1, 12, 12]
 */
export class PixelShuffle extends Module<[Tensor], Tensor> {
  declare upscaleFactor: number;
  constructor(upscaleFactor: number);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    this.upscaleFactor = moduleArgs('PixelShuffle', 'int upscale_factor', args).upscaleFactor;
  }
  override forward(input: Tensor): Tensor {
    return pixelShuffle(input, this.upscaleFactor);
  }
  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/** [*, C, H r, W r] -> [*, C r^2, H, W], the inverse of PixelShuffle. */
export class PixelUnshuffle extends Module<[Tensor], Tensor> {
  declare downscaleFactor: number;
  constructor(downscaleFactor: number);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    this.downscaleFactor = moduleArgs('PixelUnshuffle', 'int downscale_factor', args).downscaleFactor;
  }
  override forward(input: Tensor): Tensor {
    return pixelUnshuffle(input, this.downscaleFactor);
  }
  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}

/**
 * Splits the channels into `groups` and interleaves them (ShuffleNet).
 * @example new nn.ChannelShuffle(2)(x) // channels 0,1,2,3 -> 0,2,1,3
 */
export class ChannelShuffle extends Module<[Tensor], Tensor> {
  declare groups: number;
  constructor(groups: number);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    this.groups = moduleArgs('ChannelShuffle', 'int groups', args).groups;
  }
  override forward(input: Tensor): Tensor {
    return channelShuffle(input, this.groups);
  }
  override extraRepr(): string {
    return `groups=${this.groups}`;
  }
}
