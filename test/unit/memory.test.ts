// Memory: every storage is freed exactly once (dispose, tidy, using, or the
// FinalizationRegistry), long loops do not leak, use after dispose is a clear error,
// and live typed arrays survive wasm memory growth.
import { describe, it, expect } from 'vitest';
import { torch, collectUntil, settled } from '../helpers.js';

const mem = () => torch.memory();

/** The storage behind a tensor, to watch it be freed without holding the tensor. */
const storageOf = (t: torch.Tensor): torch.Storage => t.untypedStorage();

/** Makes a tensor nobody references once this function returns; gives back its storage. */
function dropTensor(n: number): torch.Storage {
  return storageOf(torch.ones(n)); // the tensor is left for the garbage collector
}

describe('long loops do not leak', () => {
  it('100,000 create/op/dispose iterations end where they started', () => {
    const x = torch.arange(16, { dtype: torch.float32 });
    const warm = () => {
      const a = torch.full([4, 4], 3);
      const v = x.view(4, 4);
      const b = a.add(v);
      const bt = b.t();
      const c = bt.contiguous();
      const s = c.sum(1);
      for (const t of [a, v, b, bt, c, s]) t.dispose();
      return s;
    };
    for (let i = 0; i < 100; i++) warm(); // the allocator's free lists settle first
    const start = mem();
    for (let i = 0; i < 100_000; i++) warm();
    const end = mem();
    expect(end.bytesInUse).toBe(start.bytesInUse);
    expect(end.liveTensors).toBe(start.liveTensors);
    expect(end.liveStorages).toBe(start.liveStorages);
    expect(end.wasmBytes).toBe(start.wasmBytes);
    x.dispose();
  });

  it('10,000 iterations inside torch.tidy free every temporary', () => {
    const start = mem();
    let kept = 0;
    for (let i = 0; i < 10_000; i++) {
      const s = torch.tidy(() => {
        const a = torch.ones(8, 8);
        return a.mul(2).add(1).matmul(a).sum();
      });
      kept += s.item() as number;
      s.dispose();
    }
    expect(kept).toBe(10_000 * 64 * 24);
    const end = mem();
    expect(end.bytesInUse).toBe(start.bytesInUse);
    expect(end.liveTensors).toBe(start.liveTensors);
  });

  it('one tidy around 10,000 iterations frees them all at its end', () => {
    const start = mem();
    const total = torch.tidy(() => {
      let acc = torch.zeros(3);
      for (let i = 0; i < 10_000; i++) acc = acc.add(torch.ones(3));
      expect(mem().liveTensors).toBeGreaterThan(start.liveTensors + 10_000);
      return acc;
    });
    expect(total.tolist()).toEqual([10_000, 10_000, 10_000]);
    total.dispose();
    expect(mem().bytesInUse).toBe(start.bytesInUse);
    expect(mem().liveTensors).toBe(start.liveTensors);
  });

  it('10,000 forward/backward passes free the graph and its saved tensors', () => {
    const w = torch.tensor([[0.5, -1], [2, 0.25]], { dtype: torch.float64, requiresGrad: true });
    const start = mem();
    for (let i = 0; i < 10_000; i++) {
      torch.tidy(() => {
        const x = torch.ones(3, 2, { dtype: torch.float64 });
        x.matmul(w).mul(x.matmul(w)).sum().backward();
      });
    }
    // d/dw sum((xw)^2) = 2 x^T (x w), accumulated 10,000 times; only w.grad is new.
    expect(w.grad!.tolist()).toEqual([[15 * 10_000, -4.5 * 10_000], [15 * 10_000, -4.5 * 10_000]]);
    expect(mem().liveTensors).toBe(start.liveTensors + 1);
    expect(mem().bytesInUse).toBe(start.bytesInUse + 32);
    w.dispose();
  });
});

describe('training and inference loops keep the heap flat', () => {
  const F = torch.nn.functional;

  it('200 CNN training steps (Winograd and im2col convolutions, batch norm, pooling, SGD)', () => {
    torch.manualSeed(0);
    const ps = [
      torch.randn([8, 3, 3, 3]).mul(0.2), torch.zeros(8), torch.ones(8), torch.zeros(8), // conv1, bn
      torch.randn([8, 8, 3, 3]).mul(0.1), torch.randn([10, 8 * 4 * 4]).mul(0.05), torch.zeros(10),
    ];
    for (const p of ps) p.requiresGrad_(true);
    const [rm, rv] = [torch.zeros(8), torch.ones(8)];
    const x = torch.randn([4, 3, 16, 16]);
    const y = torch.tensor([[1], [3], [5], [7]]);
    const step = () =>
      torch.tidy(() => {
        let h = F.conv2d(x, ps[0], ps[1], { stride: 2, padding: 1 });
        h = F.relu(F.batchNorm(h, rm, rv, { weight: ps[2], bias: ps[3], training: true }));
        h = F.maxPool2d(F.conv2d(h, ps[4], null, { padding: 1 }), 2);
        const loss = F.logSoftmax(F.linear(h.flatten(1), ps[5], ps[6]), 1).gather(1, y).mean().neg();
        loss.backward();
        torch.noGrad(() => {
          for (const p of ps) {
            p.sub_(p.grad!, { alpha: 0.01 });
            p.grad!.zero_(); // zero_grad(set_to_none=False): the grads live across steps
          }
        });
        return loss.item();
      });
    const first = step();
    for (let i = 0; i < 10; i++) step(); // warm-up: scratch buffers reach their size
    const start = mem();
    let last = first;
    for (let i = 0; i < 200; i++) last = step();
    expect(last).toBeLessThan(first); // it trains
    expect(mem().bytesInUse).toBe(start.bytesInUse);
    expect(mem().liveTensors).toBe(start.liveTensors);
    expect(mem().wasmBytes).toBe(start.wasmBytes); // kernels' own scratch does not grow either
  });

  it('100 inferences of a 3x3 convolution stack through torch.noGrad', () => {
    torch.manualSeed(1);
    const w = torch.randn([32, 32, 3, 3]).mul(0.05);
    const x = torch.randn([1, 32, 28, 28]);
    const infer = () => torch.noGrad(() => torch.tidy(() => F.conv2d(F.relu(F.conv2d(x, w, null, { padding: 1 })), w, null, { padding: 1 }).sum().item()));
    const expected = infer();
    infer();
    const start = mem();
    for (let i = 0; i < 100; i++) expect(infer()).toBe(expected);
    expect(mem().bytesInUse).toBe(start.bytesInUse);
    expect(mem().wasmBytes).toBe(start.wasmBytes);
  });
});

describe('FinalizationRegistry', () => {
  it('frees an unreferenced tensor when it is collected', async () => {
    const start = await settled();
    const storage = dropTensor(1000);
    expect(mem().bytesInUse).toBe(start.bytesInUse + 4000);
    expect(await collectUntil(() => storage.freed)).toBe(true);
    expect(mem().bytesInUse).toBe(start.bytesInUse);
    expect(mem().liveTensors).toBe(start.liveTensors);
  });

  it('keeps a storage while a view of it is alive, frees it with the last view', async () => {
    const start = await settled();
    let view: torch.Tensor | null = (() => torch.arange(12, { dtype: torch.float32 }).view(3, 4).t())();
    await collectUntil(() => mem().liveTensors === start.liveTensors + 2);
    // The intermediate view(3, 4) was collected; the base stays reachable through the
    // view's ._base (as in PyTorch), and the storage is still there for the view.
    expect(mem().liveTensors).toBe(start.liveTensors + 2);
    expect(mem().liveStorages).toBe(start.liveStorages + 1);
    expect(mem().bytesInUse).toBe(start.bytesInUse + 48);
    expect(view.get(3, 2)).toBe(11);
    const storage = storageOf(view);
    view = null;
    expect(await collectUntil(() => storage.freed)).toBe(true);
    expect(mem().bytesInUse).toBe(start.bytesInUse);
    expect(mem().liveStorages).toBe(start.liveStorages);
    expect(mem().liveTensors).toBe(start.liveTensors);
  });

  it('frees tensors dropped in one synchronous job, past a registration batch, mixed with disposed ones', async () => {
    const start = await settled();
    // 3000 dropped and 3000 disposed tensors in one job: registration happens in batches
    // (when full and at the job's end); every dropped one must still be collected.
    for (let i = 0; i < 3000; i++) {
      dropTensor(10);
      torch.ones(10).dispose();
    }
    expect(mem().liveTensors).toBe(start.liveTensors + 3000);
    expect(mem().bytesInUse).toBe(start.bytesInUse + 3000 * 40);
    await collectUntil(() => mem().liveTensors === start.liveTensors);
    expect(mem().liveTensors).toBe(start.liveTensors);
    expect(mem().liveStorages).toBe(start.liveStorages);
    expect(mem().bytesInUse).toBe(start.bytesInUse);
  });

  it('does not free a storage twice when a tensor was disposed and then collected', async () => {
    const start = await settled();
    (() => {
      const t = torch.ones(100);
      t.dispose();
      t.dispose(); // a second dispose is a no-op
    })();
    await collectUntil(() => false, 5);
    expect(mem().liveTensors).toBe(start.liveTensors);
    expect(mem().liveStorages).toBe(start.liveStorages);
    expect(mem().bytesInUse).toBe(start.bytesInUse);
  });
});

describe('dispose', () => {
  it('frees the storage with the last tensor viewing it', () => {
    const start = mem();
    const base = torch.arange(6, { dtype: torch.float32 });
    const view = base.view(2, 3);
    base.dispose();
    expect(mem().bytesInUse).toBe(start.bytesInUse + 24);
    const s = view.sum();
    expect(s.item()).toBe(15);
    s.dispose();
    view.dispose();
    expect(mem().bytesInUse).toBe(start.bytesInUse);
    expect(mem().liveTensors).toBe(start.liveTensors);
  });

  it('disposing a tensor disposes its .grad', () => {
    const start = mem();
    const x = torch.tensor([1, 2], { dtype: torch.float64, requiresGrad: true });
    torch.tidy(() => x.mul(3).sum().backward());
    const g = x.grad!;
    x.dispose();
    expect(g.isDisposed).toBe(true);
    expect(mem().bytesInUse).toBe(start.bytesInUse);
  });

  it('use after dispose throws an Error naming the op', () => {
    const t = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 });
    const live = t.asTypedArray();
    const other = torch.ones(2, 2);
    t.dispose();
    const cases: [string, () => unknown][] = [
      ['add', () => t.add(1)],
      ['add', () => torch.add(other, t)],
      ['sum', () => t.sum()],
      ['view', () => t.view(4)],
      ['matmul', () => other.matmul(t)],
      ['cat', () => torch.cat([other, t])],
      ['item', () => t.item()],
      ['get', () => t.get(0, 0)],
      ['set', () => t.set(0, 0, 5)],
      ['tolist', () => t.tolist()],
      ['toTypedArray', () => t.toTypedArray()],
      ['asTypedArray', () => t.asTypedArray()],
      ['asTypedArray', () => live[0]],
      ['backward', () => t.backward()],
    ];
    const before = mem().bytesInUse;
    for (const [op, fn] of cases) {
      let err: unknown = null;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err, op).toBeInstanceOf(Error);
      expect(err, op).not.toBeInstanceOf(WebAssembly.RuntimeError);
      expect((err as Error).message, op).toContain(`${op}()`);
      expect((err as Error).message, op).toContain('disposed');
    }
    expect(mem().bytesInUse).toBe(before);
    expect(String(t)).toBe('tensor(<disposed>)');
    other.dispose();
  });
});

describe('wasm memory growth', () => {
  it('asTypedArray() views follow the memory when it grows', () => {
    const t = torch.arange(4, { dtype: torch.float32 });
    const live = t.asTypedArray() as Float32Array;
    const stale = new Float32Array(live.buffer, t.storage().dataPtr(), 4); // a plain view, for contrast
    const before = mem().wasmBytes;
    const big = torch.empty(64 * 1024 * 1024); // 256 MiB forces memory.grow
    expect(mem().wasmBytes).toBeGreaterThan(before);
    // the old ArrayBuffer was detached by the growth (a SharedArrayBuffer, the threads
    // build's memory, is never detached: it keeps its old length)
    expect(stale.length).toBe(stale.buffer instanceof SharedArrayBuffer ? 4 : 0);
    expect(live.length).toBe(4);
    expect(Array.from(live)).toEqual([0, 1, 2, 3]);
    live[0] = 42; // writes through to the tensor
    expect(t.get(0)).toBe(42);
    t.set(1, 7); // and the tensor's writes show in the array
    expect(live[1]).toBe(7);
    expect(t.toTypedArray()).toEqual(new Float32Array([42, 7, 2, 3]));
    big.dispose();
    t.dispose();
  });

  it('tensors at addresses above 2 GiB read, write and compute correctly', () => {
    const start = mem();
    // Untouched 64 MiB blocks (empty() does not write, so no page is committed) fill the
    // heap until one lands past 2^31; the tensor under test views its first elements.
    // (A small tensor could keep landing in a hole earlier tests left.)
    const pad: torch.Tensor[] = [];
    while (pad.length < 64 && (pad.length === 0 || pad[pad.length - 1].storage().dataPtr() < 2 ** 31)) {
      pad.push(torch.empty(16 * 1024 * 1024));
    }
    const t = pad[pad.length - 1].narrow(0, 0, 3);
    torch.tidy(() => void t.copy_(torch.tensor([1.5, 2.5, 3.5])));
    expect(t.storage().dataPtr()).toBeGreaterThan(2 ** 31);
    expect(t.tolist()).toEqual([1.5, 2.5, 3.5]);
    t.set(0, -1);
    expect(t.get(0)).toBe(-1);
    const s = torch.tidy(() => t.mul(2).sum());
    expect(s.item()).toBe(10);
    const live = t.asTypedArray();
    live[2] = 9;
    expect(t.get(2)).toBe(9);
    for (const x of [...pad, t, s]) x.dispose();
    expect(mem().bytesInUse).toBe(start.bytesInUse);
    expect(mem().liveTensors).toBe(start.liveTensors);
  });

  it('a request beyond the 32-bit address space throws instead of wrapping', () => {
    const start = mem();
    expect(() => torch.zeros(1e10)).toThrow(/^DefaultCPUAllocator: can't allocate memory: you tried to allocate 40000000000 bytes/);
    expect(() => torch.empty(5e8, { dtype: torch.float64 })).toThrow(/you tried to allocate 4000000000 bytes/);
    expect(mem().bytesInUse).toBe(start.bytesInUse);
    expect(mem().liveTensors).toBe(start.liveTensors);
  });
});
