// torch.nn: functional ops (torch.nn.functional), init, and (later) modules.
export * as functional from './functional/index.js';
export * as init from './init.js';
export * as utils from './utils/index.js';
