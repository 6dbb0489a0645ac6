// Elementwise and reduction ops the linalg gradient formulas and norms call as Tensor
// methods (abs, sign, sqrt, pow, comparisons, masked_fill, amax/amin, tril/triu,
// diag_embed...). Their owners are the pointwise, reduction and indexing files; while
// those are developed in parallel, this module defines each one ONLY when no other
// file has. api.ts imports it last, so in a tree that has the owners' definitions
// every call below is skipped and theirs are used (this file can then be deleted).

import { Tensor } from '../tensor/tensor.js';
import { bool, int64 } from '../tensor/dtype.js';
import { normalizeDim, RuntimeError } from '../tensor/shape.js';
import { ops, defineOp, OpSpec } from '../ops/registry.js';
import { binary, compare, unary, predicate, where3 } from '../ops/elementwise.js';
import { BIN, CMP, UN, PRED, RED } from '../ops/codes.js';
import { floatResult, resultType } from '../ops/promotion.js';
import { reduceWith, expandReduced, reducedDims, sumDtype } from '../ops/reduce.js';
import { prodAllBut } from './prod_all_but.js';
import { withDtype, release, copyInto } from '../ops/kernels.js';
import { arange, zeros, zerosLike } from '../ops/creation.js';
import { diagonal } from '../ops/views.js';
import type { Operand } from '../ops/kernels.js';
import type { OpMethod } from '../ops/types.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    abs: OpMethod; sign: OpMethod; sgn: OpMethod; sqrt: OpMethod; pow: OpMethod; log: OpMethod; reciprocal: OpMethod;
    eq: OpMethod; ne: OpMethod; lt: OpMethod; le: OpMethod; gt: OpMethod; ge: OpMethod; isnan: OpMethod;
    logicalOr: OpMethod; logicalAnd: OpMethod; maskedFill: OpMethod; amax: OpMethod; amin: OpMethod; tril: OpMethod; triu: OpMethod;
    diagEmbed: OpMethod; prod: OpMethod;
  }
}

function fallback(spec: OpSpec): void {
  if (!ops.has(spec.name)) defineOp(spec);
}

/** r converted to like's dtype (where() promotes; these ops keep the input's dtype). */
const sameDtype = (r: Tensor, like: Tensor): Tensor => (r.dtype === like.dtype ? r : r.to(like.dtype));

fallback({
  name: 'abs',
  sig: 'Tensor self',
  save: ['self'],
  forward: (self: Tensor) => unary('abs', UN.ABS, self, self.dtype),
  grad: { self: (g, c) => g.mul(c.self.sgn()) },
});

for (const name of ['sign', 'sgn']) {
  fallback({
    name,
    sig: 'Tensor self',
    forward: (self: Tensor) => unary(name, UN.SIGN, self, self.dtype),
    grad: { self: (g) => zerosLike(g) },
  });
}

fallback({
  name: 'sqrt',
  sig: 'Tensor self',
  save: ['result'],
  forward: (self: Tensor) => {
    const dt = floatResult(self.dtype);
    const x = withDtype(self, dt);
    try {
      return unary('sqrt', UN.SQRT, x, dt);
    } finally {
      release(x, self);
    }
  },
  grad: { self: (g, c) => g.div(c.result.mul(2)) },
});

fallback({
  name: 'log',
  sig: 'Tensor self',
  save: ['self'],
  forward: (self: Tensor) => {
    const dt = floatResult(self.dtype);
    const x = withDtype(self, dt);
    try {
      return unary('log', UN.LOG, x, dt);
    } finally {
      release(x, self);
    }
  },
  grad: { self: (g, c) => g.div(c.self) },
});

fallback({
  name: 'reciprocal',
  sig: 'Tensor self',
  save: ['result'],
  forward: (self: Tensor) => {
    const dt = floatResult(self.dtype);
    const x = withDtype(self, dt);
    try {
      return unary('reciprocal', UN.RECIPROCAL, x, dt);
    } finally {
      release(x, self);
    }
  },
  grad: { self: (g, c) => g.mul(c.result.mul(c.result)).neg() },
});

fallback({
  name: 'pow',
  sig: 'Tensor self, Tensor|Scalar exponent',
  save: ['self', 'exponent', 'result'],
  forward: (self: Tensor, e: Operand) => {
    if (e instanceof Tensor) return binary('pow', BIN.POW, self, e);
    const dt = resultType(self, e);
    const x = withDtype(self, dt);
    try {
      return unary('pow', UN.POW_SCALAR, x, dt, null, Number(e));
    } finally {
      release(x, self);
    }
  },
  grad: {
    self: (g, c) => {
      const e = c.exponent;
      if (!(e instanceof Tensor)) return Number(e) === 0 ? g.mul(0) : g.mul(c.self.pow(Number(e) - 1).mul(e));
      return g.mul(e.mul(c.self.pow(e.sub(1)))).maskedFill(e.eq(0), 0);
    },
    exponent: (g, c) => {
      // d(a^b)/db = a^b log(a), defined as 0 at a = 0 for b >= 0 (as PyTorch does)
      const atZero = c.self.eq(0).logicalAnd(c.exponent.ge(0));
      return g.mul(c.result.mul(c.self.log()).maskedFill(atZero, 0));
    },
  },
});

const comparisons: [string, number][] = [['eq', CMP.EQ], ['ne', CMP.NE], ['lt', CMP.LT], ['le', CMP.LE], ['gt', CMP.GT], ['ge', CMP.GE]];
for (const [name, code] of comparisons) {
  fallback({
    name,
    sig: 'Tensor self, Tensor|Scalar other',
    forward: (self: Tensor, other: Operand) => compare(name, code, self, other),
  });
}

for (const [name, code] of [['logical_or', CMP.LOGICAL_OR], ['logical_and', CMP.LOGICAL_AND]] as const) {
  fallback({
    name,
    sig: 'Tensor self, Tensor other',
    forward: (self: Tensor, other: Tensor) => compare(name, code, self, other),
  });
}

fallback({
  name: 'isnan',
  sig: 'Tensor self',
  forward: (self: Tensor) => predicate('isnan', PRED.ISNAN, self),
});

fallback({
  name: 'masked_fill',
  sig: 'Tensor self, Tensor mask, Tensor|Scalar value',
  forward: (self: Tensor, mask: Tensor, value: Operand) => {
    if (mask.dtype !== bool) throw new RuntimeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype.scalarName}`);
    return sameDtype(where3(mask, value, self), self);
  },
  save: ['mask'],
  grad: { self: (g, c) => g.maskedFill(c.mask, 0) },
});

for (const [name, code] of [['amax', RED.AMAX], ['amin', RED.AMIN]] as const) {
  fallback({
    name,
    sig: 'Tensor self, int[1] dim=[], bool keepdim=False',
    save: ['self', 'result'],
    forward: (self: Tensor, dim: number[], keepdim: boolean) => {
      if (self.numel() === 0 && reducedDims(self._shape, dim).some((d) => self._shape[d] === 0)) {
        throw new RuntimeError(`${name}(): Expected reduction dim to have non-zero size.`);
      }
      return reduceWith(code, self, dim, keepdim, null, (d) => d);
    },
    grad: {
      self: (g, c) => {
        const shape = c.meta.self.shape as number[];
        const dims = reducedDims(shape, c.dim);
        const r = expandReduced(c.result, shape, c.dim, c.keepdim);
        const mask = c.self.eq(r);
        const count = mask.sum(dims, true);
        return expandReduced(g, shape, c.dim, c.keepdim).div(count).mul(mask);
      },
    },
  });
}

fallback({
  name: 'prod',
  sig: 'Tensor self, int dim, bool keepdim=False, *, ScalarType? dtype=None',
  save: ['self'],
  forward: (self: Tensor, dim: number, keepdim: boolean, dtype) => reduceWith(RED.PROD, self, [dim], keepdim, dtype, sumDtype),
  grad: {
    self: (g, c) => {
      const d = normalizeDim(c.dim, c.self.ndim);
      const others = prodAllBut(c.self.movedim(d, -1)).movedim(-1, d);
      return expandReduced(g, c.meta.self.shape, [d], c.keepdim).mul(others);
    },
  },
});

/** Where column - row (of the last two dims) satisfies `cmp` against `diagonal`. */
function triangleMask(rows: number, cols: number, diagonalOffset: number, code: number): Tensor {
  const r = arange(rows, { dtype: int64 }).unsqueeze(-1);
  const c = arange(cols, { dtype: int64 });
  return compare('tril', code, binary('sub', BIN.SUB, c, r), diagonalOffset);
}

for (const [name, code] of [['tril', CMP.LE], ['triu', CMP.GE]] as const) {
  fallback({
    name,
    sig: 'Tensor self, int diagonal=0',
    forward: (self: Tensor, k: number) => {
      if (self.ndim < 2) throw new RuntimeError(`${name}: input tensor must have at least 2 dimensions`);
      const [rows, cols] = self._shape.slice(-2);
      const zero = self.dtype === bool ? false : 0;
      return sameDtype(where3(triangleMask(rows, cols, k, code), self, zero), self);
    },
    grad: { self: (g, c) => (name === 'tril' ? g.tril(c.diagonal) : g.triu(c.diagonal)) },
  });
}

fallback({
  name: 'diag_embed',
  sig: 'Tensor self, int offset=0, int dim1=-2, int dim2=-1',
  forward: (self: Tensor, offset: number, dim1: number, dim2: number) => {
    const nd = self.ndim + 1;
    const d1 = normalizeDim(dim1, nd);
    const d2 = normalizeDim(dim2, nd);
    if (d1 === d2) throw new RuntimeError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
    const n = self._shape[self.ndim - 1] + Math.abs(offset);
    const rest = self._shape.slice(0, -1);
    const shape: number[] = [];
    let j = 0;
    for (let i = 0; i < nd; i++) shape.push(i === d1 || i === d2 ? n : rest[j++]);
    const out = zeros(shape, { dtype: self.dtype });
    const diag = diagonal(out, offset, d1, d2);
    copyInto(diag, self);
    diag.dispose();
    return out;
  },
  grad: { self: (g, c) => g.diagonal(c.offset, c.dim1, c.dim2) },
});

