// PyTorch's tensor rebuild functions (torch._utils._rebuild_tensor_v2, ...), with every
// number a file gives checked before it is used: a corrupt or hostile file gets an
// error, never a tensor that reaches outside its storage.

import { Tensor } from '../tensor/tensor.js';
import { Storage } from '../tensor/storage.js';
import type { DType } from '../tensor/dtype.js';
import { Parameter } from '../nn/parameter.js';
import { corrupt } from './errors.js';

/** A storage of the file (a persistent id) and the dtype PyTorch types it with. */
export class StorageRef {
  constructor(readonly storage: Storage, readonly dtype: DType) {}
  get numel(): number {
    return Math.floor(this.storage.nbytes / this.dtype.itemsize);
  }
}

/** What a load creates, so a failure can free it all. */
export interface RebuildContext {
  created: Tensor[];
}

export function checkIndex(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw corrupt(`${what} must be a non-negative integer, got ${describe(v)}`);
  }
  return v;
}

function checkIntList(v: unknown, what: string): number[] {
  if (!Array.isArray(v)) throw corrupt(`${what} must be a tuple of integers, got ${describe(v)}`);
  return v.map((x, i) => checkIndex(x, `${what}[${i}]`));
}

function describe(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return 'a string';
  return (v as object).constructor?.name ?? typeof v;
}

/**
 * A tensor over `ref` with the file's offset, sizes and strides (in elements),
 * checked to lie inside the storage.
 */
export function rebuildTensor(ctx: RebuildContext, ref: unknown, offset: unknown, size: unknown, stride: unknown, requiresGrad: unknown = false): Tensor {
  if (!(ref instanceof StorageRef)) throw corrupt(`a tensor's storage is ${describe(ref)}`);
  const off = checkIndex(offset, 'storage offset');
  const shape = checkIntList(size, 'size');
  const strides = checkIntList(stride, 'stride');
  if (shape.length !== strides.length) throw corrupt(`size has ${shape.length} dims but stride has ${strides.length}`);
  if (typeof requiresGrad !== 'boolean') throw corrupt(`requires_grad must be a bool, got ${describe(requiresGrad)}`);
  let numel = 1;
  let last = off;
  for (let i = 0; i < shape.length; i++) {
    numel *= shape[i];
    last += (shape[i] - 1) * strides[i];
  }
  if (numel > 0) {
    if (!Number.isSafeInteger(numel)) throw corrupt(`tensor of size [${shape.join(', ')}] has too many elements`);
    if (last >= ref.numel) {
      throw corrupt(`a tensor of size [${shape.join(', ')}], stride [${strides.join(', ')}] and offset ${off} reaches element ${last} of a storage of ${ref.numel} elements`);
    }
  }
  const t = new Tensor(ref.storage, ref.dtype, shape, strides, off);
  ctx.created.push(t);
  if (requiresGrad) {
    if (!ref.dtype.isFloatingPoint) throw corrupt(`a ${ref.dtype.name} tensor cannot require gradients`);
    t.requiresGrad = true;
  }
  return t;
}

/** torch._utils._rebuild_parameter(data, requires_grad, backward_hooks): a Parameter sharing data's storage. */
export function rebuildParameter(ctx: RebuildContext, data: unknown, requiresGrad: unknown): Parameter {
  if (!(data instanceof Tensor)) throw corrupt(`a Parameter's data is ${describe(data)}`);
  if (data instanceof Parameter) return data;
  if (typeof requiresGrad !== 'boolean') throw corrupt(`requires_grad must be a bool, got ${describe(requiresGrad)}`);
  if (requiresGrad && !data.dtype.isFloatingPoint) throw corrupt(`a ${data.dtype.name} Parameter cannot require gradients`);
  const p = new Parameter(data, requiresGrad);
  ctx.created.push(p);
  return p;
}

/**
 * torch._utils._set_obj_state: Python attributes saved with a tensor become own data
 * properties, unless one would hide something a Tensor already has.
 */
export function setTensorState(t: Tensor, state: unknown): void {
  if (state === null || state === undefined) return;
  let dict = state;
  if (Array.isArray(state) && state.length === 2) dict = state[0] ?? new Map();
  if (!(dict instanceof Map)) throw corrupt(`a tensor's state is ${describe(state)}`);
  for (const [k, v] of dict) {
    if (typeof k !== 'string') throw corrupt('a tensor attribute name is not a string');
    if (k in t) throw corrupt(`a tensor attribute '${k}' would replace a Tensor property`);
    Object.defineProperty(t, k, { value: v, writable: true, enumerable: true, configurable: true });
  }
}
