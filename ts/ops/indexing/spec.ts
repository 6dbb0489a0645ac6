// Resolving a Python-style index (x[0, 1:3, None, ..., idx]) against a tensor's shape,
// as PyTorch's applySlicing does: ints select, slices slice, None adds a dim, '...'
// skips dims; the basic part becomes a list of view steps, and tensors (and bool
// masks, turned into coordinates) become the advanced index over the stepped view.

import { Tensor } from '../../tensor/tensor.js';
import { int64, int32, bool, uint8 } from '../../tensor/dtype.js';
import { IndexError, ValueError, contiguousStrides } from '../../tensor/shape.js';
import { tensor as makeTensor } from '../creation/factories.js';
import { fill } from '../../kernels/memory.js';
import { sliceRange } from '../shape/views.js';
import { Slice, parseSlice } from './slice.js';
import { nonzeroCoords } from './advanced.js';

/** What x.index(...) and x.indexPut_([...]) accept as one index. */
export type IndexItem = number | bigint | boolean | string | null | Slice | Tensor | readonly unknown[];

/** A basic-indexing view step, applied in order. */
export type Step =
  | { op: 'select'; dim: number; index: number }
  | { op: 'slice'; dim: number; start: number | null; end: number | null; step: number }
  | { op: 'unsqueeze'; dim: number };

export interface ResolvedIndex {
  steps: Step[];
  /** int64/int32 index tensors over the stepped view, for the ascending dims `dims`. */
  tensors: Tensor[];
  dims: number[];
  /** Shape of the stepped view. */
  shape: number[];
  /** Tensors made while resolving; the caller disposes them (autograd keeps its own references). */
  temps: Tensor[];
  /** The only advanced index was one bool mask (PyTorch then fills with a 0-d value of any dtype). */
  maskOnly: boolean;
}

const ELLIPSIS = '...';

const isMask = (t: Tensor): boolean => t.dtype === bool || t.dtype === uint8;

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  return typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v;
}

/** Turns JS spellings into Slice / '...' / Tensor / number / boolean / null. */
function normalizeItem(item: unknown, temps: Tensor[]): number | boolean | null | Slice | Tensor | typeof ELLIPSIS {
  if (item === null || item === undefined) return null;
  if (typeof item === 'bigint') return Number(item);
  if (typeof item === 'number') {
    if (!Number.isInteger(item)) {
      throw new IndexError(
        'only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got float)',
      );
    }
    return item;
  }
  if (typeof item === 'boolean' || item instanceof Slice) return item;
  if (typeof item === 'string') {
    if (item.trim() === ELLIPSIS) return ELLIPSIS;
    const s = parseSlice(item);
    if (s === null) throw new TypeError(`index(): '${item}' is not an index; use a slice like '1:3' or '::2', or '...'`);
    return s;
  }
  if (item instanceof Tensor) return item._check('index', 'indices');
  if (Array.isArray(item)) {
    // nested JS arrays index like tensors (Python lists do too); [] is an empty long index
    const t = item.length === 0 ? Tensor._empty([0], int64) : makeTensor(item as never);
    temps.push(t);
    return t;
  }
  throw new IndexError(
    `only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got ${describe(item)})`,
  );
}

/** A 1-element (true) or empty (false) long index: how PyTorch indexes with a bool. */
function boolIndex(v: boolean, temps: Tensor[]): Tensor {
  const t = Tensor._empty([v ? 1 : 0], int64);
  fill(t, 0);
  temps.push(t);
  return t;
}

/** Resolves `items` against `x`'s shape. Throws PyTorch's IndexError/ValueError messages. */
export function resolveIndex(x: Tensor, items: readonly unknown[]): ResolvedIndex {
  const temps: Tensor[] = [];
  try {
    return resolve(x, items, temps);
  } catch (e) {
    temps.forEach((t) => t.dispose());
    throw e;
  }
}

function resolve(x: Tensor, rawItems: readonly unknown[], temps: Tensor[]): ResolvedIndex {
  const items = rawItems.map((it) => normalizeItem(it, temps));
  let specified = 0;
  let ellipses = 0;
  for (const it of items) {
    if (typeof it === 'number' || it instanceof Slice) specified++;
    else if (it instanceof Tensor) specified += isMask(it) ? it.ndim : 1;
    else if (it === ELLIPSIS) ellipses++;
  }
  if (ellipses > 1) throw new IndexError('an index can only have a single ellipsis (...)');
  if (x.ndim === 0 && items.length === 1 && typeof items[0] === 'number') {
    throw new IndexError(
      'invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number',
    );
  }
  if (specified > x.ndim) throw new IndexError(`too many indices for tensor of dimension ${x.ndim}`);

  const shape = [...x._shape];
  const steps: Step[] = [];
  const recorded: { dim: number; t: Tensor }[] = [];
  const masks: { dim: number; t: Tensor }[] = [];
  let dim = 0;
  items.forEach((it, realDim) => {
    if (typeof it === 'number') {
      const n = shape[dim];
      if (it < -n || it >= n) throw new IndexError(`index ${it} is out of bounds for dimension ${realDim} with size ${n}`);
      steps.push({ op: 'select', dim, index: it });
      shape.splice(dim, 1);
    } else if (it instanceof Slice) {
      const step = it.step ?? 1;
      if (step === 0) throw new ValueError('slice step cannot be zero');
      if (step < 0) throw new ValueError('step must be greater than zero');
      const n = shape[dim];
      const [s, len] = sliceRange(n, it.start, it.stop, step);
      // a slice covering the whole dim is no view at all (PyTorch skips it too)
      if (!(s === 0 && len === n && step === 1)) steps.push({ op: 'slice', dim, start: it.start, end: it.stop, step });
      shape[dim] = len;
      dim++;
    } else if (it === ELLIPSIS) {
      dim += x.ndim - specified;
    } else if (it === null) {
      steps.push({ op: 'unsqueeze', dim });
      shape.splice(dim, 0, 1);
      dim++;
    } else if (typeof it === 'boolean') {
      steps.push({ op: 'unsqueeze', dim });
      shape.splice(dim, 0, 1);
      recorded.push({ dim, t: boolIndex(it, temps) });
      dim++;
    } else if (isMask(it) && it.ndim === 0) {
      steps.push({ op: 'unsqueeze', dim });
      shape.splice(dim, 0, 1);
      recorded.push({ dim, t: boolIndex(Boolean(it.item()), temps) });
      dim++;
    } else if (isMask(it)) {
      masks.push({ dim, t: it });
      recorded.push({ dim, t: it });
      dim += it.ndim;
    } else {
      if (it.dtype !== int64 && it.dtype !== int32) {
        throw new IndexError('tensors used as indices must be long, int, byte or bool tensors');
      }
      recorded.push({ dim, t: it });
      dim++;
    }
  });

  // masks: shape check against the stepped view, then one coordinate column per mask dim
  for (const { dim: d, t } of masks) {
    for (let j = 0; j < t.ndim; j++) {
      if (t._shape[j] !== shape[d + j]) {
        throw new IndexError(
          `The shape of the mask [${t._shape.join(', ')}] at index ${j} does not match the shape of the indexed tensor [${shape.join(', ')}] at index ${d + j}`,
        );
      }
    }
  }
  const tensors: Tensor[] = [];
  const dims: number[] = [];
  for (const { dim: d, t } of recorded) {
    if (isMask(t) && t.ndim > 0) {
      const coords = nonzeroCoords(t);
      temps.push(coords);
      const n = coords._shape[0];
      for (let j = 0; j < t.ndim; j++) {
        const col = coords._view([n], [t.ndim], j);
        temps.push(col);
        tensors.push(col);
        dims.push(d + j);
      }
    } else {
      tensors.push(t);
      dims.push(d);
    }
  }
  const maskOnly = masks.length === 1 && recorded.length === 1;
  return { steps, tensors, dims, shape, temps, maskOnly };
}

export interface Layout {
  shape: number[];
  strides: number[];
  offset: number;
}

/** The layout after one view step (no graph, no checks: steps come from resolveIndex). */
export function stepLayout(l: Layout, s: Step): Layout {
  const shape = [...l.shape];
  const strides = [...l.strides];
  let offset = l.offset;
  if (s.op === 'select') {
    const n = shape[s.dim];
    offset += (s.index < 0 ? s.index + n : s.index) * strides[s.dim];
    shape.splice(s.dim, 1);
    strides.splice(s.dim, 1);
  } else if (s.op === 'slice') {
    const [start, len] = sliceRange(shape[s.dim], s.start, s.end, s.step);
    offset += start * strides[s.dim];
    shape[s.dim] = len;
    strides[s.dim] *= s.step;
  } else {
    const st = s.dim < shape.length ? shape[s.dim] * strides[s.dim] : 1;
    shape.splice(s.dim, 0, 1);
    strides.splice(s.dim, 0, st);
  }
  return { shape, strides, offset };
}

/** A raw view of t after the steps (for kernels; no graph). The caller disposes it. */
export function rawStepped(t: Tensor, steps: readonly Step[]): Tensor {
  let l: Layout = { shape: [...t._shape], strides: [...t._strides], offset: t._offset };
  for (const s of steps) l = stepLayout(l, s);
  return t._view(l.shape, l.strides, l.offset);
}

/** The shape after the steps. */
export function steppedShape(shape: readonly number[], steps: readonly Step[]): number[] {
  let l: Layout = { shape: [...shape], strides: contiguousStrides(shape), offset: 0 };
  for (const s of steps) l = stepLayout(l, s);
  return l.shape;
}
