// 2-d pooling as PyTorch's aten ops (1-d pooling is these on [.., 1, L]): max with
// indices, average, adaptive average and adaptive max, each with a backward op whose
// own gradient is cheap (a gather, or the forward again), so double backward works.

import { Tensor } from '../../tensor/tensor.js';
import { int64 } from '../../tensor/dtype.js';
import { RuntimeError } from '../../tensor/shape.js';
import { contiguous } from '../../tensor/copy.js';
import { POOL, DIV, Window2d, runPool } from '../../kernels/pool.js';
import { defineOp } from '../registry.js';
import { gather } from '../indexing/gather.js';
import { sizeStr } from './args.js';
import type { TorchOps } from '../signatures.js';


/** PyTorch's pooling_output_shape. */
function poolOutSize(n: number, k: number, pad: number, s: number, d: number, ceil: boolean): number {
  let out = Math.floor((n + 2 * pad - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= n + pad) out--;
  return out;
}

interface PoolWindow extends Window2d {
  ceil: boolean;
}

const pair = (v: number[], name: string, op: string): number[] => {
  if (v.length === 1) return [v[0], v[0]];
  if (v.length !== 2) throw new RuntimeError(`${op}: ${name} must either be a single int, or a tuple of two ints`);
  return v;
};

function window2d(op: string, kernel: number[], stride: number[], padding: number[], dilation: number[], ceil: boolean): PoolWindow {
  const k = pair(kernel, 'kernel_size', op);
  const s = stride.length === 0 ? k : pair(stride, 'stride', op);
  const w = { k, s, p: pair(padding, 'padding', op), d: pair(dilation, 'dilation', op), ceil };
  if (k.some((v) => v <= 0)) throw new RuntimeError(`kernel size should be greater than zero, but got kH: ${k[0]} kW: ${k[1]}`);
  if (s.some((v) => v <= 0)) throw new RuntimeError(`stride should be greater than zero, but got dH: ${s[0]} dW: ${s[1]}`);
  if (w.d.some((v) => v <= 0)) {
    throw new RuntimeError(`dilation should be greater than zero, but got dilationH: ${w.d[0]} dilationW: ${w.d[1]}`);
  }
  if (w.p[0] > Math.floor(k[0] / 2) || w.p[1] > Math.floor(k[1] / 2)) {
    throw new RuntimeError(
      `pad should be smaller than or equal to half of kernel size, but got padW = ${w.p[1]}, padH = ${w.p[0]}, kW = ${k[1]}, kH = ${k[0]}`,
    );
  }
  return w;
}

/** Checks a [C, H, W] / [N, C, H, W] input; returns [H, W, OH, OW]. */
function poolSizes(op: string, x: Tensor, w: PoolWindow): number[] {
  if ((x.ndim !== 3 && x.ndim !== 4) || x._shape.slice(1).some((n) => n === 0)) {
    throw new RuntimeError(`Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${sizeStr(x._shape)}`);
  }
  if (!x.dtype.isFloatingPoint || x.dtype.itemsize < 4) throw new RuntimeError(`"${op}" not implemented for '${x.dtype.scalarName}'`);
  const [h, wd] = x._shape.slice(-2);
  const oh = poolOutSize(h, w.k[0], w.p[0], w.s[0], w.d[0], w.ceil);
  const ow = poolOutSize(wd, w.k[1], w.p[1], w.s[1], w.d[1], w.ceil);
  if (oh < 1 || ow < 1) {
    const c = x._shape[x.ndim - 3];
    throw new RuntimeError(`Given input size: (${c}x${h}x${wd}). Calculated output size: (${c}x${oh}x${ow}). Output size is too small`);
  }
  return [h, wd, oh, ow];
}

const planesOf = (shape: readonly number[]): number => shape.slice(0, -2).reduce((a, b) => a * b, 1);
const outShape = (shape: readonly number[], oh: number, ow: number): number[] => [...shape.slice(0, -2), oh, ow];

/** Gradient of the max poolings: scatter g to the argmax positions. */
function maxBackward(name: string, g: Tensor, self: Tensor, indices: Tensor): Tensor {
  if (indices.dtype !== int64) throw new RuntimeError(`${name}: expected indices of dtype int64`);
  const gc = contiguous(g);
  const ic = contiguous(indices);
  const gi = Tensor._empty(self._shape, g.dtype);
  const [h, w] = self._shape.slice(-2);
  const [oh, ow] = g._shape.slice(-2);
  if (gi.numel() > 0 && gc.numel() === 0) return gi.zero_();
  runPool(POOL.MAX_BACKWARD, { planes: planesOf(self._shape), sizes: [h, w, oh, ow], window: null }, gc, gi, ic, name);
  return gi;
}

/** The double backward of the max poolings: g' gathered at the argmax positions. */
const gatherAt = (gg: Tensor, indices: Tensor): Tensor =>
  gather(gg.flatten(-2), -1, indices.flatten(-2)).view(indices._shape);

/** max_pool2d_with_indices(self, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False) -> [out, indices]. */
export const maxPool2dWithIndices = defineOp({
  name: 'max_pool2d_with_indices',
  returns: '(Tensor, Tensor)',
  sig: 'Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, int[2] dilation=1, bool ceil_mode=False',
  method: false,
  nodeName: 'MaxPool2DWithIndicesBackward0',
  save: ['self', 'result'],
  forward: (self: Tensor, kernel, stride, padding, dilation, ceil) => {
    const win = window2d('max_pool2d', kernel, stride, padding, dilation, ceil);
    const [h, w, oh, ow] = poolSizes('max_pool2d', self, win);
    const x = contiguous(self);
    const y = Tensor._empty(outShape(self._shape, oh, ow), self.dtype);
    const idx = Tensor._empty(y._shape, int64);
    runPool(POOL.MAX, { planes: planesOf(self._shape), sizes: [h, w, oh, ow], window: win }, x, y, idx, 'max_pool2d');
    return [y, idx];
  },
  grad: {
    self: (g, c) =>
      maxPool2dWithIndicesBackward(g, c.self, c.kernel_size, c.stride, c.padding, c.dilation, c.ceil_mode, c.result[1]),
  },
});

export const maxPool2dWithIndicesBackward = defineOp({
  name: 'max_pool2d_with_indices_backward',
  sig: 'Tensor grad_output, Tensor self, int[2] kernel_size, int[2] stride, int[2] padding, int[2] dilation, bool ceil_mode, Tensor indices',
  method: false,
  save: ['indices'],
  forward: (g: Tensor, self: Tensor, _k, _s, _p, _d, _c, indices: Tensor) => maxBackward('max_pool2d_with_indices_backward', g, self, indices),
  grad: { grad_output: (gg, c) => gatherAt(gg, c.indices) },
});

/** avg_pool2d(self, kernel_size, stride=[], padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None). */
export const avgPool2d: TorchOps['avg_pool2d'] = defineOp({
  name: 'avg_pool2d',
  sig: 'Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None',
  method: false,
  nodeName: 'AvgPool2DBackward0',
  forward: (self: Tensor, kernel, stride, padding, ceil, includePad, divisor) => {
    const win = window2d('avg_pool2d', kernel, stride, padding, [1], ceil);
    const [h, w, oh, ow] = poolSizes('avg_pool2d', self, win);
    if (divisor === 0) throw new RuntimeError('divisor must be not zero');
    const x = contiguous(self);
    const y = Tensor._empty(outShape(self._shape, oh, ow), self.dtype);
    const [mode, value] = divisor !== null ? [DIV.FIXED, divisor] : [includePad ? DIV.PADDED : DIV.VALID, 0];
    runPool(POOL.AVG, { planes: planesOf(self._shape), sizes: [h, w, oh, ow], window: win, divMode: mode, divValue: value }, x, y, null, 'avg_pool2d');
    return y;
  },
  grad: {
    self: (g, c) => avgPool2dBackward(g, c.meta.self.shape, c.kernel_size, c.stride, c.padding, c.ceil_mode, c.count_include_pad, c.divisor_override),
  },
});

/** The gradient of avg_pool2d (input_size instead of PyTorch's self: only its shape is read). */
export const avgPool2dBackward: TorchOps['avg_pool2d_backward'] = defineOp({
  name: 'avg_pool2d_backward',
  sig: 'Tensor grad_output, int[] input_size, int[2] kernel_size, int[2] stride, int[2] padding, bool ceil_mode, bool count_include_pad, int? divisor_override',
  method: false,
  forward: (g: Tensor, inputSize: number[], kernel, stride, padding, ceil, includePad, divisor) => {
    const win = window2d('avg_pool2d_backward', kernel, stride, padding, [1], ceil);
    const [h, w] = inputSize.slice(-2);
    const [oh, ow] = g._shape.slice(-2);
    const gi = Tensor._empty(inputSize, g.dtype);
    const [mode, value] = divisor !== null ? [DIV.FIXED, divisor] : [includePad ? DIV.PADDED : DIV.VALID, 0];
    if (gi.numel() > 0 && g.numel() === 0) return gi.zero_();
    runPool(POOL.AVG_BACKWARD, { planes: planesOf(inputSize), sizes: [h, w, oh, ow], window: win, divMode: mode, divValue: value }, contiguous(g), gi, null, 'avg_pool2d_backward');
    return gi;
  },
  grad: {
    grad_output: (gg, c) => avgPool2d(gg, c.kernel_size, c.stride, c.padding, c.ceil_mode, c.count_include_pad, c.divisor_override),
  },
});

function adaptiveSizes(op: string, x: Tensor, outputSize: number[]): number[] {
  if (outputSize.length !== 2) throw new RuntimeError(`${op}: output_size must be 2`);
  if ((x.ndim !== 3 && x.ndim !== 4) || x._shape.slice(1).some((n) => n === 0)) {
    throw new RuntimeError(`${op}(): Expected 3D or 4D tensor, but got ${sizeStr(x._shape)}`);
  }
  if (outputSize.some((n) => n < 0)) throw new RuntimeError(`${op}: elements of output_size must be greater than or equal to 0 but received {${outputSize.join(', ')}}`);
  if (!x.dtype.isFloatingPoint || x.dtype.itemsize < 4) throw new RuntimeError(`"${op}" not implemented for '${x.dtype.scalarName}'`);
  return [...x._shape.slice(-2), ...outputSize];
}

/** _adaptive_avg_pool2d(self, output_size): windows [floor(i*H/OH), ceil((i+1)*H/OH)). */
export const adaptiveAvgPool2dOp: TorchOps['_adaptive_avg_pool2d'] = defineOp({
  name: '_adaptive_avg_pool2d',
  sig: 'Tensor self, int[2] output_size',
  method: false,
  nodeName: 'AdaptiveAvgPool2DBackward0',
  forward: (self: Tensor, outputSize: number[]) => {
    const sizes = adaptiveSizes('adaptive_avg_pool2d', self, outputSize);
    const y = Tensor._empty(outShape(self._shape, sizes[2], sizes[3]), self.dtype);
    runPool(POOL.AVG, { planes: planesOf(self._shape), sizes, window: null }, contiguous(self), y, null, 'adaptive_avg_pool2d');
    return y;
  },
  grad: { self: (g, c) => adaptiveAvgPool2dBackward(g, c.meta.self.shape) },
});

export const adaptiveAvgPool2dBackward: TorchOps['_adaptive_avg_pool2d_backward'] = defineOp({
  name: '_adaptive_avg_pool2d_backward',
  sig: 'Tensor grad_output, int[] input_size',
  method: false,
  forward: (g: Tensor, inputSize: number[]) => {
    const gi = Tensor._empty(inputSize, g.dtype);
    if (gi.numel() > 0 && g.numel() === 0) return gi.zero_();
    const sizes = [...inputSize.slice(-2), ...g._shape.slice(-2)];
    runPool(POOL.AVG_BACKWARD, { planes: planesOf(inputSize), sizes, window: null }, contiguous(g), gi, null, 'adaptive_avg_pool2d_backward');
    return gi;
  },
  grad: { grad_output: (gg, c) => adaptiveAvgPool2dOp(gg, c.meta.grad_output.shape.slice(-2)) },
});

/** adaptive_max_pool2d(self, output_size) -> [out, indices]. */
export const adaptiveMaxPool2dOp = defineOp({
  name: 'adaptive_max_pool2d',
  returns: '(Tensor, Tensor)',
  sig: 'Tensor self, int[2] output_size',
  method: false,
  nodeName: 'AdaptiveMaxPool2DBackward0',
  save: ['self', 'result'],
  forward: (self: Tensor, outputSize: number[]) => {
    const sizes = adaptiveSizes('adaptive_max_pool2d', self, outputSize);
    const y = Tensor._empty(outShape(self._shape, sizes[2], sizes[3]), self.dtype);
    const idx = Tensor._empty(y._shape, int64);
    runPool(POOL.MAX, { planes: planesOf(self._shape), sizes, window: null }, contiguous(self), y, idx, 'adaptive_max_pool2d');
    return [y, idx];
  },
  grad: { self: (g, c) => adaptiveMaxPool2dBackward(g, c.self, c.result[1]) },
});

export const adaptiveMaxPool2dBackward = defineOp({
  name: 'adaptive_max_pool2d_backward',
  sig: 'Tensor grad_output, Tensor self, Tensor indices',
  method: false,
  save: ['indices'],
  forward: (g: Tensor, self: Tensor, indices: Tensor) => maxBackward('adaptive_max_pool2d_backward', g, self, indices),
  grad: { grad_output: (gg, c) => gatherAt(gg, c.indices) },
});
