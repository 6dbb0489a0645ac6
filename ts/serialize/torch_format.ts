// torch.load / torch.save for PyTorch's .pt files: the zip format (torch >= 1.6) and the
// legacy pickle stream. Tensors sharing a storage in the file share one here too.

import { Tensor } from '../tensor/tensor.js';
import { Storage } from '../tensor/storage.js';
import { DType, DTYPES } from '../tensor/dtype.js';
import { RuntimeError } from '../tensor/shape.js';
import { heapU8 } from '../wasm/heap.js';
import { pushScope, popScope } from '../tensor/scope.js';
import { Unpickler, Pickler, PyTuple, PyGlobal, PyReduce, PyPersistent, PyObject, PickleError } from './pickle.js';
import { readZip, writeZip } from './zip.js';

const STORAGE_DTYPE: Record<string, DType> = Object.fromEntries(
  DTYPES.map((d) => [`${d.scalarName}Storage`, d]),
);

/** What a persistent id resolves to: a storage and the dtype it is read as. */
interface StorageRef {
  storage: Storage;
  dtype: DType;
}

function storageType(name: string): { storageDtype: DType } | null {
  const dt = STORAGE_DTYPE[name];
  return dt ? { storageDtype: dt } : null;
}

function rebuildTensor(ref: StorageRef, offset: number, size: unknown[], stride: unknown[], requiresGrad = false): Tensor {
  const shape = Array.from(size, Number);
  const strides = Array.from(stride, Number);
  const t = new Tensor(ref.storage, ref.dtype, shape, strides, Number(offset));
  let last = Number(offset);
  shape.forEach((n, i) => n > 0 && (last += (n - 1) * strides[i]));
  if (shape.every((n) => n > 0) && (last + 1) * ref.dtype.itemsize > ref.storage.nbytes) {
    throw new RuntimeError('load: a tensor in the file extends beyond its storage (corrupt file)');
  }
  if (requiresGrad && ref.dtype.isFloatingPoint) t.requiresGrad = true;
  return t;
}

function classes(module: string, name: string): ((...a: any[]) => unknown) | null {
  const key = `${module}.${name}`;
  switch (key) {
    case 'torch._utils._rebuild_tensor_v2':
      return (ref, offset, size, stride, requiresGrad) => rebuildTensor(ref as StorageRef, offset as number, size as unknown[], stride as unknown[], requiresGrad as boolean);
    case 'torch._utils._rebuild_tensor':
      return (ref, offset, size, stride) => rebuildTensor(ref as StorageRef, offset as number, size as unknown[], stride as unknown[]);
    case 'torch._utils._rebuild_parameter':
      return (data, requiresGrad) => {
        const t = data as Tensor;
        if (requiresGrad && t.dtype.isFloatingPoint) t.requiresGrad = true;
        return t;
      };
    case 'collections.OrderedDict':
      return () => new Map();
    case 'builtins.set':
      return (items) => new Set(items as unknown[]);
  }
  if (module === 'torch') {
    const st = storageType(name);
    if (st) return Object.assign(() => st, st) as unknown as (...a: unknown[]) => unknown;
    const dt = DTYPES.find((d) => d.name === name);
    if (dt) return Object.assign(() => dt, { dtype: dt }) as unknown as (...a: unknown[]) => unknown;
  }
  return null;
}

function storageDtypeOf(typeRef: unknown): DType {
  const dt = (typeRef as { storageDtype?: DType })?.storageDtype;
  if (!dt) throw new RuntimeError(`load: unsupported storage type in file: ${String(typeRef)}`);
  return dt;
}

function newStorage(bytes: Uint8Array | null, nbytes: number): Storage {
  const s = new Storage(nbytes);
  if (bytes) {
    if (bytes.length < nbytes) throw new RuntimeError('load: storage data is truncated (corrupt file)');
    heapU8().set(bytes.subarray(0, nbytes), s.ptr);
  }
  return s;
}

/** Python dicts with string keys become plain objects (Maps otherwise); tuples become arrays. */
function toJs(v: unknown, seen = new Map<unknown, unknown>()): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Tensor || v instanceof Uint8Array) return v;
  if (seen.has(v)) return seen.get(v);
  if (v instanceof Map) {
    const stringKeys = [...v.keys()].every((k) => typeof k === 'string');
    if (stringKeys) {
      const o: Record<string, unknown> = {};
      seen.set(v, o);
      for (const [k, x] of v) o[k as string] = toJs(x, seen);
      return o;
    }
    const m = new Map();
    seen.set(v, m);
    for (const [k, x] of v) m.set(toJs(k, seen), toJs(x, seen));
    return m;
  }
  if (Array.isArray(v)) {
    const a: unknown[] = [];
    seen.set(v, a);
    for (const x of v) a.push(toJs(x, seen));
    return a;
  }
  if (v instanceof PyObject) {
    v.args = v.args.map((x) => toJs(x, seen));
    v.state = toJs(v.state, seen);
  }
  return v;
}

function loadZip(bytes: Uint8Array): unknown {
  const entries = readZip(bytes);
  const first = entries.keys().next().value as string | undefined;
  if (!first) throw new RuntimeError('load: empty archive');
  // the archive folder is named after the file it was saved to: take it from the first entry
  const folder = first.slice(0, first.indexOf('/'));
  const pkl = entries.get(`${folder}/data.pkl`);
  if (!pkl) throw new RuntimeError(`load: ${folder}/data.pkl not found in the archive`);
  const storages = new Map<string, Storage>();
  const persistentLoad = (pid: unknown): StorageRef => {
    const [kind, type, key, , numel] = pid as [string, unknown, string, string, number];
    if (kind !== 'storage') throw new RuntimeError(`load: unknown persistent id ${String(kind)}`);
    const dtype = storageDtypeOf(type);
    let s = storages.get(key);
    if (!s) {
      const data = entries.get(`${folder}/data/${key}`);
      if (!data) throw new RuntimeError(`load: storage ${key} missing from the archive`);
      s = newStorage(data, Number(numel) * dtype.itemsize);
      s.retain(); // the loader's hold until tensors reference it
      storages.set(key, s);
    }
    return { storage: s, dtype };
  };
  try {
    return toJs(new Unpickler(pkl, classes, persistentLoad).load());
  } finally {
    for (const s of storages.values()) s.release();
  }
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

function loadLegacy(bytes: Uint8Array): unknown {
  let off = 0;
  const next = (pl?: (pid: unknown) => unknown): unknown => {
    const u = new Unpickler(bytes.subarray(off), classes, pl);
    const v = u.load();
    off += u.offset;
    return v;
  };
  const magic = next();
  if (BigInt(magic as number | bigint) !== LEGACY_MAGIC) throw new RuntimeError('load: invalid magic number; corrupt file?');
  const protocol = next();
  if (protocol !== 1001) throw new RuntimeError(`load: invalid protocol version: ${String(protocol)}`);
  next(); // sys info
  const refs = new Map<string, { ref: StorageRef; numel: number }>();
  const pending = new Map<string, Storage>();
  const persistentLoad = (pid: unknown): StorageRef => {
    const [kind, type, key, , numel] = pid as [string, unknown, string, string, number];
    if (kind !== 'storage') throw new RuntimeError(`load: unknown persistent id ${String(kind)}`);
    const dtype = storageDtypeOf(type);
    let r = refs.get(key);
    if (!r) {
      const s = newStorage(null, Number(numel) * dtype.itemsize);
      s.retain();
      pending.set(key, s);
      r = { ref: { storage: s, dtype }, numel: Number(numel) };
      refs.set(key, r);
    }
    return r.ref;
  };
  try {
    const result = next(persistentLoad);
    const keys = next() as string[];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const key of keys) {
      const r = refs.get(key);
      if (!r || off + 8 > bytes.length) throw new RuntimeError('load: corrupt legacy file (storage table)');
      const numel = Number(view.getBigInt64(off, true));
      off += 8;
      const n = numel * r.ref.dtype.itemsize;
      if (off + n > bytes.length) throw new RuntimeError('load: storage data is truncated (corrupt file)');
      heapU8().set(bytes.subarray(off, off + n), r.ref.storage.ptr);
      off += n;
    }
    return toJs(result);
  } finally {
    for (const s of pending.values()) s.release();
  }
}

export interface LoadOptions {
  /** Accepted for compatibility: every tensor loads on the CPU (wasm memory). */
  mapLocation?: unknown;
  weightsOnly?: boolean;
}

/**
 * Reads a file written by PyTorch's torch.save (zip or legacy format).
 * @example const sd = torch.load(fs.readFileSync('resnet18.pt')); sd['fc.weight']
 */
export function load(source: Uint8Array | ArrayBuffer, _options: LoadOptions = {}): any {
  const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
  const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (!isZip && !(bytes.length >= 2 && bytes[0] === 0x80)) {
    throw new RuntimeError('load: not a PyTorch file (expected a zip archive or a legacy pickle)');
  }
  // Tensors made before a failure are freed; on success they move to the caller's scope.
  const made: Tensor[] = [];
  pushScope(made);
  try {
    const result = isZip ? loadZip(bytes) : loadLegacy(bytes);
    popScope(made);
    return result;
  } catch (e) {
    popScope();
    for (const t of made) t.dispose();
    if (e instanceof PickleError || e instanceof RangeError) throw new RuntimeError(`load: corrupt file: ${e.message}`);
    throw e;
  }
}

/** Serialises tensors, Maps/objects, arrays, numbers, strings, booleans and null in PyTorch's zip format. */
export function save(obj: unknown, options: { archiveName?: string } = {}): Uint8Array {
  const folder = options.archiveName ?? 'archive';
  const keys = new Map<Storage, string>();
  const storageData: { key: string; data: Uint8Array }[] = [];
  const rebuild = new PyGlobal('torch._utils', '_rebuild_tensor_v2');
  const ordered = new PyGlobal('collections', 'OrderedDict');
  const convert = (v: unknown): unknown => {
    if (v instanceof Tensor) {
      v._check('save');
      let key = keys.get(v._s);
      if (key === undefined) {
        key = String(keys.size);
        keys.set(v._s, key);
        storageData.push({ key, data: heapU8().slice(v._s.ptr, v._s.ptr + v._s.nbytes) });
      }
      const pid = new PyPersistent(['storage', new PyGlobal('torch', `${v.dtype.scalarName}Storage`), key, 'cpu', v._s.nbytes / v.dtype.itemsize]);
      return new PyReduce(rebuild, [pid, v._offset, PyTuple.from(v.shape), PyTuple.from(v._strides), v.requiresGrad, new PyReduce(ordered, [])]);
    }
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, convert(x)]));
    if (Array.isArray(v)) return v instanceof PyTuple ? PyTuple.from(v.map(convert)) : v.map(convert);
    if (v !== null && typeof v === 'object') {
      if (Object.getPrototypeOf(v) !== Object.prototype) throw new TypeError(`save: cannot serialise ${(v as object).constructor.name}`);
      return new Map(Object.entries(v).map(([k, x]) => [k, convert(x)]));
    }
    return v;
  };
  const pkl = new Pickler().dump(convert(obj));
  return writeZip([
    { name: `${folder}/data.pkl`, data: pkl },
    ...storageData.map((s) => ({ name: `${folder}/data/${s.key}`, data: s.data })),
    { name: `${folder}/version`, data: new TextEncoder().encode('3\n') },
  ]);
}
