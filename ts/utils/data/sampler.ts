// Samplers: the order in which a DataLoader visits a map-style dataset's indices.
// A sampler is iterable (Python's __iter__ is [Symbol.iterator], a generator method
// that runs lazily, as Python's generator functions do) and has a `length`.
// The random ones draw their generator's stream exactly as PyTorch 1.13 does.

import { NotImplementedError, ValueError } from '../../tensor/shape.js';
import { Tensor, isTensor } from '../../tensor/tensor.js';
import { float64, int64 } from '../../tensor/dtype.js';
import { asTensor, empty } from '../../ops/all.js';
import { multinomial, randint, randperm } from '../../random/index.js';
import { Generator } from '../../random/generator.js';
import { assignLength, bindCall, lenOf, missingLength, pyIndex, pyStr } from './protocol.js';

/** The base class: subclasses define `*[Symbol.iterator]()` and usually `length`. */
export class Sampler<T = number> implements Iterable<T> {
  constructor(dataSource?: unknown) {
    void dataSource;
  }

  [Symbol.iterator](): Iterator<T> {
    throw new NotImplementedError(`${this.constructor.name}[Symbol.iterator] is not implemented`);
  }

  get length(): number {
    return missingLength(this);
  }
  set length(value: number) {
    assignLength(this, value);
  }
}

/** The values of a tensor drawn by `draw`, which is then freed. */
function drawn(draw: () => Tensor): number[] {
  const t = draw();
  try {
    return t.tolist() as number[];
  } finally {
    t.dispose();
  }
}

/**
 * 0, 1, ..., len(dataSource) - 1.
 * @example [...new SequentialSampler([5, 6, 7])] // [0, 1, 2]
 */
export class SequentialSampler extends Sampler<number> {
  constructor(readonly dataSource: unknown) {
    super(dataSource);
  }

  override *[Symbol.iterator](): Iterator<number> {
    const n = lenOf(this.dataSource);
    for (let i = 0; i < n; i++) yield i;
  }

  override get length(): number {
    return lenOf(this.dataSource);
  }
}

/**
 * The indices in a random order (a fresh permutation per pass), or `numSamples`
 * indices drawn with replacement. Without a generator, each pass seeds a new one from
 * the default generator, as PyTorch does.
 * @example new RandomSampler(ds, { generator: new torch.Generator().manualSeed(0) })
 */
export class RandomSampler extends Sampler<number> {
  readonly dataSource: unknown;
  readonly replacement: boolean;
  readonly generator: Generator | null;
  private readonly _numSamples: number | null;

  /** PyTorch's (data_source, replacement=False, num_samples=None, generator=None). */
  constructor(dataSource: unknown, ...args: unknown[]) {
    super(dataSource);
    const [replacement, numSamples, generator] = bindCall(
      'RandomSampler', 'Any replacement=False, Any num_samples=None, Any generator=None', args,
    );
    this.dataSource = dataSource;
    this.replacement = replacement as boolean;
    this._numSamples = numSamples as number | null;
    this.generator = generator as Generator | null;
    if (typeof replacement !== 'boolean') {
      throw new TypeError(`replacement should be a boolean value, but got replacement=${pyStr(replacement)}`);
    }
    const n = this.numSamples;
    if (!Number.isInteger(n) || n <= 0) {
      throw new ValueError(`num_samples should be a positive integer value, but got num_samples=${pyStr(n)}`);
    }
  }

  /** num_samples, or the dataset's length when not given (it may change between passes). */
  get numSamples(): number {
    return this._numSamples ?? lenOf(this.dataSource);
  }

  override *[Symbol.iterator](): Iterator<number> {
    const n = lenOf(this.dataSource);
    let generator = this.generator;
    let own: Generator | null = null;
    if (generator === null) {
      const seed = drawnSeed(null);
      generator = own = new Generator().manualSeed(seed);
    }
    try {
      const gen = { generator, dtype: int64 };
      const count = this.numSamples;
      if (this.replacement) {
        for (let i = 0; i < Math.floor(count / 32); i++) yield* drawn(() => randint(n, [32], gen));
        yield* drawn(() => randint(n, [count % 32], gen));
      } else {
        for (let i = 0; i < Math.floor(count / n); i++) yield* drawn(() => randperm(n, gen));
        yield* drawn(() => randperm(n, gen)).slice(0, count % n);
      }
    } finally {
      own?.dispose();
    }
  }

  override get length(): number {
    return this.numSamples;
  }
}

/** torch.empty((), dtype=torch.int64).random_(generator=g).item(): a seed drawn from g. */
export function drawnSeed(generator: Generator | null): number | bigint {
  const t = empty([], { dtype: int64 });
  try {
    t.random_(generator === null ? {} : { generator });
    return t.item() as number | bigint;
  } finally {
    t.dispose();
  }
}

/**
 * The given indices in a random order (a fresh permutation per pass).
 * @example new SubsetRandomSampler([10, 20, 30])
 */
export class SubsetRandomSampler extends Sampler<number> {
  readonly indices: ArrayLike<number>;
  readonly generator: Generator | null;

  /** PyTorch's (indices, generator=None). */
  constructor(indices: ArrayLike<number>, ...args: unknown[]) {
    super(indices);
    const [generator] = bindCall('SubsetRandomSampler', 'Any generator=None', args);
    this.indices = indices;
    this.generator = generator as Generator | null;
  }

  override *[Symbol.iterator](): Iterator<number> {
    const order = drawn(() => randperm(lenOf(this.indices), { generator: this.generator }));
    for (const i of order) yield pyIndex(this.indices, i);
  }

  override get length(): number {
    return lenOf(this.indices);
  }
}

/**
 * `numSamples` indices of [0, len(weights)) drawn with probabilities proportional to
 * the weights (torch.multinomial), with replacement by default.
 * @example [...new WeightedRandomSampler([0.1, 0.9, 0.4], 5)]
 */
export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: Tensor;
  readonly numSamples: number;
  readonly replacement: boolean;
  readonly generator: Generator | null;

  /** PyTorch's (weights, num_samples, replacement=True, generator=None). */
  constructor(weights: ArrayLike<number> | Tensor, ...args: unknown[]) {
    super();
    const [numSamples, replacement, generator] = bindCall(
      'WeightedRandomSampler', 'Any num_samples, Any replacement=True, Any generator=None', args,
    );
    if (typeof numSamples !== 'number' || !Number.isInteger(numSamples) || numSamples <= 0) {
      throw new ValueError(`num_samples should be a positive integer value, but got num_samples=${pyStr(numSamples)}`);
    }
    if (typeof replacement !== 'boolean') {
      throw new ValueError(`replacement should be a boolean value, but got replacement=${pyStr(replacement)}`);
    }
    const w = isTensor(weights) ? asTensor(weights, { dtype: float64 }) : asTensor(Array.from(weights as ArrayLike<number>), { dtype: float64 });
    if (w.ndim !== 1) {
      const shape = w.shape.length === 1 ? `(${w.shape[0]},)` : `(${w.shape.join(', ')})`;
      throw new ValueError(`weights should be a 1d sequence but given weights have shape ${shape}`);
    }
    this.weights = w;
    this.numSamples = numSamples;
    this.replacement = replacement;
    this.generator = generator as Generator | null;
  }

  override *[Symbol.iterator](): Iterator<number> {
    yield* drawn(() => multinomial(this.weights, this.numSamples, this.replacement, { generator: this.generator }));
  }

  override get length(): number {
    return this.numSamples;
  }
}
