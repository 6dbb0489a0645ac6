// PyTorch's legacy .pt format (before 1.6, or _use_new_zipfile_serialization=False):
// pickles of the magic number, the protocol version (1001) and the system info, the
// pickle of the object (storages as persistent ids), a pickle of the storage keys,
// then each storage as an int64 element count followed by its bytes.
//
// The storages come after the object, so the object pickle is read twice: first by a
// host that only notes which storages it names and where it ends, then for real,
// with each storage's bytes already located (as in a zip archive).

import type { DType } from '../tensor/dtype.js';
import { heapU8 } from '../wasm/heap.js';
import { Unpickler, Pickler, PickleHost } from './pickle.js';
import { corrupt, shown, UnpicklingError } from './errors.js';
import { ScanHost } from './load_policy.js';
import { parseStoragePid } from './storage_loader.js';
import type { SavedStorage } from './to_pickle.js';
import type { EntryBytes } from './zip.js';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

/** Whether the bytes start like a legacy file (a protocol 2-5 pickle). */
export function looksLegacy(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5;
}

/**
 * Reads a legacy file. `hostFor(persistentLoad)` is the PickleHost of every pickle;
 * `storagesOf(bytesOf)` the persistent_load that reads a storage's bytes from bytesOf(key).
 */
export function loadLegacy(
  bytes: Uint8Array,
  hostFor: (persistentLoad: (pid: unknown) => unknown) => PickleHost,
  storagesOf: (bytesOf: (key: string) => EntryBytes | null) => (pid: unknown) => unknown,
): unknown {
  let off = 0;
  const noPersistent = (): never => {
    throw corrupt('a persistent id outside the object pickle');
  };
  const next = (host: PickleHost = hostFor(noPersistent)): unknown => {
    const u = new Unpickler(bytes.subarray(off), host);
    const v = u.load();
    off += u.offset;
    return v;
  };
  const magic = next();
  if (typeof magic !== 'bigint' || magic !== MAGIC) throw corrupt('invalid magic number');
  const protocol = next();
  if (protocol !== PROTOCOL_VERSION) throw corrupt(`invalid protocol version: ${shown(protocol)}`);
  const sysInfo = next();
  if (sysInfo instanceof Map && sysInfo.get('little_endian') === false) throw new UnpicklingError('load: big-endian files are not supported');

  // first pass: the storages the object names (dtype and size by key), and its end
  const objectStart = off;
  const named = new Map<string, { dtype: DType; numel: number }>();
  next(
    new ScanHost((pid) => {
      const { dtype, key, numel } = parseStoragePid(pid);
      if (!named.has(key)) named.set(key, { dtype, numel });
      return null;
    }),
  );
  const keys = next();
  if (!Array.isArray(keys)) throw corrupt('the storage key list is not a list');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const located = new Map<string, Uint8Array>();
  for (const key of keys) {
    const info = typeof key === 'string' ? named.get(key) : undefined;
    if (info === undefined || located.has(key)) throw corrupt(`storage key ${shown(key)} is unknown or repeated`);
    if (off + 8 > bytes.length) throw corrupt('storage data is truncated');
    const numel = view.getBigInt64(off, true);
    if (numel !== BigInt(info.numel)) throw corrupt(`storage ${key} holds ${numel} elements, its tensors expect ${info.numel}`);
    off += 8;
    const n = info.numel * info.dtype.itemsize;
    if (n > bytes.length - off) throw corrupt('storage data is truncated');
    located.set(key, bytes.subarray(off, off + n));
    off += n;
  }
  for (const key of named.keys()) if (!located.has(key)) throw corrupt(`storage ${key} has no data in the file`);

  // second pass: the object, for real
  off = objectStart;
  const bytesOf = (key: string): EntryBytes | null => {
    const data = located.get(key);
    return data === undefined ? null : { length: data.length, copyTo: (ptr, n) => heapU8().set(data.subarray(0, n), ptr) };
  };
  return next(hostFor(storagesOf(bytesOf)));
}

/** Writes the legacy format (torch.save(obj, f, _use_new_zipfile_serialization=False)). */
export function writeLegacy(pickled: Uint8Array, storages: SavedStorage[]): Uint8Array {
  const sysInfo = new Map<string, unknown>([
    ['protocol_version', PROTOCOL_VERSION],
    ['little_endian', true],
    ['type_sizes', new Map([['short', 2], ['int', 4], ['long', 4]])],
  ]);
  const sorted = [...storages].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const head = [MAGIC, PROTOCOL_VERSION, sysInfo].map((v) => new Pickler().dump(v));
  const keys = new Pickler().dump(sorted.map((s) => s.key));
  const total = head.reduce((n, b) => n + b.length, 0) + pickled.length + keys.length + sorted.reduce((n, s) => n + 8 + s.storage.nbytes, 0);
  const out = new Uint8Array(total);
  let p = 0;
  for (const b of [...head, pickled, keys]) {
    out.set(b, p);
    p += b.length;
  }
  const view = new DataView(out.buffer);
  for (const s of sorted) {
    view.setBigInt64(p, BigInt(Math.floor(s.storage.nbytes / s.dtype.itemsize)), true);
    p += 8;
    out.set(heapU8().subarray(s.storage.ptr, s.storage.ptr + s.storage.nbytes), p);
    p += s.storage.nbytes;
  }
  return out;
}
