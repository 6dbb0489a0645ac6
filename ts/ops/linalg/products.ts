// Products built on the GEMM: vdot, outer/ger, inner, and the scaled-accumulate family
// addmm, addmv, addbmm, baddbmm, addr (out = beta * self + alpha * product; beta = 0
// ignores self entirely, NaN included).

import { Tensor, Scalar } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { copyInto, contiguousCopy } from '../../tensor/copy.js';
import { gemm } from '../../kernels/linalg.js';
import { dot } from './matmul.js';
import { tensordot } from './tensordot.js';


/** PyTorch's maybe_multiply: g * s, skipping the product when s is 1. */
const scaled = (g: Tensor, s: Scalar): Tensor => (Number(s) === 1 ? g : g.mul(s));

function check1d(t: Tensor, arg: string, fn: string): void {
  if (t.ndim !== 1) throw new RuntimeError(`${fn}: Expected 1-D argument ${arg}, but got ${t.ndim}-D`);
}

/** Dot product (conjugating the first argument for complex input, so dot for reals). */
export const vdot = defineOp({
  name: 'vdot',
  sig: 'Tensor self, Tensor other',
  out: true,
  forward: (self: Tensor, other: Tensor) => dot(self, other),
});

/** Outer product of two vectors: out[i, j] = self[i] * vec2[j] (with type promotion). */
export const outer = defineOp({
  name: 'outer',
  sig: 'Tensor self, Tensor vec2',
  out: true,
  forward: (self: Tensor, vec2: Tensor) => {
    check1d(self, 'self', 'outer');
    check1d(vec2, 'vec2', 'outer');
    return self.reshape([self._shape[0], 1]).mul(vec2);
  },
});

/** Alias of outer. */
export const ger = defineOp({
  name: 'ger',
  sig: 'Tensor self, Tensor vec2',
  out: true,
  forward: (self: Tensor, vec2: Tensor) => outer(self, vec2),
});

/** Sum product over the last dims (self * other when either is 0-d). */
export const inner = defineOp({
  name: 'inner',
  sig: 'Tensor self, Tensor other',
  out: true,
  forward: (self: Tensor, other: Tensor) => {
    if (self.ndim === 0 || other.ndim === 0) return self.mul(other);
    if (self._shape[self.ndim - 1] !== other._shape[other.ndim - 1]) {
      throw new RuntimeError(
        `inner() the last dimension must match on both input tensors but got shapes [${self._shape.join(', ')}] and [${other._shape.join(', ')}]`,
      );
    }
    return tensordot(self, other, [[-1], [-1]]);
  },
});

/**
 * dest = beta * self + alpha * (a @ b) for matrices a (m x k) and b (k x n), self
 * broadcast to m x n. dest is `out` (in-place / out=) or a new tensor.
 */
function scaledMatmul(out: Tensor | null, self: Tensor, a: Tensor, b: Tensor, beta: number, alpha: number, op: string): Tensor {
  const [m, k] = a._shape;
  const n = b._shape[1];
  if (out !== null && (out._shape.length !== 2 || out._shape[0] !== m || out._shape[1] !== n)) {
    throw new RuntimeError(`${op}: output with shape [${out._shape.join(', ')}] doesn't match the broadcast shape [${m}, ${n}]`);
  }
  // the GEMM writes C while reading A and B: copy an operand that shares memory with it
  const dest = out ?? Tensor._empty([m, n], a.dtype);
  const aa = out !== null && a._s === out._s ? contiguousCopy(a) : a;
  const bb = out !== null && b._s === out._s ? contiguousCopy(b) : b;
  try {
    if (beta !== 0 && self !== dest) copyInto(dest, self.expand([m, n]));
    gemm(a.dtype, 1, m, n, k, alpha, aa, [0, ...aa._strides], bb, [0, ...bb._strides], beta, dest, [0, ...dest._strides]);
  } finally {
    if (aa !== a) aa.dispose();
    if (bb !== b) bb.dispose();
  }
  return dest;
}

function checkAddmm(self: Tensor, mat1: Tensor, mat2: Tensor): void {
  if (self.dtype !== mat2.dtype) throw new RuntimeError('self and mat2 must have the same dtype');
  if (mat1.dtype !== mat2.dtype) throw new RuntimeError('mat1 and mat2 must have the same dtype');
  if (mat1.ndim !== 2) throw new RuntimeError(`mat1 must be a matrix, got ${mat1.ndim}-D tensor`);
  if (mat2.ndim !== 2) throw new RuntimeError(`mat2 must be a matrix, got ${mat2.ndim}-D tensor`);
  const [m, k] = mat1._shape;
  const [k2, n] = mat2._shape;
  if (k !== k2) throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${m}x${k} and ${k2}x${n})`);
}

function addmmImpl(out: Tensor | null, self: Tensor, mat1: Tensor, mat2: Tensor, beta: Scalar, alpha: Scalar): Tensor {
  checkAddmm(self, mat1, mat2);
  return scaledMatmul(out, self, mat1, mat2, Number(beta), Number(alpha), 'addmm');
}

/** beta * self + alpha * (mat1 @ mat2), self broadcast to the product's shape. */
export const addmm = defineOp({
  name: 'addmm',
  sig: 'Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1',
  inplace: true,
  out: true,
  save: ['mat1', 'mat2'],
  forward: (self, mat1, mat2, beta, alpha) => addmmImpl(null, self, mat1, mat2, beta, alpha),
  into: (out, self, mat1, mat2, beta, alpha) => addmmImpl(out, self, mat1, mat2, beta, alpha),
  grad: {
    self: (g, c) => scaled(g, c.beta),
    mat1: (g, c) => scaled(g.mm(c.mat2.t()), c.alpha),
    mat2: (g, c) => scaled(c.mat1.t().mm(g), c.alpha),
  },
});

function addmvImpl(out: Tensor | null, self: Tensor, mat: Tensor, vec: Tensor, beta: Scalar, alpha: Scalar): Tensor {
  if (mat.ndim !== 2 || vec.ndim !== 1 || self.ndim > 1) {
    throw new RuntimeError(`vector + matrix @ vector expected, got ${self.ndim}, ${mat.ndim}, ${vec.ndim}`);
  }
  const [m, k] = mat._shape;
  if (k !== vec._shape[0] || (self.numel() !== m && self.numel() !== 1)) {
    throw new RuntimeError(`size mismatch, got input (${self._shape[0] ?? 1}), mat (${m}x${k}), vec (${vec._shape[0]})`);
  }
  if (mat.dtype !== vec.dtype || self.dtype !== mat.dtype) {
    throw new RuntimeError(`expected scalar type ${self.dtype.scalarName} but found ${mat.dtype !== self.dtype ? mat.dtype.scalarName : vec.dtype.scalarName}`);
  }
  // as an m x 1 matrix product
  const dest = out ?? Tensor._empty([m], mat.dtype);
  scaledMatmul(dest.unsqueeze(1), self.reshape([-1, 1]), mat, vec.unsqueeze(1), Number(beta), Number(alpha), 'addmv');
  return dest;
}

/** beta * self + alpha * (mat @ vec). */
export const addmv = defineOp({
  name: 'addmv',
  sig: 'Tensor self, Tensor mat, Tensor vec, *, Scalar beta=1, Scalar alpha=1',
  inplace: true,
  out: true,
  save: ['mat', 'vec'],
  forward: (self, mat, vec, beta, alpha) => addmvImpl(null, self, mat, vec, beta, alpha),
  into: (out, self, mat, vec, beta, alpha) => addmvImpl(out, self, mat, vec, beta, alpha),
  grad: {
    self: (g, c) => scaled(g, c.beta),
    mat: (g, c) => scaled(g.unsqueeze(1).mul(c.vec), c.alpha),
    vec: (g, c) => scaled(c.mat.t().mv(g), c.alpha),
  },
});

function checkBatches(batch1: Tensor, batch2: Tensor): void {
  if (batch1.ndim !== 3) throw new RuntimeError('batch1 must be a 3D tensor');
  if (batch2.ndim !== 3) throw new RuntimeError('batch2 must be a 3D tensor');
}

function addbmmImpl(out: Tensor | null, self: Tensor, batch1: Tensor, batch2: Tensor, beta: Scalar, alpha: Scalar): Tensor {
  checkBatches(batch1, batch2);
  const [bs, m, k] = batch1._shape;
  const [bs2, k2, n] = batch2._shape;
  if (bs !== bs2) throw new RuntimeError(`batch1 and batch2 must have same number of batches, got ${bs} and ${bs2}`);
  if (k !== k2) throw new RuntimeError(`Incompatible matrix sizes for bmm (${m}x${k} and ${k2}x${n})`);
  if (batch1.dtype !== batch2.dtype || self.dtype !== batch1.dtype) {
    throw new RuntimeError(`expected scalar type ${self.dtype.scalarName} but found ${batch1.dtype !== self.dtype ? batch1.dtype.scalarName : batch2.dtype.scalarName}`);
  }
  // sum_b A_b B_b = [A_1 .. A_bs] (m x bs*k) @ [B_1; ..; B_bs] (bs*k x n): one GEMM
  const a = batch1.permute([1, 0, 2]).reshape([m, bs * k]);
  const b = batch2.reshape([bs * k, n]);
  return scaledMatmul(out, self, a, b, Number(beta), Number(alpha), 'addbmm');
}

/** beta * self + alpha * sum_b (batch1[b] @ batch2[b]). */
export const addbmm = defineOp({
  name: 'addbmm',
  sig: 'Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1',
  inplace: true,
  out: true,
  save: ['batch1', 'batch2'],
  forward: (self, batch1, batch2, beta, alpha) => addbmmImpl(null, self, batch1, batch2, beta, alpha),
  into: (out, self, batch1, batch2, beta, alpha) => addbmmImpl(out, self, batch1, batch2, beta, alpha),
  grad: {
    self: (g, c) => scaled(g, c.beta),
    batch1: (g, c) => {
      const [bs, m] = c.batch1._shape;
      return scaled(g.unsqueeze(0).expand([bs, m, g._shape[1]]).bmm(c.batch2.transpose(1, 2)), c.alpha);
    },
    batch2: (g, c) => {
      const [bs, m] = c.batch1._shape;
      return scaled(c.batch1.transpose(1, 2).bmm(g.unsqueeze(0).expand([bs, m, g._shape[1]])), c.alpha);
    },
  },
});

function baddbmmImpl(out: Tensor | null, self: Tensor, batch1: Tensor, batch2: Tensor, beta: Scalar, alpha: Scalar): Tensor {
  checkBatches(batch1, batch2);
  const [bs, m, k] = batch1._shape;
  const n = batch2._shape[2];
  if (batch2._shape[0] !== bs || batch2._shape[1] !== k) {
    throw new RuntimeError(
      `Expected size for first two dimensions of batch2 tensor to be: [${bs}, ${k}] but got: [${batch2._shape[0]}, ${batch2._shape[1]}].`,
    );
  }
  if (batch1.dtype !== batch2.dtype || self.dtype !== batch1.dtype) {
    throw new RuntimeError(`expected scalar type ${self.dtype.scalarName} but found ${batch1.dtype !== self.dtype ? batch1.dtype.scalarName : batch2.dtype.scalarName}`);
  }
  if (out !== null && (out.ndim !== 3 || out._shape[0] !== bs || out._shape[1] !== m || out._shape[2] !== n)) {
    throw new RuntimeError(`baddbmm: output with shape [${out._shape.join(', ')}] doesn't match the broadcast shape [${bs}, ${m}, ${n}]`);
  }
  const b1 = out !== null && batch1._s === out._s ? contiguousCopy(batch1) : batch1;
  const b2 = out !== null && batch2._s === out._s ? contiguousCopy(batch2) : batch2;
  const dest = out ?? Tensor._empty([bs, m, n], batch1.dtype);
  try {
    const b = Number(beta);
    if (b !== 0 && self !== dest) copyInto(dest, self.expand([bs, m, n]));
    gemm(batch1.dtype, bs, m, n, k, Number(alpha), b1, [...b1._strides], b2, [...b2._strides], b, dest, [...dest._strides]);
  } finally {
    if (b1 !== batch1) b1.dispose();
    if (b2 !== batch2) b2.dispose();
  }
  return dest;
}

/** beta * self + alpha * (batch1 @ batch2) per batch, self broadcast to the result. */
export const baddbmm = defineOp({
  name: 'baddbmm',
  sig: 'Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1',
  inplace: true,
  out: true,
  save: ['batch1', 'batch2'],
  forward: (self, batch1, batch2, beta, alpha) => baddbmmImpl(null, self, batch1, batch2, beta, alpha),
  into: (out, self, batch1, batch2, beta, alpha) => baddbmmImpl(out, self, batch1, batch2, beta, alpha),
  grad: {
    self: (g, c) => scaled(g, c.beta),
    batch1: (g, c) => scaled(g.bmm(c.batch2.transpose(1, 2)), c.alpha),
    batch2: (g, c) => scaled(c.batch1.transpose(1, 2).bmm(g), c.alpha),
  },
});

function addrImpl(out: Tensor | null, self: Tensor, vec1: Tensor, vec2: Tensor, beta: Scalar, alpha: Scalar): Tensor {
  check1d(vec1, 'vec1', 'addr');
  check1d(vec2, 'vec2', 'addr');
  if (vec1.dtype !== vec2.dtype || self.dtype !== vec1.dtype) {
    throw new RuntimeError(`expected scalar type ${self.dtype.scalarName} but found ${vec1.dtype !== self.dtype ? vec1.dtype.scalarName : vec2.dtype.scalarName}`);
  }
  // outer product as an (m x 1) @ (1 x n) GEMM
  return scaledMatmul(out, self, vec1.unsqueeze(1), vec2.unsqueeze(0), Number(beta), Number(alpha), 'addr');
}

/** beta * self + alpha * outer(vec1, vec2). */
export const addr = defineOp({
  name: 'addr',
  sig: 'Tensor self, Tensor vec1, Tensor vec2, *, Scalar beta=1, Scalar alpha=1',
  inplace: true,
  out: true,
  save: ['vec1', 'vec2'],
  forward: (self, vec1, vec2, beta, alpha) => addrImpl(null, self, vec1, vec2, beta, alpha),
  into: (out, self, vec1, vec2, beta, alpha) => addrImpl(out, self, vec1, vec2, beta, alpha),
  grad: {
    self: (g, c) => scaled(g, c.beta),
    vec1: (g, c) => scaled(g.mv(c.vec2), c.alpha),
    vec2: (g, c) => scaled(g.t().mv(c.vec1), c.alpha),
  },
});

