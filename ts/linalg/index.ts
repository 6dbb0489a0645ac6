// torch.linalg: one file per family, re-exported here.
export {};
export { LinAlgError } from '../tensor/shape.js';
export { inv } from './inv.js';
export { det, slogdet } from './det.js';
export { solve, solveTriangular } from './solve.js';
export { cholesky } from './cholesky.js';
export { qr } from './qr.js';
export { svd, svdvals } from './svd.js';
export { eigh, eigvalsh } from './eigh.js';
export { vectorNorm, matrixNorm, norm } from './norms.js';
export { matrixPower, matrixRank, pinv } from './matrix_fns.js';
export { linalgCross as cross } from '../ops/linalg_cross.js';
export { matmul } from '../ops/matmul.js';
