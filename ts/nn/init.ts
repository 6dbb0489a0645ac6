// torch.nn.init: parameter initialisation, in place and without recording the graph
// (PyTorch runs these under no_grad). Bounds are computed in double precision exactly
// as PyTorch's Python does, so seeded initialisations match bit for bit.
//
// Positional arguments keep PyTorch's order; keyword ones go in a trailing options
// object: init.kaimingUniform_(w, { a: Math.sqrt(5) }).

import { Tensor } from '../tensor/tensor.js';
import { float64 } from '../tensor/dtype.js';
import { ValueError } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad_mode.js';
import { isPlainObject } from '../ops/signature.js';
import { unaryInto } from '../kernels/elementwise.js';
import { UN } from '../kernels/codes.js';
import { fromValues } from '../ops/creation/factories.js';
import type { Generator } from '../random/generator.js';

type Options = Record<string, unknown>;

/** Binds positional args and a trailing options object to `names`, with defaults. */
function bind(op: string, args: unknown[], names: string[], defaults: unknown[]): unknown[] {
  const kw: Options = args.length > 0 && isPlainObject(args[args.length - 1]) ? (args.pop() as Options) : {};
  if (args.length > names.length) throw new TypeError(`${op}() takes at most ${names.length + 1} positional arguments`);
  for (const k of Object.keys(kw)) {
    if (!names.includes(k) && k !== 'generator') throw new TypeError(`${op}() got an unexpected keyword argument '${k}'`);
  }
  return names.map((n, i) => {
    if (i < args.length) {
      if (kw[n] !== undefined) throw new TypeError(`${op}() got multiple values for argument '${n}'`);
      return args[i];
    }
    return kw[n] !== undefined ? kw[n] : defaults[i];
  });
}

const generatorOption = (args: unknown[]): { generator?: Generator } => {
  const last = args[args.length - 1];
  return isPlainObject(last) && last.generator !== undefined ? { generator: last.generator as Generator } : {};
};

function checkTensor(op: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}(): argument 'tensor' must be Tensor`);
  return t._check(op, 'tensor');
}

/** Python's repr of a value in a message. */
const pyRepr = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : typeof v === 'string' ? `'${v}'` : String(v));

const LINEAR_FNS = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'];

/**
 * The recommended gain for a nonlinearity (param: leaky_relu's negative slope).
 * @example init.calculateGain('leaky_relu', 0.2)
 */
export function calculateGain(nonlinearity: string, param: number | null = null): number {
  if (LINEAR_FNS.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    let slope: number;
    if (param === null || param === undefined) slope = 0.01;
    else if (typeof param === 'number') slope = param;
    else throw new ValueError(`negative_slope ${pyRepr(param)} not a valid number`);
    return Math.sqrt(2.0 / (1 + slope * slope));
  }
  if (nonlinearity === 'selu') return 3.0 / 4;
  throw new ValueError(`Unsupported nonlinearity ${nonlinearity}`);
}

/** (fan_in, fan_out) of a weight: size(1) and size(0) times the receptive field. */
export function _calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  const t = checkTensor('_calculate_fan_in_and_fan_out', tensor);
  if (t.ndim < 2) throw new ValueError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  let receptive = 1;
  for (const s of t.shape.slice(2)) receptive *= s;
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function calculateCorrectFan(tensor: Tensor, mode: string): number {
  const m = String(mode).toLowerCase();
  if (m !== 'fan_in' && m !== 'fan_out') throw new ValueError(`Mode ${mode} not supported, please use one of ['fan_in', 'fan_out']`);
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  return m === 'fan_in' ? fanIn : fanOut;
}

/** Fills with U(a, b). @example init.uniform_(w, -0.1, 0.1) */
export function uniform_(tensor: Tensor, ...args: unknown[]): Tensor {
  const t = checkTensor('uniform_', tensor);
  const gen = generatorOption(args);
  const [a, b] = bind('uniform_', args, ['a', 'b'], [0, 1]) as number[];
  return noGrad(() => t.uniform_(a, b, gen));
}

/** Fills with N(mean, std^2). */
export function normal_(tensor: Tensor, ...args: unknown[]): Tensor {
  const t = checkTensor('normal_', tensor);
  const gen = generatorOption(args);
  const [mean, std] = bind('normal_', args, ['mean', 'std'], [0, 1]) as number[];
  return noGrad(() => t.normal_(mean, std, gen));
}

/** A float64 scalar through a crate kernel (erf has no JavaScript builtin). */
function scalarUnary(kop: number, x: number): number {
  const s = fromValues([], [x], float64);
  try {
    unaryInto(kop, s, s);
    return Number(s.item());
  } finally {
    s.dispose();
  }
}

/**
 * Fills with N(mean, std^2) truncated to [a, b], by inverse-CDF sampling as PyTorch
 * does: uniform in [2 cdf(a) - 1, 2 cdf(b) - 1], erfinv, scale, shift, clamp.
 */
export function truncNormal_(tensor: Tensor, ...args: unknown[]): Tensor {
  const t = checkTensor('trunc_normal_', tensor);
  const gen = generatorOption(args);
  const [mean, std, a, b] = bind('trunc_normal_', args, ['mean', 'std', 'a', 'b'], [0, 1, -2, 2]) as number[];
  const normCdf = (x: number): number => (1 + scalarUnary(UN.ERF, x / Math.sqrt(2))) / 2;
  if (mean < a - 2 * std || mean > b + 2 * std) {
    console.warn('UserWarning: mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.');
  }
  return noGrad(() => {
    const l = normCdf((a - mean) / std);
    const u = normCdf((b - mean) / std);
    t.uniform_(2 * l - 1, 2 * u - 1, gen);
    unaryInto(UN.ERFINV, t, t, 0, 0, 0, 'erfinv_');
    t.mul_(std * Math.sqrt(2));
    t.add_(mean);
    unaryInto(UN.CLAMP, t, t, a, b, 0, 'clamp_');
    t._s.version++;
    return t;
  });
}

/** Fills with a constant. */
export function constant_(tensor: Tensor, val: number): Tensor {
  const t = checkTensor('constant_', tensor);
  return noGrad(() => t.fill_(val));
}

export function ones_(tensor: Tensor): Tensor {
  const t = checkTensor('ones_', tensor);
  return noGrad(() => t.fill_(1));
}

export function zeros_(tensor: Tensor): Tensor {
  const t = checkTensor('zeros_', tensor);
  return noGrad(() => t.zero_());
}

/** The identity in a 2-D tensor. */
export function eye_(tensor: Tensor): Tensor {
  const t = checkTensor('eye_', tensor);
  if (t.ndim !== 2) throw new ValueError('Only tensors with 2 dimensions are supported');
  return noGrad(() => {
    t.zero_();
    const d = t.diagonal() as Tensor;
    try {
      d.fill_(1);
    } finally {
      d.dispose();
    }
    return t;
  });
}

/** The Dirac delta in a 3-, 4- or 5-D convolution weight (identity per group). */
export function dirac_(tensor: Tensor, ...args: unknown[]): Tensor {
  const t = checkTensor('dirac_', tensor);
  const [groups] = bind('dirac_', args, ['groups'], [1]) as number[];
  if (![3, 4, 5].includes(t.ndim)) throw new ValueError('Only tensors with 3, 4, or 5 dimensions are supported');
  const sizes = t.shape;
  if (sizes[0] % groups !== 0) throw new ValueError('dim 0 must be divisible by groups');
  const perGroup = sizes[0] / groups;
  const minDim = Math.min(perGroup, sizes[1]);
  return noGrad(() => {
    t.zero_();
    if (minDim === 0) return t;
    for (let g = 0; g < groups; g++) {
      // the [min_dim, min_dim] block of this group at the spatial centre: its diagonal is 1
      const views: Tensor[] = [t.narrow(0, g * perGroup, minDim) as Tensor];
      views.push(views[0].narrow(1, 0, minDim) as Tensor);
      for (let d = 2; d < t.ndim; d++) views.push(views[views.length - 1].select(2, Math.floor(sizes[d] / 2)) as Tensor);
      views.push(views[views.length - 1].diagonal() as Tensor);
      views[views.length - 1].fill_(1);
      views.forEach((v) => v.dispose());
    }
    return t;
  });
}

/** Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform_(tensor: Tensor, ...args: unknown[]): Tensor {
  const t = checkTensor('xavier_uniform_', tensor);
  const gen = generatorOption(args);
  const [gain] = bind('xavier_uniform_', args, ['gain'], [1]) as number[];
  const [fanIn, fanOut] = _calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return noGrad(() => t.uniform_(-a, a, gen));
}

/** Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)). */
export function xavierNormal_(tensor: Tensor, ...args: unknown[]): Tensor {
  const t = checkTensor('xavier_normal_', tensor);
  const gen = generatorOption(args);
  const [gain] = bind('xavier_normal_', args, ['gain'], [1]) as number[];
  const [fanIn, fanOut] = _calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return noGrad(() => t.normal_(0, std, gen));
}

function kaimingStd(op: string, t: Tensor, args: unknown[]): number | null {
  const [a, mode, nonlinearity] = bind(op, args, ['a', 'mode', 'nonlinearity'], [0, 'fan_in', 'leaky_relu']);
  if (t.shape.includes(0)) {
    console.warn('UserWarning: Initializing zero-element tensors is a no-op');
    return null;
  }
  const fan = calculateCorrectFan(t, mode as string);
  const gain = calculateGain(nonlinearity as string, a as number);
  return gain / Math.sqrt(fan);
}

/** He uniform: U(-bound, bound) with bound = gain * sqrt(3 / fan). */
export function kaimingUniform_(tensor: Tensor, ...args: unknown[]): Tensor {
  const t = checkTensor('kaiming_uniform_', tensor);
  const gen = generatorOption(args);
  const std = kaimingStd('kaiming_uniform_', t, args);
  if (std === null) return t;
  const bound = Math.sqrt(3.0) * std;
  return noGrad(() => t.uniform_(-bound, bound, gen));
}

/** He normal: N(0, std^2) with std = gain / sqrt(fan). */
export function kaimingNormal_(tensor: Tensor, ...args: unknown[]): Tensor {
  const t = checkTensor('kaiming_normal_', tensor);
  const gen = generatorOption(args);
  const std = kaimingStd('kaiming_normal_', t, args);
  if (std === null) return t;
  return noGrad(() => t.normal_(0, std, gen));
}
