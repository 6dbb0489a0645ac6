// linalg.matrix_power, linalg.matrix_rank and linalg.pinv (with torch.matrix_power and
// torch.pinverse): compositions of matmul, inv, svd and eigh.

import { Tensor } from '../../tensor/tensor.js';
import { int64, float64 } from '../../tensor/dtype.js';
import { RuntimeError } from '../../tensor/shape.js';
import { scoped } from '../../tensor/scope.js';
import { defineOp } from '../registry.js';
import { binary } from '../elementwise.js';
import { BIN } from '../../kernels/codes.js';
import { eye, zerosLike } from '../creation/factories.js';
import { matmul } from './matmul.js';
import { checkSquare, checkIsMatrix, checkFloating, epsilonOf } from './checks.js';
import { inv } from './inv.js';
import { svd, svdvals } from './svd.js';
import { eigh, eigvalsh } from './eigh.js';
import type { OpFn } from '../types.js';


function matrixPowerImpl(A: Tensor, n: number): Tensor {
  checkSquare(A, 'linalg.matrix_power');
  if (n === 0) return eye(A._shape[A.ndim - 1], { dtype: A.dtype }).expand(A._shape as number[]).contiguous();
  let a = A;
  if (n < 0) {
    a = inv(A);
    n = -n;
  }
  if (n === 1) return a.clone();
  // binary powering: a^n with about 2 log2(n) products
  let z: Tensor | null = null;
  let result: Tensor | null = null;
  while (n > 0) {
    const bit = n % 2;
    n = Math.floor(n / 2);
    z = z === null ? a : matmul(z, z);
    if (bit === 1) result = result === null ? z : matmul(result, z);
  }
  return result!;
}

/** A^n for an integer n (negative through the inverse, 0 gives the identity). */
export const matrixPower = defineOp({
  name: 'linalg_matrix_power',
  sig: 'Tensor self, int n',
  method: false,
  out: true,
  forward: matrixPowerImpl,
});

/** torch.matrix_power and Tensor.matrix_power. */
export const torchMatrixPower = defineOp({
  name: 'matrix_power',
  sig: 'Tensor self, int n',
  out: true,
  forward: matrixPowerImpl,
});

type Tol = number | Tensor | null;

/**
 * PyTorch's tolerance rule: tol = max(atol, rtol * largest singular value), where rtol
 * defaults to eps * max(m, n) unless atol is given (then 0).
 */
function tolerance(A: Tensor, smax: Tensor, atol: Tol, rtol: Tol): Tensor {
  const [m, n] = A._shape.slice(-2);
  const def = epsilonOf(A) * Math.max(m, n);
  let r: number | Tensor;
  if (rtol !== null) r = rtol;
  else if (atol === null) r = def;
  else if (atol instanceof Tensor) r = zerosLike(atol, { dtype: float64 }).add(def).maskedFill(atol.gt(0), 0);
  else r = atol > 0 ? 0 : def;
  const scaled = smax.mul(r instanceof Tensor ? r.unsqueeze(-1) : r);
  const a = atol ?? 0;
  return binary('maximum', BIN.MAXIMUM, scaled, a instanceof Tensor ? a.unsqueeze(-1) : a);
}

/** Trailing options object of the tolerance-taking functions. */
interface TolOptions {
  atol?: Tol;
  rtol?: Tol;
  hermitian?: boolean;
  tol?: Tol;
  rcond?: Tol;
}

function splitTolArgs(rest: unknown[], legacy: 'tol' | 'rcond'): { atol: Tol; rtol: Tol; hermitian: boolean } {
  const args = [...rest];
  const last = args[args.length - 1];
  const o: TolOptions = last !== null && typeof last === 'object' && !(last instanceof Tensor) ? (args.pop() as TolOptions) : {};
  let legacyVal: Tol = o[legacy] ?? null;
  let hermitian = o.hermitian ?? false;
  if (args.length > 0) legacyVal = args[0] as Tol;
  if (args.length > 1) hermitian = Boolean(args[1]);
  let atol: Tol = o.atol ?? null;
  let rtol: Tol = o.rtol ?? null;
  if (legacyVal !== null) {
    if (atol !== null || rtol !== null) throw new RuntimeError(`${legacy} and atol/rtol cannot be given together`);
    // tol is an absolute tolerance, rcond a relative one
    if (legacy === 'tol') [atol, rtol] = [legacyVal, 0];
    else [atol, rtol] = [0, legacyVal];
  }
  return { atol, rtol, hermitian };
}

/**
 * Number of singular values (|eigenvalues| when hermitian) above
 * max(atol, rtol * largest); int64. matrixRank(A, tol?, hermitian?) or
 * matrixRank(A, { atol, rtol, hermitian }).
 */
export const matrixRank: OpFn = (A: Tensor, ...rest: unknown[]) => scoped(() => {
  const { atol, rtol, hermitian } = splitTolArgs(rest, 'tol');
  checkIsMatrix(A, 'linalg.matrix_rank');
  checkFloating(A, 'linalg.matrix_rank');
  const S = hermitian ? (eigvalsh(A) as Tensor).abs() : (svdvals(A) as Tensor);
  if (S._shape[S.ndim - 1] === 0) return S.gt(0).sum(-1);
  const tol = tolerance(A, S.amax(-1, true), atol, rtol);
  return S.gt(tol).sum(-1).to(int64);
});

/** PyTorch's pinv_backward. */
function pinvGrad(g: Tensor, P: Tensor, A: Tensor): Tensor {
  const [m, n] = A._shape.slice(-2);
  const Ph = P.mT;
  const gh = g.mT;
  if (m <= n) {
    const K = gh.matmul(P);
    const KPh = K.matmul(Ph);
    return P.matmul(K).mT.neg().add(KPh).sub(A.matmul(P).matmul(KPh)).add(Ph.matmul(P).matmul(gh.sub(K.matmul(A))));
  }
  const K = P.matmul(gh);
  const PhK = Ph.matmul(K);
  return K.matmul(P).mT.neg().add(gh.sub(A.matmul(K)).matmul(P).matmul(Ph)).add(PhK).sub(PhK.matmul(P).matmul(A));
}

const pinvOp = defineOp({
  name: 'linalg_pinv',
  sig: 'Tensor self, *, any atol=None, any rtol=None, bool hermitian=False',
  method: false,
  save: ['self', 'result'],
  forward: (A: Tensor, atol: Tol, rtol: Tol, hermitian: boolean) => {
    checkIsMatrix(A, 'linalg.pinv');
    checkFloating(A, 'linalg.pinv');
    if (A.numel() === 0) return Tensor._empty([...A._shape.slice(0, -2), A._shape[A.ndim - 1], A._shape[A.ndim - 2]], A.dtype);
    if (!hermitian) {
      const [U, S, Vh] = svd(A, false) as Tensor[];
      const tol = tolerance(A, S.narrow(-1, 0, 1), atol, rtol);
      const Sinv = S.reciprocal().maskedFill(S.le(tol), 0);
      return Vh.mT.mul(Sinv.unsqueeze(-2)).matmul(U.mT);
    }
    const [L, V] = eigh(A) as Tensor[];
    const absL = L.abs();
    const tol = tolerance(A, absL.amax(-1, true), atol, rtol);
    const Linv = L.reciprocal().maskedFill(absL.le(tol), 0);
    return V.mul(Linv.unsqueeze(-2)).matmul(V.mT);
  },
  grad: { self: (g, c) => pinvGrad(g, c.result, c.self) },
});

/**
 * Moore-Penrose pseudo-inverse through the SVD (eigh when hermitian), dropping
 * singular values below max(atol, rtol * largest). pinv(A, rcond?, hermitian?) or
 * pinv(A, { atol, rtol, hermitian }).
 */
export const pinv: OpFn = (A: Tensor, ...rest: unknown[]) => {
  const { atol, rtol, hermitian } = splitTolArgs(rest, 'rcond');
  return pinvOp(A, { atol, rtol, hermitian });
};

/** torch.pinverse(input, rcond=1e-15) and Tensor.pinverse. */
export const pinverse = defineOp({
  name: 'pinverse',
  sig: 'Tensor self, float rcond=1e-15',
  forward: (self: Tensor, rcond: number) => pinvOp(self, { atol: 0, rtol: rcond }),
});
