// Activation functions as ATen defines them (the ops torch.nn.functional calls):
// relu, elu/celu/selu, leaky_relu, hardtanh, hardsigmoid, hardswish, gelu, silu, mish,
// softplus, log_sigmoid, threshold, hardshrink, softshrink. Gradients follow the CPU
// backward kernels' formulas, written with ops so they can be differentiated again.
// torch.* offers only some of them (see all.ts); the rest are reached through F.

import { Tensor, Scalar } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { defineOp, GradCtx } from '../registry.js';
import { functional } from '../composite.js';
import { unary } from '../elementwise.js';
import { UN } from '../../kernels/codes.js';
import { requireFloat } from './common.js';
import { where } from './ternary.js';
import { sigmoid } from './unary.js';


/** Declares an activation op `name(self, ...params)` computed by unary kernel `kop`. */
function activation<const N extends string>(spec: {
  name: N;
  sig?: string;
  kop: number;
  /** Kernel parameters p1..p3 from the op's non-tensor args. */
  params?: (...args: any[]) => number[];
  /** Kernel name for the error on non-floating inputs; '' accepts integers too. */
  floatOnly?: string;
  save?: string[];
  grad: (g: Tensor, c: GradCtx) => Tensor;
  method?: boolean;
  /** Whether ATen has the in-place form name_ (default true). */
  inplace?: boolean;
  nodeName?: string;
}) {
  const impl = (out: Tensor | null, self: Tensor, ...args: unknown[]): Tensor => {
    const [p1 = 0, p2 = 0, p3 = 0] = spec.params ? spec.params(...args) : [];
    if (spec.floatOnly) requireFloat(spec.floatOnly, self.dtype);
    return unary(spec.name, spec.kop, self, self.dtype, out, p1, p2, p3);
  };
  return defineOp({
    name: spec.name,
    sig: spec.sig ?? 'Tensor self',
    inplace: spec.inplace ?? true,
    out: true,
    method: spec.method ?? false,
    save: spec.save ?? ['self'],
    nodeName: spec.nodeName,
    forward: (self: Tensor, ...args: unknown[]) => impl(null, self, ...args),
    into: (out: Tensor, self: Tensor, ...args: unknown[]) => impl(out, self, ...args),
    grad: { self: spec.grad },
  });
}

/**
 * max(x, 0); NaN passes.
 * @example x.relu(); torch.relu(x)
 */
export const relu = activation({
  name: 'relu',
  kop: UN.RELU,
  method: true,
  save: ['result'],
  grad: (g, c) => where(c.result.le(0), 0, g),
});

// ELU family: x > 0 ? scale * x : scale * alpha * (exp(x * input_scale) - 1)
function eluGrad(alpha: number, scale: number, inputScale: number) {
  return (g: Tensor, c: GradCtx): Tensor => {
    const x: Tensor = c.self;
    const neg = g.mul(inputScale).mul(alpha * scale).mul(x.mul(inputScale).exp());
    return where(x.le(0), neg, g.mul(scale));
  };
}

export const elu = activation({
  name: 'elu',
  sig: 'Tensor self, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1',
  kop: UN.ELU,
  floatOnly: 'elu_cpu',
  params: (alpha, scale, inputScale) => [Number(alpha), Number(scale), Number(inputScale)],
  grad: (g, c) => eluGrad(Number(c.alpha), Number(c.scale), Number(c.input_scale))(g, c),
});

/** elu with alpha, scale 1 and input scale 1/alpha. */
export const celu = activation({
  name: 'celu',
  sig: 'Tensor self, Scalar alpha=1.0',
  kop: UN.ELU,
  floatOnly: 'elu_cpu',
  params: (alpha) => {
    if (Number(alpha) === 0) throw new RuntimeError('ZeroDivisionError: alpha cannot be 0 for CELU');
    return [Number(alpha), 1, 1 / Number(alpha)];
  },
  // PyTorch's backward takes 1.0 / alpha.toFloat(): alpha rounded to float32 first
  grad: (g, c) => eluGrad(Number(c.alpha), 1, 1 / Math.fround(Number(c.alpha)))(g, c),
});

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** scale * elu(x, alpha) with SELU's fixed constants. */
export const selu = defineOp({
  name: 'selu',
  sig: 'Tensor self',
  forward: (self: Tensor) => elu(self, SELU_ALPHA, SELU_SCALE),
});

export const leakyRelu = activation({
  name: 'leaky_relu',
  sig: 'Tensor self, Scalar negative_slope=0.01',
  kop: UN.LEAKY_RELU,
  floatOnly: 'leaky_relu_cpu',
  params: (slope) => [Number(slope)],
  grad: (g, c) => where(c.self.gt(0), g, g.mul(c.negative_slope)),
});

/** clamp(x, min_val, max_val); zero gradient at and beyond the bounds. */
export const hardtanh = activation({
  name: 'hardtanh',
  sig: 'Tensor self, Scalar min_val=-1, Scalar max_val=1',
  kop: UN.CLAMP,
  params: (lo, hi) => [Number(lo), Number(hi)],
  grad: (g, c) => where(c.self.le(c.min_val).logicalOr(c.self.ge(c.max_val)), 0, g),
});

export const hardsigmoid = activation({
  name: 'hardsigmoid',
  kop: UN.HARDSIGMOID,
  floatOnly: 'hardsigmoid_cpu',
  // grad * one_sixth, where PyTorch's one_sixth is the float 1.0f / 6.0f
  grad: (g, c) => where(c.self.gt(-3).logicalAnd(c.self.lt(3)), g.mul(Math.fround(1 / 6)), 0),
});

export const hardswish = activation({
  name: 'hardswish',
  kop: UN.HARDSWISH,
  floatOnly: 'hardswish_cpu',
  grad: (g, c) => {
    const x: Tensor = c.self;
    return where(x.lt(-3), 0, where(x.le(3), g.mul(x.div(3).add(0.5)), g));
  },
});

const M_SQRT1_2 = 0.7071067811865476;
const M_2_SQRTPI = 1.1283791670955126;
const GELU_KAPPA = 0.044715;

function geluGrad(g: Tensor, c: GradCtx): Tensor {
  const x: Tensor = c.self;
  if (c.approximate === 'tanh') {
    const beta = Math.SQRT2 * M_2_SQRTPI * 0.5;
    const xSq = x.mul(x);
    const inner = x.add(xSq.mul(x).mul(GELU_KAPPA)).mul(beta);
    const t = inner.tanh();
    const left = x.mul(0.5);
    const leftDerivative = t.add(1).mul(0.5);
    const tanhDerivative = t.mul(t).rsub(1);
    const innerDerivative = xSq.mul(3 * GELU_KAPPA).add(1).mul(beta);
    return g.mul(leftDerivative.add(left.mul(tanhDerivative).mul(innerDerivative)));
  }
  const cdf = x.mul(M_SQRT1_2).erf().add(1).mul(0.5);
  const pdf = x.mul(x).mul(-0.5).exp().mul(M_2_SQRTPI * M_SQRT1_2 * 0.5);
  return g.mul(cdf.add(x.mul(pdf)));
}

function geluMode(approximate: string): number {
  if (approximate === 'none') return 0;
  if (approximate === 'tanh') return 1;
  throw new RuntimeError('approximate argument must be either none or tanh.');
}

/** x * Phi(x) (approximate='none') or its tanh approximation (approximate='tanh'). */
export const gelu = activation({
  name: 'gelu',
  sig: "Tensor self, *, str approximate='none'",
  kop: UN.GELU,
  floatOnly: 'GeluKernelImpl',
  inplace: false,
  params: (approximate) => [geluMode(approximate)],
  grad: geluGrad,
});

/** x * sigmoid(x). */
export const silu = activation({
  name: 'silu',
  kop: UN.SILU,
  floatOnly: 'silu_cpu',
  grad: (g, c) => {
    const x: Tensor = c.self;
    const s = sigmoid(x);
    return g.mul(s).mul(x.mul(s.rsub(1)).add(1));
  },
});

/** x * tanh(softplus(x)). */
export const mish = activation({
  name: 'mish',
  kop: UN.MISH,
  floatOnly: 'mish_cpu',
  grad: (g, c) => {
    const x: Tensor = c.self;
    const s = sigmoid(x);
    const t = x.exp().log1p().tanh();
    return g.mul(t.add(x.mul(s).mul(t.mul(t).rsub(1))));
  },
});

/** log(1 + exp(beta * x)) / beta, linear where beta * x > threshold. */
export const softplus = activation({
  name: 'softplus',
  sig: 'Tensor self, Scalar beta=1, Scalar threshold=20',
  kop: UN.SOFTPLUS,
  floatOnly: 'softplus_cpu',
  inplace: false,
  params: (beta, threshold) => [Number(beta), Number(threshold)],
  grad: (g, c) => {
    const bx = c.self.mul(c.beta);
    const z = bx.exp();
    return where(bx.gt(c.threshold), g, g.mul(z).div(z.add(1)));
  },
});

/** log(sigmoid(x)), computed stably. */
export const logSigmoid = activation({
  name: 'log_sigmoid',
  kop: UN.LOGSIGMOID,
  floatOnly: 'log_sigmoid_cpu',
  inplace: false,
  grad: (g, c) => {
    const x: Tensor = c.self;
    const z = x.abs().neg().exp();
    const t = z.div(z.add(1));
    // x < 0: 1 - t; else 0 + t
    return where(x.lt(0), t.rsub(1), t).mul(g);
  },
});

/** x <= threshold ? value : x. */
export const threshold = activation({
  name: 'threshold',
  sig: 'Tensor self, Scalar threshold, Scalar value',
  kop: UN.THRESHOLD,
  params: (t, v) => [Number(t), Number(v)],
  grad: (g, c) => where(c.self.le(c.threshold), 0, g),
});

const inDeadZone = (x: Tensor, lambd: Scalar): Tensor => x.ge(-Number(lambd)).logicalAnd(x.le(lambd));

/** 0 where |x| <= lambd, else x. */
export const hardshrink = activation({
  name: 'hardshrink',
  sig: 'Tensor self, Scalar lambd=0.5',
  kop: UN.HARDSHRINK,
  floatOnly: 'hardshrink_cpu',
  inplace: false,
  method: true,
  params: (lambd) => [Number(lambd)],
  grad: (g, c) => where(inDeadZone(c.self, c.lambd), 0, g),
});

/** x - lambd, 0, or x + lambd: shrinks toward zero by lambd. */
export const softshrink = activation({
  name: 'softshrink',
  sig: 'Tensor self, Scalar lambd=0.5',
  kop: UN.SOFTSHRINK,
  floatOnly: 'softshrink_cpu',
  inplace: false,
  params: (lambd) => {
    if (!(Number(lambd) >= 0)) throw new RuntimeError(`lambda must be greater or equal to 0, but found to be ${Number(lambd)}.`);
    return [Number(lambd)];
  },
  grad: (g, c) => where(inDeadZone(c.self, c.lambd), 0, g),
});

// torch.relu_ and friends: the in-place forms as functions
export const relu_ = functional<(self: Tensor) => Tensor>('relu_', 'Tensor input', (self: Tensor) => self.relu_());
export const selu_ = functional<(self: Tensor) => Tensor>('selu_', 'Tensor input', (self: Tensor) => (self as any).elu_(SELU_ALPHA, SELU_SCALE));
export const celu_ = functional<(self: Tensor, ...args: unknown[]) => Tensor>('celu_', 'Tensor input, Scalar alpha=1.0', (self: Tensor, alpha: Scalar) =>
  (self as any).celu_(alpha));
export const threshold_ = functional<(self: Tensor, ...args: unknown[]) => Tensor>('threshold_', 'Tensor input, Scalar threshold, Scalar value',
  (self: Tensor, threshold: Scalar, value: Scalar) => (self as any).threshold_(threshold, value));
