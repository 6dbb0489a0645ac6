import { describe, it, expect } from 'vitest';
import { torch, expectClose, values, expectNoLeak } from '../helpers.js';

type T = torch.Tensor;
const F = torch.nn.functional as unknown as Record<string, (...a: any[]) => T>;
const t = torch as unknown as Record<string, (...a: any[]) => T>;

/** Deterministic float64 values in [lo, hi], kept at least `gap` away from each point in `avoid`. */
function data(shape: number[], lo: number, hi: number, seed: number, avoid: number[] = [], gap = 0.02): T {
  let s = seed * 7919 + 17;
  const n = shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  while (out.length < n) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const v = lo + ((hi - lo) * s) / 2147483648;
    if (avoid.every((p) => Math.abs(v - p) > gap)) out.push(v);
  }
  return torch.tensor(out, { dtype: torch.float64 }).reshape(shape);
}
const leaf = (x: T): T => {
  x.requiresGrad = true;
  return x;
};
const input = (shape: number[], lo: number, hi: number, seed: number, avoid: number[] = []): T => leaf(data(shape, lo, hi, seed, avoid));
const check = (fn: (...xs: T[]) => T, xs: T[]): void => {
  expect(torch.autograd.gradcheck(fn, xs)).toBe(true);
};
/** d(sum(f(x) * g))/dx for a given x, as flat values. */
function gradOf(f: (x: T) => T, x0: number[], dtype = torch.float32): number[] {
  const x = torch.tensor(x0, { dtype, requiresGrad: true });
  f(x).sum().backward();
  return values(x.grad!) as number[];
}

describe('float32 exp (polynomial, SIMD on contiguous rows)', () => {
  it('is within 2 ulp of the exact value, layout-independent, with exact special cases', () => {
    torch.tidy(() => {
      torch.manualSeed(5);
      const special = [0, -0, 1, -1, 88.7, 88.8, 89, 100, -87, -100, -103.9, -104, -110, Infinity, -Infinity, NaN];
      const x = torch.cat([torch.tensor(special, { dtype: torch.float32 }), torch.randn(1001).mul(30)]);
      const fast = x.exp();
      const strided = torch.stack([x, x], 1).select(1, 0).exp(); // stride 2: the scalar loop
      expect(fast.isnan().equal(strided.isnan())).toBe(true);
      expect(fast.nanToNum().equal(strided.nanToNum())).toBe(true);
      const exact = x.double().exp();
      const ulp = exact.float().double().abs().mul(2 ** -23).clamp({ min: 2 ** -149 });
      const err = fast.double().sub(exact.float().double()).abs().div(ulp).nanToNum({ nan: 0, posinf: 0 });
      expect(err.max().item()).toBeLessThanOrEqual(2);
      expect(fast.slice(0, 0, 4).tolist()).toEqual([1, 1, Math.fround(Math.E), Math.fround(1 / Math.E)]);
      expect(fast.slice(0, 7, 8).item()).toBe(Infinity);
      expect(fast.slice(0, 13, 15).tolist()).toEqual([Infinity, 0]);
      expect(Number.isNaN(fast.slice(0, 15, 16).item())).toBe(true);
    });
  });
});

describe('float32 fastmath (polynomials, SIMD on contiguous rows)', () => {
  const special = [0, -0, 1, -1, 0.5, -0.5, 1e-45, -1e-45, 1e-40, 3e-8, -3e-8, 0.6, 0.65, 9, 20, 88, -88, -88.5, -100, -104, Infinity, -Infinity, NaN];
  const cases: [string, (x: T) => T, number?][] = [
    ['sigmoid', (x) => x.sigmoid()],
    ['silu', (x) => F.silu(x)],
    ['tanh', (x) => x.tanh()],
    ['log', (x) => x.log()],
    ['sqrt', (x) => x.sqrt()],
    ['rsqrt', (x) => x.rsqrt()],
    // the float64 reference itself cancels (1 + erf) below -5; crate/tests/fastmath.rs covers the tail
    ['gelu', (x) => F.gelu(x), -5],
    // PyTorch's formula 0.5 x (1 + tanh(u)) cancels for negative x: ulps checked above -0.5
    ['gelu tanh', (x) => F.gelu(x, { approximate: 'tanh' }), -0.5],
  ];
  for (const [name, f, lo = -Infinity] of cases) {
    it(`${name}: within 3 ulp of float64, bit-identical contiguous and strided`, () => {
      torch.tidy(() => {
        torch.manualSeed(7);
        const r = torch.randn(1001);
        const x = torch.cat([torch.tensor(special, { dtype: torch.float32 }), r.mul(30), r.mul(0.3), r.abs().mul(1e-3), r.exp().mul(1e-38)]);
        const fast = f(x);
        const strided = f(torch.stack([x, x], 1).select(1, 0)); // stride 2: the scalar loop
        expect(fast.isnan().equal(strided.isnan())).toBe(true);
        expect(fast.nanToNum().equal(strided.nanToNum())).toBe(true);
        expect(fast.signbit().equal(strided.signbit())).toBe(true);
        const exact = f(x.double());
        const want = exact.float().double();
        expect(fast.isnan().equal(want.isnan())).toBe(true);
        // ulp of the correctly rounded result: 2^(exponent - 23), 2^-149 for subnormals and 0
        const ulp = torch.exp2(want.abs().log2().floor().sub(23)).clamp({ min: 2 ** -149 });
        const err = fast.double().sub(want).abs().div(ulp).nanToNum({ nan: 0, posinf: 0 }).where(x.ge(lo), 0);
        expect(err.max().item()).toBeLessThanOrEqual(3);
        const inf = want.isinf(); // infinities exact
        expect(torch.where(inf, fast.double(), 0).equal(torch.where(inf, want, 0))).toBe(true);
      });
    });
  }
});

describe('unary math gradients (gradcheck, float64)', () => {
  const cases: [string, (x: T) => T, number, number, number[]][] = [
    ['exp', (x) => x.exp(), -2, 2, []],
    ['exp2', (x) => t.exp2(x), -2, 2, []],
    ['expm1', (x) => t.expm1(x), -2, 2, []],
    ['log', (x) => x.log(), 0.3, 3, []],
    ['log2', (x) => t.log2(x), 0.3, 3, []],
    ['log10', (x) => t.log10(x), 0.3, 3, []],
    ['log1p', (x) => t.log1p(x), -0.5, 3, []],
    ['sqrt', (x) => x.sqrt(), 0.3, 3, []],
    ['rsqrt', (x) => x.rsqrt(), 0.3, 3, []],
    ['square', (x) => x.square(), -2, 2, []],
    ['sin', (x) => x.sin(), -3, 3, []],
    ['cos', (x) => x.cos(), -3, 3, []],
    ['tan', (x) => x.tan(), -1.2, 1.2, []],
    ['asin', (x) => x.asin(), -0.8, 0.8, []],
    ['acos', (x) => x.acos(), -0.8, 0.8, []],
    ['atan', (x) => x.atan(), -3, 3, []],
    ['sinh', (x) => x.sinh(), -2, 2, []],
    ['cosh', (x) => x.cosh(), -2, 2, []],
    ['tanh', (x) => x.tanh(), -2, 2, []],
    ['asinh', (x) => x.asinh(), -2, 2, []],
    ['acosh', (x) => x.acosh(), 1.3, 3, []],
    ['atanh', (x) => x.atanh(), -0.8, 0.8, []],
    ['sigmoid', (x) => x.sigmoid(), -4, 4, []],
    ['logit', (x) => x.logit(), 0.1, 0.9, []],
    ['logit eps', (x) => x.logit(0.2), 0.05, 0.95, [0.2, 0.8]],
    ['erf', (x) => x.erf(), -2, 2, []],
    ['erfc', (x) => x.erfc(), -2, 2, []],
    ['erfinv', (x) => x.erfinv(), -0.8, 0.8, []],
    ['reciprocal', (x) => x.reciprocal(), 0.3, 3, []],
    ['abs', (x) => x.abs(), -2, 2, [0]],
    ['neg', (x) => x.neg(), -2, 2, []],
    ['sign', (x) => x.sign(), -2, 2, [0]],
    ['floor', (x) => x.floor(), -2, 2, [-2, -1, 0, 1, 2]],
    ['ceil', (x) => x.ceil(), -2, 2, [-2, -1, 0, 1, 2]],
    ['round', (x) => x.round(), -2, 2, [-1.5, -0.5, 0.5, 1.5]],
    ['round decimals', (x) => x.round({ decimals: 1 }), -2, 2, [-1.95, -1.85, -1.75, -1.65, -1.55, -1.45, -1.35, -1.25, -1.15, -1.05, -0.95, -0.85, -0.75, -0.65, -0.55, -0.45, -0.35, -0.25, -0.15, -0.05, 0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95, 1.05, 1.15, 1.25, 1.35, 1.45, 1.55, 1.65, 1.75, 1.85, 1.95], ],
    ['trunc', (x) => x.trunc(), -2, 2, [-1, 0, 1]],
    ['frac', (x) => x.frac(), -2, 2, [-1, 0, 1]],
    ['nan_to_num', (x) => x.nanToNum(), -2, 2, []],
  ];
  for (const [name, fn, lo, hi, avoid] of cases) {
    it(name, () => {
      const x = input([2, 3], lo, hi, name.length, avoid);
      check(fn, [x]);
      // the same op on a transposed (non-contiguous) view of the input
      check((a) => fn(a.t()), [x]);
    });
  }
});

describe('binary op gradients with broadcasting (gradcheck, float64)', () => {
  const a = () => input([3, 1], -2, 2, 1, [0]);
  const b = () => input([1, 4], -2, 2, 2, [0]);
  const pos = (s: number, shape = [3, 1]) => input(shape, 0.5, 2.5, s);
  const cases: [string, (x: T, y: T) => T, () => T, () => T][] = [
    ['add alpha', (x, y) => torch.add(x, y, { alpha: 2.5 }), a, b],
    ['sub alpha', (x, y) => torch.sub(x, y, { alpha: 0.5 }), a, b],
    ['mul', (x, y) => x.mul(y), a, b],
    ['div', (x, y) => x.div(y), a, b],
    ['true_divide', (x, y) => t.trueDivide(x, y), a, b],
    ['floor_divide (zero gradient)', (x, y) => t.floorDivide(x, y), () => input([3, 1], 0.1, 0.9, 3), () => input([1, 4], 1.1, 1.9, 4)],
    ['div trunc (zero gradient)', (x, y) => torch.div(x, y, { roundingMode: 'trunc' }), () => input([3, 1], 0.1, 0.9, 3), () => input([1, 4], 1.1, 1.9, 4)],
    ['remainder', (x, y) => t.remainder(x, y), () => input([3, 1], 0.1, 0.9, 3), () => input([1, 4], 1.1, 1.9, 4)],
    ['fmod', (x, y) => t.fmod(x, y), () => input([3, 1], -0.9, 0.9, 5, [0]), () => input([1, 4], 1.1, 1.9, 6)],
    ['pow tensor^tensor', (x, y) => x.pow(y), () => pos(7), b],
    ['float_power', (x, y) => t.floatPower(x, y), () => pos(8), b],
    ['atan2', (x, y) => t.atan2(x, y), a, b],
    ['hypot', (x, y) => t.hypot(x, y), a, b],
    ['copysign', (x, y) => t.copysign(x, y), a, b],
    ['xlogy', (x, y) => t.xlogy(x, y), a, () => pos(9, [1, 4])],
    ['logaddexp', (x, y) => t.logaddexp(x, y), a, b],
    ['logaddexp2', (x, y) => t.logaddexp2(x, y), a, b],
    ['maximum', (x, y) => t.maximum(x, y), a, b],
    ['minimum', (x, y) => t.minimum(x, y), a, b],
    ['fmax', (x, y) => t.fmax(x, y), a, b],
    ['fmin', (x, y) => t.fmin(x, y), a, b],
    ['lerp scalar weight', (x, y) => t.lerp(x, y, 0.3), a, b],
    ['lerp scalar weight > 0.5', (x, y) => t.lerp(x, y, 0.8), a, b],
    ['clamp_min tensor', (x, y) => t.clampMin(x, y), a, b],
    ['clamp_max tensor', (x, y) => t.clampMax(x, y), a, b],
  ];
  for (const [name, fn, mx, my] of cases) {
    it(name, () => {
      check(fn, [mx(), my()]);
    });
  }

  it('pow with a scalar exponent and a scalar base', () => {
    const x = pos(10, [2, 3]);
    for (const e of [2, 3, 0.5, -1, -0.5, -2, 1.7, 0]) check((v) => v.pow(e), [x]);
    check((v) => torch.pow(2.5, v), [input([2, 3], -2, 2, 11)]);
    check((v) => t.floatPower(v, 1.5), [x]);
  });

  it('non-contiguous operands (transposed, expanded, sliced)', () => {
    const x = input([4, 3], -2, 2, 12, [0]);
    const y = input([3, 8], -2, 2, 13, [0]);
    check((p, q) => p.t().mul(q.slice(1, 0, null, 2).t().t()), [x, y]);
    check((p, q) => t.atan2(p.t(), q.slice(1, 1, null, 2)), [x, y]);
    check((p) => t.maximum(p.slice(0, 0, 1).expand([4, 3]), p), [x]);
  });

  it('scalar operands', () => {
    const x = input([2, 3], 0.5, 2.5, 14);
    check((v) => t.remainder(v, 0.7), [x]);
    check((v) => t.fmod(v, 0.7), [x]);
    check((v) => t.xlogy(v, 3), [x]);
    check((v) => t.xlogy(2, v), [x]);
    check((v) => t.copysign(v, -1), [x]);
    check((v) => v.sub(2.5).mul(3), [x]);
  });
});

describe('ternary op gradients (gradcheck, float64)', () => {
  it('lerp with a tensor weight', () => {
    check((a, b, w) => t.lerp(a, b, w), [input([3, 1], -2, 2, 1), input([1, 4], -2, 2, 2), input([3, 4], -1, 2, 3)]);
  });
  it('addcmul and addcdiv', () => {
    const s = input([3, 4], -2, 2, 4);
    const u = input([3, 1], -2, 2, 5);
    const v = input([1, 4], 0.5, 2, 6);
    check((a, b, c) => t.addcmul(a, b, c, { value: 0.5 }), [s, u, v]);
    check((a, b, c) => t.addcdiv(a, b, c, { value: -2 }), [s, u, v]);
  });
  it('where with tensors and scalars', () => {
    const cond = torch.tensor([[true, false, true, false], [false, false, true, true], [true, true, false, false]]);
    const x = input([3, 4], -2, 2, 7);
    const y = input([1, 4], -2, 2, 8);
    check((a, b) => torch.where(cond, a, b), [x, y]);
    check((a) => torch.where(cond, a, 0.5), [x]);
    check((a) => torch.where(cond, 1.5, a), [x]);
    check((a, b) => a.where(cond, b), [x, y]);
  });
  it('clamp with scalar and tensor bounds', () => {
    const x = input([3, 4], -2, 2, 9, [-0.5, 0.7]);
    check((a) => torch.clamp(a, -0.5, 0.7), [x]);
    check((a) => torch.clamp(a, { min: -0.5 }), [x]);
    check((a) => torch.clamp(a, { max: 0.7 }), [x]);
    check((a) => torch.clip(a, 0.7, -0.5), [x]);
    const lo = input([3, 1], -1.5, -0.2, 10);
    const hi = input([1, 4], 0.2, 1.5, 11);
    check((a, l, h) => torch.clamp(a, l, h), [x, lo, hi]);
    check((a, l) => torch.clamp(a, { min: l }), [x, lo]);
    check((a, h) => torch.clamp(a, { max: h }), [x, hi]);
  });
});

describe('activation gradients (gradcheck, float64)', () => {
  const cases: [string, (x: T) => T, number[]][] = [
    ['relu', (x) => F.relu(x), [0]],
    ['relu6', (x) => F.relu6(x.mul(4)), [0, 1.5]],
    ['elu', (x) => F.elu(x, { alpha: 1.5 }), [0]],
    ['selu', (x) => F.selu(x), [0]],
    ['celu', (x) => F.celu(x, { alpha: 0.7 }), [0]],
    ['leaky_relu', (x) => F.leakyRelu(x, 0.2), [0]],
    ['hardtanh', (x) => F.hardtanh(x, -0.5, 0.8), [-0.5, 0.8]],
    ['hardsigmoid', (x) => F.hardsigmoid(x.mul(2)), [-1.5, 1.5]],
    ['hardswish', (x) => F.hardswish(x.mul(2)), [-1.5, 1.5]],
    ['gelu', (x) => F.gelu(x), []],
    ['gelu tanh', (x) => F.gelu(x, { approximate: 'tanh' }), []],
    ['silu', (x) => F.silu(x), []],
    ['mish', (x) => F.mish(x), []],
    ['softplus', (x) => F.softplus(x), []],
    ['softplus beta threshold', (x) => F.softplus(x, { beta: 2, threshold: 3 }), [1.5]],
    ['logsigmoid', (x) => F.logsigmoid(x), []],
    ['softsign', (x) => F.softsign(x), [0]],
    ['tanhshrink', (x) => F.tanhshrink(x), []],
    ['hardshrink', (x) => F.hardshrink(x, 0.5), [-0.5, 0.5]],
    ['softshrink', (x) => F.softshrink(x, 0.5), [-0.5, 0.5]],
    ['threshold', (x) => F.threshold(x, 0.3, -1), [0.3]],
    ['sigmoid', (x) => F.sigmoid(x), []],
    ['tanh', (x) => F.tanh(x), []],
    ['glu', (x) => F.glu(x.reshape([-1])), []],
  ];
  for (const [name, fn, avoid] of cases) {
    it(name, () => {
      const x = input([2, 3], -3, 3, name.length + 3, avoid);
      check(fn, [x]);
      check((a) => fn(a.t()), [x]);
    });
  }

  it('in-place forms on non-leaf tensors keep the graph', () => {
    const x = input([2, 3], -2, 2, 21, [0]);
    check((a) => F.relu(a.mul(1), { inplace: true }), [x]);
    check((a) => F.elu(a.mul(1), { alpha: 1.2, inplace: true }), [x]);
    check((a) => F.leakyRelu(a.mul(1), 0.1, true), [x]);
    check((a) => F.hardtanh(a.mul(1), -0.5, 0.8, true), [input([2, 3], -2, 2, 22, [-0.5, 0.8])]);
    check((a) => F.selu(a.mul(1), { inplace: true }), [x]);
    check((a) => F.celu(a.mul(1), { alpha: 0.5, inplace: true }), [x]);
    check((a) => F.silu(a.mul(1), { inplace: true }), [x]);
    check((a) => a.mul(1).sigmoid_(), [x]);
    check((a) => a.mul(1).exp_(), [x]);
    check((a) => a.mul(1).tanh_(), [x]);
    check((a) => a.mul(1).clamp_(-0.5, 0.5), [input([2, 3], -2, 2, 23, [-0.5, 0.5])]);
    check((a) => a.add(0).square_(), [x]);
  });
});

describe('second derivatives through saved results', () => {
  // exp, tanh, sigmoid, sqrt, reciprocal read their output in backward: differentiating the
  // gradient again must reach the input through it.
  const cases: [string, (x: T) => T, number, number][] = [
    ['exp', (x) => x.exp(), -1, 1],
    ['tanh', (x) => x.tanh(), -1, 1],
    ['sigmoid', (x) => x.sigmoid(), -2, 2],
    ['sqrt', (x) => x.sqrt(), 0.5, 2],
    ['rsqrt', (x) => x.rsqrt(), 0.5, 2],
    ['reciprocal', (x) => x.reciprocal(), 0.5, 2],
    ['tan', (x) => x.tan(), -1, 1],
    ['relu', (x) => x.relu().mul(x), -1, 1],
    ['pow exponent', (x) => torch.pow(1.7, x), -1, 1],
    ['hypot', (x) => t.hypot(x, x.mul(0.5).add(1)), 0.2, 1],
    ['gelu', (x) => F.gelu(x), -2, 2],
    ['mish', (x) => F.mish(x), -2, 2],
    ['softplus', (x) => F.softplus(x, { beta: 2 }), -2, 2],
  ];
  for (const [name, f, lo, hi] of cases) {
    it(name, () => {
      const x = input([4], lo, hi, name.length + 30, [0]);
      check((a) => torch.enableGrad(() => torch.autograd.grad([f(a).sum()], [a], { createGraph: true })[0]!), [x]);
    });
  }
});

describe('gradients at special points match PyTorch', () => {
  it('abs, relu, sign at 0 give 0; clamp boundaries pass the gradient', () => {
    expect(gradOf((x) => x.abs(), [-1, 0, 2])).toEqual([-1, 0, 1]);
    expect(gradOf((x) => x.relu(), [-1, 0, 2])).toEqual([0, 0, 1]);
    expect(gradOf((x) => F.relu6(x), [0, 3, 6, 7])).toEqual([0, 1, 0, 0]);
    expect(gradOf((x) => F.hardtanh(x), [-1, 0, 1])).toEqual([0, 1, 0]);
    expect(gradOf((x) => torch.clamp(x, -1, 1), [-1, 0, 1, 2])).toEqual([1, 1, 1, 0]);
    expect(gradOf((x) => torch.clamp(x, 1, -1), [-1, 0, 1, 2])).toEqual([0, 0, 0, 0]);
    expect(gradOf((x) => F.leakyRelu(x, 0.1), [0, -2])).toEqual([0.10000000149011612, 0.10000000149011612]);
  });

  it('maximum and minimum split the gradient on ties', () => {
    const a = torch.tensor([1, 2, 3], { dtype: torch.float32, requiresGrad: true });
    const b = torch.tensor([1, 5, 0], { dtype: torch.float32, requiresGrad: true });
    t.maximum(a, b).sum().backward();
    expect(values(a.grad!)).toEqual([0.5, 0, 1]);
    expect(values(b.grad!)).toEqual([0.5, 1, 0]);
    const c = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    const d = torch.tensor([1, NaN], { requiresGrad: true });
    t.fmax(c, d).sum().backward();
    expect(values(c.grad!)).toEqual([1, 1]);
    expect(values(d.grad!)).toEqual([0, 0]);
  });

  it('pow at zero: exponent gradient 0 where base is 0, base gradient 0 for exponent 0', () => {
    const x = torch.tensor([0, 0, 2], { dtype: torch.float32, requiresGrad: true });
    const e = torch.tensor([2, 0, 3], { dtype: torch.float32, requiresGrad: true });
    x.pow(e).sum().backward();
    expect(values(x.grad!)).toEqual([0, 0, 12]);
    expectClose(e.grad!, [0, 0, 8 * Math.log(2)]);
    expect(gradOf((v) => v.pow(0), [0, 2])).toEqual([0, 0]);
    const y = torch.tensor([-1, 0, 2], { dtype: torch.float32, requiresGrad: true });
    torch.pow(0, y).sum().backward();
    expect(values(y.grad!)).toEqual([-Infinity, 0, 0]);
  });

  it('xlogy at x = 0 and where through its condition', () => {
    const x = torch.tensor([0, 1, 2], { dtype: torch.float32, requiresGrad: true });
    const y = torch.tensor([0, 2, 0.5], { requiresGrad: true });
    t.xlogy(x, y).sum().backward();
    expectClose(x.grad!, [0, Math.log(2), Math.log(0.5)]);
    expectClose(y.grad!, [NaN, 0.5, 4]);
    const cond = torch.tensor([true, false, true]);
    const p = torch.tensor([1, 2, 3], { dtype: torch.float32, requiresGrad: true });
    torch.where(cond, p, NaN).sum().backward();
    expect(values(p.grad!)).toEqual([1, 0, 1]);
  });

  it('hardsigmoid/hardswish kinks and softplus past the threshold', () => {
    expectClose(torch.tensor(gradOf((x) => F.hardsigmoid(x), [-3, 0, 3], torch.float64)), [0, Math.fround(1 / 6), 0], 0, 0);
    expect(gradOf((x) => F.hardswish(x), [-3.5, -3, 3, 4])).toEqual([0, -0.5, 1.5, 1]);
    expect(gradOf((x) => F.softplus(x, { beta: 1, threshold: 2 }), [3])).toEqual([1]);
  });
});

describe('forward semantics', () => {
  it('promotes integer inputs of float ops to the default dtype', () => {
    const i = torch.tensor([1, 4, 9]);
    expect(i.sqrt().dtype).toBe(torch.float32);
    expect(t.atan2(i, i).dtype).toBe(torch.float32);
    expect(i.abs().dtype).toBe(torch.int64);
    expect(i.floor().dtype).toBe(torch.int64);
    expect(i.square().dtype).toBe(torch.int64);
    expect(torch.tensor([true, false]).square().dtype).toBe(torch.int64);
    expect(torch.pow(i, 0.5).dtype).toBe(torch.float32);
    expect(torch.pow(2, i).dtype).toBe(torch.int64);
    expect(values(torch.pow(2, i))).toEqual([2, 16, 512]);
    expect(t.floatPower(i, 2).dtype).toBe(torch.float64);
    expect(torch.clamp(i, 0.5, 5).dtype).toBe(torch.float32);
    expect(torch.where(torch.tensor([true, false]), 1, 0).dtype).toBe(torch.int64);
    expect(torch.where(torch.tensor([true, false]), 1.5, 0).dtype).toBe(torch.float32);
  });

  it('integer division semantics and errors', () => {
    const a = torch.tensor([7, -7, 7, -7]);
    const b = torch.tensor([2, 2, -2, -2]);
    expect(values(t.floorDivide(a, b))).toEqual([3, -4, -4, 3]);
    expect(values(t.remainder(a, b))).toEqual([1, 1, -1, -1]);
    expect(values(t.fmod(a, b))).toEqual([1, -1, 1, -1]);
    expect(values(torch.div(a, b, { roundingMode: 'trunc' }))).toEqual([3, -3, -3, 3]);
    expect(() => t.remainder(a, torch.tensor([1, 0, 1, 1]))).toThrow('ZeroDivisionError');
    expect(() => torch.pow(a, -1)).toThrow('Integers to negative integer powers are not allowed.');
    expect(values(torch.pow(torch.tensor([1, -1, 2]), torch.tensor([-1, -3, -1])))).toEqual([1, -1, 0]);
  });

  it('bitwise and shift ops on integers and bools; float raises', () => {
    const a = torch.tensor([12, -3, 5], { dtype: torch.int32 });
    expect(values(t.bitwiseAnd(a, 6))).toEqual([4, 4, 4]);
    expect(values(t.bitwiseOr(a, 1))).toEqual([13, -3, 5]);
    expect(values(t.bitwiseXor(a, a))).toEqual([0, 0, 0]);
    expect(values(t.bitwiseNot(a))).toEqual([-13, 2, -6]);
    expect(values(t.bitwiseLeftShift(a, 2))).toEqual([48, -12, 20]);
    expect(values(t.bitwiseRightShift(a, torch.tensor([1, 1, 40], { dtype: torch.int32 })))).toEqual([6, -2, 0]);
    expect(values(t.bitwiseNot(torch.tensor([true, false])))).toEqual([false, true]);
    expect(() => t.bitwiseAnd(torch.tensor([1.5]), torch.tensor([2.5]))).toThrow(`"bitwise_and_cpu" not implemented for 'Float'`);
    expect(() => t.bitwiseNot(torch.tensor([1.5]))).toThrow(`"bitwise_not_cpu" not implemented for 'Float'`);
  });

  it('comparisons, logical ops and predicates', () => {
    const x = torch.tensor([1, NaN, Infinity, -Infinity, -0, 2]);
    expect(values(t.isposinf(x))).toEqual([false, false, true, false, false, false]);
    expect(values(t.isneginf(x))).toEqual([false, false, false, true, false, false]);
    expect(values(t.signbit(x))).toEqual([false, false, false, true, true, false]);
    expect(values(t.isfinite(x))).toEqual([true, false, false, false, true, true]);
    expect(values(x.ge(1))).toEqual([true, false, true, false, false, true]);
    expect(values(t.greaterEqual(x, 1))).toEqual(values(x.ge(1)));
    expect(values(t.logicalXor(torch.tensor([0, 1, 2]), torch.tensor([0.0, 0.0, 3.5])))).toEqual([false, true, false]);
    const y = torch.tensor([1, 2, 3], { dtype: torch.float32 });
    y.lt_(2.5);
    expect(y.dtype).toBe(torch.float32);
    expect(values(y)).toEqual([1, 1, 0]);
  });

  it('in-place ops check the result dtype; out= writes and resizes', () => {
    const i = torch.tensor([1, 2, 3]);
    expect(() => i.exp_()).toThrow("result type Float can't be cast to the desired output type Long");
    expect(() => i.clamp_(0.5, 2)).toThrow("result type Float can't be cast to the desired inplace output type Long");
    const out = torch.empty([0]);
    const r = torch.exp(torch.tensor([0, 1]), { out });
    expect(r).toBe(out);
    expectClose(out, [1, Math.E]);
    const d = torch.zeros([2], { dtype: torch.float64 });
    t.hypot(torch.tensor([3, 5], { dtype: torch.float32 }), torch.tensor([4, 12], { dtype: torch.float32 }), { out: d });
    expect(values(d)).toEqual([5, 13]);
  });

  it('lerp takes the nearer end point, so weight 1 gives end exactly', () => {
    const a = torch.tensor([0.1, -3]);
    const b = torch.tensor([0.7, 1e8]);
    expect(values(t.lerp(a, b, 1))).toEqual(values(b));
    expect(() => t.lerp(a, b.double(), 0.5)).toThrow('expected dtype float for `end` but got dtype double');
    expect(() => t.lerp(a, b, torch.tensor([0.5, 0.5], { dtype: torch.float64 }))).toThrow(
      'expected dtype float for `weight` but got dtype double',
    );
  });

  it('where checks its condition dtype', () => {
    expect(() => torch.where(torch.ones([1]), torch.ones([1]), 0)).toThrow(
      'where expected condition to be a boolean tensor, but got a tensor with dtype Float',
    );
  });

  it('half precision computes in float32 and rounds', () => {
    const h = torch.tensor([1, 2, 3], { dtype: torch.float16 });
    const r = h.exp().add(h);
    expect(r.dtype).toBe(torch.float16);
    expectClose(r, [3.71875, 9.390625, 23.078125], 0, 0);
    expect(values(h.lt(2))).toEqual([true, false, false]);
    const bf = torch.tensor([0.5, 1.5], { dtype: torch.bfloat16 });
    expect(torch.clamp(bf, 0, 1).dtype).toBe(torch.bfloat16);
    expect(values(t.maximum(bf, torch.tensor([1, 1], { dtype: torch.bfloat16 })))).toEqual([1, 1.5]);
  });

  it('activations reject bad arguments', () => {
    expect(() => F.gelu(torch.ones([2]), { approximate: 'fast' })).toThrow('approximate argument must be either none or tanh.');
    expect(() => F.softshrink(torch.ones([2]), -1)).toThrow('lambda must be greater or equal to 0, but found to be -1.');
    expect(() => F.elu(torch.ones([2], { dtype: torch.int64 }))).toThrow(`"elu_cpu" not implemented for 'Long'`);
    expect(() => F.glu(torch.ones([3]))).toThrow('Halving dimension must be even, but dimension 0 is size 3');
    expect(() => torch.clamp(torch.ones([2]))).toThrow("torch.clamp: At least one of 'min' or 'max' must not be None");
  });

  it('frees its temporaries', () => {
    const x = torch.tensor([0.5, -1.5, 2], { dtype: torch.float64, requiresGrad: true });
    const run = (): void => {
      torch.tidy(() => {
        F.gelu(x, { approximate: 'tanh' }).add(t.lerp(x, x.exp(), 0.3)).mul(torch.clamp(x, -1, 1)).sum().backward();
      });
      x.grad!.dispose();
      x.grad = null;
    };
    run();
    expectNoLeak(run);
  });
});

describe('special functions and small composites', () => {
  it('gradients (gradcheck, float64)', () => {
    const x = input([2, 3], 0.3, 4, 41);
    check((a) => t.lgamma(a), [x]);
    check((a) => t.digamma(a), [x]);
    check((a) => t.polygamma(2, a), [x]);
    check((a) => t.sinc(a.sub(2)), [x]);
    check((a) => t.deg2rad(a), [x]);
    check((a) => t.rad2deg(a.t()), [x]);
    check((a, e) => t.ldexp(a, e), [x, input([1, 3], -2, 2, 42)]);
    const w = input([3], 0.1, 0.5, 43);
    check((a, ww) => F.prelu(a, ww), [input([2, 3, 2], -2, 2, 44, [0]), w]);
    check((a, ww) => F.prelu(a, ww), [input([4, 3], -2, 2, 45, [0]), input([1], 0.1, 0.5, 46)]);
  });

  it('values at special points', () => {
    const x = torch.tensor([0, 1, 2, -1.5, 0.5], { dtype: torch.float64 });
    expectClose(t.lgamma(x), [Infinity, 0, 0, 0.8600470153764810, 0.5723649429247001], 1e-14, 1e-15);
    expectClose(t.digamma(torch.tensor([1, 0.5], { dtype: torch.float64 })), [-0.5772156649015329, -1.9635100260214235], 1e-14, 0);
    expectClose(t.polygamma(1, torch.tensor([1], { dtype: torch.float64 })), [(Math.PI * Math.PI) / 6], 1e-8, 0);
    expectClose(t.sinc(torch.tensor([0, 0.5], { dtype: torch.float64 })), [1, 2 / Math.PI], 1e-15, 0);
    expect(values(t.ldexp(torch.tensor([1, 3]), torch.tensor([-1, 2])))).toEqual([0.5, 12]);
    expect(t.deg2rad(torch.tensor([180])).dtype).toBe(torch.float32);
  });

  it('isclose, allclose and equal', () => {
    const a = torch.tensor([1, NaN, 2], { dtype: torch.float32 });
    const b = torch.tensor([1.000001, NaN, 2.1], { dtype: torch.float32 });
    expect(values(t.isclose(a, b))).toEqual([true, false, false]);
    expect(values(t.isclose(a, b, { equalNan: true, atol: 0.2 }))).toEqual([true, true, true]);
    expect(torch.allclose(a, b, { atol: 0.2, equalNan: true })).toBe(true);
    expect(a.allclose(b)).toBe(false);
    expect(torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))).toBe(true);
    expect(torch.equal(torch.tensor([1, 2]), torch.tensor([[1, 2]]))).toBe(false);
    expect(a.equal(a)).toBe(false);
    expect(() => torch.equal(a, a.double())).toThrow("Expected object of scalar type float but got scalar type double for argument 'other'");
    expect(() => t.isclose(a, b, { rtol: -1 })).toThrow('rtol must be greater than or equal to zero, but got -1');
  });
});

describe('large in-place rows', () => {
  it('relu_, add_, mul_ of tensors over many blocks equal the out-of-place results, with no leak', () => {
    expectNoLeak(() => {
      const x = torch.randn(64, 1000);
      const y = torch.randn(64, 1000);
      const want = [x.relu(), x.add(y), torch.tidy(() => x.add(y).mul(2.5))];
      const a = x.clone().relu_();
      const b = x.clone().add_(y);
      const c = x.clone().add_(y).mul_(2.5);
      const got = [a, b, c];
      for (let i = 0; i < 3; i++) expect(torch.equal(got[i], want[i])).toBe(true);
      for (const t of [x, y, ...want, ...got]) t.dispose();
    });
  });

  // The crate runs an op whose output is its first input block by block through a
  // copy (16 KB blocks): every dtype, a last short block, a scalar or aliased second operand.
  it('in-place ops of every element size, with a short last block and aliased operands, equal the out-of-place results', () => {
    expectNoLeak(() => {
      const n = 16384 / 4 * 5 + 7; // five float32 blocks and a few elements
      for (const dtype of [torch.float32, torch.float64, torch.int32, torch.int64, torch.int16, torch.uint8]) {
        torch.tidy(() => {
          const x = torch.arange(n, { dtype: torch.int64 }).remainder(97).sub(40).to(dtype);
          const y = torch.arange(n, { dtype: torch.int64 }).remainder(13).to(dtype);
          const cases: [T, T][] = [
            [x.clone().add_(y), x.add(y)],
            [x.clone().mul_(3), x.mul(3)],
            [x.clone().abs_(), x.abs()],
          ];
          const z = x.clone();
          cases.push([z.add_(z), x.add(x)]); // out is both inputs
          if (dtype.isFloatingPoint) cases.push([x.clone().relu_(), x.relu()], [x.clone().sigmoid_(), x.sigmoid()]);
          for (const [got, want] of cases) expect(torch.equal(got, want)).toBe(true);
        });
      }
    });
  });

  it('an in-place integer division with a zero divisor past the first block throws and leaves the tensor as it was', () => {
    expectNoLeak(() => {
      torch.tidy(() => {
        const n = 16384 / 4 * 3 + 5; // int32: the zero sits in the last of four blocks
        const x = torch.arange(n, { dtype: torch.int32 }).add(1);
        const y = torch.arange(n, { dtype: torch.int32 }).ne(n - 2).to(torch.int32).mul(3); // 3s and one 0, near the end
        const before = x.clone();
        for (const f of [() => x.floorDivide_(y), () => x.remainder_(y), () => x.fmod_(y)]) {
          expect(f).toThrow(/ZeroDivisionError/);
          expect(torch.equal(x, before)).toBe(true);
        }
      });
    });
  });
});
