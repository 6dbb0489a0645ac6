// The layers of torch.nn, one file per family.
export * from './activation.js';
export { MultiheadAttention, NonDynamicallyQuantizableLinear } from './attention.js';
export type { MultiheadAttentionOptions, MultiheadAttentionForwardOptions } from './attention.js';
export { Identity, Linear, Bilinear } from './linear.js';
export type { LinearOptions } from './linear.js';
export { ConvNd, Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from './conv.js';
export type { ConvOptions, ConvTransposeOptions } from './conv.js';
export {
  ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad2d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
  ReplicationPad1d, ReplicationPad2d, ReplicationPad3d,
} from './padding.js';
export { Flatten, Unflatten } from './flatten.js';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d } from './upsampling.js';
export type { UpsampleOptions } from './upsampling.js';
export { PixelShuffle, PixelUnshuffle, ChannelShuffle } from './pixelshuffle.js';
export { Embedding, EmbeddingBag } from './sparse.js';
export type { EmbeddingOptions, EmbeddingBagOptions } from './sparse.js';
export { CosineSimilarity, PairwiseDistance } from './distance.js';
export type { FactoryOptions } from './factory.js';
