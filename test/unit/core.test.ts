import { describe, it, expect } from 'vitest';
import { torch, expectClose, expectNoLeak } from '../helpers.js';

describe('tensor core', () => {
  it('adds with broadcasting and promotion', () => {
    const a = torch.tensor([[1, 2], [3, 4]]);
    const b = torch.tensor([0.5, 1.5]);
    const c = a.add(b);
    expect(c.dtype).toBe(torch.float32);
    expectClose(c, [1.5, 3.5, 3.5, 5.5]);
    expect(torch.add(a, 1).dtype).toBe(torch.int64);
  });

  it('backpropagates through mul and sum', () => {
    const x = torch.tensor([1.5, 2.5, 3.5], { requiresGrad: true });
    x.mul(x).sum().backward();
    expectClose(x.grad!, [3, 5, 7]);
  });

  it('views share storage', () => {
    const x = torch.arange(6).view(2, 3);
    const t = x.t();
    t.set(0, 1, 100);
    expect(x.get(1, 0)).toBe(100);
    expect(t.isContiguous()).toBe(false);
  });

  it('frees everything created in tidy', () => {
    expectNoLeak(() => {
      torch.tidy(() => {
        const a = torch.ones(3, 3);
        a.mul(2).add(1).sum();
      });
    });
  });
});

describe('gradcheck', () => {
  it('accepts the gradients of composed ops', () => {
    const x = torch.tensor([0.3, -1.2, 2.0], { dtype: torch.float64, requiresGrad: true });
    const y = torch.tensor([1.1, 0.7, -0.4], { dtype: torch.float64, requiresGrad: true });
    expect(torch.autograd.gradcheck((a, b) => a.mul(b).add(a.div(b)), [x, y])).toBe(true);
    const m = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float64, requiresGrad: true });
    expect(torch.autograd.gradcheck((a) => a.mm(a.t()).sum(1), [m])).toBe(true);
  });
});

describe('graph memory', () => {
  it('frees the saved tensors of a graph that is never backwarded once its tensors are disposed', () => {
    const x = torch.ones(100).requiresGrad_(true);
    const before = torch.memory().bytesInUse;
    for (let i = 0; i < 1000; i++) {
      torch.tidy(() => {
        x.exp().mul(x).sigmoid().sum();
      });
    }
    expect(torch.memory().bytesInUse).toBe(before);
  });

  it('keeps what a live output still needs for backward', () => {
    const x = torch.tensor([0.5, 1.5], { requiresGrad: true });
    const y = torch.tidy(() => x.exp().mul(x).sum()); // the intermediates are disposed here
    y.backward();
    expectClose(x.grad!, [Math.exp(0.5) * 1.5, Math.exp(1.5) * 2.5]);
  });
});

describe('fromArray', () => {
  it('copies every typed array kind into its dtype, values and shape intact', () => {
    expectNoLeak(() => {
      const cases: [ArrayLike<number | bigint> & { length: number }, string][] = [
        [new Float32Array([1.5, -2, 3e38, Number.NaN]), 'float32'],
        [new Float64Array([1e-300, -0, 2.5, Infinity]), 'float64'],
        [new Int32Array([-2147483648, 2147483647, 0, 5]), 'int32'],
        [new Int16Array([-32768, 32767, 1, -1]), 'int16'],
        [new Int8Array([-128, 127, 3, -3]), 'int8'],
        [new Uint8Array([0, 255, 128, 7]), 'uint8'],
        [new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n, 9n]), 'int64'],
      ];
      for (const [array, dtype] of cases) {
        const t = torch.fromArray(array as never, [2, 2]);
        expect(t.dtype.name).toBe(dtype);
        expect(t.shape).toEqual([2, 2]);
        expect(Array.from(t.toTypedArray() as ArrayLike<number>)).toEqual(Array.from(array as ArrayLike<number>));
        t.dispose();
      }
      const empty = torch.fromArray(new Uint8Array(0), [0, 3]);
      expect(empty.shape).toEqual([0, 3]);
      empty.dispose();
    });
  });
});
