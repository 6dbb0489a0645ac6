// Driver of crate/src/abi/elementwise.rs: binary, comparison, unary, predicate, where
// and ternary kernels over broadcast operands (tensors, or scalars in scratch slots).
// Promotion, temporaries and out= forms are ops/elementwise.ts's.

import { K, scratch, SCALAR_SLOTS } from '../wasm/heap.js';
import { Tensor, Scalar } from '../tensor/tensor.js';
import { DType, bool as boolDtype } from '../tensor/dtype.js';
import { broadcastStrides, RuntimeError } from '../tensor/shape.js';
import { writeDesc, writeFlatDesc } from './scratch.js';
import { writeElement } from '../tensor/elements.js';
import { checkStatus } from './status.js';

export type Operand = Tensor | Scalar;

/** Writes a scalar operand (as dtype `dt`) into scalar slot `slot` and returns its address. */
export function scalarSlot(v: Scalar, dt: DType, slot: number): number {
  const addr = scratch + SCALAR_SLOTS + slot * 16;
  writeElement(dt, addr, v);
  return addr;
}

function operandLayout(x: Operand, dt: DType, shape: readonly number[], slot: number): [number, number[]] {
  if (x instanceof Tensor) return [x._ptr, broadcastStrides(x._shape, x._strides, shape)];
  return [scalarSlot(x, dt, slot), new Array(shape.length).fill(0)];
}

/** out = op(a, b); tensors in a/b already have dtype `dt`; out has dt's dtype and the broadcast shape. */
export function binaryInto(kop: number, dt: DType, out: Tensor, a: Operand, b: Operand, p = 1, name = 'binary'): void {
  if (out.numel() === 0) return;
  const [pa, sa] = operandLayout(a, dt, out._shape, 0);
  const [pb, sb] = operandLayout(b, dt, out._shape, 1);
  const nd = writeDesc(out._shape, [out._strides, sa, sb]);
  checkStatus(K.ew_binary(kop, dt.code, nd, scratch, out._ptr, pa, pb, p), name);
}

/** out = op(a, b) over contiguous same-shape out and a, with b a contiguous tensor of
 * that shape or a number, all of out's dtype: one flat kernel call (the small-op path). */
export function binaryContiguousInto(kop: number, out: Tensor, a: Tensor, b: Tensor | number, p: number): void {
  const n = out.numel();
  if (n === 0) return;
  const pb = b instanceof Tensor ? b._ptr : scalarSlot(b, out.dtype, 1);
  checkStatus(K.ew_binary(kop, out.dtype.code, 1, writeFlatDesc(n, b instanceof Tensor ? 1 : 0), out._ptr, a._ptr, pb, p), 'binary');
}

/** bool out = cmp(a, b); tensors in a/b already have dtype `dt`. */
export function compareInto(kop: number, dt: DType, out: Tensor, a: Operand, b: Operand, name = 'compare'): void {
  if (out.numel() === 0) return;
  const [pa, sa] = operandLayout(a, dt, out._shape, 0);
  const [pb, sb] = operandLayout(b, dt, out._shape, 1);
  const nd = writeDesc(out._shape, [out._strides, sa, sb]);
  checkStatus(K.ew_compare(kop, dt.code, nd, scratch, out._ptr, pa, pb), name);
}

/** out = f(a; p1, p2, p3); a has out's dtype. */
export function unaryInto(kop: number, out: Tensor, a: Tensor, p1 = 0, p2 = 0, p3 = 0, name = 'unary'): void {
  if (out.numel() === 0) return;
  const nd = writeDesc(out._shape, [out._strides, broadcastStrides(a._shape, a._strides, out._shape)]);
  checkStatus(K.ew_unary(kop, a.dtype.code, nd, scratch, out._ptr, a._ptr, p1, p2, p3), name);
}

/** bool out = pred(a). */
export function predicateInto(kop: number, out: Tensor, a: Tensor, name = 'predicate'): void {
  if (out.numel() === 0) return;
  const nd = writeDesc(out._shape, [out._strides, broadcastStrides(a._shape, a._strides, out._shape)]);
  checkStatus(K.ew_predicate(kop, a.dtype.code, nd, scratch, out._ptr, a._ptr), name);
}

/** out = cond ? a : b; cond is bool, a/b have dtype `dt` (or are scalars). */
export function whereInto(dt: DType, out: Tensor, cond: Tensor, a: Operand, b: Operand): void {
  if (out.numel() === 0) return;
  if (cond.dtype !== boolDtype) throw new RuntimeError('where expected condition to be a boolean tensor');
  const [pa, sa] = operandLayout(a, dt, out._shape, 0);
  const [pb, sb] = operandLayout(b, dt, out._shape, 1);
  const sc = broadcastStrides(cond._shape, cond._strides, out._shape);
  const nd = writeDesc(out._shape, [out._strides, sc, sa, sb]);
  checkStatus(K.ew_where(dt.code, nd, scratch, out._ptr, cond._ptr, pa, pb), 'where');
}

/** out = op(a, b, c; p); tensors among a/b/c already have dtype `dt`. */
export function ternaryInto(kop: number, dt: DType, out: Tensor, a: Operand, b: Operand, c: Operand, p = 0, name = 'ternary'): void {
  if (out.numel() === 0) return;
  const [pa, sa] = operandLayout(a, dt, out._shape, 0);
  const [pb, sb] = operandLayout(b, dt, out._shape, 1);
  const [pc, sc] = operandLayout(c, dt, out._shape, 2);
  const nd = writeDesc(out._shape, [out._strides, sa, sb, sc]);
  checkStatus(K.ew_ternary(kop, dt.code, nd, scratch, out._ptr, pa, pb, pc, p), name);
}
