// Drivers for the crate's decompositions (crate/src/abi/linalg_decomp.rs): lay out the
// batch dims and matrix strides, allocate results, and turn a singular / not
// positive-definite report into PyTorch's LinAlgError. Callers have checked shapes and
// dtypes (float32 / float64); inputs are read through their strides, never copied.

import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, broadcastStrides, LinAlgError } from '../tensor/shape.js';
import { writeDesc } from './scratch.js';
import { K, scratch } from '../wasm/heap.js';
import { checkStatus, STATUS } from './status.js';

/** The batch dims of `t` (all but its last `trailing` dims). */
export const batchOf = (t: Tensor, trailing = 2): number[] => t._shape.slice(0, t.ndim - trailing);

/** Strides of `t`'s batch dims viewed as `batch` (broadcast dims get 0). */
function batchStrides(t: Tensor, batch: readonly number[], trailing: number): number[] {
  const nb = t.ndim - trailing;
  return broadcastStrides(t._shape.slice(0, nb), t._strides.slice(0, nb), batch);
}

/** Writes the batch descriptor of `operands` ([tensor, trailing dims]) and returns nd. */
function desc(batch: readonly number[], operands: [Tensor, number][]): number {
  return writeDesc(batch, operands.map(([t, k]) => batchStrides(t, batch, k)));
}

/** Row and column strides of the matrix in the last two dims. */
const rc = (t: Tensor): [number, number] => [t._strides[t.ndim - 2], t._strides[t.ndim - 1]];

/** Throws PyTorch's LinAlgError for ERR_LINALG, with "(Batch element i)" for batched input. */
function check(status: number, api: string, batched: boolean, message: (info: number) => string): void {
  if (status === STATUS.ERR_LINALG) {
    const where = batched ? `: (Batch element ${K.linalg_error_batch()})` : '';
    throw new LinAlgError(`${api}${where}: ${message(K.linalg_error_info())}`);
  }
  checkStatus(status, api);
}

/** Runs `fill` on fresh outputs; disposes them when it throws. */
function withOutputs<T extends Tensor[]>(outs: T, fill: () => void): T {
  try {
    fill();
    return outs;
  } catch (e) {
    outs.forEach((o) => o.dispose());
    throw e;
  }
}

/** det(A) for every square matrix of A. */
export function detKernel(A: Tensor): Tensor {
  const batch = batchOf(A);
  const n = A._shape[A.ndim - 1];
  const det = Tensor._empty(batch, A.dtype);
  return withOutputs([det], () => {
    const nd = desc(batch, [[A, 2], [det, 0], [det, 0]]);
    checkStatus(K.linalg_det(A.dtype.code, 0, nd, scratch, n, A._ptr, ...rc(A), det._ptr, det._ptr), 'linalg.det');
  })[0];
}

/** (sign, log|det|) for every square matrix of A. */
export function slogdetKernel(A: Tensor): [Tensor, Tensor] {
  const batch = batchOf(A);
  const n = A._shape[A.ndim - 1];
  const sign = Tensor._empty(batch, A.dtype);
  const logabs = Tensor._empty(batch, A.dtype);
  return withOutputs([sign, logabs], () => {
    const nd = desc(batch, [[A, 2], [sign, 0], [logabs, 0]]);
    checkStatus(K.linalg_det(A.dtype.code, 1, nd, scratch, n, A._ptr, ...rc(A), sign._ptr, logabs._ptr), 'linalg.slogdet');
  });
}

/** A^-1 for every square matrix of A; `api` names the op in errors. */
export function invKernel(A: Tensor, api: string): Tensor {
  const batch = batchOf(A);
  const n = A._shape[A.ndim - 1];
  const out = Tensor._empty(A._shape, A.dtype);
  return withOutputs([out], () => {
    const nd = desc(batch, [[A, 2], [out, 2]]);
    const st = K.linalg_inv(A.dtype.code, nd, scratch, n, A._ptr, ...rc(A), out._ptr, ...rc(out));
    check(st, api, batch.length > 0, (i) => `The diagonal element ${i} is zero, the inversion could not be completed because the input matrix is singular.`);
  })[0];
}

/** X = A^-1 B with A (*, n, n), B (*, n, k) and broadcast batch dims. */
export function solveKernel(A: Tensor, B: Tensor, api: string): Tensor {
  const batch = broadcastShapes(batchOf(A), batchOf(B));
  const n = A._shape[A.ndim - 1];
  const k = B._shape[B.ndim - 1];
  const X = Tensor._empty([...batch, n, k], A.dtype);
  return withOutputs([X], () => {
    const nd = desc(batch, [[A, 2], [B, 2], [X, 2]]);
    const st = K.linalg_solve(A.dtype.code, nd, scratch, n, k, A._ptr, ...rc(A), B._ptr, ...rc(B), X._ptr, ...rc(X));
    check(st, api, batch.length > 0, () => 'The solver failed because the input matrix is singular.');
  })[0];
}

/** X = T^-1 B for triangular T (*, n, n) and B (*, n, k), broadcast batch dims. */
export function solveTriangularKernel(T: Tensor, B: Tensor, upper: boolean, unit: boolean): Tensor {
  const batch = broadcastShapes(batchOf(T), batchOf(B));
  const n = T._shape[T.ndim - 1];
  const k = B._shape[B.ndim - 1];
  const X = Tensor._empty([...batch, n, k], T.dtype);
  return withOutputs([X], () => {
    const nd = desc(batch, [[T, 2], [B, 2], [X, 2]]);
    const flags = (upper ? 1 : 0) | (unit ? 2 : 0);
    const st = K.linalg_solve_triangular(T.dtype.code, flags, nd, scratch, n, k, T._ptr, ...rc(T), B._ptr, ...rc(B), X._ptr, ...rc(X));
    checkStatus(st, 'linalg.solve_triangular');
  })[0];
}

/** Cholesky factor (lower, or upper) of every matrix of A. */
export function choleskyKernel(A: Tensor, upper: boolean, api: string): Tensor {
  const batch = batchOf(A);
  const n = A._shape[A.ndim - 1];
  const out = Tensor._empty(A._shape, A.dtype);
  return withOutputs([out], () => {
    const nd = desc(batch, [[A, 2], [out, 2]]);
    const st = K.linalg_cholesky(A.dtype.code, upper ? 1 : 0, nd, scratch, n, A._ptr, ...rc(A), out._ptr, ...rc(out));
    check(
      st, api, batch.length > 0,
      (i) => `The factorization could not be completed because the input is not positive-definite (the leading minor of order ${i} is not positive-definite).`,
    );
  })[0];
}

export type QrMode = 'reduced' | 'complete' | 'r';

/** (Q, R) of every matrix of A; in mode 'r' Q is an empty tensor. */
export function qrKernel(A: Tensor, mode: QrMode): [Tensor, Tensor] {
  const batch = batchOf(A);
  const [m, n] = A._shape.slice(-2);
  const k = Math.min(m, n);
  const complete = mode === 'complete';
  const Q = mode === 'r' ? Tensor._empty([0], A.dtype) : Tensor._empty([...batch, m, complete ? m : k], A.dtype);
  const R = Tensor._empty([...batch, complete ? m : k, n], A.dtype);
  return withOutputs([Q, R], () => {
    const q = mode === 'r' ? R : Q; // not written in mode 'r'
    const nd = desc(batch, [[A, 2], [q, 2], [R, 2]]);
    const code = mode === 'reduced' ? 0 : complete ? 1 : 2;
    checkStatus(K.linalg_qr(A.dtype.code, code, nd, scratch, m, n, A._ptr, ...rc(A), q._ptr, ...rc(q), R._ptr, ...rc(R)), 'linalg.qr');
  });
}

/** (U, S, Vh) of every matrix of A; without `vectors` U and Vh are null. */
export function svdKernel(A: Tensor, vectors: boolean, full: boolean): [Tensor | null, Tensor, Tensor | null] {
  const batch = batchOf(A);
  const [m, n] = A._shape.slice(-2);
  const k = Math.min(m, n);
  const S = Tensor._empty([...batch, k], A.dtype);
  const U = vectors ? Tensor._empty([...batch, m, full ? m : k], A.dtype) : null;
  const Vh = vectors ? Tensor._empty([...batch, full ? n : k, n], A.dtype) : null;
  const outs = [S, ...(U ? [U] : []), ...(Vh ? [Vh] : [])];
  withOutputs(outs, () => {
    const u = U ?? A;
    const vh = Vh ?? A;
    const nd = desc(batch, [[A, 2], [u, 2], [S, 1], [vh, 2]]);
    const flags = (vectors ? 1 : 0) | (full ? 2 : 0);
    const ss = S._strides[S.ndim - 1] ?? 1;
    checkStatus(
      K.linalg_svd(A.dtype.code, flags, nd, scratch, m, n, A._ptr, ...rc(A), U ? U._ptr : 0, ...rc(u), S._ptr, ss, Vh ? Vh._ptr : 0, ...rc(vh)),
      'linalg.svd',
    );
  });
  return [U, S, Vh];
}

/** (eigenvalues ascending, eigenvectors or null) of every symmetric matrix of A. */
export function eighKernel(A: Tensor, upper: boolean, vectors: boolean): [Tensor, Tensor | null] {
  const batch = batchOf(A);
  const n = A._shape[A.ndim - 1];
  const w = Tensor._empty([...batch, n], A.dtype);
  const V = vectors ? Tensor._empty(A._shape, A.dtype) : null;
  withOutputs(V ? [w, V] : [w], () => {
    const v = V ?? A;
    const nd = desc(batch, [[A, 2], [w, 1], [v, 2]]);
    const flags = (upper ? 1 : 0) | (vectors ? 2 : 0);
    const sw = w._strides[w.ndim - 1] ?? 1;
    checkStatus(K.linalg_eigh(A.dtype.code, flags, nd, scratch, n, A._ptr, ...rc(A), w._ptr, sw, V ? V._ptr : 0, ...rc(v)), 'linalg.eigh');
  });
  return [w, V];
}
