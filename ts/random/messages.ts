// Pieces of PyTorch's error messages for the random ops.

import type { DType } from '../tensor/dtype.js';

/** A double as C++'s `ostream << double` prints it (6 significant digits, %g style). */
export function cppDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, expStr] = x.toExponential(5).split('e');
  const e = Number(expStr);
  const strip = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (e < -4 || e >= 6) return `${strip(mant)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return strip(x.toFixed(5 - e));
}

/** AT_DISPATCH's message for a dtype a kernel does not cover. */
export function notImplementedFor(kernel: string, dt: DType): string {
  return `"${kernel}" not implemented for '${dt.scalarName}'`;
}

/** caffe2::TypeMeta's name of a dtype, as PyTorch prints `self.dtype()` in range errors. */
export function typeMetaName(dt: DType): string {
  const names: Record<string, string> = {
    float32: 'float', float64: 'double', int64: 'long', int32: 'int', int16: 'short', int8: 'signed char',
    uint8: 'unsigned char', bool: 'bool', float16: 'c10::Half', bfloat16: 'c10::BFloat16',
  };
  return names[dt.name];
}
