// linalg.eigh and linalg.eigvalsh: cyclic Jacobi in the crate.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { checkSquare, checkFloating, namedTuple } from './checks.js';
import { eighKernel } from '../../kernels/linalg_decomp.js';
import { eye } from '../creation/factories.js';
import type { OpAny } from '../types.js';

function checkUplo(uplo: string): boolean {
  if (uplo !== 'L' && uplo !== 'U' && uplo !== 'l' && uplo !== 'u') {
    throw new RuntimeError(`Expected UPLO argument to be 'L' or 'U', but got ${uplo}`);
  }
  return uplo === 'U' || uplo === 'u';
}

/**
 * PyTorch's linalg_eig_backward for the symmetric case: with E_ij = L_j - L_i (1 on
 * the diagonal), gA = V (skew-part(V^T gV) / E + diag(gL)) V^T.
 */
function eighGrad(gL: Tensor | null, gV: Tensor | null, L: Tensor, V: Tensor): Tensor | null {
  if (!gL && !gV) return null;
  if (!gV) return V.mul(gL!.unsqueeze(-2)).matmul(V.mT);
  let VhgV = V.mT.matmul(gV);
  VhgV = VhgV.sub(VhgV.mT).mul(0.5);
  // E's diagonal is 0 as is VhgV's: make it 1 so that 0 / 1 stays 0
  const E = L.unsqueeze(-2).sub(L.unsqueeze(-1)).add(eye(L._shape[L.ndim - 1], { dtype: L.dtype }));
  let gA = VhgV.div(E);
  if (gL) gA = gA.add(gL.diagEmbed());
  return V.matmul(gA.matmul(V.mT));
}

const eighOp: OpAny = defineOp({
  name: 'linalg_eigh',
  returns: '(Tensor, Tensor)',
  sig: 'Tensor self, str UPLO="L"',
  method: false,
  save: ['result'],
  forward: (A: Tensor, uplo: string) => {
    const upper = checkUplo(uplo);
    checkSquare(A, 'linalg.eigh');
    checkFloating(A, 'linalg.eigh');
    return eighKernel(A, upper, true) as Tensor[];
  },
  grad: {
    self: (_g, c, grads) => {
      const [L, V] = c.result as Tensor[];
      return eighGrad(grads[0] ?? null, grads[1] ?? null, L, V);
    },
  },
});

/** (eigenvalues ascending, eigenvectors as columns) of a symmetric matrix (or batch). */
export const eigh: OpAny = (...args: unknown[]) => namedTuple(['eigenvalues', 'eigenvectors'], eighOp(...args) as Tensor[]);

const eigvalshOp: OpAny = defineOp({
  name: 'linalg_eigvalsh',
  sig: 'Tensor self, str UPLO="L"',
  method: false,
  out: true,
  forward: (A: Tensor, uplo: string) => {
    const upper = checkUplo(uplo);
    checkSquare(A, 'linalg.eigvalsh');
    checkFloating(A, 'linalg.eigvalsh');
    return eighKernel(A, upper, false)[0];
  },
});

/**
 * Eigenvalues of a symmetric matrix, ascending, from its lower (UPLO='L') or upper
 * triangle. When A needs a gradient the eigenvectors are computed too (through eigh).
 */
export const eigvalsh: OpAny = (A: Tensor, ...rest: unknown[]) => {
  const hasOut = rest.some((r) => r && typeof r === 'object' && 'out' in (r as object));
  if (A instanceof Tensor && A.requiresGrad && isGradEnabled() && !hasOut) return eigh(A, ...rest)[0];
  return eigvalshOp(A, ...rest);
};
