// Determinants: linalg.det / torch.det, linalg.slogdet / torch.slogdet, torch.logdet.

import { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../registry.js';
import { checkSquare, checkFloating, namedTuple, epsilonOf } from './checks.js';
import { detKernel, slogdetKernel } from '../../kernels/linalg_decomp.js';
import { inv } from './inv.js';
import { svd } from './svd.js';
import { prodAllBut } from './prod_all_but.js';
import type { OpAny } from '../types.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    slogdet: OpAny;
  }
}

/**
 * The gradient of det: det(A) A^-T for invertible A; for (nearly) singular input the
 * adjugate through the SVD, U diag(prod_{j != i} s_j) Vh * det(U) det(Vh), which is
 * right for every A (PyTorch's linalg_det_backward).
 */
function detGrad(g: Tensor, A: Tensor, d: Tensor): Tensor {
  if (A.numel() === 0) return A.mul(0);
  const singular = d.abs().lt(100 * epsilonOf(A)).sum().item() !== 0;
  if (!singular) return g.mul(d).unsqueeze(-1).unsqueeze(-1).mul(inv(A).mT);
  const [U, S, Vh] = svd(A) as Tensor[];
  const alpha = det(U).mul(det(Vh)).mul(g);
  const D = prodAllBut(S).mul(alpha.unsqueeze(-1));
  return U.mul(D.unsqueeze(-2)).matmul(Vh);
}

/** Determinant of a square matrix or of each matrix of a batch (0 for singular input). */
export const det = defineOp({
  name: 'linalg_det',
  sig: 'Tensor A',
  method: false,
  out: true,
  save: ['A', 'result'],
  forward: (A: Tensor) => {
    checkSquare(A, 'linalg.det');
    checkFloating(A, 'linalg.det');
    return detKernel(A);
  },
  grad: { A: (g, c) => detGrad(g, c.A, c.result) },
});

/** torch.det: linalg.det as a function and Tensor method. */
export const torchDet = defineOp({
  name: 'det',
  sig: 'Tensor self',
  forward: (self: Tensor) => det(self),
});

const slogdetOp: OpAny = defineOp({
  name: 'linalg_slogdet',
  returns: '(Tensor, Tensor)',
  sig: 'Tensor A',
  method: false,
  save: ['A'],
  forward: (A: Tensor) => {
    checkSquare(A, 'linalg.slogdet');
    checkFloating(A, 'linalg.slogdet');
    return slogdetKernel(A);
  },
  grad: {
    // the sign is piecewise constant: only log|det| has a gradient, g A^-T
    A: (_g, c, grads) => {
      const gl = grads[1];
      if (!gl) return null;
      return gl.unsqueeze(-1).unsqueeze(-1).mul(inv(c.A).mT);
    },
  },
});

/** (sign, logabsdet) with det = sign * exp(logabsdet); singular input gives (0, -inf). */
export const slogdet: OpAny = (...args: unknown[]) => {
  const [sign, logabsdet] = slogdetOp(...args) as Tensor[];
  // the sign is not differentiable (PyTorch's output_differentiability [False, True])
  if (sign._gradFn !== null) {
    sign._gradFn = null;
    sign._requiresGrad = false;
  }
  return namedTuple(['sign', 'logabsdet'], [sign, logabsdet]);
};

/** torch.slogdet and Tensor.slogdet. */
export const torchSlogdet = slogdet;

/** log(det(A)): NaN where det < 0, -inf where det == 0. */
export const logdet = defineOp({
  name: 'logdet',
  sig: 'Tensor self',
  forward: (self: Tensor) => {
    const [sign, logabs] = slogdet(self) as Tensor[];
    return logabs.maskedFill(sign.eq(-1), NaN);
  },
});

const proto = Tensor.prototype as unknown as Record<string, unknown>;
proto.slogdet = function (this: Tensor) {
  return slogdet(this);
};
