// Loss modules (torch/nn/modules/loss.py): each keeps its constructor settings and calls
// its torch.nn.functional loss. `size_average` / `reduce` map to `reduction` as in
// PyTorch's _Loss (with its deprecation warning); class weights are buffers, as
// _WeightedLoss and BCEWithLogitsLoss register them.

import type { Tensor } from '../../tensor/tensor.js';
import { ValueError } from '../../tensor/shape.js';
import { Module } from '../module.js';
import { moduleArgs } from './args.js';
import { legacyReduction, warnOnce } from '../functional/loss_reduction.js';
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, cosineEmbeddingLoss, crossEntropy, gaussianNllLoss, hingeEmbeddingLoss,
  huberLoss, klDiv, l1Loss, marginRankingLoss, mseLoss, multiMarginLoss, multilabelMarginLoss, multilabelSoftMarginLoss,
  nllLoss, poissonNllLoss, smoothL1Loss, softMarginLoss, tripletMarginLoss, tripletMarginWithDistanceLoss,
} from '../functional/loss.js';

type ReductionArg = 'none' | 'mean' | 'sum' | string;

/** The legacy arguments every _Loss takes. */
export interface LegacyReductionOptions {
  sizeAverage?: boolean | null;
  reduce?: boolean | null;
  reduction?: ReductionArg;
}
export interface WeightedLossOptions extends LegacyReductionOptions {
  weight?: Tensor | null;
}

const LEGACY = 'bool? size_average=None, bool? reduce=None, str reduction="mean"';

/** PyTorch's _Loss: the reduction, from `reduction` or the legacy size_average / reduce. */
export class _Loss<In extends Tensor[] = [Tensor, Tensor]> extends Module<In, Tensor> {
  declare reduction: string;
  constructor(sizeAverage: boolean | null = null, reduce: boolean | null = null, reduction = 'mean') {
    super();
    this.reduction = sizeAverage !== null || reduce !== null ? legacyReduction(sizeAverage, reduce) : reduction;
  }
}

/** PyTorch's _WeightedLoss: a _Loss with a `weight` buffer (null when not given). */
export class _WeightedLoss extends _Loss {
  declare weight: Tensor | null;
  constructor(weight: Tensor | null = null, sizeAverage: boolean | null = null, reduce: boolean | null = null, reduction = 'mean') {
    super(sizeAverage, reduce, reduction);
    this.registerBuffer('weight', weight);
  }
}

/** Module classes whose only arguments are the legacy reduction ones. */
function plainArgs(cls: string, args: unknown[]): [boolean | null, boolean | null, string] {
  const a = moduleArgs(cls, LEGACY, args);
  return [a.sizeAverage, a.reduce, a.reduction];
}

/**
 * Mean absolute error: |input - target| reduced.
 * @example new nn.L1Loss()(x, y); new nn.L1Loss({ reduction: 'sum' })
 */
export class L1Loss extends _Loss {
  constructor(options?: LegacyReductionOptions);
  constructor(...args: unknown[]) {
    super(...plainArgs('L1Loss', args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/**
 * Mean squared error: (input - target)^2 reduced.
 * @example const loss = new nn.MSELoss()(pred, y); loss.backward();
 */
export class MSELoss extends _Loss {
  constructor(options?: LegacyReductionOptions);
  constructor(...args: unknown[]) {
    super(...plainArgs('MSELoss', args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

export interface NLLLossOptions extends WeightedLossOptions {
  ignoreIndex?: number;
}

/**
 * Negative log-likelihood of class indices given log-probabilities (N, C) or (N, C, d1, ...).
 * @example new nn.NLLLoss({ weight: classWeights, ignoreIndex: 0 })(logp, target)
 */
export class NLLLoss extends _WeightedLoss {
  declare ignoreIndex: number;
  constructor(weight?: Tensor | null, options?: NLLLossOptions);
  constructor(options?: NLLLossOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs(new.target.name,
      'Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, str reduction="mean"', args);
    super(a.weight, a.sizeAverage, a.reduce, a.reduction);
    this.ignoreIndex = a.ignoreIndex;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** The deprecated name of NLLLoss (spatial inputs are NLLLoss's K-d case). */
export class NLLLoss2d extends NLLLoss {
  constructor(weight?: Tensor | null, options?: NLLLossOptions);
  constructor(options?: NLLLossOptions);
  constructor(...args: unknown[]) {
    warnOnce(
      'NLLLoss2d has been deprecated. Please use NLLLoss instead as a drop-in replacement and see https://pytorch.org/docs/master/nn.html#torch.nn.NLLLoss for more details.',
    );
    super(...(args as [NLLLossOptions]));
  }
}

export interface PoissonNLLLossOptions extends LegacyReductionOptions {
  logInput?: boolean;
  full?: boolean;
  eps?: number;
}

/**
 * Negative log-likelihood of a Poisson target: exp(input) - target input when logInput.
 * @example new nn.PoissonNLLLoss({ logInput: false, full: true })
 */
export class PoissonNLLLoss extends _Loss {
  declare logInput: boolean;
  declare full: boolean;
  declare eps: number;
  constructor(logInput?: boolean, full?: boolean, options?: PoissonNLLLossOptions);
  constructor(options?: PoissonNLLLossOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('PoissonNLLLoss',
      'bool log_input=True, bool full=False, bool? size_average=None, float eps=1e-08, bool? reduce=None, str reduction="mean"', args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.logInput = a.logInput;
    this.full = a.full;
    this.eps = a.eps;
  }
  override forward(logInput: Tensor, target: Tensor): Tensor {
    return poissonNllLoss(logInput, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

export interface GaussianNLLLossOptions {
  full?: boolean;
  eps?: number;
  reduction?: ReductionArg;
}

/**
 * Negative log-likelihood of a Gaussian target with predicted mean `input` and variance `var`.
 * @example new nn.GaussianNLLLoss()(mean, target, variance)
 */
export class GaussianNLLLoss extends _Loss<[Tensor, Tensor, Tensor]> {
  declare full: boolean;
  declare eps: number;
  constructor(options?: GaussianNLLLossOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('GaussianNLLLoss', '*, bool full=False, float eps=1e-06, str reduction="mean"', args);
    super(null, null, a.reduction);
    this.full = a.full;
    this.eps = a.eps;
  }
  override forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return gaussianNllLoss(input, target, variance, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

export interface KLDivLossOptions extends LegacyReductionOptions {
  logTarget?: boolean;
}

/**
 * Kullback-Leibler divergence of target from input (log-probabilities); 'batchmean' is the true KL mean.
 * @example new nn.KLDivLoss({ reduction: 'batchmean', logTarget: true })
 */
export class KLDivLoss extends _Loss {
  declare logTarget: boolean;
  constructor(options?: KLDivLossOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('KLDivLoss', `${LEGACY}, bool log_target=False`, args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.logTarget = a.logTarget;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/**
 * Binary cross entropy of probabilities in [0, 1].
 * @example new nn.BCELoss()(torch.sigmoid(logits), y)
 */
export class BCELoss extends _WeightedLoss {
  constructor(weight?: Tensor | null, options?: LegacyReductionOptions);
  constructor(options?: WeightedLossOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('BCELoss', `Tensor? weight=None, ${LEGACY}`, args);
    super(a.weight, a.sizeAverage, a.reduce, a.reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export interface BCEWithLogitsLossOptions extends WeightedLossOptions {
  posWeight?: Tensor | null;
}

/**
 * Sigmoid and binary cross entropy in one stable formula; posWeight weighs the positives per class.
 * @example new nn.BCEWithLogitsLoss({ posWeight: torch.full([C], 3) })(logits, y)
 */
export class BCEWithLogitsLoss extends _Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  constructor(weight?: Tensor | null, options?: BCEWithLogitsLossOptions);
  constructor(options?: BCEWithLogitsLossOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('BCEWithLogitsLoss', `Tensor? weight=None, ${LEGACY}, Tensor? pos_weight=None`, args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.registerBuffer('weight', a.weight);
    this.registerBuffer('pos_weight', a.posWeight);
  }
  /** The pos_weight buffer. */
  get posWeight(): Tensor | null {
    return this.pos_weight;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, this.weight, { posWeight: this.pos_weight, reduction: this.reduction });
  }
}

export interface MarginOptions extends LegacyReductionOptions {
  margin?: number;
}

/**
 * Hinge loss of embeddings labelled 1 (similar) or -1 (dissimilar).
 * @example new nn.HingeEmbeddingLoss({ margin: 2 })(distances, labels)
 */
export class HingeEmbeddingLoss extends _Loss {
  declare margin: number;
  constructor(margin?: number, options?: LegacyReductionOptions);
  constructor(options?: MarginOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('HingeEmbeddingLoss', `float margin=1.0, ${LEGACY}`, args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.margin = a.margin;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

/**
 * Multi-class multi-label hinge loss; target lists class indices, ended by -1.
 * @example new nn.MultiLabelMarginLoss()(scores, torch.tensor([[3, 0, -1, 1]]))
 */
export class MultiLabelMarginLoss extends _Loss {
  constructor(options?: LegacyReductionOptions);
  constructor(...args: unknown[]) {
    super(...plainArgs('MultiLabelMarginLoss', args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return multilabelMarginLoss(input, target, { reduction: this.reduction });
  }
}

export interface SmoothL1LossOptions extends LegacyReductionOptions {
  beta?: number;
}

/**
 * Squared error below beta, absolute error above.
 * @example new nn.SmoothL1Loss({ beta: 0.5 })
 */
export class SmoothL1Loss extends _Loss {
  declare beta: number;
  constructor(options?: SmoothL1LossOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('SmoothL1Loss', `${LEGACY}, float beta=1.0`, args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.beta = a.beta;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export interface HuberLossOptions {
  reduction?: ReductionArg;
  delta?: number;
}

/**
 * Squared error below delta, delta-scaled absolute error above.
 * @example new nn.HuberLoss({ delta: 1.5 })
 */
export class HuberLoss extends _Loss {
  declare delta: number;
  constructor(reduction?: ReductionArg, delta?: number);
  constructor(options?: HuberLossOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('HuberLoss', 'str reduction="mean", float delta=1.0', args);
    super(null, null, a.reduction);
    this.delta = a.delta;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/**
 * Two-class logistic loss log(1 + exp(-target input)), target in {1, -1}.
 * @example new nn.SoftMarginLoss()(scores, labels)
 */
export class SoftMarginLoss extends _Loss {
  constructor(options?: LegacyReductionOptions);
  constructor(...args: unknown[]) {
    super(...plainArgs('SoftMarginLoss', args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return softMarginLoss(input, target, { reduction: this.reduction });
  }
}

export interface CrossEntropyLossOptions extends NLLLossOptions {
  labelSmoothing?: number;
}

/**
 * log_softmax over the class dim and the negative log-likelihood of the targets (class
 * indices, or class probabilities of input's shape), in one fused kernel for indices.
 * @example
 * const criterion = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * criterion(logits, labels).backward();
 */
export class CrossEntropyLoss extends _WeightedLoss {
  declare ignoreIndex: number;
  declare labelSmoothing: number;
  constructor(weight?: Tensor | null, options?: CrossEntropyLossOptions);
  constructor(options?: CrossEntropyLossOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('CrossEntropyLoss',
      'Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, str reduction="mean", float label_smoothing=0.0', args);
    super(a.weight, a.sizeAverage, a.reduce, a.reduction);
    this.ignoreIndex = a.ignoreIndex;
    this.labelSmoothing = a.labelSmoothing;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing,
    });
  }
}

/**
 * One-versus-all logistic loss of multi-label targets (0/1 per class), averaged over classes.
 * @example new nn.MultiLabelSoftMarginLoss()(scores, multiHot)
 */
export class MultiLabelSoftMarginLoss extends _WeightedLoss {
  constructor(weight?: Tensor | null, options?: LegacyReductionOptions);
  constructor(options?: WeightedLossOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('MultiLabelSoftMarginLoss', `Tensor? weight=None, ${LEGACY}`, args);
    super(a.weight, a.sizeAverage, a.reduce, a.reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return multilabelSoftMarginLoss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** A _Loss of three inputs (two embeddings or scores and a target). */
class TripleInputLoss extends _Loss<[Tensor, Tensor, Tensor]> {}

/**
 * 1 - cos(x1, x2) for pairs labelled 1, max(0, cos(x1, x2) - margin) for pairs labelled -1.
 * @example new nn.CosineEmbeddingLoss({ margin: 0.2 })(a, b, labels)
 */
export class CosineEmbeddingLoss extends TripleInputLoss {
  declare margin: number;
  constructor(margin?: number, options?: LegacyReductionOptions);
  constructor(options?: MarginOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('CosineEmbeddingLoss', `float margin=0.0, ${LEGACY}`, args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.margin = a.margin;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/**
 * max(0, -target (x1 - x2) + margin): x1 should rank above x2 where target is 1.
 * @example new nn.MarginRankingLoss({ margin: 0.5 })(s1, s2, y)
 */
export class MarginRankingLoss extends TripleInputLoss {
  declare margin: number;
  constructor(margin?: number, options?: LegacyReductionOptions);
  constructor(options?: MarginOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('MarginRankingLoss', `float margin=0.0, ${LEGACY}`, args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.margin = a.margin;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

export interface MultiMarginLossOptions extends WeightedLossOptions {
  p?: number;
  margin?: number;
}

/** Python's `assert` failure (MultiMarginLoss asserts a 1-d weight). */
class AssertionError extends Error {
  override name = 'AssertionError';
}

/**
 * Multi-class hinge loss: sum over classes i != y of max(0, margin - x[y] + x[i])^p / C.
 * @example new nn.MultiMarginLoss({ p: 2, margin: 0.5 })(scores, labels)
 */
export class MultiMarginLoss extends _WeightedLoss {
  declare p: number;
  declare margin: number;
  constructor(p?: number, margin?: number, weight?: Tensor | null, options?: LegacyReductionOptions);
  constructor(options?: MultiMarginLossOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('MultiMarginLoss', `int p=1, float margin=1.0, Tensor? weight=None, ${LEGACY}`, args);
    super(a.weight, a.sizeAverage, a.reduce, a.reduction);
    if (a.p !== 1 && a.p !== 2) throw new ValueError('only p == 1 and p == 2 supported');
    if (a.weight !== null && a.weight.ndim !== 1) throw new AssertionError('');
    this.p = a.p;
    this.margin = a.margin;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return multiMarginLoss(input, target, { p: this.p, margin: this.margin, weight: this.weight, reduction: this.reduction });
  }
}

export interface TripletMarginLossOptions extends MarginOptions {
  p?: number;
  eps?: number;
  swap?: boolean;
}

/**
 * max(0, margin + d(anchor, positive) - d(anchor, negative)) with the p-norm distance.
 * @example new nn.TripletMarginLoss({ margin: 0.5, p: 1, swap: true })(a, pos, neg)
 */
export class TripletMarginLoss extends TripleInputLoss {
  declare margin: number;
  declare p: number;
  declare eps: number;
  declare swap: boolean;
  constructor(margin?: number, p?: number, eps?: number, swap?: boolean, options?: LegacyReductionOptions);
  constructor(options?: TripletMarginLossOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('TripletMarginLoss', `float margin=1.0, float p=2.0, float eps=1e-06, bool swap=False, ${LEGACY}`, args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.margin = a.margin;
    this.p = a.p;
    this.eps = a.eps;
    this.swap = a.swap;
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletMarginLoss(anchor, positive, negative, { margin: this.margin, p: this.p, eps: this.eps, swap: this.swap, reduction: this.reduction });
  }
}

type Distance = ((x1: Tensor, x2: Tensor) => Tensor) | Module<[Tensor, Tensor], Tensor>;

export interface TripletMarginWithDistanceLossOptions {
  distanceFunction?: Distance | null;
  margin?: number;
  swap?: boolean;
  reduction?: ReductionArg;
}

/**
 * TripletMarginLoss with any distance: a function of two tensors or a module (registered
 * as the child `distance_function`); the pairwise 2-norm distance by default.
 * @example new nn.TripletMarginWithDistanceLoss({ distanceFunction: (a, b) => a.sub(b).abs().sum(-1) })
 */
export class TripletMarginWithDistanceLoss extends TripleInputLoss {
  declare margin: number;
  declare swap: boolean;
  /** @internal a plain function given as distance_function (a module is a registered child instead). */
  declare _distanceFn: ((x1: Tensor, x2: Tensor) => Tensor) | null;
  constructor(options?: TripletMarginWithDistanceLossOptions);
  constructor(...args: unknown[]) {
    const a = moduleArgs('TripletMarginWithDistanceLoss', '*, any? distance_function=None, float margin=1.0, bool swap=False, str reduction="mean"', args);
    super(null, null, a.reduction);
    const fn = a.distanceFunction as Distance | null;
    if (fn !== null && typeof fn !== 'function') {
      throw new TypeError(`TripletMarginWithDistanceLoss(): argument 'distance_function' must be callable, not ${typeof fn}`);
    }
    if (fn instanceof Module) {
      this._distanceFn = null;
      this.addModule('distance_function', fn);
    } else {
      this._distanceFn = fn;
    }
    this.margin = a.margin;
    this.swap = a.swap;
  }
  /** The distance used: the given function or module, or null for the pairwise distance. */
  get distanceFunction(): Distance | null {
    return (this._modules.get('distance_function') as Module<[Tensor, Tensor], Tensor> | undefined) ?? this._distanceFn;
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletMarginWithDistanceLoss(anchor, positive, negative, {
      distanceFunction: this.distanceFunction, margin: this.margin, swap: this.swap, reduction: this.reduction,
    });
  }
}
