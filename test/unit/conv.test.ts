import { describe, it, expect } from 'vitest';
import { torch, expectClose, expectNoLeak } from '../helpers.js';
import { det, gradOf } from './nn_helpers.js';

const F = torch.nn.functional;
const gc = torch.autograd.gradcheck;

describe('conv2d', () => {
  it('matches a direct computation', () => {
    // 1 x 1 x 3 x 3 input, 2x2 kernel of ones plus bias: window sums
    const x = torch.arange(9, { dtype: torch.float32 }).view(1, 1, 3, 3);
    const w = torch.ones(1, 1, 2, 2);
    const y = F.conv2d(x, w, torch.tensor([0.5]));
    expectClose(y, [8.5, 12.5, 20.5, 24.5]);
    expect(y.shape).toEqual([1, 1, 2, 2]);
  });

  it('has exact gradients (stride, padding, dilation, groups, bias)', () => {
    const x = det([2, 4, 5, 4], 1, { requiresGrad: true });
    const w = det([4, 2, 3, 2], 2, { requiresGrad: true });
    const b = det([4], 3, { requiresGrad: true });
    expect(gc((a, k, c) => F.conv2d(a, k, c, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }), [x, w, b])).toBe(true);
  });

  it('float32 gradients on Winograd shapes (3x3, stride 1, 16+ channels) agree with float64', () => {
    // float32 3x3 stride-1 convolutions with enough channels take Winograd forward and
    // for both gradients; float64 takes the im2col GEMM
    for (const [shape, pad] of [[[2, 16, 20, 20], 1], [[1, 16, 13, 22], 0], [[3, 8, 12, 12], 2]] as [number[], number][]) {
      const c = shape[1];
      const x64 = det(shape, 7).double();
      const w64 = det([c + 4, c, 3, 3], 8).double();
      const run = (x: torch.Tensor, w: torch.Tensor) => {
        const xs = x.detach().requiresGrad_();
        const ws = w.detach().requiresGrad_();
        const y = F.conv2d(xs, ws, null, { padding: pad });
        y.backward(torch.cos(torch.arange(y.numel(), { dtype: y.dtype })).view(y.shape));
        return [y, xs.grad!, ws.grad!];
      };
      const want = run(x64, w64);
      const got = run(x64.float(), w64.float());
      for (let i = 0; i < 3; i++) {
        const rms = want[i].square().mean().sqrt().item() as number;
        const err = got[i].double().sub(want[i]).abs().max().item() as number;
        expect(err / rms, `${['output', 'input grad', 'weight grad'][i]} of ${shape} padding ${pad}`).toBeLessThan(1e-4);
      }
    }
  });

  it('has exact gradients for depthwise and pointwise convolutions', () => {
    const x = det([1, 3, 5, 5], 4, { requiresGrad: true });
    const dw = det([6, 1, 3, 3], 5, { requiresGrad: true });
    expect(gc((a, k) => F.conv2d(a, k, null, { stride: 2, padding: 1, groups: 3 }), [x, dw])).toBe(true);
    const pw = det([2, 3, 1, 1], 6, { requiresGrad: true });
    expect(gc((a, k) => F.conv2d(a, k), [x, pw])).toBe(true);
  });

  it("supports padding='same' with an even kernel and 'valid'", () => {
    const x = det([1, 2, 5, 6], 7, { requiresGrad: true });
    const w = det([3, 2, 4, 2], 8, { requiresGrad: true });
    const y = F.conv2d(x, w, null, { padding: 'same', dilation: [1, 2] });
    expect(y.shape).toEqual([1, 3, 5, 6]);
    expect(gc((a, k) => F.conv2d(a, k, null, { padding: 'same' }), [x, w])).toBe(true);
    expect(F.conv2d(x, w, null, { padding: 'valid' }).shape).toEqual([1, 3, 2, 5]);
    expect(() => F.conv2d(x, w, null, { padding: 'same', stride: 2 })).toThrow("padding='same' is not supported for strided convolutions");
  });

  it('has exact second derivatives', () => {
    const x = det([1, 2, 4, 4], 9, { requiresGrad: true });
    const w = det([2, 1, 2, 3], 10, { requiresGrad: true });
    const b = det([2], 11, { requiresGrad: true });
    const f = (a: torch.Tensor, k: torch.Tensor, c: torch.Tensor) => F.conv2d(a, k, c, { stride: [1, 2], padding: 1, groups: 2 });
    expect(gc(gradOf(f, 2), [x, w, b])).toBe(true);
  });

  it('accepts unbatched input and checks shapes like PyTorch', () => {
    const w = det([4, 3, 3, 3], 1);
    expect(F.conv2d(det([3, 6, 5], 2), w).shape).toEqual([4, 4, 3]);
    expect(() => F.conv2d(det([2, 5, 6, 5], 3), w)).toThrow(
      'Given groups=1, weight of size [4, 3, 3, 3], expected input[2, 5, 6, 5] to have 3 channels, but got 5 channels instead',
    );
    expect(() => F.conv2d(det([1, 3, 2, 2], 3), w)).toThrow(
      "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size",
    );
    expect(() => F.conv2d(det([1, 3, 5, 5], 3), w, det([5], 4))).toThrow('expected bias to be 1-dimensional with 4 elements');
    expect(() => F.conv2d(det([3, 5], 3), w)).toThrow('Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [3, 5]');
  });

  it('gives an input without channels an output without channels and zero gradients, as PyTorch', () => {
    // PyTorch 1.13: conv2d(randn(2, 0, 10, 10), randn(4, 0, 3, 3), ones(4), padding=1,
    // groups=2) has size [2, 0, 10, 10]; the gradients are x: [2, 0, 10, 10], w: zeros
    // [4, 0, 3, 3], bias: zeros [4] (this shape once reached a division by zero in wasm)
    const x = torch.randn(2, 0, 10, 10).requiresGrad_(true);
    const w = torch.randn(4, 0, 3, 3).requiresGrad_(true);
    const b = torch.ones(4).requiresGrad_(true);
    for (const groups of [1, 2]) {
      const y = F.conv2d(x, w, b, { padding: 1, groups });
      expect(y.shape).toEqual([2, 0, 10, 10]);
      y.sum().backward();
    }
    expect(F.conv2d(x, w, b, { stride: 2 }).shape).toEqual([2, 0, 4, 4]);
    expect(x.grad!.shape).toEqual([2, 0, 10, 10]);
    expect(w.grad!.shape).toEqual([4, 0, 3, 3]);
    expectClose(b.grad!, [0, 0, 0, 0]);
  });

  it('frees its temporaries', () => {
    const x = det([1, 2, 6, 6], 1);
    const w = det([3, 2, 3, 3], 2);
    expectNoLeak(() => torch.tidy(() => {
      F.conv2d(x, w, null, { padding: 'same' });
    }));
  });
});

describe('conv1d', () => {
  it('has exact gradients with stride, padding, dilation', () => {
    const x = det([2, 3, 9], 1, { requiresGrad: true });
    const w = det([2, 3, 3], 2, { requiresGrad: true });
    const b = det([2], 3, { requiresGrad: true });
    expect(gc((a, k, c) => F.conv1d(a, k, c, { stride: 2, padding: 2, dilation: 2 }), [x, w, b])).toBe(true);
    expect(F.conv1d(x, w, b, { padding: 'same' }).shape).toEqual([2, 2, 9]);
  });
});

describe('conv_transpose2d', () => {
  it('is the adjoint of conv2d', () => {
    // <conv2d(x, w), y> == <x, conv_transpose2d(y, w)> with the same hyper-parameters
    const x = det([2, 4, 7, 6], 1);
    const w = det([6, 2, 3, 2], 2);
    const opts = { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2 };
    const y = F.conv2d(x, w, null, opts);
    const r = det([...y.shape], 3);
    const xt = F.convTranspose2d(r, w, null, { ...opts, outputPadding: [0, 0] });
    expect(xt.shape).toEqual([2, 4, 7, 6]);
    expectClose(y.mul(r).sum(), (x.mul(xt).sum().item() as number), 1e-10, 1e-10);
  });

  it('has exact first and second derivatives (output_padding, groups, dilation)', () => {
    const x = det([1, 4, 3, 3], 4, { requiresGrad: true });
    const w = det([4, 1, 2, 3], 5, { requiresGrad: true });
    const b = det([2], 6, { requiresGrad: true });
    const f = (a: torch.Tensor, k: torch.Tensor, c: torch.Tensor) =>
      F.convTranspose2d(a, k, c, { stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: [1, 2] });
    expect(f(x, w, b).shape).toEqual([1, 2, 5, 8]);
    expect(gc(f, [x, w, b])).toBe(true);
    expect(gc(gradOf(f, 2), [x, w, b])).toBe(true);
  });

  it('checks output_padding against stride and dilation', () => {
    expect(() => F.convTranspose2d(det([1, 2, 3, 3], 1), det([2, 2, 3, 3], 2), null, { outputPadding: 1 })).toThrow(
      'output padding must be smaller than either stride or dilation',
    );
  });
});
