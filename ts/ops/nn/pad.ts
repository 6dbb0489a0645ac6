// Padding: constant_pad_nd (negative pads crop) and the index-mapping pads
// (reflect, replicate, circular) over the last 1-3 dims, each with a gradient op.

import { Tensor, Scalar } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { copyInto } from '../../tensor/copy.js';
import { fill } from '../../kernels/memory.js';
import { AXIS, AxisSpec, resampleBackward, resampleForward } from '../../kernels/resample.js';
import { sizeStr } from './args.js';
import type { TorchOps } from '../signatures.js';

/** The slice along `dim` of size n that survives padding by (before, after): [start, length] in the source. */
function kept(n: number, before: number, after: number): [number, number] {
  const start = Math.max(0, -before);
  return [start, Math.max(0, n - start - Math.max(0, -after))];
}

/**
 * torch.constant_pad_nd(input, pad, value=0): pad = [last dim before, after, second-to-last
 * before, after, ...]; negative entries crop.
 */
export const constantPadNd: TorchOps['constant_pad_nd'] = defineOp({
  name: 'constant_pad_nd',
  sig: 'Tensor self, int[] pad, Scalar value=0',
  forward: (self: Tensor, pad: number[], value: Scalar) => {
    if (pad.length % 2 !== 0) throw new RuntimeError(`Length of pad must be even but instead it equals ${pad.length}`);
    const nd = self.ndim;
    if (pad.length / 2 > nd) {
      throw new RuntimeError(
        `Length of pad should be no more than twice the number of dimensions of the input. Pad length is ${pad.length} while the input has ${nd} dimensions.`,
      );
    }
    const shape = [...self._shape];
    let src: Tensor = self;
    const dstRanges: [number, number, number][] = [];
    for (let i = 0; i < pad.length / 2; i++) {
      const d = nd - 1 - i;
      const [before, after] = [pad[2 * i], pad[2 * i + 1]];
      const n = self._shape[d];
      const size = n + before + after;
      if (size < 0) {
        throw new RuntimeError(
          `The input size ${n}, plus negative padding ${before} and ${after} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`,
        );
      }
      shape[d] = size;
      const [start, len] = kept(n, before, after);
      src = src.narrow(d, start, len);
      dstRanges.push([d, Math.max(0, before), len]);
    }
    const out = Tensor._empty(shape, self.dtype);
    fill(out, value);
    let dst = out;
    for (const [d, start, len] of dstRanges) dst = dst.narrow(d, start, len);
    copyInto(dst, src);
    return out;
  },
  grad: { self: (g, c) => constantPadNd(g, c.pad.map((p: number) => -p)) },
});

const MODE_AXIS: Record<string, number> = { reflect: AXIS.REFLECT, replicate: AXIS.REPLICATE, circular: AXIS.CIRCULAR };

function padAxes(op: string, shape: readonly number[], pad: readonly number[], mode: string): AxisSpec[] {
  const k = pad.length / 2;
  const axes: AxisSpec[] = [];
  for (let i = k - 1; i >= 0; i--) {
    // pad[2i], pad[2i+1] belong to dim -(i+1)
    const d = shape.length - 1 - i;
    const [before, after] = [pad[2 * i], pad[2 * i + 1]];
    const n = shape[d];
    if (before < 0 || after < 0) throw new RuntimeError(`${op}: negative padding is not supported in ${mode} mode`);
    if (mode === 'reflect' && (before >= n || after >= n)) {
      throw new RuntimeError(
        `Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${d} of input ${sizeStr(shape)}`,
      );
    }
    if (mode === 'circular' && (before > n || after > n)) throw new RuntimeError('Padding value causes wrapping around more than once.');
    if (n === 0) throw new RuntimeError(`${op}: expected a non-empty dimension ${d} to pad, got input of size ${sizeStr(shape)}`);
    axes.push({ mode: MODE_AXIS[mode], len: n, out: n + before + after, param: before });
  }
  return axes;
}

const padNodeName = (_s: Tensor, pad: number[], mode: string): string =>
  mode === 'circular' ? 'CircularPadBackward0' : `${mode === 'reflect' ? 'Reflection' : 'Replication'}Pad${pad.length / 2}DBackward0`;

/** reflect / replicate / circular padding of the last pad.length/2 dims (1 to 3). */
export const padMode: TorchOps['_pad_mode'] = defineOp({
  name: '_pad_mode',
  sig: 'Tensor self, int[] pad, str mode',
  method: false,
  nodeName: padNodeName,
  forward: (self: Tensor, pad: number[], mode: string) => resampleForward(`${mode}_pad`, self, padAxes('pad', self._shape, pad, mode)),
  grad: { self: (g, c) => padModeBackward(g, c.meta.self.shape, c.pad, c.mode) },
});

/** The gradient of _pad_mode: sums the padded gradient back onto the input positions. */
export const padModeBackward: TorchOps['_pad_mode_backward'] = defineOp({
  name: '_pad_mode_backward',
  sig: 'Tensor grad_output, int[] input_size, int[] pad, str mode',
  method: false,
  forward: (g: Tensor, inputSize: number[], pad: number[], mode: string) =>
    resampleBackward(`${mode}_pad_backward`, g, padAxes('pad', inputSize, pad, mode), inputSize),
  grad: { grad_output: (gg, c) => padMode(gg, c.pad, c.mode) },
});
