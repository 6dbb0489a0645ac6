// The layer classes of torch.nn, one file per family.
export {
  MaxPool1d, MaxPool2d, MaxPool3d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d, AvgPool1d, AvgPool2d, AvgPool3d, LPPool1d, LPPool2d,
  AdaptiveMaxPool1d, AdaptiveMaxPool2d, AdaptiveMaxPool3d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d,
} from './pooling.js';
export type {
  PoolSize, AdaptiveSize, PoolOutput, MaxPoolOptions, MaxUnpoolOptions, AvgPoolOptions, AvgPoolDivisorOptions, LPPoolOptions,
} from './pooling.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d } from './batchnorm.js';
export type { NormOptions } from './batchnorm.js';
export { InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from './instancenorm.js';
export { LayerNorm, GroupNorm, LocalResponseNorm } from './normalization.js';
export type { LayerNormOptions, GroupNormOptions, LocalResponseNormOptions } from './normalization.js';
export { Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout } from './dropout.js';
export type { DropoutOptions } from './dropout.js';
