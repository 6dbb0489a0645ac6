// The pieces reduction gradients are written with: the pointwise ops, and constant
// masks computed by kernels without a graph (their derivative is zero).

import { Tensor } from '../../tensor/tensor.js';
import { DType } from '../../tensor/dtype.js';
import { unary, compare, predicate } from '../elementwise.js';
import { UN, CMP, PRED } from '../../kernels/codes.js';
import type { Operand } from '../../kernels/elementwise.js';

export { exp, log } from '../pointwise/unary.js';
export { abs } from '../pointwise/rounding.js';
export { pow, maximum, minimum } from '../pointwise/binary.js';
export { where } from '../pointwise/ternary.js';

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

