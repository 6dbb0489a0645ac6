// linalg.solve (LU in the crate) and linalg.solve_triangular, with broadcasting batch
// dims and the vector right-hand side rule of PyTorch.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError, shapeEquals } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { checkSquare, checkFloating, checkSameDtype, checkSolverInputs } from './checks.js';
import { solveKernel, solveTriangularKernel } from '../../kernels/linalg_decomp.js';
import type { TorchOps } from '../signatures.js';

/** B is a vector (batch) when 1-D, or when its shape is A's without the last dim. */
export function isVectorRhs(A: readonly number[], B: readonly number[]): boolean {
  return B.length === 1 || (A.length - 1 === B.length && shapeEquals(B, A.slice(0, -1)));
}

function solveImpl(A: Tensor, B: Tensor, left: boolean): Tensor {
  const api = 'linalg.solve';
  checkSameDtype(A, B, api);
  checkSquare(A, api);
  checkFloating(A, api);
  const vector = isVectorRhs(A._shape, B._shape);
  if (vector && !left) {
    throw new RuntimeError(
      'linalg.solve: Vector broadcasting of the left hand side is not supported for left=False. In this case linalg.solve is equivalent to B / A.squeeze(-1)',
    );
  }
  const B2 = vector ? B.unsqueeze(-1) : B;
  checkSolverInputs(A, B2, left, api);
  // X A = B  <=>  A^T X^T = B^T
  const X = left ? solveKernel(A, B2, api) : solveKernel(A.mT, B2.mT, api).mT;
  return vector ? X.squeeze(-1) : X;
}

/**
 * X with A X = B (or X A = B when left=false) for square A, broadcasting batch dims;
 * B may be a vector (or batch of vectors). Singular A raises LinAlgError.
 */
export const solve: TorchOps['linalg_solve'] = defineOp({
  name: 'linalg_solve',
  sig: 'Tensor A, Tensor B, *, bool left=True',
  method: false,
  out: true,
  nodeName: 'LinalgSolveExBackward0',
  save: ['A', 'result'],
  forward: (A: Tensor, B: Tensor, left: boolean) => solveImpl(A, B, left),
  grad: {
    // gB = A^-T gX (solved on the same side), gA = -gB X^T (or -X^T gB)
    A: (g, c) => {
      let gB = solve(c.A.mT, g, { left: c.left });
      let X = c.result as Tensor;
      if (isVectorRhs(c.A._shape, c.meta.B.shape)) {
        gB = gB.unsqueeze(-1);
        X = X.unsqueeze(-1);
      }
      return c.left ? gB.matmul(X.mT).neg() : X.mT.matmul(gB).neg();
    },
    B: (g, c) => solve(c.A.mT, g, { left: c.left }),
  },
});

/**
 * X with T X = B (or X T = B) for triangular T: only its upper (or lower) triangle is
 * read, its diagonal taken as ones with unitriangular.
 */
export const solveTriangular: TorchOps['linalg_solve_triangular'] = defineOp({
  name: 'linalg_solve_triangular',
  sig: 'Tensor self, Tensor B, *, bool upper, bool left=True, bool unitriangular=False',
  method: false,
  out: true,
  save: ['self', 'result'],
  forward: (A: Tensor, B: Tensor, upper: boolean, left: boolean, unit: boolean) => {
    const api = 'linalg.solve_triangular';
    checkSolverInputs(A, B, left, api);
    checkFloating(A, api);
    checkSameDtype(A, B, api);
    return left ? solveTriangularKernel(A, B, upper, unit) : solveTriangularKernel(A.mT, B.mT, !upper, unit).mT;
  },
  grad: {
    self: (g, c) => {
      const gB = solveTriangular(c.self.mT, g, { upper: !c.upper, left: c.left, unitriangular: c.unitriangular });
      const gA = c.left ? gB.matmul(c.result.mT).neg() : c.result.mT.matmul(gB).neg();
      return c.upper ? gA.triu(c.unitriangular ? 1 : 0) : gA.tril(c.unitriangular ? -1 : 0);
    },
    B: (g, c) => solveTriangular(c.self.mT, g, { upper: !c.upper, left: c.left, unitriangular: c.unitriangular }),
  },
});
