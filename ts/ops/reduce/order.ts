// Order statistics: median and nanmedian (whole tensor: the lower middle value; along a
// dim: named tuple (values, indices)) and mode, computed per line by the crate's
// selection kernel with PyTorch's tie and NaN rules.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError, IndexError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { SELECT } from '../../kernels/codes.js';
import { runSelect, lineDim } from '../../kernels/reduce.js';
import { namedPair, NamedPair, withTupleOut, installMethod, splitOptions, hasDimArg } from './tuple.js';
import { evenlyDistributeBackward, valueSelectingBackward } from './minmax.js';
import type { OpAny } from '../types.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    median: OpAny; nanmedian: OpAny; mode: OpAny;
  }
}

function wholeMedian(name: 'median' | 'nanmedian') {
  return defineOp({
    name,
    sig: 'Tensor self',
    fn: false,
    method: false,
    out: true,
    nodeName: `${name === 'median' ? 'Median' : 'Nanmedian'}Backward0`,
    save: ['self', 'result'],
    forward: (self: Tensor) => {
      if (self.numel() === 0) throw new RuntimeError(`${name}() operation does not have an identity for empty input tensor`);
      const [v, i] = runSelect(name === 'median' ? SELECT.MEDIAN : SELECT.NANMEDIAN, self.reshape(-1), 0, false);
      i.dispose();
      return v;
    },
    grad: { self: (g, c) => evenlyDistributeBackward(g, c.self, c.result) },
  });
}

/** Checks the line along dim is not empty (the selection has no identity). */
function checkLine(name: string, self: Tensor, dim: number): number {
  const d = lineDim(self, dim);
  if (self.ndim > 0 && self._shape[d] === 0) {
    if (name === 'mode') throw new IndexError(`mode(): Expected reduction dim ${dim} to have non-zero size.`);
    throw new RuntimeError(`${name}() cannot compute median for a dimension of size 0 because the operation does not have an identity`);
  }
  return d;
}

function selectAlongDim(name: 'median' | 'nanmedian' | 'mode', kop: number, sig: string, nodeName: string) {
  return defineOp({
    name: name === 'mode' ? 'mode' : `${name}.dim`,
    sig,
    fn: false,
    method: false,
    nodeName,
    save: ['result'],
    forward: (self: Tensor, dim: number, keepdim: boolean): NamedPair => {
      const d = checkLine(name, self, dim);
      const [v, i] = runSelect(kop, self, d, keepdim);
      return namedPair(v, i);
    },
    grad: { self: (g, c) => valueSelectingBackward(g, c.dim, c.result[1], c.meta.self.shape, c.keepdim) },
  });
}

function medianDispatch(name: 'median' | 'nanmedian') {
  const whole = wholeMedian(name);
  const alongDim = withTupleOut(
    name,
    selectAlongDim(name, name === 'median' ? SELECT.MEDIAN : SELECT.NANMEDIAN, 'Tensor self, int dim, bool keepdim=False',
      `${name === 'median' ? 'Median' : 'Nanmedian'}Backward1`),
  );
  return (self: Tensor, ...args: unknown[]): Tensor | NamedPair => {
    const [pos, kw] = splitOptions(args);
    return hasDimArg(pos, kw) ? alongDim(self, ...args) : whole(self, ...args);
  };
}

/**
 * median(x): the lower of the two middle values (NaN if any); median(x, dim, keepdim?):
 * named tuple (values, indices), NaN (and its first index) where a line has one.
 */
export const median = medianDispatch('median');
/** median ignoring NaNs (NaN only where every value is NaN). */
export const nanmedian = medianDispatch('nanmedian');
/** Most frequent value along dim (the smallest among equally frequent ones) and its last index. */
export const mode = withTupleOut('mode', selectAlongDim('mode', SELECT.MODE, 'Tensor self, int dim=-1, bool keepdim=False', 'ModeBackward0'));

installMethod('median', median);
installMethod('nanmedian', nanmedian);
installMethod('mode', mode);
