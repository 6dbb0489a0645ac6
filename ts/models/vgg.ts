// torchvision's VGG (torchvision 0.14) as an nn.Module, with and without batch norm.

import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/containers.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Linear, MaxPool2d, ReLU } from '../nn/modules/index.js';
import * as init from '../nn/init.js';
import { applyWeights, type ModelOptions } from './weights.js';

/** Layer lists: a number is a 3x3 convolution's channels, 'M' a 2x2 max pool. */
export const VGG_CONFIGS: Record<'A' | 'B' | 'D' | 'E', (number | 'M')[]> = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

/** torchvision's make_layers. */
export function makeLayers(cfg: (number | 'M')[], batchNorm = false): Sequential {
  const layers: Module[] = [];
  let inChannels = 3;
  for (const v of cfg) {
    if (v === 'M') {
      layers.push(new MaxPool2d(2, { stride: 2 }));
    } else {
      layers.push(new Conv2d(inChannels, v, 3, { padding: 1 }));
      if (batchNorm) layers.push(new BatchNorm2d(v));
      layers.push(new ReLU(true));
      inChannels = v;
    }
  }
  return new Sequential(...layers);
}

export interface VGGOptions {
  numClasses?: number;
  initWeights?: boolean;
  dropout?: number;
}

export class VGG extends Module<[Tensor], Tensor> {
  declare features: Sequential;
  declare avgpool: AdaptiveAvgPool2d;
  declare classifier: Sequential;

  constructor(features: Sequential, options: VGGOptions = {}) {
    super();
    const { numClasses = 1000, initWeights = true, dropout = 0.5 } = options;
    this.features = features;
    this.avgpool = new AdaptiveAvgPool2d([7, 7]);
    this.classifier = new Sequential(
      new Linear(512 * 7 * 7, 4096), new ReLU(true), new Dropout({ p: dropout }),
      new Linear(4096, 4096), new ReLU(true), new Dropout({ p: dropout }),
      new Linear(4096, numClasses),
    );
    if (initWeights) {
      for (const m of this.modules()) {
        if (m instanceof Conv2d) {
          init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
          if (m.bias) if (m.bias) init.constant_(m.bias, 0);
        } else if (m instanceof BatchNorm2d) {
          if (m.weight) init.constant_(m.weight, 1);
          if (m.bias) init.constant_(m.bias, 0);
        } else if (m instanceof Linear) {
          if (m.weight) init.normal_(m.weight, 0, 0.01);
          if (m.bias) init.constant_(m.bias, 0);
        }
      }
    }
  }

  override forward(x: Tensor): Tensor {
    return this.classifier(this.avgpool(this.features(x)).flatten(1));
  }
}

function vgg(cfg: keyof typeof VGG_CONFIGS, batchNorm: boolean, options: VGGOptions & ModelOptions): VGG {
  const { weights, ...rest } = options;
  // loading weights overwrites the initialisation: skip drawing it, as torchvision does
  if (weights) rest.initWeights = false;
  return applyWeights(new VGG(makeLayers(VGG_CONFIGS[cfg], batchNorm), rest), weights);
}

/** torchvision.models.vgg11 (configuration A). */
export const vgg11 = (options: VGGOptions & ModelOptions = {}): VGG => vgg('A', false, options);
export const vgg11Bn = (options: VGGOptions & ModelOptions = {}): VGG => vgg('A', true, options);
export const vgg13 = (options: VGGOptions & ModelOptions = {}): VGG => vgg('B', false, options);
export const vgg13Bn = (options: VGGOptions & ModelOptions = {}): VGG => vgg('B', true, options);
export const vgg16 = (options: VGGOptions & ModelOptions = {}): VGG => vgg('D', false, options);
export const vgg16Bn = (options: VGGOptions & ModelOptions = {}): VGG => vgg('D', true, options);
export const vgg19 = (options: VGGOptions & ModelOptions = {}): VGG => vgg('E', false, options);
export const vgg19Bn = (options: VGGOptions & ModelOptions = {}): VGG => vgg('E', true, options);
