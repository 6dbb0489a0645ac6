// Status codes the crate's kernels return, turned into PyTorch's exceptions.

import { RuntimeError } from '../tensor/shape.js';

/** Status codes of crate/src/abi/mod.rs. */
export function checkStatus(status: number, op: string): void {
  if (status === 0) return;
  if (status === 1) throw new RuntimeError('ZeroDivisionError');
  if (status === 2) throw new RuntimeError(`${op}: not implemented for this dtype`);
  if (status === 3) throw new RuntimeError(`${op}: index out of range`);
  throw new RuntimeError(`${op}: kernel failed with status ${status}`);
}
