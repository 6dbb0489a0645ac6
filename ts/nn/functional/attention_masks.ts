// The masks of multi-head attention as PyTorch 1.13's multi_head_attention_forward
// checks and merges them: attn_mask (float, bool, deprecated byte; 2-d or 3-d) and the
// key padding mask become one additive float mask. Shared by the functional form and
// the encoder layer's fused inference path.

import type { Tensor } from '../../tensor/tensor.js';
import { AssertionError, RuntimeError, shapeEquals } from '../../tensor/shape.js';
import { bool, uint8, type DType } from '../../tensor/dtype.js';
import { zerosLike } from '../../ops/all.js';
import { pyRepr } from '../module_repr.js';

/** Python's str of a torch.Size. */
export const sizeStr = (shape: readonly number[]): string => `torch.Size([${shape.join(', ')}])`;

let warnedByteMask = false;

export function check(cond: boolean, message: () => string): void {
  if (!cond) throw new AssertionError(message());
}

/** _mha_shape_check's checks of the masks' ranks for a batched (3-d) query. */
export function checkBatchedMaskRanks(keyPaddingMask: Tensor | null, attnMask: Tensor | null): void {
  if (keyPaddingMask !== null) {
    check(keyPaddingMask.ndim === 2, () =>
      `For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${keyPaddingMask.ndim}-D tensor instead`);
  }
  if (attnMask !== null) {
    check(attnMask.ndim === 2 || attnMask.ndim === 3, () =>
      `For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.ndim}-D tensor instead`);
  }
}

/** attn_mask checked and made 3-d ([1 or bsz*heads, tgt, src]); a byte mask becomes bool (deprecated). */
export function prepareAttnMask(attnMask: Tensor, bsz: number, numHeads: number, tgtLen: number, srcLen: number): Tensor {
  let mask = attnMask;
  if (mask.dtype === uint8) {
    if (!warnedByteMask) {
      warnedByteMask = true;
      console.warn('UserWarning: Byte tensor for attn_mask in nn.MultiheadAttention is deprecated. Use bool tensor instead.');
    }
    mask = mask.to(bool);
  } else {
    check(mask.dtype.isFloatingPoint || mask.dtype === bool, () =>
      `Only float, byte, and bool types are supported for attn_mask, not torch.${mask.dtype.name}`);
  }
  if (mask.ndim === 2) {
    const expected = [tgtLen, srcLen];
    if (!shapeEquals(mask.shape, expected)) {
      throw new RuntimeError(`The shape of the 2D attn_mask is ${sizeStr(mask.shape)}, but should be ${pyRepr(expected)}.`);
    }
    return mask.unsqueeze(0);
  }
  if (mask.ndim === 3) {
    const expected = [bsz * numHeads, tgtLen, srcLen];
    if (!shapeEquals(mask.shape, expected)) {
      throw new RuntimeError(`The shape of the 3D attn_mask is ${sizeStr(mask.shape)}, but should be ${pyRepr(expected)}.`);
    }
    return mask;
  }
  throw new RuntimeError(`attn_mask's dimension ${mask.ndim} is not supported`);
}

/**
 * One additive float mask of q's dtype, [1 or bsz*heads, tgt or 1, src]: the key
 * padding mask broadcast over heads and target positions, merged into attn_mask (bool
 * masks become -inf where true), or null.
 */
export function mergeMasks(attnMaskIn: Tensor | null, keyPaddingMask: Tensor | null, bsz: number, numHeads: number, srcLen: number, dtype: DType): Tensor | null {
  let attnMask = attnMaskIn;
  if (keyPaddingMask !== null) {
    const kpm = keyPaddingMask;
    check(shapeEquals(kpm.shape, [bsz, srcLen]), () => `expecting key_padding_mask shape of ${pyRepr([bsz, srcLen])}, but got ${sizeStr(kpm.shape)}`);
    const expanded = kpm.view(bsz, 1, 1, srcLen).expand(-1, numHeads, -1, -1).reshape(bsz * numHeads, 1, srcLen);
    if (attnMask === null) attnMask = expanded;
    else if (attnMask.dtype === bool) attnMask = attnMask.logicalOr(expanded);
    else attnMask = attnMask.maskedFill(expanded, -Infinity);
  }
  if (attnMask !== null && attnMask.dtype === bool) {
    attnMask = zerosLike(attnMask, { dtype }).maskedFill_(attnMask, -Infinity);
  }
  // PyTorch's baddbmm casts `self` to the product's dtype (a float64 mask on float32 input)
  if (attnMask !== null && attnMask.dtype !== dtype) attnMask = attnMask.to(dtype);
  return attnMask;
}

/** A merged mask [1 or bsz*heads, tgt or 1, src] as [1 or bsz, 1 or heads, tgt or 1, src] (a view). */
export function perHead(mask: Tensor, bsz: number, numHeads: number, srcLen: number): Tensor {
  return mask.shape[0] === 1 ? mask.unsqueeze(0) : mask.reshape(bsz, numHeads, mask.shape[1], srcLen);
}

/**
 * The one additive mask of a batched self-attention over bsz sequences of seqLen
 * positions, as the fused kernels read it: [1 or bsz, 1 or heads, seqLen or 1, seqLen]
 * of dtype, or null. Checks the masks as multiHeadAttentionForward does, in its order
 * and with its messages (the encoder layer's fast path).
 */
export function selfAttentionMask(
  bsz: number, seqLen: number, numHeads: number, attnMask: Tensor | null, keyPaddingMask: Tensor | null, dtype: DType,
): Tensor | null {
  checkBatchedMaskRanks(keyPaddingMask, attnMask);
  const prepared = attnMask === null ? null : prepareAttnMask(attnMask, bsz, numHeads, seqLen, seqLen);
  const mask = mergeMasks(prepared, keyPaddingMask, bsz, numHeads, seqLen, dtype);
  return mask === null ? null : perHead(mask, bsz, numHeads, seqLen);
}
