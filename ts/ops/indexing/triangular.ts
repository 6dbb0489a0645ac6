// Triangular and diagonal builders: tril / triu (batched, diagonal offset), diag
// (vector -> matrix, matrix -> vector) and diag_embed.

import { Tensor } from '../../tensor/tensor.js';
import { normalizeDim, RuntimeError } from '../../tensor/shape.js';
import { contiguousCopy, copyInto } from '../../tensor/copy.js';
import { fill } from '../../kernels/memory.js';
import { triangle } from '../../kernels/index.js';
import { defineOp } from '../registry.js';
import { diagonal, diagonalBackward } from '../shape/views.js';

import type { TorchOps } from '../signatures.js';

/** out = tril/triu(src, k) over the last two dims; src may be out itself. */
function triangleInto(upper: boolean, out: Tensor, src: Tensor, k: number): void {
  // PyTorch wraps dim -2 first: a 1-D input fails with the dim range message
  normalizeDim(-2, src.ndim, false);
  if (out.numel() === 0) return;
  triangle(upper, k, out, src);
}

function triangleOp<N extends 'tril' | 'triu'>(name: N): TorchOps[N] {
  const upper = name === 'triu';
  const op: TorchOps[N] = defineOp({
    name,
    sig: 'Tensor self, int diagonal=0',
    inplace: true,
    out: true,
    forward: (self: Tensor, k: number) => {
      normalizeDim(-2, self.ndim, false);
      const out = Tensor._empty(self._shape, self.dtype);
      triangleInto(upper, out, self, k);
      return out;
    },
    into: (out: Tensor, _self: Tensor, k: number) => triangleInto(upper, out, out, k),
    grad: { self: (g, c) => op(g, c.diagonal) },
  });
  return op;
}

/** The lower triangle (j - i <= diagonal) of each matrix; the rest is zero. */
export const tril = triangleOp('tril');
/** The upper triangle (j - i >= diagonal) of each matrix; the rest is zero. */
export const triu = triangleOp('triu');

/** A vector's diagonal matrix (with offset), or a copy of a matrix's diagonal. */
export const diag = defineOp({
  name: 'diag',
  sig: 'Tensor self, int diagonal=0',
  out: true,
  forward: (self: Tensor, k: number) => {
    if (self.ndim === 1) {
      const len = self._shape[0];
      const n = len + Math.abs(k);
      const out = Tensor._empty([n, n], self.dtype);
      fill(out, 0);
      const d = out._view([len], [n + 1], k >= 0 ? k : -k * n);
      copyInto(d, self);
      d.dispose();
      return out;
    }
    if (self.ndim === 2) return contiguousCopy(diagonal(self, k));
    throw new RuntimeError('matrix or a vector expected');
  },
  grad: {
    self: (g, c) =>
      c.meta.self.shape.length === 1 ? diagonal(g, c.diagonal) : diagonalBackward(g, c.meta.self.shape, c.diagonal, 0, 1),
  },
});

/** Puts the last dim of self on the diagonal (offset) of the planes (dim1, dim2) of a new tensor. */
export const diagEmbed = defineOp({
  name: 'diag_embed',
  sig: 'Tensor self, int offset=0, int dim1=-2, int dim2=-1',
  forward: (self: Tensor, offset: number, dim1: number, dim2: number) => {
    const nd = self.ndim + 1;
    const d1 = normalizeDim(dim1, nd);
    const d2 = normalizeDim(dim2, nd);
    if (d1 === d2) throw new RuntimeError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
    const last = self._shape[normalizeDim(-1, self.ndim, false)];
    const len = Math.abs(offset) + last;
    const sizes = self._shape.slice(0, -1);
    sizes.splice(Math.min(d1, d2), 0, len);
    sizes.splice(Math.max(d1, d2), 0, len);
    const out = Tensor._empty(sizes, self.dtype);
    fill(out, 0);
    copyInto(diagonal(out, offset, d1, d2), self);
    return out;
  },
  grad: { self: (g, c) => diagonal(g, c.offset, c.dim1, c.dim2) },
});
