// The instantiated module and typed views of its memory. Memory growth detaches the
// old ArrayBuffer (or, for the threads build's shared memory, leaves the old
// SharedArrayBuffer at its old length), so every view is re-made when the buffer
// changed: never keep one across a call that may allocate.

import type { KernelExports } from './exports.js';

// Until init() succeeds, any kernel call (through 'torchwasm/manual' before init) says so
// instead of failing inside with a null dereference.
const notLoaded = new Proxy({}, {
  get() {
    throw new Error("torchwasm: the wasm module is not loaded yet: call 'await torch.init(source)' first (the 'torchwasm/manual' entry does not load it by itself)");
  },
}) as KernelExports;
export let K: KernelExports = notLoaded;
export let relaxedSimd = false;

let buffer: ArrayBuffer | null = null;
let u8v: Uint8Array, i8v: Int8Array, i16v: Int16Array, u16v: Uint16Array, i32v: Int32Array;
let f32v: Float32Array, f64v: Float64Array, i64v: BigInt64Array;

function refresh(): void {
  buffer = K.memory.buffer as ArrayBuffer;
  u8v = new Uint8Array(buffer);
  i8v = new Int8Array(buffer);
  i16v = new Int16Array(buffer);
  u16v = new Uint16Array(buffer);
  i32v = new Int32Array(buffer);
  f32v = new Float32Array(buffer);
  f64v = new Float64Array(buffer);
  i64v = new BigInt64Array(buffer);
}

// Growing a (non-shared) wasm memory detaches its old buffer, and views of a detached
// buffer have length 0: checking that is cheaper than the memory.buffer getter. A
// shared buffer is never detached: growth (by any thread) shows as a new length.
// (The threads build's mem_pages export reads the size: cheaper than memory.buffer.)
let pages: (() => number) | null = null;
const stale = (): boolean =>
  buffer === null || u8v.length === 0 || (pages !== null && pages() * 65536 !== u8v.length);
export const heapU8 = (): Uint8Array => (stale() && refresh(), u8v);
export const heapI8 = (): Int8Array => (stale() && refresh(), i8v);
export const heapI16 = (): Int16Array => (stale() && refresh(), i16v);
export const heapU16 = (): Uint16Array => (stale() && refresh(), u16v);
export const heapI32 = (): Int32Array => (stale() && refresh(), i32v);
export const heapF32 = (): Float32Array => (stale() && refresh(), f32v);
export const heapF64 = (): Float64Array => (stale() && refresh(), f64v);
export const heapI64 = (): BigInt64Array => (stale() && refresh(), i64v);

/** Scratch area for kernel descriptors and scalar operands (one call at a time). */
export let scratch = 0;
export const SCRATCH_BYTES = 1 << 16;
/** Byte offset inside scratch where scalar operand slots start (4 slots of 16 bytes). */
export const SCALAR_SLOTS = SCRATCH_BYTES - 64;

export function setInstance(exports: KernelExports, relaxed: boolean): void {
  K = exports;
  relaxedSimd = relaxed;
  buffer = null;
  const shared = typeof SharedArrayBuffer !== 'undefined' && K.memory.buffer instanceof SharedArrayBuffer;
  const mp = (K as unknown as { mem_pages?: () => number }).mem_pages;
  pages = shared ? (mp ?? (() => K.memory.buffer.byteLength / 65536)) : null;
  scratch = K.mem_alloc(SCRATCH_BYTES);
  if (scratch === 0) throw new Error('torchwasm: cannot allocate the kernel scratch area');
}

export const isInitialized = (): boolean => K !== notLoaded;
