// linalg.svd, linalg.svdvals and the legacy torch.svd: one-sided Jacobi in the crate.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { scoped } from '../../tensor/scope.js';
import { functional, method } from '../composite.js';
import { defineOp } from '../registry.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { checkIsMatrix, checkFloating, namedTuple } from './checks.js';
import { svdKernel } from '../../kernels/linalg_decomp.js';
import { zeros, eye } from '../creation/factories.js';
import type { OpAny } from '../types.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    svd: OpAny;
  }
}

/**
 * PyTorch's svd_backward (real case): with E_jk = s_k^2 - s_j^2 (1 on the diagonal),
 * gA = U [(skew(U^T gU) / E) S + S (skew(V^T gV) / E) + diag(gS)] V^T, plus the
 * projections (I - U U^T) gU S^-1 V^T when m > n and U S^-1 gV^T (I - V V^T) when m < n.
 */
export function svdGrad(gU: Tensor | null, gS: Tensor | null, gVh: Tensor | null, U: Tensor, S: Tensor, Vh: Tensor): Tensor | null {
  if (!gU && !gS && !gVh) return null;
  const m = U._shape[U.ndim - 2];
  const n = Vh._shape[Vh.ndim - 1];
  if (!gU && !gVh) {
    return m >= n ? U.matmul(gS!.unsqueeze(-1).mul(Vh)) : U.mul(gS!.unsqueeze(-2)).matmul(Vh);
  }
  const skew = (X: Tensor): Tensor => X.sub(X.mT);
  const UhgU = gU ? skew(U.mT.matmul(gU)) : null;
  const VhgV = gVh ? skew(Vh.matmul(gVh.mT)) : null;
  const S2 = S.mul(S);
  // 1 on the diagonal, where the numerators are 0
  const E = S2.unsqueeze(-2).sub(S2.unsqueeze(-1)).add(eye(S._shape[S.ndim - 1], { dtype: S.dtype }));
  let gA: Tensor;
  if (UhgU && VhgV) gA = UhgU.mul(S.unsqueeze(-2)).add(S.unsqueeze(-1).mul(VhgV)).div(E);
  else if (UhgU) gA = UhgU.div(E).mul(S.unsqueeze(-2));
  else gA = S.unsqueeze(-1).mul(VhgV!.div(E));
  if (gS) gA = gA.add(gS.diagEmbed());
  if (m > n && gU) {
    gA = U.matmul(gA);
    const gUSinv = gU.div(S.unsqueeze(-2));
    gA = gA.add(gUSinv).sub(U.matmul(U.mT.matmul(gUSinv)));
    return gA.matmul(Vh);
  }
  if (m < n && gVh) {
    gA = gA.matmul(Vh);
    const SinvgVh = gVh.div(S.unsqueeze(-1));
    gA = gA.add(SinvgVh).sub(SinvgVh.matmul(Vh.mT).matmul(Vh));
    return U.matmul(gA);
  }
  return m >= n ? U.matmul(gA.matmul(Vh)) : U.matmul(gA).matmul(Vh);
}

const svdOp: OpAny = defineOp({
  name: 'linalg_svd',
  returns: '(Tensor, Tensor, Tensor)',
  sig: 'Tensor A, bool full_matrices=True, *, str? driver=None',
  method: false,
  save: ['result'],
  forward: (A: Tensor, full: boolean) => {
    checkIsMatrix(A, 'linalg.svd');
    checkFloating(A, 'linalg.svd');
    return svdKernel(A, true, full) as Tensor[];
  },
  grad: {
    A: (_g, c, grads) => {
      const [U, S, Vh] = c.result as Tensor[];
      const k = S._shape[S.ndim - 1];
      // with full matrices only the first k singular vectors are determined by A
      const narrowU = (t: Tensor): Tensor => (c.full_matrices ? t.narrow(-1, 0, k) : t);
      const narrowV = (t: Tensor): Tensor => (c.full_matrices ? t.narrow(-2, 0, k) : t);
      const gU = grads[0] ? narrowU(grads[0]) : null;
      const gVh = grads[2] ? narrowV(grads[2]) : null;
      return svdGrad(gU, grads[1] ?? null, gVh, narrowU(U), S, narrowV(Vh));
    },
  },
});

/** (U, S, Vh) with A = U diag(S) Vh, S descending; full_matrices gives square U and Vh. */
export const svd: OpAny = (...args: unknown[]) => namedTuple(['U', 'S', 'Vh'], svdOp(...args) as Tensor[]);

const svdvalsOp: OpAny = defineOp({
  name: 'linalg_svdvals',
  sig: 'Tensor A, *, str? driver=None',
  method: false,
  out: true,
  forward: (A: Tensor) => {
    checkIsMatrix(A, 'linalg.svdvals');
    checkFloating(A, 'linalg.svdvals');
    return svdKernel(A, false, false)[1];
  },
});

/**
 * Singular values, descending. When A needs a gradient the singular vectors are
 * computed too (through linalg.svd), as PyTorch does.
 */
export const svdvals: OpAny = (A: Tensor, ...rest: unknown[]) => {
  if (A instanceof Tensor && A.requiresGrad && isGradEnabled() && !rest.some((r) => r && typeof r === 'object' && 'out' in (r as object))) {
    checkIsMatrix(A, 'linalg.svdvals');
    return scoped(() => svd(A, false)[1]); // U and Vh are freed (the graph keeps what it saved)
  }
  return svdvalsOp(A, ...rest);
};

/**
 * Legacy torch.svd: (U, S, V) with A = U diag(S) V^T (V, not Vh); some=false gives
 * square U and V. Without compute_uv, U and V are zero-filled (m x m and n x n).
 */
function legacySvd(self: Tensor, some: boolean, computeUv: boolean): Tensor[] {
  if (self.ndim < 2) {
    throw new RuntimeError(`linalg.svd: input should have at least 2 dimensions, but has ${self.ndim} dimensions instead`);
  }
  if (computeUv) {
    const [U, S, Vh] = svd(self, !some) as Tensor[];
    return namedTuple(['U', 'S', 'V'], [U, S, Vh.mT]);
  }
  const S = svdvals(self) as Tensor;
  const [m, n] = self._shape.slice(-2);
  const batch = self._shape.slice(0, -2);
  const U = zeros([...batch, m, m], { dtype: self.dtype });
  const V = zeros([...batch, n, n], { dtype: self.dtype });
  return namedTuple(['U', 'S', 'V'], [U, S, V]);
}

const LEGACY_SIG = 'bool some=True, bool compute_uv=True';
export const torchSvd: OpAny = functional('svd', `Tensor input, ${LEGACY_SIG}`, legacySvd);
(Tensor.prototype as unknown as Record<string, unknown>).svd = method('svd', LEGACY_SIG, legacySvd);
