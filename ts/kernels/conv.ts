// Driver of crate/src/abi/conv.rs: 1-d and 2-d convolution kernels (forward, data
// gradient, weight gradient) over contiguous operands. 1-d runs as 2-d on [.., 1, L].

import { K } from '../wasm/heap.js';
import type { Tensor } from '../tensor/tensor.js';
import { scratchI32 } from './scratch.js';
import { checkStatus } from './status.js';

/** The three kernels, each named for the ordinary convolution x -> y it belongs to. */
export const CONV = {
  /** y from x and the weight (plus bias). */
  FORWARD: 0,
  /** x-shaped gradient from a y-shaped one and the weight. */
  BACKWARD_DATA: 1,
  /** weight gradient from a y-shaped gradient and x. */
  BACKWARD_WEIGHT: 2,
} as const;

/** Hyper-parameters, one entry per spatial dim. */
export interface ConvParams {
  stride: number[];
  padding: number[];
  dilation: number[];
  groups: number;
}

/** 2-d view of 1-d shapes: [N, C, L] -> [N, C, 1, L]; params get a leading 1 (0 for padding). */
const as2d = (s: readonly number[]): number[] => (s.length === 3 ? [s[0], s[1], 1, s[2]] : [...s]);
const p2d = (v: number[], fill: number): number[] => (v.length === 1 ? [fill, v[0]] : v);

/**
 * Writes the kernel geometry of the ordinary convolution whose input is `x` [N, G*C, H, W]
 * and output `y` [N, G*OC, OH, OW] (shapes, 1-d or 2-d), weight [G*OC, C, KH, KW].
 */
function writeGeom(x: readonly number[], y: readonly number[], w: readonly number[], h: ConvParams): number {
  const [n, cin, hh, ww] = as2d(x);
  const [, cout, oh, ow] = as2d(y);
  const [, , kh, kw] = as2d(w);
  const g = h.groups;
  const [sh, sw] = p2d(h.stride, 1);
  const [ph, pw] = p2d(h.padding, 0);
  const [dh, dw] = p2d(h.dilation, 1);
  return scratchI32([n, g, cin / g, hh, ww, cout / g, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw]);
}

/**
 * Runs kernel `kind` of the ordinary convolution with input shape x, output shape y
 * and weight shape w: out = kind(a, b) (+ bias), all contiguous and of out's dtype.
 */
export function runConv(
  kind: number, h: ConvParams, x: readonly number[], y: readonly number[], w: readonly number[],
  a: Tensor, b: Tensor, bias: Tensor | null, out: Tensor,
): void {
  const geom = writeGeom(x, y, w, h);
  if (out.numel() === 0) return;
  checkStatus(K.conv2d(kind, out.dtype.code, geom, a._ptr, b._ptr, bias ? bias._ptr : 0, out._ptr), 'convolution');
}
