// torch.embedding (aten: weight first) and its dense backward. F.embedding (input
// first, with padding_idx normalisation and max_norm) is nn/functional/sparse.ts.

import { Tensor } from '../../tensor/tensor.js';
import { int32, int64 } from '../../tensor/dtype.js';
import { IndexError, RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { compare } from '../elementwise.js';
import { CMP } from '../../kernels/codes.js';
import { gather, scatterAdd } from '../indexing/gather.js';
import { zeros } from '../creation/factories.js';
import { fill } from '../../kernels/memory.js';

/** The indices flattened to int64 (int32 converted), checked as PyTorch checks them. */
export function checkIndices(indices: Tensor): Tensor {
  if (indices.dtype !== int64 && indices.dtype !== int32) {
    throw new RuntimeError(
      `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.${indices.dtype.scalarName}Tensor instead (while checking arguments for embedding)`,
    );
  }
  return indices.dtype === int64 ? indices.reshape([-1]) : indices.reshape([-1]).to(int64);
}

/** Rows of `table` [V, D] at the flat indices, as [L, D]. */
function rows(table: Tensor, flat: Tensor): Tensor {
  const d = table.shape[1];
  try {
    return gather(table, 0, flat.unsqueeze(1).expand([flat.shape[0], d]));
  } catch (e) {
    if (e instanceof RuntimeError && /out of bounds/.test(e.message)) throw new IndexError('index out of range in self');
    throw e;
  }
}

/** g rows whose index is padding_idx set to zero (and divided by index frequency when asked). */
function maskedRows(g2: Tensor, flat: Tensor, numWeights: number, paddingIdx: number, byFreq: boolean): Tensor {
  let r = g2;
  if (byFreq) {
    const ones = Tensor._empty([flat.shape[0]], g2.dtype);
    fill(ones, 1);
    const counts = scatterAdd(zeros([numWeights], { dtype: g2.dtype }), 0, flat, ones);
    r = r.div(gather(counts, 0, flat).unsqueeze(1));
  }
  if (paddingIdx >= 0) r = r.mul(compare('ne', CMP.NE, flat, paddingIdx).to(g2.dtype).unsqueeze(1));
  return r;
}

/** torch.embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False). */
export const embeddingOp = defineOp({
  name: 'embedding',
  sig: 'Tensor weight, Tensor indices, int padding_idx=-1, bool scale_grad_by_freq=False, bool sparse=False',
  method: false,
  save: ['indices'],
  forward: (weight: Tensor, indices: Tensor, _pad: number, _freq: boolean, sparse: boolean) => {
    if (weight.ndim !== 2) throw new RuntimeError(`'weight' must be 2-D`);
    if (sparse) throw new RuntimeError('embedding(): sparse gradients are not supported by this runtime');
    const flat = checkIndices(indices);
    return rows(weight, flat).view([...indices.shape, weight.shape[1]]);
  },
  grad: {
    weight: (g, c) => embeddingDenseBackward(g, c.indices, c.meta.weight.shape[0], c.padding_idx, c.scale_grad_by_freq),
  },
});

/** The weight gradient: rows of g summed into their indices (padding_idx gets none). */
export const embeddingDenseBackward = defineOp({
  name: 'embedding_dense_backward',
  sig: 'Tensor grad_output, Tensor indices, int num_weights, int padding_idx, bool scale_grad_by_freq',
  method: false,
  save: ['indices'],
  forward: (g: Tensor, indices: Tensor, numWeights: number, paddingIdx: number, byFreq: boolean) => {
    const flat = checkIndices(indices);
    const d = g.shape[g.ndim - 1];
    const g2 = maskedRows(g.reshape([-1, d]), flat, numWeights, paddingIdx, byFreq);
    return scatterAdd(zeros([numWeights, d], { dtype: g.dtype }), 0, flat.unsqueeze(1).expand([flat.shape[0], d]), g2);
  },
  grad: {
    grad_output: (gg, c) => {
      const flat = checkIndices(c.indices);
      const r = maskedRows(rows(gg, flat), flat, c.num_weights, c.padding_idx, c.scale_grad_by_freq);
      return r.view([...c.indices.shape, gg.shape[1]]);
    },
  },
});
