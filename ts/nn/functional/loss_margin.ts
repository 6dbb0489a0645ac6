// Margin and embedding losses: margin_ranking_loss, hinge_embedding_loss,
// cosine_embedding_loss, multi_margin_loss, multilabel_margin_loss, triplet_margin_loss,
// triplet_margin_with_distance_loss. aten's formulas composed of ops (hinges are
// relu / clamp_min as in aten, so gradients at the kink follow PyTorch's).

import { Tensor, isTensor } from '../../tensor/tensor.js';
import { int64 } from '../../tensor/dtype.js';
import { RuntimeError, ValueError } from '../../tensor/shape.js';
import { arange, minimum, where, zeros } from '../../ops/all.js';
import { functional } from '../../ops/composite.js';
import { applyReduction, checkReduction, resolveReduction } from './loss_reduction.js';
import type { OpFn } from '../../ops/types.js';

const sizeRepr = (t: Tensor): string => `torch.Size([${t.shape.join(', ')}])`;
const dims = (t: Tensor): string => `[${t.shape.join(', ')}]`;
const LEGACY = 'bool? size_average=None, bool? reduce=None, str reduction="mean"';

/**
 * margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
 * reduction='mean'): max(0, -target (input1 - input2) + margin).
 */
export const marginRankingLoss: OpFn = functional('margin_ranking_loss', `Tensor input1, Tensor input2, Tensor target, float margin=0, ${LEGACY}`,
  (x1: Tensor, x2: Tensor, target: Tensor, margin: number, sizeAverage: boolean | null, reduce: boolean | null, reduction: string) => {
    const r = resolveReduction(sizeAverage, reduce, reduction);
    if (x1.ndim !== x2.ndim || x1.ndim !== target.ndim) {
      throw new RuntimeError(
        `margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: ${sizeRepr(x1)}, input2: ${sizeRepr(x2)}, target: ${sizeRepr(target)} `,
      );
    }
    return applyReduction(target.neg().mul(x1.sub(x2)).add(margin).clampMin(0), r);
  });

/**
 * hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
 * reduction='mean'): input where target is 1, max(0, margin - input) where it is -1.
 */
export const hingeEmbeddingLoss: OpFn = functional('hinge_embedding_loss', `Tensor input, Tensor target, float margin=1.0, ${LEGACY}`,
  (input: Tensor, target: Tensor, margin: number, sizeAverage: boolean | null, reduce: boolean | null, reduction: string) => {
    const r = resolveReduction(sizeAverage, reduce, reduction);
    const marginPart = where(target.ne(1), input.rsub(margin).clampMin(0), 0);
    const selfPart = where(target.ne(-1), input, 0);
    return applyReduction(marginPart.add(selfPart), r);
  });

/**
 * cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
 * reduction='mean'): 1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin)
 * where it is -1; cos along the last dim (rows of 2-d inputs, or two 1-d vectors).
 */
export const cosineEmbeddingLoss: OpFn = functional('cosine_embedding_loss', `Tensor input1, Tensor input2, Tensor target, float margin=0, ${LEGACY}`,
  (x1: Tensor, x2: Tensor, target: Tensor, margin: number, sizeAverage: boolean | null, reduce: boolean | null, reduction: string) => {
    const r = resolveReduction(sizeAverage, reduce, reduction);
    const td = target.ndim;
    if (td !== 1 && td !== 0) throw new RuntimeError('0D or 1D target tensor expected, multi-target not supported');
    if (td === 1 ? x1.ndim !== 2 || x2.ndim !== 2 : x1.ndim !== 1 || x2.ndim !== 1) {
      throw new RuntimeError(`${td}D target tensor expects ${td + 1}D input tensors, but found inputs with sizes ${dims(x1)} and ${dims(x2)}.`);
    }
    const EPSILON = 1e-12;
    const prodSum = x1.mul(x2).sum(td);
    const mag1 = x1.mul(x1).sum(td).add(EPSILON);
    const mag2 = x2.mul(x2).sum(td).add(EPSILON);
    const cos = prodSum.div(mag1.mul(mag2).sqrt());
    const pos = where(target.eq(1), cos.rsub(1), 0);
    const neg = where(target.eq(-1), cos.sub(margin).clampMin(0), 0);
    return applyReduction(pos.add(neg), r);
  });

/**
 * The (frames, classes) view of a multi-class margin input: () and (C) are one frame,
 * (N, C) are N; anything else, or no classes, is PyTorch's error.
 */
function marginFrames(input: Tensor): [number, number] {
  const nd = input.ndim;
  if (!((nd === 2 && input.shape[1] !== 0) || (nd === 1 && input.shape[0] !== 0) || nd === 0)) {
    throw new RuntimeError(`Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${dims(input)}`);
  }
  return nd <= 1 ? [1, nd === 0 ? 1 : input.shape[0]] : [input.shape[0], input.shape[1]];
}

/**
 * multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
 * reduce=None, reduction='mean'): per sample, sum over classes i != y of
 * weight[y] max(0, margin - x[y] + x[i])^p, divided by the number of classes.
 */
export const multiMarginLoss: OpFn = functional('multi_margin_loss',
  `Tensor input, Tensor target, int p=1, float margin=1.0, Tensor? weight=None, ${LEGACY}`,
  (input: Tensor, target: Tensor, p: number, margin: number, weight: Tensor | null, sizeAverage: boolean | null, reduce: boolean | null, reduction: string) => {
    const r = resolveReduction(sizeAverage, reduce, reduction);
    if (p !== 1 && p !== 2) throw new ValueError('only p == 1 and p == 2 supported');
    if (weight && weight.ndim !== 1) throw new ValueError('weight must be one-dimensional');
    const [frames, classes] = marginFrames(input);
    if (!(target.ndim <= 1 && target.numel() === frames)) throw new RuntimeError(`inconsistent target size, got: ${dims(target)}`);
    if (weight && weight.numel() !== classes) throw new RuntimeError(`inconsistent weight size, expected ${classes} but got ${dims(weight)}`);
    if (!input.dtype.isFloatingPoint) throw new RuntimeError(`"multi_margin_loss_cpu_kernel" not implemented for '${input.dtype.scalarName}'`);
    if (target.dtype !== int64) throw new RuntimeError(`expected scalar type Long but found ${target.dtype.scalarName}`);
    if (weight && weight.dtype !== input.dtype) throw new RuntimeError(`expected scalar type ${input.dtype.scalarName} but found ${weight.dtype.scalarName}`);
    if (target.lt(0).logicalOr(target.ge(classes)).any().item()) throw new RuntimeError('target out of range');
    const x = input.reshape([frames, classes]);
    const y = target.reshape([frames, 1]);
    const z = x.gather(1, y).rsub(margin).add(x).relu();
    let h = p === 2 ? z.mul(z) : z;
    if (weight) h = h.mul(weight.detach().gather(0, y.reshape([-1])).unsqueeze(1));
    const perFrame = h.maskedFill(arange(classes).eq(y), 0).sum(1).div(classes);
    return applyReduction(r === 'none' ? perFrame.reshape(target.shape) : perFrame, r);
  });

/** Slots of the multilabel target processed together: frames * slots * classes stays below this. */
const MULTILABEL_BLOCK = 1 << 22;

/**
 * multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction='mean'):
 * target lists each sample's classes, ended by the first -1; per sample, the sum over
 * listed classes j and unlisted classes i of max(0, 1 - x[j] + x[i]), divided by the
 * number of classes.
 */
export const multilabelMarginLoss: OpFn = functional('multilabel_margin_loss', `Tensor input, Tensor target, ${LEGACY}`,
  (input: Tensor, target: Tensor, sizeAverage: boolean | null, reduce: boolean | null, reduction: string) => {
    const r = resolveReduction(sizeAverage, reduce, reduction);
    const [frames, classes] = marginFrames(input);
    const consistent = input.ndim <= 1
      ? target.ndim <= 1 && target.numel() === classes
      : target.ndim === 2 && target.shape[0] === frames && target.shape[1] === classes;
    if (!consistent) throw new RuntimeError(`inconsistent size ${dims(target)} for argument #2 'target'`);
    if (!input.dtype.isFloatingPoint) {
      throw new RuntimeError(`"multilabel_margin_loss_forward_out_frame" not implemented for '${input.dtype.scalarName}'`);
    }
    if (target.dtype !== int64) throw new RuntimeError(`expected scalar type Long but found ${target.dtype.scalarName}`);
    if (target.lt(-1).logicalOr(target.ge(classes)).any().item()) throw new RuntimeError("argument #2 'target' is out of range");
    const x = input.reshape([frames, classes]);
    const t = target.reshape([frames, classes]);
    // the listed classes: each row's prefix before its first -1
    const listed = t.lt(0).cumsum(1).eq(0);
    const safe = t.maskedFill(listed.logicalNot(), 0);
    const isTarget = zeros([frames, classes], { dtype: input.dtype }).scatterAdd(1, safe, listed.to(input.dtype)).gt(0);
    const slots = frames === 0 ? 0 : Number(listed.sum(1).max().item());
    const xi = x.unsqueeze(1);
    const others = isTarget.logicalNot().unsqueeze(1);
    let perFrame = zeros([frames], { dtype: input.dtype });
    const block = Math.max(1, Math.floor(MULTILABEL_BLOCK / Math.max(1, frames * classes)));
    for (let j = 0; j < slots; j += block) {
      const n = Math.min(block, slots - j);
      const xj = x.gather(1, safe.narrow(1, j, n)).unsqueeze(2);
      const mask = listed.narrow(1, j, n).unsqueeze(2).logicalAnd(others);
      perFrame = perFrame.add(xi.sub(xj).add(1).relu().mul(mask).sum([1, 2]));
    }
    perFrame = perFrame.div(classes);
    return applyReduction(r === 'none' && input.ndim <= 1 ? perFrame.reshape([]) : perFrame, r);
  });

/** aten::pairwise_distance: the p-norm of x1 - x2 + eps along the last dim of the broadcast. */
function pairwiseDistance(x1: Tensor, x2: Tensor, p = 2, eps = 1e-6): Tensor {
  return x1.sub(x2).add(eps).norm(p, Math.max(x1.ndim, x2.ndim) - 1);
}

/**
 * triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
 * size_average=None, reduce=None, reduction='mean'): max(0, margin + d(a, p) - d(a, n))
 * with d the pairwise p-norm distance; `swap` uses min(d(a, n), d(p, n)).
 */
export const tripletMarginLoss: OpFn = functional('triplet_margin_loss',
  `Tensor anchor, Tensor positive, Tensor negative, float margin=1.0, float p=2, float eps=1e-06, bool swap=False, ${LEGACY}`,
  (a: Tensor, pos: Tensor, neg: Tensor, margin: number, p: number, eps: number, swap: boolean, sizeAverage: boolean | null, reduce: boolean | null, reduction: string) => {
    const r = resolveReduction(sizeAverage, reduce, reduction);
    if (a.ndim !== pos.ndim || pos.ndim !== neg.ndim) {
      throw new RuntimeError(`All inputs should have same dimension but got ${a.ndim}D, ${pos.ndim}D and ${neg.ndim}D inputs.`);
    }
    const dPos = pairwiseDistance(a, pos, p, eps);
    let dNeg = pairwiseDistance(a, neg, p, eps);
    if (swap) dNeg = minimum(dNeg, pairwiseDistance(pos, neg, p, eps));
    return applyReduction(dPos.sub(dNeg).add(margin).clampMin(0), r);
  });

type Distance = (x1: Tensor, x2: Tensor) => Tensor;

/**
 * triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
 * margin=1.0, swap=False, reduction='mean'): triplet_margin_loss with any distance
 * (a function of two tensors, or a module); pairwise_distance by default.
 */
export const tripletMarginWithDistanceLoss: OpFn = functional('triplet_margin_with_distance_loss',
  'Tensor anchor, Tensor positive, Tensor negative, *, any? distance_function=None, float margin=1.0, bool swap=False, str reduction="mean"',
  (a: Tensor, pos: Tensor, neg: Tensor, distanceFunction: Distance | null, margin: number, swap: boolean, reduction: string) => {
    if (distanceFunction !== null && typeof distanceFunction !== 'function') {
      throw new TypeError(`triplet_margin_with_distance_loss(): argument 'distance_function' must be callable, not ${typeof distanceFunction}`);
    }
    const dist: Distance = distanceFunction ?? ((x1, x2) => pairwiseDistance(x1, x2));
    const call = (x1: Tensor, x2: Tensor): Tensor => {
      const d = dist(x1, x2);
      if (!isTensor(d)) throw new TypeError('triplet_margin_with_distance_loss(): distance_function must return a Tensor');
      return d;
    };
    const dPos = call(a, pos);
    let dNeg = call(a, neg);
    if (swap) dNeg = minimum(dNeg, call(pos, neg));
    const out = dPos.sub(dNeg).add(margin).clampMin(0);
    return applyReduction(out, checkReduction(reduction));
  });
