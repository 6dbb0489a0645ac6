// linear (one fused GEMM: the output starts as the broadcast bias, then
// C = x W^T + 1 * C) and bilinear: torch.* ops that torch.nn.functional re-exports.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { contiguous, copyInto } from '../../tensor/copy.js';
import { gemm } from '../../kernels/linalg.js';
import { functional } from '../composite.js';
import type { OpFn } from '../types.js';
import type { TorchOps } from '../signatures.js';

/** linear(input, weight, bias=None) = input @ weight^T + bias; input [*, in], weight [out, in]. */
export const linear: TorchOps['linear'] = defineOp({
  name: 'linear',
  sig: 'Tensor input, Tensor weight, Tensor? bias=None',
  method: false,
  nodeName: (input: Tensor, _w: Tensor, bias: Tensor | null) => (input.ndim === 2 ? (bias ? 'AddmmBackward0' : 'MmBackward0') : 'LinearBackward0'),
  save: ['input', 'weight'],
  forward: (input: Tensor, weight: Tensor, bias: Tensor | null) => {
    if (weight.ndim !== 2) throw new RuntimeError(`linear(): expected a 2-d weight, but got weight of size [${weight._shape.join(', ')}]`);
    if (input.ndim === 0) throw new RuntimeError('linear(): expected an input of at least 1 dimension, but got a 0-d tensor');
    const [outF, inF] = weight._shape;
    const k = input._shape[input.ndim - 1];
    const rows = input._shape.slice(0, -1).reduce((a, b) => a * b, 1);
    if (k !== inF) throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${rows}x${k} and ${inF}x${outF})`);
    if (input.dtype !== weight.dtype || (bias && bias.dtype !== input.dtype)) {
      throw new RuntimeError(`linear(): expected input, weight and bias of one dtype, but got ${input.dtype.scalarName}, ${weight.dtype.scalarName}${bias ? `, ${bias.dtype.scalarName}` : ''}`);
    }
    if (!input.dtype.isFloatingPoint) throw new RuntimeError(`"addmm" not implemented for '${input.dtype.scalarName}'`);
    const out = Tensor._empty([...input._shape.slice(0, -1), outF], input.dtype);
    if (out.numel() === 0) return out;
    if (bias) copyInto(out, bias);
    // A = input as rows x in (2-d and 1-d keep their strides), B = weight^T through strides.
    // A contiguous n-d input is rows x k row-major: its own strides may not say so, as a
    // dim of size 1 counts as contiguous whatever its stride ([6, 1, 16] with strides [16, 96, 1]).
    const x = input.ndim <= 2 ? input : contiguous(input);
    const [rs, cs] = x.ndim === 1 ? [0, x._strides[0]] : x.ndim === 2 ? [x._strides[0], x._strides[1]] : [k, 1];
    gemm(input.dtype, 1, rows, outF, inF, 1, x, [0, rs, cs], weight, [0, weight._strides[1], weight._strides[0]], bias ? 1 : 0, out, [0, outF, 1]);
    return out;
  },
  grad: {
    input: (g, c) => g.matmul(c.weight),
    weight: (g, c) => g.reshape([-1, g.shape[g.ndim - 1]]).t().mm(c.input.reshape([-1, c.input.shape[c.input.ndim - 1]])),
    bias: (g) => g.reshape([-1, g.shape[g.ndim - 1]]).sum(0),
  },
});

/** bilinear(input1, input2, weight, bias=None): y[..., o] = x1 W[o] x2^T + b[o]. */
export const bilinear: OpFn = functional('bilinear', 'Tensor input1, Tensor input2, Tensor weight, Tensor? bias=None',
  (x1: Tensor, x2: Tensor, w: Tensor, b: Tensor | null) => {
    if (w.ndim !== 3) throw new RuntimeError(`bilinear(): weight must be three-dimensional, but got weight of size [${w.shape.join(', ')}]`);
    const [o, i, j] = w.shape;
    const lead1 = x1.shape.slice(0, -1);
    const lead2 = x2.shape.slice(0, -1);
    if (lead1.length !== lead2.length || lead1.some((n, k) => n !== lead2[k])) {
      throw new RuntimeError(`bilinear(): input batch dimensions do not match: got [${lead1.join(', ')}] and [${lead2.join(', ')}]`);
    }
    if (x1.shape[x1.ndim - 1] !== i) throw new RuntimeError(`bilinear(): input1 size does not match weight size: got ${x1.shape[x1.ndim - 1]} but expected ${i}`);
    if (x2.shape[x2.ndim - 1] !== j) throw new RuntimeError(`bilinear(): input2 size does not match weight size: got ${x2.shape[x2.ndim - 1]} but expected ${j}`);
    if (b && (b.ndim !== 1 || b.shape[0] !== o)) throw new RuntimeError(`bilinear(): bias size does not match weight size: got ${b.shape[b.ndim - 1]} but expected ${o}`);
    // t[r, o, j] = sum_i x1[r, i] W[o, i, j]; y[r, o] = sum_j t[r, o, j] x2[r, j]
    const t = x1.reshape([-1, i]).mm(w.permute([1, 0, 2]).reshape([i, o * j])).view([-1, o, j]);
    let y = t.bmm(x2.reshape([-1, j, 1])).squeeze(-1);
    if (b) y = y.add(b);
    return y.view([...lead1, o]);
  });
