// Statistics over dims: var, std (with PyTorch's unbiased / correction rules), their
// _mean pairs, logsumexp and torch.norm (vector p-norms; 'fro' over at most 2 dims).

import { vectorNorm, matrixNorm } from '../linalg/norms.js';
import { Tensor } from '../../tensor/tensor.js';
import { getDefaultDtype } from '../../tensor/dtype.js';
import { RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { RED } from '../../kernels/codes.js';
import { withDtype, release } from '../../tensor/copy.js';
import { reducePlan, reducedCount, runReduce } from '../../kernels/reduce.js';
import { unsqueezeReduced, mean } from './reduce.js';
import { exp, where, eqMask } from './math.js';
import { installMethod, splitOptions } from './tuple.js';
import type { OpAny } from '../types.js';
import type { TorchOps } from '../signatures.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    std: OpAny; var: OpAny;
  }
}

// ---- var / std ---------------------------------------------------------------------

const VAR_SIG = 'Tensor self, int[1]? dim=None, bool? unbiased=None, bool keepdim=False, *, int? correction=None';

function correctionOf(op: string, unbiased: boolean | null, correction: number | null): number {
  if (unbiased !== null && correction !== null) {
    throw new RuntimeError(`${op}(): Cannot specify both unbiased and correction, use correction only`);
  }
  return correction ?? (unbiased === false ? 0 : 1);
}

function varianceForward(kop: number, self: Tensor, dim: number[] | null, unbiased: boolean | null, keepdim: boolean, correction: number | null, op: string): Tensor {
  if (!self.dtype.isFloatingPoint) throw new RuntimeError('std and var only support floating point and complex dtypes');
  const c = correctionOf(op, unbiased, correction);
  return runReduce(kop, self, reducePlan(self, dim, keepdim), keepdim, self.dtype, c);
}

/** PyTorch's var_backward: 2 / (N - correction) * g * (x - mean). */
function varBackward(g: Tensor, self: Tensor, dim: number[] | null, correction: number, keepdim: boolean): Tensor {
  const whole = self.ndim === 0 || dim === null || dim.length === 0;
  const dof = reducedCount(self._shape, whole ? null : dim) - correction;
  if (whole) {
    // n <= correction: 2/0 is inf; inf * 0 (x at the mean) is NaN
    if (dof <= 0) return g.mul(where(eqMask(self, mean(self)), NaN, Infinity));
    return g.mul(2 / dof).mul(self.sub(mean(self)));
  }
  const gu = unsqueezeReduced(g, self._shape, dim, keepdim);
  return gu.mul(2 / dof).mul(self.sub(mean(self, dim, true)));
}

/** PyTorch's std_backward: var_backward(g / (2 std)), zero where std is 0. */
function stdBackward(g: Tensor, self: Tensor, result: Tensor, dim: number[] | null, correction: number, keepdim: boolean): Tensor {
  return varBackward(where(eqMask(result, 0), 0, g.div(result.mul(2))), self, dim, correction, keepdim);
}

const varOp = defineOp({
  name: 'var',
  sig: VAR_SIG,
  fn: false,
  method: false,
  out: true,
  save: ['self'],
  forward: (self: Tensor, dim, unbiased, keepdim, correction) => varianceForward(RED.VAR, self, dim, unbiased, keepdim, correction, 'var'),
  grad: { self: (g, c) => varBackward(g, c.self, c.dim, correctionOf('var', c.unbiased, c.correction), c.keepdim) },
});

const stdOp = defineOp({
  name: 'std',
  sig: VAR_SIG,
  fn: false,
  method: false,
  out: true,
  save: ['self', 'result'],
  forward: (self: Tensor, dim, unbiased, keepdim, correction) => varianceForward(RED.STD, self, dim, unbiased, keepdim, correction, 'std'),
  grad: { self: (g, c) => stdBackward(g, c.self, c.result, c.dim, correctionOf('std', c.unbiased, c.correction), c.keepdim) },
});

function pairOp(name: 'std_mean' | 'var_mean') {
  const isStd = name === 'std_mean';
  return defineOp({
    name,
    sig: VAR_SIG,
    fn: false,
    method: false,
    nodeName: isStd ? 'StdMeanBackward0' : 'VarMeanBackward0',
    save: ['self', 'result'],
    forward: (self: Tensor, dim, unbiased, keepdim, correction) => [
      varianceForward(isStd ? RED.STD : RED.VAR, self, dim, unbiased, keepdim, correction, name),
      runReduce(RED.MEAN, self, reducePlan(self, dim, keepdim), keepdim, self.dtype),
    ],
    grad: {
      self: (_g, c, grads) => {
        const corr = correctionOf(name, c.unbiased, c.correction);
        const [gv, gm] = [grads[0] ?? null, grads[1] ?? null];
        let r: Tensor | null = null;
        if (gv) r = isStd ? stdBackward(gv, c.self, c.result[0], c.dim, corr, c.keepdim) : varBackward(gv, c.self, c.dim, corr, c.keepdim);
        if (gm) {
          const shape = c.self._shape;
          const gmean = unsqueezeReduced(gm, shape, c.dim, c.keepdim).expand([...shape]).div(reducedCount(shape, c.dim));
          r = r ? r.add(gmean) : gmean;
        }
        return r;
      },
    },
  });
}
const stdMeanOp = pairOp('std_mean');
const varMeanOp = pairOp('var_mean');

/** Accepts PyTorch's std(x, unbiased) overload: a boolean right after self. */
function varianceDispatch(op: (...args: any[]) => any) {
  return (self: Tensor, ...args: unknown[]): any => {
    const [pos, kw] = splitOptions(args);
    if (typeof pos[0] === 'boolean') return op(self, { ...kw, unbiased: pos[0] });
    return op(self, ...args);
  };
}

/**
 * Variance over dims (all when None) dividing by N - correction (correction 1 unless
 * unbiased=false or correction is given).
 * @example torch.var(x, 1, { keepdim: true }); torch.var(x, { dim: 1, correction: 0 }); torch.var(x, false)
 */
const var_ = varianceDispatch(varOp);
export { var_ as var };
/** Standard deviation: the square root of var with the same arguments. */
export const std = varianceDispatch(stdOp);
/** [std, mean] over dims. */
export const stdMean = varianceDispatch(stdMeanOp);
/** [var, mean] over dims. */
export const varMean = varianceDispatch(varMeanOp);

installMethod('var', var_);
installMethod('std', std);

// ---- logsumexp -------------------------------------------------------------------

/** log(sum(exp(x))) over dims, computed stably; integer inputs give the default float dtype. */
export const logsumexp: TorchOps['logsumexp'] = defineOp({
  name: 'logsumexp',
  sig: 'Tensor self, int[1] dim, bool keepdim=False',
  out: true,
  save: ['self', 'result'],
  forward: (self: Tensor, dim: number[], keepdim: boolean) => {
    const x = withDtype(self, self.dtype.isFloatingPoint ? self.dtype : getDefaultDtype());
    try {
      return runReduce(RED.LOGSUMEXP, x, reducePlan(x, dim, keepdim), keepdim, x.dtype);
    } finally {
      release(x, self);
    }
  },
  grad: {
    self: (g, c) => {
      const shape = c.self._shape;
      const r = unsqueezeReduced(c.result, shape, c.dim, c.keepdim);
      return unsqueezeReduced(g, shape, c.dim, c.keepdim).mul(exp(c.self.sub(r)));
    },
  },
});

// ---- norms -----------------------------------------------------------------------

/**
 * torch.norm: vector p-norms over dims (all when None), p a number (inf, -inf and 0
 * included) or 'fro' (the 2-norm, over at most two dims); 'nuc' and other matrix norms
 * go to linalg.matrix_norm.
 * @example torch.norm(x); torch.norm(x, 1); torch.norm(x, { p: 'fro', dim: [1, 2] })
 */
export const norm = defineOp({
  name: 'norm',
  sig: 'Tensor self, any? p="fro", int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None',
  out: true,
  forward: (self: Tensor, p: unknown, dim: number[] | null, keepdim: boolean, dtype) => {
    if (typeof p === 'string') {
      if (p === 'fro' && (dim === null || dim.length <= 2)) return vectorNorm(self, 2, dim, keepdim, ...(dtype ? [{ dtype }] : []));
      const dims = dim ?? [...Array(self.ndim).keys()];
      return matrixNorm(self, p, dims, keepdim, ...(dtype ? [{ dtype }] : []));
    }
    if (p !== null && typeof p !== 'number') throw new TypeError(`norm(): argument 'p' must be a number or a string, not ${typeof p}`);
    return vectorNorm(self, p ?? 2, dim, keepdim, ...(dtype ? [{ dtype }] : []));
  },
});
