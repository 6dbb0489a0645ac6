import { describe, it, expect } from 'vitest';
import { torch, values, expectClose, expectNoLeak } from '../helpers.js';

type T = torch.Tensor;

/** Deterministic values in (-2, 2), all distinct (no ties unless a test adds them). */
function det(n: number, seed = 1): number[] {
  let s = seed * 7919 + 17;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push((s / 2147483648) * 4 - 2 + i * 1e-7);
  }
  return out;
}

/** A float64 leaf of `shape` with distinct values (offset keeps them away from 0 when asked). */
function leaf(shape: number[], seed = 1, offset = 0): T {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.tensor(det(n, seed).map((v) => v + offset), { dtype: torch.float64 }).reshape(shape).detach().requiresGrad_(true);
}

/** A float32 tensor (JS numbers carry no float/int distinction). */
const f32 = (data: unknown, requiresGrad = false): T => torch.tensor(data as number[], { dtype: torch.float32, requiresGrad });

const gradcheck = (fn: (...xs: T[]) => T | T[], xs: T[]): boolean => torch.autograd.gradcheck(fn, xs);

/** Checks second derivatives: gradcheck of x -> d/dx sum(f(x) * v) built with createGraph. */
function gradgradcheck(f: (x: T) => T, x: T): boolean {
  const y = torch.noGrad(() => f(x));
  const v = torch.tensor(det(y.numel(), 99), { dtype: torch.float64 }).reshape([...y.shape]);
  // gradcheck evaluates without grad for its finite differences: the inner backward needs it
  const df = (a: T): T => torch.enableGrad(() => torch.autograd.grad([f(a)], [a], { gradOutputs: [v], createGraph: true })[0] as T);
  return gradcheck(df, [x]);
}

describe('sum, mean, prod, nansum, nanmean', () => {
  it('have correct gradients over dims, keepdim, negative dims and transposed inputs', () => {
    const x = leaf([3, 4, 5]);
    expect(gradcheck((a) => torch.sum(a), [x])).toBe(true);
    expect(gradcheck((a) => torch.sum(a, [0, -1], { keepdim: true }), [x])).toBe(true);
    expect(gradcheck((a) => a.transpose(0, 2).sum(1), [x])).toBe(true);
    expect(gradcheck((a) => torch.mean(a, -2), [x])).toBe(true);
    expect(gradcheck((a) => a.permute(2, 0, 1).mean([0, 2], { keepdim: true }), [x])).toBe(true);
    expect(gradcheck((a) => torch.prod(a), [leaf([2, 3], 2)])).toBe(true);
    expect(gradcheck((a) => torch.prod(a, -1, { keepdim: true }), [x])).toBe(true);
    expect(gradcheck((a) => a.t().prod(0), [leaf([4, 3], 3)])).toBe(true);
    expect(gradcheck((a) => torch.nansum(a, 1), [x])).toBe(true);
    expect(gradcheck((a) => torch.nanmean(a, [0, 2]), [x])).toBe(true);
    expect(gradcheck((a) => torch.sum(a, { dtype: torch.float64 }), [leaf([2, 2])])).toBe(true);
  });

  it('prod gradients are exact with one and with several zeros, first and second order', () => {
    const one = torch.tensor([[2, 0, 3], [1.5, -2, 0.5]], { dtype: torch.float64, requiresGrad: true });
    torch.prod(one, 1).sum().backward();
    expectClose(one.grad!, [0, 6, 0, -1, 0.75, -3]);
    const two = torch.tensor([0, 2, 0, 3], { dtype: torch.float64, requiresGrad: true });
    torch.prod(two).backward();
    expectClose(two.grad!, [0, 0, 0, 0]);
    const z = torch.tensor([[0, 2, 0.5], [1.5, 0, 0], [1, 2, 3]], { dtype: torch.float64, requiresGrad: true });
    expect(gradcheck((a) => torch.prod(a, 1), [z])).toBe(true);
    expect(gradcheck((a) => torch.prod(a.t(), 0), [z])).toBe(true);
    expect(gradcheck((a) => torch.prod(a), [z])).toBe(true);
    expect(gradgradcheck((a) => torch.prod(a, 1), z)).toBe(true);
    expect(gradgradcheck((a) => torch.prod(a, -1), leaf([2, 3], 5))).toBe(true);
  });

  it('follow PyTorch dtypes, empties and 0-d rules', () => {
    expect(torch.sum(torch.tensor([1, 2, 3], { dtype: torch.int32 })).dtype).toBe(torch.int64);
    expect(torch.sum(torch.tensor([true, false, true])).item()).toBe(2);
    expect(torch.prod(torch.tensor([[2, 3], [4, 5]]), 0).tolist()).toEqual([8, 15]);
    expect(torch.prod(torch.tensor([1, 2], { dtype: torch.uint8 })).dtype).toBe(torch.int64);
    expect(torch.prod(torch.zeros([0])).item()).toBe(1);
    expect(Number.isNaN(torch.mean(torch.zeros([0, 3])).item() as number)).toBe(true);
    expect(torch.sum(torch.zeros([0, 3]), 0).shape).toEqual([3]);
    expect(torch.sum(torch.tensor(2.5), 0).item()).toBe(2.5);
    expect(torch.prod(torch.tensor([1.5, 2]), { dtype: torch.float64 }).dtype).toBe(torch.float64);
    expect(() => torch.mean(torch.tensor([1, 2]))).toThrow(/could not infer output dtype/);
    expect(() => torch.sum(torch.ones([2, 3]), 2)).toThrow('Dimension out of range (expected to be in range of [-2, 1], but got 2)');
    expectClose(torch.nansum(torch.tensor([1, NaN, 2.5])), 3.5);
    expectClose(torch.nanmean(torch.tensor([[1, NaN, 2.5], [NaN, NaN, NaN]]), 1), [1.75, NaN]);
    expect(() => torch.nanmean(torch.tensor([1, 2]))).toThrow(/floating point/);
    expect(torch.countNonzero(torch.tensor([[0, 1, 2], [0, 0, 3]]), 1).tolist()).toEqual([2, 1]);
    expect(torch.countNonzero(torch.tensor([[0, 1.5], [0, 2]]), { dim: [0, 1] }).item()).toBe(2);
  });

  it('sums over outer dims (the vertical kernel path) match row sums of the transpose', () => {
    const x = torch.tensor(det(7 * 45, 4), { dtype: torch.float32 }).reshape([7, 45]);
    expectClose(torch.sum(x, 0), values(x.t().contiguous().sum(1)) as number[], 1e-6, 1e-6);
    expectClose(torch.amax(x, 0), values(x.t().contiguous().amax(1)) as number[], 0, 0);
    expectClose(torch.std(x, 0), values(x.t().contiguous().std(1)) as number[], 1e-6, 1e-6);
  });

  it('all and any give bool (uint8 for uint8 input)', () => {
    const b = torch.tensor([[true, false], [true, true]]);
    expect(torch.all(b, 1).tolist()).toEqual([false, true]);
    expect(torch.any(b, 0, { keepdim: true }).tolist()).toEqual([[true, true]]);
    expect(torch.all(torch.tensor([[2, 0], [1, 3]]), 0).dtype).toBe(torch.bool);
    const u = torch.all(torch.tensor([1, 2], { dtype: torch.uint8 }));
    expect(u.dtype).toBe(torch.uint8);
    expect(u.item()).toBe(1);
    expect(torch.all(torch.zeros([0])).item()).toBe(true);
    expect(torch.any(torch.zeros([0])).item()).toBe(false);
    expect(torch.tensor([0.5, 0]).any().item()).toBe(true);
  });

  it('support out=', () => {
    const out = torch.empty([1]);
    torch.sum(torch.ones([2, 3]), 1, { out });
    expect(out.tolist()).toEqual([3, 3]);
    const o2 = torch.empty([0], { dtype: torch.int64 });
    torch.argmax(torch.tensor([[1, 5], [7, 2]]), 1, { out: o2 });
    expect(o2.tolist()).toEqual([1, 0]);
  });
});

describe('max, min, amax, amin, argmax, argmin, aminmax', () => {
  it('max/min with a dim return (values, indices) with gradients to the selected index', () => {
    const x = leaf([3, 4, 5]);
    expect(gradcheck((a) => torch.max(a, 1)[0], [x])).toBe(true);
    expect(gradcheck((a) => torch.min(a, -1, { keepdim: true }).values, [x])).toBe(true);
    expect(gradcheck((a) => a.transpose(0, 1).max(0).values, [x])).toBe(true);
    expect(gradcheck((a) => torch.max(a), [x])).toBe(true);
    expect(gradcheck((a) => torch.min(a.t()), [leaf([3, 2])])).toBe(true);
    const r = torch.max(torch.tensor([[3, 1, 3, 1]]), 1);
    expect(Array.isArray(r)).toBe(true);
    expect(r.values.tolist()).toEqual([3]);
    expect(r.indices.tolist()).toEqual([0]);
    expect(torch.min(torch.tensor([[3, 1, 3, 1]]), { dim: 1 }).indices.tolist()).toEqual([1]);
    expect(torch.max(torch.tensor([2, 9, 4]), 0, true)[0].shape).toEqual([1]);
  });

  it('spread whole-tensor and amax/amin gradients evenly over ties', () => {
    const t = f32([[2, 5], [5, -1]], true);
    torch.max(t).backward();
    expectClose(t.grad!, [0, 0.5, 0.5, 0]);
    const a = f32([[2, 5, 5], [1, 1, 0]], true);
    torch.amax(a, 1).sum().backward();
    expectClose(a.grad!, [0, 0.5, 0.5, 0.5, 0.5, 0]);
    const m = f32([[2, 5, 5], [1, 1, 0]], true);
    torch.max(m, 1).values.sum().backward();
    expectClose(m.grad!, [0, 1, 0, 1, 0, 0]);
    const x = leaf([3, 4, 5], 3);
    expect(gradcheck((b) => torch.amax(b, [0, 2]), [x])).toBe(true);
    expect(gradcheck((b) => torch.amin(b, -1, { keepdim: true }), [x])).toBe(true);
    expect(gradcheck((b) => b.permute(2, 1, 0).amax(), [x])).toBe(true);
  });

  it('propagate NaN and index the first extreme', () => {
    expect(Number.isNaN(torch.max(torch.tensor([1, NaN, 3])).item() as number)).toBe(true);
    expect(Number.isNaN(torch.amin(torch.tensor([1, NaN, 3])).item() as number)).toBe(true);
    expect(torch.argmax(torch.tensor([1, NaN, 3, NaN])).item()).toBe(1);
    expect(torch.argmin(torch.tensor([4, 1, 1, 5])).item()).toBe(1);
    expect(torch.argmax(torch.tensor([[1, 9], [9, 2]])).item()).toBe(1);
    expect(torch.argmax(torch.tensor([[1, 9], [9, 2]]), { dim: -1, keepdim: true }).tolist()).toEqual([[1], [0]]);
    expect(torch.argmax(torch.tensor([[1, 9], [9, 2]]), { keepdim: true }).shape).toEqual([1, 1]);
    expect(torch.max(torch.tensor([[84, -72], [4, 99]]), 1).values.dtype).toBe(torch.int64);
  });

  it('two-tensor max/min are maximum/minimum with their gradients', () => {
    const a = leaf([3, 4], 1);
    const b = leaf([3, 4], 2);
    expect(gradcheck((p, q) => torch.max(p, q), [a, b])).toBe(true);
    expect(gradcheck((p, q) => p.min(q), [a, b])).toBe(true);
    const x = f32([1, 2, 3], true);
    const y = f32([3, 2, 1], true);
    torch.max(x, y).sum().backward();
    expectClose(x.grad!, [0, 0.5, 1]);
    expectClose(y.grad!, [1, 0.5, 0]);
  });

  it('aminmax and out= tuples', () => {
    const r = torch.aminmax(torch.tensor([[1, 5, -2], [0, 3, 8]]), { dim: 1 });
    expect(r.min.tolist()).toEqual([-2, 0]);
    expect(r.max.tolist()).toEqual([5, 8]);
    const x = leaf([2, 3], 7);
    expect(gradcheck((a) => torch.aminmax(a, { dim: 0 }).max, [x])).toBe(true);
    const values_ = torch.empty([0]);
    const indices = torch.empty([0], { dtype: torch.int64 });
    const out = torch.max(torch.tensor([[1, 4], [3, 2]]).float(), 1, { out: [values_, indices] });
    expect(values_.tolist()).toEqual([4, 3]);
    expect(indices.tolist()).toEqual([1, 0]);
    expect(out.values).toBe(values_);
  });

  it('raise PyTorch errors on empty inputs', () => {
    expect(() => torch.max(torch.zeros([0]))).toThrow("max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
    expect(() => torch.argmax(torch.zeros([0]))).toThrow('argmax(): Expected reduction dim to be specified for input.numel() == 0.');
    expect(() => torch.amax(torch.zeros([0, 3]), 0)).toThrow('amax(): Expected reduction dim 0 to have non-zero size.');
    expect(torch.amax(torch.zeros([0, 3]), 1).shape).toEqual([0]);
    try {
      torch.argmax(torch.zeros([0]));
    } catch (e) {
      expect((e as Error).name).toBe('IndexError');
    }
  });
});

describe('std, var, std_mean, var_mean', () => {
  it('have correct gradients for every correction, dims and keepdim', () => {
    const x = leaf([3, 4, 5], 11);
    expect(gradcheck((a) => torch.std(a), [x])).toBe(true);
    expect(gradcheck((a) => torch.var(a, false), [x])).toBe(true);
    expect(gradcheck((a) => torch.var(a, 1), [x])).toBe(true);
    expect(gradcheck((a) => torch.std(a, -1, { unbiased: false, keepdim: true }), [x])).toBe(true);
    expect(gradcheck((a) => torch.std(a.transpose(0, 2), [0, 2]), [x])).toBe(true);
    expect(gradcheck((a) => torch.var(a, { dim: 1, correction: 2 }), [x])).toBe(true);
    expect(gradcheck((a) => a.std(1, true, true), [x])).toBe(true);
    expect(gradcheck((a) => torch.stdMean(a, 1)[0].add(torch.stdMean(a, 1)[1]), [x])).toBe(true);
    expect(gradcheck((a) => torch.varMean(a, -1, { unbiased: false, keepdim: true }), [x])).toBe(true);
    expect(gradgradcheck((a) => torch.std(a, 1), leaf([3, 4], 12))).toBe(true);
    expect(gradgradcheck((a) => torch.var(a), leaf([3, 4], 13))).toBe(true);
  });

  it('match PyTorch on edge cases', () => {
    expect(Number.isNaN(values(torch.std(torch.ones([1, 3]), 0))[0] as number)).toBe(true);
    expectClose(torch.var(f32([1, 2, 3, 4]), { correction: 0 }), 1.25);
    expectClose(torch.std(f32([[1, 2], [3, 5]]), 1, { keepdim: true }), [Math.SQRT1_2, Math.SQRT2]);
    expect(() => torch.std(torch.tensor([1, 2]))).toThrow('std and var only support floating point and complex dtypes');
    const c = f32([2, 2, 2], true);
    torch.std(c).backward();
    expectClose(c.grad!, [0, 0, 0]);
    const [s, m] = torch.stdMean(f32([[1, 2], [3, 5]]), 1);
    expectClose(s, [Math.SQRT1_2, Math.SQRT2]);
    expectClose(m, [1.5, 4]);
  });
});

describe('logsumexp and norm', () => {
  it('logsumexp is stable and differentiable', () => {
    const x = leaf([3, 4, 5], 21);
    expect(gradcheck((a) => torch.logsumexp(a, 1), [x])).toBe(true);
    expect(gradcheck((a) => torch.logsumexp(a.transpose(0, 2), [0, -1], { keepdim: true }), [x])).toBe(true);
    expect(gradgradcheck((a) => torch.logsumexp(a, -1), leaf([2, 3], 22))).toBe(true);
    expectClose(torch.logsumexp(f32([[1000, 1001, 999]]), 1), [1001.4076059644444], 1e-7);
    expect(values(torch.logsumexp(torch.tensor([[-Infinity, -Infinity], [Infinity, 1]]), 1))).toEqual([-Infinity, Infinity]);
    expect(torch.logsumexp(torch.tensor([[1, 2]]), 1).dtype).toBe(torch.float32);
  });

  it('norm handles every order with PyTorch gradients', () => {
    const x = leaf([3, 4], 31, 0);
    for (const p of [2, 1, 3, 1.5, 0.5, Infinity, -Infinity]) {
      expect(gradcheck((a) => torch.norm(a, p), [x])).toBe(true);
      expect(gradcheck((a) => torch.norm(a, p, 1, true), [x])).toBe(true);
    }
    expect(gradcheck((a) => torch.norm(a.t(), { p: 'fro', dim: [0, 1] }), [x])).toBe(true);
    expect(gradcheck((a) => a.norm(), [x])).toBe(true);
    expect(gradgradcheck((a) => torch.norm(a, 3, 1), leaf([2, 3], 32))).toBe(true);
    expect(torch.norm(f32([0, 3, 0, -2]), 0).item()).toBe(2);
    expectClose(torch.norm(f32([3, -4])), 5);
    expectClose(torch.norm(f32([[3, -4], [1, 7]]), -Infinity, 0), [1, 4]);
    const z = torch.zeros([3], { requiresGrad: true });
    torch.norm(z).backward();
    expectClose(z.grad!, [0, 0, 0]);
    expect(() => torch.norm(torch.tensor([1, 2]))).toThrow(/floating point/);
  });
});

describe('median, nanmedian, mode', () => {
  it('give the lower middle, PyTorch indices and value-selecting gradients', () => {
    expect(torch.median(torch.tensor([4, 1, 3, 2])).item()).toBe(2);
    const r = torch.median(torch.tensor([[1, 3, 2, 3], [5, 5, 4, 4]]), 1);
    expect(r.values.tolist()).toEqual([2, 4]);
    expect(r.indices.tolist()).toEqual([2, 3]);
    expect(Number.isNaN(torch.median(torch.tensor([1, NaN, 0.5])).item() as number)).toBe(true);
    const rn = torch.median(torch.tensor([[1, NaN, 0.5, NaN]]), 1);
    expect(rn.indices.tolist()).toEqual([1]);
    expect(torch.nanmedian(torch.tensor([1, NaN, 0.5, 3])).item()).toBe(1);
    expect(torch.nanmedian(torch.tensor([[NaN, 2, 1]]), 1, true).indices.tolist()).toEqual([[2]]);
    const x = leaf([3, 5, 4], 41);
    expect(gradcheck((a) => torch.median(a), [x])).toBe(true);
    expect(gradcheck((a) => torch.median(a, 1)[0], [x])).toBe(true);
    expect(gradcheck((a) => a.transpose(1, 2).median(-1, true).values, [x])).toBe(true);
    expect(gradcheck((a) => torch.nanmedian(a, 0).values, [x])).toBe(true);
    expect(gradcheck((a) => torch.nanmedian(a.transpose(0, 2)), [x])).toBe(true);
    const t = f32([1, 2, 2, 3], true);
    torch.median(t).backward();
    expectClose(t.grad!, [0, 0.5, 0.5, 0]);
    expect(() => torch.median(torch.zeros([0]))).toThrow(/identity/);
  });

  it('mode picks the most frequent, smallest value and its last index', () => {
    const r = torch.mode(torch.tensor([[1, 2, 2, 3, 2], [5, 5, 4, 4, 4]]), 1);
    expect(r.values.tolist()).toEqual([2, 4]);
    expect(r.indices.tolist()).toEqual([4, 4]);
    const f = torch.mode(torch.tensor([0.5, 1.5, 0.5, -1]));
    expect(f.values.item()).toBe(0.5);
    expect(f.indices.item()).toBe(2);
    expect(torch.tensor([[3, 1], [1, 3]]).mode(0).values.tolist()).toEqual([1, 1]);
    const x = leaf([3, 4], 42);
    expect(gradcheck((a) => torch.mode(a, 1).values, [x])).toBe(true);
    expect(gradcheck((a) => a.t().mode(0, true).values, [x])).toBe(true);
  });
});

describe('cumulative ops', () => {
  it('cumsum/cumprod have correct first and second order gradients, with zeros too', () => {
    const x = leaf([3, 4, 5], 51);
    expect(gradcheck((a) => torch.cumsum(a, 1), [x])).toBe(true);
    expect(gradcheck((a) => a.transpose(0, 2).cumsum(-1), [x])).toBe(true);
    expect(gradcheck((a) => torch.cumprod(a, 0), [x])).toBe(true);
    expect(gradcheck((a) => torch.cumprod(a.transpose(1, 2), 2), [x])).toBe(true);
    const z = torch.tensor([[2, 0, 3, 0.5], [0, 1.5, 0, 2], [1, 2, 3, 4]], { dtype: torch.float64, requiresGrad: true });
    expect(gradcheck((a) => torch.cumprod(a, 1), [z])).toBe(true);
    expect(gradcheck((a) => torch.cumprod(a.t(), 0), [z])).toBe(true);
    expect(gradgradcheck((a) => torch.cumprod(a, 1), z)).toBe(true);
    expect(gradgradcheck((a) => torch.cumsum(a.mul(a), 0), leaf([3, 2], 52))).toBe(true);
    const w = torch.tensor([2, 0, 3, 0.5], { requiresGrad: true });
    torch.cumprod(w, 0).sum().backward();
    expectClose(w.grad!, [1, 11, 0, 0]);
  });

  it('follow PyTorch dtype rules and 0-d inputs', () => {
    expect(torch.cumsum(torch.tensor([1, 2, 3], { dtype: torch.int32 }), 0).dtype).toBe(torch.int64);
    expect(torch.cumsum(torch.tensor([true, true, false]), 0).tolist()).toEqual([1, 2, 2]);
    expect(torch.cumprod(torch.tensor([[3, -2], [0, 4]]), 1, { dtype: torch.float32 }).dtype).toBe(torch.float32);
    expect(torch.cumsum(torch.tensor(1.5), 0).item()).toBe(1.5);
    const x = torch.tensor([1, 2, 3], { dtype: torch.int32 });
    x.cumsum_(0);
    expect(x.tolist()).toEqual([1, 3, 6]);
    expect(x.dtype).toBe(torch.int32);
    expect(() => torch.cumsum(torch.ones([2, 3]), 2)).toThrow('Dimension out of range (expected to be in range of [-2, 1], but got 2)');
  });

  it('cummax/cummin give values, latest tie indices and scatter gradients', () => {
    const r = torch.cummax(torch.tensor([1, 3, 3, 2, 3, 0]), 0);
    expect(r.values.tolist()).toEqual([1, 3, 3, 3, 3, 3]);
    expect(r.indices.tolist()).toEqual([0, 1, 2, 2, 4, 4]);
    expect(torch.cummin(torch.tensor([5, -5, -5, 4]), 0).indices.tolist()).toEqual([0, 1, 2, 2]);
    const x = leaf([3, 4], 53);
    expect(gradcheck((a) => torch.cummax(a, 1).values, [x])).toBe(true);
    expect(gradcheck((a) => a.t().cummin(-1).values, [x])).toBe(true);
  });

  it('logcumsumexp is stable with correct gradients', () => {
    const x = leaf([3, 5], 54);
    expect(gradcheck((a) => torch.logcumsumexp(a, 1), [x])).toBe(true);
    expect(gradcheck((a) => a.t().logcumsumexp(0), [x])).toBe(true);
    expect(gradgradcheck((a) => torch.logcumsumexp(a, 1), leaf([2, 3], 55))).toBe(true);
    expectClose(torch.logcumsumexp(f32([1000, 1000]), 0), [1000, 1000 + Math.LN2], 1e-7);
    expect(values(torch.logcumsumexp(torch.tensor([-Infinity, -Infinity, 0]), 0))).toEqual([-Infinity, -Infinity, 0]);
  });
});

describe('var/std over contiguous runs (two passes merged with Chan et al.)', () => {
  it('match a float64 reference with offsets, NaN and runs split across rows', () => {
    torch.tidy(() => {
      torch.manualSeed(8);
      const x = torch.randn([4, 6, 53], { dtype: torch.float64 }).add(1e4); // a large offset
      x.set(2, 3, 7, NaN);
      for (const dims of [[2], [1, 2], [0, 2]]) {
        for (const correction of [0, 1]) {
          const got = x.var(dims, { correction });
          const mean = x.mean(dims, true);
          const n = dims.reduce((a, d) => a * x.shape[d], 1);
          const want = x.sub(mean).pow(2).sum(dims).div(n - correction);
          expect(got.isnan().equal(want.isnan()), `dims ${dims}`).toBe(true);
          expect(got.sub(want).abs().nanToNum().max().item(), `dims ${dims}`).toBeLessThan(1e-9);
        }
      }
      expect(torch.tensor([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], { dtype: torch.float32 }).std(1).item()).toBeCloseTo(3.0276503, 6);
    });
  });
});

describe('float32 amax/amin (SIMD runs)', () => {
  it('give the float64 results, NaN, infinities and signed zeros included', () => {
    torch.tidy(() => {
      torch.manualSeed(6);
      const x = torch.randn([5, 3, 41]);
      x.set(1, 2, 17, NaN);
      x.set(2, 0, 40, Infinity);
      x.set(2, 1, 3, -Infinity);
      x.select(0, 3).fill_(0);
      x.set(3, 1, 5, -0);
      x.select(0, 4).fill_(-0);
      x.set(4, 2, 30, 0);
      for (const f of ['amax', 'amin'] as const) {
        for (const dims of [[2], [1, 2], [0]]) {
          const got = x[f](dims).double();
          const want = x.double()[f](dims);
          expect(got.isnan().equal(want.isnan()), `${f} ${dims}`).toBe(true);
          const g = got.nanToNum().tolist() as number[] | number[][];
          const w = want.nanToNum().tolist() as number[] | number[][];
          expect(JSON.stringify(g.flat().map((v) => Object.is(v, -0) ? '-0' : v))).toBe(JSON.stringify(w.flat().map((v) => Object.is(v, -0) ? '-0' : v)));
        }
      }
    });
  });
});

describe('float32 logsumexp (SIMD runs merged into the running state)', () => {
  it('matches float64 with special values and runs split across rows', () => {
    torch.tidy(() => {
      torch.manualSeed(4);
      const x = torch.randn([6, 7, 37]).mul(30);
      x.select(0, 1).fill_(-Infinity); // a whole slice of -inf
      x.set(2, 3, 5, NaN);
      x.set(3, 0, 0, Infinity);
      x.set(4, 6, 36, -Infinity);
      for (const dims of [[2], [1, 2], [0, 2]]) {
        const got = x.logsumexp(dims).double();
        const want = x.double().logsumexp(dims);
        expect(got.isnan().equal(want.isnan()), `dims ${dims}`).toBe(true);
        const finite = want.isfinite();
        expect(got.where(finite, 0).sub(want.where(finite, 0)).abs().max().item(), `dims ${dims}`).toBeLessThan(1e-4);
        expect(got.where(finite.logicalNot(), 0).nanToNum().equal(want.where(finite.logicalNot(), 0).nanToNum())).toBe(true);
      }
    });
  });
});

describe('softmax and log_softmax', () => {
  it('contiguous float32 lines (SIMD path) match the strided (scalar) path bit for bit', () => {
    torch.tidy(() => {
      torch.manualSeed(3);
      for (const n of [1, 3, 4, 7, 1003]) {
        const a = torch.randn([5, n]).mul(20);
        a.set(1, 0, NaN);
        a.set(2, 0, -Infinity);
        const strided = a.t().contiguous().t(); // same values, column-major: the scalar loop
        for (const f of ['softmax', 'logSoftmax'] as const) {
          const fast = a[f](1);
          const slow = strided[f](1);
          expect(fast.isnan().equal(slow.isnan()), `${f} n=${n}`).toBe(true);
          expect(fast.nanToNum().equal(slow.nanToNum()), `${f} n=${n}`).toBe(true);
        }
      }
    });
  });

  it('are stable with correct first and second order gradients', () => {
    const x = leaf([3, 4, 5], 61);
    expect(gradcheck((a) => torch.softmax(a, 1), [x])).toBe(true);
    expect(gradcheck((a) => a.transpose(0, 2).softmax(-1), [x])).toBe(true);
    expect(gradcheck((a) => torch.logSoftmax(a, 0), [x])).toBe(true);
    expect(gradcheck((a) => torch.nn.functional.logSoftmax(a.t(), { dim: -1 }), [leaf([3, 4], 62)])).toBe(true);
    expect(gradcheck((a) => torch.nn.functional.softmax(a, 1, { dtype: torch.float64 }), [leaf([3, 4], 66)])).toBe(true);
    // with a dtype the gradient comes back in the input's dtype
    const x32 = torch.tensor([[0.5, -1, 2], [1, 1, 0]], { requiresGrad: true });
    const x64 = x32.detach().double().requiresGrad_(true);
    const w = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: torch.float64 });
    torch.softmax(x32, 1, torch.float64).mul(w).sum().backward();
    torch.softmax(x64, 1).mul(w).sum().backward();
    expect(x32.grad!.dtype).toBe(torch.float32);
    expectClose(x32.grad!, values(x64.grad!) as number[], 1e-6, 1e-7);
    expect(gradgradcheck((a) => torch.softmax(a, 1), leaf([2, 3], 63))).toBe(true);
    expect(gradgradcheck((a) => torch.logSoftmax(a, -1), leaf([2, 3], 64))).toBe(true);
    expectClose(torch.softmax(f32([1000, 1001, 999]), 0), [0.24472847, 0.66524096, 0.09003057], 1e-6);
    expectClose(torch.logSoftmax(f32([1000, 1001, 999]), 0), [-1.40760596, -0.40760596, -2.40760596], 1e-6);
  });

  it('save only their output, as PyTorch: the input may change in place before backward', () => {
    const x = leaf([2, 3], 65);
    const h = x.mul(1);
    const y = torch.softmax(h, 1);
    h.add_(1);
    y.mul(torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: torch.float64 })).sum().backward();
    expect(x.grad).not.toBeNull();
    const z = torch.logSoftmax(x.mul(1), 1);
    z.add_(1);
    expect(() => z.sum().backward()).toThrow(/modified by an inplace operation/);
  });

  it('follow dtype and implicit-dim rules', () => {
    const x = torch.tensor([[1, 2], [3, 4]]);
    expect(torch.softmax(x.float(), 1, torch.float64).dtype).toBe(torch.float64);
    expect(() => torch.softmax(x, 1)).toThrow(/not implemented for 'Long'/);
    expectClose(torch.softmax(x, 0, { dtype: torch.float32 }).sum(0), [1, 1]);
    // F.softmax with dim=None: dim 1 for 2-d, 0 for 1-d and 3-d
    expectClose(torch.nn.functional.softmax(x.float()).sum(1), [1, 1]);
    expectClose(torch.nn.functional.softmax(torch.ones([2, 2, 2])).sum(0), [1, 1, 1, 1]);
    expect(torch.softmax(f32(3.0), 0).item()).toBe(1);
    expect(() => torch.softmax(torch.ones([2, 3]), 3)).toThrow('Dimension out of range (expected to be in range of [-2, 1], but got 3)');
    const h = torch.softmax(torch.tensor([1, 2]).half(), 0);
    expect(h.dtype).toBe(torch.float16);
    expectClose(h, [0.2689, 0.7311], 1e-3);
  });
});

describe('memory', () => {
  it('reductions and their backward free their temporaries', () => {
    const x = leaf([4, 6], 71);
    expectNoLeak(() => {
      torch.tidy(() => {
        torch.softmax(x, 1).mul(torch.cumprod(x, 0)).sum().backward();
        torch.max(x, 1).values.sum().add(torch.median(x)).add(torch.std(x)).backward();
        const g = x.grad;
        x.grad = null;
        g?.dispose();
      });
    });
  });
});
