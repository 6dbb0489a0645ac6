// The errors torch.load raises: a refused global (PyTorch raises pickle.UnpicklingError
// for weights_only) and a corrupt file (RuntimeError), both RuntimeErrors here.

import { RuntimeError } from '../tensor/shape.js';

/** A pickle asked for something a weights-only load does not allow. */
export class UnpicklingError extends RuntimeError {
  override name = 'UnpicklingError';
}

/** A file that cannot be what it claims: `load: corrupt file: <why>`. */
export function corrupt(why: string, op = 'load'): RuntimeError {
  return new RuntimeError(`${op}: corrupt file: ${why}`);
}
