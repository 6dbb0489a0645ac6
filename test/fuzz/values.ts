// Random argument values for the fuzz suite: tensors of every dtype and layout (empty,
// 0-d, non-contiguous, expanded, disposed, requiring grad, holding NaN/Inf/-0), index
// tensors with huge and negative entries, ints and int lists (dims in and out of range,
// sizes whose product overflows), scalars, strings, dtypes, and hostile values where
// numbers or tensors belong. A Gen remembers every tensor it made so the run can free them.
import { torch } from '../helpers.js';
import { Rng } from './rng.js';

type Tensor = torch.Tensor;

export const DTYPES = [
  torch.float32, torch.float64, torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool, torch.float16, torch.bfloat16,
];
const FLOAT_SPECIALS = [NaN, Infinity, -Infinity, -0, 1e30, -1e-40, 65504, 3.4e38];
const INT_SPECIALS = [2 ** 31, 2 ** 53 - 1, 1e12, -(2 ** 31), -(2 ** 40), 2 ** 62];
/** Strings the ops take (modes, reductions, norms, dtypes by name) and some junk. */
const STRINGS = [
  'mean', 'sum', 'none', 'constant', 'reflect', 'replicate', 'circular', 'nearest', 'linear', 'bilinear', 'bicubic',
  'trilinear', 'area', 'nearest-exact', 'tanh', 'reduced', 'complete', 'r', 'fro', 'nuc', 'floor', 'trunc', 'L', 'U',
  'ij', 'xy', 'zeros', 'border', 'reflection', 'max', 'min', 'prod', 'amax', 'amin', 'float32', 'int64', 'cpu', 'gelu',
  'relu', 'ii->i', 'ij,jk->ik', '', 'bogus', '...', '1:3', '::-1',
];

/** Python's types in one pool: what ends up where a number or a tensor belongs. */
export function hostile(g: Gen): unknown {
  const r = g.rng;
  switch (r.int(0, 21)) {
    case 0: return undefined;
    case 1: return null;
    case 2: return r.pick(['abc', '', '1', 'nan']);
    case 3: return {};
    case 4: return { foo: 1, dim: 'x' };
    case 5: return [];
    case 6: return [1, 'x', null];
    case 7: return [[1], [2, 3]];
    case 8: return 2n ** 70n;
    case 9: return r.pick([3n, -1n, 0n]);
    case 10: return r.pick([NaN, Infinity, -Infinity, -0]);
    case 11: return r.pick(INT_SPECIALS);
    case 12: return r.pick([0.5, -1.5, 1e300]);
    case 13: return r.chance(0.5);
    case 14: return () => 1;
    case 15: return new Float32Array([1, 2, 3]);
    case 16: return new Map([['a', 1]]);
    case 17: return { shape: [2], dtype: 'float32', _shape: [2] }; // a tensor look-alike
    case 18: return g.disposedTensor();
    case 19: return g.tensor({ dtype: r.pick(DTYPES) });
    case 20: return [g.tensor(), 'x'];
    default: return r.pick(STRINGS);
  }
}

export interface TensorOpts {
  shape?: readonly number[];
  dtype?: torch.DType;
  /** Int64 entries for an index: in range of `bound` mostly, some negative or huge. */
  indexBound?: number;
}

/** The values one call's arguments are drawn from, and the tensors made for it. */
export class Gen {
  readonly made: Tensor[] = [];
  /** The call's base shape and dtype: tensor args agree with them often, so that calls get through the checks. */
  shape: number[];
  dtype: torch.DType;

  constructor(readonly rng: Rng) {
    this.shape = this.randomShape();
    this.dtype = rng.chance(0.6) ? torch.float32 : rng.pick(DTYPES);
  }

  randomShape(): number[] {
    const r = this.rng;
    const rank = r.pick([0, 1, 1, 2, 2, 2, 3, 3, 4, 5]);
    return Array.from({ length: rank }, () => (r.chance(0.07) ? 0 : r.int(1, 5)));
  }

  /** A shape like the base one: the same, broadcastable, or (sometimes) incompatible. */
  relatedShape(): number[] {
    const r = this.rng;
    const s = [...this.shape];
    const k = r.next();
    if (k < 0.55) return s;
    if (k < 0.7 && s.length > 0) return s.slice(r.int(1, s.length)); // trailing dims: broadcasts
    if (k < 0.8 && s.length > 0) {
      s[r.int(0, s.length - 1)] = 1;
      return s;
    }
    if (k < 0.9 && s.length > 0) {
      s[r.int(0, s.length - 1)] += r.int(1, 3); // a mismatch
      return s;
    }
    return this.randomShape();
  }

  private track<T extends Tensor>(t: T): T {
    this.made.push(t);
    return t;
  }

  /** Flat values of a dtype: normal-ish floats with specials, small ints, bools. */
  private data(n: number, dtype: torch.DType, indexBound?: number): number[] | boolean[] {
    const r = this.rng;
    if (dtype === torch.bool) return Array.from({ length: n }, () => r.chance(0.5));
    if (indexBound !== undefined) {
      return Array.from({ length: n }, () => {
        if (r.chance(0.05)) return r.pick([2 ** 40, -(2 ** 40), 2 ** 62, -(2 ** 53), 2 ** 31]);
        if (r.chance(0.1)) return r.int(-indexBound - 2, -1);
        return r.int(0, Math.max(0, indexBound + (r.chance(0.1) ? 2 : -1)));
      });
    }
    if (!dtype.isFloatingPoint) {
      const [lo, hi] = dtype === torch.uint8 ? [0, 255] : [-5, 10];
      return Array.from({ length: n }, () => (r.chance(0.03) ? r.pick([lo, hi, 0]) : r.int(lo, Math.min(hi, 10))));
    }
    const special = r.chance(0.25);
    return Array.from({ length: n }, () => (special && r.chance(0.2) ? r.pick(FLOAT_SPECIALS) : Math.round(r.normal() * 200) / 100));
  }

  /** A tensor, usually of the base shape and dtype; any layout. */
  tensor(opts: TensorOpts = {}): Tensor {
    const r = this.rng;
    const shape = opts.shape ?? (r.chance(0.8) ? this.relatedShape() : this.randomShape());
    const dtype = opts.indexBound !== undefined ? torch.int64 : (opts.dtype ?? (r.chance(0.8) ? this.dtype : r.pick(DTYPES)));
    let t = this.layout(shape, dtype, opts.indexBound);
    if (dtype.isFloatingPoint && r.chance(0.25)) {
      t.requiresGrad_(true);
      if (r.chance(0.5)) t = this.track(t.mul(1)); // a non-leaf
    }
    return t;
  }

  /** A tensor of `shape` laid out contiguously, transposed, strided, expanded or offset. */
  private layout(shape: readonly number[], dtype: torch.DType, indexBound?: number): Tensor {
    const r = this.rng;
    const numel = shape.reduce((a, b) => a * b, 1);
    const make = (s: readonly number[]): Tensor => {
      const n = s.reduce((a, b) => a * b, 1);
      const flat = this.track(torch.tensor(this.data(n, dtype, indexBound) as number[], { dtype }));
      return this.track(flat.reshape(s));
    };
    const k = r.next();
    if (shape.length >= 2 && k < 0.15) {
      const sw = [...shape];
      [sw[0], sw[sw.length - 1]] = [sw[sw.length - 1], sw[0]];
      return this.track(make(sw).transpose(0, shape.length - 1)); // non-contiguous
    }
    if (shape.length >= 1 && k < 0.25) {
      const d = r.int(0, shape.length - 1);
      const big = [...shape];
      big[d] = shape[d] * 2;
      return this.track(make(big).slice(d, 1, null, 2)); // stride 2, offset 1 when non-empty
    }
    if (shape.length >= 1 && numel > 0 && k < 0.32) {
      const d = r.int(0, shape.length - 1);
      const one = [...shape];
      one[d] = 1;
      return this.track(make(one).expand(shape)); // stride 0
    }
    return make(shape);
  }

  disposedTensor(): Tensor {
    const t = torch.ones(2, 2);
    t.dispose();
    return t;
  }

  /** An int64 index tensor into a dim of size `bound`. */
  index(bound: number, shape?: readonly number[]): Tensor {
    return this.tensor({ indexBound: bound, shape: shape ?? [this.rng.int(0, 4)] });
  }

  /** A dim of a tensor of rank `rank`: in range mostly. */
  dim(rank = this.shape.length): number {
    const r = this.rng;
    if (r.chance(0.1)) return r.pick([rank, -rank - 1, 64, -(2 ** 31), 2 ** 53]);
    return rank === 0 ? r.pick([0, -1]) : r.int(-rank, rank - 1);
  }

  /** A size or count: small mostly, some zero, negative, huge or fractional. */
  size(): number {
    const r = this.rng;
    if (r.chance(0.08)) return r.pick([...INT_SPECIALS, -1, -2, 1.5, NaN]);
    return r.int(0, 4);
  }

  sizes(): number[] {
    const r = this.rng;
    if (r.chance(0.05)) return [2 ** 20, 2 ** 20, 2 ** 20]; // numel overflows 2^53 after a few more
    if (r.chance(0.05)) return [2 ** 31, 2 ** 31];
    return Array.from({ length: r.int(0, 4) }, () => this.size());
  }

  dims(): number[] {
    return Array.from({ length: this.rng.int(0, Math.max(1, this.shape.length)) }, () => this.dim());
  }

  scalar(): unknown {
    const r = this.rng;
    switch (r.int(0, 7)) {
      case 0: return r.int(-3, 5);
      case 1: return r.chance(0.5);
      case 2: return r.pick(FLOAT_SPECIALS);
      case 3: return r.pick([2n, -3n, 2n ** 63n - 1n, 2n ** 70n]);
      case 4: return r.pick(INT_SPECIALS);
      default: return Math.round(r.normal() * 100) / 100;
    }
  }

  string(): string {
    return this.rng.pick(STRINGS);
  }

  dtypeArg(): unknown {
    const r = this.rng;
    if (r.chance(0.8)) return r.pick(DTYPES);
    return r.pick(['float32', 'torch.int64', 'double', 'complex64', 'foo', 42, {}]);
  }

  /** Any value at all: what goes where the type is unknown. */
  any(): unknown {
    const r = this.rng;
    const k = r.next();
    if (k < 0.35) return this.tensor();
    if (k < 0.55) return this.size();
    if (k < 0.65) return this.sizes();
    if (k < 0.75) return this.scalar();
    if (k < 0.82) return this.string();
    return hostile(this);
  }

  /** Disposes every tensor this Gen made (views first is not needed: disposal is per tensor). */
  disposeAll(): void {
    for (const t of this.made) t.dispose();
    this.made.length = 0;
  }
}
