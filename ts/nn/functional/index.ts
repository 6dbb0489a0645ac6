// torch.nn.functional: one file per family, re-exported here.
export {};
export * from './activation.js';
