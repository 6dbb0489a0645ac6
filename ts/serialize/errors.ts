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

/** A value from a file, fit for an error message: names as they are, anything else quoted, cut short or by its type. */
export function shown(v: unknown): string {
  if (typeof v === 'string') return /^[\w.\-/<>]{1,100}$/.test(v) ? v : JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'None';
  return `a ${(v as object).constructor?.name ?? typeof v}`;
}
