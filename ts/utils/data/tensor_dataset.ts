// TensorDataset: samples are the rows (index along dim 0) of tensors of equal length.

import { Tensor, isTensor } from '../../tensor/tensor.js';
import { IndexError } from '../../tensor/shape.js';
import { Dataset } from './dataset.js';
import { assert } from './errors.js';
import { typeName } from './protocol.js';

/**
 * Sample i is [t[i] for t of tensors] (views, no copies).
 * @example
 * const ds = new TensorDataset(x, y);   // x: [N, 3], y: [N]
 * const [xi, yi] = ds.getItem(0);
 */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new IndexError('tuple index out of range');
    tensors.forEach((t, i) => {
      if (!isTensor(t)) throw new TypeError(`TensorDataset(): argument ${i} must be a Tensor, not ${typeName(t)}`);
      t._check('TensorDataset', `tensors[${i}]`);
    });
    const n = tensors[0].size(0);
    assert(tensors.every((t) => t.size(0) === n), 'Size mismatch between tensors');
    this.tensors = tensors;
  }

  /** Each tensor indexed as tensor[index] (a number, or anything Tensor.index takes). */
  override getItem(index: number | unknown): Tensor[] {
    return this.tensors.map((t) => t.index(index as number));
  }

  override get length(): number {
    return this.tensors[0].size(0);
  }
}
