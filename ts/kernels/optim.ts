// Driver of crate/src/abi/optim.rs: SGD's and Adam(W)'s whole update for one parameter
// in one kernel call, computing PyTorch's single-tensor float operations (fused
// multiply-adds included) so results match PyTorch 1.13 bit for bit. Used for
// contiguous float32 operands of one size; the optimizers use their composed ops for
// anything else. float64 has kernels too, but wasm has no fused multiply-add for
// doubles and the software one makes them ~10x slower than the composed ops.

import { K } from '../wasm/heap.js';
import type { Tensor } from '../tensor/tensor.js';
import { float32 } from '../tensor/dtype.js';
import { checkStatus } from './status.js';

// flags of crate/src/kernels/optim.rs
export const MAXIMIZE = 1;
export const NESTEROV = 2;
export const FIRST_STEP = 4;
export const AMSGRAD = 8;
export const DECOUPLED = 16;

/**
 * Whether the fused kernels should update `p` with these operands: all contiguous,
 * float32, p's size, each in its own storage (no aliasing).
 */
export function fusable(p: Tensor, operands: readonly Tensor[]): boolean {
  if (p.dtype !== float32 || !p.isContiguous()) return false;
  const n = p.numel();
  const storages = new Set([p._s]);
  for (const t of operands) {
    if (t.dtype !== p.dtype || t.numel() !== n || !t.isContiguous() || storages.has(t._s)) return false;
    storages.add(t._s);
  }
  return true;
}

/** In-place writes count as a new version for autograd's saved-tensor checks. */
function touched(...ts: (Tensor | null)[]): void {
  for (const t of ts) if (t) t._s.version++;
}

export interface SgdStep {
  flags: number;
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
}

/** One SGD step of p (and its momentum buffer, which FIRST_STEP fills with the gradient). */
export function sgdStep(p: Tensor, g: Tensor, buf: Tensor | null, a: SgdStep): void {
  checkStatus(K.optim_sgd(p.dtype.code, p.numel(), p._ptr, g._ptr, buf ? buf._ptr : 0, a.flags, a.lr, a.momentum, a.dampening, a.weightDecay), 'SGD');
  touched(p, buf);
}

export interface AdamStep {
  flags: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** lr / (1 - beta1^step) */
  stepSize: number;
  /** sqrt(1 - beta2^step) */
  biasCorrection2Sqrt: number;
}

/** One Adam / AdamW step of p and its moments (and max_exp_avg_sq with AMSGRAD). */
export function adamStep(p: Tensor, g: Tensor, m: Tensor, v: Tensor, vmax: Tensor | null, a: AdamStep): void {
  checkStatus(
    K.optim_adam(
      p.dtype.code, p.numel(), p._ptr, g._ptr, m._ptr, v._ptr, vmax ? vmax._ptr : 0, a.flags,
      a.lr, a.beta1, a.beta2, a.eps, a.weightDecay, a.stepSize, a.biasCorrection2Sqrt,
    ),
    a.flags & DECOUPLED ? 'AdamW' : 'Adam',
  );
  touched(p, m, v, vmax);
}
