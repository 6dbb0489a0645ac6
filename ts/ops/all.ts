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
export * from './pointwise/unary.js';
export * from './pointwise/rounding.js';
export * from './pointwise/binary.js';
export * from './pointwise/ternary.js';
export * from './pointwise/compare.js';
export * from './pointwise/bitwise.js';
export { relu, relu_, selu, selu_, celu, celu_, threshold, threshold_, hardshrink } from './pointwise/activation.js';
export * from './pointwise/special.js';
