import { describe, it, expect } from 'vitest';
import { torch, expectClose } from '../helpers.js';
import { det } from './nn_helpers.js';

const F = torch.nn.functional;
const gc = torch.autograd.gradcheck;

describe('batch_norm', () => {
  it('normalises per channel in training and updates running stats with the unbiased variance', () => {
    const x = torch.tensor([[1, 10], [3, 20], [5, 60]], { dtype: torch.float32 });
    const rm = torch.zeros(2);
    const rv = torch.ones(2);
    const y = F.batchNorm(x, rm, rv, { training: true, momentum: 0.5, eps: 0 });
    // channel 0: mean 3, biased var 8/3
    expectClose(y.select(1, 0), [-2 / Math.sqrt(8 / 3), 0, 2 / Math.sqrt(8 / 3)], 1e-5, 1e-5);
    expectClose(rm, [1.5, 15]);
    expectClose(rv, [0.5 + 0.5 * 4, 0.5 + 0.5 * 700], 1e-5, 1e-3);
  });

  it('uses the running statistics in eval mode', () => {
    const f = (v: number[][] | number[]) => torch.tensor(v, { dtype: torch.float32 });
    const y = F.batchNorm(f([[1, 2], [3, 4]]), f([1, 2]), f([4, 9]), { weight: f([2, 1]), bias: f([0, 1]), eps: 0 });
    expectClose(y, [0, 1, 2, 1 + 2 / 3]);
  });

  it('has exact gradients in training and eval mode', () => {
    const x = det([3, 2, 4], 1, { requiresGrad: true });
    const w = det([2], 2, { requiresGrad: true });
    const b = det([2], 3, { requiresGrad: true });
    expect(gc((a, c, d) => F.batchNorm(a, null, null, { weight: c, bias: d, training: true }), [x, w, b])).toBe(true);
    const rm = det([2], 4);
    const rv = det([2], 5).mul(det([2], 5)).add(0.5);
    expect(gc((a, c, d) => F.batchNorm(a, rm, rv, { weight: c, bias: d }), [x, w, b])).toBe(true);
    expect(gc((a) => F.batchNorm(a, null, null, { training: true }), [x])).toBe(true);
  });

  it('rejects a single value per channel in training', () => {
    expect(() => F.batchNorm(det([1, 3], 1), null, null, { training: true })).toThrow(
      'Expected more than 1 value per channel when training, got input size torch.Size([1, 3])',
    );
  });

  it('has second derivatives with batch statistics and with running statistics', () => {
    const v = det([3, 2], 2);
    for (const training of [true, false]) {
      const rm = torch.zeros(2, { dtype: torch.float64 });
      const rv = torch.full([2], 2, { dtype: torch.float64 });
      const f = (a: torch.Tensor, w: torch.Tensor) =>
        torch.enableGrad(() => torch.autograd.grad(F.batchNorm(a, rm, rv, { weight: w, training }).mul(v).sum(), [a], { createGraph: true })[0]!);
      expect(gc(f, [det([3, 2], 1, { requiresGrad: true }), det([2], 3, { requiresGrad: true })]), `training=${training}`).toBe(true);
    }
  });
});

describe('layer_norm, group_norm, instance_norm', () => {
  it('layer_norm has exact gradients over the last dims', () => {
    const x = det([2, 3, 4], 1, { requiresGrad: true });
    const w = det([3, 4], 2, { requiresGrad: true });
    const b = det([3, 4], 3, { requiresGrad: true });
    expect(gc((a, c, d) => F.layerNorm(a, [3, 4], { weight: c, bias: d }), [x, w, b])).toBe(true);
    expect(gc((a) => F.layerNorm(a, [4]), [x])).toBe(true);
    expect(() => F.layerNorm(x, [5])).toThrow('Given normalized_shape=[5], expected input with shape [*, 5], but got input of size[2, 3, 4]');
  });

  it('group_norm has exact gradients', () => {
    const x = det([2, 4, 3], 4, { requiresGrad: true });
    const w = det([4], 5, { requiresGrad: true });
    const b = det([4], 6, { requiresGrad: true });
    expect(gc((a, c, d) => F.groupNorm(a, 2, { weight: c, bias: d }), [x, w, b])).toBe(true);
    expect(() => F.groupNorm(x, 3)).toThrow('Expected number of channels in input to be divisible by num_groups');
  });

  it('instance_norm has exact gradients and tracks running stats', () => {
    const x = det([2, 3, 5], 7, { requiresGrad: true });
    const w = det([3], 8, { requiresGrad: true });
    expect(gc((a, c) => F.instanceNorm(a, { weight: c }), [x, w])).toBe(true);
    const rm = torch.zeros(3, { dtype: torch.float64 });
    const rv = torch.ones(3, { dtype: torch.float64 });
    F.instanceNorm(x, { runningMean: rm, runningVar: rv, momentum: 1 });
    // momentum 1: the batch mean of the per-instance means / unbiased variances
    const m = x.detach().mean(2).mean(0);
    expectClose(rm, (m.tolist() as number[]), 1e-10, 1e-12);
  });
});
