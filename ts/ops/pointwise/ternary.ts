// Ops of three operands: where, lerp, addcmul/addcdiv, and clamp/clip (scalar or tensor
// bounds) with clamp_min/clamp_max.

import { Tensor, Scalar } from '../../tensor/tensor.js';
import { DType, bool, uint8 } from '../../tensor/dtype.js';
import { RuntimeError } from '../../tensor/shape.js';
import { defineOp, GradCtx } from '../registry.js';
import { binary, runElementwise, unary, where3, computeDtype } from '../elementwise.js';
import { Operand, binaryInto, ternaryInto } from '../../kernels/elementwise.js';
import { withDtype } from '../../tensor/copy.js';
import { BIN, TERNARY, UN } from '../../kernels/codes.js';
import { resultType } from '../promotion.js';
import { notImplemented, typeMetaName } from './common.js';
import type { OpMethod } from '../types.js';
import { nonzero } from '../indexing/nonzero.js';
import type { TorchOps } from '../signatures.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    where: OpMethod;
  }
}

function whereImpl(out: Tensor | null, condition: Tensor, self: Operand, other: Operand): Tensor {
  if (condition.dtype !== bool && condition.dtype !== uint8) {
    throw new RuntimeError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${condition.dtype.scalarName}`);
  }
  const cond = withDtype(condition, bool);
  try {
    return where3(cond, self, other, out);
  } finally {
    if (cond !== condition) cond.dispose();
  }
}

/**
 * self where condition holds, else other (tensors or numbers, broadcast and promoted);
 * where(condition) alone is nonzero(condition, as_tuple=True).
 * @example torch.where(mask, x, 0)
 */
export const where: TorchOps['where'] = defineOp({
  name: 'where',
  returns: (positional) => (positional === 1 ? 'Tensor[]' : 'Tensor'),
  sig: 'Tensor condition, Tensor|Scalar? self=None, Tensor|Scalar? other=None',
  out: true,
  forward: (condition: Tensor, self: Operand | null, other: Operand | null) => {
    if (self === null && other === null) return nonzero(condition, { asTuple: true });
    if (self === null || other === null) throw new TypeError('where(): expected both self and other, or neither');
    return whereImpl(null, condition, self, other);
  },
  save: ['condition'],
  grad: {
    self: (g, c) => where(c.condition, g, 0),
    other: (g, c) => where(c.condition, 0, g),
  },
});

const proto = Tensor.prototype as unknown as Record<string, unknown>;
/** x.where(condition, y) is torch.where(condition, x, y). */
proto.where = function (this: Tensor, condition: Tensor, other: Operand) {
  return where(condition, this, other);
};

function lerpImpl(out: Tensor | null, self: Tensor, end: Tensor, weight: Tensor | Scalar): Tensor {
  const check = (what: string, t: Tensor): void => {
    if (t.dtype !== self.dtype) {
      throw new RuntimeError(`expected dtype ${typeMetaName(self.dtype)} for \`${what}\` but got dtype ${typeMetaName(t.dtype)}`);
    }
  };
  check('end', end);
  if (weight instanceof Tensor) check('weight', weight);
  const dt = self.dtype;
  if (!dt.isFloatingPoint) notImplemented(weight instanceof Tensor ? 'lerp_kernel_tensor' : 'lerp_kernel_scalar', dt);
  const kd = computeDtype(dt);
  if (weight instanceof Tensor) {
    return runElementwise([self, end, weight], kd, dt, out, (o, a, b, w) => ternaryInto(TERNARY.LERP, kd, o, a, b, w, 0, 'lerp'), kd);
  }
  return runElementwise([self, end], kd, dt, out, (o, a, b) => binaryInto(BIN.LERP, kd, o, a, b, Number(weight), 'lerp'), kd);
}

/** self + weight * (end - self); weight a number or a tensor. */
export const lerp = defineOp({
  name: 'lerp',
  sig: 'Tensor self, Tensor end, Tensor|Scalar weight',
  inplace: true,
  out: true,
  save: ['self', 'end', 'weight'],
  nodeName: (_s, _e, w) => (w instanceof Tensor ? 'LerpBackward1' : 'LerpBackward0'),
  forward: (self, end, weight) => lerpImpl(null, self, end, weight),
  into: (out, self, end, weight) => lerpImpl(out, self, end, weight),
  grad: {
    self: (g, c) => (c.weight instanceof Tensor ? g.mul(c.weight.rsub(1)) : g.mul(1 - Number(c.weight))),
    end: (g, c) => g.mul(c.weight),
    weight: (g, c) => g.mul(c.end.sub(c.self)),
  },
});

function addcImpl(name: string, kop: number, out: Tensor | null, self: Tensor, t1: Tensor, t2: Tensor, value: Scalar): Tensor {
  if (kop === TERNARY.ADDCDIV && (!t1.dtype.isFloatingPoint && !t2.dtype.isFloatingPoint)) {
    throw new RuntimeError(
      'Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.',
    );
  }
  const dt = resultType(self, t1, t2);
  if (dt === bool) notImplemented(`${name}_cpu_out`, dt);
  const kd = computeDtype(dt);
  return runElementwise([self, t1, t2], kd, dt, out, (o, a, b, c) => ternaryInto(kop, kd, o, a, b, c, Number(value), name), kd);
}

/** self + value * tensor1 * tensor2. */
export const addcmul = defineOp({
  name: 'addcmul',
  sig: 'Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1',
  inplace: true,
  out: true,
  save: ['tensor1', 'tensor2'],
  forward: (self, t1, t2, value) => addcImpl('addcmul', TERNARY.ADDCMUL, null, self, t1, t2, value),
  into: (out, self, t1, t2, value) => addcImpl('addcmul', TERNARY.ADDCMUL, out, self, t1, t2, value),
  grad: {
    self: (g) => g,
    tensor1: (g, c) => g.mul(c.tensor2).mul(c.value),
    tensor2: (g, c) => g.mul(c.tensor1).mul(c.value),
  },
});

/** self + value * tensor1 / tensor2. */
export const addcdiv = defineOp({
  name: 'addcdiv',
  sig: 'Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1',
  inplace: true,
  out: true,
  save: ['tensor1', 'tensor2'],
  forward: (self, t1, t2, value) => addcImpl('addcdiv', TERNARY.ADDCDIV, null, self, t1, t2, value),
  into: (out, self, t1, t2, value) => addcImpl('addcdiv', TERNARY.ADDCDIV, out, self, t1, t2, value),
  grad: {
    self: (g) => g,
    tensor1: (g, c) => g.mul(c.value).div(c.tensor2),
    tensor2: (g, c) => g.neg().mul(c.value).mul(c.tensor1).div(c.tensor2.mul(c.tensor2)),
  },
});

// ---------------------------------------------------------------------------
// clamp

type Bound = Tensor | Scalar | null;

/** clamp's result dtype: self's, promoted with the bounds only when self is not floating. */
function clampDtype(self: Tensor, min: Bound, max: Bound): DType {
  if (min instanceof Tensor || max instanceof Tensor) {
    return resultType(...([self, min, max].filter((x) => x !== null) as Operand[]));
  }
  if (self.dtype.isFloatingPoint) return self.dtype;
  return resultType(...([self, min, max].filter((x) => x !== null) as Operand[]));
}

function clampImpl(out: Tensor | null, self: Tensor, min: Bound, max: Bound, inplace = false): Tensor {
  if (min === null && max === null) throw new RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  const dt = clampDtype(self, min, max);
  if (dt === bool) notImplemented('clamp_cpu', dt);
  if (inplace && out !== null && dt !== out.dtype && !(min instanceof Tensor || max instanceof Tensor)) {
    throw new RuntimeError(`result type ${dt.scalarName} can't be cast to the desired inplace output type ${out.dtype.scalarName}`);
  }
  if (!(min instanceof Tensor) && !(max instanceof Tensor)) {
    const lo = min === null ? NaN : Number(min);
    const hi = max === null ? NaN : Number(max);
    return unary('clamp', UN.CLAMP, self, dt, out, lo, hi);
  }
  // tensor bounds: one bound is maximum/minimum, both the clamp kernel
  if (max === null) return binary('clamp', BIN.MAXIMUM, self, min as Operand, out);
  if (min === null) return binary('clamp', BIN.MINIMUM, self, max as Operand, out);
  const kd = computeDtype(dt);
  return runElementwise([self, min, max], kd, dt, out, (o, a, b, c) => ternaryInto(TERNARY.CLAMP, kd, o, a, b, c, 0, 'clamp'), kd);
}

/** Gradient of self: g where min <= self <= max (the bounds themselves included). */
function clampSelfGrad(g: Tensor, c: GradCtx): Tensor {
  const x: Tensor = c.self;
  const { min, max } = c;
  if (min !== null && max !== null) return where(x.ge(min).logicalAnd(x.le(max)), g, 0);
  if (min !== null) return where(x.ge(min), g, 0);
  return where(x.le(max), g, 0);
}

/**
 * Limits self to [min, max]; bounds are numbers or tensors, either may be null.
 * When min > max every element becomes max.
 * @example x.clamp(0, 1); x.clamp({ max: 0 })
 */
export const clamp = defineOp({
  name: 'clamp',
  aliases: ['clip'],
  sig: 'Tensor self, Tensor|Scalar? min=None, Tensor|Scalar? max=None',
  inplace: true,
  out: true,
  save: ['self', 'min', 'max'],
  nodeName: (_s, min, max) => (min instanceof Tensor || max instanceof Tensor ? 'ClampBackward0' : 'ClampBackward1'),
  forward: (self, min, max) => clampImpl(null, self, min, max),
  into: (out, self, min, max) => clampImpl(out, self, min, max, true),
  grad: {
    self: clampSelfGrad,
    min: (g, c) => {
      const x: Tensor = c.self;
      if (c.max === null) return where(x.lt(c.min), g, 0);
      return where(x.lt(c.min).logicalAnd(c.min.lt(c.max)), g, 0);
    },
    max: (g, c) => {
      const x: Tensor = c.self;
      if (c.min === null) return where(x.gt(c.max), g, 0);
      return where(x.gt(c.max).logicalOr(c.max.lt(c.min)), g, 0);
    },
  },
});
export const clip = clamp;

/** clamp(self, min=min). */
export const clampMin = defineOp({
  name: 'clamp_min',
  sig: 'Tensor self, Tensor|Scalar min',
  inplace: true,
  out: true,
  save: ['self', 'min'],
  forward: (self, min) => clampImpl(null, self, min, null),
  into: (out, self, min) => clampImpl(out, self, min, null, true),
  grad: {
    self: (g, c) => where(c.self.ge(c.min), g, 0),
    min: (g, c) => where(c.self.lt(c.min), g, 0),
  },
});

/** clamp(self, max=max). */
export const clampMax = defineOp({
  name: 'clamp_max',
  sig: 'Tensor self, Tensor|Scalar max',
  inplace: true,
  out: true,
  save: ['self', 'max'],
  forward: (self, max) => clampImpl(null, self, null, max),
  into: (out, self, max) => clampImpl(out, self, null, max, true),
  grad: {
    self: (g, c) => where(c.self.le(c.max), g, 0),
    max: (g, c) => where(c.self.gt(c.max), g, 0),
  },
});

