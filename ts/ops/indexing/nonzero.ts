// nonzero / argwhere: the coordinates of the nonzero elements (counted first, so the
// result has its exact size). Also serves torch.where(condition).

import { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../registry.js';
import { nonzeroCoords, atLeast1d } from './advanced.js';


/** Coordinates of the nonzero elements: [count, ndim], or one tensor per dim with as_tuple. */
export const nonzero = defineOp({
  name: 'nonzero',
  returns: 'any',
  sig: 'Tensor self, *, bool as_tuple=False',
  out: true,
  forward: (self: Tensor, asTuple: boolean) => {
    if (!asTuple) return nonzeroCoords(self);
    const coords = nonzeroCoords(atLeast1d(self));
    const n = coords._shape[0];
    const k = coords._shape[1];
    return Array.from({ length: k }, (_, j) => coords._view([n], [k], j));
  },
});

/** nonzero(self): the coordinates of the nonzero elements as rows. */
export const argwhere = defineOp({
  name: 'argwhere',
  sig: 'Tensor self',
  forward: (self: Tensor) => nonzeroCoords(self),
});
