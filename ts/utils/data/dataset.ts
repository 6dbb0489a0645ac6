// Datasets: the map-style base class and the iterable one, and their concatenation.
//
// Python spells a dataset with operators JavaScript does not have; here:
//   dataset[i]       ->  dataset.getItem(i)       (subclasses override getItem)
//   len(dataset)     ->  dataset.length           (a getter, a field, or assigned)
//   iter(dataset)    ->  dataset[Symbol.iterator]() (IterableDataset: a generator method)
//   dataset + other  ->  dataset.add(other)       (ConcatDataset / ChainDataset)
// Plain arrays work wherever PyTorch accepts a list or range as a dataset.

import { IndexError, NotImplementedError, ValueError } from '../../tensor/shape.js';
import { assignLength, getItemOf, lenOf, missingLength } from './protocol.js';
import { assert } from './errors.js';

/**
 * A map-style dataset: a subclass defines getItem(index) (and usually `length`).
 * @example
 * class Squares extends torch.utils.data.Dataset<number> {
 *   get length() { return 10; }
 *   getItem(i: number) { return i * i; }
 * }
 */
export class Dataset<T = unknown> {
  /** len(dataset): subclasses define it; reading it here throws PyTorch's TypeError. */
  get length(): number {
    return missingLength(this);
  }
  set length(value: number) {
    assignLength(this, value);
  }

  /** dataset[index]. */
  getItem(index: number): T {
    void index;
    throw new NotImplementedError(`${this.constructor.name}.getItem is not implemented`);
  }

  /** dataset + other: a ConcatDataset of both. */
  add<U>(other: Dataset<U> | ArrayLike<U>): ConcatDataset<T | U> {
    return new ConcatDataset<T | U>([this, other]);
  }
}

/**
 * A dataset that is a stream: a subclass defines `*[Symbol.iterator]()`.
 * @example
 * class Range extends torch.utils.data.IterableDataset<number> {
 *   constructor(private n: number) { super(); }
 *   *[Symbol.iterator]() { for (let i = 0; i < this.n; i++) yield i; }
 * }
 */
export class IterableDataset<T = unknown> extends Dataset<T> implements Iterable<T> {
  [Symbol.iterator](): Iterator<T> {
    throw new NotImplementedError(`${this.constructor.name}[Symbol.iterator] is not implemented`);
  }

  /** dataset + other: a ChainDataset of both. */
  // @ts-expect-error: PyTorch's IterableDataset.__add__ chains instead of concatenating
  override add<U>(other: IterableDataset<U>): ChainDataset<T | U> {
    return new ChainDataset<T | U>([this, other]);
  }
}

type MapStyle<T> = Dataset<T> | ArrayLike<T>;

/**
 * Map-style datasets one after another: index i goes to the dataset it falls in.
 * @example new ConcatDataset([trainA, trainB]).length // trainA.length + trainB.length
 */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  readonly datasets: MapStyle<T>[];
  /** The running total of the datasets' lengths. */
  readonly cumulativeSizes: number[];

  constructor(datasets: Iterable<MapStyle<T>>) {
    super();
    this.datasets = Array.from(datasets);
    assert(this.datasets.length > 0, 'datasets should not be an empty iterable');
    for (const d of this.datasets) assert(!(d instanceof IterableDataset), 'ConcatDataset does not support IterableDataset');
    let total = 0;
    this.cumulativeSizes = this.datasets.map((d) => (total += lenOf(d)));
  }

  override get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }

  override getItem(index: number): T {
    let idx = index;
    if (idx < 0) {
      if (-idx > this.length) throw new ValueError('absolute value of index should not exceed dataset length');
      idx = this.length + idx;
    }
    // bisect_right: the first dataset whose cumulative size exceeds idx
    let d = 0;
    while (d < this.cumulativeSizes.length && this.cumulativeSizes[d] <= idx) d++;
    if (d === this.datasets.length) throw new IndexError('list index out of range');
    const sampleIdx = d === 0 ? idx : idx - this.cumulativeSizes[d - 1];
    return getItemOf(this.datasets[d], sampleIdx) as T;
  }
}

/** Iterable datasets one after another, chained lazily. */
export class ChainDataset<T = unknown> extends IterableDataset<T> {
  readonly datasets: Iterable<IterableDataset<T>>;

  constructor(datasets: Iterable<IterableDataset<T>>) {
    super();
    this.datasets = datasets;
  }

  override *[Symbol.iterator](): Iterator<T> {
    for (const d of this.datasets) {
      assert(d instanceof IterableDataset, 'ChainDataset only supports IterableDataset');
      yield* d;
    }
  }

  override get length(): number {
    let total = 0;
    for (const d of this.datasets) {
      assert(d instanceof IterableDataset, 'ChainDataset only supports IterableDataset');
      total += lenOf(d);
    }
    return total;
  }
}
