// The factory keyword arguments of module constructors (device=None, dtype=None):
// what torch.empty/zeros/ones get for a module's parameters and buffers.

import { RuntimeError } from '../../tensor/shape.js';
import type { DType } from '../../tensor/dtype.js';

/** { dtype } for the factories; everything lives in wasm memory, so the only device is 'cpu'. */
export function factoryKwargs(cls: string, device: unknown, dtype: DType | null): { dtype?: DType } {
  if (device !== null && device !== undefined && device !== 'cpu' && device !== 'cpu:0') {
    throw new RuntimeError(`${cls}: only the 'cpu' device is available, got '${String(device)}'`);
  }
  return dtype === null ? {} : { dtype };
}
