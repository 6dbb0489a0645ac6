// The pointwise pieces reduction gradients are written with: differentiable exp, log,
// abs, pow, where, maximum, minimum, and constant masks (no graph: their derivative
// is zero). Each differentiable helper calls the registry's op of the same PyTorch
// name when the pointwise area has defined it, and otherwise a local definition on
// the same kernels with PyTorch's formula, so this area also works on its own.

import { Tensor, Scalar } from '../tensor/tensor.js';
import { DType } from '../tensor/dtype.js';
import { ops, callOp, defineOp } from './registry.js';
import { unary, binary, compare, where3, predicate } from './elementwise.js';
import { floatResult } from './promotion.js';
import { UN, BIN, CMP, PRED } from './codes.js';
import type { Operand } from './kernels.js';

type Fn = (...args: any[]) => Tensor;

/** The registry's op `name` when defined, else `local`. */
function preferRegistered(name: string, local: Fn): Fn {
  return (...args: unknown[]) => {
    const info = ops.get(name);
    return info ? callOp(info, ...args) : local(...args);
  };
}

// ---- constants (computed by kernels, no graph) -------------------------------------

/** bool mask of a == b (NaN equals nothing). */
export const eqMask = (a: Operand, b: Operand): Tensor => compare('eq', CMP.EQ, a, b);
export const neMask = (a: Operand, b: Operand): Tensor => compare('ne', CMP.NE, a, b);
export const gtMask = (a: Operand, b: Operand): Tensor => compare('gt', CMP.GT, a, b);
export const ltMask = (a: Operand, b: Operand): Tensor => compare('lt', CMP.LT, a, b);
export const isnanMask = (x: Tensor): Tensor => predicate('isnan', PRED.ISNAN, x);
export const orMask = (a: Tensor, b: Tensor): Tensor => compare('logical_or', CMP.LOGICAL_OR, a, b);
/** sign(x) as a constant (its derivative is zero everywhere it exists). */
export const signOf = (x: Tensor): Tensor => unary('sign', UN.SIGN, x, x.dtype);
/** A mask as a tensor of dtype dt (1 where true). */
export const asDtype = (mask: Tensor, dt: DType): Tensor => mask.to(dt);

// ---- local differentiable definitions ----------------------------------------------

const expLocal = defineOp({
  name: '_reduction_exp',
  sig: 'Tensor self',
  fn: false,
  method: false,
  nodeName: 'ExpBackward0',
  save: ['self'],
  forward: (self: Tensor) => unary('exp', UN.EXP, self, floatResult(self.dtype)),
  grad: { self: (g, c) => g.mul(exp(c.self)) },
});

const logLocal = defineOp({
  name: '_reduction_log',
  sig: 'Tensor self',
  fn: false,
  method: false,
  nodeName: 'LogBackward0',
  save: ['self'],
  forward: (self: Tensor) => unary('log', UN.LOG, self, floatResult(self.dtype)),
  grad: { self: (g, c) => g.div(c.self) },
});

const absLocal = defineOp({
  name: '_reduction_abs',
  sig: 'Tensor self',
  fn: false,
  method: false,
  nodeName: 'AbsBackward0',
  save: ['self'],
  forward: (self: Tensor) => unary('abs', UN.ABS, self, self.dtype),
  grad: { self: (g, c) => g.mul(signOf(c.self)) },
});

/** x ** p for a scalar p (PyTorch's pow_backward: p * x^(p-1), zero when p == 0). */
const powLocal = defineOp({
  name: '_reduction_pow',
  sig: 'Tensor self, Scalar exponent',
  fn: false,
  method: false,
  nodeName: 'PowBackward0',
  save: ['self'],
  forward: (self: Tensor, p: Scalar) => unary('pow', UN.POW_SCALAR, self, self.dtype, null, Number(p)),
  grad: {
    self: (g, c) => {
      const p = Number(c.exponent);
      return p === 0 ? g.mul(0) : g.mul(pow(c.self, p - 1).mul(p));
    },
  },
});

const whereLocal = defineOp({
  name: '_reduction_where',
  sig: 'Tensor condition, Tensor|Scalar self, Tensor|Scalar other',
  fn: false,
  method: false,
  nodeName: 'WhereBackward0',
  save: ['condition'],
  forward: (cond: Tensor, a: Operand, b: Operand) => where3(cond, a, b),
  grad: {
    self: (g, c) => where(c.condition, g, 0),
    other: (g, c) => where(c.condition, 0, g),
  },
});

/** maximum/minimum (PyTorch's formula): the gradient goes to the winning input, half
 * to each on ties, and to both where a NaN makes every comparison false. */
function extremeLocal(name: 'maximum' | 'minimum', kop: number) {
  const share = (self: Tensor, other: Tensor, g: Tensor, forSelf: boolean): Tensor => {
    // maximum: self loses where self < other, other where self > other; minimum mirrors
    const loses = (name === 'maximum') === forSelf ? ltMask(self, other) : gtMask(self, other);
    const w = asDtype(loses, g.dtype).neg().add(1).sub(asDtype(eqMask(self, other), g.dtype).mul(0.5));
    return g.mul(w);
  };
  return defineOp({
    name: `_reduction_${name}`,
    sig: 'Tensor self, Tensor other',
    fn: false,
    method: false,
    out: true,
    nodeName: `${name === 'maximum' ? 'Maximum' : 'Minimum'}Backward0`,
    save: ['self', 'other'],
    forward: (self: Tensor, other: Tensor) => binary(name, kop, self, other),
    grad: {
      self: (g, c) => share(c.self, c.other, g, true),
      other: (g, c) => share(c.self, c.other, g, false),
    },
  });
}
const maximumLocal = extremeLocal('maximum', BIN.MAXIMUM);
const minimumLocal = extremeLocal('minimum', BIN.MINIMUM);

// ---- the helpers ----------------------------------------------------------------------

export const exp: (x: Tensor) => Tensor = preferRegistered('exp', expLocal);
export const log: (x: Tensor) => Tensor = preferRegistered('log', logLocal);
export const abs: (x: Tensor) => Tensor = preferRegistered('abs', absLocal);
export const pow: (x: Tensor, p: number) => Tensor = preferRegistered('pow', powLocal);
export const where: (cond: Tensor, a: Operand, b: Operand) => Tensor = preferRegistered('where', whereLocal);
export const maximum: (a: Tensor, b: Tensor, options?: object) => Tensor = preferRegistered('maximum', maximumLocal);
export const minimum: (a: Tensor, b: Tensor, options?: object) => Tensor = preferRegistered('minimum', minimumLocal);
