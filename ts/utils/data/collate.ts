// Collation: the samples of a batch merged into batched tensors (default_collate), and
// the conversion applied to single samples when batching is off (default_convert).
//
// JavaScript has one number type where Python has int and float: a batch of numbers
// becomes int64 when every number is an integer and float64 otherwise (Python floats
// are doubles). Samples whose values must stay floating point even when integral
// should be tensors or Float32Array/Float64Array (typed arrays are numpy's role).

import { Tensor, isTensor } from '../../tensor/tensor.js';
import { KeyError, RuntimeError } from '../../tensor/shape.js';
import { float64 } from '../../tensor/dtype.js';
import { isPlainObject } from '../../ops/signature.js';
import { stack, tensor } from '../../ops/all.js';
import { lenOf, typeName } from './protocol.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor = abstract new (...args: any[]) => unknown;
export type CollateFn = (batch: unknown[], options: { collateFnMap: CollateFnMap | null }) => unknown;
/** Element type (a class; Number, String, Boolean, BigInt for primitives) -> its collate function. */
export type CollateFnMap = Map<Constructor | NumberConstructor | StringConstructor | BooleanConstructor | BigIntConstructor, CollateFn>;

/** The common base class of Int8Array, Float32Array, ... */
const TypedArray = Object.getPrototypeOf(Int8Array) as Constructor;
const isTypedArray = (x: unknown): x is ArrayLike<number> => ArrayBuffer.isView(x) && !(x instanceof DataView);

const collateTensor: CollateFn = (batch) => stack(batch as Tensor[], 0);
const collateTypedArray: CollateFn = (batch, options) => collate(batch.map((b) => tensor(b as Float32Array)), options);
const collateNumbers: CollateFn = (batch) =>
  tensor(batch as number[], batch.every((x) => typeof x !== 'number' || Number.isInteger(x)) ? {} : { dtype: float64 });
const collateScalars: CollateFn = (batch) => tensor(batch as boolean[]);
const collateStrings: CollateFn = (batch) => batch;

/** default_collate's element types: tensors are stacked, numbers become tensors, strings stay. */
export const defaultCollateFnMap: CollateFnMap = new Map<Constructor, CollateFn>([
  [Tensor, collateTensor],
  [TypedArray, collateTypedArray],
  [Number, collateNumbers],
  [BigInt as unknown as Constructor, collateScalars],
  [Boolean, collateScalars],
  [String, collateStrings],
]);

/** The class of a value, wrapping primitives (1 -> Number). */
const classOf = (x: unknown): unknown => (x === null || x === undefined ? x : Object(x).constructor);
const isInstance = (x: unknown, type: unknown): boolean =>
  x !== null && x !== undefined && typeof type === 'function' && Object(x) instanceof (type as Constructor);

/**
 * Collates a batch (an array of samples) by the type of its first element: an entry of
 * collateFnMap (exact class first, then the first class it is an instance of), else
 * recursively into plain objects and Maps (per key) and arrays (per position).
 * @example collate(batch, { collateFnMap: new Map([[MyBox, boxFn], ...defaultCollateFnMap]) })
 */
export function collate(batch: unknown[], options: { collateFnMap?: CollateFnMap | null } = {}): unknown {
  const collateFnMap = options.collateFnMap ?? null;
  const elem = batch[0];
  if (collateFnMap !== null) {
    const exact = collateFnMap.get(classOf(elem) as Constructor);
    if (exact) return exact(batch, { collateFnMap });
    for (const [type, fn] of collateFnMap) if (isInstance(elem, type)) return fn(batch, { collateFnMap });
  }
  const sub = (samples: unknown[]): unknown => collate(samples, { collateFnMap });
  if (isPlainObject(elem)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(elem)) out[key] = sub(batch.map((d) => field(d as Record<string, unknown>, key)));
    return out;
  }
  if (elem instanceof Map) {
    return new Map([...elem.keys()].map((key) => [key, sub(batch.map((d) => mapField(d as Map<unknown, unknown>, key)))]));
  }
  if (Array.isArray(elem)) {
    const size = lenOf(elem);
    if (!batch.every((d) => lenOf(d) === size)) throw new RuntimeError('each element in list of batch should be of equal size');
    return Array.from({ length: size }, (_, i) => sub(batch.map((d) => (d as unknown[])[i])));
  }
  throw new TypeError(`default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found <class '${typeName(elem)}'>`);
}

function field(d: Record<string, unknown>, key: string): unknown {
  if (d === null || typeof d !== 'object' || !(key in d)) throw new KeyError(`'${key}'`);
  return d[key];
}
function mapField(d: Map<unknown, unknown>, key: unknown): unknown {
  if (!(d instanceof Map) || !d.has(key)) throw new KeyError(String(key));
  return d.get(key);
}

/**
 * Merges a batch of samples into batched tensors (the DataLoader's default collateFn):
 * tensors stacked along a new dim 0, typed arrays as tensors then stacked, numbers into
 * int64/float64 tensors, booleans into bool tensors, strings kept as an array; plain
 * objects, Maps and arrays collated per key / position.
 * @example defaultCollate([[x0, 0], [x1, 1]]) // [stack([x0, x1]), tensor([0, 1])]
 */
export function defaultCollate(batch: unknown[]): unknown {
  return collate(batch, { collateFnMap: defaultCollateFnMap });
}

/**
 * A single sample as the DataLoader returns it when batching is off: typed arrays become
 * tensors, objects, Maps and arrays are converted per element, the rest is unchanged.
 */
export function defaultConvert(data: unknown): unknown {
  if (isTensor(data)) return data;
  if (isTypedArray(data)) return tensor(data as Float32Array);
  if (isPlainObject(data)) return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, defaultConvert(v)]));
  if (data instanceof Map) return new Map([...data].map(([k, v]) => [k, defaultConvert(v)]));
  if (Array.isArray(data)) return data.map(defaultConvert);
  return data;
}
