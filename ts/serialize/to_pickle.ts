// What torch.save writes for each JavaScript value (the inverse of materialize.ts):
//   null / undefined -> None; booleans -> bool; bigint -> int;
//   numbers -> int when integral (a safe integer, not -0), float otherwise;
//   strings -> str; Uint8Array -> bytes; DType -> torch.<dtype>;
//   Array -> list; tuple(...) (a PyTuple) -> tuple; Set -> set;
//   plain objects and Maps -> dict (Map keys keep their type: number keys are ints),
//   or collections.OrderedDict when marked with orderedDict() (what stateDict() returns);
//   Tensor -> torch._utils._rebuild_tensor_v2 over its storage (one storage written
//   once, offsets and strides kept); Parameter -> torch._utils._rebuild_parameter;
//   Module -> its registered class and state (module_state.ts).
// Each object is converted once, so shared and cyclic values stay shared and cyclic.

import { Tensor } from '../tensor/tensor.js';
import { Storage } from '../tensor/storage.js';
import { DType } from '../tensor/dtype.js';
import { RuntimeError } from '../tensor/shape.js';
import { Module } from '../nn/module.js';
import { Parameter } from '../nn/parameter.js';
import { PyGlobal, PyReduce, PyNewObj, PyPersistent, PyTuple, PyObject, tuple, MAX_DEPTH } from './pickle.js';
import { isOrderedDict } from './ordered_dict.js';
import { moduleClassName } from './module_registry.js';
import { moduleSaveState } from './module_state.js';
import { MODULE_GLOBAL } from './load_policy.js';

const REBUILD_TENSOR = new PyGlobal('torch._utils', '_rebuild_tensor_v2');
const REBUILD_PARAMETER = new PyGlobal('torch._utils', '_rebuild_parameter');
const ORDERED_DICT = new PyGlobal('collections', 'OrderedDict');
const SET = new PyGlobal('builtins', 'set');
const BYTES = new PyGlobal('builtins', 'bytes');
const ENCODE = new PyGlobal('_codecs', 'encode');

/** A storage to write, under its key in the file. */
export interface SavedStorage {
  key: string;
  storage: Storage;
  dtype: DType;
}

function className(v: unknown): string {
  return (v as object)?.constructor?.name ?? typeof v;
}

export class PickleConverter {
  readonly storages: SavedStorage[] = [];
  private readonly byStorage = new Map<Storage, SavedStorage>();
  private readonly seen = new Map<unknown, unknown>();
  private depth = 0;

  /** legacy: persistent ids carry the sixth field (view metadata) of the pre-1.6 format. */
  constructor(private readonly legacy = false) {}

  convert(v: unknown, path = 'obj'): unknown {
    if (v === null || v === undefined || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') {
      return v ?? null;
    }
    if (v instanceof DType) return new PyGlobal('torch', v.name);
    const done = this.seen.get(v);
    if (done !== undefined) return done;
    if (++this.depth > MAX_DEPTH) throw new TypeError(`save: the object is nested deeper than ${MAX_DEPTH} levels at ${path.slice(0, 200)}...`);
    try {
      return this.object(v, path);
    } finally {
      this.depth--;
    }
  }

  private object(v: object, path: string): unknown {
    if (v instanceof Module) return this.module(v, path);
    if (typeof v !== 'object') throw new TypeError(`save: cannot serialise a ${typeof v} at ${path}`);
    if (v instanceof Parameter) return this.remember(v, new PyReduce(REBUILD_PARAMETER, [this.tensor(v, path, false), v.requiresGrad, new PyReduce(ORDERED_DICT, [])]));
    if (v instanceof Tensor) return this.remember(v, this.tensor(v, path, v.requiresGrad));
    if (v instanceof Uint8Array && v.constructor === Uint8Array) return this.remember(v, bytes(v));
    if (v instanceof PyTuple) {
      const out = this.remember(v, new PyTuple());
      v.forEach((x, i) => out.push(this.convert(x, `${path}[${i}]`)));
      return out;
    }
    if (Array.isArray(v)) {
      const out = this.remember(v, [] as unknown[]);
      v.forEach((x, i) => out.push(this.convert(x, `${path}[${i}]`)));
      return out;
    }
    if (v instanceof Set) {
      const items: unknown[] = [];
      const out = this.remember(v, new PyReduce(SET, [items]));
      for (const x of v) items.push(this.convert(x, `${path} (a set item)`));
      return out;
    }
    if (v instanceof Map) return this.dict(v, [...v.entries()], path);
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return this.dict(v, Object.entries(v), path);
    if (v instanceof PyObject) throw new TypeError(`save: cannot serialise the placeholder of ${v.className} at ${path}`);
    throw new TypeError(`save: cannot serialise ${className(v)} at ${path}`);
  }

  private remember<T>(v: unknown, out: T): T {
    this.seen.set(v, out);
    return out;
  }

  private dict(v: object, entries: [unknown, unknown][], path: string): unknown {
    const key = (k: unknown): string => (typeof k === 'string' ? `${path}[${JSON.stringify(k)}]` : `${path}[${String(k)}]`);
    if (isOrderedDict(v)) {
      const items: [unknown, unknown][] = [];
      const out = this.remember(v, new PyReduce(ORDERED_DICT, [], items));
      for (const [k, x] of entries) items.push([this.convert(k, `${path} (a key)`), this.convert(x, key(k))]);
      return out;
    }
    const out = this.remember(v, new Map<unknown, unknown>());
    for (const [k, x] of entries) out.set(this.convert(k, `${path} (a key)`), this.convert(x, key(k)));
    return out;
  }

  private tensor(t: Tensor, path: string, requiresGrad: boolean): PyReduce {
    t._check('save', path);
    const s = t._s;
    let saved = this.byStorage.get(s);
    if (saved === undefined) {
      saved = { key: String(this.storages.length), storage: s, dtype: t.dtype };
      this.byStorage.set(s, saved);
      this.storages.push(saved);
    } else if (saved.dtype !== t.dtype) {
      throw new RuntimeError('Cannot save multiple tensors or storages that view the same data as different types');
    }
    const numel = Math.floor(s.nbytes / t.dtype.itemsize);
    const id: unknown[] = ['storage', new PyGlobal('torch', `${t.dtype.scalarName}Storage`), saved.key, 'cpu', numel];
    if (this.legacy) id.push(null);
    return new PyReduce(REBUILD_TENSOR, [
      new PyPersistent(id), t._offset, tuple(...t.shape), tuple(...t._strides), requiresGrad, new PyReduce(ORDERED_DICT, []),
    ]);
  }

  private module(m: Module, path: string): PyNewObj {
    const name = moduleClassName(m);
    if (name === null) {
      const cls = m.constructor.name;
      throw new TypeError(`save: the module class ${cls} at ${path} is not registered: call torch.serialization.registerModuleClass(${cls}) (then load it with { weightsOnly: false })`);
    }
    const out = this.remember(m, new PyNewObj(new PyGlobal(MODULE_GLOBAL, name)));
    out.state = this.convert(moduleSaveState(m), path);
    return out;
  }
}

/** Python bytes as protocol 2 writes them: _codecs.encode(latin-1 text, 'latin1'). */
function bytes(b: Uint8Array): PyReduce {
  if (b.length === 0) return new PyReduce(BYTES, []);
  let text = '';
  for (let i = 0; i < b.length; i += 8192) text += String.fromCharCode(...b.subarray(i, i + 8192));
  return new PyReduce(ENCODE, [text, 'latin1']);
}
