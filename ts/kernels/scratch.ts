// The scratch area where drivers lay out what a kernel reads besides its operands:
// strided descriptors (shape, then one stride row per operand; coalesced, see
// crate/src/strided.rs) and blocks of int or float parameters.

import { heapI32, heapF64, scratch } from '../wasm/heap.js';

const MAX_DIMS = 32;

/**
 * Writes the descriptor of an index space `shape` over operands with `strides` (in
 * elements) at `scratch + byteOffset`, merging dims that are contiguous for every operand
 * and dropping size-1 dims. Returns the number of dims written.
 */
export function writeDesc(shape: readonly number[], strides: readonly (readonly number[])[], byteOffset = 0): number {
  const k = strides.length;
  // Coalesce from the innermost dim outwards into (size, stride per operand) groups.
  const gs: number[] = [];
  const gst: number[][] = [];
  for (let op = 0; op < k; op++) gst.push([]);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d];
    if (n === 1) continue;
    const last = gs.length - 1;
    let merge = last >= 0;
    if (merge) {
      for (let op = 0; op < k; op++) {
        if (strides[op][d] !== gst[op][last] * gs[last]) {
          merge = false;
          break;
        }
      }
    }
    if (merge) {
      gs[last] *= n;
    } else {
      gs.push(n);
      for (let op = 0; op < k; op++) gst[op].push(strides[op][d]);
    }
  }
  const nd = gs.length;
  if (nd > MAX_DIMS) throw new Error(`too many dimensions (${nd}) for a kernel; at most ${MAX_DIMS} are supported`);
  const h = heapI32();
  const base = (scratch + byteOffset) >>> 2;
  for (let i = 0; i < nd; i++) h[base + i] = gs[nd - 1 - i];
  for (let op = 0; op < k; op++) {
    const row = base + nd * (op + 1);
    const s = gst[op];
    for (let i = 0; i < nd; i++) h[row + i] = s[nd - 1 - i];
  }
  return nd;
}

/** Writes an uncoalesced descriptor (the dims are kept as given). Returns nd. */
export function writeDescRaw(shape: readonly number[], strides: readonly (readonly number[])[], byteOffset = 0): number {
  const nd = shape.length;
  if (nd > MAX_DIMS) throw new Error(`too many dimensions (${nd}) for a kernel; at most ${MAX_DIMS} are supported`);
  const h = heapI32();
  const base = (scratch + byteOffset) >>> 2;
  for (let i = 0; i < nd; i++) h[base + i] = shape[i];
  for (let op = 0; op < strides.length; op++) {
    const row = base + nd * (op + 1);
    for (let i = 0; i < nd; i++) h[row + i] = strides[op][i];
  }
  return nd;
}

/** The descriptor of a flat index space of n elements over (out, a, b): out and a
 * contiguous, b contiguous (bStride 1) or a broadcast scalar (0). Returns its address. */
export function writeFlatDesc(n: number, bStride: number): number {
  const h = heapI32();
  const base = scratch >> 2;
  h[base] = n;
  h[base + 1] = 1;
  h[base + 2] = 1;
  h[base + 3] = bStride;
  return scratch;
}

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
