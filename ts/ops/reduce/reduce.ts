// Reductions over dims: the sum-to-shape helper every broadcasting op's gradient uses,
// and the arithmetic and logical reductions (sum, mean, prod, nansum, nanmean,
// count_nonzero, all, any). The kernel driver is kernels/reduce.ts.

import { Tensor } from '../../tensor/tensor.js';
import { DType, int64, bool, uint8 } from '../../tensor/dtype.js';
import { normalizeDim, RuntimeError } from '../../tensor/shape.js';
import { withDtype, release } from '../../tensor/copy.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { RED, LINE_GRAD } from '../../kernels/codes.js';
import { runLineGrad, runReduce, reducePlan, reducedDims, reducedCount } from '../../kernels/reduce.js';
import { defineOp } from '../registry.js';
import { cat } from '../shape/join.js';
import { onesLike } from '../creation/factories.js';
import { eqMask, asDtype } from './math.js';


/** The dtype sum/prod give: int64 for integers and bool, else the input's. */
export const sumDtype = (dt: DType): DType => (dt.isFloatingPoint ? dt : int64);

/** A reduction whose input is first converted to `dtype` when given. */
export function reduceWith(kop: number, self: Tensor, dim: number[] | null, keepdim: boolean, dtype: DType | null, outDt: (d: DType) => DType, p1 = 0): Tensor {
  const x = dtype ? withDtype(self, dtype) : self;
  try {
    return runReduce(kop, x, reducePlan(x, dim, keepdim), keepdim, dtype ?? outDt(x.dtype), p1);
  } finally {
    release(x, self);
  }
}

/** Gradient of a reduction: g broadcast back over the reduced dims of `shape`. */
export function expandReduced(g: Tensor, shape: readonly number[], dim: number[] | null, keepdim: boolean): Tensor {
  return unsqueezeReduced(g, shape, dim, keepdim).expand(shape as number[]);
}

/** A reduction's result (or gradient) with its reduced dims put back as size 1. */
export function unsqueezeReduced(g: Tensor, shape: readonly number[], dim: number[] | null, keepdim: boolean): Tensor {
  let r = g;
  if (!keepdim && shape.length > 0) {
    for (const d of reducedDims(shape, dim).sort((a, b) => a - b)) r = r.unsqueeze(d);
  }
  return r;
}

/** Whether any element of x is zero (a constant for gradient formulas). */
export function hasZero(x: Tensor): boolean {
  if (x.numel() === 0) return false;
  const all = runReduce(RED.ALL, x, reducePlan(x, null, false), false, bool);
  try {
    return !all.item();
  } finally {
    all.dispose();
  }
}

/**
 * Sum over dims (all when dim is None); ints and bools sum to int64.
 * @example x.sum({ dim: 1, keepdim: true })
 */
export const sum = defineOp({
  name: 'sum',
  sig: 'Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None',
  out: true,
  nodeName: (_s, dim) => (dim === null ? 'SumBackward0' : 'SumBackward1'),
  forward: (self: Tensor, dim, keepdim, dtype) => reduceWith(RED.SUM, self, dim, keepdim, dtype, sumDtype),
  grad: { self: (g, c) => expandReduced(g, c.meta.self.shape, c.dim, c.keepdim) },
});

/**
 * Mean over dims; only floating inputs (or an explicit floating dtype).
 * @example x.mean(0)
 */
export const mean = defineOp({
  name: 'mean',
  sig: 'Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None',
  out: true,
  nodeName: (_s, dim) => (dim === null ? 'MeanBackward0' : 'MeanBackward1'),
  forward: (self: Tensor, dim, keepdim, dtype) => {
    const dt = dtype ?? self.dtype;
    if (!dt.isFloatingPoint) {
      throw new RuntimeError(
        `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${self.dtype.scalarName}`,
      );
    }
    return reduceWith(RED.MEAN, self, dim, keepdim, dtype, (d) => d);
  },
  grad: {
    self: (g, c) => {
      const shape = c.meta.self.shape as number[];
      return expandReduced(g, shape, c.dim, c.keepdim).div(reducedCount(shape, c.dim));
    },
  },
});

/**
 * prod over one dim (or all): g * prod(others). Without zeros that is g * result / x,
 * as PyTorch computes it; with zeros the product of the others is taken directly.
 */
function prodBackward(g: Tensor, self: Tensor, result: Tensor, dim: number | null, keepdim: boolean): Tensor {
  if (self.ndim === 0) return g;
  const x = self.dtype === g.dtype ? self : self.to(g.dtype);
  if (dim === null) {
    if (!hasZero(x)) return g.mul(result).div(x);
    return g.mul(productOfOthers(x.reshape(-1), 0).reshape(x._shape as number[]));
  }
  const d = normalizeDim(dim, x.ndim);
  const gd = keepdim ? g : g.unsqueeze(d);
  if (!hasZero(x)) {
    return gd.mul(keepdim ? result : result.unsqueeze(d)).div(x);
  }
  return gd.mul(productOfOthers(x, d));
}

/** o_k = prod_{i != k} x_i along d: a kernel when no graph is recorded, else with ops
 * (O(n^2), as PyTorch does for double backward) so higher derivatives stay exact. */
function productOfOthers(x: Tensor, d: number): Tensor {
  if (!isGradEnabled()) return runLineGrad(LINE_GRAD.PROD_OTHERS, x, x, d);
  const n = x._shape[d];
  const parts: Tensor[] = [];
  for (let k = 0; k < n; k++) {
    const rest = [x.narrow(d, 0, k), x.narrow(d, k + 1, n - k - 1)].filter((t) => t._shape[d] > 0);
    parts.push(rest.length ? prod(rest.length === 1 ? rest[0] : cat(rest, d), d, true) : onesLike(x.narrow(d, k, 1)));
  }
  return cat(parts, d);
}

/** Product over one dim (or all); ints and bools multiply in int64. */
export const prod = defineOp({
  name: 'prod',
  sig: 'Tensor self, int? dim=None, bool keepdim=False, *, ScalarType? dtype=None',
  out: true,
  save: ['self', 'result'],
  nodeName: (_s, dim) => (dim === null ? 'ProdBackward0' : 'ProdBackward1'),
  forward: (self: Tensor, dim: number | null, keepdim, dtype) =>
    reduceWith(RED.PROD, self, dim === null ? null : [normalizeDim(dim, self.ndim)], keepdim, dtype, sumDtype),
  grad: { self: (g, c) => prodBackward(g, c.self, c.result, c.dim, c.keepdim) },
});

/** 1 where x is not NaN, in x's dtype (a constant for gradient formulas). */
const notNan = (x: Tensor): Tensor => asDtype(eqMask(x, x), x.dtype);

/** Sum treating NaN as zero. */
export const nansum = defineOp({
  name: 'nansum',
  sig: 'Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None',
  out: true,
  save: ['self'],
  forward: (self: Tensor, dim, keepdim, dtype) => reduceWith(RED.NANSUM, self, dim, keepdim, dtype, sumDtype),
  grad: {
    self: (g, c) => expandReduced(g, c.meta.self.shape, c.dim, c.keepdim).mul(notNan(c.self.to(g.dtype))),
  },
});

/** Mean of the non-NaN elements (NaN where there are none). */
export const nanmean = defineOp({
  name: 'nanmean',
  sig: 'Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None',
  out: true,
  save: ['self'],
  forward: (self: Tensor, dim, keepdim, dtype) => {
    if (!(dtype ?? self.dtype).isFloatingPoint) {
      throw new RuntimeError(`nanmean(): expected input to have floating point dtype but got ${self.dtype.scalarName}`);
    }
    return reduceWith(RED.NANMEAN, self, dim, keepdim, dtype, (d) => d);
  },
  grad: {
    self: (g, c) => {
      const shape = c.meta.self.shape as number[];
      const mask = notNan(c.self.to(g.dtype));
      const count = sum(mask, reducedDims(shape, c.dim), true);
      return expandReduced(g, shape, c.dim, c.keepdim).div(count).mul(mask);
    },
  },
});

/** Number of nonzero elements over dims (all when None), as int64. */
export const countNonzero = defineOp({
  name: 'count_nonzero',
  sig: 'Tensor self, int[1]? dim=None',
  forward: (self: Tensor, dim) => runReduce(RED.COUNT_NONZERO, self, reducePlan(self, dim, false), false, int64),
});

function logical(kop: number) {
  return (self: Tensor, dim: number[] | null, keepdim: boolean): Tensor =>
    runReduce(kop, self, reducePlan(self, dim, keepdim), keepdim, self.dtype === uint8 ? uint8 : bool);
}

/** Whether every element (over dims) is nonzero; bool out (uint8 for uint8 input, as in 1.13). */
export const all = defineOp({
  name: 'all',
  sig: 'Tensor self, int[1]? dim=None, bool keepdim=False',
  out: true,
  forward: logical(RED.ALL),
});

/** Whether any element (over dims) is nonzero; bool out (uint8 for uint8 input, as in 1.13). */
export const any = defineOp({
  name: 'any',
  sig: 'Tensor self, int[1]? dim=None, bool keepdim=False',
  out: true,
  forward: logical(RED.ANY),
});

/** Sums g over broadcast dims so it has `shape` (the gradient of broadcasting). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g._shape[i] !== 1)) dims.push(i);
  }
  let r = dims.length ? sum(g, dims, true) : g;
  if (lead > 0 || r.ndim !== shape.length) r = r.reshape(shape as number[]);
  return r;
}

export const sumToSize = defineOp({
  name: 'sum_to_size',
  sig: 'Tensor self, int[] size',
  fn: false,
  forward: (self: Tensor, size: number[]) => sumToShape(self, size),
});
