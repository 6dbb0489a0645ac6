// cloneModule: Python's copy.deepcopy of a module tree (what PyTorch's _get_clones uses
// to stack N independent copies of a Transformer layer).
//
// The copy is an instance of the same class made without running its constructor (a
// constructor may draw random numbers or need arguments), then given deep copies of
// the original's registered parameters, buffers and children, in their order, and of
// its plain attributes. As deepcopy does:
// - a Parameter becomes a new Parameter over a clone of its data (same requiresGrad,
//   no grad: PyTorch's Parameter.__deepcopy__);
// - another tensor (a buffer, a tensor attribute) gets a copy of its whole storage,
//   and every tensor of the tree that viewed one storage views the one copy, with the
//   same shape, strides and offset; requiresGrad and grad are copied. Only graph leaves
//   can be copied (PyTorch's error otherwise);
// - one object reachable twice (a shared child, a tied parameter) is copied once;
// - functions, strings, numbers, dtypes and other non-container objects are kept as is.

import { Tensor } from '../tensor/tensor.js';
import type { Storage } from '../tensor/storage.js';
import { RuntimeError } from '../tensor/shape.js';
import { uint8 } from '../tensor/dtype.js';
import { keep } from '../tensor/scope.js';
import { noGrad } from '../autograd/grad_mode.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

// Fields of the Module machinery (module.ts's INTERNAL), rebuilt rather than copied.
const MACHINERY = new Set([
  '_parameters', '_buffers', '_nonPersistentBuffers', '_modules', '_forwardHooks', '_forwardPreHooks', 'training',
]);

/** What deepcopy's memo holds: each copied object once, and each storage's copy (a uint8 tensor over it). */
interface Memo {
  objects: Map<unknown, unknown>;
  storages: Map<Storage, Tensor>;
}

function copyStorageOf(t: Tensor, memo: Memo): Tensor {
  let bytes = memo.storages.get(t._s);
  if (bytes === undefined) {
    const whole = new Tensor(t._s, uint8, [t._s.nbytes], [1], 0);
    bytes = whole.clone() as Tensor;
    whole.dispose();
    memo.storages.set(t._s, bytes);
  }
  return new Tensor(bytes._s, t.dtype, t._shape, t._strides, t._offset);
}

function copyTensor(t: Tensor, memo: Memo): Tensor {
  if (memo.objects.has(t)) return memo.objects.get(t) as Tensor;
  let copy: Tensor;
  if (t instanceof Parameter) {
    const data = noGrad(() => t.clone() as Tensor); // no graph under noGrad: nothing to detach
    copy = new Parameter(data, t.requiresGrad);
    data.dispose();
  } else {
    if (t.gradFn !== null) {
      throw new RuntimeError('Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment');
    }
    copy = keep(copyStorageOf(t, memo));
    if (t.requiresGrad) copy.requiresGrad_(true);
    if (t.grad !== null) copy.grad = copyTensor(t.grad, memo);
  }
  memo.objects.set(t, copy);
  return copy;
}

function copyValue(v: unknown, memo: Memo): unknown {
  if (v === null || typeof v !== 'object') {
    // a Module is callable (typeof 'function'): it is copied; other functions are shared
    return v instanceof Module ? copyModule(v, memo) : v;
  }
  if (v instanceof Tensor) return copyTensor(v, memo);
  if (memo.objects.has(v)) return memo.objects.get(v);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    memo.objects.set(v, out);
    for (const x of v) out.push(copyValue(x, memo));
    return out;
  }
  if (v instanceof Map) {
    const out = new Map();
    memo.objects.set(v, out);
    for (const [k, x] of v) out.set(copyValue(k, memo), copyValue(x, memo));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set();
    memo.objects.set(v, out);
    for (const x of v) out.add(copyValue(x, memo));
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = Object.create(proto);
    memo.objects.set(v, out);
    for (const [k, x] of Object.entries(v)) out[k] = copyValue(x, memo);
    return out;
  }
  return v;
}

function copyModule<M extends Module>(m: M, memo: Memo): M {
  if (memo.objects.has(m)) return memo.objects.get(m) as M;
  // the callable proxy of the same class, with empty registries (no constructor of its own runs)
  const copy = Module._createBare(m.constructor as new () => M);
  memo.objects.set(m, copy);
  copy.training = m.training;
  for (const [name, p] of m._parameters) copy.registerParameter(name, p === null ? null : (copyTensor(p, memo) as Parameter));
  for (const [name, b] of m._buffers) {
    copy.registerBuffer(name, b === null ? null : copyTensor(b, memo), !m._nonPersistentBuffers.has(name));
  }
  for (const [name, child] of m._modules) copy.addModule(name, child === null ? null : copyModule(child, memo));
  for (const [id, hook] of m._forwardPreHooks) copy._forwardPreHooks.set(id, hook);
  for (const [id, hook] of m._forwardHooks) copy._forwardHooks.set(id, hook);

  const registered = (k: string): boolean => m._parameters.has(k) || m._buffers.has(k) || m._modules.has(k);
  for (const key of Reflect.ownKeys(m)) {
    if (typeof key === 'string' && (MACHINERY.has(key) || registered(key))) continue;
    const desc = Reflect.getOwnPropertyDescriptor(m, key) as PropertyDescriptor;
    if ('value' in desc) desc.value = copyValue(desc.value, memo);
    // defined on the target: plain attributes are not registered
    Reflect.defineProperty(copy, key, desc);
  }
  return copy;
}

/**
 * A deep copy of a module tree (Python's `copy.deepcopy(module)`): same classes, new
 * parameters and buffers with the same values, the same attributes. The copy shares
 * no tensor with the original.
 *
 * @example
 * const layer = new nn.TransformerEncoderLayer(16, 2);
 * const twin = cloneModule(layer);   // twin.linear1.weight is a new Parameter, equal values
 */
export function cloneModule<M extends Module>(module: M): M {
  if (!(module instanceof Module)) throw new TypeError(`cloneModule(): expected a Module, got ${typeof module}`);
  const memo: Memo = { objects: new Map(), storages: new Map() };
  try {
    return copyModule(module, memo);
  } finally {
    // the copied tensors hold the copied storages now
    for (const bytes of memo.storages.values()) bytes.dispose();
  }
}
