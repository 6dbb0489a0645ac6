// torch.nn.utils.parameters_to_vector / vector_to_parameters: all parameters as one
// flat vector (as optimizers such as L-BFGS and Hessian-free methods see them) and back.

import { Tensor, isTensor } from '../../tensor/tensor.js';
import { IndexError } from '../../tensor/shape.js';
import { tidy } from '../../tensor/scope.js';
import { pyTypeName } from '../../ops/signature.js';
import { cat } from '../../ops/all.js';
import { tensorList } from './parameters.js';

/**
 * The parameters flattened and concatenated into one vector (differentiable: it is
 * made of views of the parameters). Each parameter must be viewable as 1-D.
 * @example const v = nn.utils.parametersToVector(model.parameters());
 */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const params = tensorList('parameters_to_vector', parameters, false);
  return tidy(() => cat(params.map((p) => p.view(-1))));
}

/**
 * Copies consecutive slices of `vec` into the parameters, in order (each slice viewed
 * in its parameter's shape). Every slice is checked before any parameter changes.
 * @example nn.utils.vectorToParameters(v, model.parameters());
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!isTensor(vec)) throw new TypeError(`expected torch.Tensor, but got: ${pyTypeName(vec)}`);
  vec._check('vector_to_parameters', 'vec');
  const params = tensorList('vector_to_parameters', parameters, false);
  if (vec.ndim === 0 && params.length > 0) throw new IndexError('slice() cannot be applied to a 0-dim tensor.');
  tidy(() => {
    let pointer = 0;
    const slices = params.map((p) => {
      const n = p.numel();
      // vec[pointer:pointer + n], with Python's clamped slice bounds
      const start = Math.min(pointer, vec.shape[0]);
      const piece = vec.narrow(0, start, Math.min(n, vec.shape[0] - start)).viewAs(p);
      pointer += n;
      return piece;
    });
    // PyTorch assigns param.data (outside autograd, no version bump): here the values
    // are copied into the parameter's own storage, in its dtype
    params.forEach((p, i) => {
      (p as { data: Tensor }).data = slices[i];
    });
  });
}
