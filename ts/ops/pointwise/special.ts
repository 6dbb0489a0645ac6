// Special functions: lgamma, digamma, polygamma, sinc; and the small conversions
// deg2rad, rad2deg, positive, ldexp, heaviside.

import { Tensor } from '../../tensor/tensor.js';
import { bool, getDefaultDtype } from '../../tensor/dtype.js';
import { RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { UN } from '../../kernels/codes.js';
import { floatUnary } from './common.js';
import { where } from './ternary.js';
import { pow } from './binary.js';
import type { OpMethod } from '../types.js';
import type { TorchOps } from '../signatures.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    polygamma: OpMethod; polygamma_: OpMethod;
    deg2rad_: OpMethod; rad2deg_: OpMethod;
    positive: OpMethod; ldexp_: OpMethod;
  }
}

/** log|Gamma(x)|. */
export const lgamma = defineOp({
  name: 'lgamma',
  sig: 'Tensor self',
  inplace: true,
  out: true,
  save: ['self'],
  forward: (self: Tensor) => floatUnary('lgamma', UN.LGAMMA, self, null),
  into: (out: Tensor, self: Tensor) => floatUnary('lgamma', UN.LGAMMA, self, out),
  grad: { self: (g, c) => g.mul(c.self.digamma()) },
});

/** d/dx lgamma(x). */
export const digamma = defineOp({
  name: 'digamma',
  sig: 'Tensor self',
  inplace: true,
  out: true,
  save: ['self'],
  forward: (self: Tensor) => floatUnary('digamma', UN.DIGAMMA, self, null),
  into: (out: Tensor, self: Tensor) => floatUnary('digamma', UN.DIGAMMA, self, out),
  grad: { self: (g, c) => g.mul(polygamma(1, c.self)) },
});

function polygammaImpl(out: Tensor | null, n: number, self: Tensor): Tensor {
  if (n < 0) throw new RuntimeError('polygamma(n, x) does not support negative n.');
  return floatUnary('polygamma', UN.POLYGAMMA, self, out, n);
}

/** The n-th derivative of digamma (n = 0 is digamma itself). */
export const polygamma: TorchOps['polygamma'] = defineOp({
  name: 'polygamma',
  sig: 'int n, Tensor self',
  method: false,
  out: true,
  save: ['self'],
  forward: (n: number, self: Tensor) => polygammaImpl(null, n, self),
  grad: { self: (g, c) => g.mul(polygamma(c.n + 1, c.self)) },
});

const proto = Tensor.prototype as unknown as Record<string, unknown>;
/** x.polygamma(n) is torch.polygamma(n, x); x.polygamma_(n) writes in place. */
proto.polygamma = function (this: Tensor, n: number) {
  return polygamma(n, this);
};
proto.polygamma_ = function (this: Tensor, n: number) {
  return this.copy_(polygamma(n, this));
};

/** sin(pi x) / (pi x), 1 at 0. */
export const sinc = defineOp({
  name: 'sinc',
  sig: 'Tensor self',
  inplace: true,
  out: true,
  save: ['self'],
  forward: (self: Tensor) => floatUnary('sinc', UN.SINC, self, null),
  into: (out: Tensor, self: Tensor) => floatUnary('sinc', UN.SINC, self, out),
  grad: {
    // ((pi x cos(pi x) - sin(pi x)) / (pi x^2)), 0 at x = 0
    self: (g, c) => {
      const x: Tensor = c.self;
      const px = x.mul(Math.PI);
      const d = px.mul(px.cos()).sub(px.sin()).div(px.mul(x));
      return where(x.eq(0), 0, d).mul(g);
    },
  },
});

const M_PI_180 = 0.017453292519943295;
const M_180_PI = 57.29577951308232;
const floatOf = (self: Tensor): Tensor => (self.dtype.isFloatingPoint ? self : self.to(getDefaultDtype()));

/** Degrees to radians (integers give the default float dtype). */
export const deg2rad = defineOp({
  name: 'deg2rad',
  sig: 'Tensor self',
  out: true,
  forward: (self: Tensor) => floatOf(self).mul(M_PI_180),
});

/** Radians to degrees. */
export const rad2deg = defineOp({
  name: 'rad2deg',
  sig: 'Tensor self',
  out: true,
  forward: (self: Tensor) => floatOf(self).mul(M_180_PI),
});
proto.deg2rad_ = function (this: Tensor) {
  return this.mul_(M_PI_180);
};
proto.rad2deg_ = function (this: Tensor) {
  return this.mul_(M_180_PI);
};

/** +self: self itself (bool raises, as Python's unary + does in PyTorch). */
export function positive(self: Tensor): Tensor {
  self._check('positive');
  if (self.dtype === bool) throw new RuntimeError('The `+` operator, on a bool tensor is not supported.');
  return self;
}
proto.positive = function (this: Tensor) {
  return positive(this);
};

/** self * 2^other. */
export const ldexp = defineOp({
  name: 'ldexp',
  sig: 'Tensor self, Tensor other',
  out: true,
  // PyTorch: self * pow(2.0, other), the float base making integer exponents floating
  forward: (self: Tensor, other: Tensor) => self.mul(pow(2, floatOf(other))),
});
proto.ldexp_ = function (this: Tensor, other: Tensor) {
  return this.mul_(pow(2, floatOf(other)));
};

function heavisideImpl(self: Tensor, values: Tensor): Tensor {
  if (self.dtype !== values.dtype) throw new RuntimeError('heaviside is not yet implemented for tensors with different dtypes');
  return where(self.eq(0), values, self.gt(0).to(self.dtype));
}

/** 0 for x < 0, values for x == 0, 1 for x > 0 (not differentiable). */
export const heaviside = defineOp({
  name: 'heaviside',
  sig: 'Tensor self, Tensor values',
  inplace: true,
  out: true,
  forward: heavisideImpl,
});
