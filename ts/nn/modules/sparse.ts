// nn.Embedding and nn.EmbeddingBag (PyTorch 1.13's torch/nn/modules/sparse.py).
// Sparse gradients do not exist in this runtime: `sparse: true` is refused up front.

import { Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';
import { AssertionError, NotImplementedError } from '../../tensor/shape.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { embedding, embeddingBag } from '../functional/index.js';
import * as init from '../init.js';
import { pyFloat } from '../module_repr.js';
import { moduleArgs } from './args.js';
import { checkDevice, emptyParameter, type FactoryOptions } from './factory.js';

export interface EmbeddingOptions extends FactoryOptions {
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  sparse?: false;
  /** A weight to use instead of a fresh one (PyTorch's `_weight`), shape [numEmbeddings, embeddingDim]. */
  _weight?: Tensor | null;
}

export interface EmbeddingBagOptions extends Omit<EmbeddingOptions, 'paddingIdx'> {
  mode?: 'sum' | 'mean' | 'max';
  includeLastOffset?: boolean;
  paddingIdx?: number | null;
}

function refuseSparse(cls: string, sparse: boolean): void {
  if (sparse) {
    throw new NotImplementedError(`${cls}: sparse=True (sparse gradients) is not supported by this runtime; use sparse=False (dense gradients)`);
  }
}

/** padding_idx in [-num, num), negative counted from the end (PyTorch's constructor assertion). */
function normalizePaddingIdx(paddingIdx: number | null, num: number, what: string): number | null {
  if (paddingIdx === null) return null;
  if (paddingIdx > 0 && paddingIdx >= num) throw new AssertionError(`${what} must be within num_embeddings`);
  if (paddingIdx < 0) {
    if (paddingIdx < -num) throw new AssertionError(`${what} must be within num_embeddings`);
    return num + paddingIdx;
  }
  return paddingIdx;
}

/** The weight Parameter: `_weight` as given (checked), or a new one initialised by reset(). */
function weightParameter(w: Tensor | null, num: number, dim: number, dtype: DType | null): [Parameter, boolean] {
  if (w === null) return [emptyParameter([num, dim], dtype), true];
  if (w.ndim !== 2 || w.shape[0] !== num || w.shape[1] !== dim) {
    throw new AssertionError('Shape of weight does not match num_embeddings and embedding_dim');
  }
  return [new Parameter(w), false]; // shares w's storage, as Parameter(_weight) does
}

/** Zeroes the padding row of `weight` without recording it. */
function zeroPaddingRow(weight: Tensor, paddingIdx: number | null): void {
  if (paddingIdx === null) return;
  noGrad(() => {
    const row = weight.select(0, paddingIdx);
    row.fill_(0);
    row.dispose();
  });
}

const EMBEDDING_SIG =
  'int num_embeddings, int embedding_dim, int? padding_idx=None, float? max_norm=None, float norm_type=2., ' +
  'bool scale_grad_by_freq=False, bool sparse=False, Tensor? _weight=None, Device? device=None, ScalarType? dtype=None';

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`, initialised N(0, 1).
 * @example
 * const emb = new nn.Embedding(10, 3, { paddingIdx: 0 });
 * emb(torch.tensor([[1, 2, 4, 5], [4, 3, 2, 9]])); // [2, 4, 3]
 */
export class Embedding extends Module<[Tensor], Tensor> {
  declare numEmbeddings: number;
  declare embeddingDim: number;
  declare paddingIdx: number | null;
  declare maxNorm: number | null;
  declare normType: number;
  declare scaleGradByFreq: boolean;
  declare sparse: boolean;
  declare weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('Embedding', EMBEDDING_SIG, args);
    checkDevice('Embedding', a.device);
    refuseSparse('Embedding', a.sparse);
    this.numEmbeddings = a.numEmbeddings;
    this.embeddingDim = a.embeddingDim;
    this.paddingIdx = normalizePaddingIdx(a.paddingIdx, a.numEmbeddings, 'Padding_idx');
    this.maxNorm = a.maxNorm;
    this.normType = a.normType;
    this.scaleGradByFreq = a.scaleGradByFreq;
    // '_weight' has no camelCase form: the binder keeps it under 'Weight'
    const [weight, fresh] = weightParameter(a.Weight, a.numEmbeddings, a.embeddingDim, a.dtype);
    this.weight = weight;
    if (fresh) this.resetParameters();
    this.sparse = a.sparse;
  }

  /** weight ~ N(0, 1), the padding row zeroed. */
  resetParameters(): void {
    init.normal_(this.weight);
    zeroPaddingRow(this.weight, this.paddingIdx);
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, this.paddingIdx, this.maxNorm, this.normType, this.scaleGradByFreq, this.sparse);
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += ', scale_grad_by_freq=True';
    return s;
  }

  /**
   * An Embedding whose weight is `embeddings` (shared, not copied); frozen unless freeze is false.
   * @example nn.Embedding.fromPretrained(torch.tensor([[1, 2.3, 3], [4, 5.1, 6.3]]), { freeze: false })
   */
  static fromPretrained(
    embeddings: Tensor,
    options?: { freeze?: boolean; paddingIdx?: number | null; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean; sparse?: false },
  ): Embedding;
  static fromPretrained(...args: unknown[]): Embedding;
  static fromPretrained(...args: unknown[]): Embedding {
    const a = moduleArgs('Embedding.from_pretrained',
      'Tensor embeddings, bool freeze=True, int? padding_idx=None, float? max_norm=None, float norm_type=2., bool scale_grad_by_freq=False, bool sparse=False',
      args);
    if (a.embeddings.ndim !== 2) throw new AssertionError('Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = a.embeddings.shape;
    const m = new this(rows, cols, {
      _weight: a.embeddings, paddingIdx: a.paddingIdx, maxNorm: a.maxNorm, normType: a.normType,
      scaleGradByFreq: a.scaleGradByFreq, sparse: a.sparse,
    });
    m.weight.requiresGrad = !a.freeze;
    return m;
  }
}

const EMBEDDING_BAG_SIG =
  'int num_embeddings, int embedding_dim, float? max_norm=None, float norm_type=2., bool scale_grad_by_freq=False, ' +
  "str mode='mean', bool sparse=False, Tensor? _weight=None, bool include_last_offset=False, int? padding_idx=None, " +
  'Device? device=None, ScalarType? dtype=None';

/**
 * Sums, means or maxima of bags of embeddings without materialising the bags.
 * @example
 * const bag = new nn.EmbeddingBag(10, 3, { mode: 'sum' });
 * bag(torch.tensor([1, 2, 4, 5, 4, 3, 2, 9]), torch.tensor([0, 4])); // [2, 3]
 */
export class EmbeddingBag extends Module<[Tensor, ...unknown[]], Tensor> {
  declare numEmbeddings: number;
  declare embeddingDim: number;
  declare maxNorm: number | null;
  declare normType: number;
  declare scaleGradByFreq: boolean;
  declare mode: string;
  declare sparse: boolean;
  declare includeLastOffset: boolean;
  declare paddingIdx: number | null;
  declare weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingBagOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('EmbeddingBag', EMBEDDING_BAG_SIG, args);
    checkDevice('EmbeddingBag', a.device);
    refuseSparse('EmbeddingBag', a.sparse);
    this.numEmbeddings = a.numEmbeddings;
    this.embeddingDim = a.embeddingDim;
    this.maxNorm = a.maxNorm;
    this.normType = a.normType;
    this.scaleGradByFreq = a.scaleGradByFreq;
    this.paddingIdx = normalizePaddingIdx(a.paddingIdx, a.numEmbeddings, 'padding_idx');
    const [weight, fresh] = weightParameter(a.Weight, a.numEmbeddings, a.embeddingDim, a.dtype);
    this.weight = weight;
    if (fresh) this.resetParameters();
    this.mode = a.mode;
    this.sparse = a.sparse;
    this.includeLastOffset = a.includeLastOffset;
  }

  /** weight ~ N(0, 1), the padding row zeroed. */
  resetParameters(): void {
    init.normal_(this.weight);
    zeroPaddingRow(this.weight, this.paddingIdx);
  }

  /** forward(input, offsets?, perSampleWeights?) or forward(input, { offsets, perSampleWeights }). */
  override forward(input: Tensor, ...rest: unknown[]): Tensor {
    const f = moduleArgs('EmbeddingBag.forward', 'Tensor input, Tensor? offsets=None, Tensor? per_sample_weights=None', [input, ...rest]);
    return embeddingBag(f.input, this.weight, f.offsets, this.maxNorm, this.normType, this.scaleGradByFreq, this.mode, this.sparse,
      f.perSampleWeights, this.includeLastOffset, this.paddingIdx);
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += ', scale_grad_by_freq=True';
    s += `, mode=${this.mode}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    return s;
  }

  /** An EmbeddingBag whose weight is `embeddings` (shared); frozen unless freeze is false. */
  static fromPretrained(
    embeddings: Tensor,
    options?: {
      freeze?: boolean; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean; mode?: 'sum' | 'mean' | 'max';
      sparse?: false; includeLastOffset?: boolean; paddingIdx?: number | null;
    },
  ): EmbeddingBag;
  static fromPretrained(...args: unknown[]): EmbeddingBag;
  static fromPretrained(...args: unknown[]): EmbeddingBag {
    const a = moduleArgs('EmbeddingBag.from_pretrained',
      'Tensor embeddings, bool freeze=True, float? max_norm=None, float norm_type=2., bool scale_grad_by_freq=False, ' +
      "str mode='mean', bool sparse=False, bool include_last_offset=False, int? padding_idx=None",
      args);
    if (a.embeddings.ndim !== 2) throw new AssertionError('Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = a.embeddings.shape;
    const m = new this(rows, cols, {
      _weight: a.embeddings, maxNorm: a.maxNorm, normType: a.normType, scaleGradByFreq: a.scaleGradByFreq, mode: a.mode,
      sparse: a.sparse, includeLastOffset: a.includeLastOffset, paddingIdx: a.paddingIdx,
    });
    m.weight.requiresGrad = !a.freeze;
    return m;
  }
}
