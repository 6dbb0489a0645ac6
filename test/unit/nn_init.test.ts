// torch.nn.init against PyTorch 1.13: exact streams after manualSeed, bounds and
// statistics, identities, errors and warnings, no graph, no leaks.
import { describe, it, expect, vi, afterEach } from 'vitest';
import { torch, values, expectClose, expectNoLeak } from '../helpers.js';
import { expected } from './nn_init_expected.js';

const { init } = torch.nn;

/** Seeds the default generator, fills a new tensor of `shape` with `fill`, returns its values. */
function seeded(seed: number, shape: number[], fill: (t: torch.Tensor) => unknown, dtype = torch.float32): number[] {
  torch.manualSeed(seed);
  const t = torch.empty(shape, { dtype });
  fill(t);
  return values(t) as number[];
}

/** The values the next draws of the default generator give (where the stream stopped). */
const nextRand = (): number[] => values(torch.rand(3)) as number[];

afterEach(() => vi.restoreAllMocks());

describe('nn.init: the exact streams of PyTorch 1.13', () => {
  it('uniform_ and normal_ (both normal paths: < 16 and >= 16 elements)', () => {
    expect(seeded(0, [3, 4], (t) => init.uniform_(t, -0.5, 0.5))).toEqual(expected.uniform);
    expect(seeded(0, [3, 4], (t) => init.uniform_(t, { a: -0.5, b: 0.5 }))).toEqual(expected.uniform);
    expect(seeded(1, [3, 4], (t) => init.normal_(t, 1, 2))).toEqual(expected.normal_small);
    expect(seeded(1, [5, 4], (t) => init.normal_(t, { std: 2, mean: 1 }))).toEqual(expected.normal_big);
  });

  it('xavier and kaiming, every mode and nonlinearity', () => {
    expect(seeded(3, [4, 6], (t) => init.xavierUniform_(t, { gain: 2 }))).toEqual(expected.xavier_uniform);
    expect(seeded(4, [4, 6, 3], (t) => init.xavierNormal_(t))).toEqual(expected.xavier_normal);
    expect(seeded(5, [8, 3, 2], (t) => init.kaimingUniform_(t, { mode: 'fan_out', nonlinearity: 'relu' }))).toEqual(
      expected.kaiming_uniform,
    );
    expect(seeded(6, [4, 5], (t) => init.kaimingNormal_(t, 0.2))).toEqual(expected.kaiming_normal);
    // mode is case-insensitive; float64 draws the double stream
    expect(seeded(6, [4, 5], (t) => init.kaimingNormal_(t, { mode: 'FAN_OUT', nonlinearity: 'selu' }), torch.float64)).toEqual(
      expected.kaiming_normal_selu,
    );
  });

  it('kaiming and xavier are uniform_ / normal_ with the documented bounds', () => {
    // Conv2d(4, 8, 3)'s default: kaiming_uniform_(a=sqrt(5)) is U(-b, b), b = gain * sqrt(3 / fan_in)
    const fanIn = 4 * 3 * 3;
    const bound = Math.sqrt(2 / (1 + 5)) * Math.sqrt(3 / fanIn);
    expect(seeded(11, [8, 4, 3, 3], (t) => init.kaimingUniform_(t, { a: Math.sqrt(5) }))).toEqual(
      seeded(11, [8, 4, 3, 3], (t) => t.uniform_(-bound, bound)),
    );
    const std = Math.sqrt(2) / Math.sqrt(5); // fan_out = size(0)
    expect(seeded(12, [5, 7], (t) => init.kaimingNormal_(t, { mode: 'fan_out', nonlinearity: 'relu' }))).toEqual(
      seeded(12, [5, 7], (t) => t.normal_(0, std)),
    );
    const xstd = 1.5 * Math.sqrt(2 / (6 * 4 + 3 * 4));
    expect(seeded(13, [3, 6, 4], (t) => init.xavierNormal_(t, 1.5))).toEqual(seeded(13, [3, 6, 4], (t) => t.normal_(0, xstd)));
  });

  it('trunc_normal_: the same draws and bounds (erfinv within one ulp of PyTorch)', () => {
    const t32 = torch.empty([20]);
    torch.manualSeed(2);
    init.truncNormal_(t32, 0.5, 2, -1, 3);
    expectClose(t32, expected.trunc32, 0, 2.5e-7);
    const t64 = torch.empty([20], { dtype: torch.float64 });
    torch.manualSeed(2);
    init.truncNormal_(t64, { mean: 0.5, std: 2, a: -1, b: 3 });
    expectClose(t64, expected.trunc64, 0, 5e-16);
    const d = torch.empty([7], { dtype: torch.float64 });
    torch.manualSeed(3);
    init.truncNormal_(d);
    expectClose(d, expected.trunc64_default, 0, 5e-15);
  });

  it('orthogonal_: normal_ then QR (to float rounding of the factorisation)', () => {
    const wide = torch.empty(3, 5);
    torch.manualSeed(7);
    init.orthogonal_(wide);
    expectClose(wide, expected.orthogonal_wide, 1e-5, 1e-6);
    const tall = torch.empty(6, 2, 2);
    torch.manualSeed(7);
    init.orthogonal_(tall, 2);
    expectClose(tall, expected.orthogonal_tall, 1e-5, 1e-6);
    const sq = torch.empty([4, 4], { dtype: torch.float64 });
    torch.manualSeed(7);
    init.orthogonal_(sq, { gain: 1 });
    expectClose(sq, expected.orthogonal64, 1e-12, 1e-14);
    // rows orthonormal (rows < cols), columns orthonormal times gain^2 (rows > cols)
    expectClose(wide.matmul(wide.t()), values(torch.eye(3)) as number[], 0, 1e-6);
    const flat = tall.view(6, 4);
    expectClose(flat.t().matmul(flat), values(torch.eye(4).mul(4)) as number[], 0, 1e-5);
    // the stream continues where PyTorch's does: one normal_ of rows * cols values
    torch.manualSeed(9);
    init.orthogonal_(torch.empty(2, 3));
    expect(nextRand()).toEqual(expected.after_orthogonal);
  });

  it('sparse_: normal_ then one randperm per column', () => {
    expect(seeded(8, [10, 4], (t) => init.sparse_(t, 0.3, 0.5))).toEqual(expected.sparse);
    // a negative count slices from the end, as Python's row_indices[:num_zeros] does
    expect(seeded(8, [4, 3], (t) => init.sparse_(t, { sparsity: -0.25 }))).toEqual(expected.sparse_neg);
    torch.manualSeed(9);
    init.sparse_(torch.empty(5, 3), 0.5);
    expect(nextRand()).toEqual(expected.after_sparse);
    const w = init.sparse_(torch.empty(10, 6), 0.25);
    // ceil(0.25 * 10) = 3 zeros in each column
    const zeros = values(w.eq(0).sum({ dim: 0 }));
    expect(zeros).toEqual([3, 3, 3, 3, 3, 3]);
  });
});

describe('nn.init: deterministic fills', () => {
  it('constant_, ones_, zeros_ (any dtype)', () => {
    expect(values(init.constant_(torch.empty(2, 2), 0.5))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(values(init.constant_(torch.empty([3], { dtype: torch.int64 }), { val: 7 }))).toEqual([7, 7, 7]);
    expect(values(init.ones_(torch.empty(2)))).toEqual([1, 1]);
    expect(values(init.zeros_(torch.ones(2)))).toEqual([0, 0]);
    // a non-contiguous view is filled in place
    const base = torch.zeros(3, 4);
    init.ones_(base.t().narrow(0, 1, 2));
    expect(values(base.sum({ dim: 0 }))).toEqual([0, 3, 3, 0]);
  });

  it('eye_ on wide and tall matrices', () => {
    expect(values(init.eye_(torch.empty(2, 3)))).toEqual([1, 0, 0, 0, 1, 0]);
    expect(values(init.eye_(torch.empty(4, 2)))).toEqual([1, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('dirac_ in 3, 4 and 5 dims, with groups', () => {
    const d3 = init.dirac_(torch.empty(4, 2, 3), { groups: 2 });
    // group g, channel d: weight[g * 2 + d, d, 1] = 1
    const want3 = new Array(24).fill(0);
    for (const [o, i] of [[0, 0], [1, 1], [2, 0], [3, 1]]) want3[o * 6 + i * 3 + 1] = 1;
    expect(values(d3)).toEqual(want3);
    // 4-D, 2 groups of 2 output channels, 3 input channels: centre (1, 1) of a 3x3 kernel
    const d4 = init.dirac_(torch.empty(4, 3, 3, 3), 2);
    const want4 = new Array(4 * 27).fill(0);
    for (const [o, i] of [[0, 0], [1, 1], [2, 0], [3, 1]]) want4[o * 27 + i * 9 + 4] = 1;
    expect(values(d4)).toEqual(want4);
    // 5-D: min(2, 3) = 2 channels, centre (1, 0, 1) of a 3x1x2 kernel
    const d5 = init.dirac_(torch.empty(2, 3, 3, 1, 2));
    const want5 = new Array(36).fill(0);
    for (const o of [0, 1]) want5[o * 18 + o * 6 + 1 * 2 + 1] = 1;
    expect(values(d5)).toEqual(want5);
    // a conv with a dirac weight is the identity on the first channels
    const x = torch.randn(1, 2, 5);
    const y = torch.conv1d(x, init.dirac_(torch.empty(2, 2, 3)), null, 1, 1);
    expect(values(y)).toEqual(values(x));
  });

  it('calculateGain for every nonlinearity', () => {
    const names = ['linear', 'conv1d', 'conv_transpose3d', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu'];
    expect(names.map((n) => init.calculateGain(n))).toEqual([1, 1, 1, 1, 1.6666666666666667, 1.4142135623730951, 1.4141428569978354, 0.75]);
    expect(init.calculateGain('leaky_relu', 0.2)).toBe(1.3867504905630728);
    expect(init.calculateGain('leaky_relu', { param: 3 })).toBe(0.4472135954999579);
    // param is ignored by the other nonlinearities
    expect(init.calculateGain('relu', 'anything')).toBe(Math.SQRT2);
  });

  it('fans of linear and convolution weights', () => {
    expect(init._calculateFanInAndFanOut(torch.empty(8, 3, 5, 5))).toEqual([75, 200]);
    expect(init._calculateFanInAndFanOut(torch.empty(4, 6))).toEqual([6, 4]);
  });
});

describe('nn.init: errors and warnings as PyTorch', () => {
  it('raises ValueError with PyTorch messages', () => {
    const fans = 'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions';
    expect(() => init._calculateFanInAndFanOut(torch.empty(3))).toThrow(fans);
    expect(() => init.xavierUniform_(torch.empty(3))).toThrow(torch.ValueError);
    expect(() => init.kaimingUniform_(torch.empty(3))).toThrow(fans);
    expect(() => init.kaimingNormal_(torch.empty(3, 3), { mode: 'Fan_Avg' })).toThrow(
      "Mode fan_avg not supported, please use one of ['fan_in', 'fan_out']",
    );
    expect(() => init.calculateGain('foo')).toThrow('Unsupported nonlinearity foo');
    expect(() => init.calculateGain('leaky_relu', true)).toThrow('negative_slope True not a valid number');
    expect(() => init.calculateGain('leaky_relu', 'x')).toThrow("negative_slope 'x' not a valid number");
    expect(() => init.kaimingUniform_(torch.empty(2, 2), { a: false })).toThrow('negative_slope False not a valid number');
    expect(() => init.eye_(torch.empty(2))).toThrow('Only tensors with 2 dimensions are supported');
    expect(() => init.sparse_(torch.empty(2, 2, 2), 0.1)).toThrow('Only tensors with 2 dimensions are supported');
    expect(() => init.orthogonal_(torch.empty(3))).toThrow('Only tensors with 2 or more dimensions are supported');
    expect(() => init.dirac_(torch.empty(3, 3))).toThrow('Only tensors with 3, 4, or 5 dimensions are supported');
    expect(() => init.dirac_(torch.empty(3, 2, 3), { groups: 2 })).toThrow('dim 0 must be divisible by groups');
    expect(() => init.calculateGain('foo')).toThrow(torch.ValueError);
  });

  it('raises TypeError on bad arguments (1.13 takes no generator)', () => {
    expect(() => init.uniform_(3 as unknown as torch.Tensor)).toThrow(TypeError);
    expect(() => init.uniform_(torch.empty(2), { generator: new torch.Generator() })).toThrow(
      "uniform_() got an unexpected keyword argument 'generator'",
    );
    expect(() => init.sparse_(torch.empty(2, 2))).toThrow("missing required argument 'sparsity'");
    expect(() => init.normal_(torch.empty(2), 'a')).toThrow(TypeError);
  });

  it('warns, and leaves zero-element tensors and the stream alone', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    torch.manualSeed(0);
    const e = torch.empty(0, 3);
    expect(init.kaimingUniform_(e)).toBe(e);
    expect(warn).toHaveBeenCalledWith('UserWarning: Initializing zero-element tensors is a no-op');
    expect(nextRand()).toEqual([0.49625658988952637, 0.7682217955589294, 0.08847743272781372]);
    init.truncNormal_(torch.empty(3), { mean: 10 });
    expect(warn).toHaveBeenLastCalledWith(
      'UserWarning: mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.',
    );
    expect(values(init.orthogonal_(torch.empty(0, 4)))).toEqual([]);
  });

  it('keeps the deprecated names, with their warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(seeded(0, [3, 4], (t) => init.uniform(t, -0.5, 0.5))).toEqual(expected.uniform);
    expect(warn).toHaveBeenCalledWith('UserWarning: nn.init.uniform is now deprecated in favor of nn.init.uniform_.');
    init.xavierNormal(torch.empty(2, 2));
    expect(warn).toHaveBeenLastCalledWith('UserWarning: nn.init.xavier_normal is now deprecated in favor of nn.init.xavier_normal_.');
    for (const f of [init.normal, init.constant, init.eye, init.dirac, init.xavierUniform, init.kaimingUniform, init.kaimingNormal, init.orthogonal, init.sparse]) {
      expect(typeof f).toBe('function');
    }
  });
});

describe('nn.init: graph and memory', () => {
  it('records no graph on leaves that require grad', () => {
    const fills: ((t: torch.Tensor) => unknown)[] = [
      (t) => init.uniform_(t), (t) => init.normal_(t), (t) => init.truncNormal_(t), (t) => init.constant_(t, 2),
      (t) => init.ones_(t), (t) => init.zeros_(t), (t) => init.eye_(t), (t) => init.xavierUniform_(t),
      (t) => init.xavierNormal_(t), (t) => init.kaimingUniform_(t), (t) => init.kaimingNormal_(t),
      (t) => init.orthogonal_(t), (t) => init.sparse_(t, 0.5),
    ];
    for (const fill of fills) {
      const w = torch.empty([3, 4], { requiresGrad: true });
      fill(w);
      expect(w.isLeaf).toBe(true);
      expect(w.gradFn).toBe(null);
      expect(w.requiresGrad).toBe(true);
    }
    const c = torch.empty([2, 2, 3], { requiresGrad: true });
    init.dirac_(c);
    expect(c.gradFn).toBe(null);
  });

  it('frees every temporary', () => {
    const w = torch.empty(6, 4);
    const c = torch.empty(4, 2, 3, 3);
    const d = torch.empty([5], { dtype: torch.float64 });
    expectNoLeak(() => {
      for (let i = 0; i < 3; i++) {
        init.orthogonal_(w, 1.5);
        init.orthogonal_(w.t());
        init.sparse_(w, 0.5);
        init.eye_(w);
        init.dirac_(c, 2);
        init.truncNormal_(d);
        init.kaimingUniform_(c);
      }
    });
  });
});
