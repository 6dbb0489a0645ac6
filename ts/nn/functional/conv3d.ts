// torch.nn.functional.conv3d / conv_transpose3d, composed from the 2-d convolution
// kernel with every argument exact (stride, padding incl. 'same'/'valid', dilation,
// groups, output_padding) and gradients from the composition:
// - conv3d gathers the KD depth taps of each output depth into channels (an unfold
//   along depth, group-major so groups still work) and runs ONE conv2d over
//   [N*OD, KD*C, H, W] with the weight rearranged to [OC, KD*C/g, KH, KW].
// - conv_transpose3d runs ONE conv_transpose2d over [N*D, C, H, W] whose output
//   channels are (oc, kd) pairs, then adds each (kd, d) plane into output depth
//   d*sd + kd*dd with index_add, and crops the depth padding.
// The shapes are checked first, with PyTorch's messages for the 5-d tensors.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { arange, constantPadNd, convolution, zeros } from '../../ops/all.js';
import { functional } from '../../ops/composite.js';

type Fn = (...args: any[]) => Tensor;

const size = (s: readonly number[]): string => `[${s.join(', ')}]`;
const perChannel = (s: readonly number[]): string => `(${s.join(' x ')})`;

/** An int or list hyper-parameter as 3 values (PyTorch's expand_param_if_needed). */
function triple(name: string, v: number[], dims: number): number[] {
  if (v.length === 1) return [v[0], v[0], v[0]];
  if (v.length !== dims) {
    throw new RuntimeError(
      `expected ${name} to be a single integer value or a list of ${dims} values to match the convolution dimensions, but got ${name}=${size(v)}`,
    );
  }
  return [...v];
}

interface Conv3dArgs {
  stride: number[];
  padding: number[];
  dilation: number[];
  outputPadding: number[];
  groups: number;
  transposed: boolean;
}

/** Runs f on a batched view of an unbatched (4-d) input, unbatching the result. */
function batchify(op: string, input: Tensor, f: (x: Tensor) => Tensor): Tensor {
  if (input.ndim === 5) return f(input);
  if (input.ndim === 4) return f(input.unsqueeze(0)).squeeze(0);
  throw new RuntimeError(`Expected 4D (unbatched) or 5D (batched) input to ${op}, but got input of size: ${size(input.shape)}`);
}

/** PyTorch's convolution checks (check_shape_forward) for 5-d tensors; returns the output shape. */
function checkShapes(input: Tensor, weight: Tensor, bias: Tensor | null, a: Conv3dArgs): number[] {
  if (weight.ndim !== 5) {
    throw new RuntimeError(
      `expected stride to be a single integer value or a list of ${Math.max(weight.ndim - 2, 0)} values to match the convolution dimensions, but got stride=${size(a.stride)}`,
    );
  }
  for (const t of [weight, bias]) {
    if (t && t.dtype !== input.dtype) throw new RuntimeError(`expected scalar type ${input.dtype.scalarName} but found ${t.dtype.scalarName}`);
  }
  if (!input.dtype.isFloatingPoint || input.dtype.itemsize < 4) {
    throw new RuntimeError(`"slow_conv3d_cpu" not implemented for '${input.dtype.scalarName}'`);
  }
  if (a.padding.some((p) => p < 0)) throw new RuntimeError('negative padding is not supported');
  if (a.outputPadding.some((p) => p < 0)) throw new RuntimeError('negative output_padding is not supported');
  if (a.stride.some((s) => s <= 0)) throw new RuntimeError('non-positive stride is not supported');
  if (a.dilation.some((d) => d <= 0)) throw new RuntimeError(`dilation should be greater than zero, but got ${size(a.dilation)}`);
  if (a.groups <= 0) throw new RuntimeError('non-positive groups is not supported');
  const w = weight.shape;
  const g = a.groups;
  const ws = size(w);
  if (w[0] < g) throw new RuntimeError(`Given groups=${g}, expected weight to be at least ${g} at dimension 0, but got weight of size ${ws} instead`);
  if (w[0] % g !== 0) throw new RuntimeError(`Given groups=${g}, expected weight to be divisible by ${g} at dimension 0, but got weight of size [${ws}] instead`);
  const inSp = input.shape.slice(2);
  const kSp = w.slice(2);
  let outC: number;
  if (!a.transposed) {
    if (input.shape[1] !== w[1] * g) {
      throw new RuntimeError(
        `Given groups=${g}, weight of size ${ws}, expected input${size(input.shape)} to have ${w[1] * g} channels, but got ${input.shape[1]} channels instead`,
      );
    }
    outC = w[0];
    if (bias && (bias.ndim !== 1 || bias.shape[0] !== outC)) {
      throw new RuntimeError(`Given weight of size ${ws}, expected bias to be 1-dimensional with ${outC} elements, but got bias of size ${size(bias.shape)} instead`);
    }
    const padded = inSp.map((n, i) => n + 2 * a.padding[i]);
    const kernel = kSp.map((k, i) => a.dilation[i] * (k - 1) + 1);
    if (padded.some((n, i) => n < kernel[i])) {
      throw new RuntimeError(
        `Calculated padded input size per channel: ${perChannel(padded)}. Kernel size: ${perChannel(kernel)}. Kernel size can't be greater than actual input size`,
      );
    }
  } else {
    if (input.shape[1] !== w[0]) {
      throw new RuntimeError(
        `Given transposed=1, weight of size ${ws}, expected input${size(input.shape)} to have ${w[0]} channels, but got ${input.shape[1]} channels instead`,
      );
    }
    outC = w[1] * g;
    if (bias && (bias.ndim !== 1 || bias.shape[0] !== outC)) {
      throw new RuntimeError(
        `Given transposed=1, weight of size ${ws}, expected bias to be 1-dimensional with ${outC} elements, but got bias of size ${size(bias.shape)} instead`,
      );
    }
    if (a.outputPadding.some((p, i) => p >= a.stride[i] && p >= a.dilation[i])) {
      const [op, s, d] = [a.outputPadding, a.stride, a.dilation];
      throw new RuntimeError(
        `output padding must be smaller than either stride or dilation, but got output_padding_depth: ${op[0]} output_padding_height: ${op[1]} output_padding_width: ${op[2]} stride_depth: ${s[0]} stride_height: ${s[1]} stride_width: ${s[2]} dilation_depth: ${d[0]} dilation_height: ${d[1]} dilation_width: ${d[2]}`,
      );
    }
  }
  const outSp = inSp.map((n, i) =>
    a.transposed
      ? (n - 1) * a.stride[i] - 2 * a.padding[i] + a.dilation[i] * (kSp[i] - 1) + a.outputPadding[i] + 1
      : Math.floor((n + 2 * a.padding[i] - a.dilation[i] * (kSp[i] - 1) - 1) / a.stride[i]) + 1,
  );
  if (outSp.some((n) => n <= 0)) {
    throw new RuntimeError(`Given input size per channel: ${perChannel(inSp)}. Calculated output size per channel: ${perChannel(outSp)}. Output size is too small`);
  }
  return [input.shape[0], outC, ...outSp];
}

/** The ordinary 3-d convolution of a checked 5-d input (see the file comment). */
function conv3dBatched(x: Tensor, weight: Tensor, bias: Tensor | null, a: Conv3dArgs, outShape: number[]): Tensor {
  const [n, c, , h, w] = x.shape;
  const [oc, cg, kd, kh, kw] = weight.shape;
  const g = a.groups;
  const [sd, sh, sw] = a.stride;
  const [pd, ph, pw] = a.padding;
  const [dd, dh, dw] = a.dilation;
  const od = outShape[2];
  const xp = pd > 0 ? (constantPadNd(x, [0, 0, 0, 0, pd, pd]) as Tensor) : x;
  const span = dd * (kd - 1) + 1;
  // [N, C, OD, H, W, KD]: the depth taps of each output depth, as a view
  const taps = xp.unfold(2, span, sd).slice(5, 0, span, dd);
  const cols = taps
    .unflatten(1, [g, c / g])
    .permute([0, 3, 1, 6, 2, 4, 5]) // [N, OD, g, KD, C/g, H, W]
    .reshape([n * od, c * kd, h, w]);
  const w2 = weight.permute([0, 2, 1, 3, 4]).reshape([oc, kd * cg, kh, kw]);
  const y = convolution(cols, w2, bias, [sh, sw], [ph, pw], [dh, dw], false, [0, 0], g) as Tensor;
  return y.view([n, od, oc, outShape[3], outShape[4]]).permute([0, 2, 1, 3, 4]).contiguous();
}

/** The transposed 3-d convolution of a checked 5-d input (see the file comment). */
function convTranspose3dBatched(x: Tensor, weight: Tensor, bias: Tensor | null, a: Conv3dArgs, outShape: number[]): Tensor {
  const [n, c, d, h, w] = x.shape;
  const [, ocg, kd, kh, kw] = weight.shape;
  const g = a.groups;
  const oc = ocg * g;
  const [sd, sh, sw] = a.stride;
  const [pd, ph, pw] = a.padding;
  const [dd, dh, dw] = a.dilation;
  const [opd, oph, opw] = a.outputPadding;
  const [, , od, oh, ow] = outShape;
  const planes = x.permute([0, 2, 1, 3, 4]).reshape([n * d, c, h, w]);
  // output channels of group gi are (ocg, kd) pairs: a view of the contiguous weight
  const w2 = weight.reshape([c, ocg * kd, kh, kw]);
  const z = convolution(planes, w2, null, [sh, sw], [ph, pw], [dh, dw], true, [oph, opw], g) as Tensor;
  const zt = z
    .view([n, d, oc, kd, oh, ow])
    .permute([0, 2, 3, 1, 4, 5]) // [N, OC, KD, D, OH, OW]
    .reshape([n, oc, kd * d, oh, ow]);
  // plane (k, i) lands at depth i * sd + k * dd of the uncropped output
  const depth = arange(kd).mul(dd).unsqueeze(1).add(arange(d).mul(sd)).reshape([-1]);
  const full = (d - 1) * sd + dd * (kd - 1) + 1 + opd;
  let y = (zeros([n, oc, full, oh, ow], { dtype: x.dtype }) as Tensor).indexAdd(2, depth, zt);
  if (pd > 0 || full !== od) y = y.narrow(2, pd, od);
  return bias ? y.add(bias.view([oc, 1, 1, 1])) : y.contiguous();
}

/** 'same' padding: left = total / 2, the odd remainder padded on the right first. */
function samePadded(input: Tensor, weight: Tensor, a: Conv3dArgs): Tensor {
  if (a.stride.some((s) => s !== 1)) throw new RuntimeError("padding='same' is not supported for strided convolutions");
  const total = weight.shape.slice(2).map((k, i) => a.dilation[i] * (k - 1));
  a.padding = total.map((t) => Math.floor(t / 2));
  const extra = total.map((t, i) => t - 2 * a.padding[i]);
  if (extra.every((e) => e === 0)) return input;
  return constantPadNd(input, [0, extra[2], 0, extra[1], 0, extra[0]]) as Tensor;
}

/** conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1); padding may be 'same' or 'valid'. */
export const conv3d = functional<Fn>('conv3d',
  'Tensor input, Tensor weight, Tensor? bias=None, int[3] stride=1, any padding=0, int[3] dilation=1, int groups=1',
  (input: Tensor, weight: Tensor, bias: Tensor | null, stride: number[], padding: unknown, dilation: number[], groups: number) => {
    const dims = Math.max(weight.ndim - 2, 0);
    if (typeof padding === 'string' && padding !== 'same' && padding !== 'valid') {
      throw new RuntimeError(`Invalid padding string: '${padding}'`);
    }
    const pad = typeof padding === 'number' ? [padding] : typeof padding === 'string' ? [0] : (padding as number[]);
    if (!Array.isArray(pad) || !pad.every((p) => Number.isInteger(p))) {
      throw new TypeError(`conv3d(): argument 'padding' must be tuple of ints or str, not ${typeof padding}`);
    }
    return batchify('conv3d', input, (x) => {
      const a: Conv3dArgs = {
        stride: triple('stride', stride, dims), padding: triple('padding', pad, dims), dilation: triple('dilation', dilation, dims),
        outputPadding: [0, 0, 0], groups, transposed: false,
      };
      let xs = x;
      if (padding === 'same' && weight.ndim === 5) xs = samePadded(x, weight, a);
      return conv3dBatched(xs, weight, bias, a, checkShapes(xs, weight, bias, a));
    });
  });

/** conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1). */
export const convTranspose3d = functional<Fn>('conv_transpose3d',
  'Tensor input, Tensor weight, Tensor? bias=None, int[3] stride=1, int[3] padding=0, int[3] output_padding=0, int groups=1, int[3] dilation=1',
  (input: Tensor, weight: Tensor, bias: Tensor | null, stride: number[], padding: number[], outputPadding: number[], groups: number, dilation: number[]) =>
    batchify('conv_transpose3d', input, (x) => {
      const dims = Math.max(weight.ndim - 2, 0);
      const a: Conv3dArgs = {
        stride: triple('stride', stride, dims), padding: triple('padding', padding, dims), dilation: triple('dilation', dilation, dims),
        outputPadding: triple('output_padding', outputPadding, dims), groups, transposed: true,
      };
      return convTranspose3dBatched(x, weight, bias, a, checkShapes(x, weight, bias, a));
    }));
