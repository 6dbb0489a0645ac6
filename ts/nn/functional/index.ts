// torch.nn.functional: one file per family, re-exported here.
export {};
export * from './softmax.js';
export * from './activation.js';
export * from './conv.js';
export * from './pooling.js';
export * from './pooling3d.js';
export * from './lp_pool.js';
export * from './unpool.js';
export * from './normalization.js';
export * from './local_response_norm.js';
export * from './linear.js';
export * from './padding.js';
export * from './upsampling.js';
export * from './pixelshuffle.js';
export * from './dropout.js';
export { embedding } from './sparse.js';
