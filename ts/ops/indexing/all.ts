// Indexing ops: Python-style getitem/setitem, index/masked/sort/unique families,
// shape ops (repeat, flip, roll ...) and triangular/diagonal builders.
export { Slice } from './slice.js';
export * from './getitem.js';
export * from './setitem.js';
