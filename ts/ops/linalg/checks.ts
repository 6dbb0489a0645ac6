// Argument checks shared by the torch.linalg functions, with PyTorch's messages
// (aten/src/ATen/native/LinearAlgebraUtils.h).

import { Tensor, pyTypeName } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';

/** `${api}: The input tensor A must have at least 2 dimensions.` */
export function checkIsMatrix(A: Tensor, api: string, arg = 'A'): void {
  if (!(A instanceof Tensor)) throw new TypeError(`${api}(): argument '${arg}' must be Tensor, not ${pyTypeName(A)}`);
  A._check(api, arg);
  if (A.ndim < 2) throw new RuntimeError(`${api}: The input tensor ${arg} must have at least 2 dimensions.`);
}

/** A (*, n, n). */
export function checkSquare(A: Tensor, api: string, arg = 'A'): void {
  checkIsMatrix(A, api, arg);
  const [m, n] = A._shape.slice(-2);
  if (m !== n) throw new RuntimeError(`${api}: ${arg} must be batches of square matrices, but they are ${m} by ${n} matrices`);
}

/** float32 / float64 (the decompositions do not take integers or half types). */
export function checkFloating(A: Tensor, api: string): void {
  if (!A.dtype.isFloatingPoint) {
    throw new RuntimeError(`${api}: Expected a floating point or complex tensor as input. Got ${A.dtype.scalarName}`);
  }
  if (A.dtype.name !== 'float32' && A.dtype.name !== 'float64') {
    throw new RuntimeError(`${api}: Low precision dtypes not supported. Got ${A.dtype.scalarName}`);
  }
}

export function checkSameDtype(A: Tensor, B: Tensor, api: string): void {
  if (A.dtype !== B.dtype) {
    throw new RuntimeError(
      `${api}: Expected A and B to have the same dtype, but found A of type ${A.dtype.scalarName} and B of type ${B.dtype.scalarName} instead`,
    );
  }
}

/** The matrix-equation shape check of solve-like ops (A square, B a matrix). */
export function checkSolverInputs(A: Tensor, B: Tensor, left: boolean, api: string): void {
  checkSquare(A, api, 'A');
  checkIsMatrix(B, api, 'B');
  const [am, an] = A._shape.slice(-2);
  const [bm, bn] = B._shape.slice(-2);
  if (left ? am !== bm : an !== bn) {
    throw new RuntimeError(
      `${api}: Incompatible shapes of A and B for the equation ${left ? 'AX = B' : 'XA = B'} (${am}x${an} and ${bm}x${bn})`,
    );
  }
}

/** A named tuple: an array that also has its parts as properties (PyTorch's return types). */
export function namedTuple<T extends unknown[]>(names: string[], values: T): T & Record<string, unknown> {
  const r = values as T & Record<string, unknown>;
  names.forEach((n, i) => Object.defineProperty(r, n, { value: values[i], enumerable: false }));
  return r;
}

/** Machine epsilon of a float dtype (PyTorch's _get_epsilon). */
export const epsilonOf = (A: Tensor): number => (A.dtype.name === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-7);
