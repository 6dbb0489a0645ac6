// The Transformer family of PyTorch 1.13 (torch/nn/modules/transformer.py):
// TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder,
// TransformerDecoder and Transformer, with PyTorch's submodule names and order (so
// state_dicts load), initialisation streams, masks and checks.
//
// PyTorch 1.13 has a fused inference kernel for the encoder layer; ours
// (transformer_fastpath.ts) runs whenever no gradient is wanted from a standard
// batch-first layer in eval mode, and agrees with the op-by-op path within rounding.
// The nested-tensor path of TransformerEncoder changes results, though: there the
// padded positions come back as zeros and the sequence is cut to the longest unpadded
// length, and that is reproduced (see TransformerEncoder.forward).

import type { Tensor } from '../../tensor/tensor.js';
import { AssertionError, RuntimeError } from '../../tensor/shape.js';
import { bool, type DType } from '../../tensor/dtype.js';
import { tidy } from '../../tensor/scope.js';
import { arange, full, triu } from '../../ops/all.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { pyTypeName } from '../../ops/signature.js';
import { Module } from '../module.js';
import { ModuleList } from '../containers.js';
import { cloneModule } from '../clone.js';
import { xavierUniform_ } from '../init.js';
import { relu, gelu } from '../functional/activation.js';
import { warnOnce } from '../functional/warn.js';
import { moduleArgs } from './args.js';
import { checkDevice, type FactoryOptions } from './factory.js';
import { MultiheadAttention } from './attention.js';
import { Linear } from './linear.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './normalization.js';
import { ReLU, GELU } from './activation.js';
import { encoderLayerFastPath, whyNotFastPath } from './transformer_fastpath.js';

/** What `activation` may be: 'relu', 'gelu', or a function / module of one tensor. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

export interface TransformerLayerOptions extends FactoryOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: TransformerActivation;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
}

export interface TransformerEncoderLayerForwardOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
}

export interface TransformerDecoderForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
}

export interface TransformerEncoderForwardOptions {
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
}

export interface TransformerOptions extends TransformerLayerOptions {
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  customEncoder?: Module | null;
  customDecoder?: Module | null;
}

export interface TransformerForwardOptions extends TransformerDecoderForwardOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
}

const LAYER_SIG =
  "int d_model, int nhead, int dim_feedforward=2048, float dropout=0.1, Any activation='relu', " +
  'float layer_norm_eps=1e-05, bool batch_first=False, bool norm_first=False, Device? device=None, ScalarType? dtype=None';

/** PyTorch's _get_activation_fn for a string; anything else is used as given. */
function activationFn(activation: unknown): unknown {
  if (typeof activation !== 'string') return activation;
  if (activation === 'relu') return relu;
  if (activation === 'gelu') return gelu;
  throw new RuntimeError(`activation should be relu/gelu, not ${activation}`);
}

function applyActivation(activation: unknown, x: Tensor): Tensor {
  if (typeof activation !== 'function') throw new TypeError(`'${pyTypeName(activation)}' object is not callable`);
  return (activation as (x: Tensor) => Tensor)(x);
}

/** PyTorch's key padding mask dtype check of the encoder forwards. */
function checkKeyPaddingMaskDtype(mask: Tensor | null): void {
  if (mask !== null && mask.dtype !== bool && !mask.dtype.isFloatingPoint) {
    throw new AssertionError('only bool and floating types of key_padding_mask are supported');
  }
}

/** PyTorch's _get_clones: a ModuleList of n deep copies of module. */
function getClones(module: unknown, n: number): ModuleList {
  if (!(module instanceof Module)) throw new TypeError(`${pyTypeName(module)} is not a Module subclass`);
  return new ModuleList(Array.from({ length: n }, () => cloneModule(module)));
}

/**
 * Self-attention and a feed-forward network, each with a residual connection and a
 * LayerNorm (after the sum, or before the block with normFirst).
 *
 * @example
 * const layer = new nn.TransformerEncoderLayer(512, 8, { batchFirst: true });
 * const out = layer(torch.rand(32, 10, 512), { srcMask: nn.Transformer.generateSquareSubsequentMask(10) });
 */
export class TransformerEncoderLayer extends Module<[src: Tensor, ...rest: unknown[]], Tensor> {
  declare self_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare normFirst: boolean;
  /** 1 for relu, 2 for gelu, 0 for another activation (PyTorch's activation_relu_or_gelu). */
  declare activationReluOrGelu: number;
  declare activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, options?: TransformerLayerOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('TransformerEncoderLayer', LAYER_SIG, args);
    checkDevice('TransformerEncoderLayer', a.device);
    const dtype = a.dtype as DType | null;
    this.self_attn = new MultiheadAttention(a.dModel, a.nhead, { dropout: a.dropout, batchFirst: a.batchFirst, dtype });
    this.linear1 = new Linear(a.dModel, a.dimFeedforward, { dtype });
    this.dropout = new Dropout(a.dropout);
    this.linear2 = new Linear(a.dimFeedforward, a.dModel, { dtype });
    this.normFirst = a.normFirst;
    this.norm1 = new LayerNorm(a.dModel, { eps: a.layerNormEps, dtype });
    this.norm2 = new LayerNorm(a.dModel, { eps: a.layerNormEps, dtype });
    this.dropout1 = new Dropout(a.dropout);
    this.dropout2 = new Dropout(a.dropout);
    const activation = activationFn(a.activation);
    if (activation === relu || activation instanceof ReLU) this.activationReluOrGelu = 1;
    else if (activation === gelu || activation instanceof GELU) this.activationReluOrGelu = 2;
    else this.activationReluOrGelu = 0;
    this.activation = activation as (x: Tensor) => Tensor; // a module activation registers as a child
  }

  /**
   * src: (S, N, E), (N, S, E) with batchFirst, or unbatched (S, E). srcMask: (S, S) or
   * (N * nhead, S, S), bool (true = not allowed) or float (added); srcKeyPaddingMask:
   * (N, S) or (S), bool (true = padding) or float.
   */
  override forward(src: Tensor, options?: TransformerEncoderLayerForwardOptions): Tensor;
  override forward(src: Tensor, ...rest: unknown[]): Tensor;
  override forward(...args: unknown[]): Tensor {
    const a = moduleArgs('forward', 'Tensor src, Tensor? src_mask=None, Tensor? src_key_padding_mask=None', args);
    const src = a.src as Tensor;
    const srcMask = a.srcMask as Tensor | null;
    const keyPaddingMask = a.srcKeyPaddingMask as Tensor | null;
    checkKeyPaddingMaskDtype(keyPaddingMask);
    return tidy(() => {
      if (whyNotFastPath(this, src, srcMask, keyPaddingMask) === '') return encoderLayerFastPath(this, src, srcMask, keyPaddingMask);
      let x = src;
      if (this.normFirst) {
        x = x.add(this._saBlock(this.norm1(x), srcMask, keyPaddingMask));
        x = x.add(this._ffBlock(this.norm2(x)));
      } else {
        x = this.norm1(x.add(this._saBlock(x, srcMask, keyPaddingMask)));
        x = this.norm2(x.add(this._ffBlock(x)));
      }
      return x;
    });
  }

  /** Self-attention block. */
  _saBlock(x: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    const [out] = this.self_attn(x, x, x, { attnMask, keyPaddingMask, needWeights: false });
    return this.dropout1(out);
  }

  /** Feed-forward block. */
  _ffBlock(x: Tensor): Tensor {
    const h = this.linear2(this.dropout(applyActivation(this.activation, this.linear1(x))));
    return this.dropout2(h);
  }
}

/**
 * Self-attention, attention over the encoder's output (memory) and a feed-forward
 * network, each with a residual connection and a LayerNorm.
 *
 * @example
 * const layer = new nn.TransformerDecoderLayer(512, 8);
 * const out = layer(torch.rand(20, 32, 512), memory, { tgtMask });
 */
export class TransformerDecoderLayer extends Module<[tgt: Tensor, memory: Tensor, ...rest: unknown[]], Tensor> {
  declare self_attn: MultiheadAttention;
  declare multihead_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare norm3: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare dropout3: Dropout;
  declare normFirst: boolean;
  declare activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, options?: TransformerLayerOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('TransformerDecoderLayer', LAYER_SIG, args);
    checkDevice('TransformerDecoderLayer', a.device);
    const dtype = a.dtype as DType | null;
    this.self_attn = new MultiheadAttention(a.dModel, a.nhead, { dropout: a.dropout, batchFirst: a.batchFirst, dtype });
    this.multihead_attn = new MultiheadAttention(a.dModel, a.nhead, { dropout: a.dropout, batchFirst: a.batchFirst, dtype });
    this.linear1 = new Linear(a.dModel, a.dimFeedforward, { dtype });
    this.dropout = new Dropout(a.dropout);
    this.linear2 = new Linear(a.dimFeedforward, a.dModel, { dtype });
    this.normFirst = a.normFirst;
    this.norm1 = new LayerNorm(a.dModel, { eps: a.layerNormEps, dtype });
    this.norm2 = new LayerNorm(a.dModel, { eps: a.layerNormEps, dtype });
    this.norm3 = new LayerNorm(a.dModel, { eps: a.layerNormEps, dtype });
    this.dropout1 = new Dropout(a.dropout);
    this.dropout2 = new Dropout(a.dropout);
    this.dropout3 = new Dropout(a.dropout);
    this.activation = activationFn(a.activation) as (x: Tensor) => Tensor;
  }

  /**
   * tgt: (T, N, E) / (N, T, E) with batchFirst / (T, E); memory: (S, N, E) / (N, S, E) /
   * (S, E). tgtMask (T, T), memoryMask (T, S); key padding masks (N, T) and (N, S).
   */
  override forward(tgt: Tensor, memory: Tensor, options?: TransformerDecoderForwardOptions): Tensor;
  override forward(tgt: Tensor, memory: Tensor, ...rest: unknown[]): Tensor;
  override forward(...args: unknown[]): Tensor {
    const a = moduleArgs('forward', DECODER_FORWARD_SIG, args);
    const [tgt, memory] = [a.tgt as Tensor, a.memory as Tensor];
    const { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask } = a;
    return tidy(() => {
      let x = tgt;
      if (this.normFirst) {
        x = x.add(this._saBlock(this.norm1(x), tgtMask, tgtKeyPaddingMask));
        x = x.add(this._mhaBlock(this.norm2(x), memory, memoryMask, memoryKeyPaddingMask));
        x = x.add(this._ffBlock(this.norm3(x)));
      } else {
        x = this.norm1(x.add(this._saBlock(x, tgtMask, tgtKeyPaddingMask)));
        x = this.norm2(x.add(this._mhaBlock(x, memory, memoryMask, memoryKeyPaddingMask)));
        x = this.norm3(x.add(this._ffBlock(x)));
      }
      return x;
    });
  }

  /** Self-attention block. */
  _saBlock(x: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    const [out] = this.self_attn(x, x, x, { attnMask, keyPaddingMask, needWeights: false });
    return this.dropout1(out);
  }

  /** Attention over the memory. */
  _mhaBlock(x: Tensor, mem: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    const [out] = this.multihead_attn(x, mem, mem, { attnMask, keyPaddingMask, needWeights: false });
    return this.dropout2(out);
  }

  /** Feed-forward block. */
  _ffBlock(x: Tensor): Tensor {
    const h = this.linear2(this.dropout(applyActivation(this.activation, this.linear1(x))));
    return this.dropout3(h);
  }
}

const DECODER_FORWARD_SIG =
  'Tensor tgt, Tensor memory, Tensor? tgt_mask=None, Tensor? memory_mask=None, ' +
  'Tensor? tgt_key_padding_mask=None, Tensor? memory_key_padding_mask=None';

/**
 * Why PyTorch 1.13's TransformerEncoder would not take its nested-tensor path for this
 * call ('' when it would): the conditions of its forward, in its order.
 */
function whyNotNestedPath(enc: TransformerEncoder, src: Tensor, mask: Tensor | null, keyPaddingMask: Tensor | null, padded: () => Tensor): string {
  const first = enc.layers.at(0);
  if (!(first instanceof TransformerEncoderLayer)) return 'self.layers[0] was not TransformerEncoderLayer';
  const attn = first.self_attn;
  if (first.normFirst) return 'self.layers[0].norm_first was True';
  if (first.training) return 'self.layers[0] was in training mode';
  if (!attn.batchFirst) return 'self.layers[0].self_attn.batch_first was not True';
  if (!attn._qkvSameEmbedDim) return 'self.layers[0].self_attn._qkv_same_embed_dim was not True';
  if (!first.activationReluOrGelu) return 'self.layers[0].activation_relu_or_gelu was not True';
  if (first.norm1.eps !== first.norm2.eps) return 'self.layers[0].norm1.eps was not equal to self.layers[0].norm2.eps';
  if (src.ndim !== 3) return `input not batched; expected src.dim() of 3 but got ${src.ndim}`;
  if (!enc.enableNestedTensor) return 'enable_nested_tensor was not True';
  if (keyPaddingMask === null) return 'src_key_padding_mask was None';
  if (enc.maskCheck && !isLeftAligned(padded())) return 'mask_check enabled, and src and src_key_padding_mask was not left aligned';
  if (mask !== null) return 'src_key_padding_mask and mask were both supplied';
  if (attn.numHeads % 2 === 1) return 'num_head is odd';
  const tensorArgs = [
    src, attn.in_proj_weight, attn.in_proj_bias, attn.out_proj.weight, attn.out_proj.bias, first.norm1.weight,
    first.norm1.bias, first.norm2.weight, first.norm2.bias, first.linear1.weight, first.linear1.bias,
    first.linear2.weight, first.linear2.bias,
  ];
  if (isGradEnabled() && tensorArgs.some((t) => t !== null && t.requiresGrad)) {
    return 'grad is enabled and at least one of query or the input/output projection weights or biases requires_grad';
  }
  return '';
}

/** Whether every row of padded (N, S) is some unpadded positions followed only by padding. */
function isLeftAligned(padded: Tensor): boolean {
  if (padded.shape[1] < 2) return true;
  return tidy(() => !padded.narrow(1, 0, padded.shape[1] - 1).logicalAnd(padded.narrow(1, 1, padded.shape[1] - 1).logicalNot()).any().item());
}

/**
 * A stack of numLayers deep copies of encoderLayer, then an optional norm.
 *
 * @example
 * const layer = new nn.TransformerEncoderLayer(512, 8);
 * const encoder = new nn.TransformerEncoder(layer, 6);
 * const out = encoder(torch.rand(10, 32, 512));
 */
export class TransformerEncoder extends Module<[src: Tensor, ...rest: unknown[]], Tensor> {
  declare layers: ModuleList;
  declare numLayers: number;
  declare norm: Module | null;
  declare enableNestedTensor: boolean;
  declare maskCheck: boolean;

  constructor(encoderLayer: Module, numLayers: number, options?: { norm?: Module | null; enableNestedTensor?: boolean; maskCheck?: boolean });
  constructor(encoderLayer: Module, numLayers: number, norm?: Module | null, enableNestedTensor?: boolean, maskCheck?: boolean);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs(
      'TransformerEncoder',
      'Module encoder_layer, int num_layers, Module? norm=None, bool enable_nested_tensor=True, bool mask_check=True',
      args,
    );
    this.layers = getClones(a.encoderLayer, a.numLayers);
    this.numLayers = a.numLayers;
    this.norm = a.norm;
    this.enableNestedTensor = a.enableNestedTensor;
    this.maskCheck = a.maskCheck;
  }

  /**
   * src: (S, N, E) / (N, S, E) with batchFirst / (S, E); mask (S, S); srcKeyPaddingMask (N, S).
   *
   * In eval mode without gradients, with batchFirst layers, a key padding mask and no
   * mask, PyTorch 1.13 packs the unpadded tokens into a nested tensor and pads the
   * result back: the output then has the longest unpadded length and zeros at padded
   * positions (before the final norm). That result is given here under the same
   * conditions.
   */
  override forward(src: Tensor, options?: TransformerEncoderForwardOptions): Tensor;
  override forward(src: Tensor, ...rest: unknown[]): Tensor;
  override forward(...args: unknown[]): Tensor {
    const a = moduleArgs('forward', 'Tensor src, Tensor? mask=None, Tensor? src_key_padding_mask=None', args);
    const src = a.src as Tensor;
    const mask = a.mask as Tensor | null;
    const keyPaddingMask = a.srcKeyPaddingMask as Tensor | null;
    checkKeyPaddingMaskDtype(keyPaddingMask);
    return tidy(() => {
      let paddedCache: Tensor | null = null;
      // positions PyTorch's nested path drops: a float mask's nonzero entries too
      const padded = (): Tensor => (paddedCache ??= keyPaddingMask!.dtype === bool ? keyPaddingMask! : keyPaddingMask!.ne(0));
      const nested = whyNotNestedPath(this, src, mask, keyPaddingMask, padded) === '';
      let layerPadding = keyPaddingMask;
      let lengths: Tensor | null = null;
      if (nested) {
        warnOnce('The PyTorch API of nested tensors is in prototype stage and will change in the near future.');
        // the nested tensor holds the first (number of unpadded positions) tokens of each
        // sequence (the mask is taken to be left-aligned, checked or not)
        lengths = padded().logicalNot().sum({ dim: 1 });
        layerPadding = arange(src.shape[1]).unsqueeze(0).ge(lengths.unsqueeze(1));
      }
      let output = src;
      for (const layer of this.layers) output = layer(output, { srcMask: mask, srcKeyPaddingMask: layerPadding });
      if (lengths !== null) {
        // to_padded_tensor(0.): the longest sequence's length, zeros after each sequence's end
        const longest = lengths.max().item() as number;
        output = output.narrow(1, 0, longest).maskedFill(layerPadding!.narrow(1, 0, longest).unsqueeze(-1), 0);
      }
      if (this.norm !== null) output = this.norm(output);
      return output;
    });
  }
}

/**
 * A stack of numLayers deep copies of decoderLayer, then an optional norm.
 *
 * @example
 * const decoder = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(512, 8), 6);
 * const out = decoder(tgt, memory, { tgtMask });
 */
export class TransformerDecoder extends Module<[tgt: Tensor, memory: Tensor, ...rest: unknown[]], Tensor> {
  declare layers: ModuleList;
  declare numLayers: number;
  declare norm: Module | null;

  constructor(decoderLayer: Module, numLayers: number, options?: { norm?: Module | null });
  constructor(decoderLayer: Module, numLayers: number, norm?: Module | null);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('TransformerDecoder', 'Module decoder_layer, int num_layers, Module? norm=None', args);
    this.layers = getClones(a.decoderLayer, a.numLayers);
    this.numLayers = a.numLayers;
    this.norm = a.norm;
  }

  override forward(tgt: Tensor, memory: Tensor, options?: TransformerDecoderForwardOptions): Tensor;
  override forward(tgt: Tensor, memory: Tensor, ...rest: unknown[]): Tensor;
  override forward(...args: unknown[]): Tensor {
    const a = moduleArgs('forward', DECODER_FORWARD_SIG, args);
    const { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask } = a;
    return tidy(() => {
      let output = a.tgt as Tensor;
      for (const layer of this.layers) {
        output = layer(output, a.memory, { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask });
      }
      if (this.norm !== null) output = this.norm(output);
      return output;
    });
  }
}

const TRANSFORMER_SIG =
  'int d_model=512, int nhead=8, int num_encoder_layers=6, int num_decoder_layers=6, int dim_feedforward=2048, ' +
  "float dropout=0.1, Any activation='relu', Module? custom_encoder=None, Module? custom_decoder=None, " +
  'float layer_norm_eps=1e-05, bool batch_first=False, bool norm_first=False, Device? device=None, ScalarType? dtype=None';

/**
 * The Transformer of "Attention Is All You Need": an encoder and a decoder stack.
 *
 * @example
 * const model = new nn.Transformer({ nhead: 16, numEncoderLayers: 12 });
 * const out = model(torch.rand(10, 32, 512), torch.rand(20, 32, 512));
 */
export class Transformer extends Module<[src: Tensor, tgt: Tensor, ...rest: unknown[]], Tensor> {
  declare encoder: Module;
  declare decoder: Module;
  declare dModel: number;
  declare nhead: number;
  declare batchFirst: boolean;

  constructor(options?: TransformerOptions);
  constructor(dModel?: number, nhead?: number, options?: TransformerOptions);
  /** Every argument by name: PyTorch's keyword form, `new Cls({ inFeatures: 4, outFeatures: 2 })`. */
  constructor(kwargs: Record<string, unknown>);
  constructor(...args: unknown[]) {
    super();
    const a = moduleArgs('Transformer', TRANSFORMER_SIG, args);
    checkDevice('Transformer', a.device);
    const dtype = a.dtype as DType | null;
    const layerOptions = {
      dimFeedforward: a.dimFeedforward, dropout: a.dropout, activation: a.activation, layerNormEps: a.layerNormEps,
      batchFirst: a.batchFirst, normFirst: a.normFirst, dtype,
    };
    if (a.customEncoder !== null) {
      this.encoder = a.customEncoder;
    } else {
      const encoderLayer = new TransformerEncoderLayer(a.dModel, a.nhead, layerOptions);
      const encoderNorm = new LayerNorm(a.dModel, { eps: a.layerNormEps, dtype });
      this.encoder = new TransformerEncoder(encoderLayer, a.numEncoderLayers, encoderNorm);
      encoderLayer.dispose(); // only its copies are kept (PyTorch's leaves it to the garbage collector)
    }
    if (a.customDecoder !== null) {
      this.decoder = a.customDecoder;
    } else {
      const decoderLayer = new TransformerDecoderLayer(a.dModel, a.nhead, layerOptions);
      const decoderNorm = new LayerNorm(a.dModel, { eps: a.layerNormEps, dtype });
      this.decoder = new TransformerDecoder(decoderLayer, a.numDecoderLayers, decoderNorm);
      decoderLayer.dispose();
    }
    this._resetParameters();
    this.dModel = a.dModel;
    this.nhead = a.nhead;
    this.batchFirst = a.batchFirst;
  }

  /**
   * src: (S, N, E) / (N, S, E) with batchFirst / (S, E); tgt: (T, N, E) / (N, T, E) / (T, E).
   * Masks: srcMask (S, S), tgtMask (T, T), memoryMask (T, S); key padding masks (N, S),
   * (N, T), (N, S). Returns (T, N, E) / (N, T, E) / (T, E).
   */
  override forward(src: Tensor, tgt: Tensor, options?: TransformerForwardOptions): Tensor;
  override forward(src: Tensor, tgt: Tensor, ...rest: unknown[]): Tensor;
  override forward(...args: unknown[]): Tensor {
    const a = moduleArgs(
      'forward',
      'Tensor src, Tensor tgt, Tensor? src_mask=None, Tensor? tgt_mask=None, Tensor? memory_mask=None, ' +
        'Tensor? src_key_padding_mask=None, Tensor? tgt_key_padding_mask=None, Tensor? memory_key_padding_mask=None',
      args,
    );
    const [src, tgt] = [a.src as Tensor, a.tgt as Tensor];
    const isBatched = src.dim() === 3;
    if (!this.batchFirst && src.size(1) !== tgt.size(1) && isBatched) {
      throw new RuntimeError('the batch number of src and tgt must be equal');
    } else if (this.batchFirst && src.size(0) !== tgt.size(0) && isBatched) {
      throw new RuntimeError('the batch number of src and tgt must be equal');
    }
    if (src.size(-1) !== this.dModel || tgt.size(-1) !== this.dModel) {
      throw new RuntimeError('the feature number of src and tgt must be equal to d_model');
    }
    return tidy(() => {
      const memory = this.encoder(src, { mask: a.srcMask, srcKeyPaddingMask: a.srcKeyPaddingMask });
      return this.decoder(tgt, memory, {
        tgtMask: a.tgtMask, memoryMask: a.memoryMask, tgtKeyPaddingMask: a.tgtKeyPaddingMask,
        memoryKeyPaddingMask: a.memoryKeyPaddingMask,
      });
    });
  }

  /**
   * A float (sz, sz) mask for causal attention: -inf above the diagonal, 0 elsewhere.
   * @example nn.Transformer.generateSquareSubsequentMask(3)
   * // tensor([[0., -inf, -inf], [0., 0., -inf], [0., 0., 0.]])
   */
  static generateSquareSubsequentMask(sz: number, device: string | null = 'cpu'): Tensor {
    checkDevice('generate_square_subsequent_mask', device);
    return tidy(() => triu(full([sz, sz], -Infinity), { diagonal: 1 }) as Tensor);
  }

  /** PyTorch's _reset_parameters: xavier_uniform_ on every parameter of more than one dim. */
  _resetParameters(): void {
    for (const p of this.parameters()) if (p.dim() > 1) xavierUniform_(p);
  }
}
