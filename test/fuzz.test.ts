// The fuzz suite: seeded random calls of every public op (the registry's torch.*
// functions, methods, in-place and out= forms), torch.nn.functional, the other Tensor
// methods and torch.* functions, module constructors and forward/backward, optimizers,
// with valid and invalid arguments (test/fuzz/). Every call must give a result or one of
// PyTorch's exceptions: no wasm trap, no internal JavaScript error, no hang; afterwards
// the memory report is back at its start and the library still computes correctly.
//
//   FUZZ_CALLS=20000 npx vitest run test/fuzz.test.ts     (default 3000)
//   FUZZ_SEED=7 ...                                         (default 1)
//   FUZZ_SEED=1 FUZZ_START=1234 FUZZ_CALLS=1 ...           (replays call 1234 alone)
//   FUZZ_ONLY='^nn\.' ...                                   (only targets whose name matches)
import { describe, it, expect } from 'vitest';
import { torch, expectClose, settled } from './helpers.js';
import { runFuzz } from './fuzz/runner.js';
import { classifyError, classifyResult } from './fuzz/classify.js';

const CALLS = Number(process.env.FUZZ_CALLS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 1);
const START = Number(process.env.FUZZ_START ?? 0);
const ONLY = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : undefined;

/** A few computations with PyTorch 1.13's results: the library still works after the run. */
function sanity(): void {
  torch.manualSeed(0);
  expectClose(torch.randn(3), [1.5409960746765137, -0.293428897857666, -2.1787893772125244]);
  const a = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32, requiresGrad: true });
  const y = a.matmul(a).sum();
  y.backward();
  expect(y.item()).toBe(54);
  expectClose(a.grad!, [7, 11, 9, 13]);
  const x = torch.arange(16, { dtype: torch.float32 }).view(1, 1, 4, 4);
  const w = torch.tensor([[[[1, 0], [0, -1]]]], { dtype: torch.float32 });
  expectClose(torch.nn.functional.conv2d(x, w), new Array(9).fill(-5));
  expectClose(torch.softmax(torch.tensor([1, 2, 3], { dtype: torch.float32 }), 0), [0.09003057330846786, 0.2447284758090973, 0.6652409434318542]);
  expect(torch.tensor([[1, 2], [3, 4]]).sum(0).tolist()).toEqual([4, 6]);
  expect(torch.tensor([5, 3, 9]).sort().indices.tolist()).toEqual([1, 0, 2]);
  for (const t of [a, y, x, w]) t.dispose();
}

describe('fuzzing the public API', () => {
  it('the classifier tells PyTorch\'s exceptions from traps, internal errors and unsound results', () => {
    expect(classifyError(new torch.RuntimeError('add(): bad'))).toEqual({ kind: 'error', cls: 'RuntimeError' });
    expect(classifyError(new TypeError("add(): argument 'other' (position 2) must be Tensor, not str"))).toEqual({ kind: 'error', cls: 'TypeError' });
    expect(classifyError(new TypeError("'float' object is not iterable"))).toEqual({ kind: 'error', cls: 'TypeError' });
    expect(classifyError(new torch.AssertionError(''))).toEqual({ kind: 'error', cls: 'AssertionError' });
    expect(classifyError(new WebAssembly.RuntimeError('unreachable')).kind).toBe('failure');
    expect(classifyError(new TypeError("Cannot read properties of undefined (reading 'length')")).kind).toBe('failure');
    expect(classifyError(new TypeError('args is not iterable')).kind).toBe('failure');
    expect(classifyError(new RangeError('Invalid array length')).kind).toBe('failure');
    expect(classifyError(new Error('plain')).kind).toBe('failure');
    expect(classifyError(new torch.RuntimeError('')).kind).toBe('failure');
    const t = torch.ones(2, 3);
    // (asStrided refuses this view: made from the internals, it reaches element 7 of 6)
    const outside = new (torch.Tensor as any)((t as any)._s, t.dtype, [2, 3], [3, 2], 0) as torch.Tensor;
    expect(classifyResult([outside]).kind).toBe('failure');
    expect(classifyResult({ a: t.t() }).kind).toBe('result');
    outside.dispose();
    t.dispose();
  });

  it(`${CALLS} random calls (seed ${SEED}): results or PyTorch's exceptions, no trap, internal error, hang or leak`, async () => {
    const start = await settled();
    const t0 = performance.now();
    const report = runFuzz({ seed: SEED, calls: CALLS, start: START, only: ONLY });
    const seconds = (performance.now() - t0) / 1000;
    const end = await settled();
    const errors = Object.entries(report.errors).sort((p, q) => q[1] - p[1]).map(([k, n]) => `${k} ${n}`).join(', ');
    console.log(
      `[fuzz] seed ${SEED}: ${report.calls} calls over ${report.targets} targets in ${seconds.toFixed(1)} s: ${report.results} results, ` +
        `errors: ${errors}; ${report.failures.length} failures (traps, internal errors, hangs); ${report.leaks.length} calls left tensors ` +
        `to the collector; slowest ${report.slowestMs.toFixed(0)} ms (${report.slowest}); memory ${start.bytesInUse} -> ${end.bytesInUse} bytes, ` +
        `${start.liveTensors} -> ${end.liveTensors} tensors`,
    );
    for (const f of report.failures) console.log(`[fuzz] FAIL ${f}`);
    for (const l of report.leaks) console.log(`[fuzz] LEAK ${l}`);
    expect(report.failures).toEqual([]);
    expect(report.leaks).toEqual([]);
    expect(end.bytesInUse).toBe(start.bytesInUse);
    expect(end.liveTensors).toBe(start.liveTensors);
    sanity();
  });
});
