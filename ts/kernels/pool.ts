// Driver of crate/src/abi/pool.rs: 2-d max and average pooling (windowed or adaptive)
// and their backward kernels, over contiguous [planes, H, W] operands.

import { K } from '../wasm/heap.js';
import type { Tensor } from '../tensor/tensor.js';
import { scratchI32 } from './scratch.js';
import { checkStatus } from './status.js';

export const POOL = { MAX: 0, MAX_BACKWARD: 1, AVG: 2, AVG_BACKWARD: 3 } as const;
/** Average pooling's divisor: the window's valid cells, its padded size, or a fixed value. */
export const DIV = { VALID: 0, PADDED: 1, FIXED: 2 } as const;

/** A pooling window: kernel size, stride, padding, dilation (height, width). */
export interface Window2d {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
}

/** The kernel's view of one call: planes of [h, w] in, [oh, ow] out; no window: adaptive. */
export interface PoolGeometry {
  planes: number;
  /** [h, w, oh, ow] */
  sizes: number[];
  window: Window2d | null;
  divMode?: number;
  divValue?: number;
}

function writeGeometry(g: PoolGeometry): number {
  const w = g.window;
  const win = w ? [w.k[0], w.k[1], w.s[0], w.s[1], w.p[0], w.p[1], w.d[0], w.d[1]] : [1, 1, 1, 1, 0, 0, 1, 1];
  return scratchI32([g.planes, ...g.sizes, ...win, w ? 0 : 1, g.divMode ?? 0, g.divValue ?? 0]);
}

/**
 * Pooling kernel `op` from x to y (forward: x is the input; backward: x is the output's
 * gradient and y the input's). idx holds the argmax positions of the max kernels.
 */
export function runPool(op: number, g: PoolGeometry, x: Tensor, y: Tensor, idx: Tensor | null, name: string): void {
  const desc = writeGeometry(g);
  if (y.numel() === 0 || x.numel() === 0) return;
  checkStatus(K.pool2d(op, x.dtype.code, desc, x._ptr, y._ptr, idx ? idx._ptr : 0), name);
}
