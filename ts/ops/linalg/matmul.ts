// Matrix products: mm, bmm, mv, dot and matmul (which folds or batches onto them).
// All go through the crate's GEMM (kernels/linalg.ts) with strides, so transposed
// operands are not copied.

import { Tensor } from '../../tensor/tensor.js';
import { broadcastShapes, RuntimeError, numelOf } from '../../tensor/shape.js';
import { gemm } from '../../kernels/linalg.js';
import { defineOp } from '../registry.js';


function sameDtype(a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new RuntimeError(`expected scalar type ${a.dtype.scalarName} but found ${b.dtype.scalarName}`);
  }
}

/**
 * Matrix product of two matrices: [n, m] @ [m, p] gives [n, p].
 * @example torch.mm(a, b)
 */
export const mm = defineOp({
  name: 'mm',
  sig: 'Tensor self, Tensor mat2',
  out: true,
  save: ['self', 'mat2'],
  forward: (self: Tensor, mat2: Tensor) => {
    if (self.ndim !== 2) throw new RuntimeError('self must be a matrix');
    if (mat2.ndim !== 2) throw new RuntimeError('mat2 must be a matrix');
    const [m, k] = self._shape;
    const [k2, n] = mat2._shape;
    if (k !== k2) throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${m}x${k} and ${k2}x${n})`);
    sameDtype(self, mat2);
    const out = Tensor._empty([m, n], self.dtype);
    gemm(self.dtype, 1, m, n, k, 1, self, [0, ...self._strides], mat2, [0, ...mat2._strides], 0, out, [0, n, 1]);
    return out;
  },
  grad: {
    self: (g, c) => g.mm(c.mat2.t()),
    mat2: (g, c) => c.self.t().mm(g),
  },
});

export const bmm = defineOp({
  name: 'bmm',
  sig: 'Tensor self, Tensor mat2',
  out: true,
  save: ['self', 'mat2'],
  forward: (self: Tensor, mat2: Tensor) => {
    if (self.ndim !== 3) throw new RuntimeError('batch1 must be a 3D tensor');
    if (mat2.ndim !== 3) throw new RuntimeError('batch2 must be a 3D tensor');
    const [bs, m, k] = self._shape;
    const n = mat2._shape[2];
    if (mat2._shape[0] !== bs || mat2._shape[1] !== k) {
      throw new RuntimeError(
        `Expected size for first two dimensions of batch2 tensor to be: [${bs}, ${k}] but got: [${mat2._shape[0]}, ${mat2._shape[1]}].`,
      );
    }
    sameDtype(self, mat2);
    const out = Tensor._empty([bs, m, n], self.dtype);
    gemm(self.dtype, bs, m, n, k, 1, self, [...self._strides], mat2, [...mat2._strides], 0, out, [m * n, n, 1]);
    return out;
  },
  grad: {
    self: (g, c) => g.bmm(c.mat2.transpose(1, 2)),
    mat2: (g, c) => c.self.transpose(1, 2).bmm(g),
  },
});

export const mv = defineOp({
  name: 'mv',
  sig: 'Tensor self, Tensor vec',
  out: true,
  save: ['self', 'vec'],
  forward: (self: Tensor, vec: Tensor) => {
    if (self.ndim !== 2 || vec.ndim !== 1) {
      throw new RuntimeError(`vector + matrix @ vector expected, got 1, ${self.ndim}, ${vec.ndim}`);
    }
    const [m, k] = self._shape;
    if (vec._shape[0] !== k) {
      throw new RuntimeError(`size mismatch, got input (${m}), mat (${m}x${k}), vec (${vec._shape[0]})`);
    }
    sameDtype(self, vec);
    const out = Tensor._empty([m], self.dtype);
    gemm(self.dtype, 1, m, 1, k, 1, self, [0, ...self._strides], vec, [0, vec._strides[0], 1], 0, out, [0, 1, 1]);
    return out;
  },
  grad: {
    self: (g, c) => g.unsqueeze(1).mm(c.vec.unsqueeze(0)),
    vec: (g, c) => c.self.t().mv(g),
  },
});

export const dot = defineOp({
  name: 'dot',
  sig: 'Tensor self, Tensor tensor',
  out: true,
  save: ['self', 'tensor'],
  forward: (self: Tensor, other: Tensor) => {
    if (self.ndim !== 1 || other.ndim !== 1) {
      throw new RuntimeError(`1D tensors expected, but got ${self.ndim}D and ${other.ndim}D tensors`);
    }
    if (self.dtype !== other.dtype) {
      throw new RuntimeError(`dot : expected both vectors to have same dtype, but found ${self.dtype.scalarName} and ${other.dtype.scalarName}`);
    }
    if (self._shape[0] !== other._shape[0]) {
      throw new RuntimeError(
        `inconsistent tensor size, expected tensor [${self._shape[0]}] and src [${other._shape[0]}] to have the same number of elements, but got ${self._shape[0]} and ${other._shape[0]} elements respectively`,
      );
    }
    const out = Tensor._empty([], self.dtype);
    const k = self._shape[0];
    gemm(self.dtype, 1, 1, 1, k, 1, self, [0, 0, self._strides[0]], other, [0, other._strides[0], 0], 0, out, [0, 0, 0]);
    return out;
  },
  grad: {
    self: (g, c) => c.tensor.mul(g),
    tensor: (g, c) => c.self.mul(g),
  },
});

/**
 * PyTorch's matmul: dot, mv, mm, or batched with broadcasting, by the operands' dims.
 * @example torch.matmul(torch.ones(2, 3, 4), torch.ones(4, 5)).shape  // [2, 3, 5]
 */
export const matmul = defineOp({
  name: 'matmul',
  sig: 'Tensor self, Tensor other',
  out: true,
  forward: (a: Tensor, b: Tensor) => {
    const da = a.ndim;
    const db = b.ndim;
    if (da === 0 || db === 0) {
      throw new RuntimeError(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
    }
    if (da === 1 && db === 1) return dot(a, b);
    if (da === 2 && db === 1) return mv(a, b);
    if (da === 1 && db === 2) return mm(a.unsqueeze(0), b).squeeze(0);
    if (da === 2 && db === 2) return mm(a, b);
    if (da >= 3 && db <= 2) {
      // fold the batch into the rows: [..., n, k] @ [k, m] -> one mm
      const bb = db === 1 ? b.unsqueeze(1) : b;
      const rows = a.reshape([-1, a._shape[da - 1]]);
      const r = mm(rows, bb);
      const shape = [...a._shape.slice(0, -1), bb._shape[1]];
      return db === 1 ? r.view(shape).squeeze(-1) : r.view(shape);
    }
    // batched with broadcasting
    const aa = da === 1 ? a.unsqueeze(0) : a;
    const bb = db === 1 ? b.unsqueeze(1) : b;
    const [n, k] = aa._shape.slice(-2);
    const [k2, m] = bb._shape.slice(-2);
    const batch = broadcastShapes(aa._shape.slice(0, -2), bb._shape.slice(0, -2));
    const bsz = numelOf(batch);
    const a3 = aa.expand([...batch, n, k]).reshape([bsz, n, k]);
    const b3 = bb.expand([...batch, k2, m]).reshape([bsz, k2, m]);
    let r = bmm(a3, b3).view([...batch, n, m]);
    if (da === 1) r = r.squeeze(-2);
    if (db === 1) r = r.squeeze(-1);
    return r;
  },
});

const proto = Tensor.prototype as unknown as Record<string, unknown>;
proto.__matmul__ = proto.matmul;
