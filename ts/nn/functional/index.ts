// torch.nn.functional: one file per family, re-exported here.
export {};
export * from './softmax.js';
export * from './activation.js';
export * from './rrelu.js';
export * from './conv.js';
export * from './pooling.js';
export * from './normalization.js';
export * from './linear.js';
export * from './padding.js';
export * from './upsampling.js';
export * from './pixelshuffle.js';
export * from './dropout.js';
export { embedding } from './sparse.js';
export * from './attention.js';
export { conv3d, convTranspose3d } from './conv3d.js';
export { cosineSimilarity, pairwiseDistance } from './distance.js';
export { channelShuffle } from './channel_shuffle.js';
export { embeddingBag } from './embedding_bag.js';
