// Convolution as PyTorch's aten ops: `convolution` (ordinary and transposed, 1-d and
// 2-d) and `convolution_backward` (grad_input, grad_weight, grad_bias in one call),
// over the crate's conv kernels. Each op's gradient is written with the two ops, so
// double backward works. torch.conv1d/conv2d/conv_transpose1d/2d (which
// torch.nn.functional re-exports) are composites with PyTorch's signatures.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError, shapeEquals } from '../../tensor/shape.js';
import { contiguous } from '../../tensor/copy.js';
import { binaryInto } from '../../kernels/elementwise.js';
import { CONV, ConvParams, runConv } from '../../kernels/conv.js';
import { fill } from '../../kernels/memory.js';
import { BIN } from '../../kernels/codes.js';
import { defineOp } from '../registry.js';
import { sum } from '../reduce/reduce.js';
import { constantPadNd } from './pad.js';
import { expandParam, sizeStr } from './args.js';
import type { TorchOps } from '../signatures.js';

/** Normalised hyper-parameters of one convolution (one entry per spatial dim). */
export interface ConvHyper extends ConvParams {
  transposed: boolean;
  outputPadding: number[];
}

function hyper(op: string, nd: number, stride: number | number[], padding: number | number[], dilation: number | number[],
  transposed: boolean, outputPadding: number | number[], groups: number): ConvHyper {
  const h = {
    stride: expandParam(op, 'stride', stride, nd),
    padding: expandParam(op, 'padding', padding, nd),
    dilation: expandParam(op, 'dilation', dilation, nd),
    transposed,
    outputPadding: expandParam(op, 'output_padding', outputPadding, nd),
    groups,
  };
  if (h.stride.some((s) => s <= 0)) throw new RuntimeError('non-positive stride is not supported');
  if (h.padding.some((p) => p < 0)) throw new RuntimeError('negative padding is not supported');
  if (h.outputPadding.some((p) => p < 0)) throw new RuntimeError('negative output_padding is not supported');
  if (h.dilation.some((d) => d <= 0)) throw new RuntimeError('dilation should be greater than zero');
  if (groups <= 0) throw new RuntimeError('non-positive groups is not supported');
  return h;
}

/** Output spatial size of the (transposed) convolution. */
function outSpatial(inSp: readonly number[], kSp: readonly number[], h: ConvHyper): number[] {
  return inSp.map((n, i) =>
    h.transposed
      ? (n - 1) * h.stride[i] - 2 * h.padding[i] + h.dilation[i] * (kSp[i] - 1) + h.outputPadding[i] + 1
      : Math.floor((n + 2 * h.padding[i] - h.dilation[i] * (kSp[i] - 1) - 1) / h.stride[i]) + 1,
  );
}

/** PyTorch's check_shape_forward; returns the output shape. */
function checkForward(input: Tensor, weight: Tensor, bias: Tensor | null, h: ConvHyper): number[] {
  const k = weight.ndim;
  if (k !== 3 && k !== 4) throw new RuntimeError(`convolution: expected a 3-d or 4-d weight, but got weight of size ${sizeStr(weight._shape)}`);
  if (input.ndim !== k) {
    throw new RuntimeError(
      `Expected ${k}-dimensional input for ${k}-dimensional weight ${sizeStr(weight._shape)}, but got ${input.ndim}-dimensional input of size ${sizeStr(input._shape)} instead`,
    );
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && t.dtype !== input.dtype) {
      throw new RuntimeError(`expected scalar type ${input.dtype.scalarName} but found ${t.dtype.scalarName} (convolution ${name})`);
    }
  }
  if (!input.dtype.isFloatingPoint || input.dtype.itemsize < 4) {
    throw new RuntimeError(`convolution: "slow_conv2d_cpu" not implemented for '${input.dtype.scalarName}'`);
  }
  const g = h.groups;
  const w = weight._shape;
  const ws = sizeStr(w);
  if (w[0] < g) throw new RuntimeError(`Given groups=${g}, expected weight to be at least ${g} at dimension 0, but got weight of size ${ws} instead`);
  if (w[0] % g !== 0) throw new RuntimeError(`Given groups=${g}, expected weight to be divisible by ${g} at dimension 0, but got weight of size ${ws} instead`);
  const inSp = input._shape.slice(2);
  const kSp = w.slice(2);
  let outC: number;
  if (!h.transposed) {
    if (input._shape[1] !== w[1] * g) {
      throw new RuntimeError(
        `Given groups=${g}, weight of size ${ws}, expected input${sizeStr(input._shape)} to have ${w[1] * g} channels, but got ${input._shape[1]} channels instead`,
      );
    }
    outC = w[0];
    const padded = inSp.map((n, i) => n + 2 * h.padding[i]);
    const kernel = kSp.map((n, i) => h.dilation[i] * (n - 1) + 1);
    if (padded.some((n, i) => n < kernel[i])) {
      throw new RuntimeError(
        `Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${kernel.join(' x ')}). Kernel size can't be greater than actual input size`,
      );
    }
  } else {
    if (input._shape[1] !== w[0]) {
      throw new RuntimeError(
        `Given transposed=1, weight of size ${ws}, expected input${sizeStr(input._shape)} to have ${w[0]} channels, but got ${input._shape[1]} channels instead`,
      );
    }
    outC = w[1] * g;
    h.outputPadding.forEach((op, i) => {
      if (op >= h.stride[i] && op >= h.dilation[i]) {
        throw new RuntimeError(
          `output padding must be smaller than either stride or dilation, but got output_padding=${sizeStr(h.outputPadding)}, stride=${sizeStr(h.stride)}, dilation=${sizeStr(h.dilation)}`,
        );
      }
    });
  }
  if (bias && (bias.ndim !== 1 || bias._shape[0] !== outC)) {
    throw new RuntimeError(
      `Given weight of size ${ws}, expected bias to be 1-dimensional with ${outC} elements, but got bias of size ${sizeStr(bias._shape)} instead`,
    );
  }
  const outSp = outSpatial(inSp, kSp, h);
  if (outSp.some((n) => n <= 0)) {
    throw new RuntimeError(
      `Given input size per channel: (${inSp.join(' x ')}). Calculated output size per channel: (${outSp.join(' x ')}). Output size is too small`,
    );
  }
  // PyTorch 1.13 gives an input without channels an output without channels
  return [input._shape[0], !h.transposed && input._shape[1] === 0 ? 0 : outC, ...outSp];
}

/** Adds a per-channel bias to a contiguous [N, C, ...] tensor in place. */
function addChannelBias(out: Tensor, bias: Tensor): void {
  const shape = out._shape.map((s, i) => (i === 1 ? s : 1));
  binaryInto(BIN.ADD, out.dtype, out, out, bias.view(shape));
}

type Hyperargs = [number[], number[], number[], boolean, number[], number];

/**
 * PyTorch's aten::convolution: input [N, C, (H,) W], weight [OC, C/groups, (KH,) KW]
 * (transposed: [C, OC/groups, ...]), optional bias [OC].
 */
export const convolution: TorchOps['convolution'] = defineOp({
  name: 'convolution',
  sig: 'Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] dilation, bool transposed, int[] output_padding, int groups',
  save: ['input', 'weight'],
  forward: (input: Tensor, weight: Tensor, bias: Tensor | null, ...hp: Hyperargs) => {
    const h = hyper('convolution', Math.max(1, weight.ndim - 2), ...hp);
    const outShape = checkForward(input, weight, bias, h);
    const x = contiguous(input);
    const w = contiguous(weight);
    const b = bias ? contiguous(bias) : null;
    const out = Tensor._empty(outShape, input.dtype);
    if (!h.transposed) {
      runConv(CONV.FORWARD, h, x._shape, outShape, w._shape, x, w, b, out);
    } else {
      // y = convT(x, w) is the data gradient of the ordinary convolution from y to x
      runConv(CONV.BACKWARD_DATA, h, outShape, x._shape, w._shape, x, w, null, out);
      if (b && out.numel() > 0) addChannelBias(out, b);
    }
    return out;
  },
  gradAll: {
    inputs: ['input', 'weight', 'bias'],
    formula: (g, c) => {
      const [gi, gw, gb] = convolutionBackward(
        g, c.input, c.weight, c.meta.bias ? c.meta.bias.shape : null, c.stride, c.padding, c.dilation, c.transposed,
        c.output_padding, c.groups, [!!c.needs.input, !!c.needs.weight, !!c.needs.bias],
      );
      return { input: gi, weight: gw, bias: gb };
    },
  },
});

/**
 * PyTorch's aten::convolution_backward: [grad_input, grad_weight, grad_bias] of
 * convolution(input, weight, bias) given grad_output; output_mask picks which.
 */
export const convolutionBackward: TorchOps['convolution_backward'] = defineOp({
  name: 'convolution_backward',
  returns: '(Tensor?, Tensor?, Tensor?)',
  sig: 'Tensor grad_output, Tensor input, Tensor weight, int[]? bias_sizes, int[] stride, int[] padding, int[] dilation, bool transposed, int[] output_padding, int groups, bool[] output_mask',
  save: ['grad_output', 'input', 'weight'],
  forward: (gradOutput: Tensor, input: Tensor, weight: Tensor, _biasSizes, stride, padding, dilation, transposed, outputPadding, groups, mask: boolean[]) => {
    const h = hyper('convolution_backward', Math.max(1, weight.ndim - 2), stride, padding, dilation, transposed, outputPadding, groups);
    const outShape = checkForward(input, weight, null, h);
    if (!shapeEquals(gradOutput._shape, outShape) || gradOutput.dtype !== input.dtype) {
      throw new RuntimeError(
        `convolution_backward: expected grad_output of size ${sizeStr(outShape)} and type ${input.dtype.scalarName}, but got ${sizeStr(gradOutput._shape)} ${gradOutput.dtype.scalarName}`,
      );
    }
    const dt = input.dtype;
    const g = contiguous(gradOutput);
    const x = contiguous(input);
    const w = contiguous(weight);
    let gi: Tensor | null = null;
    let gw: Tensor | null = null;
    let gb: Tensor | null = null;
    if (mask[0]) {
      gi = Tensor._empty(input._shape, dt);
      if (!h.transposed) runConv(CONV.BACKWARD_DATA, h, x._shape, g._shape, w._shape, g, w, null, gi);
      else runConv(CONV.FORWARD, h, g._shape, x._shape, w._shape, g, w, null, gi);
    }
    if (mask[1]) {
      gw = Tensor._empty(weight._shape, dt);
      if (!h.transposed) runConv(CONV.BACKWARD_WEIGHT, h, x._shape, g._shape, w._shape, g, x, null, gw);
      else runConv(CONV.BACKWARD_WEIGHT, h, g._shape, x._shape, w._shape, x, g, null, gw);
    }
    if (mask[2]) {
      // no output channels (an input without channels): the bias's gradient is zeros
      const oc = h.transposed ? w._shape[1] * h.groups : w._shape[0];
      if (g._shape[1] === oc) gb = sum(g, [0, ...g._shape.slice(2).map((_, i) => i + 2)]);
      else fill((gb = Tensor._empty([oc], dt)), 0);
    }
    return [gi, gw, gb];
  },
  gradAll: {
    inputs: ['grad_output', 'input', 'weight'],
    formula: (_g, c, grads) => {
      const [ggi, ggw, ggb] = grads;
      const hp: Hyperargs = [c.stride, c.padding, c.dilation, c.transposed, c.output_padding, c.groups];
      const r: Record<string, Tensor | null> = {};
      if (c.needs.grad_output) {
        // the forward's directional derivative along (ggi, ggw, ggb)
        let t: Tensor | null = null;
        const add = (u: Tensor): void => {
          t = t === null ? u : t.add(u);
        };
        if (ggi) add(convolution(ggi, c.weight, null, ...hp));
        if (ggw) add(convolution(c.input, ggw, null, ...hp));
        if (ggb) {
          const shape = c.meta.grad_output.shape as number[];
          add(ggb.view(shape.map((s: number, i: number) => (i === 1 ? s : 1))).expand(shape));
        }
        r.grad_output = t;
      }
      if (c.needs.input && ggw) r.input = convolutionBackward(c.grad_output, c.input, ggw, null, ...hp, [true, false, false])[0];
      if (c.needs.weight && ggi) r.weight = convolutionBackward(c.grad_output, ggi, c.weight, null, ...hp, [false, true, false])[1];
      return r;
    },
  },
});

// ---------------------------------------------------------------------------
// torch.conv1d / conv2d / conv_transpose1d / conv_transpose2d

/** Runs `f` on a batched view of an unbatched input (dims = nd + 1), unbatching the result. */
function batchify(op: string, input: Tensor, nd: number, f: (x: Tensor) => Tensor): Tensor {
  if (input.ndim === nd + 2) return f(input);
  if (input.ndim === nd + 1) return f(input.unsqueeze(0)).squeeze(0);
  throw new RuntimeError(
    `Expected ${nd + 1}D (unbatched) or ${nd + 2}D (batched) input to ${op}, but got input of size: ${sizeStr(input._shape)}`,
  );
}

/** padding='same' / 'valid' / ints. 'same' with an odd total pads one more on the right. */
function convPadded(op: string, input: Tensor, weight: Tensor, bias: Tensor | null, stride: number | number[],
  padding: unknown, dilation: number | number[], groups: number, nd: number): Tensor {
  if (typeof padding !== 'string') {
    return convolution(input, weight, bias, stride, padding as number | number[], dilation, false, [0], groups);
  }
  if (padding === 'valid') return convolution(input, weight, bias, stride, [0], dilation, false, [0], groups);
  if (padding !== 'same') throw new RuntimeError(`Invalid padding string '${padding}', should be one of ['valid', 'same']`);
  const s = expandParam(op, 'stride', stride, nd);
  if (s.some((v) => v !== 1)) throw new RuntimeError("padding='same' is not supported for strided convolutions");
  const d = expandParam(op, 'dilation', dilation, nd);
  const k = weight._shape.slice(2);
  const total = k.map((n, i) => d[i] * (n - 1));
  const left = total.map((t) => Math.floor(t / 2));
  let x = input;
  if (total.some((t, i) => t - left[i] !== left[i])) {
    // extra right padding, innermost dim first as constant_pad_nd takes it
    const pad: number[] = [];
    for (let i = nd - 1; i >= 0; i--) pad.push(0, total[i] - 2 * left[i]);
    x = constantPadNd(input, pad, 0);
  }
  return convolution(x, weight, bias, s, left, d, false, [0], groups);
}

const convSig = (nd: number, n: string) =>
  `Tensor input, Tensor weight, Tensor? bias=None, int[${nd}] stride=1, any padding=0, int[${nd}] dilation=1, int groups=1` + n;

/** torch.conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1). */
export const conv1d: TorchOps['conv1d'] = defineOp({
  name: 'conv1d',
  sig: convSig(1, ''),
  forward: (input: Tensor, weight: Tensor, bias, stride, padding, dilation, groups) =>
    batchify('conv1d', input, 1, (x) => convPadded('conv1d', x, weight, bias, stride, padding, dilation, groups, 1)),
});

/** torch.conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1); padding may be 'same'/'valid'. */
export const conv2d: TorchOps['conv2d'] = defineOp({
  name: 'conv2d',
  sig: convSig(2, ''),
  forward: (input: Tensor, weight: Tensor, bias, stride, padding, dilation, groups) =>
    batchify('conv2d', input, 2, (x) => convPadded('conv2d', x, weight, bias, stride, padding, dilation, groups, 2)),
});

const convTSig = (nd: number) =>
  `Tensor input, Tensor weight, Tensor? bias=None, int[${nd}] stride=1, int[${nd}] padding=0, int[${nd}] output_padding=0, int groups=1, int[${nd}] dilation=1`;

/** torch.conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1). */
export const convTranspose1d = defineOp({
  name: 'conv_transpose1d',
  sig: convTSig(1),
  forward: (input: Tensor, weight: Tensor, bias, stride, padding, outputPadding, groups, dilation) =>
    batchify('conv_transpose1d', input, 1, (x) => convolution(x, weight, bias, stride, padding, dilation, true, outputPadding, groups)),
});

/** torch.conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1). */
export const convTranspose2d = defineOp({
  name: 'conv_transpose2d',
  sig: convTSig(2),
  forward: (input: Tensor, weight: Tensor, bias, stride, padding, outputPadding, groups, dilation) =>
    batchify('conv_transpose2d', input, 2, (x) => convolution(x, weight, bias, stride, padding, dilation, true, outputPadding, groups)),
});
