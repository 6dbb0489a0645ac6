// Argument helpers the nn ops share: PyTorch's expansion of int-or-list
// hyper-parameters, and sizes printed as PyTorch prints them.

import { RuntimeError } from '../../tensor/shape.js';

/** An int or list hyper-parameter as `n` values (PyTorch's expand_param_if_needed). */
export function expandParam(op: string, name: string, v: number | readonly number[], n: number): number[] {
  if (typeof v === 'number') return new Array(n).fill(v);
  if (v.length === 1) return new Array(n).fill(v[0]);
  if (v.length !== n) {
    throw new RuntimeError(
      `${op}: expected ${name} to be a single integer value or a list of ${n} values to match the convolution dimensions, but got ${name}=[${v.join(', ')}]`,
    );
  }
  return [...v];
}

/** Python's repr of an int list as PyTorch prints sizes: [2, 3, 4]. */
export const sizeStr = (s: readonly number[]): string => `[${s.join(', ')}]`;
