// The layers of torch.nn, one file per family.
export * from './activation.js';
export { MultiheadAttention, NonDynamicallyQuantizableLinear } from './attention.js';
export type { MultiheadAttentionOptions, MultiheadAttentionForwardOptions } from './attention.js';
