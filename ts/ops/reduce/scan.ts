// Cumulative ops along a dim: cumsum, cumprod (ints and bools accumulate into int64
// unless a dtype is given), cummax/cummin (values and indices) and logcumsumexp.
// Their gradients run the scans backwards (a reversed line is the same kernel with
// negated strides), kept as internal ops so higher-order gradients work.

import { Tensor } from '../../tensor/tensor.js';
import { DType, float64, float16, bfloat16 } from '../../tensor/dtype.js';
import { RuntimeError } from '../../tensor/shape.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { defineOp } from '../registry.js';
import { SCAN, LINE_GRAD } from '../../kernels/codes.js';
import { withDtype, release } from '../../tensor/copy.js';
import { runScan, runLineGrad, lineDim } from '../../kernels/reduce.js';
import { sumDtype, hasZero, prod, sum } from './reduce.js';
import { namedPair, NamedPair, withTupleOut, installMethod } from './tuple.js';
import { exp, log, abs, where, gtMask, ltMask } from './math.js';
import { zeros, onesLike } from '../creation/factories.js';
import { scatterAdd } from '../indexing/gather.js';
import { cat } from '../shape/join.js';
import type { OpAny, OpFn } from '../types.js';
import type { TorchOps } from '../signatures.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    cummax: OpAny; cummin: OpAny;
  }
}

/** A cumsum/cumprod forward: x converted to the result dtype, then scanned. */
function accumulate(kop: number, self: Tensor, dim: number, dtype: DType | null): Tensor {
  const d = lineDim(self, dim);
  const x = withDtype(self, dtype ?? sumDtype(self.dtype));
  try {
    return runScan(kop, x, d)[0];
  } finally {
    release(x, self);
  }
}

/** Whether a scan's gradient is the identity (one element along dim). */
const trivialLine = (t: Tensor, d: number): boolean => t.ndim === 0 || t._shape[d] <= 1;

/** Cumulative sum along dim. */
export const cumsum: TorchOps['cumsum'] = defineOp({
  name: 'cumsum',
  sig: 'Tensor self, int dim, *, ScalarType? dtype=None',
  out: true,
  inplace: true,
  forward: (self: Tensor, dim: number, dtype: DType | null) => accumulate(SCAN.CUMSUM, self, dim, dtype),
  grad: {
    self: (g, c) => {
      const d = lineDim(g, c.dim);
      return trivialLine(g, d) ? g : reversedCumsum(g, d);
    },
  },
});

/** sum_{j >= i} x_j along dim: cumsum's gradient (and cumsum is its gradient). */
const reversedCumsum: OpFn = defineOp({
  name: '_reversed_cumsum',
  sig: 'Tensor self, int dim',
  fn: false,
  method: false,
  nodeName: 'CumsumBackward0',
  forward: (self: Tensor, dim: number) => runScan(SCAN.CUMSUM, self, dim, true)[0],
  grad: { self: (g, c) => cumsum(g, c.dim) },
});

/**
 * PyTorch's cumprod_backward: without zeros, reversed_cumsum(y * g) / x; with zeros an
 * exact kernel, or (when a graph is recorded, for higher-order gradients) the O(n^2)
 * formula with products that omit each element.
 */
function cumprodBackward(g: Tensor, self: Tensor, result: Tensor, dim: number): Tensor {
  const d = lineDim(self, dim);
  if (self.numel() <= 1 || trivialLine(self, d)) return g;
  const x = self.dtype === g.dtype ? self : self.to(g.dtype);
  if (!hasZero(x)) {
    return reversedCumsum(result.mul(g), d).div(x);
  }
  if (!isGradEnabled()) return runLineGrad(LINE_GRAD.CUMPROD_GRAD, x, g, d);
  const n = x._shape[d];
  const ones = onesLike(x.narrow(d, 0, 1));
  const parts: Tensor[] = [];
  for (let k = 0; k < n; k++) {
    let omitted: Tensor;
    if (k === 0) {
      omitted = cat([ones, cumprod(x.narrow(d, 1, n - 1), d)], d);
    } else {
      const until = prod(x.narrow(d, 0, k), d, true);
      omitted = k === n - 1 ? until : cat([until, until.mul(cumprod(x.narrow(d, k + 1, n - k - 1), d))], d);
    }
    parts.push(sum(g.narrow(d, k, n - k).mul(omitted), [d], true));
  }
  return cat(parts, d);
}

/** Cumulative product along dim. */
export const cumprod = defineOp({
  name: 'cumprod',
  sig: 'Tensor self, int dim, *, ScalarType? dtype=None',
  out: true,
  inplace: true,
  save: ['self', 'result'],
  forward: (self: Tensor, dim: number, dtype: DType | null) => accumulate(SCAN.CUMPROD, self, dim, dtype),
  grad: { self: (g, c) => cumprodBackward(g, c.self, c.result, c.dim) },
});

function cumExtreme(name: 'cummax' | 'cummin') {
  const op = defineOp({
    name,
    sig: 'Tensor self, int dim',
    fn: false,
    method: false,
    save: ['result'],
    forward: (self: Tensor, dim: number): NamedPair => {
      const [v, i] = runScan(name === 'cummax' ? SCAN.CUMMAX : SCAN.CUMMIN, self, lineDim(self, dim), false, true);
      return namedPair(v, i!);
    },
    grad: {
      self: (g, c) => {
        const shape = c.meta.self.shape as number[];
        if (shape.length === 0 || g.numel() === 0) return g;
        return scatterAdd(zeros(shape, { dtype: g.dtype }), lineDim(g, c.dim), c.result[1], g);
      },
    },
  });
  return withTupleOut(name, op);
}

/** Running maximum along dim and the index where it was reached (the latest among ties). */
export const cummax = cumExtreme('cummax');
/** Running minimum along dim and the index where it was reached (the latest among ties). */
export const cummin = cumExtreme('cummin');

/** The most negative finite value of a float dtype (keeps log(0) terms out of NaN territory). */
function lowest(dt: DType): number {
  if (dt === float64) return -Number.MAX_VALUE;
  if (dt === float16) return -65504;
  if (dt === bfloat16) return -3.3895313892515355e38;
  return -3.4028234663852886e38;
}

/**
 * PyTorch's logcumsumexp_backward (after TensorFlow): the positive and negative parts of
 * g are carried in log space through a scan in the opposite direction.
 */
function logcumsumexpBackward(g: Tensor, self: Tensor, result: Tensor, dim: number, reverse: boolean): Tensor {
  if (g.ndim === 0 || g.numel() === 0) return g;
  const d = lineDim(g, dim);
  const y = result;
  const opposite = reverse ? (t: Tensor) => logcumsumexp(t, d) : (t: Tensor) => reversedLogcumsumexp(t, d);
  const logAbs = log(abs(g));
  const low = lowest(g.dtype);
  const part = (mask: Tensor): Tensor => exp(opposite(where(mask, logAbs, low).sub(y)).add(self));
  return part(gtMask(g, 0)).sub(part(ltMask(g, 0)));
}

function checkFloat(op: string, self: Tensor): void {
  if (!self.dtype.isFloatingPoint) throw new RuntimeError(`"${op}_out_cpu" not implemented for '${self.dtype.scalarName}'`);
}

/** log(cumsum(exp(x))) along dim, computed stably. */
export const logcumsumexp = defineOp({
  name: 'logcumsumexp',
  sig: 'Tensor self, int dim',
  out: true,
  save: ['self', 'result'],
  forward: (self: Tensor, dim: number) => {
    checkFloat('logcumsumexp', self);
    return runScan(SCAN.LOGCUMSUMEXP, self, lineDim(self, dim))[0];
  },
  grad: { self: (g, c) => logcumsumexpBackward(g, c.self, c.result, c.dim, false) },
});

/** logcumsumexp from the end of each line (its gradient needs it). */
const reversedLogcumsumexp = defineOp({
  name: '_reversed_logcumsumexp',
  sig: 'Tensor self, int dim',
  fn: false,
  method: false,
  nodeName: 'LogcumsumexpBackward0',
  save: ['self', 'result'],
  forward: (self: Tensor, dim: number) => runScan(SCAN.LOGCUMSUMEXP, self, lineDim(self, dim), true)[0],
  grad: { self: (g, c) => logcumsumexpBackward(g, c.self, c.result, c.dim, true) },
});

installMethod('cummax', cummax);
installMethod('cummin', cummin);
