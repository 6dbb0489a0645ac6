// torch.broadcast_shapes: the broadcast of shapes given as Python values (ints or lists
// of ints), checked as PyTorch 1.13's Python implementation checks them.

import { RuntimeError } from '../../tensor/shape.js';
import { pyTypeName } from '../../tensor/tensor.js';

/**
 * The shape that tensors of the given shapes broadcast to; an int n stands for [n].
 * @example torch.broadcastShapes([2, 1], [3]) // [2, 3]
 */
export function broadcastShapes(...shapes: (number | readonly number[])[]): number[] {
  const lists = shapes.map((s) => {
    if (typeof s === 'number' && Number.isInteger(s)) return [s];
    if (Array.isArray(s)) {
      for (const d of s) {
        if (typeof d !== 'number' || !Number.isInteger(d)) throw new TypeError(`broadcast_shapes(): expected ints in a shape, got ${pyTypeName(d)}`);
      }
      return s as readonly number[];
    }
    throw new RuntimeError(`Input shapes should be of type ints, a tuple of ints, or a list of ints, got ${pyTypeName(s)}`);
  });
  const result = new Array<number>(Math.max(0, ...lists.map((s) => s.length))).fill(1);
  for (const s of lists) {
    for (let i = 1; i <= s.length; i++) {
      const d = s[s.length - i];
      const r = result.length - i;
      if (d < 0) throw new RuntimeError(`Trying to create tensor with negative dimension (${d}): (${d})`);
      if (d === 1 || d === result[r]) continue;
      if (result[r] !== 1) throw new RuntimeError('Shape mismatch: objects cannot be broadcast to a single shape');
      result[r] = d;
    }
  }
  return result;
}
