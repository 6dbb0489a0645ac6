// Small helpers the nn kernels' drivers share: writing int/float parameter blocks into
// the kernel scratch area, and PyTorch's expansion of int-or-list hyper-parameters.

import { heapI32, heapF64, scratch } from '../../wasm/heap.js';
import { RuntimeError } from '../../tensor/shape.js';

/** Writes i32 values at scratch + byteOffset; returns their address. */
export function scratchI32(values: readonly number[], byteOffset = 0): number {
  const h = heapI32();
  const base = (scratch + byteOffset) >> 2;
  for (let i = 0; i < values.length; i++) h[base + i] = values[i];
  return scratch + byteOffset;
}

/** Writes f64 values at scratch + byteOffset (8-aligned); returns their address. */
export function scratchF64(values: readonly number[], byteOffset = 0): number {
  const h = heapF64();
  const base = (scratch + byteOffset) >> 3;
  for (let i = 0; i < values.length; i++) h[base + i] = values[i];
  return scratch + byteOffset;
}

/** An int or list hyper-parameter as `n` values (PyTorch's expand_param_if_needed). */
export function expandParam(op: string, name: string, v: number | readonly number[], n: number): number[] {
  if (typeof v === 'number') return new Array(n).fill(v);
  if (v.length === 1) return new Array(n).fill(v[0]);
  if (v.length !== n) {
    throw new RuntimeError(
      `${op}: expected ${name} to be a single integer value or a list of ${n} values to match the convolution dimensions, but got ${name}=[${v.join(', ')}]`,
    );
  }
  return [...v];
}

/** Python's repr of an int list as PyTorch prints sizes: [2, 3, 4]. */
export const sizeStr = (s: readonly number[]): string => `[${s.join(', ')}]`;
