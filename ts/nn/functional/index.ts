// torch.nn.functional: one file per family, re-exported here.
export {};
export * from './softmax.js';
export * from './activation.js';
export * from './conv.js';
export * from './pooling.js';
export * from './normalization.js';
export * from '../../ops/nn/linear.js';
export * from './padding.js';
export * from './upsampling.js';
export * from '../../ops/nn/pixel_shuffle.js';
export * from './dropout.js';
export { embedding } from './sparse.js';
