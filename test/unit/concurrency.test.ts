// Concurrency in JavaScript: async callers holding tensors that are disposed under them,
// `using` / `await using` blocks across awaits, FinalizationRegistry callbacks racing
// explicit dispose(), and views of one storage disposed in either order. What must hold:
// a disposed tensor's next use is the disposed-tensor RuntimeError (never a read or write
// of storage that another tensor now owns), every storage is freed exactly once, and the
// memory report counts exactly. Freed blocks are made to be reused on purpose (same-size
// allocations right after the free), and the tests check that the reuse happened.
import { describe, it, expect } from 'vitest';
import { torch, gc, collectUntil, settled } from '../helpers.js';

type T = torch.Tensor;
const mem = (): torch.MemoryReport => torch.memory();
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
const ptrOf = (t: T): number => t.untypedStorage().ptr;
const N = 256; // elements per tensor: 1 KiB blocks, reused by the next 1 KiB allocation
const full = (v: number): T => torch.full([N], v, { dtype: torch.float32 });

function expectReport(now: torch.MemoryReport, start: torch.MemoryReport, tensors = 0, storages = 0, bytes = 0): void {
  expect({ liveTensors: now.liveTensors, liveStorages: now.liveStorages, bytesInUse: now.bytesInUse }).toEqual({
    liveTensors: start.liveTensors + tensors,
    liveStorages: start.liveStorages + storages,
    bytesInUse: start.bytesInUse + bytes,
  });
}

/** The error a call throws, or null. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (e) {
    return e;
  }
}

/** Allocates `count` tensors of N elements filled with `v`: one of them likely takes a block just freed. */
const refill = (v: number, count = 8): T[] => Array.from({ length: count }, () => full(v));

/** Every way to read or write a tensor, run after an await by a caller that still holds it. */
function uses(t: T, live: ArrayLike<number> & { [i: number]: number }): [string, () => unknown][] {
  return [
    ['sum', () => t.sum()],
    ['narrow', () => t.narrow(0, 0, 1)],
    ['tolist', () => t.tolist()],
    ['toTypedArray', () => t.toTypedArray()],
    ['get', () => t.get(0)],
    ['set', () => t.set(0, -1)],
    ['fill_', () => t.fill_(-1)],
    ['add_', () => t.add_(1)],
    ['copy_', () => t.copy_(torch.zeros(N))],
    ['clone', () => t.clone()],
    ['asTypedArray', () => t.asTypedArray()],
    ['asTypedArray', () => live[0]],
    ['asTypedArray', () => (live[1] = -1)],
    ['save', () => torch.save([t])],
  ];
}

describe('a tensor disposed while an async caller still holds it', () => {
  it('every later use by the caller is the disposed-tensor RuntimeError; the block reused meanwhile keeps its values', async () => {
    const start = await settled();
    const held = full(3);
    const live = held.asTypedArray() as Float32Array;
    const ptr = ptrOf(held);
    const caller = (async () => {
      await tick();
      // in a tidy: the arguments a use makes (copy_'s zeros) are freed with it
      return uses(held, live).map(([op, fn]) => [op, thrown(() => torch.tidy(() => void fn()))] as const);
    })();
    held.dispose();
    const fresh = refill(7);
    expect(fresh.map(ptrOf), 'the freed block was reused (else the test proves nothing)').toContain(ptr);
    for (const [op, err] of await caller) {
      expect(err, op).toBeInstanceOf(torch.RuntimeError);
      expect((err as Error).message, op).toMatch(new RegExp(`^(torch\\.)?${op}\\(\\):? .*disposed|^${op}: .*disposed`));
    }
    for (const f of fresh) expect(f.toTypedArray().every((x) => x === 7)).toBe(true);
    for (const f of fresh) f.dispose();
    expectReport(mem(), start);
  });

  it('a subarray or an iterator of an asTypedArray() view, held across an await, checks the tensor too', async () => {
    const start = await settled();
    const held = full(3);
    const live = held.asTypedArray() as Float32Array;
    const sub = live.subarray(1, -1);
    const iter = live[Symbol.iterator]();
    const values = live.values();
    const entries = live.entries();
    expect([sub.length, iter.next().value, values.next().value, entries.next().value]).toEqual([N - 2, 3, 3, [0, 3]]);
    const ptr = ptrOf(held);
    const caller = (async () => {
      await tick();
      return [() => sub[0], () => (sub[0] = -1), () => sub.subarray(1), () => iter.next(), () => values.next(), () => entries.next(), () => [...live]].map(thrown);
    })();
    held.dispose();
    const fresh = refill(7);
    expect(fresh.map(ptrOf)).toContain(ptr);
    for (const err of await caller) expect((err as Error)?.message).toBe("asTypedArray(): argument 'self' is a tensor that was disposed");
    for (const f of fresh) expect(f.toTypedArray().every((x) => x === 7)).toBe(true);
    for (const f of fresh) f.dispose();
    expectReport(mem(), start);
  });

  it('a subarray is live: it sees writes on either side, follows memory growth, and bumps the version when written', () => {
    const t = torch.arange(6, { dtype: torch.float32 });
    const live = t.asTypedArray() as Float32Array;
    const mid = live.subarray(1, -1);
    expect([...mid]).toEqual([1, 2, 3, 4]);
    expect([...live.subarray(-2)]).toEqual([4, 5]);
    expect([...live.subarray(4, 2)]).toEqual([]);
    expect([...live.keys()]).toEqual([0, 1, 2, 3, 4, 5]);
    const v = t._version;
    mid[1] = 100;
    expect(t.get(2)).toBe(100);
    expect(t._version).toBe(v + 1);
    t.set(1, -5);
    expect(mid[0]).toBe(-5);
    const big = torch.zeros(1 << 24); // 64 MiB: the wasm memory grows, the old buffer detaches
    expect([...mid.subarray(1, 2)]).toEqual([100]);
    big.dispose();
    t.dispose();
  });

  it('ten async workers updating one tensor while one of them disposes it: each update lands whole or throws', async () => {
    const start = await settled();
    const shared = full(0);
    const ptr = ptrOf(shared);
    let fresh: T[] = [];
    const worker = async (id: number): Promise<string[]> => {
      const log: string[] = [];
      for (let step = 0; step < 5; step++) {
        await tick();
        if (id === 3 && step === 2) {
          shared.dispose();
          fresh = refill(7);
        }
        const err = thrown(() => shared.add_(1));
        log.push(err === null ? 'ok' : (err as Error).message);
      }
      return log;
    };
    const logs = await Promise.all(Array.from({ length: 10 }, (_, id) => worker(id)));
    const all = logs.flat();
    const ok = all.filter((m) => m === 'ok').length;
    expect(all.filter((m) => m !== 'ok').every((m) => m === "add_(): argument 'self' is a tensor that was disposed")).toBe(true);
    // the updates before the dispose: steps 0 and 1 of every worker, step 2 of workers 0..2
    expect(ok).toBe(23);
    expect(fresh.map(ptrOf)).toContain(ptr);
    for (const f of fresh) expect(f.toTypedArray().every((x) => x === 7)).toBe(true);
    for (const f of fresh) f.dispose();
    expectReport(mem(), start);
  });

  it('a view taken before the dispose keeps the storage: the caller reads the old values, not the next tensor\'s', async () => {
    const start = await settled();
    const base = torch.arange(N, { dtype: torch.float32 });
    const view = base.narrow(0, 10, 4);
    const caller = (async () => {
      await tick();
      return view.tolist();
    })();
    base.dispose();
    const fresh = refill(7);
    expect(await caller).toEqual([10, 11, 12, 13]);
    expectReport(mem(), start, 1 + fresh.length, 1 + fresh.length, 4 * N * (1 + fresh.length));
    view.dispose();
    for (const f of fresh) f.dispose();
    expectReport(mem(), start);
  });
});

describe('using and await using inside async functions', () => {
  it('a `using` tensor lives across awaits and is freed at the end of its block, on return and on throw', async () => {
    const start = await settled();
    const seen: number[] = [];
    async function step(fail: boolean): Promise<number> {
      using a = full(2);
      await tick();
      using b = a.mul(3);
      await tick();
      seen.push(mem().bytesInUse - start.bytesInUse);
      if (fail) throw new RangeError('step failed');
      using total = b.sum();
      return total.item() as number;
    }
    expect(await step(false)).toBe(6 * N);
    expectReport(mem(), start);
    await expect(step(true)).rejects.toThrow('step failed');
    expectReport(mem(), start);
    expect(seen).toEqual([8 * N, 8 * N]);
  });

  it('two async functions interleaving their `using` blocks: each frees only its own, and the counts are exact at every await', async () => {
    const start = await settled();
    const counts: number[] = [];
    const results: number[] = [];
    async function run(v: number): Promise<void> {
      using x = full(v);
      counts.push(mem().liveStorages - start.liveStorages);
      await tick();
      {
        using y = x.add(1);
        await tick();
        counts.push(mem().liveStorages - start.liveStorages);
        results.push(y.get(0) as number);
      }
      await tick();
      counts.push(mem().liveStorages - start.liveStorages);
    }
    await Promise.all([run(1), run(10)]);
    expect(results.sort((a, b) => a - b)).toEqual([2, 11]);
    // x1, x2 made; y1, y2 made (4 live); y1 gone when the first inner block ends (3),
    // y2 with the second (2), then x1 with the first function (1)
    expect(counts).toEqual([1, 2, 4, 3, 2, 1]);
    expectReport(mem(), start);
  });

  it('`await using` frees a tensor after its block even when an awaited promise rejects', async () => {
    const start = await settled();
    async function run(): Promise<void> {
      await using t = full(5);
      await Promise.reject(new Error('network down'));
      t.add_(1);
    }
    await expect(run()).rejects.toThrow('network down');
    expectReport(mem(), start);
  });

  it('a continuation that outlives its `using` block gets the disposed-tensor error, not the next tensor\'s memory', async () => {
    const start = await settled();
    let later: Promise<unknown> = Promise.resolve();
    let ptr = 0;
    {
      using t = full(4);
      ptr = ptrOf(t);
      later = (async () => {
        await tick();
        return thrown(() => t.sum());
      })();
    }
    const fresh = refill(9);
    expect(fresh.map(ptrOf)).toContain(ptr);
    const err = await later;
    expect(err).toBeInstanceOf(torch.RuntimeError);
    expect((err as Error).message).toBe("sum(): argument 'self' is a tensor that was disposed");
    for (const f of fresh) expect(f.toTypedArray().every((x) => x === 9)).toBe(true);
    for (const f of fresh) f.dispose();
    expectReport(mem(), start);
  });

  it('a base and its view in `using` (disposed view first, then base): the storage goes with the last', async () => {
    const start = await settled();
    let bytesInside = 0;
    async function run(): Promise<number> {
      using base = torch.arange(8, { dtype: torch.float32 });
      using view = base.view(2, 4);
      await tick();
      bytesInside = mem().bytesInUse - start.bytesInUse;
      return view.get(1, 3) as number;
    }
    expect(await run()).toBe(7);
    expect(bytesInside).toBe(32);
    expectReport(mem(), start);
  });
});

describe('FinalizationRegistry callbacks racing explicit dispose()', () => {
  it('the registry collects a tensor nobody disposed (so the races below really run)', async () => {
    const start = await settled();
    (() => full(1))();
    expect(await collectUntil(() => mem().liveTensors === start.liveTensors)).toBe(true);
    expectReport(mem(), start);
  });

  it('disposed, then dropped and collected: no double free, the report counts exactly, blocks are handed out once', async () => {
    const start = await settled();
    const collected = new Set<number>();
    const watch = new FinalizationRegistry<number>((i) => collected.add(i));
    (() => {
      for (let i = 0; i < 200; i++) {
        const t = full(i);
        watch.register(t, i);
        if (i % 2 === 0) t.dispose(); // half disposed, half left to the registry
        if (i % 4 === 0) t.dispose(); // a second dispose is a no-op
      }
    })();
    expect(await collectUntil(() => collected.size === 200 && mem().liveTensors === start.liveTensors)).toBe(true);
    expectReport(mem(), start);
    // a block freed twice would be handed out twice: every live block must be distinct
    const fresh = refill(0, 300);
    expect(new Set(fresh.map(ptrOf)).size).toBe(300);
    fresh.forEach((f, i) => f.fill_(i));
    expect(fresh.every((f, i) => f.get(N - 1) === i)).toBe(true);
    for (const f of fresh) f.dispose();
    expectReport(mem(), start);
  });

  it('a tensor disposed, its block reused by another, then its registry callback fires: the new tensor keeps block and values', async () => {
    const start = await settled();
    const fired = { done: false };
    const watch = new FinalizationRegistry<void>(() => (fired.done = true));
    let first: T | null = full(1);
    watch.register(first, undefined);
    const ptr = ptrOf(first);
    first.dispose();
    const second = full(2);
    expect(ptrOf(second)).toBe(ptr); // the allocator hands the freed block out again
    first = null;
    expect(await collectUntil(() => fired.done)).toBe(true);
    await collectUntil(() => false, 3); // and the library's callback for the same object
    expectReport(mem(), start, 1, 1, 4 * N);
    expect(second.toTypedArray().every((x) => x === 2)).toBe(true);
    const third = full(3); // must not get the block the second still owns
    expect(ptrOf(third)).not.toBe(ptr);
    expect(second.toTypedArray().every((x) => x === 2)).toBe(true);
    second.dispose();
    third.dispose();
    expectReport(mem(), start);
  });

  it('garbage collection between the awaits of async callers that dispose their own tensors', async () => {
    const start = await settled();
    const caller = async (v: number): Promise<number> => {
      const t = full(v);
      const u = t.mul(2); // left to the registry
      await tick();
      gc();
      await tick();
      const s = t.sum().item() as number;
      t.dispose();
      void u;
      return s;
    };
    const sums = await Promise.all(Array.from({ length: 20 }, (_, i) => caller(i)));
    expect(sums).toEqual(Array.from({ length: 20 }, (_, i) => i * N));
    expect(await collectUntil(() => mem().liveTensors === start.liveTensors)).toBe(true);
    expectReport(mem(), start);
  });
});

describe('views sharing a storage, disposed in either order', () => {
  for (const order of ['base first', 'view first'] as const) {
    it(`${order}: the survivor reads its values after the block could have been reused; the storage is freed once, with the last`, async () => {
      const start = await settled();
      const base = torch.arange(N, { dtype: torch.float32 });
      const square = base.view(16, 16);
      const transposed = square.t();
      const view = transposed.narrow(0, 1, 2);
      square.dispose(); // the intermediate views go at once: only base and view hold the storage
      transposed.dispose();
      const [gone, survivor] = order === 'base first' ? [base, view] : [view, base];
      gone.dispose();
      const fresh = refill(7);
      expectReport(mem(), start, 1 + fresh.length, 1 + fresh.length, 4 * N * (1 + fresh.length));
      await tick();
      if (survivor === view) expect(view.tolist()).toEqual([Array.from({ length: 16 }, (_, i) => 16 * i + 1), Array.from({ length: 16 }, (_, i) => 16 * i + 2)]);
      else expect(base.toTypedArray().every((x, i) => x === i)).toBe(true);
      expect(thrown(() => gone.sum())).toBeInstanceOf(torch.RuntimeError);
      survivor.dispose();
      survivor.dispose();
      for (const f of fresh) f.dispose();
      expectReport(mem(), start);
    });

    it(`${order} disposed, the other dropped and collected: freed once`, async () => {
      const start = await settled();
      (() => {
        const base = torch.arange(N, { dtype: torch.float32 });
        const view = base.narrow(0, 0, 8);
        (order === 'base first' ? base : view).dispose();
      })();
      expect(await collectUntil(() => mem().liveTensors === start.liveTensors)).toBe(true);
      expectReport(mem(), start);
    });
  }
});
