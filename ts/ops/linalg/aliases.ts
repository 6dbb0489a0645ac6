// torch.* spellings of the linalg functions (torch.det, torch.svd, torch.inverse, ...):
// defined with the torch.linalg ops in this folder, exported into the torch namespace here.

export { torchDet as det, slogdet, logdet } from './det.js';
export { inverse } from './inv.js';
export { torchSvd as svd } from './svd.js';
export { torchCholesky as cholesky } from './cholesky.js';
export { torchQr as qr } from './qr.js';
export { pinverse, torchMatrixPower as matrixPower } from './matrix_fns.js';
