// Bitwise ops on integer and bool tensors: and, or, xor, not, left and right shifts.
// Floating operands raise PyTorch's "not implemented" error.

import { Tensor } from '../../tensor/tensor.js';
import { bool } from '../../tensor/dtype.js';
import { defineOp } from '../registry.js';
import { binary, unary } from '../elementwise.js';
import { BIN, UN } from '../../kernels/codes.js';
import { resultType } from '../promotion.js';
import type { Operand } from '../../kernels/elementwise.js';
import { notImplemented } from './common.js';


function bitwiseOp<const N extends string>(name: N, kop: number, kernel: string, opts: { scalarSelf?: boolean; bools?: boolean } = {}) {
  const impl = (out: Tensor | null, self: Operand, other: Operand): Tensor => {
    if (!(self instanceof Tensor) && !(other instanceof Tensor)) {
      throw new TypeError(`${name}(): expected at least one of 'self' and 'other' to be a Tensor, got two numbers`);
    }
    const dt = resultType(self, other);
    if (dt.isFloatingPoint || (dt === bool && opts.bools === false)) notImplemented(kernel, dt);
    return binary(name, kop, self, other, out);
  };
  return defineOp({
    name,
    sig: `${opts.scalarSelf ? 'Tensor|Scalar' : 'Tensor'} self, Tensor|Scalar other`,
    inplace: true,
    out: true,
    forward: (self: Operand, other: Operand) => impl(null, self, other),
    into: (out: Tensor, self: Operand, other: Operand) => impl(out, self, other),
  });
}

export const bitwiseAnd = bitwiseOp('bitwise_and', BIN.BITWISE_AND, 'bitwise_and_cpu');
export const bitwiseOr = bitwiseOp('bitwise_or', BIN.BITWISE_OR, 'bitwise_or_cpu');
export const bitwiseXor = bitwiseOp('bitwise_xor', BIN.BITWISE_XOR, 'bitwise_xor_cpu');
export const bitwiseLeftShift = bitwiseOp('bitwise_left_shift', BIN.SHIFT_LEFT, 'lshift_cpu', { scalarSelf: true, bools: false });
export const bitwiseRightShift = bitwiseOp('bitwise_right_shift', BIN.SHIFT_RIGHT, 'rshift_cpu', { scalarSelf: true, bools: false });

function notImpl(out: Tensor | null, self: Tensor): Tensor {
  if (self.dtype.isFloatingPoint) notImplemented('bitwise_not_cpu', self.dtype);
  return unary('bitwise_not', UN.BITWISE_NOT, self, self.dtype, out);
}

/** ~self: bit complement of integers, logical not of bools. */
export const bitwiseNot = defineOp({
  name: 'bitwise_not',
  sig: 'Tensor self',
  inplace: true,
  out: true,
  forward: (self: Tensor) => notImpl(null, self),
  into: (out: Tensor, self: Tensor) => notImpl(out, self),
});
