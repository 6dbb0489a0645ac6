// Turns what the unpickler read into JavaScript values:
// - a dict with only string keys becomes a plain object (an OrderedDict one is marked
//   with orderedDict(), so saving it again writes an OrderedDict); other dicts are Maps
//   (an optimizer's `state`, keyed by int, is a Map with number keys),
// - a tuple a PyTuple (an Array), a list an Array, a set a Set, bytes a Uint8Array,
// - a module saved whole a new instance of its registered class (module_state.ts).
// Shared and cyclic values stay shared and cyclic. It records every tensor it reaches,
// so the loader can free the ones the result does not hold.

import { Tensor } from '../tensor/tensor.js';
import { DType } from '../tensor/dtype.js';
import { PyObject, PyTuple, MAX_DEPTH } from './pickle.js';
import { isOrderedDict, orderedDict } from './ordered_dict.js';
import { corrupt } from './errors.js';
import { LoadContext, PendingModule, PyClass, ModuleClassRef } from './load_policy.js';
import { StorageRef, setTensorState } from './tensor_rebuild.js';
import { restoreModule } from './module_state.js';

export class Materializer {
  private readonly seen = new Map<unknown, unknown>();
  /** Every tensor the result holds (directly, in containers or in modules). */
  readonly reachable = new Set<Tensor>();
  private depth = 0;

  constructor(private readonly ctx: LoadContext) {}

  convert(v: unknown): unknown {
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Tensor) return this.tensor(v);
    if (v instanceof DType || v instanceof Uint8Array) return v;
    const done = this.seen.get(v);
    if (done !== undefined) return done;
    if (++this.depth > MAX_DEPTH) throw corrupt(`containers are nested deeper than ${MAX_DEPTH} levels`);
    try {
      return this.container(v);
    } finally {
      this.depth--;
    }
  }

  private tensor(t: Tensor): Tensor {
    if (this.reachable.has(t)) return t;
    this.reachable.add(t);
    const state = this.ctx.tensorStates.get(t);
    if (state !== undefined) setTensorState(t, this.convert(state));
    return t;
  }

  private container(v: object): unknown {
    if (v instanceof PyTuple) {
      const out = new PyTuple();
      this.seen.set(v, out);
      for (const x of v) out.push(this.convert(x));
      return out;
    }
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      this.seen.set(v, out);
      for (const x of v) out.push(this.convert(x));
      return out;
    }
    if (v instanceof Map) return this.dict(v);
    if (v instanceof Set) {
      const out = new Set();
      this.seen.set(v, out);
      for (const x of v) out.add(this.convert(x));
      return out;
    }
    if (v instanceof PendingModule) {
      return restoreModule(v, (m) => this.seen.set(v, m), (x) => this.convert(x));
    }
    if (v instanceof PyObject) {
      const out = new PyObject(v.className);
      this.seen.set(v, out);
      out.args = v.args.map((x) => this.convert(x));
      out.state = this.convert(v.state);
      out.items = v.items.map((x) => this.convert(x));
      return out;
    }
    if (v instanceof StorageRef) throw corrupt('a bare storage (not a tensor) is not supported: save tensors instead');
    if (v instanceof ModuleClassRef) return new PyClass(`torchwasm.${v.registeredName}`);
    if (v instanceof PyClass) return v;
    // an allowed function, class or storage type held as a value: an inert name
    const name = (v as { fullName?: unknown }).fullName;
    if (typeof name === 'string') return new PyClass(name);
    throw corrupt(`unexpected ${(v as object).constructor?.name ?? typeof v} in the file`);
  }

  private dict(m: Map<unknown, unknown>): unknown {
    const ordered = isOrderedDict(m);
    let stringKeys = true;
    for (const k of m.keys()) {
      if (typeof k !== 'string') {
        stringKeys = false;
        break;
      }
    }
    if (stringKeys) {
      const out: Record<string, unknown> = {};
      if (ordered) orderedDict(out);
      this.seen.set(m, out);
      // defineProperty: a key such as '__proto__' is data, not the prototype
      for (const [k, x] of m) Object.defineProperty(out, k as string, { value: this.convert(x), writable: true, enumerable: true, configurable: true });
      return out;
    }
    const out = new Map();
    if (ordered) orderedDict(out);
    this.seen.set(m, out);
    for (const [k, x] of m) out.set(this.convert(k), this.convert(x));
    return out;
  }
}
