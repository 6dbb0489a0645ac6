// torch.where: where(condition, self, other) picks elementwise (broadcasting, with
// type promotion); where(condition) alone is nonzero(condition, as_tuple=True).

import { Tensor, Scalar } from '../../tensor/tensor.js';
import { bool, uint8 } from '../../tensor/dtype.js';
import { RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { contiguousCopy } from '../kernels.js';
import { where3 } from '../elementwise.js';
import { nonzero } from './index_ops.js';
import type { OpFn } from '../types.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    /** x.where(condition, y) is torch.where(condition, x, y). */
    where(condition: Tensor, other: Tensor | Scalar): Tensor;
  }
}

export const where: OpFn = defineOp({
  name: 'where',
  sig: 'Tensor condition, Tensor|Scalar? self=None, Tensor|Scalar? other=None',
  save: ['condition'],
  forward: (condition: Tensor, self: Tensor | Scalar | null, other: Tensor | Scalar | null) => {
    if (self === null && other === null) return nonzero(condition, { asTuple: true });
    if (self === null || other === null) throw new TypeError('where(): expected both self and other, or neither');
    if (condition.dtype !== bool && condition.dtype !== uint8) {
      throw new RuntimeError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${condition.dtype.scalarName}`);
    }
    const c = condition.dtype === bool ? condition : contiguousCopy(condition, bool);
    return where3(c, self, other);
  },
  grad: {
    self: (g, c) => where(c.condition, g, 0),
    other: (g, c) => where(c.condition, 0, g),
  },
});

(Tensor.prototype as unknown as Record<string, unknown>).where = function (this: Tensor, condition: Tensor, other: Tensor | Scalar) {
  return where(condition, this, other);
};
