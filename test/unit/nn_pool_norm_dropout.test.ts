// Dropout modules and functional forms: masks bit-identical to PyTorch 1.13's after
// manualSeed (values recorded from it), eval mode as the identity, PyTorch's unbatched
// forms and warnings, in-place variants, gradients, reprs, errors.
import { describe, it, expect, vi, afterEach } from 'vitest';
import { torch, values } from '../helpers.js';

const nn = torch.nn;
const F = torch.nn.functional;
const x = (): torch.Tensor => torch.arange(1, 13, { dtype: torch.float32 }).reshape([2, 3, 2]);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('dropout masks (PyTorch 1.13 values after manual_seed(7))', () => {
  const cases: [string, () => torch.nn.Module, number[], number[]][] = [
    ['Dropout', () => new nn.Dropout(0.4), [2, 3, 2], [1.666667, 3.333333, 0, 0, 0, 0, 11.66667, 13.33333, 0, 0, 18.33333, 20]],
    ['Dropout1d', () => new nn.Dropout1d(0.5), [2, 3, 2], [2, 4, 6, 8, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['Dropout2d', () => new nn.Dropout2d(0.5), [2, 3, 2, 1], [2, 4, 6, 8, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['Dropout3d', () => new nn.Dropout3d(0.5), [2, 3, 2, 1, 1], [2, 4, 6, 8, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['AlphaDropout', () => new nn.AlphaDropout(0.3), [2, 3, 2],
      [1.315045, 2.175997, -1.059548, 3.897902, -1.059548, -1.059548, 6.480761, 7.341713, -1.059548, -1.059548, 9.924571, 10.78552]],
    ['FeatureAlphaDropout', () => new nn.FeatureAlphaDropout(0.3), [2, 3, 2],
      [1.315045, 2.175997, 3.03695, 3.897902, -1.059548, -1.059548, 6.480761, 7.341713, -1.059548, -1.059548, -1.059548, -1.059548]],
  ];
  it.each(cases)('%s in training mode', (_name, make, shape, want) => {
    const m = make();
    torch.manualSeed(7);
    const y = m(x().reshape(shape));
    const got = values(y) as number[];
    want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-5 * (1 + Math.abs(v))));
    expect(m.eval()(x().reshape(shape)).equal(x().reshape(shape))).toBe(true);
  });

  it('unbatched inputs of Dropout1d and Dropout3d draw one value per channel', () => {
    torch.manualSeed(7);
    expect(values(new nn.Dropout1d(0.5)(torch.arange(1, 13, { dtype: torch.float32 }).reshape([3, 4])))).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 0, 0, 0, 0]);
    torch.manualSeed(7);
    expect(values(new nn.Dropout3d(0.5)(torch.arange(1, 25, { dtype: torch.float32 }).reshape([3, 2, 2, 2])))).toEqual([
      2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });

  it('the same mask for float32 and float64, and for several seeds the float32 masks of torch.bernoulli', () => {
    for (const seed of [0, 1, 123]) {
      torch.manualSeed(seed);
      const a = F.dropout(torch.ones(50), 0.3);
      torch.manualSeed(seed);
      const b = F.dropout(torch.ones(50, { dtype: torch.float64 }), 0.3);
      torch.manualSeed(seed);
      const mask = torch.ones(50).bernoulli_(0.7);
      expect(a.ne(0).equal(mask.ne(0))).toBe(true);
      expect(b.ne(0).equal(mask.ne(0))).toBe(true);
    }
  });

  it('gradient is the mask scaled by 1 / (1 - p)', () => {
    torch.manualSeed(0);
    const a = torch.randn(3, 4).requiresGrad_(true);
    torch.manualSeed(8);
    new nn.Dropout(0.25)(a).sum().backward();
    const got = values(a.grad!) as number[];
    [0, 1.333333, 1.333333, 1.333333, 1.333333, 1.333333, 1.333333, 1.333333, 1.333333, 1.333333, 1.333333, 0].forEach((v, i) =>
      expect(Math.abs(got[i] - v)).toBeLessThan(1e-5));
  });
});

describe('dropout behaviour', () => {
  it('is the identity (the same tensor) in eval mode, with p = 0 and on empty inputs; p = 1 zeroes', () => {
    const t = x();
    expect(new nn.Dropout(0.5).eval()(t)).toBe(t);
    expect(new nn.Dropout(0)(t)).toBe(t);
    const e = torch.zeros(0, 3);
    expect(F.dropout(e, 0.5)).toBe(e);
    expect(values(new nn.Dropout(1)(t))).toEqual(new Array(12).fill(0));
    expect(F.alphaDropout(t, 0.5)).toBe(t); // training defaults to False in the alpha forms
  });

  it('in place: the input is changed and returned', () => {
    const t = x();
    torch.manualSeed(7);
    const y = new nn.Dropout1d(0.5, true)(t);
    expect(y).toBe(t);
    expect(values(t)).toEqual([2, 4, 6, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
    const u = torch.arange(1, 13, { dtype: torch.float32 }).reshape([3, 4]);
    torch.manualSeed(7);
    expect(F.dropout1d(u, 0.5, true, true)).toBe(u);
    expect(u.shape).toEqual([3, 4]);
    expect(values(u)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 0, 0, 0, 0]);
  });

  it("warns as PyTorch 1.13 for dropout2d's 3-d and other-rank inputs", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    torch.manualSeed(7);
    expect(values(F.dropout2d(x(), 0.5))).toEqual([2, 4, 6, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(warn).toHaveBeenCalledWith(
      'UserWarning: dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.',
    );
    F.dropout3d(torch.ones(2, 3), 0.5, false);
    expect(warn).toHaveBeenCalledWith(
      'UserWarning: dropout3d: Received a 2-D input to dropout3d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).',
    );
  });

  it('reproduces PyTorch errors', () => {
    expect(() => new nn.Dropout(1.5)).toThrow('dropout probability has to be between 0 and 1, but got 1.5');
    expect(() => new nn.AlphaDropout(-0.1)).toThrow(torch.ValueError);
    expect(() => F.dropout1d(torch.ones(2, 3, 4, 5))).toThrow(
      'dropout1d: Expected 2D or 3D input, but received a 4D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).');
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(() => F.dropout2d(torch.ones(4), 0.5)).toThrow('Feature dropout requires at least 2 dimensions in the input');
    expect(() => F.featureAlphaDropout(torch.ones(4), 0.5, true)).toThrow('Feature dropout requires at least 2 dimensions in the input');
  });

  it('prints as PyTorch and has no parameters', () => {
    expect(String(new nn.Dropout())).toBe('Dropout(p=0.5, inplace=False)');
    expect(String(new nn.Dropout2d({ p: 0.3, inplace: true }))).toBe('Dropout2d(p=0.3, inplace=True)');
    expect(String(new nn.FeatureAlphaDropout(0.2))).toBe('FeatureAlphaDropout(p=0.2, inplace=False)');
    const m = new nn.Dropout3d(0.1);
    expect([m.p, m.inplace, m.parameters().length, Object.keys(m.stateDict()).length]).toEqual([0.1, false, 0, 0]);
  });

  it('frees its mask', () => {
    const t = x();
    const m = new nn.AlphaDropout(0.3);
    torch.tidy(() => m(t));
    const before = torch.memory().bytesInUse;
    for (let i = 0; i < 20; i++) m(t).dispose();
    expect(torch.memory().bytesInUse).toBe(before);
  });
});
