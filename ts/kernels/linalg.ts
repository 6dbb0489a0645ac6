// Driver of crate/src/abi/linalg.rs: batched GEMM with arbitrary strides (the
// packing and SIMD microkernels are the crate's).

import { K } from '../wasm/heap.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { fill } from './memory.js';
import { checkStatus } from './status.js';

/**
 * C = alpha * A @ B + beta * C for `batch` matrices. Each operand is described by its
 * tensor, and (batch, row, col) strides in elements.
 */
export function gemm(
  dt: DType, batch: number, m: number, n: number, k: number, alpha: number,
  a: Tensor, [bsa, rsa, csa]: number[], b: Tensor, [bsb, rsb, csb]: number[],
  beta: number, c: Tensor, [bsc, rsc, csc]: number[],
): void {
  if (m === 0 || n === 0 || batch === 0) return;
  if (k === 0 && beta === 0) {
    fill(c, 0);
    return;
  }
  checkStatus(
    K.gemm_batched(dt.code, batch, m, n, k, alpha, a._ptr, bsa, rsa, csa, b._ptr, bsb, rsb, csb, beta, c._ptr, bsc, rsc, csc),
    'matmul',
  );
}
