// Binary and multi-label losses: binary_cross_entropy (an op with aten's backward
// formulas: its clamped logs have no useful derivative at 0 and 1),
// binary_cross_entropy_with_logits, soft_margin_loss and multilabel_soft_margin_loss
// (composed on log_sigmoid, which is stable for large logits).

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError, ValueError, broadcastShapes, shapeEquals } from '../../tensor/shape.js';
import { float32, float64 } from '../../tensor/dtype.js';
import { defineOp } from '../../ops/registry.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { functional } from '../../ops/composite.js';
import { logsigmoid } from './activation.js';
import { applyReduction, checkPlainReduction, resolveReduction, type Reduction } from './loss_reduction.js';
import type { OpFn } from '../../ops/types.js';

const sizeRepr = (t: Tensor): string => `torch.Size([${t.shape.join(', ')}])`;
const REDUCTIONS: Reduction[] = ['none', 'mean', 'sum'];

/** The gradient factor common to input and target: g (times weight), divided by numel for 'mean'. */
function scaledGrad(g: Tensor, weight: Tensor | null, reduction: number, numel: number): Tensor {
  let s = weight ? g.mul(weight) : g;
  if (REDUCTIONS[reduction] === 'mean') s = s.div(numel);
  return s;
}

/** aten::binary_cross_entropy(self, target, weight, reduction) with its backward formulas. */
const binaryCrossEntropyOp: OpFn = defineOp({
  name: 'binary_cross_entropy',
  sig: 'Tensor self, Tensor target, Tensor? weight=None, int reduction=1',
  method: false,
  save: ['self', 'target', 'weight'],
  forward: (x: Tensor, t: Tensor, w: Tensor | null, reduction: number) => {
    if (x.dtype !== float32 && x.dtype !== float64) throw new RuntimeError(`"binary_cross_entropy" not implemented for '${x.dtype.scalarName}'`);
    if (t.dtype !== x.dtype) throw new RuntimeError(`Found dtype ${t.dtype.scalarName} but expected ${x.dtype.scalarName}`);
    if (!x.ge(0).logicalAnd(x.le(1)).all().item()) throw new RuntimeError('all elements of input should be between 0 and 1');
    // (t - 1) max(log(1 - x), -100) - t max(log(x), -100)
    let loss = t.sub(1).mul(x.neg().log1p().clampMin(-100)).sub(t.mul(x.log().clampMin(-100)));
    if (w) loss = loss.mul(w);
    return applyReduction(loss, REDUCTIONS[reduction]);
  },
  grad: {
    // (x - t) / max(x (1 - x), 1e-12)
    self: (g, c) => {
      const x: Tensor = c.self;
      const s = scaledGrad(g, c.weight, c.reduction, x.numel());
      return s.mul(x.sub(c.target).div(x.rsub(1).mul(x).clampMin(1e-12)));
    },
    // log(1 - x) - log(x)
    target: (g, c) => {
      const x: Tensor = c.self;
      return scaledGrad(g, c.weight, c.reduction, x.numel()).mul(x.rsub(1).log().sub(x.log()));
    },
  },
});

/**
 * binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
 * reduction='mean'): -weight (target log(input) + (1 - target) log(1 - input)), each log
 * clamped at -100; input must lie in [0, 1] and have target's size.
 */
export const binaryCrossEntropy: OpFn = functional('binary_cross_entropy',
  'Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, bool? reduce=None, str reduction="mean"',
  (input: Tensor, target: Tensor, weight: Tensor | null, sizeAverage: boolean | null, reduce: boolean | null, reduction: string) => {
    const r = resolveReduction(sizeAverage, reduce, reduction);
    if (!shapeEquals(target.shape, input.shape)) {
      throw new ValueError(
        `Using a target size (${sizeRepr(target)}) that is different to the input size (${sizeRepr(input)}) is deprecated. Please ensure they have the same size.`,
      );
    }
    const w = weight ? weight.expand(broadcastShapes(target.shape, weight.shape)) : null;
    return binaryCrossEntropyOp(input, target, w, REDUCTIONS.indexOf(r));
  });

/**
 * binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
 * reduce=None, reduction='mean', pos_weight=None): the sigmoid and binary cross entropy
 * in one stable formula, (1 - target) input - (1 + (pos_weight - 1) target) log_sigmoid(input).
 */
export const binaryCrossEntropyWithLogits: OpFn = functional('binary_cross_entropy_with_logits',
  'Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, bool? reduce=None, str reduction="mean", Tensor? pos_weight=None',
  (input: Tensor, target: Tensor, weight: Tensor | null, sizeAverage: boolean | null, reduce: boolean | null, reduction: string, posWeight: Tensor | null) => {
    const r = resolveReduction(sizeAverage, reduce, reduction);
    if (!shapeEquals(target.shape, input.shape)) {
      throw new ValueError(`Target size (${sizeRepr(target)}) must be the same as input size (${sizeRepr(input)})`);
    }
    if (!target.dtype.isFloatingPoint) {
      throw new RuntimeError(`result type ${input.dtype.isFloatingPoint ? input.dtype.scalarName : 'Float'} can't be cast to the desired output type ${target.dtype.scalarName}`);
    }
    const logWeight = posWeight ? posWeight.sub(1).mul(target).add(1) : null;
    const ls = logsigmoid(input);
    let loss = target.rsub(1).mul(input).sub(logWeight ? logWeight.mul(ls) : ls);
    if (weight) loss = loss.mul(weight);
    return applyReduction(loss, r);
  });

/** soft_margin_loss(input, target, size_average=None, reduce=None, reduction='mean'): log(1 + exp(-target input)). */
export const softMarginLoss: OpFn = functional('soft_margin_loss',
  'Tensor input, Tensor target, bool? size_average=None, bool? reduce=None, str reduction="mean"',
  (input: Tensor, target: Tensor, sizeAverage: boolean | null, reduce: boolean | null, reduction: string) => {
    const r = resolveReduction(sizeAverage, reduce, reduction);
    if (target.requiresGrad && isGradEnabled()) {
      throw new RuntimeError("The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. This input cannot have requires_grad True.");
    }
    return applyReduction(logsigmoid(input.mul(target)).neg(), r);
  });

/**
 * multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
 * reduction='mean'): the binary cross entropy of sigmoid(input) per class, averaged over
 * the classes (the last dim).
 */
export const multilabelSoftMarginLoss: OpFn = functional('multilabel_soft_margin_loss',
  'Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, bool? reduce=None, str reduction="mean"',
  (input: Tensor, target: Tensor, weight: Tensor | null, sizeAverage: boolean | null, reduce: boolean | null, reduction: string) => {
    const red = sizeAverage !== null || reduce !== null ? resolveReduction(sizeAverage, reduce, reduction) : reduction;
    let loss = target.mul(logsigmoid(input)).add(target.rsub(1).mul(logsigmoid(input.neg()))).neg();
    if (weight) loss = loss.mul(weight);
    const classDim = input.ndim - 1;
    loss = loss.sum(classDim).div(input.shape[classDim]);
    return applyReduction(loss, checkPlainReduction(red));
  });
