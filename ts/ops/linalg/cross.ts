// Cross products (torch.cross, linalg.cross) and the trace.

import { Tensor } from '../../tensor/tensor.js';
import { broadcastShapes, normalizeDim, RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { cat } from '../shape/join.js';
import { diagonalBackward } from '../shape/views.js';
import type { TorchOps } from '../signatures.js';


/**
 * Cross product of 3-vectors along `dim`, broadcasting the other dims. The three
 * components are a1 b2 - a2 b1, a2 b0 - a0 b2, a0 b1 - a1 b0.
 */
export const linalgCross: TorchOps['linalg_cross'] = defineOp({
  name: 'linalg_cross',
  sig: 'Tensor self, Tensor other, *, int dim=-1',
  method: false,
  out: true,
  save: ['self', 'other'],
  forward: (a: Tensor, b: Tensor, dim: number) => {
    if (a.ndim !== b.ndim) throw new RuntimeError('linalg.cross: inputs must have the same number of dimensions.');
    const d = normalizeDim(dim, a.ndim);
    if (a._shape[d] !== 3 || b._shape[d] !== 3) {
      throw new RuntimeError(`linalg.cross: inputs dimension ${dim} must have length 3. Got ${a._shape[d]} and ${b._shape[d]}`);
    }
    const shape = broadcastShapes(a._shape, b._shape);
    const x = a.expand(shape);
    const y = b.expand(shape);
    const at = (t: Tensor, i: number): Tensor => t.narrow(d, i, 1);
    const c = (i: number, j: number): Tensor => at(x, i).mul(at(y, j)).sub(at(x, j).mul(at(y, i)));
    return cat([c(1, 2), c(2, 0), c(0, 1)], d);
  },
  grad: {
    self: (g, c) => linalgCross(c.other, g, { dim: c.dim }),
    other: (g, c) => linalgCross(g, c.self, { dim: c.dim }),
  },
});

/** torch.cross: dim defaults to the first dim of size 3. */
export const cross = defineOp({
  name: 'cross',
  sig: 'Tensor self, Tensor other, int? dim=None',
  out: true,
  forward: (a: Tensor, b: Tensor, dim: number | null) => {
    let d = dim;
    if (d === null) {
      d = a._shape.findIndex((s) => s === 3);
      if (d < 0) throw new RuntimeError('no dimension of size 3 in input');
    }
    return linalgCross(a, b, { dim: d });
  },
});

/** Sum of the main diagonal of a matrix (integers sum to int64). */
export const trace = defineOp({
  name: 'trace',
  sig: 'Tensor self',
  forward: (self: Tensor) => {
    if (self.ndim !== 2) throw new RuntimeError(`trace: expected a matrix, but got tensor with dim ${self.ndim}`);
    return self.diagonal().sum();
  },
  grad: {
    self: (g, c) => {
      const [m, n] = c.meta.self.shape as number[];
      return diagonalBackward(g.expand([Math.min(m, n)]), [m, n], 0, 0, 1);
    },
  },
});
