// Normalisation as PyTorch's aten ops over the crate's norm kernels:
// native_batch_norm (training and eval, running statistics updated in place with the
// unbiased variance), native_layer_norm and native_group_norm (instance norm is group
// norm with one channel per group), each with a backward op computing the input,
// weight and bias gradients in one pass.

import { Tensor } from '../../tensor/tensor.js';
import { float64 } from '../../tensor/dtype.js';
import { RuntimeError } from '../../tensor/shape.js';
import { contiguous, copyInto } from '../../tensor/copy.js';
import { noGrad, isGradEnabled } from '../../autograd/grad_mode.js';
import { unaryInto, binaryInto } from '../../kernels/elementwise.js';
import { NormLayout as Layout, normStats, normApply, normBackward } from '../../kernels/norm.js';
import { BIN, UN } from '../../kernels/codes.js';
import { defineOp, type GradCtx } from '../registry.js';
import { normGradsComposite, type NormView } from './norm_composite.js';
import { sizeStr } from './args.js';


function checkFloat(op: string, ...ts: (Tensor | null)[]): void {
  const dt = ts[0]!.dtype;
  if (dt.name !== 'float32' && dt.name !== 'float64') throw new RuntimeError(`"${op}" not implemented for '${dt.scalarName}'`);
  for (const t of ts) {
    if (t && t.dtype !== dt) throw new RuntimeError(`${op}: expected scalar type ${dt.scalarName} but found ${t.dtype.scalarName}`);
  }
}

/** mean, rstd (and the biased variance when `withVar`) per statistic, each of shape statShape. */
function stats(x: Tensor, l: Layout, eps: number, statShape: number[], withVar = false): [Tensor, Tensor, Tensor | null] {
  const mean = Tensor._empty(statShape, x.dtype);
  const rstd = Tensor._empty(statShape, x.dtype);
  const v = withVar ? Tensor._empty(statShape, x.dtype) : null;
  normStats(x, l, eps, mean, rstd, v);
  return [mean, rstd, v];
}

function apply(x: Tensor, l: Layout, mean: Tensor, rstd: Tensor, w: Tensor | null, b: Tensor | null): Tensor {
  const y = Tensor._empty(x._shape, x.dtype);
  normApply(x, l, mean, rstd, w, b, y);
  return y;
}

/** [gx, gw, gb] (each only when its mask entry is set) of apply() given g. */
function backward(g: Tensor, x: Tensor, l: Layout, mean: Tensor, rstd: Tensor, w: Tensor | null, statsConst: boolean,
  mask: boolean[], wShape: readonly number[]): (Tensor | null)[] {
  const gx = mask[0] ? Tensor._empty(x._shape, x.dtype) : null;
  const gw = mask[1] ? Tensor._empty(wShape, x.dtype) : null;
  const gb = mask[2] ? Tensor._empty(wShape, x.dtype) : null;
  if (gx === null && gw === null && gb === null) return [null, null, null];
  normBackward(contiguous(g), x, l, mean, rstd, w, statsConst, gx, gw, gb);
  return [gx, gw, gb];
}

/** 1/sqrt(v + eps), computed in float64 (as PyTorch's accumulate type) and cast back. */
function invStd(v: Tensor, eps: number): Tensor {
  const d = Tensor._empty(v._shape, float64);
  copyInto(d, v);
  binaryInto(BIN.ADD, float64, d, d, eps);
  unaryInto(UN.RSQRT, d, d);
  const out = Tensor._empty(v._shape, v.dtype);
  copyInto(out, d);
  return out;
}

function bnLayout(input: Tensor): Layout {
  const hw = input._shape.slice(2).reduce((a, b) => a * b, 1);
  return { n: input._shape[0], c: input._shape[1], hw, groups: 1, perSample: false };
}

/**
 * The input, weight and bias gradients of a norm op: the native backward kernel, or,
 * when the backward pass is itself recorded (createGraph), the composite of
 * norm_composite.ts, whose ops give the higher derivatives.
 */
function normGrads(
  view: (c: GradCtx) => NormView,
  statsConst: (c: GradCtx) => boolean,
  native: (g: Tensor, c: GradCtx, mask: boolean[]) => (Tensor | null)[],
) {
  return {
    inputs: ['input', 'weight', 'bias'],
    formula: (g: Tensor | null, c: GradCtx) => {
      // the saved statistics (outputs 1 and 2) are not differentiable outputs, as in PyTorch
      if (g === null) return { input: null, weight: null, bias: null };
      // (layer norm may have no weight or bias)
      const mask = [!!c.needs.input, !!c.needs.weight && c.weight !== null, !!c.needs.bias && c.bias !== null];
      const [gi, gw, gb] = isGradEnabled()
        ? normGradsComposite(g, c.input, c.weight, c.result[1], c.result[2], view(c), statsConst(c), mask)
        : native(g, c, mask);
      return { input: gi, weight: gw, bias: gb };
    },
  };
}

/** The composite gradients' views (norm_composite.ts) of each norm. */
function bnView(input: Tensor): NormView {
  const l = bnLayout(input);
  return { view: [l.n, l.c, l.hw], reduce: [0, 2], weightView: [1, l.c, 1], weightSum: [0, 2], weightShape: [l.c] };
}

function lnView(input: Tensor, normalizedShape: number[]): NormView {
  const c = normalizedShape.reduce((a, b) => a * b, 1);
  const n = input.numel() / Math.max(c, 1);
  return { view: [n, c], reduce: [1], weightView: [1, c], weightSum: [0], weightShape: normalizedShape };
}

function gnView(input: Tensor, group: number): NormView {
  const [n, c] = input._shape;
  const hw = input._shape.slice(2).reduce((a, b) => a * b, 1);
  const cg = c / group;
  return { view: [n, group, cg, hw], reduce: [2, 3], weightView: [1, group, cg, 1], weightSum: [0, 3], weightShape: [c] };
}

function checkChannelParam(op: string, name: string, t: Tensor | null, c: number): void {
  if (t && (t.ndim !== 1 || t._shape[0] !== c)) {
    throw new RuntimeError(`${op}: expected ${name} to be a 1-d tensor of size ${c}, but got ${sizeStr(t._shape)}`);
  }
}

/**
 * native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps)
 * -> [out, mean, invstd]: statistics per channel of [N, C, *]. In training the batch
 * statistics are used and the running ones updated in place
 * (r = (1 - momentum) r + momentum s, with the unbiased variance); in eval the running ones are used.
 */
export const nativeBatchNorm = defineOp({
  name: 'native_batch_norm',
  returns: '(Tensor, Tensor, Tensor)',
  sig: 'Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool training, float momentum, float eps',
  save: ['input', 'weight', 'result'],
  forward: (input: Tensor, weight, bias, runningMean: Tensor | null, runningVar: Tensor | null, training: boolean, momentum: number, eps: number) => {
    if (input.ndim < 2) throw new RuntimeError(`batch_norm: expected at least a 2-d input, but got ${sizeStr(input._shape)}`);
    checkFloat('batch_norm', input, weight, bias, runningMean, runningVar);
    const l = bnLayout(input);
    for (const [name, t] of [['weight', weight], ['bias', bias], ['running_mean', runningMean], ['running_var', runningVar]] as const) {
      checkChannelParam('batch_norm', name, t, l.c);
    }
    const x = contiguous(input);
    const w = weight ? contiguous(weight) : null;
    const b = bias ? contiguous(bias) : null;
    let mean: Tensor;
    let rstd: Tensor;
    if (training) {
      const count = l.n * l.hw;
      if (count === 0) throw new RuntimeError('batch_norm: cannot compute batch statistics of an empty input');
      const [m, r, v] = stats(x, l, eps, [l.c], runningMean !== null || runningVar !== null);
      [mean, rstd] = [m, r];
      noGrad(() => {
        if (runningMean) runningMean.mul_(1 - momentum).add_(m, { alpha: momentum });
        if (runningVar) runningVar.mul_(1 - momentum).add_(v!.mul(count / Math.max(count - 1, 1)), { alpha: momentum });
      });
    } else {
      if (!runningMean || !runningVar) throw new RuntimeError('running_mean and running_var must be defined in evaluation mode');
      mean = contiguous(runningMean).clone();
      rstd = invStd(runningVar, eps);
    }
    return [apply(x, l, mean, rstd, w, b), mean, rstd];
  },
  gradAll: normGrads(
    (c) => bnView(c.input), (c) => !c.training,
    (g, c, mask) => nativeBatchNormBackward(g, c.input, c.weight, c.result[1], c.result[2], c.training, c.eps, mask),
  ),
});

/** native_batch_norm_backward with the statistics native_batch_norm returned. */
export const nativeBatchNormBackward = defineOp({
  name: 'native_batch_norm_backward',
  returns: '(Tensor?, Tensor?, Tensor?)',
  sig: 'Tensor grad_out, Tensor input, Tensor? weight, Tensor save_mean, Tensor save_invstd, bool train, float eps, bool[] output_mask',
  forward: (g: Tensor, input: Tensor, weight: Tensor | null, mean: Tensor, rstd: Tensor, train: boolean, _eps: number, mask: boolean[]) => {
    const l = bnLayout(input);
    const w = weight ? contiguous(weight) : null;
    return backward(g, contiguous(input), l, contiguous(mean), contiguous(rstd), w, !train, mask, [l.c]);
  },
});

function lnLayout(op: string, input: Tensor, normalizedShape: number[], weight: Tensor | null, bias: Tensor | null): Layout {
  const k = normalizedShape.length;
  const tail = input._shape.slice(input.ndim - k);
  if (k === 0 || input.ndim < k || tail.some((n, i) => n !== normalizedShape[i])) {
    throw new RuntimeError(
      `Given normalized_shape=${sizeStr(normalizedShape)}, expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size${sizeStr(input._shape)}`,
    );
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== k || t._shape.some((n, i) => n !== normalizedShape[i]))) {
      throw new RuntimeError(
        `Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${sizeStr(t._shape)} and normalized_shape = ${sizeStr(normalizedShape)}`,
      );
    }
  }
  void op;
  const c = normalizedShape.reduce((a, b) => a * b, 1);
  return { n: input.numel() / Math.max(c, 1), c, hw: 1, groups: 1, perSample: true };
}

const lnStatShape = (input: Tensor, k: number): number[] => [...input._shape.slice(0, input.ndim - k), ...new Array(k).fill(1)];

/** native_layer_norm(input, normalized_shape, weight, bias, eps) -> [out, mean, rstd]. */
export const nativeLayerNorm = defineOp({
  name: 'native_layer_norm',
  returns: '(Tensor, Tensor, Tensor)',
  sig: 'Tensor input, int[] normalized_shape, Tensor? weight, Tensor? bias, float eps',
  save: ['input', 'weight', 'bias', 'result'],
  forward: (input: Tensor, normalizedShape: number[], weight: Tensor | null, bias: Tensor | null, eps: number) => {
    checkFloat('layer_norm', input, weight, bias);
    const l = lnLayout('layer_norm', input, normalizedShape, weight, bias);
    const x = contiguous(input);
    const [mean, rstd] = stats(x, l, eps, lnStatShape(input, normalizedShape.length));
    return [apply(x, l, mean, rstd, weight ? contiguous(weight) : null, bias ? contiguous(bias) : null), mean, rstd];
  },
  gradAll: normGrads(
    (c) => lnView(c.input, c.normalized_shape), () => false,
    (g, c, mask) => nativeLayerNormBackward(g, c.input, c.normalized_shape, c.result[1], c.result[2], c.weight, c.bias, mask),
  ),
});

export const nativeLayerNormBackward = defineOp({
  name: 'native_layer_norm_backward',
  returns: '(Tensor?, Tensor?, Tensor?)',
  sig: 'Tensor grad_out, Tensor input, int[] normalized_shape, Tensor mean, Tensor rstd, Tensor? weight, Tensor? bias, bool[] output_mask',
  forward: (g: Tensor, input: Tensor, normalizedShape: number[], mean: Tensor, rstd: Tensor, weight: Tensor | null, bias, mask: boolean[]) => {
    const l = lnLayout('layer_norm', input, normalizedShape, weight, bias);
    const w = weight ? contiguous(weight) : null;
    return backward(g, contiguous(input), l, contiguous(mean), contiguous(rstd), w, false,
      [mask[0], mask[1] && weight !== null, mask[2] && bias !== null], normalizedShape);
  },
});

function gnLayout(input: Tensor, group: number, weight: Tensor | null, bias: Tensor | null): Layout {
  if (input.ndim < 2) throw new RuntimeError(`Expected at least 2 dimensions for input tensor but received ${input.ndim}`);
  const [n, c] = input._shape;
  if (group <= 0 || c % group !== 0) {
    throw new RuntimeError(
      `Expected number of channels in input to be divisible by num_groups, but got input of shape ${sizeStr(input._shape)} and num_groups=${group}`,
    );
  }
  checkChannelParam('group_norm', 'weight', weight, c);
  checkChannelParam('group_norm', 'bias', bias, c);
  return { n, c, hw: input._shape.slice(2).reduce((a, b) => a * b, 1), groups: group, perSample: true };
}

/** native_group_norm(input, weight, bias, N, C, HxW, group, eps) -> [out, mean [N, G], rstd [N, G]]. */
export const nativeGroupNorm = defineOp({
  name: 'native_group_norm',
  returns: '(Tensor, Tensor, Tensor)',
  sig: 'Tensor input, Tensor? weight, Tensor? bias, int N, int C, int HxW, int group, float eps',
  save: ['input', 'weight', 'result'],
  forward: (input: Tensor, weight: Tensor | null, bias: Tensor | null, _n, _c, _hw, group: number, eps: number) => {
    checkFloat('group_norm', input, weight, bias);
    const l = gnLayout(input, group, weight, bias);
    const x = contiguous(input);
    const [mean, rstd] = stats(x, l, eps, [l.n, group]);
    return [apply(x, l, mean, rstd, weight ? contiguous(weight) : null, bias ? contiguous(bias) : null), mean, rstd];
  },
  gradAll: normGrads(
    (c) => gnView(c.input, c.group), () => false,
    (g, c, mask) => nativeGroupNormBackward(g, c.input, c.result[1], c.result[2], c.weight, c.group, mask),
  ),
});

export const nativeGroupNormBackward = defineOp({
  name: 'native_group_norm_backward',
  returns: '(Tensor?, Tensor?, Tensor?)',
  sig: 'Tensor grad_out, Tensor input, Tensor mean, Tensor rstd, Tensor? weight, int group, bool[] output_mask',
  forward: (g: Tensor, input: Tensor, mean: Tensor, rstd: Tensor, weight: Tensor | null, group: number, mask: boolean[]) => {
    const l = gnLayout(input, group, weight, null);
    const w = weight ? contiguous(weight) : null;
    return backward(g, contiguous(input), l, contiguous(mean), contiguous(rstd), w, false, mask, [l.c]);
  },
});

/** Per-(sample, channel) mean and biased variance of [N, C, *] (instance norm's running statistics). */
export function instanceStats(input: Tensor): [Tensor, Tensor] {
  const l: Layout = { n: input._shape[0], c: input._shape[1], hw: input._shape.slice(2).reduce((a, b) => a * b, 1), groups: input._shape[1], perSample: true };
  const [mean, , v] = stats(contiguous(input), l, 0, [l.n, l.c], true);
  return [mean, v!];
}
