// Shape and resampling modules: Flatten, Unflatten, PixelShuffle, PixelUnshuffle,
// ChannelShuffle, Upsample, UpsamplingNearest2d, UpsamplingBilinear2d against
// PyTorch 1.13 (values and gradients for the same det() inputs), reprs, errors.
import { describe, it, expect } from 'vitest';
import { torch, expectClose, values } from '../helpers.js';
import { det } from './nn_helpers.js';

const nn = torch.nn;
const close = (t: torch.Tensor, want: number[]): void => expectClose(t, want, 1e-8, 1e-9);

function check(m: torch.nn.Module, shape: number[], seed: number, outShape: number[], out: number[], grad: number[]): void {
  const x = det(shape, seed, { requiresGrad: true });
  const y = m(x) as torch.Tensor;
  expect(y.shape).toEqual(outShape);
  close(y, out);
  y.backward(det(outShape, seed + 1));
  close(x.grad!, grad);
}

describe('nn.Flatten / nn.Unflatten', () => {
  it('reshape as PyTorch, as views, with gradients', () => {
    const x = det([2, 3, 4, 5], 1, { requiresGrad: true });
    expect(new nn.Flatten()(x).shape).toEqual([2, 60]);
    expect(new nn.Flatten(0, 2)(x).shape).toEqual([24, 5]);
    expect(new nn.Flatten({ startDim: -2 })(x).shape).toEqual([2, 3, 20]);
    const u = new nn.Unflatten(1, [2, -1]);
    const y = u(det([2, 6], 2, { requiresGrad: true }));
    expect(y.shape).toEqual([2, 2, 3]);
    const z = new nn.Flatten()(x);
    z.sum().backward();
    expect(values(x.grad!).every((v) => v === 1)).toBe(true);
  });

  it('print and check their arguments as PyTorch', () => {
    expect(String(new nn.Flatten())).toBe('Flatten(start_dim=1, end_dim=-1)');
    expect(String(new nn.Unflatten(1, [2, 3]))).toBe('Unflatten(dim=1, unflattened_size=(2, 3))');
    expect(() => new nn.Unflatten(1, 5 as never)).toThrow('unflattened_size must be a tuple of ints, but found type int');
    expect(() => new nn.Unflatten(1, [2, 2.5])).toThrow('unflattened_size must be tuple of ints, but found element of type float at pos 1');
    expect(() => new nn.Unflatten(1.5, [2, 2])).toThrow('invalid argument type for dim parameter');
    expect(() => new nn.Unflatten('c' as never, [2, 2])).toThrow(torch.NotImplementedError);
    expect(() => new nn.Unflatten(1, [2, 2])(torch.zeros(2, 5))).toThrow(torch.RuntimeError);
    expect(() => new nn.Flatten(2, 1)(torch.zeros(2, 5, 3))).toThrow('flatten() has invalid args: start_dim cannot come after end_dim');
  });
});

describe('nn.PixelShuffle / PixelUnshuffle / ChannelShuffle', () => {
  it('rearrange as PyTorch and invert each other', () => {
    const x = det([1, 8, 2, 3], 3, { requiresGrad: true });
    const y = new nn.PixelShuffle(2)(x);
    expect(y.shape).toEqual([1, 2, 4, 6]);
    expect(values(new nn.PixelUnshuffle(2)(y))).toEqual(values(x));
    expect(values(new nn.ChannelShuffle(3)(torch.arange(12).view(1, 6, 2)))).toEqual([0, 1, 4, 5, 8, 9, 2, 3, 6, 7, 10, 11]);
    expect(values(new nn.ChannelShuffle(2)(torch.arange(24).view(2, 4, 3)))).toEqual(
      [0, 1, 2, 6, 7, 8, 3, 4, 5, 9, 10, 11, 12, 13, 14, 18, 19, 20, 15, 16, 17, 21, 22, 23]);
  });

  it('ChannelShuffle returns a new tensor with the inverse shuffle as gradient', () => {
    const x = det([2, 6, 3], 4, { requiresGrad: true });
    const y = new nn.ChannelShuffle(2)(x);
    y.backward(torch.arange(36, { dtype: torch.float64 }).view(2, 6, 3));
    // the gradient is the output gradient shuffled back: channel 1 of x is channel 2 of the output
    expect(values(x.grad!.select(1, 1).select(0, 0))).toEqual([6, 7, 8]);
    const one = torch.arange(4, { dtype: torch.float64 }).view(1, 4, 1);
    const same = new nn.ChannelShuffle(1)(one);
    same.mul_(0);
    expect(values(one)).toEqual([0, 1, 2, 3]);
    expect(torch.autograd.gradcheck((a: torch.Tensor) => torch.nn.functional.channelShuffle(a, 3), [det([1, 6, 2], 5, { requiresGrad: true })])).toBe(true);
  });

  it('print and check as PyTorch', () => {
    expect(String(new nn.PixelShuffle(2))).toBe('PixelShuffle(upscale_factor=2)');
    expect(String(new nn.PixelUnshuffle(3))).toBe('PixelUnshuffle(downscale_factor=3)');
    expect(String(new nn.ChannelShuffle(2))).toBe('ChannelShuffle(groups=2)');
    expect(() => new nn.PixelShuffle(2)(torch.zeros(1, 3, 2, 2))).toThrow(
      "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=3 is not divisible by 4");
    expect(() => new nn.ChannelShuffle(2)(torch.zeros(1, 5, 2, 2))).toThrow('Number of channels must be divisible by groups. Got 5 channels and 2 groups.');
    expect(() => new nn.ChannelShuffle(0)(torch.zeros(1, 4, 2, 2))).toThrow('Number of groups to divide channels in must be positive. Value of groups:0');
    expect(() => new nn.ChannelShuffle(2)(torch.zeros(2, 4))).toThrow('channel_shuffle expects input with > 2 dims, but got input with sizes [2, 4]');
  });
});

describe('nn.Upsample / UpsamplingNearest2d / UpsamplingBilinear2d', () => {
  it('match PyTorch values and gradients', () => {
    check(new nn.UpsamplingBilinear2d({ scaleFactor: 2 }), [1, 1, 2, 3], 15, [1, 1, 4, 6], [
      0.1376495361, -0.08151092529, -0.3006713867, -0.3525436401, -0.2371276855, -0.121711731, -0.110370636, -0.09738794168,
      -0.08440524737, -0.06624126434, -0.0428959926, -0.01955072085, -0.3583908081, -0.1132649581, 0.131860892, 0.2200611115,
      0.1513357004, 0.08261028926, -0.6064109802, -0.1291419744, 0.3481270313, 0.5063634872, 0.3455673933, 0.1847712994,
    ], [-0.6391028961, -0.2602825244, -0.9205949227, -0.2438438574, -0.2121834944, -1.062986637]);
    check(new nn.UpsamplingNearest2d([3, 4]), [1, 1, 2, 3], 17, [1, 1, 3, 4], [
      0.7812957764, 0.7812957764, 0.07531356812, 0.5705184937, 0.7812957764, 0.7812957764, 0.07531356812, 0.5705184937,
      -0.7001914978, -0.7001914978, -0.2446898818, -0.8653080463,
    ], [0.5958176255, 1.850836515, 0.7759931087, -0.494790554, -0.7973071933, -0.7318204641]);
    check(new nn.Upsample({ scaleFactor: 1.5, mode: 'linear', alignCorners: false, recomputeScaleFactor: true }), [1, 2, 3], 19,
      [1, 2, 4], [-0.5750579834, 0.1349025145, -0.01043217629, -0.9626171589, 0.06656246632, 0.2328707175, -0.06992280483, -0.7408869267], [1.048138142, 0.2578282356, 0.01246166229, 0.4274849892, 0.3134274483, -0.6552114487]);
  });

  it('keep scale factors as floats and print as PyTorch', () => {
    expect(String(new nn.Upsample({ scaleFactor: 2 }))).toBe('Upsample(scale_factor=2.0, mode=nearest)');
    expect(String(new nn.Upsample({ size: [3, 4], mode: 'bilinear' }))).toBe('Upsample(size=(3, 4), mode=bilinear)');
    expect(String(new nn.Upsample({ scaleFactor: 0 }))).toBe('Upsample(size=None, mode=nearest)');
    expect(String(new nn.UpsamplingBilinear2d({ scaleFactor: [2, 3] }))).toBe('UpsamplingBilinear2d(scale_factor=(2.0, 3.0), mode=bilinear)');
    expect(String(new nn.UpsamplingNearest2d({ size: 5 }))).toBe('UpsamplingNearest2d(size=5, mode=nearest)');
    const m = new nn.UpsamplingBilinear2d(null, 2);
    expect([m.name, m.mode, m.alignCorners, m.scaleFactor]).toEqual(['UpsamplingBilinear2d', 'bilinear', true, 2]);
    expect(() => new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' })(torch.zeros(1, 2, 3))).toThrow('Got 3D input, but bilinear mode needs 4D input');
  });
});
