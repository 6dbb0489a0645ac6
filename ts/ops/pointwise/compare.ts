// Comparisons (eq, ne, lt, le, gt, ge and their long names), logical ops, and the
// predicates isnan/isinf/isfinite/isposinf/isneginf/signbit. All give bool tensors
// (in-place forms write 0/1 in self's dtype) and are not differentiable.

import { Tensor } from '../../tensor/tensor.js';
import { bool, getDefaultDtype } from '../../tensor/dtype.js';
import { RuntimeError } from '../../tensor/shape.js';
import { tidy } from '../../tensor/scope.js';
import { typeMetaName } from './common.js';
import { defineOp } from '../registry.js';
import { functional, method } from '../composite.js';
import { compare, predicate } from '../elementwise.js';
import { CMP, PRED } from '../../kernels/codes.js';
import type { Operand } from '../../kernels/elementwise.js';
import type { OpAny } from '../types.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    allclose(other: Tensor, ...rest: unknown[]): boolean; equal(other: Tensor): boolean;
  }
}

function compareOp<const N extends string>(name: N, kop: number, other = 'Tensor|Scalar', aliases: string[] = []) {
  return defineOp({
    name,
    aliases,
    sig: `Tensor self, ${other} other`,
    inplace: true,
    out: true,
    forward: (self: Tensor, o: Operand) => compare(name, kop, self, o),
    into: (out: Tensor, self: Tensor, o: Operand) => compare(name, kop, self, o, out),
  });
}

/**
 * Elementwise self == other, broadcast, as a bool tensor.
 * @example torch.eq(x, 0.5)
 */
export const eq = compareOp('eq', CMP.EQ);
export const ne = compareOp('ne', CMP.NE, undefined, ['not_equal']);
export const lt = compareOp('lt', CMP.LT, undefined, ['less']);
export const le = compareOp('le', CMP.LE, undefined, ['less_equal']);
/**
 * Elementwise self > other, broadcast, as a bool tensor.
 * @example x.gt(0)
 */
export const gt = compareOp('gt', CMP.GT, undefined, ['greater']);
export const ge = compareOp('ge', CMP.GE, undefined, ['greater_equal']);
export { gt as greater, ge as greaterEqual, lt as less, le as lessEqual, ne as notEqual };

/** Elementwise and/or/xor of truth values (nonzero is true). */
export const logicalAnd = compareOp('logical_and', CMP.LOGICAL_AND, 'Tensor');
export const logicalOr = compareOp('logical_or', CMP.LOGICAL_OR, 'Tensor');
export const logicalXor = compareOp('logical_xor', CMP.LOGICAL_XOR, 'Tensor');

function predicateOp<const N extends string>(name: N, kop: number, opts: { inplace?: boolean; out?: boolean } = {}) {
  return defineOp({
    name,
    sig: 'Tensor self',
    inplace: opts.inplace ?? false,
    out: opts.out ?? false,
    forward: (self: Tensor) => predicate(name, kop, self),
    into: (out: Tensor, self: Tensor) => predicate(name, kop, self, out),
  });
}

export const logicalNot = predicateOp('logical_not', PRED.LOGICAL_NOT, { inplace: true, out: true });
export const isnan = predicateOp('isnan', PRED.ISNAN);
export const isinf = predicateOp('isinf', PRED.ISINF);
export const isfinite = predicateOp('isfinite', PRED.ISFINITE);
export const isposinf = predicateOp('isposinf', PRED.ISPOSINF, { out: true });
export const isneginf = predicateOp('isneginf', PRED.ISNEGINF, { out: true });
export const signbit = predicateOp('signbit', PRED.SIGNBIT, { out: true });

const proto = Tensor.prototype as unknown as Record<string, unknown>;

/** How many elements of a bool tensor are false (0 when all hold). */
const countFalse = (t: Tensor): number => Number(t.logicalNot().sum().item());

/**
 * |self - other| <= atol + rtol * |other| elementwise; NaNs equal each other when equal_nan.
 * @example torch.isclose(a, b, { rtol: 1e-3 })
 */
export const isclose = defineOp({
  name: 'isclose',
  sig: 'Tensor self, Tensor other, float rtol=1e-05, float atol=1e-08, bool equal_nan=False',
  forward: (self: Tensor, other: Tensor, rtol: number, atol: number, equalNan: boolean) => {
    if (self.dtype !== other.dtype) throw new RuntimeError(`${self.dtype.scalarName} did not match ${other.dtype.scalarName}`);
    if (!(rtol >= 0)) throw new RuntimeError(`rtol must be greater than or equal to zero, but got ${rtol}`);
    if (!(atol >= 0)) throw new RuntimeError(`atol must be greater than or equal to zero, but got ${atol}`);
    let close = self.eq(other);
    if (equalNan && self.dtype.isFloatingPoint) close = close.logicalOr(self.isnan().logicalAnd(other.isnan()));
    if (rtol === 0 && atol === 0) return close;
    const a = self.dtype === bool ? self.to(getDefaultDtype()) : self;
    const b = other.dtype === bool ? other.to(getDefaultDtype()) : other;
    const allowed = b.mul(rtol).abs().add(atol);
    const actual = a.sub(b).abs();
    return close.logicalOr(actual.isfinite().logicalAnd(actual.le(allowed)));
  },
});

const ALLCLOSE_SIG = 'Tensor other, float rtol=1e-05, float atol=1e-08, bool equal_nan=False';
const closeAll = (self: Tensor, other: Tensor, rtol: number, atol: number, equalNan: boolean): boolean =>
  tidy(() => countFalse((isclose as OpAny)(self, other, rtol, atol, equalNan)) === 0);

/** Whether every element of self is close to other's (see isclose). */
export const allclose = functional<(self: Tensor, other: Tensor, ...rest: unknown[]) => boolean>('allclose', `Tensor self, ${ALLCLOSE_SIG}`, closeAll);

/** Same shape and the same values (NaN is never equal). */
export const equal = functional<(self: Tensor, other: Tensor) => boolean>('equal', 'Tensor self, Tensor other', sameValues);

function sameValues(self: Tensor, other: Tensor): boolean {
  if (self.dtype !== other.dtype) {
    throw new RuntimeError(`Expected object of scalar type ${typeMetaName(self.dtype)} but got scalar type ${typeMetaName(other.dtype)} for argument 'other'`);
  }
  if (self.ndim !== other.ndim || self.shape.some((s, i) => s !== other.shape[i])) return false;
  return tidy(() => countFalse(self.eq(other)) === 0);
}
proto.allclose = method('allclose', ALLCLOSE_SIG, closeAll);
proto.equal = method('equal', 'Tensor other', sameValues);
