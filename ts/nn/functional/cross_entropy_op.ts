// cross_entropy with class-index targets as one op over the crate's fused kernels
// (crate/src/kernels/loss.rs): the forward computes each row's log-sum-exp and the
// target's weighted, smoothed negative log-probability in one kernel call (keeping
// exp(x - max) when a backward can follow, as PyTorch keeps log_softmax's output); the
// backward is a second op (softmax minus the smoothed one-hot, scaled, in one kernel
// call) whose own gradients are written with ops, so double backward works as in PyTorch.
// Callers check the arguments first (loss_cross_entropy.ts): input float32/float64 with
// its class dim at 1 (0 for one sample), target int64 class indices of the rows' shape,
// weight of one entry per class in input's dtype.

import { Tensor } from '../../tensor/tensor.js';
import { int64 } from '../../tensor/dtype.js';
import { ones, softmax } from '../../ops/all.js';
import { defineOp } from '../../ops/registry.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { contiguous } from '../../tensor/copy.js';
import { crossEntropyBackward, crossEntropyForward, type CrossEntropyArgs } from '../../kernels/loss.js';
import type { OpFn } from '../../ops/types.js';

/** aten's reduction enum, as the ops take it. */
export const REDUCTION_ENUM = { none: 0, mean: 1, sum: 2 } as const;

/** (outer, classes, inner) of the input: classes on dim 1 (dim 0 for one sample). */
function layout(x: Tensor): [number, number, number] {
  if (x.ndim === 1) return [1, x.shape[0], 1];
  return [x.shape[0], x.shape[1], x.shape.slice(2).reduce((a, b) => a * b, 1)];
}

/** The shape of the per-row losses: input without its class dim. */
const rowsShape = (x: Tensor): number[] => (x.ndim === 1 ? [] : [x.shape[0], ...x.shape.slice(2)]);

const classDim = (x: Tensor): number => (x.ndim === 1 ? 0 : 1);

const targetOf = (t: Tensor): Tensor => contiguous(t.dtype === int64 ? t : t.to(int64));

/** The kernels' view of the arguments: contiguous input, int64 targets, contiguous weight. */
function kernelArgs(x: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, ls: number): CrossEntropyArgs {
  const [outer, classes, inner] = layout(x);
  return {
    outer, classes, inner, x: contiguous(x), target: targetOf(target), weight: weight ? contiguous(weight) : null,
    ignoreIndex, smoothing: Math.max(ls, 0),
  };
}

/** The kept exps, or 0 when the forward kept none. */
const exps = (e: Tensor, x: Tensor): number => (e.numel() === x.numel() ? e._ptr : 0);

/** PyTorch's grad_fn name of the composite it replaces. */
function nodeName(x: Tensor, _t: Tensor, _w: Tensor | null, reduction: number, _ii: number, ls: number): string {
  if (ls > 0) return 'AddBackward0';
  if (x.ndim <= 2) return 'NllLossBackward0';
  return x.ndim !== 4 && reduction === REDUCTION_ENUM.none ? 'ViewBackward0' : 'NllLoss2DBackward0';
}

/**
 * The reduced loss. row_weight, stats and exps are work buffers the forward fills (the
 * targets' weights, each row's (max, log(sum)) and, when not empty, exp(x - max)) and
 * the backward reads; they are saved rather than the output, so the loss may be
 * modified in place before backward, as in PyTorch.
 */
const crossEntropyLossOp: OpFn = defineOp({
  name: 'cross_entropy_loss',
  sig: 'Tensor self, Tensor target, Tensor? weight, int reduction, int ignore_index, float label_smoothing, Tensor row_weight, Tensor stats, Tensor exps',
  method: false,
  nodeName,
  save: ['self', 'target', 'weight', 'row_weight', 'stats', 'exps'],
  forward: (x: Tensor, target: Tensor, weight: Tensor | null, reduction: number, ignoreIndex: number, ls: number, rowWeight: Tensor, stats: Tensor, e: Tensor) => {
    const loss = Tensor._empty(rowsShape(x), x.dtype);
    if (loss.numel() > 0) crossEntropyForward(kernelArgs(x, target, weight, ignoreIndex, ls), loss, rowWeight, stats, exps(e, x));
    if (reduction === REDUCTION_ENUM.none) return loss;
    const sum = loss.sum();
    return reduction === REDUCTION_ENUM.sum ? sum : sum.div(rowWeight.sum());
  },
  grad: {
    self: (g, c) => crossEntropyLossBackward(g, c.self, c.target, c.weight, c.reduction, c.ignore_index, c.label_smoothing,
      c.stats, c.row_weight.sum(), c.exps),
  },
});

/**
 * cross_entropy_loss(self, target, weight, reduction, ignore_index, label_smoothing) on
 * checked arguments; exp(x - max) is kept only when a backward can follow.
 */
export function crossEntropyLoss(x: Tensor, target: Tensor, weight: Tensor | null, reduction: number, ignoreIndex: number, ls: number): Tensor {
  const [outer, , inner] = layout(x);
  const rowWeight = Tensor._empty(rowsShape(x), x.dtype);
  const stats = Tensor._empty([outer * inner, 2], x.dtype);
  const e = Tensor._empty(x.requiresGrad && isGradEnabled() ? x.shape : [0], x.dtype);
  return crossEntropyLossOp(x, target, weight, reduction, ignoreIndex, ls, rowWeight, stats, e);
}

/** The gradient's scale per row: g itself ('none'), or one value for all rows (stride 0). */
function rowScale(g: Tensor, reduction: number, total: Tensor): [Tensor, number] {
  if (reduction === REDUCTION_ENUM.none) return [contiguous(g), 1];
  return [reduction === REDUCTION_ENUM.mean ? g.div(total) : g, 0];
}

/**
 * The per-row factor of the backward's derivative with respect to self:
 * (1 - ls) w_t + (ls / C) sum_c w_c, 0 on ignored rows.
 */
function rowCoefficient(x: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, ls: number): Tensor {
  const kept = target.ne(ignoreIndex);
  // without weights: (1 - ls) + (ls / C) C = 1
  if (!weight) return kept.to(x.dtype);
  const s = Math.max(ls, 0);
  const safe = target.to(int64).maskedFill(kept.logicalNot(), 0);
  const wt = weight.gather(0, safe.reshape([-1])).view(target.shape);
  return wt.mul(1 - s).add(weight.sum().mul(s / x.shape[classDim(x)])).mul(kept);
}

/** d loss / d self, scaled by g: softmax minus the (smoothed) one-hot, per row. */
export const crossEntropyLossBackward: OpFn = defineOp({
  name: 'cross_entropy_loss_backward',
  sig: 'Tensor grad, Tensor self, Tensor target, Tensor? weight, int reduction, int ignore_index, float label_smoothing, Tensor stats, Tensor total_weight, Tensor exps',
  method: false,
  fn: false,
  save: ['grad', 'self', 'target', 'weight', 'stats', 'total_weight', 'exps'],
  forward: (g: Tensor, x: Tensor, target: Tensor, weight: Tensor | null, reduction: number, ignoreIndex: number, ls: number, stats: Tensor, total: Tensor, e: Tensor) => {
    const gx = Tensor._empty(x.shape, x.dtype);
    if (gx.numel() === 0) return gx;
    const [scale, stride] = rowScale(g, reduction, total);
    crossEntropyBackward(kernelArgs(x, target, weight, ignoreIndex, ls), contiguous(stats), exps(e, x), scale, stride, gx);
    return gx;
  },
  grad: {
    // linear in grad: the unscaled gradient, summed against v per row (or over all rows)
    grad: (v, c) => {
      const x: Tensor = c.self;
      const unit = crossEntropyLossBackward(ones(rowsShape(x), { dtype: x.dtype }), x, c.target, c.weight, REDUCTION_ENUM.none,
        c.ignore_index, c.label_smoothing, c.stats, c.total_weight, c.exps);
      const perRow = v.mul(unit).sum(classDim(x));
      if (c.reduction === REDUCTION_ENUM.none) return perRow;
      const all = perRow.sum();
      return c.reduction === REDUCTION_ENUM.mean ? all.div(c.total_weight) : all;
    },
    // s_r k_r p (v - sum_c v_c p_c): only the softmax p depends on self
    self: (v, c) => {
      const x: Tensor = c.self;
      const cd = classDim(x);
      const p = softmax(x, cd);
      let scale: Tensor = c.grad;
      if (c.reduction === REDUCTION_ENUM.mean) scale = scale.div(c.total_weight);
      const k = rowCoefficient(x, c.target, c.weight, c.ignore_index, c.label_smoothing).mul(scale);
      return p.mul(v.sub(v.mul(p).sum(cd, true))).mul(x.ndim === 1 ? k : k.unsqueeze(cd));
    },
  },
});
