// Subset: the samples of a dataset at given indices.

import { Dataset } from './dataset.js';
import { getItemOf, lenOf, pyIndex } from './protocol.js';

/**
 * The samples of `dataset` at `indices`, in that order.
 * @example new Subset(ds, [0, 2, 4]).getItem(1) // ds.getItem(2)
 */
export class Subset<T = unknown> extends Dataset<T> {
  constructor(
    readonly dataset: Dataset<T> | ArrayLike<T>,
    readonly indices: ArrayLike<number>,
  ) {
    super();
  }

  /** dataset[indices[idx]]; an array of positions fetches dataset[[indices[i] for i of idx]]. */
  override getItem(idx: number | number[]): T {
    if (Array.isArray(idx)) return getItemOf(this.dataset, idx.map((i) => pyIndex(this.indices, i))) as T;
    return getItemOf(this.dataset, pyIndex(this.indices, idx)) as T;
  }

  override get length(): number {
    return lenOf(this.indices);
  }
}
