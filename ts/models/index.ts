// torch.models: architectures compatible with torchvision's state dicts.
export { resnetForward } from './resnet_functional.js';
export type { ResNetOptions, StateDict } from './resnet_functional.js';
export { ResNet, BasicBlock, Bottleneck, resnet18, resnet34, resnet50, resnet101, resnet152, conv1x1, conv3x3 } from './resnet.js';
export type { ResNetOptions as ResNetModuleOptions, NormLayer } from './resnet.js';
export { MobileNetV2, InvertedResidual, mobilenetV2, makeDivisible } from './mobilenetv2.js';
export type { MobileNetV2Options } from './mobilenetv2.js';
export { VGG, makeLayers, vgg11, vgg11Bn, vgg13, vgg13Bn, vgg16, vgg16Bn, vgg19, vgg19Bn, VGG_CONFIGS } from './vgg.js';
export type { VGGOptions } from './vgg.js';
export { Conv2dNormActivation } from './conv_norm_activation.js';
export type { ConvNormActivationOptions } from './conv_norm_activation.js';
export { applyWeights, stateDictFromBytes } from './weights.js';
export type { ModelOptions, StateDictSource } from './weights.js';
