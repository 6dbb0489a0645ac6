// Shared machinery of elementwise ops: promotion, broadcasting, temporaries,
// in-place and out forms. Each op in pointwise files is then a few lines.

import { Tensor } from '../tensor/tensor.js';
import { DType, bool, canCast, float16, bfloat16, float32 } from '../tensor/dtype.js';
import { broadcastShapes, shapeEquals, isContiguousLayout, RuntimeError } from '../tensor/shape.js';
import { Operand, binaryInto, binaryContiguousInto, compareInto, unaryInto, predicateInto, whereInto } from '../kernels/elementwise.js';
import { withDtype, release, copyInto, contiguousCopy } from '../tensor/copy.js';
import { resultType } from './promotion.js';

export const shapeOf = (x: Operand): readonly number[] => (x instanceof Tensor ? x._shape : []);

/** The dtype arithmetic kernels run in: half types compute in float32 and round the
 * result, as PyTorch's CPU kernels do; the others as they are. */
export const computeDtype = (dt: DType): DType => (dt === float16 || dt === bfloat16 ? float32 : dt);

/** Converts a tensor operand to `dt` (a temporary when it differs); scalars pass through. */
const as = (x: Operand, dt: DType): Operand => (x instanceof Tensor ? withDtype(x, dt) : x);

/** Shares memory with `out` in a way an elementwise kernel cannot read safely. */
function unsafeAlias(out: Tensor, x: Operand): boolean {
  if (!(x instanceof Tensor) || x._s !== out._s) return false;
  if (x._offset === out._offset && shapeEquals(x._shape, out._shape)) {
    for (let i = 0; i < x.ndim; i++) if (x._strides[i] !== out._strides[i]) return true;
    return false;
  }
  return true;
}

/** Inputs as the kernel must see them: in dtype `dt` (null: as is), copied when they alias `out` unsafely. */
function prepare(x: Operand, dt: DType | null, out: Tensor | null): Operand {
  const y = dt === null ? x : as(x, dt);
  if (out !== null && y === x && unsafeAlias(out, x)) return contiguousCopy(x as Tensor);
  return y;
}

/** Checks an in-place/out destination: dtype castable, shape equal to the broadcast shape. */
export function checkOut(out: Tensor, dt: DType, shape: readonly number[]): void {
  if (!canCast(dt, out.dtype)) {
    throw new RuntimeError(`result type ${dt.scalarName} can't be cast to the desired output type ${out.dtype.scalarName}`);
  }
  if (!shapeEquals(out._shape, shape)) {
    throw new RuntimeError(`output with shape [${out._shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`);
  }
}

/**
 * Runs a kernel into `out` (or a new tensor of `outDt`) over the broadcast shape.
 * Inputs are converted to `dt` (one dtype for all, or per input, null keeping it).
 * The kernel writes `kernelDt` (default outDt); when the destination has another dtype
 * the result goes through a temporary.
 */
export function runElementwise(
  inputs: Operand[],
  dt: DType | (DType | null)[],
  outDt: DType,
  out: Tensor | null,
  kernel: (dest: Tensor, ...xs: Operand[]) => void,
  kernelDt: DType = outDt,
): Tensor {
  const shape = broadcastShapes(...inputs.map(shapeOf));
  if (out !== null) checkOut(out, outDt, shape);
  const xs = inputs.map((x, i) => prepare(x, Array.isArray(dt) ? dt[i] : dt, out));
  try {
    const dest = out ?? Tensor._empty(shape, outDt);
    if (dest.dtype === kernelDt) {
      kernel(dest, ...xs);
    } else {
      const tmp = Tensor._empty(shape, kernelDt);
      try {
        kernel(tmp, ...xs);
        copyInto(dest, tmp);
      } finally {
        tmp.dispose();
      }
    }
    return dest;
  } finally {
    xs.forEach((x, i) => release(x, inputs[i]));
  }
}

/** A binary arithmetic op computing in the promoted dtype (or `dtypeRule` of it). */
export function binary(
  name: string,
  kop: number,
  a: Operand,
  b: Operand,
  out: Tensor | null = null,
  p = 1,
  dtypeRule: (dt: DType) => DType = (d) => d,
): Tensor {
  const fast = out === null ? binaryContiguous(kop, a, b, p, dtypeRule) : null;
  if (fast !== null) return fast;
  const dt = dtypeRule(resultType(a, b));
  const kd = computeDtype(dt);
  return runElementwise([a, b], kd, dt, out, (o, x, y) => binaryInto(kop, kd, o, x, y, p, name), kd);
}

/**
 * The small-op fast path: a contiguous tensor with a same-shape, same-dtype contiguous
 * tensor or a JS number, computing in that dtype. One flat kernel call, no temporaries.
 * null when the general path is needed (promotion, broadcasting, strides).
 */
function binaryContiguous(kop: number, a: Operand, b: Operand, p: number, dtypeRule: (dt: DType) => DType): Tensor | null {
  if (!(a instanceof Tensor) || a.ndim === 0 || !isContiguousLayout(a._shape, a._strides)) return null;
  const dt = a.dtype;
  if (dtypeRule(dt) !== dt || computeDtype(dt) !== dt) return null;
  if (b instanceof Tensor) {
    if (b.dtype !== dt || !shapeEquals(a._shape, b._shape) || !isContiguousLayout(b._shape, b._strides)) return null;
  } else if (typeof b !== 'number' || !dt.isFloatingPoint) {
    return null;
  }
  const r = Tensor._empty(a._shape, dt);
  binaryContiguousInto(kop, r, a, b, p);
  return r;
}

/** A comparison: computes in the promoted dtype, writes bool. */
export function compare(name: string, kop: number, a: Operand, b: Operand, out: Tensor | null = null): Tensor {
  const dt = computeDtype(resultType(a, b));
  return runElementwise([a, b], dt, bool, out, (o, x, y) => compareInto(kop, dt, o, x, y, name));
}

/** A unary op on `dt` (the input's dtype, or a float dtype for ops like exp on ints). */
export function unary(name: string, kop: number, x: Tensor, dt: DType, out: Tensor | null = null, p1 = 0, p2 = 0, p3 = 0): Tensor {
  const kd = computeDtype(dt);
  return runElementwise([x], kd, dt, out, (o, a) => unaryInto(kop, o, a as Tensor, p1, p2, p3, name), kd);
}

/** A predicate (isnan, logical_not, ...): bool out. */
export function predicate(name: string, kop: number, x: Tensor, out: Tensor | null = null): Tensor {
  return runElementwise([x], x.dtype, bool, out, (o, a) => predicateInto(kop, o, a as Tensor, name));
}

/** where(cond, a, b) with a/b promoted together. */
export function where3(cond: Tensor, a: Operand, b: Operand, out: Tensor | null = null): Tensor {
  const dt = resultType(a, b);
  return runElementwise([cond, a, b], [bool, dt, dt], dt, out, (o, c, x, y) => whereInto(dt, o, c as Tensor, x, y));
}
