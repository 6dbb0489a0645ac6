// torch.nn.utils: gradient clipping and parameter/vector conversion.
export { clipGradNorm_, clipGradNorm, clipGradValue_ } from './clip_grad.js';
export type { ClipGradNormOptions } from './clip_grad.js';
export { parametersToVector, vectorToParameters } from './convert_parameters.js';
export * as rnn from './rnn.js';
