// torch.serialization: torch.save / torch.load and what they need from users.
export { load, save } from './torch_format.js';
export type { LoadOptions, SaveOptions } from './torch_format.js';
export { tuple, PyTuple, PyObject } from './pickle.js';
export { orderedDict, isOrderedDict } from './ordered_dict.js';
export { registerModuleClass } from './module_registry.js';
export { UnpicklingError } from './errors.js';
export { PyClass } from './load_policy.js';
