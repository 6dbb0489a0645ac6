// max/min in their three forms (all elements; along a dim with indices; two tensors),
// amax/amin, argmax/argmin and aminmax, with PyTorch's gradients: the whole-tensor
// forms spread the gradient evenly over ties, the dim forms send it to the selected
// index, amax/amin spread it evenly over the ties of each slice.

import { Tensor } from '../../tensor/tensor.js';
import { normalizeDim, RuntimeError, IndexError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { RED, ARG } from '../../kernels/codes.js';
import { reducePlan, reducedDims, runReduce, runReduceArg } from '../../kernels/reduce.js';
import { unsqueezeReduced, sum } from './reduce.js';
import { eqMask, isnanMask, asDtype, maximum, minimum } from './math.js';
import { namedPair, NamedPair, withTupleOut, installMethod, splitOptions, hasDimArg } from './tuple.js';
import { zeros } from '../creation/factories.js';
import { scatter } from '../indexing/gather.js';
import type { OpAny } from '../types.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    max: OpAny; min: OpAny; aminmax: OpAny;
  }
}

/** PyTorch's error for a whole-tensor reduction without identity on an empty tensor. */
export function emptyWithoutDim(op: string): RuntimeError {
  return new RuntimeError(
    `${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
  );
}

/** Throws PyTorch's IndexError when an empty tensor is reduced over a dim of size 0. */
export function checkReducedNonEmpty(op: string, x: Tensor, dims: readonly number[]): void {
  if (x.numel() !== 0) return;
  for (const d of dims) {
    if (x.ndim > 0 && x._shape[normalizeDim(d, x.ndim)] === 0) {
      throw new IndexError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
    }
  }
}

/**
 * Gradient of a whole-tensor reduction that selects a value (max(), min(), median()):
 * g spread evenly over the elements equal to it (over the NaNs when it is NaN).
 */
export function evenlyDistributeBackward(g: Tensor, x: Tensor, value: Tensor): Tensor {
  const v = value.item();
  const m = asDtype(typeof v === 'number' && Number.isNaN(v) ? isnanMask(x) : eqMask(x, value), g.dtype);
  return m.mul(g.div(m.sum()));
}

/** Gradient of a reduction along `dim` that selects `indices`: g scattered into zeros. */
export function valueSelectingBackward(g: Tensor, dim: number, indices: Tensor, shape: readonly number[], keepdim: boolean): Tensor {
  if (shape.length === 0) return g;
  const d = normalizeDim(dim, shape.length);
  const gd = keepdim ? g : g.unsqueeze(d);
  const id = keepdim ? indices : indices.unsqueeze(d);
  return scatter(zeros([...shape], { dtype: g.dtype }), d, id, gd);
}

function wholeExtreme(name: 'max' | 'min') {
  return defineOp({
    name,
    sig: 'Tensor self',
    fn: false,
    method: false,
    out: true,
    nodeName: `${name === 'max' ? 'Max' : 'Min'}Backward1`,
    save: ['self', 'result'],
    forward: (self: Tensor) => {
      if (self.numel() === 0) throw emptyWithoutDim(name);
      return runReduce(name === 'max' ? RED.AMAX : RED.AMIN, self, reducePlan(self, null, false), false, self.dtype);
    },
    grad: { self: (g, c) => evenlyDistributeBackward(g, c.self, c.result) },
  });
}

function dimExtreme(name: 'max' | 'min') {
  return defineOp({
    name: `${name}.dim`,
    sig: 'Tensor self, int dim, bool keepdim=False',
    fn: false,
    method: false,
    nodeName: `${name === 'max' ? 'Max' : 'Min'}Backward0`,
    save: ['result'],
    forward: (self: Tensor, dim: number, keepdim: boolean): NamedPair => {
      const d = normalizeDim(dim, self.ndim);
      checkReducedNonEmpty(name, self, [dim]);
      const [vals, idx] = runReduceArg(name === 'max' ? ARG.ARGMAX : ARG.ARGMIN, self, reducePlan(self, [d], keepdim), keepdim, true);
      return namedPair(vals!, idx);
    },
    grad: { self: (g, c) => valueSelectingBackward(g, c.dim, c.result[1], c.meta.self.shape, c.keepdim) },
  });
}

/** The three overloads of torch.max / torch.min. */
function extremeDispatch(name: 'max' | 'min', binary: (a: Tensor, b: Tensor, o?: object) => Tensor) {
  const whole = wholeExtreme(name);
  const alongDim = withTupleOut(name, dimExtreme(name));
  return (self: Tensor, ...args: unknown[]): Tensor | NamedPair => {
    const [pos, kw] = splitOptions(args);
    if (pos[0] instanceof Tensor || kw.other instanceof Tensor) return binary(self, ...(args as [Tensor, object?]));
    if (hasDimArg(pos, kw)) return alongDim(self, ...args);
    return whole(self, ...args);
  };
}

/**
 * max(x): the largest value (NaN if any); max(x, dim, keepdim?): named tuple
 * (values, indices) of the first maximum along dim; max(x, other): maximum(x, other).
 * @example const { values, indices } = torch.max(x, 1);
 */
export const max = extremeDispatch('max', maximum);
/** min(x), min(x, dim, keepdim?) -> (values, indices), min(x, other) = minimum. */
export const min = extremeDispatch('min', minimum);

/** Gradient of amax/amin: g shared evenly among the elements equal to their slice's result. */
function amaxBackward(g: Tensor, self: Tensor, result: Tensor, dim: number[], keepdim: boolean): Tensor {
  const shape = self._shape;
  const dims = dim.length === 0 ? null : dim;
  const mask = asDtype(eqMask(self, unsqueezeReduced(result, shape, dims, keepdim)), g.dtype);
  const count = sum(mask, reducedDims(shape, dims), true);
  return unsqueezeReduced(g, shape, dims, keepdim).div(count).mul(mask);
}

function aExtreme(name: 'amax' | 'amin') {
  return defineOp({
    name,
    sig: 'Tensor self, int[1] dim=[], bool keepdim=False',
    out: true,
    save: ['self', 'result'],
    forward: (self: Tensor, dim: number[], keepdim: boolean) => {
      if (self.numel() === 0 && dim.length === 0) throw emptyWithoutDim(name);
      checkReducedNonEmpty(name, self, dim);
      return runReduce(name === 'amax' ? RED.AMAX : RED.AMIN, self, reducePlan(self, dim, keepdim), keepdim, self.dtype);
    },
    grad: { self: (g, c) => amaxBackward(g, c.self, c.result, c.dim, c.keepdim) },
  });
}

/** Largest values over dims (all when dim is []), NaN propagating. */
export const amax = aExtreme('amax');
/** Smallest values over dims (all when dim is []), NaN propagating. */
export const amin = aExtreme('amin');

function argExtreme(name: 'argmax' | 'argmin') {
  return defineOp({
    name,
    sig: 'Tensor self, int? dim=None, bool keepdim=False',
    out: true,
    forward: (self: Tensor, dim: number | null, keepdim: boolean) => {
      if (self.numel() === 0) {
        if (dim === null) throw new IndexError(`${name}(): Expected reduction dim to be specified for input.numel() == 0.`);
        checkReducedNonEmpty(name, self, [dim]);
      }
      const plan = reducePlan(self, dim === null ? null : [normalizeDim(dim, self.ndim)], keepdim);
      return runReduceArg(name === 'argmax' ? ARG.ARGMAX : ARG.ARGMIN, self, plan, keepdim, false)[1];
    },
  });
}

/**
 * Index of the first maximum (flat index when dim is None); NaN counts as the maximum.
 * @example x.argmax({ dim: 1 })
 */
export const argmax = argExtreme('argmax');
/** Index of the first minimum (flat index when dim is None); NaN counts as the minimum. */
export const argmin = argExtreme('argmin');

const aminmaxOp = defineOp({
  name: 'aminmax',
  sig: 'Tensor self, *, int? dim=None, bool keepdim=False',
  fn: false,
  method: false,
  forward: (self: Tensor, dim: number | null, keepdim: boolean): NamedPair => {
    if (self.numel() === 0) {
      if (dim === null) throw new RuntimeError('aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.');
      checkReducedNonEmpty('aminmax', self, [dim]);
    }
    const dims = dim === null ? [] : [dim];
    return namedPair(amin(self, dims, keepdim), amax(self, dims, keepdim), ['min', 'max']);
  },
});

/** (min, max) named tuple over dim (all when None), as amin and amax compute them. */
export const aminmax = withTupleOut('aminmax', aminmaxOp, ['min', 'max']);

installMethod('max', max);
installMethod('min', min);
installMethod('aminmax', aminmax);
