// linalg.cholesky and the deprecated torch.cholesky.

import { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../registry.js';
import { checkSquare, checkFloating } from './checks.js';
import { choleskyKernel } from '../../kernels/linalg_decomp.js';
import { solveTriangular } from './solve.js';


function choleskyImpl(A: Tensor, upper: boolean, api: string): Tensor {
  checkSquare(A, api);
  checkFloating(A, api);
  return choleskyKernel(A, upper, api);
}

/**
 * PyTorch's cholesky_backward (Murray 2016): with L lower and phi(X) = tril(X) with a
 * halved diagonal, gA = L^-T phi(L^T gL) L^-1, symmetrised.
 */
function choleskyGrad(gL: Tensor, L: Tensor, upper: boolean): Tensor {
  if (upper) {
    L = L.mT;
    gL = gL.mT;
  }
  let gA = L.mT.matmul(gL).tril();
  gA = gA.add(gA.tril(-1).mT).mul(0.5);
  gA = solveTriangular(L.mT, gA, { upper: true, left: true });
  return solveTriangular(L, gA, { upper: false, left: false });
}

/**
 * Cholesky factor of a symmetric positive-definite matrix (or batch): lower L with
 * A = L L^T, or with upper=true U with A = U^T U. Reads only that triangle of A.
 */
export const cholesky = defineOp({
  name: 'linalg_cholesky',
  sig: 'Tensor self, *, bool upper=False',
  method: false,
  out: true,
  nodeName: 'LinalgCholeskyExBackward0',
  save: ['result'],
  forward: (A: Tensor, upper: boolean) => choleskyImpl(A, upper, 'linalg.cholesky'),
  grad: { self: (g, c) => choleskyGrad(g, c.result, c.upper) },
});

/** Deprecated torch.cholesky(input, upper=False) and Tensor.cholesky. */
export const torchCholesky = defineOp({
  name: 'cholesky',
  sig: 'Tensor self, bool upper=False',
  out: true,
  nodeName: 'CholeskyBackward0',
  save: ['result'],
  forward: (A: Tensor, upper: boolean) => choleskyImpl(A, upper, 'cholesky'),
  grad: { self: (g, c) => choleskyGrad(g, c.result, c.upper) },
});
