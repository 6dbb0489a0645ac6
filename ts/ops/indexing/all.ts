// The public indexing ops (internal helper ops stay out of the torch namespace).
export { Slice } from './slice.js';
export { indexPut, indexPut_ } from './subscript.js';
export { indexSelect, indexAdd, indexFill, indexCopy, take, takeAlongDim } from './index_ops.js';
export { nonzero, argwhere } from './nonzero.js';
export { maskedFill, maskedSelect, maskedScatter } from './masked.js';
export { sort, argsort, msort, topk, kthvalue } from './sort.js';
export { unique, uniqueConsecutive } from './unique.js';
export { tile, repeatInterleave, flip, fliplr, flipud, roll, rot90, meshgrid } from './shape_ops.js';
export { tril, triu, diag, diagEmbed } from './triangular.js';
