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
export * from './reduce_minmax.js';
export * from './reduce_stats.js';
export * from './reduce_order.js';
export * from './scan.js';
export * from './softmax.js';
