// Memory pressure: wasm32 memory is filled to its limit (4 GiB in Node) with tensors
// that are never written (so the machine commits almost none of it). Allocation past the
// limit raises PyTorch's allocator RuntimeError, frees nothing still referenced, and the
// runtime keeps working: the kernels keep their headroom (crate/src/abi/memory.rs), so
// ops either run or raise the same error, never trap.
import { describe, it, expect } from 'vitest';
import { torch, expectClose } from '../helpers.js';

const OOM = /^DefaultCPUAllocator: can't allocate memory: you tried to allocate (\d+) bytes\. Error code 12 \(Cannot allocate memory\)$/;

/** Allocates `bytes`-sized float32 tensors until the allocator refuses; returns them and the error. */
function fill(held: torch.Tensor[], bytes: number): Error {
  for (;;) {
    try {
      held.push(torch.empty(bytes / 4));
    } catch (e) {
      return e as Error;
    }
  }
}

/** Runs an op under pressure: a result, or the allocator's RuntimeError; anything else is a failure. */
function survives(name: string, fn: () => unknown, failures: string[]): void {
  try {
    torch.tidy(() => {
      fn(); // its result and temporaries are freed with the tidy
    });
  } catch (e) {
    if (!(e instanceof torch.RuntimeError && OOM.test(e.message))) failures.push(`${name}: ${(e as Error).constructor.name}: ${(e as Error).message}`);
  }
}

describe('memory pressure', () => {
  it('sizes beyond the address space or int64 fail before allocating, with PyTorch\'s messages', () => {
    const start = torch.memory();
    expect(() => torch.empty(2 ** 40)).toThrow(new torch.RuntimeError(
      "DefaultCPUAllocator: can't allocate memory: you tried to allocate 4398046511104 bytes. Error code 12 (Cannot allocate memory)"));
    expect(() => torch.empty(2 ** 20, 2 ** 20, 2 ** 20)).toThrow('you tried to allocate 4611686018427387904 bytes');
    expect(() => torch.empty(2 ** 31, 2 ** 31)).toThrow(new torch.RuntimeError('Storage size calculation overflowed with sizes=[2147483648, 2147483648]'));
    expect(() => torch.zeros(1, 2 ** 62, 4)).toThrow('Storage size calculation overflowed with sizes=[1, 4611686018427387904, 4]');
    const three = torch.ones(3);
    expect(() => three.repeat(2 ** 31, 2 ** 31)).toThrow(torch.RuntimeError);
    three.dispose();
    expect(torch.memory().bytesInUse).toBe(start.bytesInUse);
    expect(torch.memory().liveTensors).toBe(start.liveTensors);
  });

  it('filling wasm memory to its limit: a clear error, referenced tensors intact, ops run or fail cleanly, everything back after', () => {
    const start = torch.memory();
    const keepers = [torch.tensor([1.5, -2, 3], { dtype: torch.float32 }), torch.arange(5)];
    const a = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32, requiresGrad: true });
    const held: torch.Tensor[] = [];
    const t0 = performance.now();
    const big = fill(held, 256 << 20);
    const small = fill(held, 1 << 20);
    const tiny = fill(held, 4096);
    const full = torch.memory();
    for (const e of [big, small, tiny]) {
      expect(e).toBeInstanceOf(torch.RuntimeError);
      expect(e.message).toMatch(OOM);
    }
    expect(Number(OOM.exec(tiny.message)![1])).toBe(4096);
    // most of the 4 GiB address space is in use (less where the runtime caps memory)
    expect(full.bytesInUse).toBeGreaterThan(full.wasmBytes - (64 << 20));
    // writes into the held tensors land where they should (one element each: the rest stays uncommitted)
    held[0].set(0, 7);
    held[held.length - 1].set(0, -7);

    // at the limit, ops of every kind give a result or the allocator error: never a trap
    const failures: string[] = [];
    const x = keepers[0];
    survives('add', () => x.add(1), failures);
    survives('matmul', () => a.matmul(a), failures);
    survives('conv2d', () => torch.nn.functional.conv2d(a.view(1, 1, 2, 2), a.view(1, 1, 2, 2)), failures);
    survives('sort', () => x.sort(), failures);
    survives('softmax', () => x.softmax(0), failures);
    survives('randn', () => torch.randn(4), failures);
    survives('randperm', () => torch.randperm(10), failures);
    survives('linalg.svd', () => torch.linalg.svd(a.detach()), failures);
    survives('backward', () => {
      const s = torch.tidy(() => a.mul(a).sum());
      s.backward();
      s.dispose();
    }, failures);
    expect(failures).toEqual([]);

    // nothing still referenced was freed
    expect(keepers[0].tolist()).toEqual([1.5, -2, 3]);
    expect(keepers[1].tolist()).toEqual([0, 1, 2, 3, 4]);
    expect(held[0].get(0)).toBe(7);
    expect(held[held.length - 1].get(0)).toBe(-7);
    expect(torch.memory().liveTensors).toBe(full.liveTensors + (a.grad ? 1 : 0));

    for (const t of held) t.dispose();
    const ms = performance.now() - t0;
    console.log(
      `[memory pressure] ${held.length} tensors filled ${full.bytesInUse} of ${full.wasmBytes} bytes of wasm memory in ${ms.toFixed(0)} ms; ` +
        `peak resident set ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
    );
    // the runtime works as before
    const m = a.matmul(a);
    expectClose(m, [7, 10, 15, 22]);
    const y = torch.tidy(() => torch.nn.functional.softmax(torch.tensor([1, 2, 3], { dtype: torch.float32 }), 0));
    expectClose(y, [0.09003057330846786, 0.2447284758090973, 0.6652409434318542]);
    const big2 = torch.empty(64 << 20); // 256 MiB again, from the freed memory
    big2.dispose();
    for (const t of [...keepers, a, m, y]) t.dispose(); // a's .grad with it
    expect(torch.memory().bytesInUse).toBe(start.bytesInUse);
    expect(torch.memory().liveTensors).toBe(start.liveTensors);
  });
});
