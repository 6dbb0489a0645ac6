// torch.nn.functional: one file per family, re-exported here.
export {};
export * from './softmax.js';
export * from './activation.js';
export * from './conv.js';
export * from './pooling.js';
export * from './normalization.js';
export * from './linear.js';
export * from './padding.js';
export * from './upsampling.js';
export * from './pixelshuffle.js';
export * from './dropout.js';
export { embedding } from './sparse.js';
export * from './loss.js';
