// The Tensor: a view (dtype, shape, strides, offset) of a Storage, plus autograd
// metadata. Ops are defined in ts/ops and installed on the prototype from there.

import { Storage, TypedStorage, stats } from './storage.js';
import { DType } from './dtype.js';
import { contiguousStrides, isContiguousLayout, normalizeDim, numelOf, storageBytes, Shape, ValueError, IndexError, RuntimeError } from './shape.js';
import { track } from './scope.js';
import { readElement, writeElement, heapView, TypedArray } from './elements.js';
import { formatTensor } from './print.js';
import { copyStrided } from '../kernels/memory.js';
import type { Node } from '../autograd/node.js';
import { isInferenceModeEnabled } from '../autograd/grad_mode.js';

/**
 * What a tensor holds that must be let go when it is disposed or collected: its
 * storage reference (null once let go) and its use of the graph node that made it
 * (nodes free their saved tensors when no tensor or node uses them any more).
 */
interface Holdings {
  s: Storage | null;
  fn: Node | null;
}

function letGo(h: Holdings): void {
  const s = h.s;
  if (s === null) return;
  h.s = null;
  stats.liveTensors--;
  s.release();
  const fn = h.fn;
  h.fn = null;
  fn?.drop();
}

// Tensors are never unregistered: letting go empties the holdings instead, which is
// much cheaper than unregister's token lookup, and the finalizer then does nothing.
// Cloudflare Workers before compatibility date 2025-05-05 have no FinalizationRegistry:
// there, memory is freed by dispose(), tidy() and `using` only.
const registry: Pick<FinalizationRegistry<Holdings>, 'register'> | null =
  typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Holdings>(letGo) : null;

// Registering is the dearest step of making a tensor (a weak cell each, which every
// collection then processes), and most tensors are disposed in the job that made them
// (op temporaries, tidy(), dispose()). Finalizers only run between jobs, so tensors
// are registered in batches at the end of the job (or when a batch is full): the
// same memory is freed at the same time, and tensors disposed by then skip it.
const REGISTER_BATCH = 1024;
const unregistered: Tensor[] = [];
let flushQueued = false;

function registerPending(): void {
  flushQueued = false;
  for (let i = 0; i < unregistered.length; i++) {
    const t = unregistered[i];
    if (t._h.s !== null) registry!.register(t, t._h);
  }
  unregistered.length = 0;
}

function registerLater(t: Tensor): void {
  if (registry === null) return;
  if (unregistered.push(t) >= REGISTER_BATCH) {
    registerPending();
  } else if (!flushQueued) {
    flushQueued = true;
    queueMicrotask(registerPending);
  }
}

export type Scalar = number | boolean | bigint;

export class Tensor {
  /** @internal storage and graph node, shared with the FinalizationRegistry */ _h: Holdings;
  /** @internal grad_fn of a saved output: not counted as a use (it would keep its own node alive) */
  declare _weakFn: Node | null;
  readonly dtype: DType;
  /** @internal */ _shape: readonly number[];
  /** @internal */ _strides: readonly number[];
  /** @internal in elements */ _offset: number;
  /** @internal */ _disposed = false;
  /** @internal */ _requiresGrad = false;
  /** @internal */ declare _grad: Tensor | null;
  /** @internal which output of _gradFn this tensor is */ declare _outputNr: number;
  /** @internal the tensor this one is a view of (autograd view tracking) */ declare _base: Tensor | null;
  /** @internal */ declare _retainsGrad: boolean;
  /** @internal */ declare _hooks: ((grad: Tensor) => Tensor | void)[] | null;
  /** @internal AccumulateGrad node of a leaf, created on first use */ declare _gradAccumulator: Node | null;
  /** @internal */ declare _name: string | null;
  /** @internal made inside inferenceMode() */ _inference = isInferenceModeEnabled();

  /** @internal Use torch.* factories; this wraps an existing storage. */
  constructor(storage: Storage, dtype: DType, shape: readonly number[], strides: readonly number[], offset: number) {
    this._h = { s: storage, fn: null };
    this.dtype = dtype;
    this._shape = Object.freeze(shape as number[]);
    this._strides = strides;
    this._offset = offset;
    storage.retain();
    stats.liveTensors++;
    registerLater(this);
    track(this);
  }

  /** @internal */
  get _s(): Storage {
    const s = this._h.s;
    if (s === null) throw new RuntimeError('tensor: this tensor was disposed and can no longer be used');
    return s;
  }
  set _s(s: Storage) {
    this._h.s = s;
  }
  /** @internal The node that made this tensor; setting it counts a use of the node. */
  get _gradFn(): Node | null {
    return this._h.fn ?? this._weakFn;
  }
  set _gradFn(n: Node | null) {
    const old = this._h.fn;
    if (n === old) return;
    n?.use();
    this._h.fn = n;
    old?.drop();
  }

  /** @internal A new contiguous, uninitialised tensor. */
  static _empty(shape: readonly number[], dtype: DType): Tensor {
    const storage = new Storage(storageBytes(shape, dtype.itemsize));
    return new Tensor(storage, dtype, shape, contiguousStrides(shape), 0);
  }

  /** @internal Another view of this tensor's storage. */
  _view(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    return new Tensor(this._s, this.dtype, shape, strides, offset);
  }

  /** @internal Byte address of element 0 of this view. */
  get _ptr(): number {
    return this._s.ptr + this._offset * this.dtype.itemsize;
  }

  /** @internal Throws when the tensor was disposed. */
  _check(op = 'tensor', arg = 'self'): this {
    if (this._disposed) throw new RuntimeError(`${op}(): argument '${arg}' is a tensor that was disposed`);
    return this;
  }

  /** The size of each dim (PyTorch's torch.Size). */
  get shape(): readonly number[] {
    return this._shape;
  }
  get ndim(): number {
    return this._shape.length;
  }
  dim(): number {
    return this._shape.length;
  }
  numel(): number {
    return numelOf(this._shape);
  }
  nelement(): number {
    return this.numel();
  }
  /** size() is the shape; size(d) the size of dim d (negative counts from the end). */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): readonly number[] | number {
    if (dim === undefined) return this._shape;
    return this._shape[normalizeDim(dim, this.ndim, false)];
  }
  stride(): readonly number[];
  stride(dim: number): number;
  stride(dim?: number): readonly number[] | number {
    if (dim === undefined) return this._strides;
    return this._strides[normalizeDim(dim, this.ndim, false)];
  }
  storageOffset(): number {
    return this._offset;
  }
  isContiguous(): boolean {
    return isContiguousLayout(this._shape, this._strides);
  }
  elementSize(): number {
    return this.dtype.itemsize;
  }
  get isFloatingPoint(): boolean {
    return this.dtype.isFloatingPoint;
  }
  isFloatingPointType(): boolean {
    return this.dtype.isFloatingPoint;
  }
  /** The storage this tensor views (shared with its views). */
  storage(): TypedStorage {
    return new TypedStorage(this._s, this.dtype);
  }
  untypedStorage(): Storage {
    return this._s;
  }
  /** Version counter shared with views: bumped by every in-place op. */
  get _version(): number {
    return this._s.version;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }
  get device(): string {
    return 'cpu';
  }
  get isCuda(): boolean {
    return false;
  }

  // ---- autograd metadata -------------------------------------------------
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(v: boolean) {
    if (v && !this.dtype.isFloatingPoint) {
      throw new RuntimeError('only Tensors of floating point dtype can require gradients');
    }
    if (!v && this._gradFn !== null) {
      throw new RuntimeError(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
      );
    }
    this._requiresGrad = v;
  }
  get isLeaf(): boolean {
    return this._gradFn === null;
  }
  get gradFn(): Node | null {
    return this._gradFn;
  }
  get grad(): Tensor | null {
    return this._grad;
  }
  /** Checked as PyTorch checks it, so a grad of the wrong dtype or size never reaches an optimizer or the engine. */
  set grad(g: Tensor | null) {
    if (g === null || g === undefined) {
      this._grad = null;
      return;
    }
    if (!(g instanceof Tensor)) {
      const type = typeof g === 'object' ? ((g as object).constructor?.name ?? 'object') : typeof g;
      throw new TypeError(`assigned grad expected to be a Tensor or None but got grad of type ${type}`);
    }
    if (g === this) throw new RuntimeError("can't assign Variable as its own grad");
    if (g.dtype !== this.dtype) throw new RuntimeError('assigned grad has data of a different type');
    if (g._shape.length !== this._shape.length || g._shape.some((s, i) => s !== this._shape[i])) {
      throw new RuntimeError('assigned grad has data of a different size');
    }
    this._grad = g;
  }
  /** Whether the tensor was created inside inferenceMode(). */
  isInference(): boolean {
    return this._inference;
  }
  /** Whether this tensor is a view of another one's storage (PyTorch's _is_view()). */
  isView(): boolean {
    return this._base !== null;
  }
  get retainsGrad(): boolean {
    return this._retainsGrad;
  }

  // ---- memory -------------------------------------------------------------
  /** Frees this tensor's reference to its storage now (the storage goes when no view uses it). */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    letGo(this._h);
    if (this._grad !== null && this._grad !== this) {
      this._grad.dispose();
      this._grad = null;
    }
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- values out -----------------------------------------------------------
  /** The value of a one-element tensor; int64 beyond 2^53 comes as bigint (or always with {bigint: true}). */
  item(options: { bigint?: boolean } = {}): number | boolean | bigint {
    this._check('item');
    if (this.numel() !== 1) throw new ValueError('only one element tensors can be converted to Python scalars');
    return readElement(this.dtype, this._ptr, options.bigint);
  }

  /** @internal Byte address of the element at a full index. */
  _addressOf(index: readonly number[], op: string): number {
    if (index.length !== this.ndim) {
      throw new IndexError(`${op}(): expected ${this.ndim} indices for a tensor of dim ${this.ndim}, got ${index.length}`);
    }
    let off = this._offset;
    for (let d = 0; d < index.length; d++) {
      let i = index[d];
      const n = this._shape[d];
      if (!Number.isInteger(i)) throw new TypeError(`${op}(): indices must be integers, got ${i}`);
      if (i < -n || i >= n) throw new IndexError(`index ${i} is out of bounds for dimension ${d} with size ${n}`);
      if (i < 0) i += n;
      off += i * this._strides[d];
    }
    return this._s.ptr + off * this.dtype.itemsize;
  }

  /** The element at a full index, e.g. `x.get(0, 2)` for x[0, 2].item(). */
  get(...index: number[]): number | boolean | bigint {
    this._check('get');
    return readElement(this.dtype, this._addressOf(index, 'get'));
  }

  /** Sets the element at a full index: `x.set(0, 2, value)` for x[0, 2] = value. */
  set(...indexAndValue: (number | boolean | bigint)[]): this {
    this._check('set');
    const value = indexAndValue[indexAndValue.length - 1];
    const addr = this._addressOf(indexAndValue.slice(0, -1) as number[], 'set');
    writeElement(this.dtype, addr, value);
    this._s.version++;
    return this;
  }

  /** A copy of the values, row-major, as a typed array (BigInt64Array for int64, Uint8Array for bool, Uint16Array bits for half types). */
  toTypedArray(): TypedArray {
    this._check('toTypedArray');
    return this._readContiguous((c) => heapView(c.dtype, c._ptr, c.numel()).slice());
  }

  /**
   * A live typed array over this contiguous tensor's memory: writes through it show in
   * the tensor and vice versa (what torch.from_numpy / .numpy() share in PyTorch). It
   * re-attaches itself after wasm memory grows, so it never goes stale.
   */
  asTypedArray(): TypedArray {
    this._check('asTypedArray');
    if (!this.isContiguous()) throw new RuntimeError('asTypedArray(): the tensor must be contiguous; call .contiguous() first');
    return liveView(this);
  }

  /** Nested arrays of JS values (int64 as number when exact, bigint otherwise). */
  tolist(options: { bigint?: boolean } = {}): unknown {
    this._check('tolist');
    return this._readContiguous((c) => {
      const n = c.numel();
      const flat: unknown[] = new Array(n);
      const size = c.dtype.itemsize;
      for (let i = 0; i < n; i++) flat[i] = readElement(c.dtype, c._ptr + i * size, options.bigint);
      if (this.ndim === 0) return flat[0];
      let pos = 0;
      const build = (d: number): unknown[] => {
        const len = this._shape[d];
        const out = new Array(len);
        for (let i = 0; i < len; i++) out[i] = d === this.ndim - 1 ? flat[pos++] : build(d + 1);
        return out;
      };
      return build(0);
    });
  }

  /** Runs `read` on this tensor when contiguous, else on a temporary contiguous copy. */
  private _readContiguous<T>(read: (c: Tensor) => T): T {
    if (this.isContiguous()) return read(this);
    const c = Tensor._empty(this._shape, this.dtype);
    try {
      copyStrided(c, this);
      return read(c);
    } finally {
      c.dispose();
    }
  }

  toString(): string {
    if (this._disposed) return 'tensor(<disposed>)';
    return formatTensor(this);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
  [Symbol.for('Deno.customInspect')](): string {
    return this.toString();
  }
  get [Symbol.toStringTag](): string {
    return 'Tensor';
  }
}

// Defaults of the fields most tensors never set live on the prototype: a tensor made by
// an op carries only the fields every tensor uses, which keeps small ops cheap to
// allocate and collect. Setting one adds it to that tensor alone.
Object.assign(Tensor.prototype, {
  _weakFn: null, _grad: null, _outputNr: 0, _base: null, _retainsGrad: false, _hooks: null, _gradAccumulator: null, _name: null,
});

/**
 * A typed array over elements [start, start + length) of contiguous t that re-reads the heap on
 * every access (it survives memory growth) and checks t is not disposed first (its block
 * may belong to another tensor by then). What it hands out keeps both properties:
 * subarray() is a live view too, and iterators read through the view at each step (an
 * iterator held across an await must not go on reading a freed block).
 */
function liveView(t: Tensor, start = 0, length = t.numel()): TypedArray {
  let cached: TypedArray | null = null;
  const current = (): TypedArray => {
    t._check('asTypedArray'); // a disposed tensor's memory may already belong to another
    if (cached === null || cached.length !== length || cached.buffer.byteLength === 0 || cached.buffer !== heapView(t.dtype, 0, 0).buffer) {
      cached = heapView(t.dtype, t._ptr + start * t.dtype.itemsize, length);
    }
    return cached;
  };
  const view: TypedArray = new Proxy(current(), {
    get(_target, prop) {
      const arr = current();
      if (prop === 'subarray') {
        return (begin?: number, end?: number): TypedArray => {
          const [b, e] = [relativeIndex(begin, 0, length), relativeIndex(end, length, length)];
          return liveView(t, start + b, Math.max(0, e - b));
        };
      }
      if (prop === Symbol.iterator || prop === 'values' || prop === 'keys' || prop === 'entries') {
        return () => checkedIterator(view, prop === Symbol.iterator ? 'values' : (prop as 'values' | 'keys' | 'entries'));
      }
      const v = Reflect.get(arr, prop, arr);
      return typeof v === 'function' ? v.bind(arr) : v;
    },
    set(_target, prop, value) {
      const arr = current();
      if (typeof prop === 'string' && /^\d+$/.test(prop)) t._s.version++;
      return Reflect.set(arr, prop, value, arr);
    },
    has(_target, prop) {
      return Reflect.has(current(), prop);
    },
    ownKeys() {
      return Reflect.ownKeys(current());
    },
    getOwnPropertyDescriptor(_target, prop) {
      return Reflect.getOwnPropertyDescriptor(current(), prop);
    },
  });
  return view;
}

/** A subarray() bound as TypedArray.prototype.subarray reads it: negative from the end, clamped to [0, length]. */
function relativeIndex(x: number | undefined, fallback: number, length: number): number {
  if (x === undefined) return fallback;
  const i = Math.trunc(Number(x)) || 0;
  return i < 0 ? Math.max(length + i, 0) : Math.min(i, length);
}

function* checkedIterator(view: TypedArray, kind: 'values' | 'keys' | 'entries'): Generator<unknown> {
  for (let i = 0; i < view.length; i++) yield kind === 'keys' ? i : kind === 'entries' ? [i, view[i]] : view[i];
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** Python's name for a JS value's type, for error messages. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (v instanceof Tensor) return 'Tensor';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  return (v as object).constructor?.name ?? 'object';
}

export type { Shape };
