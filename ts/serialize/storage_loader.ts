// Storages named by a file's persistent ids: each read once from the file's bytes
// (its size checked against the bytes there before anything is allocated), optionally
// cast to another floating-point dtype, and shared by every tensor that names it.

import { Tensor } from '../tensor/tensor.js';
import { Storage } from '../tensor/storage.js';
import type { DType } from '../tensor/dtype.js';
import type { EntryBytes } from './zip.js';
import { corrupt, shown, UnpicklingError } from './errors.js';
import { StorageRef } from './tensor_rebuild.js';
import { StorageType } from './load_policy.js';

export interface StoragePid {
  type: StorageType;
  dtype: DType;
  key: string;
  numel: number;
  viewMetadata: unknown;
}

/** A persistent id checked: ('storage', storage type, key, location, numel[, view_metadata]). */
export function parseStoragePid(pid: unknown): StoragePid {
  const kind = Array.isArray(pid) ? pid[0] : pid;
  if (kind !== 'storage') throw new UnpicklingError(`load: only persistent ids of storages are allowed, got ${shown(kind)}`);
  if (!Array.isArray(pid) || pid.length < 5) throw corrupt('a persistent id is not a storage tuple');
  const [, type, key, , numel, viewMetadata] = pid;
  if (!(type instanceof StorageType)) throw corrupt('a persistent id does not name a storage type');
  if (type.dtype === null) throw new UnpicklingError(`load: unsupported storage type ${type.fullName} (no such dtype here)`);
  if (typeof key !== 'string') throw corrupt('a storage key is not a string');
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) throw corrupt(`storage ${key} has an invalid size`);
  return { type, dtype: type.dtype, key, numel, viewMetadata };
}

export class StorageLoader {
  private readonly refs = new Map<string, StorageRef>();
  /** The loader's own reference to each storage, let go by release(). */
  private readonly held: Storage[] = [];

  /** `bytesOf(key)`: the file's bytes for a storage (copied into it), or null when the file has none. */
  constructor(private readonly bytesOf: (key: string) => EntryBytes | null, private readonly castTo: DType | null) {}

  /** persistent_load: the storage a persistent id names. */
  readonly load = (pid: unknown): StorageRef => {
    const { dtype, key, numel, viewMetadata } = parseStoragePid(pid);
    if (viewMetadata !== null && viewMetadata !== undefined) throw new UnpicklingError('load: storage views of the pre-0.4 format are not supported');
    // PyTorch keeps the dtype a key was first read with
    const known = this.refs.get(key);
    if (known) return known;
    const data = this.bytesOf(key);
    if (data === null) throw corrupt(`storage ${key} is missing from the file`);
    const nbytes = numel * dtype.itemsize;
    if (nbytes > data.length) throw corrupt(`storage ${key} should hold ${nbytes} bytes but the file has ${data.length}`);
    let ref = new StorageRef(this.hold(new Storage(nbytes)), dtype);
    data.copyTo(ref.storage.ptr, nbytes);
    if (this.castTo !== null && dtype.isFloatingPoint && dtype !== this.castTo) ref = this.cast(ref, this.castTo);
    this.refs.set(key, ref);
    return ref;
  };

  private hold(s: Storage): Storage {
    s.retain();
    this.held.push(s);
    return s;
  }

  /** A copy of ref's storage cast to dtype: element offsets and strides stay valid. */
  private cast(ref: StorageRef, dtype: DType): StorageRef {
    const whole = new Tensor(ref.storage, ref.dtype, [ref.numel], [1], 0);
    const cast = (whole as any).to(dtype) as Tensor;
    const out = new StorageRef(this.hold(cast._s), dtype);
    whole.dispose();
    cast.dispose();
    return out;
  }

  /** Lets go of the loader's references: storages no tensor uses are freed. */
  release(): void {
    for (const s of this.held) s.release();
    this.held.length = 0;
  }
}
