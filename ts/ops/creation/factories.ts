// Factories: tensor(), zeros/ones/full/empty and their _like forms, eye, arange,
// range, linspace, logspace.

import { Tensor, Scalar } from '../../tensor/tensor.js';
import {
  DType, toDType, getDefaultDtype, float32, float64, int64, int32, int16, int8, uint8, bool,
} from '../../tensor/dtype.js';
import { checkShape, numelOf, RuntimeError, ValueError } from '../../tensor/shape.js';
import { heapView, TypedArray, floatToHalf, floatToBf16 } from '../../tensor/elements.js';
import { defineOp } from '../registry.js';
import { method } from '../composite.js';
import { fill, fillRange } from '../../kernels/memory.js';
import { RANGE } from '../../kernels/codes.js';
import { contiguousCopy } from '../../tensor/copy.js';
import { diagonal } from '../shape/views.js';

export type NestedData = Scalar | TypedArray | readonly NestedData[];

export interface FactoryOptions {
  dtype?: DType | string | null;
  requiresGrad?: boolean;
  device?: string;
}

function finish(t: Tensor, requiresGrad: boolean | undefined): Tensor {
  if (requiresGrad) t.requiresGrad = true;
  return t;
}

const TYPED: [new (...a: any[]) => TypedArray, DType][] = [
  [Float32Array, float32], [Float64Array, float64], [BigInt64Array, int64], [Int32Array, int32],
  [Int16Array, int16], [Int8Array, int8], [Uint8Array, uint8],
];

function typedDtype(a: unknown): DType | null {
  for (const [C, d] of TYPED) if (a instanceof C) return d;
  return null;
}

/** Shape and flat values of nested arrays, checking they are not ragged. */
function flatten(data: NestedData): { shape: number[]; flat: ArrayLike<Scalar>; kind: number } {
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe) || ArrayBuffer.isView(probe)) {
    const a = probe as ArrayLike<unknown>;
    shape.push(a.length);
    if (a.length === 0 || !Array.isArray(probe)) break;
    probe = a[0];
  }
  if (ArrayBuffer.isView(probe) && shape.length === 1 && probe === data) {
    return { shape, flat: data as unknown as ArrayLike<Scalar>, kind: 3 };
  }
  const flat: Scalar[] = [];
  // kind: 0 bool, 1 int, 2 float (the widest seen), 3 typed
  let kind = 0;
  let any = false;
  const walk = (x: unknown, d: number): void => {
    if (d === shape.length) {
      if (Array.isArray(x) || ArrayBuffer.isView(x)) {
        throw new ValueError(`expected sequence of length ${shape[d - 1] ?? 0} at dim ${d - 1} (got ${(x as unknown[]).length})`);
      }
      if (typeof x === 'boolean') flat.push(x);
      else if (typeof x === 'bigint') {
        flat.push(x);
        kind = Math.max(kind, 1);
      } else if (typeof x === 'number') {
        flat.push(x);
        kind = Math.max(kind, Number.isInteger(x) ? 1 : 2);
      } else {
        throw new TypeError(`tensor(): could not convert ${String(x)} (${typeof x}) to a number`);
      }
      any = true;
      return;
    }
    const a = x as ArrayLike<unknown>;
    if (!(Array.isArray(x) || ArrayBuffer.isView(x))) {
      throw new ValueError(`expected sequence of length ${shape[d]} at dim ${d} (got a scalar)`);
    }
    if (a.length !== shape[d]) throw new ValueError(`expected sequence of length ${shape[d]} at dim ${d} (got ${a.length})`);
    if (ArrayBuffer.isView(x)) {
      if (d !== shape.length - 1) throw new ValueError(`expected sequence of length ${shape[d]} at dim ${d}`);
      const td = typedDtype(x);
      for (let i = 0; i < a.length; i++) flat.push(a[i] as Scalar);
      kind = Math.max(kind, td && td.isFloatingPoint ? 2 : 1);
      any = true;
      return;
    }
    for (let i = 0; i < a.length; i++) walk(a[i], d + 1);
  };
  walk(data, 0);
  return { shape, flat, kind: any ? kind : 2 };
}

/** Writes JS values into a new contiguous tensor of `dtype`. */
export function fromValues(shape: number[], flat: ArrayLike<Scalar>, dtype: DType): Tensor {
  const t = Tensor._empty(shape, dtype);
  const n = flat.length;
  if (n === 0) return t;
  const view = heapView(dtype, t._ptr, n);
  switch (dtype.name) {
    case 'float32': case 'float64':
      if (ArrayBuffer.isView(flat) && !(flat instanceof BigInt64Array)) (view as Float32Array).set(flat as Float32Array);
      else for (let i = 0; i < n; i++) (view as Float32Array)[i] = Number(flat[i]);
      break;
    case 'int64': {
      const v = view as BigInt64Array;
      for (let i = 0; i < n; i++) {
        const x = flat[i];
        v[i] = typeof x === 'bigint' ? x : BigInt(Number.isFinite(Number(x)) ? Math.trunc(Number(x)) : 0);
      }
      break;
    }
    case 'bool':
      for (let i = 0; i < n; i++) (view as Uint8Array)[i] = Number(flat[i]) !== 0 || Number.isNaN(Number(flat[i])) ? 1 : 0;
      break;
    case 'float16':
      for (let i = 0; i < n; i++) (view as Uint16Array)[i] = floatToHalf(Number(flat[i]));
      break;
    case 'bfloat16':
      for (let i = 0; i < n; i++) (view as Uint16Array)[i] = floatToBf16(Number(flat[i]));
      break;
    default:
      // integer targets truncate toward zero and wrap, as PyTorch's casts do
      for (let i = 0; i < n; i++) (view as Int32Array)[i] = Math.trunc(Number(flat[i])) | 0;
  }
  return t;
}

/**
 * A tensor copied from nested arrays, a typed array or a scalar, with PyTorch's dtype
 * inference: bools -> bool, integers -> int64, any fraction -> the default float dtype.
 * @example torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 })
 */
export function tensor(data: NestedData | Tensor, options: FactoryOptions = {}): Tensor {
  const dtype = options.dtype ? toDType(options.dtype, 'tensor') : null;
  if (data instanceof Tensor) {
    data._check('tensor', 'data'); // before the copy allocates
    const r = contiguousCopy(data, dtype ?? data.dtype);
    return finish(r, options.requiresGrad);
  }
  if (typeof data === 'number' || typeof data === 'boolean' || typeof data === 'bigint') {
    const dt = dtype ?? (typeof data === 'boolean' ? bool : typeof data === 'bigint' || Number.isInteger(data) ? int64 : getDefaultDtype());
    return finish(fromValues([], [data], dt), options.requiresGrad);
  }
  if (!Array.isArray(data) && !ArrayBuffer.isView(data)) {
    throw new TypeError(`tensor(): could not infer dtype of ${data === null ? 'None' : typeof data}`);
  }
  const { shape, flat, kind } = flatten(data as NestedData);
  const inferred = kind === 3 ? typedDtype(data) ?? getDefaultDtype() : kind === 0 ? bool : kind === 1 ? int64 : getDefaultDtype();
  return finish(fromValues(shape, flat, dtype ?? inferred), options.requiresGrad);
}

/** Like tensor(), but returns `data` itself when it is a tensor of the wanted dtype. */
export function asTensor(data: NestedData | Tensor, options: { dtype?: DType | string } = {}): Tensor {
  if (data instanceof Tensor && (!options.dtype || toDType(options.dtype) === data.dtype)) return data;
  if (data instanceof Tensor) return data.to(toDType(options.dtype!));
  return tensor(data, options);
}

/** A tensor copying a typed array (numpy's role): Float64Array gives float64, and so on. */
export function fromArray(array: TypedArray, shape?: number[]): Tensor {
  const dt = typedDtype(array);
  if (!dt) throw new TypeError('fromArray(): expected a typed array');
  const size = shape ? checkShape(shape, 'fromArray') : [array.length];
  if (numelOf(size) !== array.length) {
    throw new RuntimeError(`fromArray(): shape [${size.join(', ')}] is invalid for an array of ${array.length} elements`);
  }
  // the heap view of the tensor's dtype has the array's own type: one block copy
  const t = Tensor._empty(size, dt);
  const view = array.length > 0 ? heapView(dt, t._ptr, array.length) : null;
  if (view && view.constructor === array.constructor) {
    (view as Uint8Array).set(array as Uint8Array);
    return t;
  }
  t.dispose();
  return fromValues(size, array as ArrayLike<Scalar>, dt);
}

const FACTORY_KW = '*, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, bool requires_grad=False';

function filled(size: number[], value: Scalar, dtype: DType | null, requiresGrad: boolean): Tensor {
  const t = Tensor._empty(checkShape(size), dtype ?? getDefaultDtype());
  fill(t, value);
  return finish(t, requiresGrad);
}

/**
 * A tensor of zeros of the given size (as varargs or a list).
 * @example torch.zeros(2, 3, { dtype: torch.int64 })
 */
export const zeros = defineOp({
  name: 'zeros',
  sig: `int[] size, ${FACTORY_KW}`,
  out: true,
  forward: (size, dtype, _l, _d, _p, rg) => filled(size, 0, dtype, rg),
});

/**
 * A tensor of ones of the given size (as varargs or a list).
 * @example torch.ones([2, 3])
 */
export const ones = defineOp({
  name: 'ones',
  sig: `int[] size, ${FACTORY_KW}`,
  out: true,
  forward: (size, dtype, _l, _d, _p, rg) => filled(size, 1, dtype, rg),
});

export const empty = defineOp({
  name: 'empty',
  sig: `int[] size, ${FACTORY_KW}, MemoryFormat? memory_format=None`,
  out: true,
  forward: (size: number[], dtype: DType | null, _l, _d, _p, rg: boolean) =>
    finish(Tensor._empty(checkShape(size), dtype ?? getDefaultDtype()), rg),
});

/**
 * full(size, value): the dtype follows the value (bool, int64, float) unless given.
 * @example torch.full([2, 2], 7)  // int64, from the value
 */
export const full = defineOp({
  name: 'full',
  sig: `int[] size, Scalar fill_value, ${FACTORY_KW}`,
  out: true,
  forward: (size, value: Scalar, dtype, _l, _d, _p, rg) => {
    const dt = dtype ?? (typeof value === 'boolean' ? bool : typeof value === 'bigint' || Number.isInteger(value) ? int64 : getDefaultDtype());
    return filled(size, value, dt, rg);
  },
});

const LIKE_KW = `*, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, bool requires_grad=False, MemoryFormat? memory_format=None`;

export const zerosLike = defineOp({
  name: 'zeros_like',
  sig: `Tensor self, ${LIKE_KW}`,
  method: false,
  forward: (self: Tensor, dtype, _l, _d, _p, rg) => filled([...self._shape], 0, dtype ?? self.dtype, rg),
});

export const onesLike = defineOp({
  name: 'ones_like',
  sig: `Tensor self, ${LIKE_KW}`,
  method: false,
  forward: (self: Tensor, dtype, _l, _d, _p, rg) => filled([...self._shape], 1, dtype ?? self.dtype, rg),
});

export const emptyLike = defineOp({
  name: 'empty_like',
  sig: `Tensor self, ${LIKE_KW}`,
  method: false,
  forward: (self: Tensor, dtype, _l, _d, _p, rg) => finish(Tensor._empty([...self._shape], dtype ?? self.dtype), rg),
});

export const fullLike = defineOp({
  name: 'full_like',
  sig: `Tensor self, Scalar fill_value, ${LIKE_KW}`,
  method: false,
  forward: (self: Tensor, value, dtype, _l, _d, _p, rg) => filled([...self._shape], value, dtype ?? self.dtype, rg),
});

/** New tensors with self's dtype: x.newZeros([2]), x.newOnes(...), x.newFull(...), x.newTensor(data). */
const proto = Tensor.prototype as unknown as Record<string, unknown>;
type NewArgs = [DType | null, unknown, unknown, unknown, boolean];
proto.newZeros = method('new_zeros', `int[] size, ${FACTORY_KW}`, (self: Tensor, size: number[], ...[dtype, , , , rg]: NewArgs) =>
  filled(size, 0, dtype ?? self.dtype, rg));
proto.newOnes = method('new_ones', `int[] size, ${FACTORY_KW}`, (self: Tensor, size: number[], ...[dtype, , , , rg]: NewArgs) =>
  filled(size, 1, dtype ?? self.dtype, rg));
proto.newFull = method('new_full', `int[] size, Scalar fill_value, ${FACTORY_KW}`, (self: Tensor, size: number[], value: Scalar, ...[dtype, , , , rg]: NewArgs) =>
  filled(size, value, dtype ?? self.dtype, rg));
proto.newEmpty = method('new_empty', `int[] size, ${FACTORY_KW}`, (self: Tensor, size: number[], ...[dtype, , , , rg]: NewArgs) =>
  finish(Tensor._empty(checkShape(size), dtype ?? self.dtype), rg));
proto.newTensor = function (this: Tensor, data: NestedData, o: FactoryOptions = {}) {
  return tensor(data, { ...o, dtype: o.dtype ?? this.dtype });
};

declare module '../../tensor/tensor.js' {
  interface Tensor {
    newZeros(size: number[], o?: FactoryOptions): Tensor;
    newOnes(size: number[], o?: FactoryOptions): Tensor;
    newFull(size: number[], value: Scalar, o?: FactoryOptions): Tensor;
    newEmpty(size: number[], o?: FactoryOptions): Tensor;
    newTensor(data: NestedData, o?: FactoryOptions): Tensor;
  }
}

/**
 * Identity matrix n x m (m defaults to n).
 * @example torch.eye(3)
 */
export const eye = defineOp({
  name: 'eye',
  sig: `int n, int? m=None, ${FACTORY_KW}`,
  out: true,
  forward: (n: number, m: number | null, dtype, _l, _d, _p, rg) => {
    if (n < 0) throw new RuntimeError(`n must be greater or equal to 0, got ${n}`);
    const cols = m ?? n;
    if (cols < 0) throw new RuntimeError(`m must be greater or equal to 0, got ${cols}`);
    const t = filled([n, cols], 0, dtype, false);
    const d = diagonal(t);
    fill(d, 1);
    d.dispose();
    return finish(t, rg);
  },
});

function rangeTensor(kind: number, n: number, dtype: DType, a: number, b: number, c = 0): Tensor {
  const t = Tensor._empty([n], dtype);
  fillRange(kind, t, a, b, c);
  return t;
}

const isFloatArg = (v: Scalar | null): boolean => typeof v === 'number' && !Number.isInteger(v);

/**
 * arange(end), arange(start, end, step=1): end exclusive. Integer arguments give int64,
 * any fractional one the default float dtype.
 * @example torch.arange(0, 1, 0.25)  // tensor([0.0000, 0.2500, 0.5000, 0.7500])
 */
export const arange = defineOp({
  name: 'arange',
  sig: `Scalar start, Scalar? end=None, Scalar step=1, ${FACTORY_KW}`,
  out: true,
  forward: (start: Scalar, end: Scalar | null, step: Scalar, dtype: DType | null, _l, _d, _p, rg) => {
    let [s, e] = [Number(start), Number(end)];
    if (end === null) [s, e] = [0, Number(start)];
    const st = Number(step);
    if (st === 0) throw new RuntimeError('step must be nonzero');
    if (!Number.isFinite(s) || !Number.isFinite(e)) throw new RuntimeError(`unsupported range: ${s} -> ${e}`);
    if ((st > 0 && e < s) || (st < 0 && e > s)) throw new RuntimeError('upper bound and larger bound inconsistent with step sign');
    const dt = dtype ?? ([start, end, step].some(isFloatArg) ? getDefaultDtype() : int64);
    const n = Math.ceil((e - s) / st);
    return finish(rangeTensor(RANGE.ARANGE, Math.max(n, 0), dt, s, st), rg);
  },
});

/** Deprecated: like arange with an inclusive end, and float results. */
export const range = defineOp({
  name: 'range',
  sig: `Scalar start, Scalar end, Scalar step=1, ${FACTORY_KW}`,
  out: true,
  forward: (start: Scalar, end: Scalar, step: Scalar, dtype: DType | null, _l, _d, _p, rg) => {
    const [s, e, st] = [Number(start), Number(end), Number(step)];
    if (st === 0) throw new RuntimeError('step must be nonzero');
    if ((st > 0 && e < s) || (st < 0 && e > s)) throw new RuntimeError('upper bound and larger bound inconsistent with step sign');
    const n = Math.floor((e - s) / st) + 1;
    return finish(rangeTensor(RANGE.ARANGE, n, dtype ?? getDefaultDtype(), s, st), rg);
  },
});

/**
 * `steps` evenly spaced values from start to end, both included.
 * @example torch.linspace(0, 1, 5)
 */
export const linspace = defineOp({
  name: 'linspace',
  sig: `Scalar start, Scalar end, int steps, ${FACTORY_KW}`,
  out: true,
  forward: (start: Scalar, end: Scalar, steps: number, dtype: DType | null, _l, _d, _p, rg) => {
    if (steps < 0) throw new RuntimeError('number of steps must be non-negative');
    return finish(rangeTensor(RANGE.LINSPACE, steps, dtype ?? getDefaultDtype(), Number(start), Number(end)), rg);
  },
});

export const logspace = defineOp({
  name: 'logspace',
  sig: `Scalar start, Scalar end, int steps, float base=10.0, ${FACTORY_KW}`,
  out: true,
  forward: (start: Scalar, end: Scalar, steps: number, base: number, dtype: DType | null, _l, _d, _p, rg) => {
    if (steps < 0) throw new RuntimeError('number of steps must be non-negative');
    return finish(rangeTensor(RANGE.LOGSPACE, steps, dtype ?? getDefaultDtype(), Number(start), Number(end), base), rg);
  },
});

