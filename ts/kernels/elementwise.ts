// Typed drivers for the crate's kernels: lay out operands, write the descriptor,
// call, turn status codes into errors. Ops in ts/ops call these, never K directly
// for elementwise work.

import { K, scratch, SCALAR_SLOTS } from '../wasm/heap.js';
import { Tensor, Scalar, tensorHooks } from '../tensor/tensor.js';
import { DType, bool as boolDtype } from '../tensor/dtype.js';
import { broadcastStrides, isContiguousLayout, RuntimeError } from '../tensor/shape.js';
import { writeDesc } from './scratch.js';
import { writeElement } from '../tensor/elements.js';

export type Operand = Tensor | Scalar;

/** Status codes of crate/src/abi/mod.rs. */
export function checkStatus(status: number, op: string): void {
  if (status === 0) return;
  if (status === 1) throw new RuntimeError('ZeroDivisionError');
  if (status === 2) throw new RuntimeError(`${op}: not implemented for this dtype`);
  if (status === 3) throw new RuntimeError(`${op}: index out of range`);
  throw new RuntimeError(`${op}: kernel failed with status ${status}`);
}

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

/** Whether two tensors' memory ranges overlap. */
function overlaps(a: Tensor, b: Tensor): boolean {
  if (a._s !== b._s || a.numel() === 0 || b.numel() === 0) return false;
  const span = (t: Tensor): [number, number] => {
    let lo = t._offset;
    let hi = t._offset;
    for (let i = 0; i < t.ndim; i++) {
      const ext = (t._shape[i] - 1) * t._strides[i];
      if (ext > 0) hi += ext;
      else lo += ext;
    }
    return [lo * t.dtype.itemsize, (hi + 1) * t.dtype.itemsize];
  };
  const [alo, ahi] = span(a);
  const [blo, bhi] = span(b);
  return alo < bhi && blo < ahi;
}

function sameLayout(a: Tensor, b: Tensor): boolean {
  if (a._offset !== b._offset || a.ndim !== b.ndim || a.dtype !== b.dtype) return false;
  for (let i = 0; i < a.ndim; i++) if (a._strides[i] !== b._strides[i] || a._shape[i] !== b._shape[i]) return false;
  return true;
}

/** dst[...] = cast(src) where src broadcasts to dst's shape. Handles overlapping memory. */
export function copyInto(dst: Tensor, src: Tensor): void {
  if (dst.numel() === 0) return;
  if (overlaps(dst, src) && !sameLayout(dst, src)) {
    const tmp = contiguousCopy(src);
    try {
      copyInto(dst, tmp);
    } finally {
      tmp.dispose();
    }
    return;
  }
  const nd = writeDesc(dst._shape, [dst._strides, broadcastStrides(src._shape, src._strides, dst._shape)]);
  checkStatus(K.copy_cast(src.dtype.code, dst.dtype.code, nd, scratch, dst._ptr, src._ptr), 'copy_');
}

/** A new contiguous tensor with t's values, converted to `dtype`. */
export function contiguousCopy(t: Tensor, dtype: DType = t.dtype): Tensor {
  const out = Tensor._empty(t._shape, dtype);
  copyInto(out, t);
  return out;
}

/** t itself when contiguous with offset-independent layout, else a contiguous copy. Callers dispose a copy. */
export function contiguous(t: Tensor): Tensor {
  return isContiguousLayout(t._shape, t._strides) ? t : contiguousCopy(t);
}

/** t itself when it has dtype `dt`, else a converted copy. Callers dispose a copy. */
export function withDtype(t: Tensor, dt: DType): Tensor {
  return t.dtype === dt ? t : contiguousCopy(t, dt);
}

/** Disposes `t` if it is a temporary made from `orig`. */
export function release(t: Operand, orig: Operand): void {
  if (t !== orig && t instanceof Tensor) t.dispose();
}

export function fill(t: Tensor, v: Scalar): void {
  if (t.numel() === 0) return;
  const nd = writeDesc(t._shape, [t._strides]);
  if (t.dtype.name === 'int64' && (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) {
    checkStatus(K.fill_i64(t.dtype.code, nd, scratch, t._ptr, BigInt(v)), 'fill_');
  } else {
    checkStatus(K.fill_f64(t.dtype.code, nd, scratch, t._ptr, Number(v)), 'fill_');
  }
}

/** out = op(a, b); tensors in a/b already have dtype `dt`; out has dt's dtype and the broadcast shape. */
export function binaryInto(kop: number, dt: DType, out: Tensor, a: Operand, b: Operand, p = 1, name = 'binary'): void {
  if (out.numel() === 0) return;
  const [pa, sa] = operandLayout(a, dt, out._shape, 0);
  const [pb, sb] = operandLayout(b, dt, out._shape, 1);
  const nd = writeDesc(out._shape, [out._strides, sa, sb]);
  checkStatus(K.ew_binary(kop, dt.code, nd, scratch, out._ptr, pa, pb, p), name);
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

tensorHooks.contiguous = contiguous;
