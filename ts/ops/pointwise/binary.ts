// Binary arithmetic beyond add/sub/mul/div: floor_divide, remainder, fmod, pow and
// float_power, atan2, hypot, copysign, xlogy, logaddexp(2), maximum/minimum, fmax/fmin.
// Operands broadcast and promote like PyTorch's TensorIterator; "float ops" (atan2,
// copysign, xlogy...) turn integer results into the default float dtype.

import { Tensor } from '../../tensor/tensor.js';
import { float64 } from '../../tensor/dtype.js';
import { RuntimeError } from '../../tensor/shape.js';
import { defineOp, GradCtx } from '../registry.js';
import { binary, unary } from '../elementwise.js';
import { BIN, UN } from '../../kernels/codes.js';
import { floatResult, resultType } from '../promotion.js';
import type { Operand } from '../../kernels/elementwise.js';
import { notImplemented } from './common.js';
import { zeroGrad } from './rounding.js';
import { where } from './ternary.js';
import type { OpMethod } from '../types.js';
import type { TorchOps } from '../signatures.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    floatPower_: OpMethod;
  }
}

const needsTensor = (op: string, a: Operand, b: Operand): void => {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new TypeError(`${op}(): expected at least one of 'self' and 'other' to be a Tensor, got two numbers`);
  }
};

/** A plain binary op: promoted dtype in and out. */
function plainBinary(name: string, kop: number, self: Operand, other: Operand, out: Tensor | null): Tensor {
  needsTensor(name, self, other);
  return binary(name, kop, self, other, out);
}

/** A float op: promoted dtype, integers computed in the default float dtype. */
function floatBinary(name: string, kop: number, self: Operand, other: Operand, out: Tensor | null): Tensor {
  needsTensor(name, self, other);
  return binary(name, kop, self, other, out, 1, floatResult);
}

/** A binary op whose kernel exists for floating dtypes only. */
function floatOnlyBinary(name: string, kop: number, self: Tensor, other: Operand, out: Tensor | null): Tensor {
  const dt = resultType(self, other);
  if (!dt.isFloatingPoint) notImplemented(`${name}_cpu`, dt);
  return binary(name, kop, self, other, out);
}

/** Declares a broadcasting binary op with its in-place and out= forms. */
function binaryOp<const N extends string>(spec: {
  name: N;
  sig?: string;
  impl: (out: Tensor | null, self: any, other: any) => Tensor;
  grad?: Record<string, (g: Tensor, c: GradCtx) => Tensor | null>;
  save?: string[];
  inplace?: boolean;
  nodeName?: string | ((...args: any[]) => string);
  aliases?: string[];
}) {
  return defineOp({
    name: spec.name,
    aliases: spec.aliases,
    sig: spec.sig ?? 'Tensor self, Tensor other',
    inplace: spec.inplace ?? true,
    out: true,
    save: spec.save ?? ['self', 'other'],
    nodeName: spec.nodeName,
    forward: (self, other) => spec.impl(null, self, other),
    into: (out, self, other) => spec.impl(out, self, other),
    grad: spec.grad,
  });
}

/** self // other (floor of the quotient; integer division by zero raises). */
export const floorDivide = binaryOp({
  name: 'floor_divide',
  sig: 'Tensor self, Tensor|Scalar other',
  save: [],
  impl: (out, self, other) => plainBinary('floor_divide', BIN.FLOOR_DIVIDE, self, other, out),
  grad: { self: zeroGrad('self'), other: zeroGrad('other') },
});

/** The quotient rounded down or toward zero, as a constant for gradient formulas. */
const roundedQuotient = (a: Operand, b: Operand, kop: number): Tensor => binary('div', kop, a, b);

/** Python's %: the result takes the divisor's sign. */
export const remainder = binaryOp({
  name: 'remainder',
  sig: 'Tensor|Scalar self, Tensor|Scalar other',
  nodeName: (_s, other) => (other instanceof Tensor ? 'RemainderBackward1' : 'RemainderBackward0'),
  impl: (out, self, other) => plainBinary('remainder', BIN.REMAINDER, self, other, out),
  grad: {
    self: (g) => g,
    other: (g, c) => g.neg().mul(roundedQuotient(c.self, c.other, BIN.FLOOR_DIVIDE)),
  },
});

/** C's fmod: the result takes the dividend's sign. */
export const fmod = binaryOp({
  name: 'fmod',
  sig: 'Tensor self, Tensor|Scalar other',
  nodeName: (_s, other) => (other instanceof Tensor ? 'FmodBackward1' : 'FmodBackward0'),
  impl: (out, self, other) => plainBinary('fmod', BIN.FMOD, self, other, out),
  grad: {
    self: (g) => g,
    other: (g, c) => g.neg().mul(roundedQuotient(c.self, c.other, BIN.TRUNC_DIVIDE)),
  },
});

function powImpl(out: Tensor | null, self: Operand, exponent: Operand): Tensor {
  needsTensor('pow', self, exponent);
  if (self instanceof Tensor && !(exponent instanceof Tensor)) {
    const dt = resultType(self, exponent);
    const e = Number(exponent);
    if (!dt.isFloatingPoint && typeof exponent !== 'boolean' && e < 0) {
      throw new RuntimeError('Integers to negative integer powers are not allowed.');
    }
    // float kernels take PyTorch's shortcuts for 0.5, 2, 3, -0.5, -1, -2
    if (dt.isFloatingPoint) return unary('pow', UN.POW_SCALAR, self, dt, out, e);
  }
  return binary('pow', BIN.POW, self, exponent, out);
}

/**
 * self ** exponent: tensor ** tensor, tensor ** number and number ** tensor.
 * @example torch.pow(x, 2); torch.pow(2, x); x.pow(y)
 */
export const pow = binaryOp({
  name: 'pow',
  sig: 'Tensor|Scalar self, Tensor|Scalar exponent',
  save: ['self', 'exponent', 'result'],
  nodeName: (self, exponent) =>
    !(self instanceof Tensor) ? 'PowBackward2' : exponent instanceof Tensor ? 'PowBackward1' : 'PowBackward0',
  impl: powImpl,
  grad: {
    self: (g, c) => {
      const x: Tensor = c.self;
      const e = c.exponent;
      if (!(e instanceof Tensor)) {
        const n = Number(e);
        if (n === 0) return zeroGrad('self')(g, c);
        return g.mul(x.pow(n - 1).mul(n));
      }
      return where(e.eq(0), 0, g.mul(e.mul(x.pow(e.sub(1)))));
    },
    exponent: (g, c) => {
      const y: Tensor = c.result;
      const e: Tensor = c.exponent;
      if (c.self instanceof Tensor) {
        const x: Tensor = c.self;
        return g.mul(where(x.eq(0).logicalAnd(e.ge(0)), 0, y.mul(x.log())));
      }
      const base = Number(c.self);
      const logBase = y.mul(Math.log(base));
      return g.mul(base === 0 ? where(e.ge(0), 0, logBase) : logBase);
    },
  },
});

const toDouble = (x: Operand): Operand => (x instanceof Tensor ? x.to(float64) : Number(x));

/** pow computed in float64 (the result is always float64). */
export const floatPower = defineOp({
  name: 'float_power',
  sig: 'Tensor|Scalar self, Tensor|Scalar exponent',
  out: true,
  forward: (self: Operand, exponent: Operand) => {
    needsTensor('float_power', self, exponent);
    return pow(toDouble(self), toDouble(exponent));
  },
});

/** atan2(self, other): the angle of (other, self), in (-pi, pi]. */
export const atan2 = binaryOp({
  name: 'atan2',
  aliases: ['arctan2'],
  impl: (out, self, other) => floatBinary('atan2', BIN.ATAN2, self, other, out),
  grad: {
    self: (g, c) => g.mul(c.other).mul(c.self.mul(c.self).add(c.other.mul(c.other)).reciprocal()),
    other: (g, c) => g.mul(c.self.neg()).mul(c.self.mul(c.self).add(c.other.mul(c.other)).reciprocal()),
  },
});
export const arctan2 = atan2;

/** sqrt(self^2 + other^2) without overflow. */
export const hypot = binaryOp({
  name: 'hypot',
  save: ['self', 'other', 'result'],
  impl: (out, self, other) => floatOnlyBinary('hypot', BIN.HYPOT, self, other, out),
  grad: {
    self: (g, c) => g.mul(c.self).div(c.result),
    other: (g, c) => g.mul(c.other).div(c.result),
  },
});

/** |self| with the sign (bit) of other. */
export const copysign = binaryOp({
  name: 'copysign',
  sig: 'Tensor self, Tensor|Scalar other',
  save: ['self', 'result'],
  impl: (out, self, other) => floatBinary('copysign', BIN.COPYSIGN, self, other, out),
  grad: {
    self: (g, c) => g.mul(where(c.self.eq(0), 0, c.result.div(c.self))),
    other: zeroGrad('other'),
  },
});

/** self * log(other), 0 where self == 0 (unless other is NaN). */
export const xlogy: TorchOps['xlogy'] = binaryOp({
  name: 'xlogy',
  sig: 'Tensor|Scalar self, Tensor|Scalar other',
  impl: (out, self, other) => floatBinary('xlogy', BIN.XLOGY, self, other, out),
  grad: {
    self: (g, c) => g.mul(xlogy(c.self.ne(0), c.other)),
    other: (g, c) => g.mul(c.self).div(c.other),
  },
});

/** log(exp(self) + exp(other)) without overflow. */
export const logaddexp = binaryOp({
  name: 'logaddexp',
  inplace: false,
  impl: (out, self, other) => floatOnlyBinary('logaddexp', BIN.LOGADDEXP, self, other, out),
  grad: {
    self: (g, c) => g.div(c.other.sub(c.self).exp().add(1)),
    other: (g, c) => g.div(c.self.sub(c.other).exp().add(1)),
  },
});

/** log2(2^self + 2^other). */
export const logaddexp2 = binaryOp({
  name: 'logaddexp2',
  inplace: false,
  impl: (out, self, other) => floatOnlyBinary('logaddexp2', BIN.LOGADDEXP2, self, other, out),
  grad: {
    self: (g, c) => g.div(pow(2, c.other.sub(c.self)).add(1)),
    other: (g, c) => g.div(pow(2, c.self.sub(c.other)).add(1)),
  },
});

/** g where `self` wins, half of it on ties (PyTorch's maximum/minimum backward). */
function extremumGrad(lose: (x: Tensor, y: Tensor) => Tensor) {
  return (g: Tensor, c: GradCtx): Tensor => where(lose(c.self, c.other), 0, where(c.self.eq(c.other), g.div(2), g));
}

/**
 * Elementwise max; NaN propagates.
 * @example torch.maximum(x, y)
 */
export const maximum = binaryOp({
  name: 'maximum',
  inplace: false,
  impl: (out, self, other) => plainBinary('maximum', BIN.MAXIMUM, self, other, out),
  grad: { self: extremumGrad((x, y) => x.lt(y)), other: extremumGrad((x, y) => x.gt(y)) },
});

/** Elementwise min; NaN propagates. */
export const minimum = binaryOp({
  name: 'minimum',
  inplace: false,
  impl: (out, self, other) => plainBinary('minimum', BIN.MINIMUM, self, other, out),
  grad: { self: extremumGrad((x, y) => x.gt(y)), other: extremumGrad((x, y) => x.lt(y)) },
});

/** fmax/fmin: self's gradient where it was chosen (self wins ties, NaN loses). */
function pickGrad(cmp: 'ge' | 'le', toSelf: boolean) {
  return (g: Tensor, c: GradCtx): Tensor => {
    const selfChosen = c.self[cmp](c.other).logicalOr(c.other.isnan());
    return toSelf ? where(selfChosen, g, 0) : where(selfChosen, 0, g);
  };
}

/** Elementwise max ignoring a NaN operand. */
export const fmax = binaryOp({
  name: 'fmax',
  inplace: false,
  impl: (out, self, other) => plainBinary('fmax', BIN.FMAX, self, other, out),
  grad: { self: pickGrad('ge', true), other: pickGrad('ge', false) },
});

/** Elementwise min ignoring a NaN operand. */
export const fmin = binaryOp({
  name: 'fmin',
  inplace: false,
  impl: (out, self, other) => plainBinary('fmin', BIN.FMIN, self, other, out),
  grad: { self: pickGrad('le', true), other: pickGrad('le', false) },
});

const proto = Tensor.prototype as unknown as Record<string, unknown>;
proto.floatPower_ = function (this: Tensor, exponent: Operand) {
  if (this.dtype !== float64) {
    throw new RuntimeError(`the base given to float_power_ has dtype ${this.dtype.scalarName} but the operation's result requires dtype Double`);
  }
  return this.pow_(toDouble(exponent));
};

