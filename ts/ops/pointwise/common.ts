// Helpers shared by the pointwise op files: float promotion of unary ops, PyTorch's
// "not implemented" errors, and the masks gradient formulas use.

import { Tensor } from '../../tensor/tensor.js';
import { DType } from '../../tensor/dtype.js';
import { RuntimeError } from '../../tensor/shape.js';
import { unary } from '../elementwise.js';
import { floatResult } from '../promotion.js';

/** A unary op with floating results (exp, sin, ...): int and bool inputs compute in the default dtype. */
export function floatUnary(name: string, kop: number, self: Tensor, out: Tensor | null, p1 = 0, p2 = 0, p3 = 0): Tensor {
  return unary(name, kop, self, floatResult(self.dtype), out, p1, p2, p3);
}

/** PyTorch's error for a kernel without an implementation for a dtype. */
export function notImplemented(kernel: string, dt: DType): never {
  throw new RuntimeError(`"${kernel}" not implemented for '${dt.scalarName}'`);
}

/** Throws PyTorch's error unless `dt` is a floating dtype (kernels dispatched on floating types only). */
export function requireFloat(kernel: string, dt: DType): void {
  if (!dt.isFloatingPoint) notImplemented(kernel, dt);
}

const TYPE_META: Record<string, string> = {
  float32: 'float', float64: 'double', int64: 'long int', int32: 'int', int16: 'short int', int8: 'signed char',
  uint8: 'unsigned char', bool: 'bool', float16: 'c10::Half', bfloat16: 'c10::BFloat16',
};
/** How PyTorch prints a tensor's dtype() (caffe2::TypeMeta) in messages: 'float', 'double', ... */
export const typeMetaName = (dt: DType): string => TYPE_META[dt.name] ?? dt.name;
