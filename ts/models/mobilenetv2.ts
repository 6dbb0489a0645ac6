// torchvision's MobileNetV2 (torchvision 0.14) as an nn.Module: torchvision's children,
// state_dict keys and initialisation.

import type { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../tensor/shape.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/containers.js';
import { BatchNorm2d, Conv2d, Dropout, GroupNorm, Linear, ReLU6 } from '../nn/modules/index.js';
import { adaptiveAvgPool2d } from '../nn/functional/index.js';
import * as init from '../nn/init.js';
import { Conv2dNormActivation } from './conv_norm_activation.js';
import { applyWeights, type ModelOptions } from './weights.js';

type NormLayer = (channels: number) => Module;
const relu6 = (o: { inplace?: boolean }): Module => new ReLU6(o);

/** The nearest multiple of divisor, never more than 10% below v (torchvision's _make_divisible). */
export function makeDivisible(v: number, divisor: number, minValue: number | null = null): number {
  const min = minValue ?? divisor;
  let newV = Math.max(min, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (newV < 0.9 * v) newV += divisor;
  return newV;
}

export class InvertedResidual extends Module<[Tensor], Tensor> {
  declare conv: Sequential;
  readonly stride: number;
  readonly useResConnect: boolean;
  readonly outChannels: number;

  constructor(inp: number, oup: number, stride: number, expandRatio: number, normLayer: NormLayer | null = null) {
    super();
    this.stride = stride;
    if (stride !== 1 && stride !== 2) throw new ValueError(`stride should be 1 or 2 instead of ${stride}`);
    const norm = normLayer ?? ((c: number) => new BatchNorm2d(c));
    const hidden = Math.round(inp * expandRatio);
    this.useResConnect = stride === 1 && inp === oup;
    const layers: Module[] = [];
    if (expandRatio !== 1) layers.push(new Conv2dNormActivation(inp, hidden, { kernelSize: 1, normLayer: norm, activationLayer: relu6 }));
    layers.push(
      new Conv2dNormActivation(hidden, hidden, { stride, groups: hidden, normLayer: norm, activationLayer: relu6 }),
      new Conv2d(hidden, oup, 1, { stride: 1, padding: 0, bias: false }),
      norm(oup),
    );
    this.conv = new Sequential(...layers);
    this.outChannels = oup;
  }

  override forward(x: Tensor): Tensor {
    return this.useResConnect ? x.add(this.conv(x)) : this.conv(x);
  }
}

export interface MobileNetV2Options {
  numClasses?: number;
  widthMult?: number;
  invertedResidualSetting?: number[][] | null;
  roundNearest?: number;
  normLayer?: NormLayer | null;
  dropout?: number;
}

export class MobileNetV2 extends Module<[Tensor], Tensor> {
  declare features: Sequential;
  declare classifier: Sequential;
  readonly lastChannel: number;

  constructor(options: MobileNetV2Options = {}) {
    super();
    const { numClasses = 1000, widthMult = 1.0, roundNearest = 8, dropout = 0.2 } = options;
    const norm = options.normLayer ?? ((c: number) => new BatchNorm2d(c));
    const setting = options.invertedResidualSetting ?? [
      [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
    ];
    if (setting.length === 0 || setting[0].length !== 4) {
      throw new ValueError(`inverted_residual_setting should be non-empty or a 4-element list, got ${JSON.stringify(setting)}`);
    }
    let inputChannel = makeDivisible(32 * widthMult, roundNearest);
    this.lastChannel = makeDivisible(1280 * Math.max(1.0, widthMult), roundNearest);
    const features: Module[] = [new Conv2dNormActivation(3, inputChannel, { stride: 2, normLayer: norm, activationLayer: relu6 })];
    for (const [t, c, n, s] of setting) {
      const outputChannel = makeDivisible(c * widthMult, roundNearest);
      for (let i = 0; i < n; i++) {
        features.push(new InvertedResidual(inputChannel, outputChannel, i === 0 ? s : 1, t, norm));
        inputChannel = outputChannel;
      }
    }
    features.push(new Conv2dNormActivation(inputChannel, this.lastChannel, { kernelSize: 1, normLayer: norm, activationLayer: relu6 }));
    this.features = new Sequential(...features);
    this.classifier = new Sequential(new Dropout({ p: dropout }), new Linear(this.lastChannel, numClasses));

    for (const m of this.modules()) {
      if (m instanceof Conv2d) {
        init.kaimingNormal_(m.weight, { mode: 'fan_out' });
        if (m.bias) if (m.bias) init.zeros_(m.bias);
      } else if (m instanceof BatchNorm2d || m instanceof GroupNorm) {
        if (m.weight) init.ones_(m.weight);
        if (m.bias) init.zeros_(m.bias);
      } else if (m instanceof Linear) {
        if (m.weight) init.normal_(m.weight, 0, 0.01);
        if (m.bias) init.zeros_(m.bias);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    const h = adaptiveAvgPool2d(this.features(x), [1, 1]) as Tensor;
    return this.classifier(h.flatten(1));
  }
}

/** torchvision.models.mobilenet_v2. */
export function mobilenetV2(options: MobileNetV2Options & ModelOptions = {}): MobileNetV2 {
  const { weights, ...rest } = options;
  return applyWeights(new MobileNetV2(rest), weights);
}
