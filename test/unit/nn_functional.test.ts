import { describe, it, expect } from 'vitest';
import { torch, expectClose, values } from '../helpers.js';
import { det, gradOf, vjpOf } from './nn_helpers.js';

const F = torch.nn.functional;
const gc = torch.autograd.gradcheck;

describe('linear and bilinear', () => {
  it('linear is x W^T + b for 1-d, 2-d and 3-d inputs, with exact gradients', () => {
    const w = det([4, 3], 1, { requiresGrad: true });
    const b = det([4], 2, { requiresGrad: true });
    for (const shape of [[3], [5, 3], [2, 2, 3]]) {
      const x = det(shape, 3, { requiresGrad: true });
      const ref = x.matmul(w.t()).add(b);
      expectClose(F.linear(x, w, b), values(ref) as number[], 1e-12, 1e-12);
      expect(gc((a, c, d) => F.linear(a, c, d), [x, w, b])).toBe(true);
    }
    expect(gc(gradOf((a, c) => F.linear(a, c), 2), [det([2, 3], 4, { requiresGrad: true }), w])).toBe(true);
    expect(() => F.linear(det([2, 5], 1), w)).toThrow('mat1 and mat2 shapes cannot be multiplied (2x5 and 3x4)');
  });

  it('linear reads transposed operands without copies and broadcasts a bias', () => {
    const x = det([3, 5], 5).t();
    const w = det([3, 4], 6).t();
    expectClose(F.linear(x, w, torch.tensor([1], { dtype: torch.float64 })), values(x.matmul(w.t()).add(1)) as number[], 1e-12, 1e-12);
  });

  it('bilinear has exact gradients', () => {
    const a = det([3, 2], 1, { requiresGrad: true });
    const c = det([3, 4], 2, { requiresGrad: true });
    const w = det([5, 2, 4], 3, { requiresGrad: true });
    const b = det([5], 4, { requiresGrad: true });
    expect(gc((p, q, r, s) => F.bilinear(p, q, r, s), [a, c, w, b])).toBe(true);
  });
});

describe('pad', () => {
  it('constant padding crops with negative amounts and has exact gradients', () => {
    const x = det([2, 3, 4], 1, { requiresGrad: true });
    expect(F.pad(x, [1, -2, 2, 0], { value: 0.5 }).shape).toEqual([2, 5, 3]);
    expect(gc((a) => F.pad(a, [1, -2, 2, 0], { value: 0.5 }), [x])).toBe(true);
  });

  it('reflect, replicate and circular map indices like PyTorch', () => {
    const x = torch.arange(4, { dtype: torch.float32 }).view(1, 1, 4);
    expect(values(F.pad(x, [3, 2], { mode: 'reflect' }))).toEqual([3, 2, 1, 0, 1, 2, 3, 2, 1]);
    expect(values(F.pad(x, [2, 1], { mode: 'replicate' }))).toEqual([0, 0, 0, 1, 2, 3, 3]);
    expect(values(F.pad(x, [1, 2], { mode: 'circular' }))).toEqual([3, 0, 1, 2, 3, 0, 1]);
    expect(() => F.pad(x, [4, 0], { mode: 'reflect' })).toThrow('Padding size should be less than the corresponding input dimension');
  });

  it('mode pads have exact first and second derivatives', () => {
    const x = det([1, 2, 4, 5], 2, { requiresGrad: true });
    for (const mode of ['reflect', 'replicate', 'circular']) {
      const f = (a: torch.Tensor) => F.pad(a, [2, 1, 1, 3], { mode });
      expect(gc(f, [x])).toBe(true);
      expect(gc(vjpOf(f, x), [det([1, 2, 8, 8], 3, { requiresGrad: true })])).toBe(true);
    }
  });
});

describe('interpolate', () => {
  it('nearest and bilinear follow PyTorch coordinates', () => {
    const x = torch.arange(4, { dtype: torch.float32 }).view(1, 1, 2, 2);
    expect(values(F.interpolate(x, { scaleFactor: 2 }))).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]);
    expectClose(F.interpolate(x, { size: [3, 3], mode: 'bilinear', alignCorners: true }), [0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3]);
    expectClose(F.interpolate(x, { size: [1, 4], mode: 'bilinear' }).view(-1), [1, 1.25, 1.75, 2]);
    expect(() => F.interpolate(x, { size: 3, mode: 'nearest', alignCorners: true })).toThrow('align_corners option can only be set');
    expect(() => F.interpolate(x, { size: 3, mode: 'linear' })).toThrow('Got 4D input, but linear mode needs 3D input');
  });

  it('has exact gradients for linear, bilinear, bicubic and nearest', () => {
    const x1 = det([1, 2, 5], 1, { requiresGrad: true });
    expect(gc((a) => F.interpolate(a, { size: 8, mode: 'linear' }), [x1])).toBe(true);
    const x2 = det([1, 1, 3, 4], 2, { requiresGrad: true });
    expect(gc((a) => F.interpolate(a, { scaleFactor: 1.5, mode: 'bilinear' }), [x2])).toBe(true);
    expect(gc((a) => F.interpolate(a, { size: [5, 3], mode: 'bicubic', alignCorners: true }), [x2])).toBe(true);
    expect(gc((a) => F.interpolate(a, { size: [5, 7], mode: 'nearest' }), [x2])).toBe(true);
    const f = (a: torch.Tensor) => F.interpolate(a, { size: [5, 3], mode: 'bilinear' });
    expect(gc(vjpOf(f, x2), [det([1, 1, 5, 3], 3, { requiresGrad: true })])).toBe(true);
  });
});

describe('pixel_shuffle, embedding, dropout', () => {
  it('pixel_shuffle and pixel_unshuffle are inverse rearrangements', () => {
    const x = det([2, 8, 3, 2], 1, { requiresGrad: true });
    const y = F.pixelShuffle(x, 2);
    expect(y.shape).toEqual([2, 2, 6, 4]);
    expect(values(F.pixelUnshuffle(y, 2))).toEqual(values(x));
    expect(gc((a) => F.pixelShuffle(a, 2), [x])).toBe(true);
    expect(() => F.pixelShuffle(det([1, 7, 2, 2], 1), 2)).toThrow("input.size(-3)=7 is not divisible by 4");
  });

  it('embedding looks rows up; its weight gradient sums repeats and skips padding_idx', () => {
    const w = det([5, 3], 1, { requiresGrad: true });
    const idx = torch.tensor([[1, 2, 1], [4, 0, 2]]);
    const y = F.embedding(idx, w, { paddingIdx: 2 });
    expect(y.shape).toEqual([2, 3, 3]);
    expect(values(y.select(0, 0).select(0, 0))).toEqual(values(w.select(0, 1)));
    y.sum().backward();
    expect(values(w.grad!.sum(1))).toEqual([3, 6, 0, 0, 3]);
    expect(gc((a) => F.embedding(idx, a), [det([5, 3], 2, { requiresGrad: true })])).toBe(true);
    // scale_grad_by_freq divides each row's gradient by how often its index occurs
    const w2 = det([5, 3], 2, { requiresGrad: true });
    F.embedding(idx, w2, { scaleGradByFreq: true }).sum().backward();
    expect(values(w2.grad!.sum(1))).toEqual([3, 3, 3, 0, 3]);
    expect(() => F.embedding(torch.tensor([5]), w)).toThrow('index out of range in self');
  });

  it('embedding max_norm renormalises the rows it reads', () => {
    const w = torch.tensor([[3, 4], [0.3, 0.4]], { dtype: torch.float64 });
    F.embedding(torch.tensor([0, 1]), w, { maxNorm: 1 });
    expectClose(w, [0.6, 0.8, 0.3, 0.4], 1e-6, 1e-7);
  });

  it('dropout is the identity in eval mode and with p = 0', () => {
    const x = det([2, 3], 1);
    expect(F.dropout(x, { training: false })).toBe(x);
    expect(F.dropout(x, { p: 0 })).toBe(x);
    expect(F.dropout2d(det([2, 3, 2, 2], 1), { p: 0.3, training: false }).shape).toEqual([2, 3, 2, 2]);
    expectClose(F.dropout(x, { p: 1 }), [0, 0, 0, 0, 0, 0]);
    expect(() => F.dropout(x, { p: 1.5 })).toThrow('dropout probability has to be between 0 and 1, but got 1.5');
  });
});
