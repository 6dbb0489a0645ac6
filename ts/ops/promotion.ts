// PyTorch's result_type: dimensioned tensors outrank 0-d tensors, which outrank JS
// numbers, unless a lower-ranked operand is of a higher category (bool < int < float).

import { Tensor } from '../tensor/tensor.js';
import { DType, promoteTypes, canCast, getDefaultDtype, int64, bool, float32 } from '../tensor/dtype.js';
import { functional } from './composite.js';
import type { Operand } from '../kernels/elementwise.js';

/** The dtype a JS scalar has in promotion: bool, int64 for integers, the default dtype for the rest. */
export function scalarDtype(v: Operand): DType {
  if (typeof v === 'boolean') return bool;
  if (typeof v === 'bigint') return int64;
  if (typeof v === 'number') return Number.isInteger(v) ? int64 : getDefaultDtype();
  return (v as Tensor).dtype;
}

function combine(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null) return higher;
  if (higher.isFloatingPoint) return higher;
  if (higher === bool || lower.isFloatingPoint) return promoteTypes(higher, lower);
  return higher;
}

export function resultType(...operands: Operand[]): DType {
  let dim: DType | null = null;
  let zero: DType | null = null;
  let wrapped: DType | null = null;
  for (const x of operands) {
    if (x instanceof Tensor) {
      if (x.ndim > 0) dim = dim === null ? x.dtype : promoteTypes(dim, x.dtype);
      else zero = zero === null ? x.dtype : promoteTypes(zero, x.dtype);
    } else {
      const d = scalarDtype(x);
      wrapped = wrapped === null ? d : promoteTypes(wrapped, d);
    }
  }
  return combine(dim, combine(zero, wrapped)) ?? float32;
}

/** torch.promote_types, its arguments checked (dtypes or their names). */
export const publicPromoteTypes = functional<(type1: DType | string, type2: DType | string) => DType>(
  'promote_types', 'ScalarType type1, ScalarType type2', promoteTypes);

/** torch.can_cast: whether an in-place op may write a value of dtype `from` into `to`. */
export const publicCanCast = functional<(from: DType | string, to: DType | string) => boolean>('can_cast', 'ScalarType from, ScalarType to', canCast);

/** The dtype of an op that always gives floating results (true division, exp on ints...). */
export function floatResult(dt: DType): DType {
  return dt.isFloatingPoint ? dt : getDefaultDtype();
}
