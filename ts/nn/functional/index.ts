// torch.nn.functional: one file per family, re-exported here.
export {};
export * from './softmax.js';
export * from './activation.js';
