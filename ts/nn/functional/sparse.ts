// F.embedding: input first, with padding_idx normalisation and max_norm
// renormalisation, over torch.embedding (ops/nn/embedding.ts).

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { contiguous } from '../../tensor/copy.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { embeddingRenorm } from '../../kernels/norm.js';
import { embeddingOp, checkIndices } from '../../ops/nn/embedding.js';
import { functional } from '../../ops/composite.js';
import type { OpFn } from '../../ops/types.js';

/**
 * embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False).
 * With max_norm, the rows looked up are first rescaled in place to norm <= max_norm.
 */
export const embedding: OpFn = functional('embedding',
  'Tensor input, Tensor weight, int? padding_idx=None, float? max_norm=None, float norm_type=2.0, bool scale_grad_by_freq=False, bool sparse=False',
  (input: Tensor, weight: Tensor, paddingIdx: number | null, maxNorm: number | null, normType: number, byFreq: boolean, sparse: boolean) => {
    let pad = -1;
    if (paddingIdx !== null) {
      const v = weight.shape[0];
      if (paddingIdx >= 0 ? paddingIdx >= v : paddingIdx < -v) throw new RuntimeError('Padding_idx must be within num_embeddings');
      pad = paddingIdx < 0 ? v + paddingIdx : paddingIdx;
    }
    if (maxNorm !== null) noGrad(() => renorm(weight, input, maxNorm, normType));
    return embeddingOp(weight, input, pad, byFreq, sparse);
  });

/** embedding_renorm_: each row of weight used by `input` whose p-norm exceeds maxNorm is
 * scaled to maxNorm / (norm + 1e-7), in place. */
function renorm(weight: Tensor, input: Tensor, maxNorm: number, normType: number): void {
  const flat = contiguous(checkIndices(input));
  if (!weight.isContiguous()) throw new RuntimeError('embedding(): max_norm needs a contiguous weight');
  if (flat.numel() === 0) return;
  embeddingRenorm(weight, flat, maxNorm, normType);
  weight._s.version++;
}
