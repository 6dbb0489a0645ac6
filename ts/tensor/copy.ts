// Copies between tensors: into an existing tensor (casting, broadcasting, safe when
// the two share memory), and contiguous or converted copies that ops and drivers take
// of their inputs.

import { Tensor, Scalar } from './tensor.js';
import type { DType } from './dtype.js';
import { isContiguousLayout } from './shape.js';
import { copyStrided } from '../kernels/memory.js';

/** Whether two tensors' memory ranges overlap. */
function overlaps(a: Tensor, b: Tensor): boolean {
  if (a._s !== b._s || a.numel() === 0 || b.numel() === 0) return false;
  const span = (t: Tensor): [number, number] => {
    let lo = t._offset;
    let hi = t._offset;
    for (let i = 0; i < t.ndim; i++) {
      const ext = (t._shape[i] - 1) * t._strides[i];
      if (ext > 0) hi += ext;
      else lo += ext;
    }
    return [lo * t.dtype.itemsize, (hi + 1) * t.dtype.itemsize];
  };
  const [alo, ahi] = span(a);
  const [blo, bhi] = span(b);
  return alo < bhi && blo < ahi;
}

function sameLayout(a: Tensor, b: Tensor): boolean {
  if (a._offset !== b._offset || a.ndim !== b.ndim || a.dtype !== b.dtype) return false;
  for (let i = 0; i < a.ndim; i++) if (a._strides[i] !== b._strides[i] || a._shape[i] !== b._shape[i]) return false;
  return true;
}

/** dst[...] = cast(src) where src broadcasts to dst's shape. Handles overlapping memory. */
export function copyInto(dst: Tensor, src: Tensor): void {
  if (dst.numel() === 0) return;
  if (overlaps(dst, src) && !sameLayout(dst, src)) {
    const tmp = contiguousCopy(src);
    try {
      copyStrided(dst, tmp);
    } finally {
      tmp.dispose();
    }
    return;
  }
  copyStrided(dst, src);
}

/** A new contiguous tensor with t's values, converted to `dtype`. */
export function contiguousCopy(t: Tensor, dtype: DType = t.dtype): Tensor {
  const out = Tensor._empty(t._shape, dtype);
  copyStrided(out, t);
  return out;
}

/** t itself when contiguous with offset-independent layout, else a contiguous copy. Callers dispose a copy. */
export function contiguous(t: Tensor): Tensor {
  return isContiguousLayout(t._shape, t._strides) ? t : contiguousCopy(t);
}

/** t itself when it has dtype `dt`, else a converted copy. Callers dispose a copy. */
export function withDtype(t: Tensor, dt: DType): Tensor {
  return t.dtype === dt ? t : contiguousCopy(t, dt);
}

/** Disposes `t` if it is a temporary made from `orig`. */
export function release(t: Tensor | Scalar, orig: Tensor | Scalar): void {
  if (t !== orig && t instanceof Tensor) t.dispose();
}
