// The small-op path: the contiguous fast path gives the same results as the general
// one, and the finalizer hold (tensors are not unregistered on dispose) never frees a
// storage twice.
import { describe, it, expect } from 'vitest';
import { torch, values, expectClose } from '../helpers.js';

const gc = (globalThis as { gc?: () => void }).gc;
const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('small-op fast path', () => {
  it('agrees with the general path (promotion, broadcasting, strides, scalars)', () => {
    const a = torch.tensor([[1.5, 2], [3, 4]]);
    const b = torch.tensor([[0.5, 1], [2, -1]]);
    expect(values(a.add(b))).toEqual([2, 3, 5, 3]);
    expect(values(a.add(b, { alpha: 2 }))).toEqual([2.5, 4, 7, 2]);
    expect(values(a.mul(2))).toEqual([3, 4, 6, 8]);
    expect(values(a.t().add(b))).toEqual([2, 4, 4, 3]); // strided: general path
    expect(values(a.add(torch.tensor([1, 2])))).toEqual([2.5, 4, 4, 6]); // broadcast
    const i = torch.tensor([1, 2]);
    expect(i.add(0.5).dtype).toBe(torch.float32); // int + float scalar promotes
    expect(values(i.add(0.5))).toEqual([1.5, 2.5]);
    expect(i.add(i).dtype).toBe(torch.int64);
    expect(a.div(b).dtype).toBe(torch.float32);
    expectClose(torch.tensor([1, 2]).div(torch.tensor([2, 4])), [0.5, 0.5]);
  });

  it('keeps argument checks', () => {
    const a = torch.ones(2, 2);
    expect(() => torch.add(a, 'x' as unknown as number)).toThrow("add(): argument 'other' (position 2) must be Tensor or Number, not str");
    const d = torch.ones(2);
    d.dispose();
    expect(() => torch.add(a, d)).toThrow('disposed');
  });
});

describe('finalizer hold', () => {
  it('frees collected tensors once, and disposed ones not again', async () => {
    if (!gc) return;
    await settle();
    const before = torch.memory();
    (() => {
      for (let i = 0; i < 100; i++) {
        const t = torch.ones(8);
        if (i % 2) t.dispose();
      }
    })();
    await settle();
    const after = torch.memory();
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.liveTensors).toBe(before.liveTensors);
  });

  it('an out= resize re-points what the finalizer releases', async () => {
    if (!gc) return;
    await settle();
    const before = torch.memory().bytesInUse;
    (() => {
      const out = torch.empty(1);
      torch.add(torch.ones(16), 1, { out }); // out is resized to 16 elements
    })();
    await settle();
    expect(torch.memory().bytesInUse).toBe(before);
  });
});
