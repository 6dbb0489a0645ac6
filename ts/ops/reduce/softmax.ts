// softmax and log_softmax along a dim (torch.softmax, Tensor.softmax; the functional
// forms with F.softmax's implicit dim live in nn/functional/softmax.ts).

import { Tensor } from '../../tensor/tensor.js';
import { DType, float32, float64 } from '../../tensor/dtype.js';
import { RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { withDtype, release, contiguousCopy } from '../../tensor/copy.js';
import { runSoftmax, lineDim } from '../../kernels/reduce.js';
import { sum } from './reduce.js';
import { exp } from './math.js';
import type { TorchOps } from '../signatures.js';


/** The kernel's work in x's dtype (half types go through float32, as they lack a kernel). */
function softmaxForward(log: boolean, self: Tensor, dim: number, dtype: DType | null): Tensor {
  const d = lineDim(self, dim);
  const x = dtype ? withDtype(self, dtype) : self;
  try {
    if (!x.dtype.isFloatingPoint) {
      const kernel = d === Math.max(x.ndim - 1, 0) ? 'lastdim_kernel_impl' : 'kernel_impl';
      throw new RuntimeError(`"${log ? 'log_' : ''}softmax_${kernel}" not implemented for '${x.dtype.scalarName}'`);
    }
    if (x.dtype === float32 || x.dtype === float64) return runSoftmax(log, x, d);
    const wide = withDtype(x, float32);
    try {
      const r = runSoftmax(log, wide, d);
      try {
        return contiguousCopy(r, x.dtype);
      } finally {
        r.dispose();
      }
    } finally {
      release(wide, x);
    }
  } finally {
    release(x, self);
  }
}

/**
 * exp(x) / sum(exp(x)) along dim, with the max subtracted for stability; with dtype the
 * input is converted first.
 * @example torch.softmax(x, -1)
 */
export const softmax: TorchOps['softmax'] = defineOp({
  name: 'softmax',
  sig: 'Tensor self, int dim, ScalarType? dtype=None',
  out: true,
  save: ['result'],
  forward: (self: Tensor, dim: number, dtype: DType | null) => softmaxForward(false, self, dim, dtype),
  grad: {
    // y * (g - sum(g * y))
    self: (g, c) => {
      const y: Tensor = c.result;
      return y.mul(g.sub(sum(g.mul(y), [lineDim(g, c.dim)], true)));
    },
  },
});

/**
 * x - log(sum(exp(x))) along dim.
 * @example torch.logSoftmax(x, 1)
 */
export const logSoftmax = defineOp({
  name: 'log_softmax',
  sig: 'Tensor self, int dim, ScalarType? dtype=None',
  out: true,
  save: ['result'],
  forward: (self: Tensor, dim: number, dtype: DType | null) => softmaxForward(true, self, dim, dtype),
  grad: {
    // g - softmax * sum(g)
    self: (g, c) => g.sub(exp(c.result).mul(sum(g, [lineDim(g, c.dim)], true))),
  },
});
