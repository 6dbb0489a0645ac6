// linalg.qr (Householder, with LAPACK's reflector signs so Q and R match PyTorch's)
// and the deprecated torch.qr.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { functional, method } from '../composite.js';
import { checkIsMatrix, checkFloating, namedTuple } from './checks.js';
import { qrKernel, QrMode } from '../../kernels/linalg_decomp.js';
import { solveTriangular } from './solve.js';
import { cat } from '../shape/join.js';
import { zeros } from '../creation/factories.js';
import type { OpAny } from '../types.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    qr: OpAny;
  }
}

const notDifferentiableR =
  "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.";

/** PyTorch's linalg_qr_backward. */
function qrGrad(gQ: Tensor | null, gR: Tensor | null, Q: Tensor, R: Tensor, mode: QrMode): Tensor | null {
  if (mode === 'r') throw new RuntimeError(notDifferentiableR);
  const m = Q._shape[Q.ndim - 2];
  const n = R._shape[R.ndim - 1];
  if (mode === 'complete' && m > n) {
    throw new RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
  }
  if (!gQ && !gR) return null;
  let gA: Tensor;
  if (gQ) gA = gR ? gR.matmul(R.mT).sub(Q.mT.matmul(gQ)) : Q.mT.matmul(gQ).neg();
  else gA = gR!.matmul(R.mT);
  if (m >= n) {
    // syminvadj(triu(gA)): X + X^T with the diagonal halved, i.e. X + triu(X, 1)^T
    const t = gA.triu();
    gA = Q.matmul(t.add(t.triu(1).mT));
    if (gQ) gA = gA.add(gQ);
    return solveTriangular(R.mT, gA, { upper: false, left: false });
  }
  // m < n: gA = Q trilImInvAdjSkew(-gA) R1^-T, padded with zero columns, + Q gR
  const x = gA.neg();
  gA = Q.matmul(x.sub(x.mT).tril());
  gA = solveTriangular(R.narrow(-1, 0, m).mT, gA, { upper: false, left: false });
  gA = cat([gA, zeros([...R._shape.slice(0, -1), n - m], { dtype: R.dtype })], -1);
  return gR ? gA.add(Q.matmul(gR)) : gA;
}

function parseMode(mode: string): QrMode {
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') {
    throw new RuntimeError(`qr received unrecognized mode '${mode}' but expected one of 'reduced' (default), 'r', or 'complete'`);
  }
  return mode;
}

const qrOp: OpAny = defineOp({
  name: 'linalg_qr',
  returns: '(Tensor, Tensor)',
  sig: 'Tensor A, str mode="reduced"',
  method: false,
  save: ['result'],
  forward: (A: Tensor, mode: string) => {
    const m = parseMode(mode);
    checkIsMatrix(A, 'linalg.qr');
    checkFloating(A, 'linalg.qr');
    return qrKernel(A, m);
  },
  grad: {
    A: (_g, c, grads) => {
      const [Q, R] = c.result as Tensor[];
      return qrGrad(grads[0] ?? null, grads[1] ?? null, Q, R, c.mode);
    },
  },
});

/** (Q, R) with A = Q R; mode 'reduced' (Q m x k), 'complete' (Q m x m) or 'r' (Q empty). */
export const qr: OpAny = (...args: unknown[]) => namedTuple(['Q', 'R'], qrOp(...args) as Tensor[]);

/** Deprecated torch.qr(input, some=True): reduced, or complete when some=false. */
const legacyQr = (self: Tensor, some: boolean): Tensor[] => namedTuple(['Q', 'R'], qrOp(self, some ? 'reduced' : 'complete') as Tensor[]);
export const torchQr: OpAny = functional('qr', 'Tensor input, bool some=True', legacyQr);
(Tensor.prototype as unknown as Record<string, unknown>).qr = method('qr', 'bool some=True', legacyQr);
