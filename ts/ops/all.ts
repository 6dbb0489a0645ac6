// Every op family; importing this installs the Tensor methods.
export * from './arith.js';
export * from './copy.js';
export * from './views.js';
export * from './reduce.js';
export * from './join.js';
export * from './creation.js';
export * from './gather.js';
export * from './matmul.js';
import './engine_hooks.js';
import '../autograd/views.js';
export { convolution, convolutionBackward, conv1d, conv2d, convTranspose1d, convTranspose2d } from './conv.js';
export { constantPadNd } from './pad.js';
export { nativeBatchNorm, nativeLayerNorm, nativeGroupNorm } from './norm.js';
export { embeddingOp as embedding } from '../nn/functional/sparse.js';
export { pixelShuffle, pixelUnshuffle } from '../nn/functional/pixelshuffle.js';
export { bilinear } from '../nn/functional/linear.js';
