// DataLoader: batches of a dataset, in a sampler's order, merged by a collate function.
// Iterate it with for...of; `length` is len(dataloader). Loading runs in the calling
// thread (numWorkers must be 0: wasm memory is not shared with workers).
//
// Memory: each batch is produced inside a tidy scope. Tensors created while fetching and
// collating it are freed when the batch is done, except the ones the batch holds. A
// dataset that creates tensors in getItem (or in its iterator) and keeps them for later
// (a cache, iterator state) must torch.keep() them. Batches belong to the caller.

import { Tensor } from '../../tensor/tensor.js';
import { NotImplementedError, ValueError } from '../../tensor/shape.js';
import { tidy } from '../../tensor/scope.js';
import { Generator } from '../../random/generator.js';
import { Dataset, IterableDataset } from './dataset.js';
import { Sampler, SequentialSampler, RandomSampler, drawnSeed } from './sampler.js';
import { BatchSampler } from './batch_sampler.js';
import { defaultCollate, defaultConvert } from './collate.js';
import { assert } from './errors.js';
import { bindCall, getItemOf, lenOf, pyStr, typeName } from './protocol.js';

type TypedArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

/** The type defaultCollate makes of a batch of samples of type T. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean | bigint | TypedArray
    ? Tensor
    : T extends string
      ? string[]
      : T extends Map<infer K, infer V>
        ? Map<K, Collated<V>>
        : T extends readonly unknown[]
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : T extends object
            ? { [K in keyof T]: Collated<T[K]> }
            : unknown;

export type DatasetLike<T> = Dataset<T> | ArrayLike<T>;

export interface DataLoaderOptions<B = unknown> {
  /** Samples per batch (default 1); null turns batching off (each sample converted alone). */
  batchSize?: number | null;
  /** A new random order every epoch (a RandomSampler drawing from `generator`). */
  shuffle?: boolean | null;
  /** The order of indices (any iterable with a length); excludes shuffle. */
  sampler?: Iterable<unknown> | null;
  /** Yields whole batches of indices; excludes batchSize, shuffle, sampler, dropLast. */
  batchSampler?: Iterable<unknown[]> | null;
  /** Only 0: batches load in the calling thread. */
  numWorkers?: number;
  /** Merges a batch of samples (a sample, when batchSize is null); default defaultCollate. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collateFn?: ((batch: any) => B) | null;
  /** Accepted and ignored: there is no pinned memory to copy to. */
  pinMemory?: boolean;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  timeout?: number;
  workerInitFn?: ((workerId: number) => void) | null;
  multiprocessingContext?: unknown;
  /** Draws the shuffling order and each epoch's base seed. */
  generator?: Generator | null;
  prefetchFactor?: number;
  persistentWorkers?: boolean;
  pinMemoryDevice?: string;
}

const SIGNATURE =
  'Any dataset, Any? batch_size=1, Any? shuffle=None, Any? sampler=None, Any? batch_sampler=None, Any? num_workers=0, ' +
  'Any? collate_fn=None, Any? pin_memory=False, Any? drop_last=False, Any? timeout=0, Any? worker_init_fn=None, ' +
  'Any? multiprocessing_context=None, Any? generator=None, *, Any? prefetch_factor=2, Any? persistent_workers=False, ' +
  'Any? pin_memory_device=""';

/** An iterable dataset's sampler: null forever (the dataset decides when to stop). */
class InfiniteConstantSampler extends Sampler<null> {
  override *[Symbol.iterator](): Iterator<null> {
    for (;;) yield null;
  }
}

/** The attributes PyTorch refuses to change once the loader exists. */
const FROZEN = { batchSize: 'batch_size', batchSampler: 'batch_sampler', sampler: 'sampler', dropLast: 'drop_last', dataset: 'dataset', persistentWorkers: 'persistent_workers' };

/**
 * Iterates over batches of a dataset.
 * @example
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true });
 * for (const [xb, yb] of loader) { ... }
 * loader.length; // batches per epoch
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export class DataLoader<T = any, B = Collated<T>> implements Iterable<B> {
  private readonly frozen: {
    dataset: DatasetLike<T>;
    batchSize: number | null;
    sampler: Iterable<unknown>;
    batchSampler: Iterable<unknown[]> | null;
    dropLast: boolean;
    persistentWorkers: boolean;
  };
  numWorkers: number;
  collateFn: (batch: unknown) => B;
  pinMemory: boolean;
  timeout: number;
  workerInitFn: ((workerId: number) => void) | null;
  multiprocessingContext: unknown;
  generator: Generator | null;
  prefetchFactor: number;
  pinMemoryDevice: string;
  /** @internal Whether the dataset is an IterableDataset. */
  readonly _iterable: boolean;
  /** @internal len(dataset) as last reported by `length` (iterable datasets). */
  _iterableLengthCalled: number | null = null;

  constructor(dataset: DatasetLike<T>, options?: DataLoaderOptions<B>);
  constructor(dataset: DatasetLike<T>, batchSize?: number | null, shuffle?: boolean | null, ...rest: unknown[]);
  constructor(dataset: DatasetLike<T>, ...args: unknown[]) {
    const [, batchSizeArg, shuffleArg, samplerArg, batchSamplerArg, numWorkers, collateFn, pinMemory, dropLastArg, timeout,
      workerInitFn, multiprocessingContext, generator, prefetchFactor, persistentWorkers, pinMemoryDevice] = bindCall('DataLoader', SIGNATURE, [dataset, ...args]);
    if (typeof numWorkers !== 'number' || !Number.isInteger(numWorkers)) throw new TypeError(`DataLoader(): num_workers must be an int, not ${typeName(numWorkers)}`);
    if (numWorkers < 0) throw new ValueError('num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.');
    if ((timeout as number) < 0) throw new ValueError('timeout option should be non-negative');
    if (numWorkers === 0 && prefetchFactor !== 2) {
      throw new ValueError('prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing.');
    }
    assert((prefetchFactor as number) > 0, 'prefetch_factor should be positive');
    if (persistentWorkers && numWorkers === 0) throw new ValueError('persistent_workers option needs num_workers > 0');
    if (numWorkers > 0) {
      throw new NotImplementedError(
        `DataLoader: num_workers=${numWorkers} is not supported: batches load in the calling thread (WebAssembly memory is not shared with worker processes); use num_workers=0`,
      );
    }
    if (multiprocessingContext !== null) {
      throw new ValueError(`multiprocessing_context can only be used with multi-process loading (num_workers > 0), but got num_workers=${numWorkers}`);
    }
    this._iterable = dataset instanceof IterableDataset;
    let shuffle = shuffleArg as boolean | null;
    let sampler = samplerArg as Iterable<unknown> | null;
    let batchSampler = batchSamplerArg as Iterable<unknown[]> | null;
    let batchSize = batchSizeArg as number | null;
    let dropLast = dropLastArg as boolean;
    if (this._iterable) {
      if (shuffle !== false && shuffle !== null) {
        throw new ValueError(`DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=${pyStr(shuffle)}`);
      }
      if (sampler !== null) throw new ValueError(`DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=${pyStr(sampler)}`);
      if (batchSampler !== null) {
        throw new ValueError(`DataLoader with IterableDataset: expected unspecified batch_sampler option, but got batch_sampler=${pyStr(batchSampler)}`);
      }
    } else {
      shuffle = Boolean(shuffle);
    }
    if (sampler !== null && shuffle) throw new ValueError('sampler option is mutually exclusive with shuffle');
    if (batchSampler !== null) {
      if (batchSize !== 1 || shuffle || sampler !== null || dropLast) {
        throw new ValueError('batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last');
      }
      batchSize = null;
      dropLast = false;
    } else if (batchSize === null && dropLast) {
      throw new ValueError('batch_size=None option disables auto-batching and is mutually exclusive with drop_last');
    }
    if (sampler === null) {
      if (this._iterable) sampler = new InfiniteConstantSampler();
      else sampler = shuffle ? new RandomSampler(dataset, { generator }) : new SequentialSampler(dataset);
    }
    if (batchSize !== null && batchSampler === null) batchSampler = new BatchSampler(sampler, batchSize, dropLast);
    this.frozen = { dataset, batchSize, sampler, batchSampler, dropLast, persistentWorkers: persistentWorkers as boolean };
    this.numWorkers = numWorkers;
    this.collateFn = (collateFn ?? (batchSampler !== null ? defaultCollate : defaultConvert)) as (batch: unknown) => B;
    this.pinMemory = pinMemory as boolean;
    this.timeout = timeout as number;
    this.workerInitFn = workerInitFn as ((workerId: number) => void) | null;
    this.multiprocessingContext = multiprocessingContext;
    this.generator = generator as Generator | null;
    this.prefetchFactor = prefetchFactor as number;
    this.pinMemoryDevice = pinMemoryDevice as string;
  }

  get dataset(): DatasetLike<T> {
    return this.frozen.dataset;
  }
  get batchSize(): number | null {
    return this.frozen.batchSize;
  }
  get sampler(): Iterable<unknown> {
    return this.frozen.sampler;
  }
  get batchSampler(): Iterable<unknown[]> | null {
    return this.frozen.batchSampler;
  }
  get dropLast(): boolean {
    return this.frozen.dropLast;
  }
  get persistentWorkers(): boolean {
    return this.frozen.persistentWorkers;
  }

  /** @internal The sampler the iterator draws from: of batches when batching, else of indices. */
  get _indexSampler(): Iterable<unknown> {
    return this.frozen.batchSampler ?? this.frozen.sampler;
  }

  /** An iterator over one epoch's batches. */
  [Symbol.iterator](): DataLoaderIterator<B> {
    return new DataLoaderIterator<B>(this as unknown as DataLoader<unknown, B>);
  }

  /** len(dataloader): batches per epoch (for an IterableDataset, estimated from its length). */
  get length(): number {
    if (this._iterable) {
      let length = (this._iterableLengthCalled = lenOf(this.dataset));
      const batchSize = this.batchSize;
      if (batchSize !== null) length = this.dropLast ? Math.floor(length / batchSize) : Math.ceil(length / batchSize);
      return length;
    }
    return lenOf(this._indexSampler);
  }
}

for (const [name, pyName] of Object.entries(FROZEN)) {
  const get = Object.getOwnPropertyDescriptor(DataLoader.prototype, name)!.get;
  Object.defineProperty(DataLoader.prototype, name, {
    configurable: true,
    get,
    set() {
      throw new ValueError(`${pyName} attribute should not be set after DataLoader is initialized`);
    },
  });
}

const END = Symbol('end of epoch');

/**
 * One pass over a DataLoader (PyTorch's _SingleProcessDataLoaderIter): on creation it
 * draws the epoch's base seed from the loader's generator (as PyTorch does, so later
 * draws line up), then each next() fetches the sampler's next indices and collates.
 */
export class DataLoaderIterator<B> implements IterableIterator<B> {
  private readonly samplerIter: Iterator<unknown>;
  private readonly datasetIter: Iterator<unknown> | null = null;
  private ended = false;
  private numYielded = 0;
  /** @internal The seed PyTorch would give worker processes (drawn to keep the stream aligned). */
  readonly _baseSeed: number | bigint;

  constructor(private readonly loader: DataLoader<unknown, B>) {
    if (loader.pinMemoryDevice.length > 0 && !loader.pinMemory) {
      console.warn(
        "UserWarning: pin memory device is set and pin_memory flag is not used then device pinned memory won't be usedplease set pin_memory to true, if you need to use the device pin memory",
      );
    }
    this.samplerIter = loader._indexSampler[Symbol.iterator]();
    this._baseSeed = drawnSeed(loader.generator);
    assert(loader.timeout === 0, 'timeout must be 0 when batches load in the calling thread (num_workers=0)');
    if (loader._iterable) this.datasetIter = (loader.dataset as unknown as IterableDataset<unknown>)[Symbol.iterator]();
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** Batches in this epoch (the index sampler's length). */
  get length(): number {
    return lenOf(this.loader._indexSampler);
  }

  next(): IteratorResult<B> {
    const data = tidy(() => this.nextData());
    if (data === END) return { done: true, value: undefined };
    this.numYielded++;
    const reported = this.loader._iterableLengthCalled;
    if (this.loader._iterable && reported !== null && this.numYielded > reported) {
      console.warn(
        `UserWarning: Length of IterableDataset ${pyStr(this.loader.dataset)} was reported to be ${reported} (when accessing len(dataloader)), but ${this.numYielded} samples have been fetched. `,
      );
    }
    return { done: false, value: data as B };
  }

  /** Ends the epoch early (a `break` out of for...of): the sampler and dataset iterators close. */
  return(): IteratorResult<B> {
    this.samplerIter.return?.();
    this.datasetIter?.return?.();
    return { done: true, value: undefined };
  }

  private nextData(): B | typeof END {
    const index = this.samplerIter.next();
    if (index.done) return END;
    const autoCollation = this.loader.batchSampler !== null;
    const { collateFn, dataset } = this.loader;
    if (this.datasetIter !== null) {
      if (this.ended) return END;
      if (!autoCollation) {
        const item = this.datasetIter.next();
        return item.done ? END : collateFn(item.value);
      }
      const data: unknown[] = [];
      for (let i = 0; i < (index.value as unknown[]).length; i++) {
        const item = this.datasetIter.next();
        if (item.done) {
          this.ended = true;
          break;
        }
        data.push(item.value);
      }
      if (data.length === 0 || (this.loader.dropLast && data.length < (index.value as unknown[]).length)) return END;
      return collateFn(data);
    }
    if (!autoCollation) return collateFn(getItemOf(dataset, index.value));
    const getItems = (dataset as { getItems?: unknown }).getItems;
    const indices = index.value as unknown[];
    const data = typeof getItems === 'function' ? getItems.call(dataset, indices) : indices.map((i) => getItemOf(dataset, i));
    return collateFn(data);
  }
}
