// Driver of crate/src/abi/resample.rs: the separable resampling kernel, interpolation
// along the trailing dims and the index-mapping pads (crate/src/kernels/resample.rs).

import { Tensor } from '../tensor/tensor.js';
import { RuntimeError } from '../tensor/shape.js';
import { K } from '../wasm/heap.js';
import { checkStatus } from './status.js';
import { contiguous } from '../tensor/copy.js';
import { fill } from './memory.js';
import { scratchF64 } from './scratch.js';

/** Axis modes, as kernels::resample::Mode::from_code reads them. */
export const AXIS = { NEAREST: 0, NEAREST_EXACT: 1, LINEAR: 2, CUBIC: 3, REFLECT: 4, REPLICATE: 5, CIRCULAR: 6 } as const;

/** One trailing axis: `len` inputs to `out` outputs. `param`: the scale factor given
 * (0: derive from the sizes) for interpolation, the leading pad for pads. */
export interface AxisSpec {
  mode: number;
  len: number;
  out: number;
  alignCorners?: boolean;
  param?: number;
}

function writeAxes(axes: readonly AxisSpec[]): number {
  const vals: number[] = [];
  for (const a of axes) vals.push(a.mode, a.len, a.out, a.alignCorners ? 1 : 0, a.param ?? 0);
  return scratchF64(vals);
}

function planesOf(shape: readonly number[], nd: number): number {
  return shape.slice(0, shape.length - nd).reduce((a, b) => a * b, 1);
}

function checkDtype(t: Tensor, op: string): void {
  if (t.dtype.name !== 'float32' && t.dtype.name !== 'float64') {
    throw new RuntimeError(`"${op}" not implemented for '${t.dtype.scalarName}'`);
  }
}

/** x resampled along its last axes.length dims. */
export function resampleForward(op: string, x: Tensor, axes: readonly AxisSpec[]): Tensor {
  checkDtype(x, op);
  const nd = axes.length;
  const shape = [...x._shape.slice(0, x.ndim - nd), ...axes.map((a) => a.out)];
  const out = Tensor._empty(shape, x.dtype);
  if (out.numel() === 0) return out;
  const xc = contiguous(x);
  checkStatus(K.resample(0, x.dtype.code, planesOf(x._shape, nd), nd, writeAxes(axes), xc._ptr, out._ptr), op);
  return out;
}

/** The gradient of resampleForward with respect to x (of shape inShape), given g. */
export function resampleBackward(op: string, g: Tensor, axes: readonly AxisSpec[], inShape: readonly number[]): Tensor {
  checkDtype(g, op);
  const out = Tensor._empty(inShape, g.dtype);
  if (out.numel() === 0) return out;
  const gc = contiguous(g);
  if (gc.numel() === 0) {
    fill(out, 0);
    return out;
  }
  checkStatus(K.resample(1, g.dtype.code, planesOf(inShape, axes.length), axes.length, writeAxes(axes), gc._ptr, out._ptr), op);
  return out;
}
