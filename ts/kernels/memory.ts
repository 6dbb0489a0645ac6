// Driver of crate/src/abi/memory.rs: allocation, strided copy with casting, fills,
// ranges and CRC-32. The lowest driver: tensor/ itself allocates and copies through
// it, so it imports nothing above wasm/ (tensors only as a type).

import { K, scratch, heapU8 } from '../wasm/heap.js';
import type { Tensor, Scalar } from '../tensor/tensor.js';
import { broadcastStrides, checkExpandable, outOfMemory } from '../tensor/shape.js';
import { writeDesc } from './scratch.js';
import { checkStatus } from './status.js';

/** The largest single allocation wasm32 can serve (Rust's Layout caps sizes at isize::MAX). */
const MAX_ALLOC_BYTES = 0x7fff_fff0;

/** A block of nbytes (> 0) of wasm memory; throws PyTorch's allocator RuntimeError when there is none. */
export function alloc(nbytes: number): number {
  // The ABI takes a 32-bit size: a larger request would wrap to a small allocation.
  const p = nbytes > 0 && nbytes <= MAX_ALLOC_BYTES && Number.isInteger(nbytes) ? K.mem_alloc(nbytes) >>> 0 : 0;
  if (p === 0) throw outOfMemory(nbytes);
  // wasm returns addresses as i32: >>> 0 keeps those above 2 GiB positive.
  return p;
}

/** Frees a block from alloc() (same size). */
export function free(ptr: number, nbytes: number): void {
  K.mem_free(ptr, nbytes);
}

/** Size of the wasm linear memory in bytes. */
export const wasmBytes = (): number => K.memory.buffer.byteLength;

/**
 * dst[...] = cast(src), src broadcast to dst's shape, in one kernel call. The caller
 * guarantees the two do not overlap in a way the copy could read after writing.
 */
export function copyStrided(dst: Tensor, src: Tensor): void {
  if (dst.numel() === 0) return;
  checkExpandable(src._shape, dst._shape); // a src that does not broadcast would be read out of bounds
  const nd = writeDesc(dst._shape, [dst._strides, broadcastStrides(src._shape, src._strides, dst._shape)]);
  checkStatus(K.copy_cast(src.dtype.code, dst.dtype.code, nd, scratch, dst._ptr, src._ptr), 'copy_');
}

/** Sets every element of t to v. */
export function fill(t: Tensor, v: Scalar): void {
  if (t.numel() === 0) return;
  const nd = writeDesc(t._shape, [t._strides]);
  if (t.dtype.name === 'int64' && (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) {
    checkStatus(K.fill_i64(t.dtype.code, nd, scratch, t._ptr, BigInt(v)), 'fill_');
  } else {
    checkStatus(K.fill_f64(t.dtype.code, nd, scratch, t._ptr, Number(v)), 'fill_');
  }
}

/** Writes the range `kind` (codes.RANGE) with parameters a, b, c into contiguous t. */
export function fillRange(kind: number, t: Tensor, a: number, b: number, c: number): void {
  const n = t.numel();
  if (n > 0) checkStatus(K.fill_range(kind, t.dtype.code, t._ptr, n, a, b, c), 'arange');
}

/** CRC-32 of bytes continuing from `crc`, computed by the crate (the data is copied into wasm memory in chunks). */
export function crc32(data: Uint8Array, crc = 0): number {
  if (data.length === 0) return crc;
  const chunk = 1 << 20;
  const size = Math.min(chunk, data.length);
  const ptr = alloc(size);
  try {
    for (let off = 0; off < data.length; off += chunk) {
      const part = data.subarray(off, off + chunk);
      heapU8().set(part, ptr);
      crc = (K.crc32(crc, ptr, part.length) as number) >>> 0;
    }
    return crc;
  } finally {
    free(ptr, size);
  }
}

/** CRC-32 of n bytes already in wasm memory at ptr, continuing from `crc`. */
export function crc32InMemory(ptr: number, n: number, crc = 0): number {
  return n > 0 ? (K.crc32(crc, ptr, n) as number) >>> 0 : crc;
}
