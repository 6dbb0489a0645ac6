import { describe, it, expect } from 'vitest';
import { torch, expectClose, values } from '../helpers.js';
import { det, vjpOf } from './nn_helpers.js';

const F = torch.nn.functional;
const gc = torch.autograd.gradcheck;

describe('max pooling', () => {
  it('float32 (four outputs per SIMD step) gives the float64 (scalar) values and indices, ties and NaN included', () => {
    let configs = 0;
    for (const [h, w] of [[23, 23], [13, 9], [7, 30]]) {
      for (const [k, s, p, d, ceilMode] of [[3, 2, 1, 1, false], [2, 2, 0, 1, true], [3, 1, 1, 1, false], [3, 2, 1, 2, true], [2, 3, 1, 1, false]] as const) {
        torch.tidy(() => {
          torch.manualSeed(configs);
          const x = torch.randn([2, 3, h, w]).relu().mul(2).round(); // many ties
          x.view(-1).set(5, NaN);
          x.view(-1).set(77, NaN);
          const opts = { stride: s, padding: p, dilation: d, ceilMode, returnIndices: true };
          const [y32, i32] = F.maxPool2d(x, k, opts) as torch.Tensor[];
          const [y64, i64] = F.maxPool2d(x.double(), k, opts) as torch.Tensor[];
          expect(i32.equal(i64), `h=${h} w=${w} k=${k} s=${s}`).toBe(true);
          expect(y32.double().isnan().equal(y64.isnan())).toBe(true);
          expect(y32.double().nanToNum().equal(y64.nanToNum())).toBe(true);
        });
        configs++;
      }
    }
  });

  it('returns values and plane indices, NaN propagating', () => {
    const x = torch.tensor([[[1, 5, 2], [7, 3, NaN], [0, 4, 6]]]);
    const [y, idx] = F.maxPool2d(x, 2, { stride: 1, returnIndices: true });
    expect(values(y).map(String)).toEqual(['7', 'NaN', '7', 'NaN']);
    expect(values(idx)).toEqual([3, 5, 3, 5]);
    expect(idx.dtype).toBe(torch.int64);
  });

  it('has exact first and second derivatives (padding, dilation, ceil_mode)', () => {
    const x = det([1, 2, 7, 6], 1, { requiresGrad: true });
    const f = (a: torch.Tensor) => F.maxPool2d(a, [3, 2], { stride: 2, padding: 1, dilation: [1, 2], ceilMode: true });
    expect(f(x).shape).toEqual([1, 2, 4, 4]);
    expect(gc(f, [x])).toBe(true);
    expect(gc(vjpOf(f, x), [det([1, 2, 4, 4], 9, { requiresGrad: true })])).toBe(true);
  });

  it('max_pool1d and adaptive_max_pool2d have exact gradients', () => {
    const x = det([2, 3, 9], 2, { requiresGrad: true });
    expect(gc((a) => F.maxPool1d(a, 3, { stride: 2, padding: 1 }), [x])).toBe(true);
    const z = det([1, 2, 7, 5], 3, { requiresGrad: true });
    expect(gc((a) => F.adaptiveMaxPool2d(a, [3, 2]), [z])).toBe(true);
    const [, idx] = F.adaptiveMaxPool2d(z, 1, { returnIndices: true });
    expect(idx.shape).toEqual([1, 2, 1, 1]);
  });

  it('checks its arguments like PyTorch', () => {
    const x = det([1, 1, 4, 4], 1);
    expect(() => F.maxPool2d(x, 2, { padding: 2 })).toThrow('pad should be at most half of kernel size, but got pad=2 and kernel_size=2');
    expect(() => F.maxPool2d(x, 5)).toThrow('Output size is too small');
    expect(() => F.maxPool2d(det([4, 4], 1), 2)).toThrow('non-empty 3D or 4D (batch mode) tensor expected for input');
  });
});

describe('average pooling', () => {
  it('divides by the window, with or without padding, or by divisor_override', () => {
    const x = torch.ones(1, 1, 3, 3);
    expectClose(F.avgPool2d(x, 2, { padding: 1, countIncludePad: true }), [0.25, 0.5, 0.5, 1]);
    expectClose(F.avgPool2d(x, 2, { padding: 1, countIncludePad: false }), [1, 1, 1, 1]);
    expectClose(F.avgPool2d(x, 2, { stride: 1, divisorOverride: 3 }), [4 / 3, 4 / 3, 4 / 3, 4 / 3]);
  });

  it('has exact first and second derivatives', () => {
    const x = det([2, 2, 6, 7], 4, { requiresGrad: true });
    const f = (a: torch.Tensor) => F.avgPool2d(a, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false });
    expect(gc(f, [x])).toBe(true);
    expect(gc(vjpOf(f, x), [det([...f(x).shape], 9, { requiresGrad: true })])).toBe(true);
    const y = det([2, 3, 7], 5, { requiresGrad: true });
    expect(gc((a) => F.avgPool1d(a, 2, { ceilMode: true }), [y])).toBe(true);
  });

  it('adaptive average pooling has exact gradients and keeps None sizes', () => {
    const x = det([1, 2, 5, 7], 6, { requiresGrad: true });
    expect(gc((a) => F.adaptiveAvgPool2d(a, [3, 4]), [x])).toBe(true);
    expect(gc(vjpOf((a) => F.adaptiveAvgPool2d(a, [7, 2]), x), [det([1, 2, 7, 2], 9, { requiresGrad: true })])).toBe(true);
    expect(F.adaptiveAvgPool2d(x, [null, 3]).shape).toEqual([1, 2, 5, 3]);
    expect(gc((a) => F.adaptiveAvgPool1d(a, 4), [det([2, 3, 9], 7, { requiresGrad: true })])).toBe(true);
  });
});
