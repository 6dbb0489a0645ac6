// Pooling modules and the 3-d / lp / unpool functional ops: values, indices and input
// gradients recorded from PyTorch 1.13 (inputs drawn with manualSeed, whose streams
// match PyTorch's), gradcheck in float64, reprs, PyTorch's errors, and no leaks.
import { describe, it, expect, vi } from 'vitest';
import { torch, expectClose, values, expectNoLeak } from '../helpers.js';
import { det, vjpOf } from './nn_helpers.js';

const nn = torch.nn;
const F = torch.nn.functional;
type T = torch.Tensor;
const gc = torch.autograd.gradcheck;

/** torch.randn(shape) after torch.manual_seed(seed): the same values as PyTorch's. */
const seeded = (seed: number, shape: number[]): T => {
  torch.manualSeed(seed);
  return torch.randn(shape);
};

describe('MaxPool3d / F.max_pool3d', () => {
  it('gives PyTorch values and D*H*W indices', () => {
    const [y, i] = new nn.MaxPool3d(2, { returnIndices: true })(seeded(0, [1, 2, 3, 4, 5]));
    expect(y.shape).toEqual([1, 2, 1, 2, 2]);
    expectClose(y, [0.6920092, 1.853006, 0.9462984, 1.237658, 1.110816, 1.819725, 1.645867, 1.11494]);
    expect(values(i)).toEqual([5, 23, 30, 13, 6, 2, 36, 17]);
    expect(i.dtype).toBe(torch.int64);
  });

  it('follows stride, padding, dilation and ceil_mode per axis, with gradients to the chosen elements', () => {
    const x = seeded(0, [1, 2, 3, 4, 5]).requiresGrad_(true);
    const m = new nn.MaxPool3d([2, 3, 2], { stride: [1, 2, 2], padding: [1, 1, 0], dilation: [1, 1, 2], ceilMode: true, returnIndices: true });
    const [y, i] = m(x);
    expect(y.shape).toEqual([1, 2, 4, 3, 2]);
    expectClose(y, [
      0.6920092, 0.8487104, 0.6920092, 1.116777, -0.2472782, 0.7935084, 0.6920092, 1.586334, 0.9462984, 1.586334, 0.2484148, 0.7935084,
      2.302205, 1.586334, 2.302205, 3.410503, 0.7440207, 3.410503, 2.302205, 0.8728312, 2.302205, 3.410503, 0.7440207, 3.410503,
      1.819725, 2.567233, 1.289874, 2.567233, 1.11494, 1.11494, 1.819725, 2.567233, 1.289874, 2.567233, 1.11494, 1.11494,
      1.036687, 2.302516, 1.375038, 2.302516, 0.7100866, 0.5198677, 1.036687, -0.2282418, 1.375038, 1.375038, 0.1083319, 0.2443185,
    ]);
    expect(values(i)).toEqual([
      5, 4, 5, 14, 15, 19, 5, 29, 30, 29, 35, 19, 45, 29, 45, 59, 57, 59, 45, 49, 45, 59, 57, 59,
      2, 9, 7, 9, 17, 17, 2, 9, 7, 9, 17, 17, 45, 29, 52, 29, 35, 39, 45, 42, 52, 52, 57, 59,
    ]);
    y.sum().backward();
    expect(values(x.grad!)).toEqual([
      0, 0, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 4, 0, 0, 2, 0, 0, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1, 0, 1,
    ]);
  });

  it('picks the first of tied maxima and the last NaN in (d, h, w) order, as PyTorch', () => {
    const ties = F.maxPool3d(torch.ones(1, 1, 2, 2, 2), 2, { returnIndices: true });
    expect(values(ties[1])).toEqual([0]);
    const x = torch.zeros(1, 1, 2, 2, 2);
    x.set(0, 0, 0, 1, 1, NaN);
    x.set(0, 0, 1, 0, 0, NaN);
    const [y, i] = F.maxPool3d(x, 2, { returnIndices: true });
    expect(Number.isNaN(y.item() as number)).toBe(true);
    expect(values(i)).toEqual([4]);
    const allNegInf = F.maxPool3d(torch.full([1, 1, 2, 2, 2], -Infinity), 2, { returnIndices: true });
    expect(values(allNegInf[1])).toEqual([0]);
  });

  it('agrees with the float64 path and takes unbatched and empty-batch inputs', () => {
    const x = seeded(3, [2, 3, 5, 6, 7]);
    const [a, ia] = F.maxPool3d(x, 3, 2, 1, { returnIndices: true, ceilMode: true });
    const [b, ib] = F.maxPool3d(x.double(), 3, 2, 1, { returnIndices: true, ceilMode: true });
    expect(ia.equal(ib)).toBe(true);
    expect(a.double().equal(b)).toBe(true);
    const [u, iu] = F.maxPool3d(x.index(0), 3, 2, 1, { returnIndices: true, ceilMode: true });
    expect(u.equal(a.index(0))).toBe(true);
    expect(iu.equal(ia.index(0))).toBe(true);
    const [e, ie] = F.maxPool3d(torch.zeros(0, 2, 4, 4, 4), 2, { returnIndices: true });
    expect([e.shape, ie.shape]).toEqual([[0, 2, 2, 2, 2], [0, 2, 2, 2, 2]]);
  });

  it('F.*_with_indices return [out, indices] whatever return_indices says', () => {
    const x = seeded(0, [1, 2, 3, 4, 5]);
    const [y, i] = F.maxPool3dWithIndices(x, 2);
    expect(values(i)).toEqual([5, 23, 30, 13, 6, 2, 36, 17]);
    expect(y.equal(F.maxPool3d(x, 2))).toBe(true);
    expect(values(F.adaptiveMaxPool3dWithIndices(x, [2, 1, 3])[1])).toEqual([30, 23, 23, 45, 23, 59, 36, 2, 9, 36, 36, 29]);
    const x4 = x.index(0);
    expect(F.maxPool2dWithIndices(x4, 2)[1].equal(F.maxPool2d(x4, 2, { returnIndices: true })[1])).toBe(true);
    expect(F.adaptiveMaxPool2dWithIndices(x4, 2)[1].equal(F.adaptiveMaxPool2d(x4, 2, true)[1])).toBe(true);
    const x3 = x.index(0, 0);
    expect(F.maxPool1dWithIndices(x3, 2)[1].equal(F.maxPool1d(x3, 2, { returnIndices: true })[1])).toBe(true);
    expect(F.adaptiveMaxPool1dWithIndices(x3, 3)[1].equal(F.adaptiveMaxPool1d(x3, 3, true)[1])).toBe(true);
  });

  it('has exact first and second derivatives', () => {
    const x = det([1, 2, 4, 5, 4], 3, { requiresGrad: true });
    const f = (a: T) => F.maxPool3d(a, [2, 3, 2], { stride: [1, 2, 2], padding: [1, 1, 0], ceilMode: true }) as T;
    expect(gc(f, [x])).toBe(true);
    expect(gc(vjpOf(f, x), [det([...f(x).shape], 9, { requiresGrad: true })])).toBe(true);
  });
});

describe('AvgPool3d / F.avg_pool3d', () => {
  const x = seeded(0, [1, 2, 3, 4, 5]);

  it('averages boxes: padding counted or not, ceil_mode, divisor_override', () => {
    expectClose(new nn.AvgPool3d(2)(x), [-0.4521692, 0.07588599, -0.01888532, 0.049929, 0.06232475, 0.04432816, -0.1599617, -0.5277355]);
    const excl = new nn.AvgPool3d(3, { stride: 2, padding: 1, countIncludePad: false })(x);
    expect(excl.shape).toEqual([1, 2, 2, 2, 3]);
    expectClose(excl, [
      -0.4521692, -0.2158148, 0.6315835, -0.04449837, -0.09769882, 0.5308416, -0.02396302, -0.1514492, 0.7942507, 0.104748, -0.06596977, 0.739944,
      0.06232475, 0.1631515, 0.3584479, 0.1158768, -0.07128022, 0.2268786, -0.3304563, -0.2027504, 0.2380729, 0.0449224, -0.06779382, 0.1708761,
    ]);
    const ceil = new nn.AvgPool3d(3, 2, 1, true)(x);
    expect(ceil.shape).toEqual([1, 2, 2, 3, 3]);
    expectClose(ceil, [
      -0.1339761, -0.09591766, 0.1871358, -0.01977705, -0.06513255, 0.2359296, -0.05065674, -0.07161305, 0.1356726,
      -0.007100154, -0.06731077, 0.2353335, 0.04655466, -0.04397984, 0.328864, -0.008514674, 0.1673157, 0.3340795,
      0.01846659, 0.0725118, 0.1062068, 0.0515008, -0.04752015, 0.1008349, 0.04384954, 0.02986395, 0.08497307,
      -0.09791298, -0.09011131, 0.07054013, 0.01996551, -0.04519588, 0.07594495, 0.08444518, 0.009118835, 0.01966269,
    ]);
    const div = new nn.AvgPool3d([1, 2, 3], { stride: 1, divisorOverride: 4 })(x);
    expect(div.shape).toEqual([1, 2, 3, 3, 3]);
    expectClose(div.sum(), -5.008899688720703, 1e-5, 1e-5);
    expectClose(div.flatten().narrow(0, 0, 4), [-1.067, -0.9864437, -0.7230065, -0.2403161]);
  });

  it('has exact first and second derivatives', () => {
    const a = det([1, 2, 5, 4, 6], 4, { requiresGrad: true });
    const f = (t: T) => F.avgPool3d(t, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false });
    expect(gc(f, [a])).toBe(true);
    expect(gc(vjpOf(f, a), [det([...f(a).shape], 9, { requiresGrad: true })])).toBe(true);
    const g = (t: T) => F.avgPool3d(t, [2, 1, 3], { stride: 1, divisorOverride: -3 });
    expect(gc(g, [a])).toBe(true);
  });
});

describe('adaptive 3-d pooling', () => {
  const x = seeded(0, [1, 2, 3, 4, 5]);

  it('keeps None sizes and gives PyTorch values', () => {
    const avg = new nn.AdaptiveAvgPool3d([2, 3, null])(x);
    expect(avg.shape).toEqual([1, 2, 2, 3, 5]);
    expectClose(avg.flatten().narrow(0, 0, 10), [-0.1051222, -0.7992162, -0.6309201, 0.7826921, 0.4804748, 0.3506983, -0.2562381, -0.6063707, 0.7452229, 0.2367749]);
    expectClose(avg.sum(), 3.651827812194824, 1e-5, 1e-5);
    const [mx, idx] = new nn.AdaptiveMaxPool3d([2, 1, 3], { returnIndices: true })(x);
    expectClose(mx, [0.9462984, 1.853006, 1.853006, 2.302205, 1.853006, 3.410503, 1.645867, 1.819725, 2.567233, 1.645867, 1.645867, 2.302516]);
    expect(values(idx)).toEqual([30, 23, 23, 45, 23, 59, 36, 2, 9, 36, 36, 29]);
  });

  it('is a mean for a 1x1x1 output, and has exact gradients', () => {
    const one = F.adaptiveAvgPool3d(x, 1);
    expect(one.shape).toEqual([1, 2, 1, 1, 1]);
    expectClose(one, values(x.mean([2, 3, 4])) as number[]);
    const a = det([2, 5, 4, 6], 5, { requiresGrad: true });
    expect(gc((t: T) => F.adaptiveAvgPool3d(t, [3, 3, 4]), [a])).toBe(true);
    expect(gc((t: T) => F.adaptiveMaxPool3d(t, [2, 3, 4]) as T, [a])).toBe(true);
    const h = (t: T) => F.adaptiveAvgPool3d(t, [7, 2, 3]);
    expect(gc(vjpOf(h, a), [det([...h(a).shape], 9, { requiresGrad: true })])).toBe(true);
  });
});

describe('1-d pooling modules', () => {
  const x = seeded(4, [2, 3, 5]);

  it('MaxPool1d, AvgPool1d, AdaptiveMaxPool1d, AdaptiveAvgPool1d give PyTorch values', () => {
    expectClose(new nn.MaxPool1d(2, 1, 1, 2)(x), [
      1.263247, -0.1837694, 1.263247, 0.1075022, 0.1505055, -2.602135, 0.6244575, -0.8683629, 0.6244575, -0.8683629, 0.669926, 0.3975608, 0.669926, 1.832851, 0.04669524,
      -0.4815389, 1.243448, 2.369332, 1.243448, 2.369332, 1.689244, -0.2345395, 1.689244, -0.6947865, -1.457985, -0.969386, 0.6402537, 0.8201234, 0.6402537, 0.8201234,
    ]);
    expectClose(new nn.AvgPool1d(3, 2, 1, true, false)(x), [
      0.1609151, 0.4099943, 0.1290038, -1.440084, -0.9486802, -0.5367091, 0.5337434, 0.2209714, 0.9397733, -0.9091528, 1.043747, 1.326138, 0.727352, -0.3485259, -1.076386,
      -1.143986, 0.1636637, -0.04749361,
    ]);
    expect(values(new nn.AdaptiveMaxPool1d(3, true)(x)[1])).toEqual([1, 1, 3, 0, 2, 4, 1, 1, 4, 1, 3, 3, 1, 1, 4, 1, 3, 3]);
    expectClose(new nn.AdaptiveAvgPool1d(2)(x), [0.0460203, 0.0247461, -0.7519034, -0.1496536, 0.3379266, 0.6086132, -0.1916193, 1.298575, 0.05928922, -1.143203, -0.5492392, 0.1817555]);
  });

  it('max_pool1d without indices may give a length-0 output where the indices path refuses it, as PyTorch', () => {
    expect(F.maxPool1d(x, 7).shape).toEqual([2, 3, 0]);
    expect(() => F.maxPool1d(x, 7, { returnIndices: true })).toThrow('Given input size: (3x1x5). Calculated output size: (3x1x0). Output size is too small');
  });
});

describe('LPPool', () => {
  const x = seeded(1, [1, 2, 4, 5]);

  it('gives PyTorch values', () => {
    expectClose(new nn.LPPool2d(2, 2)(x), [2.054594, 2.472746, 1.171282, 2.175427, 2.347248, 1.052766, 1.959759, 2.68783]);
    expectClose(new nn.LPPool2d(3, [2, 3], { stride: [1, 2], ceilMode: true })(x.abs()), [
      2.124252, 2.080501, 1.799734, 2.108991, 1.357453, 1.888874, 2.133958, 2.101445, 2.912578, 2.50807, 2.694655, 2.527883,
    ]);
    expectClose(new nn.LPPool1d(1.5, 3, 2)(x.index(0).abs()), [
      2.109117, 1.892002, 2.299255, 1.991065, 0.9433268, 1.795219, 1.666969, 1.547198, 1.29051, 2.455272, 2.344432, 1.248761, 3.163989, 2.521475, 2.155644, 1.602592,
    ]);
  });

  it('has exact gradients', () => {
    const a = det([1, 2, 4, 5], 6, { requiresGrad: true }).abs().add(0.1).detach().requiresGrad_(true);
    expect(gc((t: T) => F.lpPool2d(t, 2, [2, 3], { stride: 1 }), [a])).toBe(true);
    expect(gc((t: T) => F.lpPool1d(t, 3, 2), [a.index(0).detach().requiresGrad_(true)])).toBe(true);
  });

  it('reproduces PyTorch errors for norm_type 0 and a tuple 1-d kernel', () => {
    expect(() => F.lpPool2d(x, 0, 2)).toThrow(torch.ZeroDivisionError);
    expect(() => F.lpPool2d(x, 0, 2)).toThrow('float division by zero');
    expect(() => F.lpPool1d(x.index(0), 2, [3])).toThrow("mul(): argument 'other' (position 1) must be Tensor, not tuple");
  });
});

describe('MaxUnpool', () => {
  const x = seeded(1, [1, 2, 4, 5]);

  it('puts values back at their indices (output_size from the call)', () => {
    const [y, i] = F.maxPool2d(x, 2, { returnIndices: true, ceilMode: true });
    expect(values(i)).toEqual([5, 2, 9, 15, 13, 14, 6, 3, 9, 15, 12, 14]);
    const up = new nn.MaxUnpool2d(2)(y, i, [5, 5]);
    expect(up.shape).toEqual([1, 2, 5, 5]);
    expectClose(up, [
      0, 0, -0.6539809, 0, 0, -0.6091889, 0, 0, 0, 0.303722, 0, 0, 0, 1.687113, 0.2284252, 0.4676355, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0.8073083, 0, 0, 2.024202, 0, 0, -1.215007, 0, 0, 2.406978, 0, 0.2467529, 1.184327, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    expect(new nn.MaxUnpool2d(2)(y, i, { outputSize: [1, 2, 5, 5] }).equal(up)).toBe(true);
    const [y1, i1] = F.maxPool1d(x.index(0, 0), 2, { returnIndices: true });
    expectClose(new nn.MaxUnpool1d(2)(y1, i1), [0, -0.7502318, -0.6539809, 0, -0.6091889, 0, 0, -0.7121446, 0, -0.2514552, 0, 1.687113, 0.4676355, 0, 0, 0.6995424]);
  });

  it('inverts MaxPool3d and has a gather gradient', () => {
    const v = seeded(5, [2, 3, 4, 4, 6]);
    const [y, i] = new nn.MaxPool3d(2, { returnIndices: true })(v);
    const back = new nn.MaxUnpool3d(2)(y, i);
    expect(back.shape).toEqual([2, 3, 4, 4, 6]);
    expect(F.maxPool3d(back, 2).equal(y)).toBe(true);
    const a = det([2, 2, 2, 3], 2, { requiresGrad: true });
    const idx = torch.tensor([0, 3, 5, 6, 9, 10, 12, 17, 19, 20, 22, 23]).reshape([1, 2, 2, 3]).expand([2, 2, 2, 3]).contiguous();
    expect(gc((t: T) => F.maxUnpool2d(t, idx, 2, { outputSize: [4, 6] }), [a])).toBe(true);
  });

  it('reproduces PyTorch errors', () => {
    const [y, i] = F.maxPool2d(seeded(0, [2, 3, 4, 4]), 2, { returnIndices: true });
    expect(() => F.maxUnpool2d(y, i, 2, { outputSize: [6, 5] })).toThrow('invalid output_size "(6, 5)" (dim 0 must be between 2 and 6)');
    expect(() => F.maxUnpool2d(y, i, 2, { outputSize: [5] })).toThrow("output_size should be a sequence containing 2 or 4 elements, but it has a length of '1'");
    expect(() => F.maxUnpool2d(y, i.to(torch.int32), 2)).toThrow('elements in indices should be type int64 but got: Int');
    expect(() => F.maxUnpool2d(y, i.index(0), 2)).toThrow(
      'Expected shape of indices to be same as that of the input tensor ([2, 3, 2, 2]) but got indices tensor with shape: [3, 2, 2]');
    expect(() => F.maxUnpool2d(y.index(0, 0), i.index(0, 0), 2)).toThrow('Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with 2 dimensions.');
    const bad = torch.tensor([[[[0, 20], [30, 3]], [[40, 1], [2, 3]]]]);
    expect(() => F.maxUnpool2d(torch.ones(1, 2, 2, 2), bad, 2)).toThrow('Found an invalid max index: 40 (output volumes are of size 4x4');
    expect(() => F.maxUnpool2d(y.to(torch.int32), i, 2)).toThrow(`"max_unpool2d" not implemented for 'Int'`);
    const [y3, i3] = F.maxPool3d(seeded(0, [2, 3, 4, 4, 4]), 2, { returnIndices: true });
    expect(() => F.maxUnpool3d(y3, i3, 2, 0)).toThrow('strides should be greater than zero, but got stride: [0, 0, 0]');
    expect(() => F.maxUnpool3d(y3, i3, 2, { outputSize: [9, 8, 8] })).toThrow('invalid output_size "(9, 8, 8)" (dim 0 must be between 2 and 6)');
  });
});

describe('LocalResponseNorm / F.local_response_norm', () => {
  it('gives PyTorch values for 3-d and 5-d inputs', () => {
    expectClose(new nn.LocalResponseNorm(3, { alpha: 0.1, beta: 0.6, k: 2 })(seeded(2, [2, 5, 3])), [
      -0.6712533, 0.5910916, -0.8351108, -0.7080792, -0.785848, 0.7418413, -0.6809443, -0.07700707, -0.5859072, 0.2227806,
      -0.3735604, -0.1536821, 0.6573423, -0.4923317, -0.1548699, 0.06178593, -0.5013905, 1.15041, -0.1835168, -0.1781768,
      -0.810949, -0.01581738, 0.1291289, 0.3917814, 0.7489794, 0.2803816, -0.7642424, -0.4835793, -0.6084923, -0.554172,
    ]);
    expectClose(new nn.LocalResponseNorm(2, 0.5)(seeded(3, [1, 4, 2, 2, 1])), [
      -0.07655998, 0.3513826, -0.7028714, 0.0714592, 0.6139691, -0.2758969, 1.038737, -1.102456, -0.04775238, -0.2962594, 0.1690072, -0.152892, 0.791933,
      0.1993033, 0.5351888, 0.399741,
    ]);
  });

  it('has exact gradients and PyTorch errors', () => {
    const a = det([2, 5, 3, 2], 8, { requiresGrad: true });
    expect(gc((t: T) => F.localResponseNorm(t, 3, { alpha: 0.3, beta: 0.7, k: 1.5 }), [a])).toBe(true);
    expect(() => F.localResponseNorm(torch.ones(2, 2), 2)).toThrow(torch.ValueError);
    expect(() => F.localResponseNorm(torch.ones(2, 2), 2)).toThrow('Expected 3D or higher dimensionality                          input (got 2 dimensions)');
    const empty = torch.zeros(2, 3, 0);
    expect(F.localResponseNorm(empty, 2)).toBe(empty);
  });
});

describe('pooling argument checks (PyTorch 1.13 messages)', () => {
  const x = torch.zeros(2, 3, 4, 5, 6);
  const cases: [() => unknown, string][] = [
    [() => F.maxPool3d(x, 0), 'stride should not be zero'],
    [() => F.maxPool3d(x, 2, { dilation: 0 }), 'dilation should be greater than zero, but got dilationT: 0 dilationH: 0 dilationW: 0'],
    [() => F.maxPool3d(x.index(0, 0), 2), 'non-empty 4D or 5D (batch mode) tensor expected for input'],
    [() => F.maxPool3d(torch.zeros(2, 0, 3, 3, 3), 2),
      "max_pool3d_with_indices_out_cpu_template(): Expected input's non-batch dimensions to have positive length, but input has a shape of [2, 0, 3, 3, 3] and non-batch dimension 0 has length zero!"],
    [() => F.maxPool3d(x, 3, { padding: 2 }), 'pad should be at most half of kernel size, but got pad=2 and kernel_size=3'],
    [() => F.maxPool3d(x, 2, { padding: -1 }), 'pad must be non-negative, but got pad: -1'],
    [() => F.maxPool3d(x, 5), 'Given input size: (3x4x5x6). Calculated output size: (3x0x1x1). Output size is too small'],
    [() => F.maxPool3d(x, [2, 2]), 'max_pool3d: kernel_size must either be a single int, or a tuple of three ints'],
    [() => F.maxPool3d(x, 2, [1, 2]), 'max_pool3d: stride must either be omitted, a single int, or a tuple of three ints'],
    [() => F.maxPool3d(x.to(torch.int32), 2), `"max_pool3d_with_indices_cpu" not implemented for 'Int'`],
    [() => F.avgPool3d(x, 5), 'input image (T: 4 H: 5 W: 6) smaller than kernel size (kT: 5 kH: 5 kW: 5)'],
    [() => F.avgPool3d(x, [2, 2]), 'avg_pool3d: kernel_size must be a single int, or a tuple of three ints'],
    [() => F.avgPool3d(x, 2, { divisorOverride: 0 }), 'divisor must be not zero'],
    [() => F.avgPool3d(x, -1), 'kernel size should be greater than zero, but got kT: -1 kH: -1 kW: -1'],
    [() => F.adaptiveAvgPool3d(x, [2, 2]), 'adaptive_avg_pool3d: output_size must be 3'],
    [() => F.adaptiveAvgPool3d(x.index(0, 0), 2), 'adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got [4, 5, 6]'],
    [() => F.adaptiveMaxPool3d(x.index(0, 0), 2), 'adaptive_max_pool3d(): Expected 4D or 5D tensor, but got: [4, 5, 6]'],
    [() => F.adaptiveAvgPool3d(x, -1), 'adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {-1, -1,-1}'],
    [() => F.adaptiveMaxPool3d(x, -1), 'Trying to create tensor with negative dimension -1: [2, 3, -1, -1, -1]'],
    [() => F.adaptiveAvgPool3d(x.index(0), [null, 2, 3, 4]), 'Input dimension should be at least 5'],
    [() => F.maxPool2d(x.index(0), 2, { padding: -1 }), 'pad must be non-negative, but got pad: -1'],
    [() => F.maxPool2d(x.index(0, 0, 0), 2), 'non-empty 3D or 4D (batch mode) tensor expected for input'],
    [() => F.avgPool2d(x.index(0, 0, 0), 2), 'Dimension out of range (expected to be in range of [-2, 1], but got -3)'],
    [() => F.maxPool1d(x.index(0, 0), 0), 'max_pool1d() kernel_size must be greater than zero, but got 0'],
    [() => F.maxPool1d(x.index(0, 0), 2, { padding: -1 }), 'max_pool1d() padding must be non-negative, but got -1'],
    [() => F.avgPool1d(x.index(0, 0), [2, 2]), "avg_pool1d() argument 'kernel_size' should contain one int (got 2)"],
    [() => F.adaptiveAvgPool1d(x.index(0, 0, 0, 0), 2),
      "Expected 2 to 3 dimensions, but got 1-dimensional tensor for argument #1 'self' (while checking arguments for adaptive_avg_pool1d)"],
  ];
  it.each(cases.map(([f, m], n) => [n, f, m] as const))('case %i', (_n, f, message) => {
    expect(f).toThrow(message);
  });

  it('module constructors keep arguments unchecked, as PyTorch; forward checks them', () => {
    const m = new nn.MaxPool3d([2, 2]);
    expect(() => m(x)).toThrow('max_pool3d: kernel_size must either be a single int, or a tuple of three ints');
    expect(() => new nn.MaxPool2d(2, { strides: 1 } as never)).toThrow("got an unexpected keyword argument 'strides'");
  });
});

describe('pooling modules: arguments, reprs (PyTorch 1.13 strings)', () => {
  it('prints as PyTorch', () => {
    const reprs: [torch.nn.Module, string][] = [
      [new nn.MaxPool2d(3, { stride: 2, padding: 1 }), 'MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)'],
      [new nn.MaxPool1d(2), 'MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)'],
      [new nn.MaxPool3d([2, 2, 1], null, 0, 1, true, true), 'MaxPool3d(kernel_size=(2, 2, 1), stride=(2, 2, 1), padding=0, dilation=1, ceil_mode=True)'],
      [new nn.MaxUnpool2d(2), 'MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))'],
      [new nn.MaxUnpool1d(3, 2), 'MaxUnpool1d(kernel_size=(3,), stride=(2,), padding=(0,))'],
      [new nn.MaxUnpool3d(2, { padding: 1 }), 'MaxUnpool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(1, 1, 1))'],
      [new nn.AvgPool1d(3), 'AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))'],
      [new nn.AvgPool2d(2, { divisorOverride: 3 }), 'AvgPool2d(kernel_size=2, stride=2, padding=0)'],
      [new nn.AvgPool3d([1, 2, 2]), 'AvgPool3d(kernel_size=(1, 2, 2), stride=(1, 2, 2), padding=0)'],
      [new nn.LPPool1d(2, 3), 'LPPool1d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)'],
      [new nn.LPPool2d(1.5, [2, 2], 1), 'LPPool2d(norm_type=1.5, kernel_size=(2, 2), stride=1, ceil_mode=False)'],
      [new nn.AdaptiveMaxPool1d(5), 'AdaptiveMaxPool1d(output_size=5)'],
      [new nn.AdaptiveMaxPool2d([null, 7], true), 'AdaptiveMaxPool2d(output_size=(None, 7))'],
      [new nn.AdaptiveMaxPool3d(2), 'AdaptiveMaxPool3d(output_size=2)'],
      [new nn.AdaptiveAvgPool1d(3), 'AdaptiveAvgPool1d(output_size=3)'],
      [new nn.AdaptiveAvgPool2d([5, null]), 'AdaptiveAvgPool2d(output_size=(5, None))'],
      [new nn.AdaptiveAvgPool3d({ outputSize: 1 }), 'AdaptiveAvgPool3d(output_size=1)'],
      [new nn.LocalResponseNorm(2), 'LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)'],
    ];
    for (const [m, s] of reprs) expect(String(m)).toBe(s);
  });

  it('stores PyTorch attributes (stride defaults to kernel_size; unpool and AvgPool1d as tuples)', () => {
    const m = new nn.MaxPool2d([2, 3]);
    expect([m.kernelSize, m.stride, m.padding, m.dilation, m.returnIndices, m.ceilMode]).toEqual([[2, 3], [2, 3], 0, 1, false, false]);
    const u = new nn.MaxUnpool3d(2, 1);
    expect([u.kernelSize, u.stride, u.padding]).toEqual([[2, 2, 2], [1, 1, 1], [0, 0, 0]]);
    const lp = new nn.LPPool2d(2, 3);
    expect([lp.normType, lp.kernelSize, lp.stride, lp.ceilMode]).toEqual([2, 3, null, false]);
    expect(new nn.AdaptiveMaxPool2d(3).parameters()).toEqual([]);
  });
});

describe('pooling memory', () => {
  it('frees every temporary of forward and backward', () => {
    const x = seeded(0, [2, 3, 4, 5, 6]).requiresGrad_(true);
    const mods = [new nn.MaxPool3d(2, { returnIndices: true }), new nn.AvgPool3d(3, 2, 1), new nn.AdaptiveMaxPool3d([2, 3, 2]), new nn.AdaptiveAvgPool3d([3, 2, 4]),
      new nn.LocalResponseNorm(2)];
    const warm = (): void => {
      torch.tidy(() => {
        for (const m of mods) {
          const out = m(x);
          (Array.isArray(out) ? out[0] : out).sum().backward();
        }
      });
      x.grad!.dispose();
      x.grad = null;
    };
    warm();
    expectNoLeak(() => {
      for (let i = 0; i < 5; i++) warm();
    });
  });

  it('warns nothing', () => {
    const spy = vi.spyOn(console, 'warn');
    new nn.MaxPool2d(2)(torch.zeros(1, 1, 4, 4));
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});
