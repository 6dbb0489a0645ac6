// The worker pool (dist/torch-threads.wasm, ts/wasm/threads.ts, crate/src/kernels/parallel.rs):
// every parallel kernel gives the same bits with 1 and N threads (fixed split points),
// setNumThreads checks its argument as PyTorch does, a failing kernel reports its value
// under threads, memory stays flat and a script with a live pool exits.
// Under TORCHWASM_THREADS=0 (the single-thread build) the same tests run on one thread.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { torch } from '../helpers.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../../shared/conformance/models/${name}`, import.meta.url));
const floats = (name: string): Float32Array => {
  const b = fixture(name);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

const N = 2; // threads of the parallel runs (this machine: 2 cores; more than the cores works too)
const threaded = process.env.TORCHWASM_THREADS !== '0';
/** The pool's start count: TORCHWASM_THREADS=n, else one thread per core. */
const startThreads = Number(process.env.TORCHWASM_THREADS) >= 1 ? Number(process.env.TORCHWASM_THREADS) : availableParallelism();

/** The raw bits of each result (a copy), so NaN payloads and -0 compare too. */
const bits = (ts: torch.Tensor[]): Uint32Array[] =>
  ts.map((t) => {
    const a = t.contiguous().toTypedArray();
    return new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
  });

/** Runs `f` with 1 thread, then with N: the results must be the same bits. */
async function sameBits(f: () => torch.Tensor[]): Promise<void> {
  torch.setNumThreads(1);
  const one = torch.tidy(() => bits(f()));
  torch.setNumThreads(N);
  if (threaded) expect(await torch.threadsReady()).toBe(N);
  // Until the workers took part (a task goes to whichever thread is free first: a
  // worker still waking up may miss a short kernel's tasks), every run the same bits.
  for (let run = 0; run < 20; run++) {
    const tasks0 = torch._threadStats().workerTasks;
    expectSame(one, torch.tidy(() => bits(f())));
    if (!threaded || torch._threadStats().workerTasks > tasks0) return;
  }
  expect.fail('the workers took no task in 20 runs');
}

function expectSame(one: Uint32Array[], many: Uint32Array[]): void {
  expect(many.length).toBe(one.length);
  for (let i = 0; i < one.length; i++) {
    expect(many[i].length, `result ${i}`).toBe(one[i].length);
    let diff = -1;
    for (let j = 0; j < one[i].length && diff < 0; j++) if (one[i][j] !== many[i][j]) diff = j;
    expect(diff, `result ${i}: first differing element`).toBe(-1);
  }
}

describe('threads', () => {
  beforeAll(async () => {
    torch.manualSeed(0);
  });
  afterAll(() => {
    torch.setNumThreads(N);
  });

  it('loads the threads build where shared memory runs, one thread per core by default', async () => {
    if (!threaded) {
      expect(torch.getNumThreads()).toBe(1);
      expect(torch.activeNumThreads()).toBe(1);
      return;
    }
    expect(torch.getNumThreads()).toBe(startThreads);
    expect(await torch.threadsReady()).toBe(startThreads);
  });

  it('setNumThreads checks its argument as PyTorch does', () => {
    const bad: [unknown, string][] = [
      [0, 'set_num_threads expects a positive integer'],
      [-1, 'set_num_threads expects a positive integer'],
      [1.5, 'set_num_threads expects an int, but got float'],
      ['2', 'set_num_threads expects an int, but got str'],
      [null, 'set_num_threads expects an int, but got NoneType'],
      [true, 'set_num_threads expects an int, but got bool'],
    ];
    const before = torch.getNumThreads();
    for (const [v, msg] of bad) {
      let err: unknown;
      try {
        torch.setNumThreads(v as number);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(torch.RuntimeError);
      expect((err as Error).message).toBe(msg);
      expect(torch.getNumThreads()).toBe(before); // nothing changed
    }
    torch.setNumThreads(3);
    expect(torch.getNumThreads()).toBe(3);
    torch.setNumThreads(BigInt(1) as unknown as number);
    expect(torch.getNumThreads()).toBe(1);
    torch.setNumThreads(N);
  });

  it('GEMM: matmul, transposed operands, batched products, float64', async () => {
    const a = torch.randn(300, 517), b = torch.randn(517, 411);
    const bt = torch.randn(411, 517), ba = torch.randn(12, 70, 90), bb = torch.randn(12, 90, 65);
    const a64 = torch.randn(200, 300, { dtype: torch.float64 }), b64 = torch.randn(300, 250, { dtype: torch.float64 });
    await sameBits(() => [a.matmul(b), a.matmul(bt.t()), a.t().matmul(a), ba.matmul(bb), a64.matmul(b64), torch.addmm(torch.randn(411).mul(0), a, b, { beta: 0.5, alpha: 2 })]);
  });

  it('convolution: forward (Winograd and im2col) and both gradients', async () => {
    const x = torch.randn(2, 24, 30, 30), w3 = torch.randn(40, 24, 3, 3), b = torch.randn(40);
    const w5 = torch.randn(32, 24, 5, 5), w1 = torch.randn(48, 24, 1, 1);
    // Winograd splits by tile rows above and by output channels here (few tiles, many channels)
    const xd = torch.randn(1, 64, 12, 12), wd = torch.randn(96, 64, 3, 3);
    await sameBits(() => {
      const xs = x.clone().requiresGrad_(true);
      const ws = [w3, w5, w1].map((w) => w.clone().requiresGrad_(true));
      const y1 = torch.nn.functional.conv2d(xs, ws[0], b, { padding: 1 });
      const y2 = torch.nn.functional.conv2d(xs, ws[1], null, { stride: 2, padding: 2 });
      const y3 = torch.nn.functional.conv2d(xs, ws[2]);
      y1.square().sum().add(y2.square().sum()).add(y3.square().sum()).backward();
      return [y1, y2, y3, xs.grad!, ...ws.map((w) => w.grad!), torch.nn.functional.conv2d(xd, wd, null, { padding: 1 })];
    });
  });

  it('reductions and elementwise ops over large tensors', async () => {
    const x = torch.randn(1500, 1500), y = torch.randn(1500, 1500); // binary ops split from 2M elements
    await sameBits(() => [x.add(y), x.mul(y).exp(), x.relu(), x.sum(), x.sum(1), x.mean(0), x.softmax(1), x.max(1).values]);
  });

  it('SGD and Adam steps', async () => {
    for (const make of [
      (p: torch.nn.Parameter[]) => new torch.optim.SGD(p, { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 }),
      (p: torch.nn.Parameter[]) => new torch.optim.Adam(p, { lr: 1e-3, weightDecay: 1e-4 }),
    ]) {
      const w0 = torch.randn(700, 900), g0 = torch.randn(700, 900);
      await sameBits(() => {
        const p = new torch.nn.Parameter(w0.clone());
        const opt = make([p]);
        for (let i = 0; i < 3; i++) {
          p.grad = g0.mul(i + 1);
          opt.step();
        }
        return [p.detach().clone()];
      });
    }
  });

  it('ResNet-18 forward (the fixture weights) matches one thread and PyTorch', async () => {
    const model = torch.models.resnet18({ weights: fixture('resnet18.pt') }).eval();
    const x = torch.fromArray(floats('resnet18_input.bin'), [1, 3, 224, 224]);
    await sameBits(() => [torch.noGrad(() => model(x))]);
    const got = torch.noGrad(() => model(x)).toTypedArray() as Float32Array;
    const want = floats('resnet18_logits.bin');
    let worst = 0;
    for (let i = 0; i < 1000; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThan(1e-4);
    model.dispose();
    x.dispose();
  });

  it('a failing kernel reports its value under threads', () => {
    torch.setNumThreads(N);
    const src = torch.randn(400, 600);
    const bad = torch.randint(0, 600, [400, 600]);
    bad.select(0, 399).select(0, 599).fill_(-7);
    expect(() => src.gather(1, bad)).toThrow(/index -7 is out of bounds for dimension 1 with size 600/);
    const ok = src.matmul(torch.randn(600, 300)); // the pool still works after the error
    expect(ok.shape).toEqual([400, 300]);
  });

  it('memory stays flat over repeated parallel ops', () => {
    const a = torch.randn(256, 512), b = torch.randn(512, 256), x = torch.randn(1, 16, 32, 32), w = torch.randn(16, 16, 3, 3);
    const step = (): void => torch.tidy(() => {
      a.matmul(b).sum().item();
      torch.nn.functional.conv2d(x, w, null, { padding: 1 }).sum().item();
    });
    step();
    const before = torch.memory().bytesInUse;
    for (let i = 0; i < 30; i++) step();
    expect(torch.memory().bytesInUse).toBe(before);
  });

  it('a script exits with the pool alive', () => {
    const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    const code = `import * as torch from ${JSON.stringify(dist)};
await torch.threadsReady();
const y = torch.randn(512, 512).matmul(torch.randn(512, 512));
console.log('threads', torch.activeNumThreads(), y.shape.join('x'));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { timeout: 30_000, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`threads ${threaded ? startThreads : 1} 512x512`);
  });

  it("torchwasm/manual's init takes the threads build's bytes (or a single-thread build's)", () => {
    const dist = (f: string): string => fileURLToPath(new URL(`../../dist/${f}`, import.meta.url));
    for (const [file, want] of [['torch-threads.wasm', threaded ? startThreads : null], ['torch.wasm', 1]] as const) {
      const code = `import * as torch from ${JSON.stringify(dist('manual.js'))};
import { readFileSync } from 'node:fs';
await torch.init(readFileSync(${JSON.stringify(dist(file))}));
const ready = await torch.threadsReady();
const y = torch.randn(300, 300).matmul(torch.randn(300, 300));
console.log(ready, y.shape.join('x'));`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { timeout: 30_000, encoding: 'utf8' });
      if (want === null) continue; // TORCHWASM_THREADS=0 runs say nothing of the threads build
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(`${want} 300x300`);
    }
  });
});
