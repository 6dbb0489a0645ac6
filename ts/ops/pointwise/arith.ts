// add, sub, mul, div, neg: the arithmetic every other file leans on.

import { Tensor } from '../../tensor/tensor.js';
import { bool } from '../../tensor/dtype.js';
import { RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { binary, unary } from '../elementwise.js';
import { BIN, UN } from '../../kernels/codes.js';
import { floatResult, resultType } from '../promotion.js';
import { zerosLike } from '../creation/factories.js';
import type { Operand } from '../../kernels/elementwise.js';


const isBool = (x: Operand): boolean => (x instanceof Tensor ? x.dtype === bool : typeof x === 'boolean');

function addLike(name: string, sign: 1 | -1) {
  return (out: Tensor | null, self: Tensor, other: Operand, alpha: number | boolean): Tensor => {
    if (sign < 0 && isBool(self) && isBool(other)) {
      throw new RuntimeError(
        'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.',
      );
    }
    const dt = resultType(self, other);
    if (typeof alpha === 'boolean' && dt !== bool) throw new RuntimeError('Boolean alpha only supported for Boolean results.');
    if (!dt.isFloatingPoint && typeof alpha === 'number' && !Number.isInteger(alpha)) {
      throw new RuntimeError('For integral input tensors, argument alpha must not be a floating point number.');
    }
    const a = Number(alpha);
    const kop = a === 1 ? (sign > 0 ? BIN.ADD : BIN.SUB) : sign > 0 ? BIN.AXPY : BIN.AXMY;
    return binary(name, kop, self, other, out, a);
  };
}

const addImpl = addLike('add', 1);
const subImpl = addLike('sub', -1);

/**
 * self + alpha * other, broadcasting, with PyTorch's type promotion.
 * @example torch.add(x, y, { alpha: 2 })
 */
export const add = defineOp({
  name: 'add',
  sig: 'Tensor self, Tensor|Scalar other, *, Scalar alpha=1',
  inplace: true,
  out: true,
  forward: (self, other, alpha) => addImpl(null, self, other, alpha),
  into: (out, self, other, alpha) => addImpl(out, self, other, alpha),
  grad: {
    self: (g) => g,
    other: (g, c) => (Number(c.alpha) === 1 ? g : g.mul(c.alpha)),
  },
});

/**
 * self - alpha * other.
 * @example torch.sub(x, y, { alpha: 2 })  // x - 2 * y
 */
export const sub = defineOp({
  name: 'sub',
  aliases: ['subtract'],
  sig: 'Tensor self, Tensor|Scalar other, *, Scalar alpha=1',
  inplace: true,
  out: true,
  forward: (self, other, alpha) => subImpl(null, self, other, alpha),
  into: (out, self, other, alpha) => subImpl(out, self, other, alpha),
  grad: {
    self: (g) => g,
    other: (g, c) => (Number(c.alpha) === 1 ? g.neg() : g.mul(-Number(c.alpha))),
  },
});
export const subtract = sub;

/** other - alpha * self (Python's `scalar - tensor`). */
export const rsub = defineOp({
  name: 'rsub',
  sig: 'Tensor self, Tensor|Scalar other, *, Scalar alpha=1',
  forward: (self, other, alpha) =>
    other instanceof Tensor ? subImpl(null, other, self, alpha) : binary('rsub', BIN.AXMY, other, self, null, Number(alpha)),
  grad: { self: (g, c) => g.mul(-Number(c.alpha)), other: (g) => g },
});

const mulImpl = (out: Tensor | null, self: Tensor, other: Operand): Tensor => binary('mul', BIN.MUL, self, other, out);

/**
 * Elementwise product.
 * @example torch.mul(x, 2); x.mul(y)
 */
export const mul = defineOp({
  name: 'mul',
  aliases: ['multiply'],
  sig: 'Tensor self, Tensor|Scalar other',
  inplace: true,
  out: true,
  save: ['self', 'other'],
  forward: (self, other) => mulImpl(null, self, other),
  into: (out, self, other) => mulImpl(out, self, other),
  grad: {
    self: (g, c) => g.mul(c.other),
    other: (g, c) => g.mul(c.self),
  },
});
export const multiply = mul;

function divImpl(out: Tensor | null, self: Tensor, other: Operand, mode: string | null): Tensor {
  if (mode === null) return binary('div', BIN.DIV, self, other, out, 1, floatResult);
  if (mode === 'trunc') return binary('div', BIN.TRUNC_DIVIDE, self, other, out);
  if (mode === 'floor') return binary('div', BIN.FLOOR_DIVIDE, self, other, out);
  throw new RuntimeError(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${mode}'`);
}

/**
 * True division (ints give floats); rounding_mode 'trunc' or 'floor' rounds the quotient.
 * @example torch.div(x, y, { roundingMode: 'floor' })
 */
export const div = defineOp({
  name: 'div',
  aliases: ['divide'],
  sig: 'Tensor self, Tensor|Scalar other, *, str? rounding_mode=None',
  inplace: true,
  out: true,
  save: ['self', 'other'],
  forward: (self, other, mode) => divImpl(null, self, other, mode),
  into: (out, self, other, mode) => divImpl(out, self, other, mode),
  grad: {
    // rounded quotients are piecewise constant: zeros (not g * 0, which keeps NaN)
    self: (g, c) => (c.rounding_mode !== null ? zerosLike(g) : g.div(c.other)),
    // PyTorch's div_tensor_other_backward: -grad * ((self / other) / other)
    other: (g, c) => (c.rounding_mode !== null ? zerosLike(g) : g.neg().mul(c.self.div(c.other).div(c.other))),
  },
});
export const divide = div;

export const trueDivide = defineOp({
  name: 'true_divide',
  sig: 'Tensor self, Tensor|Scalar other',
  inplace: true,
  out: true,
  forward: (self, other) => div(self, other),
});

/** -self. */
export const neg = defineOp({
  name: 'neg',
  aliases: ['negative'],
  sig: 'Tensor self',
  inplace: true,
  out: true,
  forward: (self: Tensor) => negImpl(null, self),
  into: (out, self: Tensor) => negImpl(out, self),
  grad: { self: (g) => g.neg() },
});
export const negative = neg;

function negImpl(out: Tensor | null, self: Tensor): Tensor {
  if (self.dtype === bool) {
    throw new RuntimeError(
      'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
    );
  }
  return unary('neg', UN.NEG, self, self.dtype, out);
}

