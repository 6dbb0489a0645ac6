// The step counter most optimizers keep per parameter: a 0-d tensor of the default
// dtype, as PyTorch 1.13 keeps it (so state_dicts carry the same types).

import type { Tensor } from '../tensor/tensor.js';
import { getDefaultDtype } from '../tensor/dtype.js';
import { keep } from '../tensor/scope.js';
import { tensor } from '../ops/all.js';

/** A new counter (kept out of any enclosing tidy: the optimizer owns it). */
export const stepTensor = (value = 0): Tensor => keep(tensor(value, { dtype: getDefaultDtype() }));

/** PyTorch's `step_t += 1; step = step_t.item()`: the counter in place, its new value. */
export function nextStep(counter: Tensor): number {
  counter.set((counter.item() as number) + 1);
  return counter.item() as number;
}
