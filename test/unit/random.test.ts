import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { torch, values, expectNoLeak } from '../helpers.js';
// @ts-expect-error: plain ESM helper without types
import { fixtureDir } from '../conformance/runner.mjs';

const { init } = torch.nn;

/** Mean and variance of a tensor's values. */
function moments(t: torch.Tensor): [number, number] {
  const v = Array.from(t.toTypedArray() as Float32Array, Number);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return [mean, variance];
}

const f32 = (xs: number[]): number[] => xs.map(Math.fround);

describe('exact streams (PyTorch 1.13, seed 0)', () => {
  it('rand, randn (both paths), randint, randperm', () => {
    torch.manualSeed(0);
    expect(values(torch.rand(3))).toEqual([0.49625658988952637, 0.7682217955589294, 0.08847743272781372]);
    torch.manualSeed(0);
    expect(values(torch.randn(5))).toEqual(
      f32([1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991, -1.0845223665237427]),
    );
    torch.manualSeed(0);
    expect(values(torch.randn(16)).slice(0, 3)).toEqual(f32([-1.1258398294448853, -1.152360200881958, -0.2505785822868347]));
    torch.manualSeed(0);
    const r = torch.randint(0, 10, [5]);
    expect(r.dtype).toBe(torch.int64);
    expect(values(r)).toEqual([4, 9, 3, 0, 3]);
    torch.manualSeed(0);
    expect(values(torch.randint(10, [5]))).toEqual([4, 9, 3, 0, 3]);
    torch.manualSeed(0);
    expect(values(torch.randperm(5))).toEqual([4, 0, 1, 3, 2]);
  });

  it('randn of 150k and 300k values equals PyTorch bit for bit (models/*.bin)', () => {
    for (const [file, seed, shape] of [
      ['models/resnet18_input.bin', 1, [1, 3, 224, 224]],
      ['models/seed_batch.bin', 4, [2, 3, 224, 224]],
    ] as const) {
      const path = join(fixtureDir(), file);
      expect(existsSync(path), `${path} (set CONFORMANCE_DIR)`).toBe(true);
      const buf = readFileSync(path);
      const want = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
      torch.manualSeed(seed);
      const got = torch.randn([...shape]).toTypedArray() as Float32Array;
      let mismatches = 0;
      for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) mismatches++;
      expect(mismatches).toBe(0);
    }
  });

  it('the cached normal sample survives across calls until manualSeed', () => {
    torch.manualSeed(0);
    const a = values(torch.randn(1))[0];
    const b = values(torch.randn(1))[0];
    expect([a, b]).toEqual(f32([1.5409960746765137, -0.293428897857666]));
    torch.randn(1); // leaves a cached sample
    torch.manualSeed(0);
    expect(values(torch.randn(1))[0]).toBe(Math.fround(1.5409960746765137));
  });

  it('seeds use their low 32 bits; initialSeed keeps the full value', () => {
    torch.manualSeed(2 ** 32 + 5);
    const a = values(torch.rand(4));
    expect(torch.initialSeed()).toBe(2 ** 32 + 5);
    torch.manualSeed(5);
    expect(values(torch.rand(4))).toEqual(a);
    torch.manualSeed(-1);
    expect(torch.initialSeed()).toBe(2n ** 64n - 1n);
    torch.manualSeed(2n ** 64n - 1n);
    expect(() => torch.manualSeed(2n ** 64n)).toThrow('Overflow when unpacking long');
    expect(new torch.Generator().initialSeed()).toBe(67280421310721);
  });
});

describe('generators', () => {
  it('are independent of the default generator and of each other', () => {
    const g1 = new torch.Generator().manualSeed(0);
    const g2 = new torch.Generator().manualSeed(0);
    torch.manualSeed(123);
    const d1 = values(torch.rand(2));
    const x = values(torch.rand(3, { generator: g1 }));
    expect(x).toEqual([0.49625658988952637, 0.7682217955589294, 0.08847743272781372]);
    expect(values(torch.rand(3, { generator: g2 }))).toEqual(x);
    torch.manualSeed(123);
    expect(values(torch.rand(2))).toEqual(d1);
    expect(() => torch.rand(2, { generator: 3 })).toThrow(TypeError);
  });

  it('save and restore their state, including the cached normal', () => {
    torch.manualSeed(7);
    torch.randn(1); // a cached sample now waits
    const s = torch.getRngState();
    expect(s.dtype).toBe(torch.uint8);
    expect(s.shape).toEqual([5056]);
    const a = values(torch.randn(3));
    const b = values(torch.rand(20));
    torch.setRngState(s);
    expect(values(torch.randn(3))).toEqual(a);
    expect(values(torch.rand(20))).toEqual(b);
    // a typed array works too, and another generator can take the state
    const g = new torch.Generator().setState(s.toTypedArray() as Uint8Array);
    expect(values(torch.randn(3, { generator: g }))).toEqual(a);
    expect(g.initialSeed()).toBe(7);
  });

  it('refuse malformed states', () => {
    expect(() => torch.setRngState(torch.zeros([10], { dtype: torch.uint8 }))).toThrow(
      'Expected either a CPUGeneratorImplStateLegacy of size 5048 or a CPUGeneratorImplState of size 5056 but found the input RNG state size to be 10',
    );
    expect(() => torch.setRngState(torch.zeros([5056]))).toThrow(TypeError);
    expect(() => torch.setRngState(torch.zeros([5056], { dtype: torch.uint8 }))).toThrow('Invalid mt19937 state');
  });

  it('seed() picks a fresh nondeterministic seed', () => {
    const g = new torch.Generator();
    const s = g.seed();
    expect(Number.isSafeInteger(s)).toBe(true);
    expect(g.initialSeed()).toBe(s);
  });
});

describe('distributions', () => {
  it('have the right moments', () => {
    torch.manualSeed(1);
    const n = 100000;
    let [m, v] = moments(torch.rand(n));
    expect(Math.abs(m - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(v - 1 / 12)).toBeLessThan(0.002);
    [m, v] = moments(torch.randn(n));
    expect(Math.abs(m)).toBeLessThan(0.015);
    expect(Math.abs(v - 1)).toBeLessThan(0.02);
    [m, v] = moments(torch.randn(n, { dtype: torch.float64 }));
    expect(Math.abs(m)).toBeLessThan(0.015);
    expect(Math.abs(v - 1)).toBeLessThan(0.02);
    [m, v] = moments(torch.normal(2, 3, [n]));
    expect(Math.abs(m - 2)).toBeLessThan(0.05);
    expect(Math.abs(v - 9)).toBeLessThan(0.2);
    [m, v] = moments(torch.empty(n).exponential_(2));
    expect(Math.abs(m - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(v - 0.25)).toBeLessThan(0.01);
    [m] = moments(torch.bernoulli(torch.full([n], 0.3)));
    expect(Math.abs(m - 0.3)).toBeLessThan(0.01);
    [m] = moments(torch.empty(n).bernoulli_(0.7));
    expect(Math.abs(m - 0.7)).toBeLessThan(0.01);
    [m] = moments(torch.empty(n, { dtype: torch.float64 }).geometric_(0.25));
    expect(Math.abs(m - 4)).toBeLessThan(0.1);
    const logs = (values(torch.empty(n, { dtype: torch.float64 }).logNormal_(1, 0.5)) as number[]).map(Math.log);
    [m, v] = moments(torch.tensor(logs));
    expect(Math.abs(m - 1)).toBeLessThan(0.01);
    expect(Math.abs(v - 0.25)).toBeLessThan(0.01);
    const c = (values(torch.empty(n).cauchy_(3, 2)) as number[]).sort((a, b) => a - b);
    expect(Math.abs(c[n / 2] - 3)).toBeLessThan(0.05);
  });

  it('keeps integers in range', () => {
    torch.manualSeed(2);
    const r = values(torch.randint(-3, 4, [2000])) as number[];
    expect(Math.min(...r)).toBe(-3);
    expect(Math.max(...r)).toBe(3);
    const b = values(torch.empty([500], { dtype: torch.uint8 }).random_()) as number[];
    expect(Math.max(...b)).toBeGreaterThan(200);
    const f = values(torch.empty([500]).random_(5, 8)) as number[];
    expect(f.every((x) => x === 5 || x === 6 || x === 7)).toBe(true);
    const bools = values(torch.empty([64], { dtype: torch.bool }).random_());
    expect(bools.includes(true) && bools.includes(false)).toBe(true);
    const p = (values(torch.randperm(50, { dtype: torch.int32 })) as number[]).sort((a, c) => a - c);
    expect(p).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('samples multinomially with and without replacement', () => {
    torch.manualSeed(0);
    const probs = torch.tensor([0.1, 0.2, 0.3, 0.4]);
    expect(values(torch.multinomial(probs, 2))).toEqual([2, 1]);
    torch.manualSeed(0);
    expect(values(probs.multinomial(10, { replacement: true }))).toEqual([3, 3, 2, 3, 3, 3, 1, 2, 2, 1]);
    const rows = torch.tensor([[0, 1, 0, 1], [1, 0, 0, 0]], { dtype: torch.float32 });
    const s = torch.multinomial(rows, 2);
    expect(s.shape).toEqual([2, 2]);
    expect((values(s.select(0, 0)) as number[]).sort()).toEqual([1, 3]);
    expect(values(s.select(0, 1))[0]).toBe(0);
    const counts = [0, 0];
    for (const i of values(torch.multinomial(torch.tensor([1, 3], { dtype: torch.float64 }), 4000, { replacement: true })) as number[]) counts[i]++;
    expect(Math.abs(counts[1] / 4000 - 0.75)).toBeLessThan(0.03);
  });
});

describe('layouts', () => {
  it('fill non-contiguous tensors in memory order, as PyTorch does', () => {
    torch.manualSeed(0);
    const ref = values(torch.rand(20));
    const x = torch.zeros(4, 5).t(); // 5 x 4, transposed strides
    torch.manualSeed(0);
    x.uniform_();
    expect(values(x.t())).toEqual(ref);
    // non-contiguous normal_ takes the element-wise path even with 16+ elements
    torch.manualSeed(0);
    const y = torch.zeros(4, 5).t().normal_();
    torch.manualSeed(0);
    const z = torch.zeros(40).slice(0, 0, 40, 2).normal_();
    expect(values(y.t())).toEqual(values(z));
    expect(values(z).slice(0, 2)).toEqual(f32([1.5409960746765137, -0.293428897857666]));
  });

  it('_like factories keep the input layout', () => {
    const src = torch.zeros(4, 5).t();
    const r = torch.randnLike(src);
    expect(r.stride()).toEqual([1, 5]);
    torch.manualSeed(0);
    const a = torch.randLike(src);
    torch.manualSeed(0);
    expect(values(a.t())).toEqual(values(torch.rand(20)));
    const i = torch.randintLike(torch.zeros([3], { dtype: torch.int32 }), 5);
    expect(i.dtype).toBe(torch.int32);
  });

  it('refuses to write overlapping memory', () => {
    const e = torch.zeros([1]).expand([4]);
    expect(() => e.uniform_()).toThrow('more than one element of the written-to tensor refers to a single memory location');
  });
});

describe('errors', () => {
  it('match PyTorch', () => {
    expect(() => torch.randperm(-1)).toThrow('Trying to create tensor with negative dimension -1: [-1]');
    expect(() => torch.multinomial(torch.tensor([0.5, 0.5]), 3)).toThrow(
      'cannot sample n_sample > prob_dist.size(-1) samples without replacement',
    );
    expect(() => torch.multinomial(torch.tensor([0.5, -0.5]), 1)).toThrow('probability tensor contains either `inf`, `nan` or element < 0');
    expect(() => torch.multinomial(torch.tensor([0, 0], { dtype: torch.float32 }), 2, { replacement: true })).toThrow(
      'invalid multinomial distribution (sum of probabilities <= 0)',
    );
    expect(() => torch.multinomial(torch.tensor([1, 2]), 1)).toThrow('multinomial only supports floating-point dtypes for input, got: Long');
    expect(() => torch.empty(3).uniform_(2, 1)).toThrow('uniform_ expects to return a [from, to) range, but found from=2 > to=1');
    expect(() => torch.empty(3).normal_(0, -1)).toThrow('normal expects std >= 0.0, but found std -1');
    expect(() => torch.normal(torch.zeros(2), torch.tensor([1, -1]))).toThrow('normal expects all elements of std >= 0.0');
    expect(() => torch.rand(2, { dtype: torch.int64 })).toThrow(`"check_uniform_bounds" not implemented for 'Long'`);
    expect(() => torch.empty(2).bernoulli_(1.5)).toThrow('bernoulli_ expects p to be in [0, 1], but got p=1.5');
    expect(() => torch.bernoulli(torch.tensor([0.5, 2]))).toThrow('Expected p_in >= 0 && p_in <= 1 to be true');
    expect(() => torch.randint(5, 5, [2])).toThrow("random_ expects 'from' to be less than 'to', but got from=5 >= to=5");
    expect(() => torch.empty([2], { dtype: torch.uint8 }).random_(0, 300)).toThrow('to - 1 is out of bounds for unsigned char');
    expect(() => torch.empty(2).exponential_(-1)).toThrow('exponential_ expects lambda >= 0.0, but found lambda=-1');
    expect(() => torch.empty(2).geometric_(1)).toThrow('geometric_ expects p to be in (0, 1), but got p=1');
    const leaf = torch.zeros([3], { requiresGrad: true });
    expect(() => leaf.normal_()).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
  });

  it('leave the generator untouched when they throw', () => {
    torch.manualSeed(3);
    expect(() => torch.bernoulli(torch.tensor([0.5, 0.2, -1]))).toThrow();
    expect(() => torch.multinomial(torch.tensor([[1, 1], [0, 0]], { dtype: torch.float32 }), 3, { replacement: true })).toThrow();
    const after = values(torch.rand(2));
    torch.manualSeed(3);
    expect(values(torch.rand(2))).toEqual(after);
  });
});

describe('autograd', () => {
  it('gives random ops zero gradients, as PyTorch defines them', () => {
    const mean = torch.tensor([1, 2, 3], { dtype: torch.float64, requiresGrad: true });
    const out = torch.normal(mean, 0.5);
    expect(out.gradFn?.name).toBe('NormalBackward1');
    out.sum().backward();
    expect(values(mean.grad!)).toEqual([0, 0, 0]);
    const std = torch.tensor([1, 2], { dtype: torch.float64, requiresGrad: true });
    torch.normal(torch.zeros(2, { dtype: torch.float64 }), std).sum().backward();
    expect(values(std.grad!)).toEqual([0, 0]);
    const x = torch.tensor([0.2, 0.4], { dtype: torch.float64, requiresGrad: true });
    const y = x.mul(1).uniform_();
    expect(y.gradFn?.name).toBe('UniformBackward0');
    y.sum().backward();
    expect(values(x.grad!)).toEqual([0, 0]);
  });

  it('passes gradcheck where the sample does not depend on the input', () => {
    const g = new torch.Generator();
    const x = torch.tensor([0.3, 0.6, 0.9], { dtype: torch.float64, requiresGrad: true });
    expect(torch.autograd.gradcheck((p) => {
      g.manualSeed(1);
      return torch.bernoulli(p, { generator: g });
    }, [x])).toBe(true);
    expect(torch.autograd.gradcheck((p) => {
      g.manualSeed(1);
      return p.mul(2).uniform_({ generator: g });
    }, [x])).toBe(true);
  });

  it('nn.init runs without recording the graph', () => {
    const w = torch.empty([3, 4], { requiresGrad: true });
    init.kaimingUniform_(w, { a: Math.sqrt(5) });
    expect(w.isLeaf).toBe(true);
    expect(w.gradFn).toBe(null);
  });
});

describe('nn.init', () => {
  it('computes gains and fans as PyTorch', () => {
    expect(init.calculateGain('relu')).toBe(Math.sqrt(2));
    expect(init.calculateGain('tanh')).toBe(5 / 3);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('leaky_relu')).toBe(Math.sqrt(2 / (1 + 0.01 ** 2)));
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('foo')).toThrow('Unsupported nonlinearity foo');
    expect(init._calculateFanInAndFanOut(torch.empty(8, 3, 5, 5))).toEqual([75, 200]);
    expect(() => init._calculateFanInAndFanOut(torch.empty(3))).toThrow(
      'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions',
    );
    expect(() => init.kaimingNormal_(torch.empty(3, 3), { mode: 'fan_avg' })).toThrow(
      "Mode fan_avg not supported, please use one of ['fan_in', 'fan_out']",
    );
  });

  it('matches PyTorch default Linear initialisation for seed 0', () => {
    torch.manualSeed(0);
    const w = torch.empty(3, 4);
    init.kaimingUniform_(w, { a: Math.sqrt(5) });
    expect(values(w).slice(0, 3)).toEqual(f32([-0.003743410110473633, 0.26822179555892944, -0.4115225672721863]));
  });

  it('keeps values within their bounds', () => {
    torch.manualSeed(4);
    const w = init.xavierUniform_(torch.empty(30, 20));
    const a = Math.sqrt(6 / 50);
    expect((values(w) as number[]).every((v) => Math.abs(v) <= a)).toBe(true);
    const t = init.truncNormal_(torch.empty([20000], { dtype: torch.float64 }), { std: 2, a: -1, b: 3 });
    const tv = values(t) as number[];
    expect(tv.every((v) => v >= -1 && v <= 3)).toBe(true);
    const [m] = moments(t);
    // mean of N(0, 4) truncated to [-1, 3]: 2 (phi(-0.5) - phi(1.5)) / (Phi(1.5) - Phi(-0.5))
    expect(Math.abs(m - 0.7126)).toBeLessThan(0.03);
    const [, v] = moments(init.kaimingNormal_(torch.empty(200, 100), { mode: 'fan_out', nonlinearity: 'relu' }));
    expect(Math.abs(v - 2 / 200)).toBeLessThan(0.0005);
    expect(values(init.constant_(torch.empty(2), 0.5))).toEqual([0.5, 0.5]);
    expect(values(init.ones_(torch.empty(2)))).toEqual([1, 1]);
    expect(values(init.zeros_(torch.ones(2)))).toEqual([0, 0]);
  });

  it('builds identities: eye_ and dirac_', () => {
    expect(values(init.eye_(torch.empty(2, 3)))).toEqual([1, 0, 0, 0, 1, 0]);
    expect(() => init.eye_(torch.empty(2))).toThrow('Only tensors with 2 dimensions are supported');
    const d = init.dirac_(torch.empty(4, 2, 3), { groups: 2 });
    // group g, channel d: weight[g * 2 + d, d, 1] = 1
    const want = new Array(24).fill(0);
    for (const [o, i] of [[0, 0], [1, 1], [2, 0], [3, 1]]) want[o * 6 + i * 3 + 1] = 1;
    expect(values(d)).toEqual(want);
    expect(() => init.dirac_(torch.empty(3, 2, 3), { groups: 2 })).toThrow('dim 0 must be divisible by groups');
  });
});

describe('memory', () => {
  it('frees every temporary', () => {
    expectNoLeak(() => {
      torch.tidy(() => {
        torch.rand(5);
        torch.randn(20).normal_(1, 2);
        torch.randint(3, [4]);
        torch.multinomial(torch.tensor([0.2, 0.8]), 1);
        torch.bernoulli(torch.full([3], 0.5, { dtype: torch.float16 }));
        torch.normal(torch.zeros(3), torch.ones(3));
        init.truncNormal_(torch.empty(5));
      });
    });
  });
});
