// Sign and rounding: abs, sign, sgn, floor, ceil, round (with decimals), trunc/fix, frac,
// and nan_to_num. Integer inputs keep their dtype (rounding them is a copy).

import { Tensor } from '../../tensor/tensor.js';
import { DType, float16, bfloat16, float64 } from '../../tensor/dtype.js';
import { defineOp, GradCtx } from '../registry.js';
import { unary } from '../elementwise.js';
import { copyInto } from '../../tensor/copy.js';
import { checkOut } from '../elementwise.js';
import { UN } from '../../kernels/codes.js';
import { zeros } from '../creation/factories.js';
import { notImplemented, requireFloat } from './common.js';


/** zeros_like(grad) in the input's shape: the gradient of piecewise-constant ops. */
export const zeroGrad = (name: string) => (_g: Tensor, c: GradCtx): Tensor =>
  zeros(c.meta[name].shape as number[], { dtype: c.meta[name].dtype });

/** An op that keeps the input's dtype (ints included). */
function sameDtypeOp<const N extends string>(name: N, kop: number, save: string[], grad: (g: Tensor, c: GradCtx) => Tensor, floatOnly = '', aliases: string[] = []) {
  const impl = (out: Tensor | null, self: Tensor): Tensor => {
    if (floatOnly) requireFloat(floatOnly, self.dtype);
    return unary(name, kop, self, self.dtype, out);
  };
  return defineOp({
    name,
    aliases,
    sig: 'Tensor self',
    inplace: true,
    out: true,
    save,
    forward: (self: Tensor) => impl(null, self),
    into: (out: Tensor, self: Tensor) => impl(out, self),
    grad: { self: grad },
  });
}

/**
 * Absolute value elementwise (keeps the dtype).
 * @example x.abs()
 */
export const abs = sameDtypeOp('abs', UN.ABS, ['self'], (g, c) => g.mul(c.self.sgn()), '', ['absolute']);
export const absolute = abs;
export const sign = sameDtypeOp('sign', UN.SIGN, [], zeroGrad('self'));
export const sgn = sameDtypeOp('sgn', UN.SGN, [], zeroGrad('self'));
export const floor = sameDtypeOp('floor', UN.FLOOR, [], zeroGrad('self'));
export const ceil = sameDtypeOp('ceil', UN.CEIL, [], zeroGrad('self'));
export const trunc = sameDtypeOp('trunc', UN.TRUNC, [], zeroGrad('self'), '', ['fix']);
export const fix = trunc;
export const frac = sameDtypeOp('frac', UN.FRAC, [], (g) => g, 'frac_cpu');

function roundImpl(out: Tensor | null, self: Tensor, decimals: number): Tensor {
  if (decimals !== 0 && !self.dtype.isFloatingPoint) notImplemented('round_cpu', self.dtype);
  return unary('round', UN.ROUND, self, self.dtype, out, decimals);
}

/** Round half to even; with `decimals`, to that many decimal digits (negative: tens, hundreds...). */
export const round = defineOp({
  name: 'round',
  sig: 'Tensor self, *, int decimals=0',
  inplace: true,
  out: true,
  nodeName: (_s, decimals) => (decimals === 0 ? 'RoundBackward0' : 'RoundBackward1'),
  forward: (self: Tensor, decimals: number) => roundImpl(null, self, decimals),
  into: (out: Tensor, self: Tensor, decimals: number) => roundImpl(out, self, decimals),
  grad: { self: zeroGrad('self') },
});

/** finfo(dt).max: the default replacement of +inf. */
function finiteMax(dt: DType): number {
  if (dt === float64) return Number.MAX_VALUE;
  if (dt === float16) return 65504;
  if (dt === bfloat16) return 3.3895313892515355e38;
  return 3.4028234663852886e38;
}

function nanToNumImpl(out: Tensor | null, self: Tensor, nan: number | null, posinf: number | null, neginf: number | null): Tensor {
  if (!self.dtype.isFloatingPoint) {
    // integers have no NaN or infinity: a copy
    if (out === null) return self.clone();
    checkOut(out, self.dtype, self._shape);
    copyInto(out, self);
    return out;
  }
  const max = finiteMax(self.dtype);
  return unary('nan_to_num', UN.NAN_TO_NUM, self, self.dtype, out, nan ?? 0, posinf ?? max, neginf ?? -max);
}

/** Replaces NaN, +inf and -inf (by 0 and the dtype's largest finite values by default). */
export const nanToNum = defineOp({
  name: 'nan_to_num',
  sig: 'Tensor self, float? nan=None, float? posinf=None, float? neginf=None',
  inplace: true,
  out: true,
  save: ['self'],
  forward: (self: Tensor, nan, posinf, neginf) => nanToNumImpl(null, self, nan, posinf, neginf),
  into: (out: Tensor, self: Tensor, nan, posinf, neginf) => nanToNumImpl(out, self, nan, posinf, neginf),
  grad: { self: (g, c) => g.mul(c.self.isfinite()) },
});
