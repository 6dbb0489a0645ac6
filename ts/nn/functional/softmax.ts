// F.softmax / F.softmin / F.log_softmax: the tensor ops with PyTorch's functional
// signature (input, dim=None, _stacklevel=3, dtype=None) and its implicit dim for dim=None.

import type { DType } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import { bindArgs, parseSignature } from '../../ops/signature.js';
import { splitOptions } from '../../ops/reduce/tuple.js';
import { scoped } from '../../tensor/scope.js';
import { softmax as softmaxOp, logSoftmax as logSoftmaxOp } from '../../ops/reduce/softmax.js';

const params = parseSignature('Tensor input, int? dim=None, int _stacklevel=3, ScalarType? dtype=None');
const warned = new Set<string>();

/** PyTorch's _get_softmax_dim: dim 0 for 0-, 1- and 3-d inputs, else 1 (with its warning). */
function implicitDim(name: string, ndim: number): number {
  if (!warned.has(name)) {
    warned.add(name);
    console.warn(`Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`);
  }
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

type DimOp = (x: Tensor, dim: number, dtype: DType | null) => Tensor;

function functional(name: string, op: DimOp) {
  return (...args: unknown[]): Tensor => {
    const [pos, kw] = splitOptions(args);
    const [input, dim, , dtype] = bindArgs(name, params, pos, Object.keys(kw).length ? kw : null) as [Tensor, number | null, number, DType | null];
    return op(input, dim ?? implicitDim(name, input.ndim), dtype);
  };
}

/** F.softmax(input, dim, { dtype }). */
export const softmax = functional('softmax', softmaxOp as DimOp);
/** F.softmin(input, dim, { dtype }): softmax of -input (negated in input's dtype, as PyTorch does). */
export const softmin = functional('softmin', (x, dim, dtype) => scoped(() => softmaxOp(x.neg(), dim, dtype)));
/** F.log_softmax(input, dim, { dtype }). */
export const logSoftmax = functional('log_softmax', logSoftmaxOp as DimOp);
