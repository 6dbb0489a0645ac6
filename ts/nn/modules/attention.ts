// nn.MultiheadAttention (PyTorch 1.13's torch/nn/modules/activation.py): the packed
// in_proj_weight, or q/k/v_proj_weight when key or value have their own width, the
// out_proj child, optional bias_k/bias_v; parameters drawn as PyTorch draws them, so
// a seeded construction is bit-identical. forward is F.multiHeadAttentionForward.

import type { Tensor } from '../../tensor/tensor.js';
import { AssertionError, ZeroDivisionError } from '../../tensor/shape.js';
import { bool, type DType } from '../../tensor/dtype.js';
import { tidy } from '../../tensor/scope.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { constant_, xavierNormal_, xavierUniform_ } from '../init.js';
import { multiHeadAttentionForward } from '../functional/attention.js';
import { moduleArgs } from './args.js';
import { checkDevice, emptyParameter, type FactoryOptions } from './factory.js';
import { Linear } from './linear.js';

/**
 * The Linear that MultiheadAttention uses as `out_proj` (PyTorch's
 * NonDynamicallyQuantizableLinear: a Linear that quantization leaves alone).
 */
export class NonDynamicallyQuantizableLinear extends Linear {}

export interface MultiheadAttentionOptions extends FactoryOptions {
  dropout?: number;
  bias?: boolean;
  addBiasKv?: boolean;
  addZeroAttn?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  batchFirst?: boolean;
}

export interface MultiheadAttentionForwardOptions {
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
}

const CONSTRUCTOR_SIG =
  'int embed_dim, int num_heads, float dropout=0., bool bias=True, bool add_bias_kv=False, bool add_zero_attn=False, ' +
  'int? kdim=None, int? vdim=None, bool batch_first=False, Device? device=None, ScalarType? dtype=None';
const FORWARD_SIG =
  'Tensor query, Tensor key, Tensor value, Tensor? key_padding_mask=None, bool need_weights=True, ' +
  'Tensor? attn_mask=None, bool average_attn_weights=True';

/**
 * Multi-head attention ("Attention Is All You Need"): `m(query, key, value, options)`
 * returns [attn_output, attn_weights | null].
 *
 * @example
 * const mha = new nn.MultiheadAttention(16, 4, { batchFirst: true });
 * const [out, weights] = mha(x, x, x, { attnMask: causalMask });
 */
export class MultiheadAttention extends Module<[query: Tensor, key: Tensor, value: Tensor, ...rest: unknown[]], [Tensor, Tensor | null]> {
  embedDim: number;
  kdim: number;
  vdim: number;
  _qkvSameEmbedDim: boolean;
  numHeads: number;
  dropout: number;
  batchFirst: boolean;
  headDim: number;
  addZeroAttn: boolean;
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare out_proj: NonDynamicallyQuantizableLinear;
  declare bias_k: Parameter | null;
  declare bias_v: Parameter | null;

  constructor(embedDim: number, numHeads: number, options?: MultiheadAttentionOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('MultiheadAttention', CONSTRUCTOR_SIG, args);
    checkDevice('MultiheadAttention', a.device);
    const dtype = a.dtype as DType | null;
    const embedDim: number = a.embedDim;
    this.embedDim = embedDim;
    this.kdim = a.kdim ?? embedDim;
    this.vdim = a.vdim ?? embedDim;
    this._qkvSameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    this.numHeads = a.numHeads;
    this.dropout = a.dropout;
    this.batchFirst = a.batchFirst;
    if (a.numHeads === 0) throw new ZeroDivisionError('integer division or modulo by zero');
    this.headDim = Math.floor(embedDim / a.numHeads);
    if (this.headDim * a.numHeads !== embedDim) throw new AssertionError('embed_dim must be divisible by num_heads');

    if (!this._qkvSameEmbedDim) {
      this.q_proj_weight = emptyParameter([embedDim, embedDim], dtype);
      this.k_proj_weight = emptyParameter([embedDim, this.kdim], dtype);
      this.v_proj_weight = emptyParameter([embedDim, this.vdim], dtype);
      this.registerParameter('in_proj_weight', null);
    } else {
      this.in_proj_weight = emptyParameter([3 * embedDim, embedDim], dtype);
      this.registerParameter('q_proj_weight', null);
      this.registerParameter('k_proj_weight', null);
      this.registerParameter('v_proj_weight', null);
    }
    if (a.bias) this.in_proj_bias = emptyParameter([3 * embedDim], dtype);
    else this.registerParameter('in_proj_bias', null);
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias: a.bias, dtype });
    if (a.addBiasKv) {
      this.bias_k = emptyParameter([1, 1, embedDim], dtype);
      this.bias_v = emptyParameter([1, 1, embedDim], dtype);
    } else {
      // plain attributes, not registered parameters (PyTorch's `self.bias_k = self.bias_v = None`)
      this.bias_k = null;
      this.bias_v = null;
    }
    this.addZeroAttn = a.addZeroAttn;
    this._resetParameters();
  }

  /** PyTorch's _reset_parameters (after out_proj drew its own Linear initialisation). */
  _resetParameters(): void {
    if (this._qkvSameEmbedDim) {
      xavierUniform_(this.in_proj_weight as Parameter);
    } else {
      xavierUniform_(this.q_proj_weight as Parameter);
      xavierUniform_(this.k_proj_weight as Parameter);
      xavierUniform_(this.v_proj_weight as Parameter);
    }
    if (this.in_proj_bias !== null) {
      constant_(this.in_proj_bias, 0);
      constant_(this.out_proj.bias as Parameter, 0);
    }
    if (this.bias_k !== null) xavierNormal_(this.bias_k);
    if (this.bias_v !== null) xavierNormal_(this.bias_v);
  }

  /**
   * query (L, E_q), key (S, E_k), value (S, E_v) unbatched, or with the batch at dim 1
   * (dim 0 with batchFirst). Returns [attn_output, attn_weights averaged over heads
   * (or per head) | null when needWeights is false].
   */
  override forward(query: Tensor, key: Tensor, value: Tensor, options?: MultiheadAttentionForwardOptions): [Tensor, Tensor | null];
  override forward(query: Tensor, key: Tensor, value: Tensor, ...rest: unknown[]): [Tensor, Tensor | null];
  override forward(...args: unknown[]): [Tensor, Tensor | null] {
    const a = moduleArgs('forward', FORWARD_SIG, args);
    const { keyPaddingMask, needWeights, attnMask, averageAttnWeights } = a;
    let [query, key, value] = [a.query as Tensor, a.key as Tensor, a.value as Tensor];
    const isBatched = query.ndim === 3;
    if (keyPaddingMask !== null && keyPaddingMask.dtype !== bool && !keyPaddingMask.dtype.isFloatingPoint) {
      throw new AssertionError('only bool and floating types of key_padding_mask are supported');
    }
    return tidy(() => {
      const transpose = this.batchFirst && isBatched;
      if (transpose) {
        // keep `key is value` / `query is key`: the functional form projects self-attention with one GEMM
        if (key === value) {
          if (query === key) query = key = value = query.transpose(1, 0);
          else {
            [query, key] = [query.transpose(1, 0), key.transpose(1, 0)];
            value = key;
          }
        } else {
          [query, key, value] = [query.transpose(1, 0), key.transpose(1, 0), value.transpose(1, 0)];
        }
      }
      const separate = !this._qkvSameEmbedDim;
      const [out, weights] = multiHeadAttentionForward(
        query, key, value, this.embedDim, this.numHeads, this.in_proj_weight, this.in_proj_bias,
        this.bias_k, this.bias_v, this.addZeroAttn, this.dropout, this.out_proj.weight, this.out_proj.bias,
        {
          training: this.training, keyPaddingMask, needWeights, attnMask, averageAttnWeights,
          ...(separate ? { useSeparateProjWeight: true, qProjWeight: this.q_proj_weight, kProjWeight: this.k_proj_weight, vProjWeight: this.v_proj_weight } : {}),
        },
      );
      return [transpose ? out.transpose(1, 0) : out, weights];
    });
  }
}
