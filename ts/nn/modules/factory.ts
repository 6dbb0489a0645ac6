// The factory keyword arguments of PyTorch's module constructors (`device`, `dtype`):
// parameters and buffers are created with them. Everything lives in wasm memory on
// the CPU, so the only device is 'cpu'.

import { Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';
import { RuntimeError } from '../../tensor/shape.js';
import { empty } from '../../ops/all.js';
import { Parameter } from '../parameter.js';

/** `dtype` and `device` of a constructor, as every module with parameters takes them. */
export interface FactoryOptions {
  dtype?: DType | string | null;
  device?: string | null;
}

/** Throws unless `device` names the CPU (null means the default device, the CPU). */
export function checkDevice(cls: string, device: unknown): void {
  if (device === null || device === undefined || device === 'cpu') return;
  const type = typeof device === 'object' && 'type' in (device as object) ? (device as { type: unknown }).type : device;
  if (type === 'cpu') return;
  throw new RuntimeError(`${cls}: device ${JSON.stringify(String(type))} is not available: this runtime has only the 'cpu' device`);
}

/** An uninitialised tensor of `shape` with the factory dtype (the default dtype when null). */
export function factoryEmpty(shape: number[], dtype: DType | null): Tensor {
  return (dtype === null ? empty(shape) : empty(shape, { dtype })) as Tensor;
}

/** A Parameter over a new uninitialised tensor of `shape` (PyTorch's `Parameter(torch.empty(shape, **factory_kwargs))`). */
export function emptyParameter(shape: number[], dtype: DType | null): Parameter {
  const t = factoryEmpty(shape, dtype);
  try {
    return new Parameter(t);
  } finally {
    t.dispose(); // the Parameter holds the storage
  }
}
