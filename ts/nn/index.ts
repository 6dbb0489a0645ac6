// torch.nn: Module and its containers, Parameter, the layers, torch.nn.functional and torch.nn.init.
export * as functional from './functional/index.js';
export * as init from './init.js';
export { Module, RemovableHandle, isModule } from './module.js';
export type { ForwardHook, ForwardPreHook } from './module.js';
export type { IncompatibleKeys } from './state_dict.js';
export { Parameter, isParameter } from './parameter.js';
export { cloneModule } from './clone.js';
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict } from './containers.js';
export * as utils from './utils/index.js';
export * from './modules/index.js';
