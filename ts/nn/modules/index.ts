// The layers of torch.nn, one file per family.
export * from './activation.js';
