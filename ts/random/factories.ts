// Random factories and samplers: rand, randn, randint, randperm, their _like forms,
// normal (all four overloads), bernoulli and multinomial. Each is PyTorch's
// composition (an empty tensor filled by the in-place kernel), so the streams match.

import { Tensor } from '../tensor/tensor.js';
import { Storage } from '../tensor/storage.js';
import { DType, getDefaultDtype, float32, float64, int64 } from '../tensor/dtype.js';
import { checkShape, contiguousStrides, isContiguousLayout, broadcastShapes, RuntimeError } from '../tensor/shape.js';
import { defineOp } from '../ops/registry.js';
import { isPlainObject } from '../ops/signature.js';
import { contiguousCopy } from '../tensor/copy.js';
import { reduceWith } from '../ops/reduce/reduce.js';
import { zeros } from '../ops/creation/factories.js';
import { RED } from '../kernels/codes.js';
import type { OpMethod } from '../ops/types.js';
import { generatorOf } from './generator.js';
import { iterationOrder, uniformInto, randpermInto, multinomialInto } from '../kernels/random.js';
import { normalFill, randomFill, bernoulliFill, checkNormalStd } from './inplace.js';
import { notImplementedFor } from './messages.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    bernoulli: OpMethod;
  }
}

const FACTORY_KW =
  '*, Generator? generator=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, bool requires_grad=False';
const LIKE_KW =
  '*, Generator? generator=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, bool requires_grad=False, MemoryFormat? memory_format=None';

function finish(t: Tensor, requiresGrad: boolean): Tensor {
  if (requiresGrad) t.requiresGrad = true;
  return t;
}

/** Whether `t` covers its memory densely without overlap (in some dim order). */
function isDense(t: Tensor): boolean {
  const order = iterationOrder(t._shape, [t._strides]);
  return isContiguousLayout(order.map((d) => t._shape[d]), order.map((d) => t._strides[d]));
}

/**
 * empty_like with preserve_format: the same dim order in memory as `self` when it is
 * dense (so a transposed input gives a transposed result), else contiguous.
 */
export function emptyLike(self: Tensor, dtype: DType): Tensor {
  if (self.numel() === 0 || self.isContiguous() || !isDense(self)) return Tensor._empty(self._shape, dtype);
  const order = iterationOrder(self._shape, [self._strides]);
  const inner = contiguousStrides(order.map((d) => self._shape[d]));
  const strides = new Array<number>(self.ndim);
  order.forEach((d, i) => (strides[d] = inner[i]));
  return new Tensor(new Storage(self.numel() * dtype.itemsize), dtype, self._shape, strides, 0);
}

/** Random floats in [0, 1). @example torch.rand(2, 3, { generator: g }) */
export const rand = defineOp({
  name: 'rand',
  sig: `int[] size, ${FACTORY_KW}`,
  out: true,
  forward: (size: number[], gen, dtype: DType | null, _l, _d, _p, rg: boolean) => {
    const t = Tensor._empty(checkShape(size, 'rand'), dtype ?? getDefaultDtype());
    uniformFill(t, 0, 1, gen);
    return finish(t, rg);
  },
});

/** uniform_ without the dtype/bounds checks the factories have already satisfied. */
function uniformFill(t: Tensor, from: number, to: number, gen: unknown): void {
  const g = generatorOf(gen, 'uniform_');
  if (t.numel() === 0) return;
  if (!t.dtype.isFloatingPoint) throw new RuntimeError(notImplementedFor('check_uniform_bounds', t.dtype));
  uniformInto(g, t, from, to);
}

/** Standard normal samples. @example torch.randn(4, 4) */
export const randn = defineOp({
  name: 'randn',
  sig: `int[] size, ${FACTORY_KW}`,
  out: true,
  forward: (size: number[], gen, dtype: DType | null, _l, _d, _p, rg: boolean) => {
    const t = Tensor._empty(checkShape(size, 'randn'), dtype ?? getDefaultDtype());
    normalFill(t, 0, 1, gen);
    return finish(t, rg);
  },
});

function toInt(v: unknown, op: string, arg: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw new TypeError(`${op}(): argument '${arg}' must be int, not ${typeof v === 'number' ? 'float' : typeof v}`);
}

/**
 * Integers uniform in [low, high): randint(high, size) or randint(low, high, size).
 * @example torch.randint(0, 10, [3]) // int64
 */
export const randint = defineOp({
  name: 'randint',
  sig: `any low, any high=None, any size=None, ${FACTORY_KW}`,
  out: true,
  forward: (low, high, size, gen, dtype: DType | null, _l, _d, _p, rg: boolean) => {
    if (size === null && Array.isArray(high)) [low, high, size] = [0, low, high];
    if (high === null || !Array.isArray(size)) {
      throw new TypeError('randint() received an invalid combination of arguments - expected (int low, int high, tuple of ints size, ...) or (int high, tuple of ints size, ...)');
    }
    const t = Tensor._empty(checkShape(size, 'randint'), dtype ?? int64);
    randomFill(t, toInt(low, 'randint', 'low'), toInt(high, 'randint', 'high'), gen);
    return finish(t, rg);
  },
});

const SCALAR_TYPE_NAMES: Record<string, string> = { int8: 'signed char', uint8: 'unsigned char', int16: 'short', int32: 'int' };

/** A random permutation of 0..n-1. @example torch.randperm(5) */
export const randperm = defineOp({
  name: 'randperm',
  sig: `int n, ${FACTORY_KW}`,
  out: true,
  forward: (n: number, gen, dtype: DType | null, _l, _d, _p, rg: boolean) => {
    const g = generatorOf(gen, 'randperm');
    const dt = dtype ?? int64;
    const t = Tensor._empty(checkShape([n], 'randperm'), dt);
    const last = n > 0 ? n - 1 : n;
    if (dt.name in SCALAR_TYPE_NAMES) {
      const bits = dt.itemsize * 8 - (dt.isSigned ? 1 : 0);
      if (last >= 2 ** bits) throw new RuntimeError(`value cannot be converted to type ${SCALAR_TYPE_NAMES[dt.name]} without overflow`);
    }
    if (dt.name === 'float16' && n > 2049) throw new RuntimeError('n cannot be greater than 2049 for Half type.');
    if (dt.name === 'float32' && n > 2 ** 24 + 1) throw new RuntimeError('n cannot be greater than 2^24+1 for Float type.');
    if (dt.name === 'bool' || dt.name === 'bfloat16') throw new RuntimeError(notImplementedFor('randperm', dt));
    randpermInto(g, t, n);
    return finish(t, rg);
  },
});

/** rand with the size, dtype and memory layout of `self`. */
export const randLike = defineOp({
  name: 'rand_like',
  sig: `Tensor self, ${LIKE_KW}`,
  method: false,
  forward: (self: Tensor, gen, dtype: DType | null, _l, _d, _p, rg: boolean) => {
    const t = emptyLike(self, dtype ?? self.dtype);
    uniformFill(t, 0, 1, gen);
    return finish(t, rg);
  },
});

/** randn with the size, dtype and memory layout of `self`. */
export const randnLike = defineOp({
  name: 'randn_like',
  sig: `Tensor self, ${LIKE_KW}`,
  method: false,
  forward: (self: Tensor, gen, dtype: DType | null, _l, _d, _p, rg: boolean) => {
    const t = emptyLike(self, dtype ?? self.dtype);
    normalFill(t, 0, 1, gen);
    return finish(t, rg);
  },
});

/** randint_like(self, high) or randint_like(self, low, high). */
export const randintLike = defineOp({
  name: 'randint_like',
  sig: `Tensor self, any low, any high=None, ${LIKE_KW}`,
  method: false,
  forward: (self: Tensor, low, high, gen, dtype: DType | null, _l, _d, _p, rg: boolean) => {
    if (high === null) [low, high] = [0, low];
    const t = emptyLike(self, dtype ?? self.dtype);
    randomFill(t, toInt(low, 'randint_like', 'low'), toInt(high, 'randint_like', 'high'), gen);
    return finish(t, rg);
  },
});

// ---- normal -------------------------------------------------------------------

/** CHECK_NORMAL_TENSOR_STD: every std >= 0 (NaN fails). */
function checkNormalTensorStd(std: Tensor): void {
  if (std.numel() === 0) return;
  const m = reduceWith(RED.AMIN, std, null, false, null, (d) => d);
  try {
    if (!(Number(m.item()) >= 0)) throw new RuntimeError('normal expects all elements of std >= 0.0');
  } finally {
    m.dispose();
  }
}

const normalTensorTensor = defineOp({
  name: 'normal.Tensor_Tensor',
  sig: 'Tensor mean, Tensor std, *, Generator? generator=None',
  fn: false,
  method: false,
  out: true,
  nodeName: 'NormalBackward3',
  forward: (mean: Tensor, std: Tensor, gen) => {
    checkNormalTensorStd(std);
    const out = Tensor._empty(broadcastShapes(mean._shape, std._shape), mean.dtype);
    normalFill(out, 0, 1, gen);
    out.mul_(std).add_(mean);
    return out;
  },
  grad: { mean: zerosOf('mean'), std: zerosOf('std') },
});

const normalTensorFloat = defineOp({
  name: 'normal.Tensor_float',
  sig: 'Tensor mean, float std=1, *, Generator? generator=None',
  fn: false,
  method: false,
  out: true,
  nodeName: 'NormalBackward1',
  forward: (mean: Tensor, std: number, gen) => {
    checkNormalStd(std);
    const out = Tensor._empty(mean._shape, mean.dtype);
    normalFill(out, 0, std, gen);
    out.add_(mean);
    return out;
  },
  grad: { mean: zerosOf('mean') },
});

const normalFloatTensor = defineOp({
  name: 'normal.float_Tensor',
  sig: 'float mean, Tensor std, *, Generator? generator=None',
  fn: false,
  method: false,
  out: true,
  nodeName: 'NormalBackward2',
  forward: (mean: number, std: Tensor, gen) => {
    checkNormalTensorStd(std);
    const out = Tensor._empty(std._shape, std.dtype);
    normalFill(out, 0, 1, gen);
    out.mul_(std).add_(mean);
    return out;
  },
  grad: { std: zerosOf('std') },
});

const normalFloatFloat = defineOp({
  name: 'normal.float_float',
  sig: `float mean, float std, int[] size, ${FACTORY_KW}`,
  fn: false,
  method: false,
  out: true,
  forward: (mean: number, std: number, size: number[], gen, dtype: DType | null, _l, _d, _p, rg: boolean) => {
    const t = Tensor._empty(checkShape(size, 'normal'), dtype ?? getDefaultDtype());
    normalFill(t, mean, std, gen);
    return finish(t, rg);
  },
});

function zerosOf(name: string) {
  return (_g: Tensor, c: Record<string, any>): Tensor => zeros([...c.meta[name].shape], { dtype: c.meta[name].dtype });
}

/**
 * Normal samples: normal(meanTensor, stdTensor), normal(meanTensor, std=1),
 * normal(mean, stdTensor), or normal(mean, std, size).
 * @example torch.normal(2, 3, [20]); torch.normal(torch.zeros(3), torch.ones(3))
 */
export function normal(...args: unknown[]): Tensor {
  const kw = args.length > 0 && isPlainObject(args[args.length - 1]) ? { ...(args.pop() as Record<string, unknown>) } : {};
  const take = (i: number, name: string): unknown => {
    if (i < args.length) {
      if (name in kw) throw new TypeError(`normal() got multiple values for argument '${name}'`);
      return args[i];
    }
    const v = kw[name];
    delete kw[name];
    return v;
  };
  if (args.length > 3) throw new TypeError(`normal() takes at most 3 positional arguments but ${args.length} were given`);
  const mean = take(0, 'mean');
  const std = take(1, 'std');
  const size = take(2, 'size');
  const isT = (v: unknown): v is Tensor => v instanceof Tensor;
  if (isT(mean) && isT(std) && size === undefined) return normalTensorTensor(mean, std, kw);
  if (isT(mean) && !isT(std) && size === undefined) return normalTensorFloat(mean, std ?? 1, kw);
  if (!isT(mean) && isT(std) && size === undefined) return normalFloatTensor(mean, std, kw);
  if (!isT(mean) && !isT(std) && size !== undefined) return normalFloatFloat(mean, std, size, kw);
  throw new TypeError(
    'normal() received an invalid combination of arguments - expected one of: (Tensor mean, Tensor std), (Tensor mean, float std), (float mean, Tensor std), (float mean, float std, tuple of ints size)',
  );
}

// ---- bernoulli ------------------------------------------------------------------

/** bernoulli(self) and the in-place bernoulli_(p): gradients are zero, as in PyTorch. */
const bernoulliOp = defineOp({
  name: 'bernoulli',
  sig: 'Tensor self, any p=None, *, Generator? generator=None',
  fn: false,
  method: false,
  inplace: true,
  out: true,
  nodeName: (_self: unknown, p: unknown) => (p === null ? 'BernoulliBackward0' : p instanceof Tensor ? 'BernoulliBackward1' : 'BernoulliBackward2'),
  forward: (self: Tensor, p: unknown, gen) => {
    const r = Tensor._empty(self._shape, self.dtype);
    bernoulliFill(r, p ?? self, gen);
    return r;
  },
  into: (out: Tensor, _self: Tensor, p: unknown, gen) => bernoulliFill(out, p ?? 0.5, gen),
  grad: {
    self: (g) => zeros([...g._shape], { dtype: g.dtype }),
    p: zerosOf('p'),
  },
});

/** bernoulli(self, p): PyTorch composes it as empty_like(self).bernoulli_(p), so no graph. */
const bernoulliP = defineOp({
  name: 'bernoulli.p',
  sig: 'Tensor self, float p, *, Generator? generator=None',
  fn: false,
  method: false,
  out: true,
  forward: (self: Tensor, p: number, gen) => {
    const r = Tensor._empty(self._shape, self.dtype);
    bernoulliFill(r, p, gen);
    return r;
  },
});

/**
 * Draws 0/1 with probability `self`, or with the float `p` when given. The in-place
 * bernoulli_(p=0.5) takes a float or a tensor of probabilities.
 * @example torch.bernoulli(torch.full([3], 0.3)); torch.bernoulli(x, 0.5)
 */
export function bernoulli(self: Tensor, ...args: unknown[]): Tensor {
  const last = args[args.length - 1];
  const kw = isPlainObject(last) ? last : {};
  const p = args.length > 0 && !isPlainObject(args[0]) ? args[0] : kw.p;
  if (typeof p === 'number' || typeof p === 'boolean') {
    const rest = { ...kw };
    delete rest.p;
    return bernoulliP(self, p, rest);
  }
  return bernoulliOp(self, ...args);
}

// bernoulli_() means p = 0.5: pass it so the node records the float overload.
const proto = Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>;
proto.bernoulli = function (this: Tensor, ...args: unknown[]): Tensor {
  return bernoulli(this, ...args);
};
const bernoulliInplace = proto.bernoulli_;
proto.bernoulli_ = function (this: Tensor, ...args: unknown[]): Tensor {
  const kw = args.length > 0 && isPlainObject(args[args.length - 1]) ? (args.pop() as Record<string, unknown>) : {};
  if (args.length === 0 && kw.p === undefined) return bernoulliInplace.call(this, 0.5, kw);
  return bernoulliInplace.call(this, ...args, kw);
};

// ---- multinomial ------------------------------------------------------------------

/**
 * Indices drawn from the rows of `self` (unnormalised probabilities): with
 * replacement by inverse CDF, without it by the largest p / Exp(1).
 * @example torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 2)
 */
export const multinomial = defineOp({
  name: 'multinomial',
  sig: 'Tensor self, int num_samples, bool replacement=False, *, Generator? generator=None',
  out: true,
  forward: (self: Tensor, nSample: number, replacement: boolean, gen) => {
    const g = generatorOf(gen, 'multinomial');
    if (self.ndim < 1 || self.ndim > 2) throw new RuntimeError('prob_dist must be 1 or 2 dim');
    if (!self.dtype.isFloatingPoint) {
      throw new RuntimeError(`multinomial only supports floating-point dtypes for input, got: ${self.dtype.scalarName}`);
    }
    if (!(nSample > 0)) throw new RuntimeError('cannot sample n_sample <= 0 samples');
    const cols = self._shape[self.ndim - 1];
    if (!replacement && nSample > cols) throw new RuntimeError('cannot sample n_sample > prob_dist.size(-1) samples without replacement');
    if (cols > 2 ** 24) throw new RuntimeError('number of categories cannot exceed 2^24');
    const rows = self.ndim === 2 ? self._shape[0] : 1;
    const out = Tensor._empty(self.ndim === 2 ? [rows, nSample] : [nSample], int64);
    if (out.numel() === 0) return out;
    const sampled = replacement && nSample > 1;
    // q ~ Exp(1) is drawn in the memory order of empty_like(self)
    const colMajor = !sampled && self.ndim === 2 && rows > 1 && cols > 1 && self._strides[0] < self._strides[1] && isDense(self);
    const probs = self.dtype === float32 || self.dtype === float64 ? self : contiguousCopy(self, float32);
    try {
      const [s0, s1] = self.ndim === 2 ? [probs._strides[0], probs._strides[1]] : [0, probs._strides[0]];
      multinomialInto(g, probs, rows, cols, s0, s1, nSample, sampled ? 0 : colMajor ? 2 : 1, out);
    } finally {
      if (probs !== self) probs.dispose();
    }
    return out;
  },
});

