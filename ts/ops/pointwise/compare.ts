// Comparisons (eq, ne, lt, le, gt, ge and their long names), logical ops, and the
// predicates isnan/isinf/isfinite/isposinf/isneginf/signbit. All give bool tensors
// (in-place forms write 0/1 in self's dtype) and are not differentiable.

import { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../registry.js';
import { compare, predicate } from '../elementwise.js';
import { CMP, PRED } from '../codes.js';
import type { Operand } from '../kernels.js';
import type { OpMethod } from '../types.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    eq: OpMethod; eq_: OpMethod; ne: OpMethod; ne_: OpMethod; lt: OpMethod; lt_: OpMethod;
    le: OpMethod; le_: OpMethod; gt: OpMethod; gt_: OpMethod; ge: OpMethod; ge_: OpMethod;
    greater: OpMethod; greater_: OpMethod; greaterEqual: OpMethod; greaterEqual_: OpMethod;
    less: OpMethod; less_: OpMethod; lessEqual: OpMethod; lessEqual_: OpMethod; notEqual: OpMethod; notEqual_: OpMethod;
    logicalAnd: OpMethod; logicalAnd_: OpMethod; logicalOr: OpMethod; logicalOr_: OpMethod;
    logicalXor: OpMethod; logicalXor_: OpMethod; logicalNot: OpMethod; logicalNot_: OpMethod;
    isnan: OpMethod; isinf: OpMethod; isfinite: OpMethod; isposinf: OpMethod; isneginf: OpMethod; signbit: OpMethod;
  }
}

function compareOp(name: string, kop: number, other = 'Tensor|Scalar') {
  return defineOp({
    name,
    sig: `Tensor self, ${other} other`,
    inplace: true,
    out: true,
    forward: (self: Tensor, o: Operand) => compare(name, kop, self, o),
    into: (out: Tensor, self: Tensor, o: Operand) => compare(name, kop, self, o, out),
  });
}

export const eq = compareOp('eq', CMP.EQ);
export const ne = compareOp('ne', CMP.NE);
export const lt = compareOp('lt', CMP.LT);
export const le = compareOp('le', CMP.LE);
export const gt = compareOp('gt', CMP.GT);
export const ge = compareOp('ge', CMP.GE);
export { gt as greater, ge as greaterEqual, lt as less, le as lessEqual, ne as notEqual };

/** Elementwise and/or/xor of truth values (nonzero is true). */
export const logicalAnd = compareOp('logical_and', CMP.LOGICAL_AND, 'Tensor');
export const logicalOr = compareOp('logical_or', CMP.LOGICAL_OR, 'Tensor');
export const logicalXor = compareOp('logical_xor', CMP.LOGICAL_XOR, 'Tensor');

function predicateOp(name: string, kop: number, opts: { inplace?: boolean; out?: boolean } = {}) {
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
for (const [alias, name] of [['greater', 'gt'], ['greaterEqual', 'ge'], ['less', 'lt'], ['lessEqual', 'le'], ['notEqual', 'ne']]) {
  proto[alias] = proto[name];
  proto[`${alias}_`] = proto[`${name}_`];
}
