// PyTorch's result_type: dimensioned tensors outrank 0-d tensors, which outrank JS
// numbers, unless a lower-ranked operand is of a higher category (bool < int < float).

import { Tensor } from '../tensor/tensor.js';
import { DType, promoteTypes, getDefaultDtype, int64, bool, float32 } from '../tensor/dtype.js';
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

/** The dtype of an op that always gives floating results (true division, exp on ints...). */
export function floatResult(dt: DType): DType {
  return dt.isFloatingPoint ? dt : getDefaultDtype();
}
