// torchvision's ResNets (torchvision 0.14, the release of PyTorch 1.13) as nn.Modules:
// the same children in the same order, so stateDict() keys, shapes and order are
// torchvision's, and the same construction order and init, so that after
// torch.manualSeed(s) the weights are the ones torchvision draws.

import type { Tensor } from '../tensor/tensor.js';
import { NotImplementedError, ValueError } from '../tensor/shape.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/containers.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, GroupNorm, Linear, MaxPool2d, ReLU } from '../nn/modules/index.js';
import * as init from '../nn/init.js';
import { applyWeights, type ModelOptions } from './weights.js';

export type NormLayer = (numFeatures: number) => Module;

const defaultNorm: NormLayer = (c) => new BatchNorm2d(c);

/** 3x3 convolution with padding (torchvision's conv3x3). */
export function conv3x3(inPlanes: number, outPlanes: number, stride = 1, groups = 1, dilation = 1): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 3, { stride, padding: dilation, groups, bias: false, dilation });
}

/** 1x1 convolution (torchvision's conv1x1). */
export function conv1x1(inPlanes: number, outPlanes: number, stride = 1): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });
}

interface BlockArgs {
  stride?: number;
  downsample?: Module | null;
  groups?: number;
  baseWidth?: number;
  dilation?: number;
  normLayer?: NormLayer | null;
}

export class BasicBlock extends Module<[Tensor], Tensor> {
  static readonly expansion = 1;
  declare conv1: Conv2d;
  declare bn1: Module;
  declare relu: ReLU;
  declare conv2: Conv2d;
  declare bn2: Module;
  declare downsample: Module | null;
  stride: number;

  constructor(inplanes: number, planes: number, options: BlockArgs = {}) {
    super();
    const { stride = 1, downsample = null, groups = 1, baseWidth = 64, dilation = 1 } = options;
    const normLayer = options.normLayer ?? defaultNorm;
    if (groups !== 1 || baseWidth !== 64) throw new ValueError('BasicBlock only supports groups=1 and base_width=64');
    if (dilation > 1) throw new NotImplementedError('Dilation > 1 not supported in BasicBlock');
    this.conv1 = conv3x3(inplanes, planes, stride);
    this.bn1 = normLayer(planes);
    this.relu = new ReLU(true);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = normLayer(planes);
    if (downsample !== null) this.downsample = downsample;
    else this.registerModule('downsample', null);
    this.stride = stride;
  }

  override forward(x: Tensor): Tensor {
    let out = this.relu(this.bn1(this.conv1(x)));
    out = this.bn2(this.conv2(out));
    const identity = this.downsample !== null ? this.downsample(x) : x;
    return this.relu(out.add_(identity));
  }
}

/** The bottleneck block of ResNet-50 and deeper (stride on the 3x3 convolution, as torchvision's V1.5). */
export class Bottleneck extends Module<[Tensor], Tensor> {
  static readonly expansion = 4;
  declare conv1: Conv2d;
  declare bn1: Module;
  declare conv2: Conv2d;
  declare bn2: Module;
  declare conv3: Conv2d;
  declare bn3: Module;
  declare relu: ReLU;
  declare downsample: Module | null;
  stride: number;

  constructor(inplanes: number, planes: number, options: BlockArgs = {}) {
    super();
    const { stride = 1, downsample = null, groups = 1, baseWidth = 64, dilation = 1 } = options;
    const normLayer = options.normLayer ?? defaultNorm;
    const width = Math.trunc(planes * (baseWidth / 64.0)) * groups;
    this.conv1 = conv1x1(inplanes, width);
    this.bn1 = normLayer(width);
    this.conv2 = conv3x3(width, width, stride, groups, dilation);
    this.bn2 = normLayer(width);
    this.conv3 = conv1x1(width, planes * Bottleneck.expansion);
    this.bn3 = normLayer(planes * Bottleneck.expansion);
    this.relu = new ReLU(true);
    if (downsample !== null) this.downsample = downsample;
    else this.registerModule('downsample', null);
    this.stride = stride;
  }

  override forward(x: Tensor): Tensor {
    let out = this.relu(this.bn1(this.conv1(x)));
    out = this.relu(this.bn2(this.conv2(out)));
    out = this.bn3(this.conv3(out));
    const identity = this.downsample !== null ? this.downsample(x) : x;
    return this.relu(out.add_(identity));
  }
}

type Block = typeof BasicBlock | typeof Bottleneck;

export interface ResNetOptions {
  numClasses?: number;
  zeroInitResidual?: boolean;
  groups?: number;
  widthPerGroup?: number;
  replaceStrideWithDilation?: [boolean, boolean, boolean] | null;
  normLayer?: NormLayer | null;
}

export class ResNet extends Module<[Tensor], Tensor> {
  declare conv1: Conv2d;
  declare bn1: Module;
  declare relu: ReLU;
  declare maxpool: MaxPool2d;
  declare layer1: Sequential;
  declare layer2: Sequential;
  declare layer3: Sequential;
  declare layer4: Sequential;
  declare avgpool: AdaptiveAvgPool2d;
  declare fc: Linear;
  private inplanes = 64;
  private dilation = 1;
  private readonly groups: number;
  private readonly baseWidth: number;
  private readonly normLayer: NormLayer;

  constructor(block: Block, layers: number[], options: ResNetOptions = {}) {
    super();
    const numClasses = options.numClasses ?? 1000;
    this.normLayer = options.normLayer ?? defaultNorm;
    const replace = options.replaceStrideWithDilation ?? [false, false, false];
    if (replace.length !== 3) {
      throw new ValueError(`replace_stride_with_dilation should be None or a 3-element tuple, got [${replace.join(', ')}]`);
    }
    this.groups = options.groups ?? 1;
    this.baseWidth = options.widthPerGroup ?? 64;
    this.conv1 = new Conv2d(3, this.inplanes, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = this.normLayer(this.inplanes);
    this.relu = new ReLU(true);
    this.maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
    this.layer1 = this.makeLayer(block, 64, layers[0]);
    this.layer2 = this.makeLayer(block, 128, layers[1], 2, replace[0]);
    this.layer3 = this.makeLayer(block, 256, layers[2], 2, replace[1]);
    this.layer4 = this.makeLayer(block, 512, layers[3], 2, replace[2]);
    this.avgpool = new AdaptiveAvgPool2d([1, 1]);
    this.fc = new Linear(512 * block.expansion, numClasses);

    for (const m of this.modules()) {
      if (m instanceof Conv2d) {
        init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      } else if (m instanceof BatchNorm2d || m instanceof GroupNorm) {
        if (m.weight) init.constant_(m.weight, 1);
        if (m.bias) init.constant_(m.bias, 0);
      }
    }
    // the last BN of each residual branch starts at zero: each block starts as an identity
    if (options.zeroInitResidual) {
      for (const m of this.modules()) {
        const w = m instanceof Bottleneck ? (m.bn3 as BatchNorm2d).weight : m instanceof BasicBlock ? (m.bn2 as BatchNorm2d).weight : null;
        if (w) init.constant_(w, 0);
      }
    }
  }

  private makeLayer(block: Block, planes: number, blocks: number, stride = 1, dilate = false): Sequential {
    let downsample: Module | null = null;
    const previousDilation = this.dilation;
    if (dilate) {
      this.dilation *= stride;
      stride = 1;
    }
    if (stride !== 1 || this.inplanes !== planes * block.expansion) {
      downsample = new Sequential(conv1x1(this.inplanes, planes * block.expansion, stride), this.normLayer(planes * block.expansion));
    }
    const common = { groups: this.groups, baseWidth: this.baseWidth, normLayer: this.normLayer };
    const layers: Module[] = [new block(this.inplanes, planes, { stride, downsample, dilation: previousDilation, ...common })];
    this.inplanes = planes * block.expansion;
    for (let i = 1; i < blocks; i++) layers.push(new block(this.inplanes, planes, { dilation: this.dilation, ...common }));
    return new Sequential(...layers);
  }

  override forward(x: Tensor): Tensor {
    x = this.maxpool(this.relu(this.bn1(this.conv1(x))));
    x = this.layer4(this.layer3(this.layer2(this.layer1(x))));
    return this.fc(this.avgpool(x).flatten(1));
  }
}

function resnet(block: Block, layers: number[], options: ResNetOptions & ModelOptions): ResNet {
  const { weights, ...rest } = options;
  return applyWeights(new ResNet(block, layers, rest), weights);
}

/**
 * torchvision.models.resnet18. `weights`: a state_dict, or the bytes of a `.pt` /
 * `.safetensors` file (torch.hub.loadStateDictFromUrl fetches one from a URL or path).
 * @example
 * const model = torch.models.resnet18({ weights: fs.readFileSync('resnet18.pt') }).eval();
 */
export const resnet18 = (options: ResNetOptions & ModelOptions = {}): ResNet => resnet(BasicBlock, [2, 2, 2, 2], options);
export const resnet34 = (options: ResNetOptions & ModelOptions = {}): ResNet => resnet(BasicBlock, [3, 4, 6, 3], options);
export const resnet50 = (options: ResNetOptions & ModelOptions = {}): ResNet => resnet(Bottleneck, [3, 4, 6, 3], options);
export const resnet101 = (options: ResNetOptions & ModelOptions = {}): ResNet => resnet(Bottleneck, [3, 4, 23, 3], options);
export const resnet152 = (options: ResNetOptions & ModelOptions = {}): ResNet => resnet(Bottleneck, [3, 8, 36, 3], options);
