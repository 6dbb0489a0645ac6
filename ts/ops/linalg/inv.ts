// linalg.inv and torch.inverse: LU with partial pivoting in the crate.

import { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../registry.js';
import { checkSquare, checkFloating } from './checks.js';
import { invKernel } from '../../kernels/linalg_decomp.js';


function invImpl(A: Tensor, api: string): Tensor {
  checkSquare(A, api);
  checkFloating(A, api);
  return invKernel(A, api);
}

/** d(A^-1) = -A^-1 dA A^-1, so gA = -A^-T g A^-T. */
const invGrad = (g: Tensor, inv: Tensor): Tensor => inv.mT.matmul(g).matmul(inv.mT).neg();

/**
 * Inverse of a square matrix or of each matrix of a batch; singular input raises
 * torch.linalg.LinAlgError (name '_LinAlgError').
 */
export const inv = defineOp({
  name: 'linalg_inv',
  sig: 'Tensor A',
  method: false,
  out: true,
  nodeName: 'LinalgInvExBackward0',
  save: ['result'],
  forward: (A: Tensor) => invImpl(A, 'linalg.inv'),
  grad: { A: (g, c) => invGrad(g, c.result) },
});

/** torch.inverse: linalg.inv as a function and Tensor method. */
export const inverse = defineOp({
  name: 'inverse',
  sig: 'Tensor self',
  out: true,
  forward: (self: Tensor) => inv(self),
});
