// The in-place distribution methods: uniform_, normal_, random_, exponential_,
// cauchy_, log_normal_, geometric_, bernoulli_. Their gradient is zero, as PyTorch
// defines it; each checks its arguments before drawing anything.

import { Tensor } from '../tensor/tensor.js';
import { DType, bfloat16, float32, float64, int64, bool } from '../tensor/dtype.js';
import { RuntimeError } from '../tensor/shape.js';
import { defineOp } from '../ops/registry.js';
import { isPlainObject } from '../ops/signature.js';
import { zerosLike } from '../ops/creation/factories.js';
import { generatorOf } from './generator.js';
import {
  uniformInto, normalInto, randomRangeInto, randomFullInto, randomBitsInto, transformInto, bernoulliTensorInto, TRANSFORM,
} from '../kernels/random.js';
import { cppDouble, notImplementedFor, typeMetaName } from './messages.js';


const zeroGrad = (g: Tensor): Tensor => zerosLike(g);

/** Largest finite value of each floating dtype. */
const FLOAT_MAX: Record<string, number> = {
  float32: 3.4028234663852886e38, float64: Number.MAX_VALUE, float16: 65504, bfloat16: 3.3895313892515355e38,
};
/** numeric_limits<T>::digits of each floating dtype. */
const DIGITS: Record<string, number> = { float32: 24, float64: 53, float16: 11, bfloat16: 8 };

function requireFloating(t: Tensor, kernel: string): void {
  if (!t.dtype.isFloatingPoint) throw new RuntimeError(notImplementedFor(kernel, t.dtype));
}

/** Declares an in-place random method `name_` whose kernel is `fill(self, ...args)`. */
function inplaceOp(name: string, sig: string, fill: (self: Tensor, ...args: any[]) => void, nodeName?: string): void {
  defineOp({
    name,
    sig,
    fn: false,
    method: false,
    inplace: true,
    nodeName,
    into: (out: Tensor, _self: Tensor, ...args: unknown[]) => fill(out, ...args),
    forward: (self: Tensor, ...args: unknown[]) => {
      const r = Tensor._empty(self._shape, self.dtype);
      fill(r, ...args);
      return r;
    },
    grad: { self: zeroGrad },
  });
}

inplaceOp('uniform', 'Tensor self, float from=0, float to=1, *, Generator? generator=None', (self, from: number, to: number, gen) => {
  const g = generatorOf(gen, 'uniform_');
  if (self.numel() === 0) return;
  requireFloating(self, 'check_uniform_bounds');
  const max = FLOAT_MAX[self.dtype.name];
  const what = typeMetaName(self.dtype);
  if (!(from >= -max && from <= max)) throw new RuntimeError(`from is out of bounds for ${what}`);
  if (!(to >= -max && to <= max)) throw new RuntimeError(`to is out of bounds for ${what}`);
  if (!(from <= to)) throw new RuntimeError(`uniform_ expects to return a [from, to) range, but found from=${cppDouble(from)} > to=${cppDouble(to)}`);
  if (!(to - from <= max)) {
    throw new RuntimeError(
      `uniform_ expects to-from <= std::numeric_limits<${self.dtype.scalarName}>::max(), but found to=${cppDouble(to)} and from=${cppDouble(from)} which result in to-from to exceed the limit`,
    );
  }
  uniformInto(g, self, from, to);
});

/** CHECK_NORMAL_STD */
export function checkNormalStd(std: number): void {
  if (!(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${cppDouble(std)}`);
}

/** normal_ itself, shared by torch.normal and the factories. */
export function normalFill(self: Tensor, mean: number, std: number, gen: unknown): void {
  const g = generatorOf(gen, 'normal_');
  checkNormalStd(std);
  requireFloating(self, 'normal_kernel_cpu');
  normalInto(g, self, mean, std);
}

inplaceOp('normal', 'Tensor self, float mean=0, float std=1, *, Generator? generator=None', normalFill);

// ---- random_ ---------------------------------------------------------------

const INT_LIMITS: Record<string, [bigint, bigint]> = {
  int64: [-(1n << 63n), (1n << 63n) - 1n], int32: [-(1n << 31n), (1n << 31n) - 1n], int16: [-32768n, 32767n],
  int8: [-128n, 127n], uint8: [0n, 255n], bool: [0n, 1n],
};
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** static_cast<int64_t>(static_cast<T>(v)) for a floating T: round to `digits` bits, nearest even. */
function roundToDigits(v: bigint, digits: number): bigint {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const len = a.toString(2).length;
  if (len <= digits) return v;
  const shift = BigInt(len - digits);
  let q = a >> shift;
  const rem = a & ((1n << shift) - 1n);
  const half = 1n << (shift - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  const r = q << shift;
  return neg ? -r : r;
}

const bitLength = (v: bigint): number => (v === 0n ? 0 : v.toString(2).length);

/** update_from<T>: moves `from` up when T cannot hold from + 1. */
function updateFrom(from: bigint, dt: DType): bigint {
  const digits = DIGITS[dt.name];
  const fromPlus1 = roundToDigits(from + 1n, digits);
  if (fromPlus1 < from) {
    const n = bitLength(from + 1n < 0n ? -(from + 1n) : from + 1n) - 1;
    return fromPlus1 + (1n << BigInt(n - digits + 1));
  }
  return from;
}

/** update_to<T>: moves `to` down when T cannot hold to - 1. */
function updateTo(to: bigint, dt: DType): bigint {
  const digits = DIGITS[dt.name];
  const toMinus1 = roundToDigits(to - 1n, digits);
  if (toMinus1 >= to) {
    const n = bitLength(to - 1n < 0n ? -(to - 1n) : to - 1n) - 1;
    return toMinus1 - (1n << BigInt(n - digits + 1));
  }
  return to;
}

function checkFromToInRange(from: bigint, toInc: bigint, dt: DType): void {
  const what = typeMetaName(dt);
  if (dt.isFloatingPoint) {
    const max = FLOAT_MAX[dt.name];
    const inRange = (v: bigint): boolean => Number(v) >= -max && Number(v) <= max;
    if (!inRange(from)) throw new RuntimeError(`from is out of bounds for ${what}`);
    if (!inRange(toInc)) throw new RuntimeError(`to - 1 is out of bounds for ${what}`);
  } else {
    const [lo, hi] = INT_LIMITS[dt.name];
    if (from < lo || from > hi) throw new RuntimeError(`from is out of bounds for ${what}`);
    if (toInc < lo || toInc > hi) throw new RuntimeError(`to - 1 is out of bounds for ${what}`);
  }
}

function toInt64(v: unknown, arg: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw new TypeError(`random_(): argument '${arg}' must be int, not ${typeof v === 'number' ? 'float' : typeof v}`);
}

/**
 * random_ in its three forms: `bits` (no bounds), [from, to), or [from, max] when
 * `to` is null. Shared with randint.
 */
export function randomFill(self: Tensor, from: bigint | null, to: bigint | null, gen: unknown): void {
  const g = generatorOf(gen, 'random_');
  const dt = self.dtype;
  if (from === null) {
    if (self.numel() === 0) return;
    randomBitsInto(g, self);
    return;
  }
  if (to !== null) {
    if (!(from < to)) throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${from} >= to=${to}`);
    if (dt.isFloatingPoint) {
      from = updateFrom(from, dt);
      to = updateTo(to, dt);
      if (!(from < to)) {
        throw new RuntimeError(`random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from=${from} >= to=${to}`);
      }
    }
    checkFromToInRange(from, to - 1n, dt);
    if (self.numel() === 0) return;
    randomRangeInto(g, self, BigInt.asUintN(64, to - from), from);
    return;
  }
  if (from !== INT64_MIN) {
    let toInc: bigint;
    if (dt.isFloatingPoint) {
      const m = 1n << BigInt(DIGITS[dt.name]);
      toInc = m > INT64_MAX ? INT64_MAX : m;
      from = updateFrom(from, dt);
      if (!(from < toInc)) {
        throw new RuntimeError(`random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to dtype, but got from=${from} > to_inc=${toInc}`);
      }
    } else {
      toInc = INT_LIMITS[dt.name][1];
    }
    checkFromToInRange(from, toInc, dt);
    if (self.numel() === 0) return;
    randomRangeInto(g, self, BigInt.asUintN(64, toInc - from + 1n), from);
    return;
  }
  if (self.numel() === 0) return;
  if (![int64, float64, float32, bfloat16].includes(dt)) {
    throw new RuntimeError('random_full_64_bits_range_kernel_cpu handles only int64, double, float and bfloat16');
  }
  randomFullInto(g, self);
}

// 'any from': null means random_() without bounds; 'to' null means up to the type's max.
inplaceOp('random', 'Tensor self, any from=None, any to=None, *, Generator? generator=None', (self, from, to, gen) =>
  randomFill(self, from === null ? null : toInt64(from, 'from'), to === null ? null : toInt64(to, 'to'), gen),
  'RandomBackward0',
);

// Python's overloads: random_(), random_(to), random_(from, to), random_(from, None).
const proto = Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>;
const randomBound = proto.random_;
proto.random_ = function (this: Tensor, ...args: unknown[]): Tensor {
  const kw = args.length > 0 && isPlainObject(args[args.length - 1]) ? (args.pop() as Record<string, unknown>) : {};
  const { from, to, ...rest } = kw;
  if (args.length > 2) throw new TypeError(`random_() takes at most 2 positional arguments but ${args.length} were given`);
  if (args.length === 2) return randomBound.call(this, args[0], args[1], rest);
  if (args.length === 1) {
    if (from !== undefined) return randomBound.call(this, from, args[0] ?? null, rest);
    return randomBound.call(this, 0, args[0], rest);
  }
  if (from !== undefined) return randomBound.call(this, from, to ?? null, rest);
  if (to !== undefined) return randomBound.call(this, 0, to, rest);
  return randomBound.call(this, null, null, rest);
};

// ---- transforms of one uniform ---------------------------------------------------

inplaceOp('exponential', 'Tensor self, float lambd=1, *, Generator? generator=None', (self, lambd: number, gen) => {
  const g = generatorOf(gen, 'exponential_');
  if (!(lambd >= 0)) throw new RuntimeError(`exponential_ expects lambda >= 0.0, but found lambda=${cppDouble(lambd)}`);
  if (self.numel() === 0) return;
  requireFloating(self, 'exponential_cpu');
  transformInto(g, TRANSFORM.EXPONENTIAL, self, lambd, 0, 'exponential_');
});

inplaceOp('cauchy', 'Tensor self, float median=0, float sigma=1, *, Generator? generator=None', (self, median: number, sigma: number, gen) => {
  const g = generatorOf(gen, 'cauchy_');
  if (self.numel() === 0) return;
  requireFloating(self, 'cauchy_cpu');
  transformInto(g, TRANSFORM.CAUCHY, self, median, sigma, 'cauchy_');
});

inplaceOp('log_normal', 'Tensor self, float mean=1, float std=2, *, Generator? generator=None', (self, mean: number, std: number, gen) => {
  const g = generatorOf(gen, 'log_normal_');
  if (!(std > 0)) throw new RuntimeError(`log_normal_ expects std > 0.0, but found std=${cppDouble(std)}`);
  if (self.numel() === 0) return;
  requireFloating(self, 'log_normal_cpu');
  transformInto(g, TRANSFORM.LOG_NORMAL, self, mean, std, 'log_normal_');
});

inplaceOp('geometric', 'Tensor self, float p, *, Generator? generator=None', (self, p: number, gen) => {
  const g = generatorOf(gen, 'geometric_');
  if (!(p > 0 && p < 1)) throw new RuntimeError(`geometric_ expects p to be in (0, 1), but got p=${cppDouble(p)}`);
  if (self.numel() === 0) return;
  if (self.dtype === bool) throw new RuntimeError(notImplementedFor('geometric_cpu', self.dtype));
  transformInto(g, TRANSFORM.GEOMETRIC, self, p, 0, 'geometric_');
});

// ---- bernoulli_ ----------------------------------------------------------------

/** bernoulli_(p): a float p draws double uniforms; a tensor p broadcasts to self. */
export function bernoulliFill(self: Tensor, p: unknown, gen: unknown): void {
  const g = generatorOf(gen, 'bernoulli_');
  if (p instanceof Tensor) {
    if (!p.dtype.isFloatingPoint) throw new RuntimeError(notImplementedFor('bernoulli_tensor_cpu_p_', p.dtype));
    const pe = p.expand(self._shape) as Tensor;
    try {
      bernoulliTensorInto(g, self, pe);
    } finally {
      pe.dispose();
    }
    return;
  }
  if (typeof p !== 'number' && typeof p !== 'boolean') {
    throw new TypeError(`bernoulli_(): argument 'p' must be float or Tensor, not ${typeof p}`);
  }
  const pv = Number(p);
  if (!(pv >= 0 && pv <= 1)) throw new RuntimeError(`bernoulli_ expects p to be in [0, 1], but got p=${cppDouble(pv)}`);
  transformInto(g, TRANSFORM.BERNOULLI, self, pv, 0, 'bernoulli_');
}

