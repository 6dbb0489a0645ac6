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
export * from './indexing/all.js';
export * from './linalg_products.js';
export * from './linalg_einsum.js';
export * from './linalg_tensordot.js';
export * from './linalg_cross.js';
export * from './linalg_aliases.js';
