// prod_{j != i} x_j along the last dim, without dividing (so zeros are fine): the
// gradient of a product, used by det's singular-case gradient and prod's backward.

import { Tensor } from '../../tensor/tensor.js';
import { bool } from '../../tensor/dtype.js';
import { eye } from '../creation/factories.js';

/** out[..., i] = product of x[..., j] for j != i. */
export function prodAllBut(x: Tensor): Tensor {
  const k = x._shape[x.ndim - 1];
  // row i of the k x k matrix holds x with its i-th entry replaced by 1
  const rows = x.unsqueeze(-2).expand([...x._shape.slice(0, -1), k, k]);
  return rows.maskedFill(eye(k, { dtype: bool }), 1).prod(-1);
}
