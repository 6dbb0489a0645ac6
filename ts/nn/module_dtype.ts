// Module.to(...) argument parsing and the in-place data swap that lets a converted
// parameter keep its identity (PyTorch's `param.data = fn(param.data)` in _apply).

import { Tensor } from '../tensor/tensor.js';
import { DType, toDType } from '../tensor/dtype.js';

export type ToArgs = (DType | string | Tensor | { dtype?: DType | string; device?: string } | null)[];

/** The dtype asked for by Module.to's arguments, or null when only a device is named. */
export function resolveDType(args: ToArgs): DType | null {
  let dtype: DType | null = null;
  for (const a of args) {
    if (a instanceof Tensor) dtype = a.dtype;
    else if (a instanceof DType) dtype = a;
    else if (typeof a === 'string') {
      if (a !== 'cpu') dtype = toDType(a, 'to');
    } else if (a !== null && typeof a === 'object') {
      if (a.dtype !== undefined && a.dtype !== null) dtype = toDType(a.dtype, 'to');
    } else if (a !== null && a !== undefined) {
      throw new TypeError(`to() received an invalid combination of arguments: ${String(a)}`);
    }
  }
  if (dtype !== null && !dtype.isFloatingPoint) {
    throw new TypeError(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.${dtype.name}`);
  }
  return dtype;
}

/** Makes `t` view `src`'s storage with src's dtype and layout (t keeps its identity and autograd flags). */
export function setData(t: Tensor, src: Tensor): void {
  const s = src._s;
  s.retain();
  const old = t._s;
  t._s = s;
  old.release();
  (t as { dtype: DType }).dtype = src.dtype;
  t._shape = src._shape;
  t._strides = src._strides;
  t._offset = src._offset;
}
