// random_split: disjoint random subsets of given lengths (or fractions), from one
// randperm of the dataset's indices, so a seeded generator gives PyTorch's subsets.

import { ValueError } from '../../tensor/shape.js';
import { isPlainObject } from '../../ops/signature.js';
import { randperm } from '../../random/index.js';
import { Generator, defaultGenerator } from '../../random/generator.js';
import { Dataset } from './dataset.js';
import { Subset } from './subset.js';
import { lenOf } from './protocol.js';

/** Python's math.isclose(a, b) with its default tolerances. */
const isClose = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

/**
 * Splits `dataset` into non-overlapping Subsets of the given lengths. Fractions that sum
 * to 1 become floor(fraction * n) items each, the remainder dealt one by one from the
 * first split on.
 * @example
 * const [train, val] = randomSplit(ds, [0.8, 0.2], new torch.Generator().manualSeed(42));
 */
export function randomSplit<T>(
  dataset: Dataset<T> | ArrayLike<T>,
  lengths: readonly number[],
  generator: Generator | { generator?: Generator } = defaultGenerator,
): Subset<T>[] {
  const gen = isPlainObject(generator) ? (generator.generator ?? defaultGenerator) : generator;
  const n = lenOf(dataset);
  let counts = Array.from(lengths);
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  if (isClose(sum(counts), 1) && sum(counts) <= 1) {
    counts = counts.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new ValueError(`Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * frac);
    });
    const remainder = n - sum(counts);
    for (let i = 0; i < remainder; i++) counts[i % counts.length] += 1;
    counts.forEach((length, i) => {
      if (length === 0) console.warn(`UserWarning: Length of split at index ${i} is 0. This might result in an empty dataset.`);
    });
  }
  if (sum(counts) !== n) throw new ValueError('Sum of input lengths does not equal the length of the input dataset!');
  const perm = randperm(sum(counts), { generator: gen });
  const indices = perm.tolist() as number[];
  perm.dispose();
  let offset = 0;
  return counts.map((length) => new Subset(dataset, indices.slice(offset, (offset += length))));
}
