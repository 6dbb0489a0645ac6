// Unary math with floating results: exp/log families, powers and roots, trigonometric
// and hyperbolic functions with their inverses, sigmoid/logit, erf family, reciprocal.
// Integer and bool inputs compute in the default float dtype. Gradients follow
// PyTorch's derivatives.yaml term by term.

import { Tensor } from '../../tensor/tensor.js';
import { defineOp, GradFormula } from '../registry.js';
import { UN } from '../../kernels/codes.js';
import { floatUnary } from './common.js';
import { where } from './ternary.js';
import { pow } from './binary.js';
import type { OpMethod } from '../types.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    square_: OpMethod;
  }
}

const SQRT_PI = Math.sqrt(Math.PI);

/** Declares `name` (with name_ and out=) computing kernel `kop` with gradient `grad`. */
function floatOp<const N extends string>(name: N, kop: number, save: string[], grad: GradFormula, aliases: string[] = []) {
  return defineOp({
    name,
    aliases,
    sig: 'Tensor self',
    inplace: true,
    out: true,
    save,
    forward: (self: Tensor) => floatUnary(name, kop, self, null),
    into: (out: Tensor, self: Tensor) => floatUnary(name, kop, self, out),
    grad: { self: grad },
  });
}

/**
 * e^x elementwise (integer inputs give the default float dtype).
 * @example torch.exp(torch.tensor([0, 1]))  // tensor([1.0000, 2.7183])
 */
export const exp = floatOp('exp', UN.EXP, ['result'], (g, c) => g.mul(c.result));
export const exp2 = floatOp('exp2', UN.EXP2, ['result'], (g, c) => g.mul(c.result).mul(Math.LN2));
export const expm1 = floatOp('expm1', UN.EXPM1, ['result'], (g, c) => g.mul(c.result.add(1)));
/**
 * Natural logarithm elementwise (integer inputs give the default float dtype).
 * @example torch.log(torch.tensor([1, 100]))
 */
export const log = floatOp('log', UN.LOG, ['self'], (g, c) => g.div(c.self));
export const log2 = floatOp('log2', UN.LOG2, ['self'], (g, c) => g.div(c.self.mul(Math.LN2)));
export const log10 = floatOp('log10', UN.LOG10, ['self'], (g, c) => g.div(c.self.mul(Math.LN10)));
export const log1p = floatOp('log1p', UN.LOG1P, ['self'], (g, c) => g.div(c.self.add(1)));
/**
 * Square root elementwise (integer inputs give the default float dtype).
 * @example x.abs().sqrt()
 */
export const sqrt = floatOp('sqrt', UN.SQRT, ['result'], (g, c) => g.div(c.result.mul(2)));
export const rsqrt = floatOp('rsqrt', UN.RSQRT, ['result'], (g, c) => g.mul(-0.5).mul(c.result.pow(3)));

export const sin = floatOp('sin', UN.SIN, ['self'], (g, c) => g.mul(c.self.cos()));
export const cos = floatOp('cos', UN.COS, ['self'], (g, c) => g.mul(c.self.sin().neg()));
export const tan = floatOp('tan', UN.TAN, ['result'], (g, c) => g.mul(c.result.pow(2).add(1)));
// 1 - x^2 as PyTorch writes it: -x * x + 1
const oneMinusSquare = (x: Tensor): Tensor => x.neg().mul(x).add(1);
export const asin = floatOp('asin', UN.ASIN, ['self'], (g, c) => g.mul(oneMinusSquare(c.self).rsqrt()), ['arcsin']);
export const acos = floatOp('acos', UN.ACOS, ['self'], (g, c) => g.mul(oneMinusSquare(c.self).rsqrt().neg()), ['arccos']);
export const atan = floatOp('atan', UN.ATAN, ['self'], (g, c) => g.div(c.self.mul(c.self).add(1)), ['arctan']);
export const sinh = floatOp('sinh', UN.SINH, ['self'], (g, c) => g.mul(c.self.cosh()));
export const cosh = floatOp('cosh', UN.COSH, ['self'], (g, c) => g.mul(c.self.sinh()));
export const tanh = floatOp('tanh', UN.TANH, ['result'], (g, c) => g.mul(c.result.mul(c.result).rsub(1)));
export const asinh = floatOp('asinh', UN.ASINH, ['self'], (g, c) => g.mul(c.self.pow(2).add(1).rsqrt()), ['arcsinh']);
export const acosh = floatOp('acosh', UN.ACOSH, ['self'], (g, c) => g.mul(c.self.pow(2).sub(1).rsqrt()), ['arccosh']);
export const atanh = floatOp('atanh', UN.ATANH, ['self'], (g, c) => g.div(c.self.pow(2).rsub(1)), ['arctanh']);
export { asin as arcsin, acos as arccos, atan as arctan, asinh as arcsinh, acosh as arccosh, atanh as arctanh };

export const sigmoid = floatOp('sigmoid', UN.SIGMOID, ['result'], (g, c) => g.mul(c.result.rsub(1)).mul(c.result));

/** log(x / (1 - x)), with x clamped to [eps, 1 - eps] when eps is given. */
export const logit = defineOp({
  name: 'logit',
  sig: 'Tensor self, float? eps=None',
  inplace: true,
  out: true,
  save: ['self'],
  forward: (self: Tensor, eps: number | null) => floatUnary('logit', UN.LOGIT, self, null, eps ?? -1),
  into: (out: Tensor, self: Tensor, eps: number | null) => floatUnary('logit', UN.LOGIT, self, out, eps ?? -1),
  grad: {
    // logit_backward: 0 outside [eps, 1 - eps] (NaN outside [0, 1] without eps)
    self: (g, c) => {
      const x: Tensor = c.self;
      const d = g.div(x.mul(x.rsub(1)));
      if (c.eps === null) return where(x.lt(0).logicalOr(x.gt(1)), NaN, d);
      return where(x.lt(c.eps).logicalOr(x.gt(1 - c.eps)), 0, d);
    },
  },
});

export const erf = floatOp('erf', UN.ERF, ['self'], (g, c) => c.self.pow(2).neg().exp().mul(2 / SQRT_PI).mul(g));
export const erfc = floatOp('erfc', UN.ERFC, ['self'], (g, c) => c.self.pow(2).neg().exp().mul(-2 / SQRT_PI).mul(g));
export const erfinv = floatOp('erfinv', UN.ERFINV, ['self'], (g, c) => c.self.erfinv().pow(2).exp().mul(0.5 * SQRT_PI).mul(g));
export const reciprocal = floatOp('reciprocal', UN.RECIPROCAL, ['result'], (g, c) => g.neg().mul(c.result.mul(c.result)));

/** self * self, as pow(self, 2) (ints stay ints, bool gives int64). */
export const square = defineOp({
  name: 'square',
  sig: 'Tensor self',
  out: true,
  forward: (self: Tensor) => pow(self, 2),
});

const proto = Tensor.prototype as unknown as Record<string, unknown>;
proto.square_ = function (this: Tensor) {
  return this.pow_(2);
};
