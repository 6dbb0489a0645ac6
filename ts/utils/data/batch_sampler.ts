// BatchSampler: groups another sampler's indices into lists of batchSize.

import { ValueError } from '../../tensor/shape.js';
import { Sampler } from './sampler.js';
import { lenOf, pyStr } from './protocol.js';

/**
 * Lists of `batchSize` consecutive indices of `sampler` (any iterable); the last
 * shorter list is kept unless dropLast.
 * @example [...new BatchSampler(new SequentialSampler(range10), 3, false)] // [[0,1,2],[3,4,5],[6,7,8],[9]]
 */
export class BatchSampler<T = number> extends Sampler<T[]> {
  constructor(
    readonly sampler: Iterable<T>,
    readonly batchSize: number,
    readonly dropLast: boolean,
  ) {
    super();
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize <= 0) {
      throw new ValueError(`batch_size should be a positive integer value, but got batch_size=${pyStr(batchSize)}`);
    }
    if (typeof dropLast !== 'boolean') {
      throw new ValueError(`drop_last should be a boolean value, but got drop_last=${pyStr(dropLast)}`);
    }
  }

  override *[Symbol.iterator](): Iterator<T[]> {
    let batch: T[] = [];
    for (const idx of this.sampler) {
      batch.push(idx);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }

  override get length(): number {
    const n = lenOf(this.sampler);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
}
