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
export {
  L1Loss, MSELoss, NLLLoss, NLLLoss2d, PoissonNLLLoss, GaussianNLLLoss, KLDivLoss, BCELoss, BCEWithLogitsLoss,
  HingeEmbeddingLoss, MultiLabelMarginLoss, SmoothL1Loss, HuberLoss, SoftMarginLoss, CrossEntropyLoss,
  MultiLabelSoftMarginLoss, CosineEmbeddingLoss, MarginRankingLoss, MultiMarginLoss, TripletMarginLoss,
  TripletMarginWithDistanceLoss,
} from './loss.js';
export {
  Transformer, TransformerEncoder, TransformerDecoder, TransformerEncoderLayer, TransformerDecoderLayer,
} from './transformer.js';
export type {
  TransformerActivation, TransformerLayerOptions, TransformerOptions, TransformerEncoderLayerForwardOptions,
  TransformerEncoderForwardOptions, TransformerDecoderForwardOptions, TransformerForwardOptions,
} from './transformer.js';
export { RNNBase, RNN, LSTM, GRU } from './rnn.js';
export { RNNCellBase, RNNCell, LSTMCell, GRUCell } from './rnn_cell.js';
export type { RNNBaseOptions, RNNOptions, LSTMOptions, GRUOptions, LSTMState } from './rnn.js';
