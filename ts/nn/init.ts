// torch.nn.init: parameter initialisation, in place and without recording the graph
// (PyTorch runs these under no_grad). Each function draws the default generator's
// stream in PyTorch 1.13's order (1.13's init functions take no generator), and bounds
// are computed in double precision as PyTorch's Python does, so seeded initialisations
// match PyTorch bit for bit.
//
// Positional arguments keep PyTorch's order; keyword ones go in a trailing options
// object: init.kaimingUniform_(w, { a: Math.sqrt(5) }).

import { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../tensor/shape.js';
import { tidy } from '../tensor/scope.js';
import { noGrad } from '../autograd/grad_mode.js';
import { isPlainObject, parseSignature, bindArgs, Param } from '../ops/signature.js';
import { diag } from '../ops/all.js';
import { randperm } from '../random/index.js';
import { qr } from '../linalg/index.js';
import { erf } from './scalar_erf.js';

const signatures = new Map<string, Param[]>();

/** Binds positional args and a trailing options object to the op's signature. */
function bind(op: string, signature: string, args: unknown[]): unknown[] {
  let params = signatures.get(op);
  if (params === undefined) signatures.set(op, (params = parseSignature(signature)));
  const kwargs = args.length > 0 && isPlainObject(args[args.length - 1]) ? (args[args.length - 1] as Record<string, unknown>) : null;
  return bindArgs(op, params, kwargs ? args.slice(0, -1) : args, kwargs);
}

const warn = (message: string): void => console.warn(`UserWarning: ${message}`);

const LINEAR_FNS = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'];

/**
 * The recommended gain for a nonlinearity (param: leaky_relu's negative slope).
 * @example init.calculateGain('leaky_relu', 0.2) // 1.3867504905630728
 */
export function calculateGain(nonlinearity: string, ...args: unknown[]): number {
  const [, param] = bind('calculate_gain', 'Any nonlinearity, Any param=None', [nonlinearity, ...args]);
  if (LINEAR_FNS.includes(nonlinearity as string) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    let slope: number;
    if (param === null) slope = 0.01;
    // bigint and boolean are not numbers here: Python rejects bool (an int subclass)
    else if (typeof param === 'number') slope = param;
    else throw new ValueError(`negative_slope ${pyRepr(param)} not a valid number`);
    return Math.sqrt(2.0 / (1 + slope ** 2));
  }
  if (nonlinearity === 'selu') return 3.0 / 4;
  throw new ValueError(`Unsupported nonlinearity ${pyStr(nonlinearity)}`);
}

/** Python's str() and repr() of a value in a message. */
function pyStr(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return String(v);
}
const pyRepr = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : pyStr(v));

/** (fan_in, fan_out) of a weight: size(1) and size(0), times the receptive field. */
export function _calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  const [t] = bind('_calculate_fan_in_and_fan_out', 'Tensor tensor', [tensor]) as [Tensor];
  if (t.ndim < 2) throw new ValueError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  let receptive = 1;
  for (const s of t.shape.slice(2)) receptive *= s;
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function calculateCorrectFan(tensor: Tensor, mode: string): number {
  const m = mode.toLowerCase();
  if (m !== 'fan_in' && m !== 'fan_out') throw new ValueError(`Mode ${m} not supported, please use one of ['fan_in', 'fan_out']`);
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  return m === 'fan_in' ? fanIn : fanOut;
}

/** Fills with U(a, b). @example init.uniform_(w, -0.1, 0.1) */
export function uniform_(tensor: Tensor, ...args: unknown[]): Tensor {
  const [t, a, b] = bind('uniform_', 'Tensor tensor, float a=0., float b=1.', [tensor, ...args]) as [Tensor, number, number];
  return noGrad(() => t.uniform_(a, b));
}

/** Fills with N(mean, std^2). @example init.normal_(w, 0, 0.02) */
export function normal_(tensor: Tensor, ...args: unknown[]): Tensor {
  const [t, mean, std] = bind('normal_', 'Tensor tensor, float mean=0., float std=1.', [tensor, ...args]) as [Tensor, number, number];
  return noGrad(() => t.normal_(mean, std));
}

/**
 * Fills with N(mean, std^2) truncated to [a, b], by inverse-CDF sampling as PyTorch
 * does: uniform in [2 cdf(a) - 1, 2 cdf(b) - 1], erfinv, scale, shift, clamp.
 * @example init.truncNormal_(w, { std: 0.02 })
 */
export function truncNormal_(tensor: Tensor, ...args: unknown[]): Tensor {
  const [t, mean, std, a, b] = bind('trunc_normal_', 'Tensor tensor, float mean=0., float std=1., float a=-2., float b=2.', [
    tensor, ...args,
  ]) as [Tensor, number, number, number, number];
  const normCdf = (x: number): number => (1 + erf(x / Math.sqrt(2))) / 2;
  if (mean < a - 2 * std || mean > b + 2 * std) {
    warn('mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.');
  }
  return noGrad(() => {
    const l = normCdf((a - mean) / std);
    const u = normCdf((b - mean) / std);
    t.uniform_(2 * l - 1, 2 * u - 1);
    t.erfinv_();
    t.mul_(std * Math.sqrt(2));
    t.add_(mean);
    return t.clamp_(a, b);
  });
}

/** Fills with a constant. @example init.constant_(b, 0.1) */
export function constant_(tensor: Tensor, ...args: unknown[]): Tensor {
  const [t, val] = bind('constant_', 'Tensor tensor, Scalar val', [tensor, ...args]) as [Tensor, number];
  return noGrad(() => t.fill_(val));
}

/** Fills with ones. */
export function ones_(tensor: Tensor): Tensor {
  const [t] = bind('ones_', 'Tensor tensor', [tensor]) as [Tensor];
  return noGrad(() => t.fill_(1));
}

/** Fills with zeros. */
export function zeros_(tensor: Tensor): Tensor {
  const [t] = bind('zeros_', 'Tensor tensor', [tensor]) as [Tensor];
  return noGrad(() => t.zero_());
}

/** The identity in a 2-D tensor (ones on the main diagonal). @example init.eye_(torch.empty(3, 5)) */
export function eye_(tensor: Tensor): Tensor {
  const [t] = bind('eye_', 'Tensor tensor', [tensor]) as [Tensor];
  if (t.ndim !== 2) throw new ValueError('Only tensors with 2 dimensions are supported');
  return noGrad(() => {
    t.zero_();
    tidy(() => void t.diagonal().fill_(1));
    return t;
  });
}

/**
 * The Dirac delta in a 3-, 4- or 5-D convolution weight: each group's first
 * min(out/groups, in) channels pass through unchanged.
 * @example init.dirac_(torch.empty(6, 2, 3, 3), { groups: 3 })
 */
export function dirac_(tensor: Tensor, ...args: unknown[]): Tensor {
  const [t, groups] = bind('dirac_', 'Tensor tensor, int groups=1', [tensor, ...args]) as [Tensor, number];
  if (![3, 4, 5].includes(t.ndim)) throw new ValueError('Only tensors with 3, 4, or 5 dimensions are supported');
  const sizes = t.shape;
  if (sizes[0] % groups !== 0) throw new ValueError('dim 0 must be divisible by groups');
  const perGroup = Math.floor(sizes[0] / groups);
  const minDim = Math.min(perGroup, sizes[1]);
  return noGrad(() => {
    t.zero_();
    if (minDim === 0) return t;
    tidy(() => {
      for (let g = 0; g < groups; g++) {
        // the group's [min_dim, min_dim] block at the spatial centre: its diagonal is 1
        let v = t.narrow(0, g * perGroup, minDim).narrow(1, 0, minDim);
        for (let d = 2; d < t.ndim; d++) v = v.select(2, Math.floor(sizes[d] / 2));
        v.diagonal().fill_(1);
      }
    });
    return t;
  });
}

/**
 * Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).
 * @example init.xavierUniform_(w, { gain: init.calculateGain('relu') })
 */
export function xavierUniform_(tensor: Tensor, ...args: unknown[]): Tensor {
  const [t, gain] = bind('xavier_uniform_', 'Tensor tensor, float gain=1.', [tensor, ...args]) as [Tensor, number];
  const [fanIn, fanOut] = _calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return noGrad(() => t.uniform_(-a, a));
}

/** Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)). @example init.xavierNormal_(w) */
export function xavierNormal_(tensor: Tensor, ...args: unknown[]): Tensor {
  const [t, gain] = bind('xavier_normal_', 'Tensor tensor, float gain=1.', [tensor, ...args]) as [Tensor, number];
  const [fanIn, fanOut] = _calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return noGrad(() => t.normal_(0, std));
}

// `a` stays as given: calculate_gain validates it (only for leaky_relu)
const KAIMING = 'Tensor tensor, Any a=0, str mode="fan_in", str nonlinearity="leaky_relu"';

/** He's std, gain / sqrt(fan); null for a zero-element tensor (PyTorch warns and leaves it). */
function kaimingStd(t: Tensor, a: unknown, mode: string, nonlinearity: string): number | null {
  if (t.shape.includes(0)) {
    warn('Initializing zero-element tensors is a no-op');
    return null;
  }
  const fan = calculateCorrectFan(t, mode);
  const gain = calculateGain(nonlinearity, a);
  return gain / Math.sqrt(fan);
}

/**
 * He uniform: U(-bound, bound) with bound = gain * sqrt(3 / fan).
 * @example init.kaimingUniform_(w, { mode: 'fan_in', nonlinearity: 'relu' })
 */
export function kaimingUniform_(tensor: Tensor, ...args: unknown[]): Tensor {
  const [t, a, mode, nonlinearity] = bind('kaiming_uniform_', KAIMING, [tensor, ...args]) as [Tensor, unknown, string, string];
  const std = kaimingStd(t, a, mode, nonlinearity);
  if (std === null) return t;
  const bound = Math.sqrt(3.0) * std;
  return noGrad(() => t.uniform_(-bound, bound));
}

/**
 * He normal: N(0, std^2) with std = gain / sqrt(fan).
 * @example init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' })
 */
export function kaimingNormal_(tensor: Tensor, ...args: unknown[]): Tensor {
  const [t, a, mode, nonlinearity] = bind('kaiming_normal_', KAIMING, [tensor, ...args]) as [Tensor, unknown, string, string];
  const std = kaimingStd(t, a, mode, nonlinearity);
  if (std === null) return t;
  return noGrad(() => t.normal_(0, std));
}

/**
 * A (semi-)orthogonal matrix, trailing dims flattened (Saxe et al. 2013): the Q of a
 * normal matrix's QR, its columns' signs fixed by R's diagonal, times gain.
 * @example init.orthogonal_(torch.empty(3, 5))
 */
export function orthogonal_(tensor: Tensor, ...args: unknown[]): Tensor {
  const [t, gain] = bind('orthogonal_', 'Tensor tensor, float gain=1', [tensor, ...args]) as [Tensor, number];
  if (t.ndim < 2) throw new ValueError('Only tensors with 2 or more dimensions are supported');
  if (t.numel() === 0) return t;
  const rows = t.shape[0];
  const cols = t.numel() / rows;
  return noGrad(() => {
    tidy(() => {
      let flattened = t.newEmpty([rows, cols]).normal_(0, 1);
      if (rows < cols) flattened = flattened.t();
      let [q, r] = qr(flattened) as Tensor[];
      // make Q uniform over the orthogonal group (Mezzadri 2007)
      q = q.mul(diag(r, 0).sign());
      if (rows < cols) q = q.t();
      t.viewAs(q).copy_(q);
    });
    return t.mul_(gain);
  });
}

/**
 * A sparse 2-D matrix (Martens 2010): N(0, std^2) values, then in each column
 * ceil(sparsity * rows) entries, chosen by randperm, set to zero.
 * @example init.sparse_(w, 0.1)
 */
export function sparse_(tensor: Tensor, ...args: unknown[]): Tensor {
  const [t, sparsity, std] = bind('sparse_', 'Tensor tensor, float sparsity, float std=0.01', [tensor, ...args]) as [Tensor, number, number];
  if (t.ndim !== 2) throw new ValueError('Only tensors with 2 dimensions are supported');
  const [rows, cols] = t.shape;
  const numZeros = Math.ceil(sparsity * rows);
  // row_indices[:num_zeros], with Python's slice bounds (a negative stop counts from the end)
  const taken = numZeros >= 0 ? Math.min(numZeros, rows) : Math.max(rows + numZeros, 0);
  return noGrad(() => {
    t.normal_(0, std);
    // one randperm per column, in column order: the default generator's stream as PyTorch draws it
    for (let col = 0; col < cols; col++) {
      tidy(() => {
        const zeroIndices = randperm(rows).narrow(0, 0, taken);
        t.indexPut_([zeroIndices, col], 0);
      });
    }
    return t;
  });
}

/** PyTorch's deprecated names without the trailing underscore: warn, then do the same. */
function deprecated<F extends (...args: never[]) => Tensor>(fn: F, newName: string): F {
  const oldName = newName.slice(0, -1);
  return ((...args: never[]) => {
    warn(`nn.init.${oldName} is now deprecated in favor of nn.init.${newName}.`);
    return fn(...args);
  }) as F;
}

export const uniform = deprecated(uniform_, 'uniform_');
export const normal = deprecated(normal_, 'normal_');
export const constant = deprecated(constant_, 'constant_');
export const eye = deprecated(eye_, 'eye_');
export const dirac = deprecated(dirac_, 'dirac_');
export const xavierUniform = deprecated(xavierUniform_, 'xavier_uniform_');
export const xavierNormal = deprecated(xavierNormal_, 'xavier_normal_');
export const kaimingUniform = deprecated(kaimingUniform_, 'kaiming_uniform_');
export const kaimingNormal = deprecated(kaimingNormal_, 'kaiming_normal_');
export const orthogonal = deprecated(orthogonal_, 'orthogonal_');
export const sparse = deprecated(sparse_, 'sparse_');
