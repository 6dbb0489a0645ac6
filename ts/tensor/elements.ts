// Reading and writing single elements and typed-array views of wasm memory.

import { heapF32, heapF64, heapI16, heapI32, heapI64, heapI8, heapU16, heapU8 } from '../wasm/heap.js';
import type { DType } from './dtype.js';

export type TypedArray =
  | Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array;

/** float16 bits -> number */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

/** number -> float16 bits, round to nearest even (via float32 like the crate). */
export function floatToHalf(v: number): number {
  f32buf[0] = v;
  const x = u32buf[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const man = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (man ? 0x200 | (man >>> 13) : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = man | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = m & ((1 << shift) - 1);
    let r = m >>> shift;
    if (rest > half || (rest === half && (r & 1) === 1)) r++;
    return sign | r;
  }
  let r = (e << 10) | (man >>> 13);
  const rest = man & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (r & 1) === 1)) r++;
  return sign | r;
}

export function bf16ToFloat(h: number): number {
  u32buf[0] = h << 16;
  return f32buf[0];
}

export function floatToBf16(v: number): number {
  if (Number.isNaN(v)) return 0x7fc0;
  f32buf[0] = v;
  const x = u32buf[0];
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Reads the element at byte address `addr` as a JS value (number, bigint for int64 if asked, boolean). */
export function readElement(dtype: DType, addr: number, bigint = false): number | bigint | boolean {
  switch (dtype.name) {
    case 'float32': return heapF32()[addr >>> 2];
    case 'float64': return heapF64()[addr >>> 3];
    case 'int64': {
      const v = heapI64()[addr >>> 3];
      return bigint ? v : Number.isSafeInteger(Number(v)) ? Number(v) : v;
    }
    case 'int32': return heapI32()[addr >>> 2];
    case 'int16': return heapI16()[addr >>> 1];
    case 'int8': return heapI8()[addr];
    case 'uint8': return heapU8()[addr];
    case 'bool': return heapU8()[addr] !== 0;
    case 'float16': return halfToFloat(heapU16()[addr >>> 1]);
    case 'bfloat16': return bf16ToFloat(heapU16()[addr >>> 1]);
  }
}

/** Writes a JS value converted with PyTorch's casting rules. */
export function writeElement(dtype: DType, addr: number, v: number | bigint | boolean): void {
  if (dtype.name === 'int64') {
    heapI64()[addr >>> 3] = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)) || 0);
    return;
  }
  const x = typeof v === 'bigint' ? Number(v) : Number(v);
  switch (dtype.name) {
    case 'float32': heapF32()[addr >>> 2] = x; return;
    case 'float64': heapF64()[addr >>> 3] = x; return;
    case 'int32': heapI32()[addr >>> 2] = Math.trunc(x); return;
    case 'int16': heapI16()[addr >>> 1] = Math.trunc(x); return;
    case 'int8': heapI8()[addr] = Math.trunc(x); return;
    case 'uint8': heapU8()[addr] = Math.trunc(x); return;
    case 'bool': heapU8()[addr] = x !== 0 ? 1 : 0; return;
    case 'float16': heapU16()[addr >>> 1] = floatToHalf(x); return;
    case 'bfloat16': heapU16()[addr >>> 1] = floatToBf16(x); return;
  }
}

/** A typed array over `count` elements at byte address `addr` in the current wasm memory. */
export function heapView(dtype: DType, addr: number, count: number): TypedArray {
  const buf = heapU8().buffer;
  switch (dtype.name) {
    case 'float32': return new Float32Array(buf, addr, count);
    case 'float64': return new Float64Array(buf, addr, count);
    case 'int64': return new BigInt64Array(buf, addr, count);
    case 'int32': return new Int32Array(buf, addr, count);
    case 'int16': return new Int16Array(buf, addr, count);
    case 'int8': return new Int8Array(buf, addr, count);
    case 'uint8': case 'bool': return new Uint8Array(buf, addr, count);
    case 'float16': case 'bfloat16': return new Uint16Array(buf, addr, count);
  }
}
