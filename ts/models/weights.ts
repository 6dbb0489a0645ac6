// Weights for a model: a state_dict, or the bytes of a `.pt` or `.safetensors` file.
// Nothing can be downloaded from a model hub here, so `weights` takes what the caller
// has; torch.hub.loadStateDictFromUrl fetches a file from a URL or path first.

import { Tensor } from '../tensor/tensor.js';
import { RuntimeError } from '../tensor/shape.js';
import type { Module } from '../nn/module.js';
import { load as loadPt } from '../serialize/torch_format.js';
import { load as loadSafetensors } from '../serialize/safetensors.js';

export type StateDictSource = Record<string, Tensor> | Map<string, Tensor> | Uint8Array | ArrayBuffer;

export interface ModelOptions {
  /** A state_dict, or a `.pt` / `.safetensors` file's bytes, loaded strictly into the model. */
  weights?: StateDictSource | null;
}

/** A zip or legacy pickle starts with 'PK' / 0x80; safetensors with its header length and '{'. */
function isSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 9) return false;
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return n > 0 && 8 + n <= bytes.length && bytes[8] === 0x7b;
}

/** The state_dict in a file's bytes (`.pt` written by torch.save, or `.safetensors`). */
export function stateDictFromBytes(source: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
  const sd = isSafetensors(bytes) ? loadSafetensors(bytes) : loadPt(bytes);
  if (sd === null || typeof sd !== 'object' || sd instanceof Tensor || Array.isArray(sd)) {
    throw new RuntimeError('weights: the file does not hold a state_dict (a dict of tensors)');
  }
  return sd as Record<string, Tensor>;
}

/** Loads `weights` into `model` (strict) and returns the model; file tensors are freed after copying. */
export function applyWeights<M extends Module>(model: M, weights: StateDictSource | null | undefined): M {
  if (weights === null || weights === undefined) return model;
  if (weights instanceof Uint8Array || weights instanceof ArrayBuffer) {
    const sd = stateDictFromBytes(weights);
    try {
      model.loadStateDict(sd);
    } finally {
      for (const t of Object.values(sd)) if (t instanceof Tensor) t.dispose();
    }
    return model;
  }
  model.loadStateDict(weights);
  return model;
}
