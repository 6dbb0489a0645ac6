// Storage: one allocation in wasm memory, shared by every tensor that views it.
// It is freed exactly once, when the last tensor referencing it is disposed or
// collected (each Tensor holds one reference; see tensor.ts).

import { alloc, free, wasmBytes } from '../kernels/memory.js';

export const stats = { liveTensors: 0, liveStorages: 0, bytesInUse: 0, peakBytes: 0 };

export class Storage {
  /** Byte address in wasm memory (0 for a zero-byte storage). */
  ptr: number;
  readonly nbytes: number;
  /** Live tensors referencing this storage. */
  refs = 0;
  /** Version counter shared by a tensor and its views (for autograd's saved-tensor checks). */
  version = 0;
  freed = false;

  constructor(nbytes: number) {
    this.nbytes = nbytes;
    this.ptr = nbytes === 0 ? 0 : alloc(nbytes);
    stats.liveStorages++;
    stats.bytesInUse += nbytes;
    if (stats.bytesInUse > stats.peakBytes) stats.peakBytes = stats.bytesInUse;
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs === 0 && !this.freed) {
      this.freed = true;
      if (this.ptr !== 0) free(this.ptr, this.nbytes);
      stats.liveStorages--;
      stats.bytesInUse -= this.nbytes;
    }
  }
}

export function isStorage(x: unknown): boolean {
  return x instanceof Storage || x instanceof TypedStorage;
}

/** What `tensor.storage()` returns: the storage seen with the tensor's dtype, as PyTorch's TypedStorage. */
export class TypedStorage {
  constructor(readonly untyped: Storage, readonly dtype: { name: string; itemsize: number }) {}
  size(): number {
    return this.untyped.nbytes / this.dtype.itemsize;
  }
  get length(): number {
    return this.size();
  }
  dataPtr(): number {
    return this.untyped.ptr;
  }
}

export interface MemoryReport {
  /** Tensors neither disposed nor collected. */
  liveTensors: number;
  /** Storages not yet freed. */
  liveStorages: number;
  /** Bytes of wasm memory held by live storages. */
  bytesInUse: number;
  /** The largest bytesInUse seen. */
  peakBytes: number;
  /** Size of the wasm linear memory. */
  wasmBytes: number;
}

/** Live tensors, storages and bytes: a flat report across a loop means no leak. */
export function memory(): MemoryReport {
  return { ...stats, wasmBytes: wasmBytes() };
}

/** Starts peakBytes again from bytesInUse (torch.cuda.reset_peak_memory_stats), to measure one call's peak. */
export function resetPeakMemoryStats(): void {
  stats.peakBytes = stats.bytesInUse;
}
