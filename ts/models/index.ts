// torch.models: architectures compatible with torchvision's state dicts.
export { resnetForward } from './resnet.js';
export type { ResNetOptions, StateDict } from './resnet.js';
