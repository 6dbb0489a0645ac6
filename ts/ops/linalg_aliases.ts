// torch.* spellings of the linalg functions (torch.det, torch.svd, torch.inverse, ...):
// defined with the linalg ops in ts/linalg, exported into the torch namespace here.

export { torchDet as det, slogdet, logdet } from '../linalg/det.js';
export { inverse } from '../linalg/inv.js';
export { torchSvd as svd } from '../linalg/svd.js';
export { torchCholesky as cholesky } from '../linalg/cholesky.js';
export { torchQr as qr } from '../linalg/qr.js';
export { pinverse, torchMatrixPower as matrixPower } from '../linalg/matrix_fns.js';
