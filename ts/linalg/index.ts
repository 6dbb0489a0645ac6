// torch.linalg: one file per family, re-exported here.
export {};
export { LinAlgError } from '../tensor/shape.js';
export { inv } from '../ops/linalg/inv.js';
export { det, slogdet } from '../ops/linalg/det.js';
export { solve, solveTriangular } from '../ops/linalg/solve.js';
export { cholesky } from '../ops/linalg/cholesky.js';
export { qr } from '../ops/linalg/qr.js';
export { svd, svdvals } from '../ops/linalg/svd.js';
export { eigh, eigvalsh } from '../ops/linalg/eigh.js';
export { vectorNorm, matrixNorm, norm } from '../ops/linalg/norms.js';
export { matrixPower, matrixRank, pinv } from '../ops/linalg/matrix_fns.js';
export { linalgCross as cross } from '../ops/linalg/cross.js';
export { matmul } from '../ops/linalg/matmul.js';
