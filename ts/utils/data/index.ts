// torch.utils.data: datasets, samplers, collation and the DataLoader.
export { Dataset, IterableDataset, ConcatDataset, ChainDataset } from './dataset.js';
export { TensorDataset } from './tensor_dataset.js';
export { Subset } from './subset.js';
export { randomSplit } from './random_split.js';
export { Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler } from './sampler.js';
export { BatchSampler } from './batch_sampler.js';
export { collate, defaultCollate, defaultConvert, defaultCollateFnMap } from './collate.js';
export type { CollateFn, CollateFnMap } from './collate.js';
export { DataLoader, DataLoaderIterator } from './dataloader.js';
export type { Collated, DataLoaderOptions, DatasetLike } from './dataloader.js';
export { AssertionError } from './errors.js';
