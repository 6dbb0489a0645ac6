// The nn module classes, one file per family.
export { MultiheadAttention, NonDynamicallyQuantizableLinear } from './attention.js';
export type { MultiheadAttentionOptions, MultiheadAttentionForwardOptions } from './attention.js';
