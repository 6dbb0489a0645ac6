// torch.utils.data against PyTorch 1.13: the orders and subsets below were printed by
// /usr/bin/python3 for the same seeds and calls (random_split, the samplers, DataLoader
// shuffling, and where the default generator's stream stands afterwards).
import { describe, it, expect, vi, afterEach } from 'vitest';
import { torch, values, expectNoLeak } from '../helpers.js';

const D = torch.utils.data;
const G = (seed: number): torch.Generator => new torch.Generator().manualSeed(seed);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const indicesOf = (subsets: { indices: ArrayLike<number> }[]): number[][] => subsets.map((s) => Array.from(s.indices));
/** The first tensor of each batch, as lists (one epoch). */
const epoch = (loader: Iterable<torch.Tensor[]>): unknown[] => [...loader].map((b) => b[0].tolist());

afterEach(() => vi.restoreAllMocks());

/** Disposes every tensor in a batch (a tensor, or arrays and objects of them). */
function disposeAll(x: unknown): void {
  if (x instanceof torch.Tensor) x.dispose();
  else if (Array.isArray(x)) x.forEach(disposeAll);
  else if (x !== null && typeof x === 'object') Object.values(x).forEach(disposeAll);
}

class Squares extends D.Dataset<number> {
  constructor(private n: number) {
    super();
  }
  override get length(): number {
    return this.n;
  }
  override getItem(i: number): number {
    if (i >= this.n) throw new torch.IndexError('index out of range');
    return i * i;
  }
}

class Stream extends D.IterableDataset<number> {
  constructor(private start: number, private end: number) {
    super();
  }
  override *[Symbol.iterator](): Iterator<number> {
    for (let i = this.start; i < this.end; i++) yield i;
  }
}

describe('datasets', () => {
  it('TensorDataset: rows of equal-length tensors', () => {
    const x = torch.arange(12).view(4, 3);
    const y = torch.tensor([10, 11, 12, 13]);
    const ds = new D.TensorDataset(x, y);
    expect(ds.length).toBe(4);
    const [xi, yi] = ds.getItem(1);
    expect(values(xi)).toEqual([3, 4, 5]);
    expect(yi.item()).toBe(11);
    expect(values(ds.getItem(-1)[1])).toEqual([13]);
    expect(() => new D.TensorDataset(torch.zeros(3), torch.zeros(4))).toThrow('Size mismatch between tensors');
    expect(() => new D.TensorDataset(torch.zeros(3), torch.zeros(4))).toThrow(D.AssertionError);
    expect(() => new D.TensorDataset()).toThrow(torch.IndexError);
  });

  it('Dataset subclasses: getItem and length (a getter or assigned); no length is a TypeError', () => {
    const sq = new Squares(4);
    expect(sq.getItem(3)).toBe(9);
    class Assigned extends D.Dataset<number> {
      constructor() {
        super();
        this.length = 7;
      }
    }
    expect(new Assigned().length).toBe(7);
    class NoLength extends D.Dataset<number> {}
    expect(() => new NoLength().length).toThrow("object of type 'NoLength' has no len()");
    expect(() => new NoLength().getItem(0)).toThrow(torch.NotImplementedError);
    expect(() => [...new D.IterableDataset()]).toThrow(torch.NotImplementedError);
  });

  it('ConcatDataset and add(): indices across datasets, negative ones from the end', () => {
    const cat = new D.ConcatDataset<number>([range(3), new Squares(4)]);
    expect(cat.length).toBe(7);
    expect(cat.cumulativeSizes).toEqual([3, 7]);
    expect([0, 2, 3, 6, -1, -7].map((i) => cat.getItem(i))).toEqual([0, 2, 0, 9, 9, 0]);
    expect(() => cat.getItem(-8)).toThrow('absolute value of index should not exceed dataset length');
    expect(() => cat.getItem(7)).toThrow(torch.IndexError);
    const added = new Squares(2).add([5, 6]);
    expect(added).toBeInstanceOf(D.ConcatDataset);
    expect([0, 1, 2, 3].map((i) => added.getItem(i))).toEqual([0, 1, 5, 6]);
    expect(() => new D.ConcatDataset([])).toThrow('datasets should not be an empty iterable');
    expect(() => new D.ConcatDataset([new Stream(0, 2)])).toThrow('ConcatDataset does not support IterableDataset');
  });

  it('IterableDataset and ChainDataset', () => {
    const chained = new Stream(0, 2).add(new Stream(5, 7));
    expect(chained).toBeInstanceOf(D.ChainDataset);
    expect([...chained]).toEqual([0, 1, 5, 6]);
    expect(() => chained.length).toThrow("object of type 'Stream' has no len()");
    const chain2 = new D.ChainDataset([new Stream(0, 1), new Squares(2) as never]);
    expect(() => [...chain2]).toThrow('ChainDataset only supports IterableDataset');
  });

  it('Subset: the dataset at given indices (positions, lists of positions)', () => {
    const sub = new D.Subset(new Squares(10), [9, 2, 4]);
    expect(sub.length).toBe(3);
    expect([sub.getItem(0), sub.getItem(-1)]).toEqual([81, 16]);
    expect(() => sub.getItem(3)).toThrow('list index out of range');
    const rows = new D.Subset(new D.TensorDataset(torch.arange(10).mul(10)), [7, 1, 3]);
    expect(values(rows.getItem([0, 2])[0])).toEqual([70, 30]);
  });
});

describe('randomSplit: PyTorch 1.13 subsets for seeded generators', () => {
  it('lengths as counts', () => {
    expect(indicesOf(D.randomSplit(range(10), [3, 7], G(42)))).toEqual([[2, 6, 1], [8, 4, 5, 0, 9, 3, 7]]);
    torch.manualSeed(3);
    expect(indicesOf(D.randomSplit(range(8), [2, 6]))).toEqual([[2, 4], [3, 5, 1, 0, 6, 7]]);
  });

  it('lengths as fractions, the remainder dealt round-robin', () => {
    expect(indicesOf(D.randomSplit(range(30), [0.3, 0.3, 0.4], { generator: G(42) }))).toEqual([
      [12, 0, 6, 25, 8, 15, 10, 18, 16],
      [23, 28, 26, 20, 7, 21, 22, 29, 13],
      [14, 2, 4, 1, 9, 11, 17, 19, 27, 5, 24, 3],
    ]);
    expect(indicesOf(D.randomSplit(range(11), [0.5, 0.5], G(1)))).toEqual([[0, 10, 2, 3, 7, 6], [4, 8, 1, 9, 5]]);
    expect(indicesOf(D.randomSplit(range(10), [0.25, 0.25, 0.5], G(7)))).toEqual([[5, 0, 3], [4, 1], [7, 9, 6, 8, 2]]);
  });

  it('subsets index the dataset; errors and warnings as PyTorch', () => {
    const [a] = D.randomSplit(new Squares(10), [3, 7], G(42));
    expect([0, 1, 2].map((i) => a.getItem(i))).toEqual([4, 36, 1]);
    expect(() => D.randomSplit(range(10), [3, 3])).toThrow('Sum of input lengths does not equal the length of the input dataset!');
    expect(() => D.randomSplit(range(10), [1.5, -0.5])).toThrow('Fraction at index 0 is not between 0 and 1');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(indicesOf(D.randomSplit(range(3), [0.1, 0.1, 0.8], G(0)))).toEqual([[2], [], [0, 1]]);
    expect(warn).toHaveBeenCalledWith('UserWarning: Length of split at index 1 is 0. This might result in an empty dataset.');
  });
});

describe('samplers: PyTorch 1.13 orders', () => {
  it('SequentialSampler', () => {
    const s = new D.SequentialSampler(new Squares(4));
    expect([...s]).toEqual([0, 1, 2, 3]);
    expect(s.length).toBe(4);
  });

  it('RandomSampler with a generator: a new permutation per pass', () => {
    const s = new D.RandomSampler(range(10), { generator: G(0) });
    expect([...s]).toEqual([4, 1, 7, 5, 3, 9, 0, 8, 6, 2]);
    expect([...s]).toEqual([4, 0, 8, 5, 9, 1, 6, 3, 7, 2]);
    expect(s.length).toBe(10);
  });

  it('RandomSampler without a generator seeds one from the default generator per pass', () => {
    torch.manualSeed(5);
    const s = new D.RandomSampler(range(7));
    expect([...s]).toEqual([5, 3, 6, 0, 1, 4, 2]);
    expect([...s]).toEqual([0, 3, 6, 2, 1, 4, 5]);
    expect(values(torch.rand(2))).toEqual([0.9201034307479858, 0.1166452169418335]);
  });

  it('RandomSampler with replacement (randint in chunks of 32) and numSamples beyond the length', () => {
    const r = new D.RandomSampler(range(5), true, 40, G(1));
    expect([...r]).toEqual([0, 4, 4, 3, 3, 3, 1, 1, 4, 2, 3, 4, 1, 3, 3, 0, 2, 1, 2, 1, 0, 3, 1, 4, 3, 1, 4, 2, 4, 4, 3, 1, 2, 3, 2, 3, 3, 1, 2, 0]);
    expect(r.length).toBe(40);
    expect([...new D.RandomSampler(range(4), { numSamples: 10, generator: G(2) })]).toEqual([0, 1, 3, 2, 0, 3, 1, 2, 2, 0]);
  });

  it('SubsetRandomSampler and WeightedRandomSampler', () => {
    expect([...new D.SubsetRandomSampler([10, 20, 30, 40, 50], { generator: G(3) })]).toEqual([20, 10, 40, 50, 30]);
    const w = new D.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5, { replacement: true, generator: G(4) });
    expect([...w]).toEqual([4, 4, 1, 5, 5]);
    expect(w.weights.dtype).toBe(torch.float64);
    expect([...new D.WeightedRandomSampler(torch.tensor([0.9, 0.4, 0.05, 0.2, 0.3, 0.1]), 5, false, G(4))]).toEqual([0, 2, 1, 5, 4]);
  });

  it('BatchSampler', () => {
    expect([...new D.BatchSampler(new D.SequentialSampler(range(10)), 3, false)]).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect([...new D.BatchSampler(range(10), 3, true)]).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    expect(new D.BatchSampler(range(10), 3, false).length).toBe(4);
    expect(new D.BatchSampler(range(10), 3, true).length).toBe(3);
  });

  it('raise PyTorch errors', () => {
    expect(() => new D.RandomSampler(range(0))).toThrow('num_samples should be a positive integer value, but got num_samples=0');
    expect(() => new D.RandomSampler(range(3), 1)).toThrow('replacement should be a boolean value, but got replacement=1');
    expect(() => new D.RandomSampler(range(3), 1)).toThrow(TypeError);
    expect(() => new D.RandomSampler(range(3), { numSamples: -1 })).toThrow('but got num_samples=-1');
    expect(() => new D.WeightedRandomSampler([[1, 2], [3, 4]] as never, 2)).toThrow(
      'weights should be a 1d sequence but given weights have shape (2, 2)',
    );
    expect(() => new D.WeightedRandomSampler([1, 2], 0)).toThrow('num_samples should be a positive integer value, but got num_samples=0');
    expect(() => new D.WeightedRandomSampler([1, 2], 2, 0)).toThrow('replacement should be a boolean value, but got replacement=0');
    expect(() => new D.BatchSampler(range(3), 2, 1 as never)).toThrow('drop_last should be a boolean value, but got drop_last=1');
    expect(() => new D.BatchSampler(range(3), 2.5, false)).toThrow('batch_size should be a positive integer value, but got batch_size=2.5');
    expect(() => new D.Sampler().length).toThrow("object of type 'Sampler' has no len()");
  });
});

describe('collate', () => {
  it('defaultCollate: tensors stacked, numbers to int64/float64, bools, strings kept, recursing into arrays and objects', () => {
    const batch = D.defaultCollate([
      [torch.tensor([1, 2], { dtype: torch.float32 }), 0, 'a', { x: 1.5, y: [1, 2] }, true],
      [torch.tensor([3, 4], { dtype: torch.float32 }), 1, 'b', { x: 2.5, y: [3, 4] }, false],
    ]) as [torch.Tensor, torch.Tensor, string[], { x: torch.Tensor; y: torch.Tensor[] }, torch.Tensor];
    expect(batch[0].shape).toEqual([2, 2]);
    expect(values(batch[0])).toEqual([1, 2, 3, 4]);
    expect(batch[1].dtype).toBe(torch.int64);
    expect(values(batch[1])).toEqual([0, 1]);
    expect(batch[2]).toEqual(['a', 'b']);
    expect(batch[3].x.dtype).toBe(torch.float64);
    expect(values(batch[3].x)).toEqual([1.5, 2.5]);
    expect(batch[3].y.map((t) => values(t))).toEqual([[1, 3], [2, 4]]);
    expect(batch[4].dtype).toBe(torch.bool);
    expect(values(batch[4])).toEqual([true, false]);
  });

  it('typed arrays (numpy arrays) and Maps; bigints are int64', () => {
    const t = D.defaultCollate([new Float32Array([1, 2]), new Float32Array([3, 4])]) as torch.Tensor;
    expect(t.dtype).toBe(torch.float32);
    expect(t.shape).toEqual([2, 2]);
    const m = D.defaultCollate([new Map([['k', 1]]), new Map([['k', 2]])]) as Map<string, torch.Tensor>;
    expect(values(m.get('k')!)).toEqual([1, 2]);
    expect((D.defaultCollate([1n, 2n]) as torch.Tensor).dtype).toBe(torch.int64);
    // integral numbers mixed with fractions are doubles
    expect((D.defaultCollate([1, 2.5]) as torch.Tensor).dtype).toBe(torch.float64);
  });

  it('errors as PyTorch', () => {
    expect(() => D.defaultCollate([null])).toThrow(
      "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found <class 'NoneType'>",
    );
    expect(() => D.defaultCollate([[1, 2], [3]])).toThrow('each element in list of batch should be of equal size');
    expect(() => D.defaultCollate([[1, 2], [3]])).toThrow(torch.RuntimeError);
    expect(() => D.defaultCollate([{ a: 1 }, { b: 2 }])).toThrow(torch.KeyError);
    expect(() => D.defaultCollate([torch.zeros(2), torch.zeros(3)])).toThrow(
      'stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1',
    );
  });

  it('collate with a custom collateFnMap; defaultConvert', () => {
    class Box {
      constructor(readonly v: number) {}
    }
    const map: torch.utils.data.CollateFnMap = new Map([[Box, (b: unknown[]) => (b as Box[]).map((x) => x.v * 10)], ...D.defaultCollateFnMap]);
    expect(D.collate([[new Box(1), 5], [new Box(2), 6]], { collateFnMap: map })).toEqual([[10, 20], expect.anything()]);
    const converted = D.defaultConvert({ a: new Float64Array([1, 2]), b: [3, 'x'] }) as { a: torch.Tensor; b: unknown[] };
    expect(converted.a.dtype).toBe(torch.float64);
    expect(converted.b).toEqual([3, 'x']);
    const t = torch.ones(2);
    expect(D.defaultConvert(t)).toBe(t);
  });
});

describe('DataLoader', () => {
  const ds = new D.TensorDataset(torch.arange(10));

  it('shuffles with a generator exactly as PyTorch, a new order each epoch', () => {
    const loader = new D.DataLoader(ds, { batchSize: 3, shuffle: true, generator: G(0) });
    expect(loader.length).toBe(4);
    expect(epoch(loader)).toEqual([[3, 7, 5], [2, 0, 8], [1, 6, 9], [4]]);
    expect(epoch(loader)).toEqual([[1, 3, 2], [7, 5, 9], [0, 6, 4], [8]]);
    const dropped = new D.DataLoader(ds, { batchSize: 4, shuffle: true, dropLast: true, generator: G(9) });
    expect(dropped.length).toBe(2);
    expect(epoch(dropped)).toEqual([[4, 6, 8, 1], [5, 2, 7, 9]]);
  });

  it('shuffles from the default generator as PyTorch, leaving its stream where PyTorch does', () => {
    torch.manualSeed(0);
    const loader = new D.DataLoader(ds, { batchSize: 4, shuffle: true });
    expect(epoch(loader)).toEqual([[6, 7, 1, 4], [2, 0, 9, 8], [3, 5]]);
    expect(epoch(loader)).toEqual([[2, 4, 7, 0], [8, 9, 5, 3], [6, 1]]);
    expect(values(torch.rand(2))).toEqual([0.455627977848053, 0.6323062777519226]);
    // even without shuffling, each epoch draws its base seed (one 64-bit value)
    torch.manualSeed(0);
    expect(epoch(new D.DataLoader(ds, 4, false))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(values(torch.rand(2))).toEqual([0.08847743272781372, 0.13203048706054688]);
  });

  it('batchSize 1 by default; null turns batching off', () => {
    const sq = new Squares(3);
    expect([...new D.DataLoader(sq)].map((b) => values(b as torch.Tensor))).toEqual([[0], [1], [4]]);
    expect([...new D.DataLoader(sq, { batchSize: null })]).toEqual([0, 1, 4]);
    expect(new D.DataLoader(sq, null).length).toBe(3);
    // an array is a map-style dataset too
    const pairs = new D.DataLoader([[1, 'a'], [2, 'b'], [3, 'c']], { batchSize: 2 });
    const [first] = pairs;
    expect(values(first[0] as torch.Tensor)).toEqual([1, 2]);
    expect(first[1]).toEqual(['a', 'b']);
  });

  it('takes a sampler, a batch sampler, a collate function, and a getItems hook', () => {
    const sq = new Squares(6);
    const bySampler = new D.DataLoader(sq, { batchSize: 2, sampler: [5, 0, 3] });
    expect([...bySampler].map((b) => values(b as torch.Tensor))).toEqual([[25, 0], [9]]);
    expect(bySampler.length).toBe(2);
    const byBatches = new D.DataLoader(sq, { batchSampler: [[1, 2], [4]] });
    expect([...byBatches].map((b) => values(b as torch.Tensor))).toEqual([[1, 4], [16]]);
    expect(byBatches.batchSize).toBe(null);
    const summed = new D.DataLoader(sq, { batchSize: 4, collateFn: (b: number[]) => b.reduce((x, y) => x + y, 0) });
    expect([...summed]).toEqual([14, 41]);
    class Batched extends Squares {
      getItems(indices: number[]): number[] {
        return indices.map((i) => -i);
      }
    }
    expect([...new D.DataLoader(new Batched(3), { batchSize: 3 })].map((b) => values(b as torch.Tensor))).toEqual([[0, -1, -2]]);
  });

  it('iterable datasets: batches until the stream ends; length from the dataset', () => {
    const stream = new Stream(3, 7);
    expect([...new D.DataLoader(stream)].map((b) => values(b as torch.Tensor))).toEqual([[3], [4], [5], [6]]);
    expect([...new D.DataLoader(stream, { batchSize: null })]).toEqual([3, 4, 5, 6]);
    expect([...new D.DataLoader(stream, { batchSize: 3 })].map((b) => values(b as torch.Tensor))).toEqual([[3, 4, 5], [6]]);
    expect([...new D.DataLoader(stream, { batchSize: 3, dropLast: true })].map((b) => values(b as torch.Tensor))).toEqual([[3, 4, 5]]);
    expect(() => new D.DataLoader(stream).length).toThrow("object of type 'Stream' has no len()");
    class Sized extends Stream {
      override get length(): number {
        return 2; // under-reported: PyTorch warns once more samples come
      }
    }
    const loader = new D.DataLoader(new Sized(0, 3), { batchSize: null });
    expect(loader.length).toBe(2);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect([...loader]).toEqual([0, 1, 2]);
    expect(warn).toHaveBeenCalledWith(
      'UserWarning: Length of IterableDataset <Sized object> was reported to be 2 (when accessing len(dataloader)), but 3 samples have been fetched. ',
    );
  });

  it('iterators: length, early break closes the sampler', () => {
    const loader = new D.DataLoader(ds, { batchSize: 4, shuffle: true, generator: G(0) });
    const it = loader[Symbol.iterator]();
    expect(it.length).toBe(3);
    let n = 0;
    for (const batch of loader) {
      expect(batch[0].shape).toEqual([4]);
      if (++n === 1) break;
    }
    expect(n).toBe(1);
    expect(it.next().done).toBe(false);
  });

  it('raises PyTorch errors on bad options', () => {
    const stream = new Stream(0, 3);
    const cases: [() => unknown, string][] = [
      [() => new D.DataLoader(ds, { batchSize: 0 }), 'batch_size should be a positive integer value, but got batch_size=0'],
      [() => new D.DataLoader(ds, { batchSize: 2.5 }), 'batch_size should be a positive integer value, but got batch_size=2.5'],
      [() => new D.DataLoader(ds, { sampler: new D.SequentialSampler(ds), shuffle: true }), 'sampler option is mutually exclusive with shuffle'],
      [() => new D.DataLoader(ds, { batchSampler: [[0]], batchSize: 2 }), 'batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last'],
      [() => new D.DataLoader(ds, { batchSize: null, dropLast: true }), 'batch_size=None option disables auto-batching and is mutually exclusive with drop_last'],
      [() => new D.DataLoader(stream, { shuffle: true }), 'DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=True'],
      [() => new D.DataLoader(stream, { sampler: [1, 2] }), 'DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=[1, 2]'],
      [() => new D.DataLoader(ds, { numWorkers: -1 }), 'num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.'],
      [() => new D.DataLoader(ds, { timeout: -1 }), 'timeout option should be non-negative'],
      [() => new D.DataLoader(ds, { prefetchFactor: 3 }), 'prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing.'],
      [() => new D.DataLoader(ds, { persistentWorkers: true }), 'persistent_workers option needs num_workers > 0'],
      [() => new D.DataLoader(ds, { multiprocessingContext: 'spawn' }), 'multiprocessing_context can only be used with multi-process loading (num_workers > 0), but got num_workers=0'],
      [() => new D.DataLoader(ds, { numWorkers: 2 }), 'num_workers=2 is not supported'],
      [() => new D.DataLoader(ds, { batch: 2 } as never), "DataLoader() got an unexpected keyword argument 'batch'"],
      [() => new D.DataLoader(new (class NoLen extends D.Dataset {})()).length, "object of type 'NoLen' has no len()"],
    ];
    for (const [make, message] of cases) expect(make, message).toThrow(message);
    expect(() => new D.DataLoader(ds, { numWorkers: 2 })).toThrow(torch.NotImplementedError);
    expect(() => new D.DataLoader(ds, { batchSize: 0 })).toThrow(torch.ValueError);
    // PyTorch's single-process iterator asserts timeout == 0
    expect(() => [...new D.DataLoader(ds, { timeout: 2 })]).toThrow(D.AssertionError);
  });

  it('refuses to change batch_size, sampler, ... after construction', () => {
    const loader = new D.DataLoader(ds);
    for (const [name, py] of [['batchSize', 'batch_size'], ['sampler', 'sampler'], ['batchSampler', 'batch_sampler'], ['dropLast', 'drop_last'], ['dataset', 'dataset'], ['persistentWorkers', 'persistent_workers']]) {
      expect(() => {
        (loader as unknown as Record<string, unknown>)[name] = 3;
      }).toThrow(`${py} attribute should not be set after DataLoader is initialized`);
    }
    loader.collateFn = (b) => b as never;
    expect(loader.batchSize).toBe(1);
  });
});

describe('memory', () => {
  it('frees everything but the batches, epoch after epoch', () => {
    const x = torch.randn(50, 3);
    const y = torch.randint(0, 4, [50]);
    const loader = new D.DataLoader(new D.TensorDataset(x, y), { batchSize: 8, shuffle: true });
    const before = torch.memory();
    for (let e = 0; e < 3; e++) {
      for (const [xb, yb] of loader) {
        expect(xb.shape[1]).toBe(3);
        xb.dispose();
        yb.dispose();
      }
    }
    const after = torch.memory();
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.liveTensors).toBe(before.liveTensors);
  });

  it('frees the tensors a dataset creates in getItem and its iterator', () => {
    class Fresh extends D.Dataset<{ v: torch.Tensor; label: number }> {
      override get length(): number {
        return 10;
      }
      override getItem(i: number) {
        const t = torch.full([4], i).mul(2); // a temporary, then the sample
        return { v: t.add(1), label: i % 3 };
      }
    }
    class FreshStream extends D.IterableDataset<torch.Tensor> {
      override *[Symbol.iterator]() {
        for (let i = 0; i < 7; i++) yield torch.ones(2).mul(i);
      }
    }
    const loaders = [new D.DataLoader(new Fresh(), { batchSize: 4, shuffle: true }), new D.DataLoader(new FreshStream(), { batchSize: 3 })];
    expectNoLeak(() => {
      for (let e = 0; e < 2; e++) {
        for (const loader of loaders) {
          for (const batch of loader as Iterable<unknown>) disposeAll(batch);
        }
      }
    });
  });

  it('samplers free their draws', () => {
    expectNoLeak(() => {
      for (let i = 0; i < 3; i++) {
        [...new D.RandomSampler(range(20))];
        [...new D.RandomSampler(range(20), true, 70)];
        [...new D.SubsetRandomSampler([1, 2, 3])];
        D.randomSplit(range(10), [0.5, 0.5]);
      }
    });
  });
});
