// torch.nn.functional.cosine_similarity and pairwise_distance, composed as ATen
// composes them (so their gradients, broadcasting and dtype promotion come from the ops).

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError, broadcastShapes } from '../../tensor/shape.js';
import { promoteTypes } from '../../tensor/dtype.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { norm } from '../../ops/all.js';
import { functional } from '../../ops/composite.js';

type Fn = (...args: any[]) => Tensor;

/**
 * cosine_similarity(x1, x2, dim=1, eps=1e-8) = sum(x1 / max(|x1|, eps) * x2 / max(|x2|, eps), dim).
 * Each input is divided by its own norm first (PyTorch 1.13's formula); the eps clamp
 * is applied without recording, so the gradient is that of the unclamped norm's path.
 */
export const cosineSimilarity = functional<Fn>('cosine_similarity', 'Tensor x1, Tensor x2, int dim=1, float eps=1e-8',
  (x1: Tensor, x2: Tensor, dim: number, eps: number) => {
    const common = promoteTypes(x1.dtype, x2.dtype);
    if (!common.isFloatingPoint) {
      throw new RuntimeError(`expected common dtype to be floating point, yet common dtype is ${common.scalarName}`);
    }
    // integer inputs take the common floating dtype; both are broadcast (expand_outplace)
    const [f1, f2] = [x1, x2].map((t) => (t.dtype.isFloatingPoint ? t : t.to(common)));
    const shape = broadcastShapes(f1.shape, f2.shape);
    const [e1, e2] = [f1.expand(shape), f2.expand(shape)];
    const n1 = (norm(e1, 2, dim, true) as Tensor).clone();
    const n2 = (norm(e2, 2, dim, true) as Tensor).clone();
    noGrad(() => {
      n1.clampMin_(eps);
      n2.clampMin_(eps);
    });
    return e1.div(n1).mul(e2.div(n2)).sum(dim);
  });

/** pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False) = norm(x1 - x2 + eps, p, innermost dim). */
export const pairwiseDistance = functional<Fn>('pairwise_distance', 'Tensor x1, Tensor x2, float p=2., float eps=1e-6, bool keepdim=False',
  (x1: Tensor, x2: Tensor, p: number, eps: number, keepdim: boolean) => {
    const innermost = Math.max(x1.ndim, x2.ndim) - 1;
    return norm(x1.sub(x2).add(eps), p, innermost, keepdim) as Tensor;
  });
