// torch.nn.functional activations, with PyTorch's Python signatures: `inplace=True`
// switches to the op's in-place form; a few are compositions of other ops.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { normalizeDim } from '../../tensor/shape.js';
import { requireKernelDtype } from './kernel_dtype.js';
import {
  relu as reluOp, elu as eluOp, celu as celuOp, selu as seluOp, leakyRelu as leakyReluOp, hardtanh as hardtanhOp,
  hardsigmoid as hardsigmoidOp, hardswish as hardswishOp, gelu as geluOp, silu as siluOp, mish as mishOp,
  softplus as softplusOp, logSigmoid, threshold as thresholdOp, hardshrink as hardshrinkOp, softshrink as softshrinkOp,
  selu_ as seluInplace,
} from '../../ops/pointwise/activation.js';
import { sigmoid as sigmoidOp, tanh as tanhOp } from '../../ops/pointwise/unary.js';
import { where as whereOp } from '../../ops/pointwise/ternary.js';
import { functional } from '../../ops/composite.js';

type Fn = (...args: any[]) => Tensor;
const inplaceOr = (inplace: boolean, self: Tensor, name: string, op: Fn, ...args: unknown[]): Tensor =>
  inplace ? (self as any)[`${name}_`](...args) : op(self, ...args);

export const relu = functional<Fn>('relu', 'Tensor input, bool inplace=False', (x: Tensor, inplace: boolean) =>
  inplaceOr(inplace, x, 'relu', reluOp),
);
export const relu_ = functional<Fn>('relu_', 'Tensor input', (x: Tensor) => x.relu_());

/** min(max(x, 0), 6) (hardtanh with bounds 0 and 6). */
export const relu6 = functional<Fn>('relu6', 'Tensor input, bool inplace=False', (x: Tensor, inplace: boolean) =>
  inplaceOr(inplace, x, 'hardtanh', hardtanhOp, 0, 6),
);

export const elu = functional<Fn>('elu', 'Tensor input, float alpha=1.0, bool inplace=False', (x: Tensor, alpha: number, inplace: boolean) =>
  inplaceOr(inplace, x, 'elu', eluOp, alpha),
);
export const elu_ = functional<Fn>('elu_', 'Tensor input, float alpha=1.0', (x: Tensor, alpha: number) => (x as any).elu_(alpha));

export const selu = functional<Fn>('selu', 'Tensor input, bool inplace=False', (x: Tensor, inplace: boolean) =>
  inplace ? seluInplace(x) : seluOp(x),
);
export const selu_ = functional<Fn>('selu_', 'Tensor input', (x: Tensor) => seluInplace(x));

export const celu = functional<Fn>('celu', 'Tensor input, float alpha=1.0, bool inplace=False', (x: Tensor, alpha: number, inplace: boolean) =>
  inplaceOr(inplace, x, 'celu', celuOp, alpha),
);
export const celu_ = functional<Fn>('celu_', 'Tensor input, float alpha=1.0', (x: Tensor, alpha: number) => (x as any).celu_(alpha));

export const leakyRelu = functional<Fn>(
  'leaky_relu',
  'Tensor input, float negative_slope=0.01, bool inplace=False',
  (x: Tensor, slope: number, inplace: boolean) => inplaceOr(inplace, x, 'leakyRelu', leakyReluOp, slope),
);
export const leakyRelu_ = functional<Fn>('leaky_relu_', 'Tensor input, float negative_slope=0.01', (x: Tensor, slope: number) =>
  (x as any).leakyRelu_(slope),
);

export const hardtanh = functional<Fn>(
  'hardtanh',
  'Tensor input, float min_val=-1.0, float max_val=1.0, bool inplace=False',
  (x: Tensor, lo: number, hi: number, inplace: boolean) => inplaceOr(inplace, x, 'hardtanh', hardtanhOp, lo, hi),
);
export const hardtanh_ = functional<Fn>('hardtanh_', 'Tensor input, float min_val=-1.0, float max_val=1.0', (x: Tensor, lo: number, hi: number) =>
  (x as any).hardtanh_(lo, hi),
);

export const hardsigmoid = functional<Fn>('hardsigmoid', 'Tensor input, bool inplace=False', (x: Tensor, inplace: boolean) =>
  inplaceOr(inplace, x, 'hardsigmoid', hardsigmoidOp),
);
export const hardswish = functional<Fn>('hardswish', 'Tensor input, bool inplace=False', (x: Tensor, inplace: boolean) =>
  inplaceOr(inplace, x, 'hardswish', hardswishOp),
);
export const silu = functional<Fn>('silu', 'Tensor input, bool inplace=False', (x: Tensor, inplace: boolean) =>
  inplaceOr(inplace, x, 'silu', siluOp),
);
export const mish = functional<Fn>('mish', 'Tensor input, bool inplace=False', (x: Tensor, inplace: boolean) =>
  inplaceOr(inplace, x, 'mish', mishOp),
);

export const gelu = functional<Fn>('gelu', "Tensor input, str approximate='none'", (x: Tensor, approximate: string) =>
  geluOp(x, { approximate }),
);

export const softplus = functional<Fn>('softplus', 'Tensor input, float beta=1, float threshold=20', (x: Tensor, beta: number, thr: number) =>
  softplusOp(x, beta, thr),
);

export const logsigmoid = functional<Fn>('logsigmoid', 'Tensor input', (x: Tensor) => logSigmoid(x));

export const threshold = functional<Fn>(
  'threshold',
  'Tensor input, float threshold, float value, bool inplace=False',
  (x: Tensor, t: number, v: number, inplace: boolean) => inplaceOr(inplace, x, 'threshold', thresholdOp, t, v),
);
export const threshold_ = functional<Fn>('threshold_', 'Tensor input, float threshold, float value', (x: Tensor, t: number, v: number) =>
  (x as any).threshold_(t, v),
);

export const hardshrink = functional<Fn>('hardshrink', 'Tensor input, float lambd=0.5', (x: Tensor, l: number) => hardshrinkOp(x, l));
export const softshrink = functional<Fn>('softshrink', 'Tensor input, float lambd=0.5', (x: Tensor, l: number) => softshrinkOp(x, l));

/** x / (1 + |x|). */
export const softsign = functional<Fn>('softsign', 'Tensor input', (x: Tensor) => x.div(x.abs().add(1)));

/** x - tanh(x). */
export const tanhshrink = functional<Fn>('tanhshrink', 'Tensor input', (x: Tensor) => x.sub(x.tanh()));

export const sigmoid = functional<Fn>('sigmoid', 'Tensor input', (x: Tensor) => sigmoidOp(x));
export const tanh = functional<Fn>('tanh', 'Tensor input', (x: Tensor) => tanhOp(x));

/** Gated linear unit: a * sigmoid(b) for the two halves a, b of `dim`. */
export const glu = functional<Fn>('glu', 'Tensor input, int dim=-1', (x: Tensor, dim: number) => {
  if (x.ndim === 0) throw new RuntimeError('glu does not support scalars because halving size must be even');
  const d = normalizeDim(dim, x.ndim);
  const n = x.shape[d];
  if (n % 2 !== 0) throw new RuntimeError(`Halving dimension must be even, but dimension ${d} is size ${n}`);
  requireKernelDtype('glu_cpu', x);
  const a = (x as any).narrow(d, 0, n / 2) as Tensor;
  const b = (x as any).narrow(d, n / 2, n / 2) as Tensor;
  return a.mul(sigmoidOp(b));
});

/**
 * x > 0 ? x : weight * x, with one weight shared by all elements or one per channel
 * (dim 1; a 1-d input is one channel), checked in PyTorch 1.13's order.
 */
export const prelu = functional<Fn>('prelu', 'Tensor input, Tensor weight', (x: Tensor, w: Tensor) => {
  const n = w.numel();
  if (n !== 1) {
    if (x.ndim === 0) throw new RuntimeError('Not allow zero-dim input tensor.');
    const channels = x.ndim > 1 ? x.shape[1] : 1;
    if (n !== channels) {
      throw new RuntimeError(`Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and channel size = ${channels}.`);
    }
  }
  if (w.ndim > 1) throw new RuntimeError(`prelu: Expected \`weight\` to be a scalar or 1D tensor, but got ndim = ${w.ndim}`);
  if (w.dtype !== x.dtype) throw new RuntimeError(`Found dtype ${w.dtype.scalarName} but expected ${x.dtype.scalarName}`);
  requireKernelDtype('prelu_cpu', x);
  const wv = n === 1 ? w.reshape([]) : w.reshape([n, ...new Array(x.ndim - 2).fill(1)]);
  return whereOp(x.gt(0), x, x.mul(wv));
});
