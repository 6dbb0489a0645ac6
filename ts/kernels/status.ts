// The crate's status codes (STATUS, generated from crate/src/status.rs) turned into
// PyTorch's exceptions. Codes whose message needs more than the op's name (linalg,
// probabilities, RNG state, bad indices) are handled by their drivers first.

import { RuntimeError } from '../tensor/shape.js';
import { STATUS } from './status_codes.js';

export { STATUS };

/** Throws the error a kernel's status stands for (nothing for OK). */
export function checkStatus(status: number, op: string): void {
  if (status === STATUS.OK) return;
  if (status === STATUS.ERR_ZERO_DIVISION) throw new RuntimeError('ZeroDivisionError');
  if (status === STATUS.ERR_BAD_OP) throw new RuntimeError(`${op}: not implemented for this dtype`);
  if (status === STATUS.ERR_INDEX) throw new RuntimeError(`${op}: index out of range`);
  throw new RuntimeError(`${op}: kernel failed with status ${status}`);
}
