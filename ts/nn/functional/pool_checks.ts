// PyTorch 1.13's argument and shape checks of the pooling ops, in its order and
// words (ATen's pooling_output_shape, pool2d_shape_check, pool3d_shape_check), shared
// by the 1-d, 2-d and 3-d functional poolings. Running them before a kernel means the
// kernel never sees arguments PyTorch would refuse.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError, ValueError } from '../../tensor/shape.js';
import { sizesOf } from './aten_checks.js';
import { pyTypeName as pyType } from '../../ops/signature.js';

/** C++'s integer division (toward zero), as ATen's `kernel / 2`. */
const half = (k: number): number => Math.trunc(k / 2);

/** A 1-or-n list argument expanded to n values; `message` when it has another length. */
export function expandArg(v: readonly number[], n: number, message: string): number[] {
  if (v.length === 1) return new Array<number>(n).fill(v[0]);
  if (v.length !== n) throw new RuntimeError(message);
  return [...v];
}

/** ATen's pooling_output_shape: the output length of one axis, with its checks. */
export function poolingOutputShape(n: number, k: number, pad: number, s: number, d: number, ceil: boolean): number {
  if (s === 0) throw new RuntimeError('stride should not be zero');
  if (pad < 0) throw new RuntimeError(`pad must be non-negative, but got pad: ${pad}`);
  if (pad > half(k)) throw new RuntimeError(`pad should be at most half of kernel size, but got pad=${pad} and kernel_size=${k}`);
  let out = Math.floor((n + 2 * pad - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  // the last window must start inside the input or its left padding
  if (ceil && (out - 1) * s >= n + pad) out--;
  return out;
}

/** A regular pooling window per spatial axis (outer axis first). */
export interface PoolWindow {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  ceil: boolean;
}

/** The output lengths of the last k.length axes of `shape`. */
export function windowOutput(shape: readonly number[], w: PoolWindow): number[] {
  const nd = w.k.length;
  return w.k.map((k, i) => poolingOutputShape(shape[shape.length - nd + i], k, w.p[i], w.s[i], w.d[i], w.ceil));
}

/** ATen's pool2d_shape_check (NCHW): [OH, OW] already computed by windowOutput. */
export function pool2dShapeCheck(input: Tensor, w: PoolWindow, out: number[]): void {
  const [kH, kW] = w.k;
  const [dH, dW] = w.s;
  const [padH, padW] = w.p;
  const [dilH, dilW] = w.d;
  const shape = input.shape;
  const nd = shape.length;
  if (!(kW > 0 && kH > 0)) throw new RuntimeError(`kernel size should be greater than zero, but got kH: ${kH} kW: ${kW}`);
  if (!(dW > 0 && dH > 0)) throw new RuntimeError(`stride should be greater than zero, but got dH: ${dH} dW: ${dW}`);
  if (!(dilH > 0 && dilW > 0)) throw new RuntimeError(`dilation should be greater than zero, but got dilationH: ${dilH} dilationW: ${dilW}`);
  const validDims = shape[1] !== 0 && shape[2] !== 0;
  if (!((nd === 3 && shape[0] !== 0 && validDims) || (nd === 4 && validDims && shape[3] !== 0))) {
    throw new RuntimeError(`Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${sizesOf(shape)}`);
  }
  if (!(half(kW) >= padW && half(kH) >= padH)) {
    throw new RuntimeError(`pad should be smaller than or equal to half of kernel size, but got padW = ${padW}, padH = ${padH}, kW = ${kW}, kH = ${kH}`);
  }
  const [oh, ow] = out;
  if (!(ow >= 1 && oh >= 1)) {
    const [c, h, wd] = shape.slice(-3);
    throw new RuntimeError(`Given input size: (${c}x${h}x${wd}). Calculated output size: (${c}x${oh}x${ow}). Output size is too small`);
  }
}

/** ATen's pool3d_shape_check: [OT, OH, OW] already computed by windowOutput. */
export function pool3dShapeCheck(input: Tensor, w: PoolWindow, out: number[], fnName: string, checkInputSize: boolean): void {
  const [kT, kH, kW] = w.k;
  const [dT, dH, dW] = w.s;
  const [pT, pH, pW] = w.p;
  const [dilT, dilH, dilW] = w.d;
  const shape = input.shape;
  const nd = shape.length;
  if (!(kT > 0 && kW > 0 && kH > 0)) throw new RuntimeError(`kernel size should be greater than zero, but got kT: ${kT} kH: ${kH} kW: ${kW}`);
  if (!(dT > 0 && dW > 0 && dH > 0)) throw new RuntimeError(`stride should be greater than zero, but got dT: ${dT} dH: ${dH} dW: ${dW}`);
  if (!(dilT > 0 && dilW > 0 && dilH > 0)) {
    throw new RuntimeError(`dilation should be greater than zero, but got dilationT: ${dilT} dilationH: ${dilH} dilationW: ${dilW}`);
  }
  if (nd !== 4 && nd !== 5) throw new RuntimeError(`${fnName}: Expected 4D or 5D tensor for input, but got: ${sizesOf(shape)}`);
  for (let i = nd === 5 ? 1 : 0; i < nd; i++) {
    if (shape[i] <= 0) {
      throw new RuntimeError(
        `${fnName}: Expected input's non-batch dimensions to have positive length, but input has a shape of ${sizesOf(shape)} and non-batch dimension ${shape[i]} has length zero!`,
      );
    }
  }
  const [c, it, ih, iw] = shape.slice(-4);
  if (checkInputSize && !(it >= kT && ih >= kH && iw >= kW)) {
    throw new RuntimeError(`input image (T: ${it} H: ${ih} W: ${iw}) smaller than kernel size (kT: ${kT} kH: ${kH} kW: ${kW})`);
  }
  if (!(half(kT) >= pT && half(kW) >= pW && half(kH) >= pH)) {
    const eff = (k: number, d: number): number => (k - 1) * d + 1;
    throw new RuntimeError(
      `pad should be smaller than or equal to half of effective kernel size, but got padT: ${pT} padW: ${pW} padH: ${pH} effectiveKT: ${eff(kT, dilT)} effectiveKW: ${eff(kW, dilW)} effectiveKH: ${eff(kH, dilH)}`,
    );
  }
  const [ot, oh, ow] = out;
  if (!(ot >= 1 && ow >= 1 && oh >= 1)) {
    throw new RuntimeError(`Given input size: (${c}x${it}x${ih}x${iw}). Calculated output size: (${c}x${ot}x${oh}x${ow}). Output size is too small`);
  }
}

/**
 * torch.nn.functional's _list_with_default: an adaptive output_size whose None
 * entries take the input's size (an int stays an int).
 */
export function listWithDefault(op: string, v: unknown, input: Tensor): number | number[] {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (!Array.isArray(v)) throw new TypeError(`${op}(): argument 'output_size' (position 2) must be tuple of ints, not ${pyType(v)}`);
  if (input.ndim <= v.length) throw new ValueError(`Input dimension should be at least ${v.length + 1}`);
  const defaults = input.shape.slice(-v.length);
  return v.map((s, i) => {
    if (s === null || s === undefined) return defaults[i];
    if (typeof s !== 'number' || !Number.isInteger(s)) {
      throw new TypeError(`${op}(): argument 'output_size' must be tuple of ints, but found element of type ${pyType(s)} at pos ${i + 1}`);
    }
    return s;
  });
}

/** An int or int list output_size (no None) as a list, the way the aten op receives it. */
export function intList(op: string, v: unknown, n: number): number[] {
  if (typeof v === 'number' && Number.isInteger(v)) return new Array<number>(n).fill(v);
  if (Array.isArray(v) && v.every((s) => typeof s === 'number' && Number.isInteger(s))) return v as number[];
  const bad = Array.isArray(v) ? v.find((s) => typeof s !== 'number' || !Number.isInteger(s)) : v;
  throw new TypeError(`${op}(): argument 'output_size' (position 2) must be tuple of ints, not ${pyType(bad)}`);
}
