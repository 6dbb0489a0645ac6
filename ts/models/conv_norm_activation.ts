// torchvision.ops.Conv2dNormActivation: a Sequential of Conv2d, a norm layer and an
// activation, the building block of MobileNet and friends.

import { Sequential } from '../nn/containers.js';
import type { Module } from '../nn/module.js';
import { BatchNorm2d, Conv2d, ReLU } from '../nn/modules/index.js';

export interface ConvNormActivationOptions {
  kernelSize?: number;
  stride?: number;
  /** Default: (kernelSize - 1) / 2 * dilation, the 'same' padding of an odd kernel. */
  padding?: number | null;
  groups?: number;
  normLayer?: ((channels: number) => Module) | null;
  activationLayer?: ((options: { inplace?: boolean }) => Module) | null;
  dilation?: number;
  inplace?: boolean | null;
  /** Default: no bias when a norm layer follows. */
  bias?: boolean | null;
}

export class Conv2dNormActivation extends Sequential {
  readonly outChannels: number;
  constructor(inChannels: number, outChannels: number, options: ConvNormActivationOptions = {}) {
    const { kernelSize = 3, stride = 1, groups = 1, dilation = 1 } = options;
    const normLayer = options.normLayer === undefined ? (c: number) => new BatchNorm2d(c) : options.normLayer;
    const activationLayer = options.activationLayer === undefined ? (o: { inplace?: boolean }) => new ReLU(o) : options.activationLayer;
    const padding = options.padding ?? Math.floor((kernelSize - 1) / 2) * dilation;
    const bias = options.bias ?? normLayer === null;
    const layers: Module[] = [new Conv2d(inChannels, outChannels, kernelSize, { stride, padding, dilation, groups, bias })];
    if (normLayer !== null) layers.push(normLayer(outChannels));
    if (activationLayer !== null) {
      const inplace = options.inplace === undefined ? true : options.inplace;
      layers.push(activationLayer(inplace === null ? {} : { inplace }));
    }
    super(...layers);
    this.outChannels = outChannels;
  }
}
