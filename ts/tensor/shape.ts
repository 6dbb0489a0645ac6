// Shapes, strides, dims and broadcasting: pure bookkeeping, no data.

export type Shape = readonly number[];

export function numelOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** An integer as PyTorch prints it (exact where a double holds it, as int64 does). */
const exactInt = (n: number): string => (Number.isInteger(n) ? BigInt(n).toString() : String(n));

/**
 * Bytes of a contiguous storage of `shape`: PyTorch's errors for a negative dim and for a
 * size whose byte count overflows int64 (checked before anything is allocated).
 */
export function storageBytes(shape: Shape, itemsize: number): number {
  let n = itemsize;
  for (const d of shape) {
    if (d < 0) throw new RuntimeError(`Trying to create tensor with negative dimension ${d}: [${shape.join(', ')}]`);
    n *= d;
  }
  if (n >= 2 ** 63) throw new RuntimeError(`Storage size calculation overflowed with sizes=[${shape.map(exactInt).join(', ')}]`);
  return n;
}

/** PyTorch's CPU allocator error, for an allocation wasm memory cannot serve. */
export function outOfMemory(nbytes: number): RuntimeError {
  return new RuntimeError(
    `DefaultCPUAllocator: can't allocate memory: you tried to allocate ${exactInt(nbytes)} bytes. Error code 12 (Cannot allocate memory)`,
  );
}

export function contiguousStrides(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return st;
}

/** Contiguous in row-major order, ignoring the strides of size-1 dims (as PyTorch does). */
export function isContiguousLayout(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (shape[i] === 0) return true;
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

export function shapeEquals(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** PyTorch's wrap_dim, with its IndexError message. */
export function normalizeDim(dim: number, ndim: number, wrapScalar = true): number {
  const n = ndim === 0 && wrapScalar ? 1 : ndim;
  if (!Number.isInteger(dim)) throw new TypeError(`dim must be an integer, got ${dim}`);
  if (n === 0) {
    throw new IndexError(`Dimension specified as ${dim} but tensor has no dimensions`);
  }
  if (dim < -n || dim >= n) {
    throw new IndexError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalised, checked list of distinct dims. */
export function normalizeDims(dims: readonly number[], ndim: number): number[] {
  const out = dims.map((d) => normalizeDim(d, ndim));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new RuntimeError(`dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return out;
}

/** Broadcast shape of two shapes (PyTorch's infer_size: dims compared from the last). */
function broadcastPair(a: Shape, b: Shape): number[] {
  const nd = Math.max(a.length, b.length);
  const out = new Array<number>(nd);
  for (let i = nd - 1; i >= 0; i--) {
    const ia = i - nd + a.length;
    const ib = i - nd + b.length;
    const sa = ia >= 0 ? a[ia] : 1;
    const sb = ib >= 0 ? b[ib] : 1;
    if (sa !== sb && sa !== 1 && sb !== 1) {
      throw new RuntimeError(`The size of tensor a (${sa}) must match the size of tensor b (${sb}) at non-singleton dimension ${i}`);
    }
    out[i] = sa === 1 ? sb : sa;
  }
  return out;
}

/** Broadcast shape of several shapes, folded left to right as TensorIterator does. */
export function broadcastShapes(...shapes: Shape[]): number[] {
  let out: number[] = [];
  for (const s of shapes) out = broadcastPair(out, s);
  return out;
}

/** Throws PyTorch's error unless `shape` broadcasts to `target` (expand's rule, as copy_ checks it). */
export function checkExpandable(shape: Shape, target: Shape): void {
  const off = target.length - shape.length;
  for (let i = shape.length - 1; i >= 0; i--) {
    const s = shape[i];
    const t = off + i >= 0 ? target[off + i] : 1;
    if (s !== 1 && s !== t) {
      throw new RuntimeError(`The size of tensor a (${t}) must match the size of tensor b (${s}) at non-singleton dimension ${Math.max(off + i, 0)}`);
    }
  }
}

/** Strides that view a tensor of (shape, strides) as the broadcast `target` shape. */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[off + i] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

/** Strides for viewing (shape, strides) as newShape without copying, or null (PyTorch's computeStride). */
export function viewStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  if (shape.length === 0) return newShape.map(() => 1);
  const numel = numelOf(shape);
  if (numel === 0) return shapeEquals(shape, newShape) ? [...strides] : contiguousStrides(newShape);
  const out = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return out;
}

/** Resolves one -1 in a requested shape (view/reshape), with PyTorch's errors. */
export function inferSize(requested: readonly number[], numel: number): number[] {
  let inferIdx = -1;
  let known = 1;
  for (let i = 0; i < requested.length; i++) {
    const d = requested[i];
    if (d === -1) {
      if (inferIdx >= 0) throw new RuntimeError('only one dimension can be inferred');
      inferIdx = i;
    } else if (d >= 0 && Number.isInteger(d)) {
      known *= d;
    } else {
      throw new RuntimeError(`invalid shape dimension ${d}`);
    }
  }
  const out = [...requested];
  if (inferIdx >= 0) {
    if (known === 0) {
      throw new RuntimeError(
        `cannot reshape tensor of 0 elements into shape [${requested.join(', ')}] because the unspecified dimension size -1 can be any value and is ambiguous`,
      );
    }
    if (numel % known === 0) {
      out[inferIdx] = numel / known;
      return out;
    }
  } else if (known === numel) {
    return out;
  }
  throw new RuntimeError(`shape '[${requested.join(', ')}]' is invalid for input of size ${numel}`);
}

export function checkShape(shape: readonly number[], op = 'tensor'): number[] {
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d)) {
      throw new TypeError(`${op}(): expected a sequence of integers for the size, got ${String(d)}`);
    }
    if (d < 0) {
      throw new RuntimeError(`Trying to create tensor with negative dimension ${d}: [${shape.join(', ')}]`);
    }
  }
  return [...shape];
}

/** Python's exception classes, so callers can tell them apart as PyTorch users do. */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
}
export class IndexError extends Error {
  override name = 'IndexError';
}
export class ValueError extends Error {
  override name = 'ValueError';
}
export class KeyError extends Error {
  override name = 'KeyError';
}
export class NotImplementedError extends Error {
  override name = 'NotImplementedError';
}
export class LinAlgError extends RuntimeError {
  override name = '_LinAlgError';
}
export class AttributeError extends Error {
  override name = 'AttributeError';
}
/** What Python's `assert cond, msg` raises (PyTorch's nn code checks arguments this way). */
export class AssertionError extends Error {
  override name = 'AssertionError';
}
export class ZeroDivisionError extends Error {
  override name = 'ZeroDivisionError';
}
