// The public namespace: what `import * as torch from 'torchwasm'` gives.

export { Tensor, isTensor } from './tensor/tensor.js';
export type { Scalar } from './tensor/tensor.js';
export {
  DType, float32, float64, int64, int32, int16, int8, uint8, bool, float16, bfloat16,
  getDefaultDtype, setDefaultDtype,
} from './tensor/dtype.js';
export { publicPromoteTypes as promoteTypes, publicCanCast as canCast } from './ops/promotion.js';
export { float32 as float, float64 as double, int64 as long, int32 as int, int16 as short, float16 as half } from './tensor/dtype.js';
export { Storage, TypedStorage, isStorage, memory, resetPeakMemoryStats } from './tensor/storage.js';
export type { MemoryReport } from './tensor/storage.js';
export { tidy, keep } from './tensor/scope.js';
export { broadcastShapes } from './ops/shape/broadcast_shapes.js';
export { RuntimeError, IndexError, ValueError, NotImplementedError, KeyError, AttributeError, AssertionError, ZeroDivisionError } from './tensor/shape.js';
export { init, relaxedSimdSupported } from './wasm/loader.js';
export { setNumThreads, getNumThreads, threadsReady, activeNumThreads, threadStats as _threadStats } from './kernels/threads.js';
export type { WasmSource, InitOptions } from './wasm/loader.js';

export { noGrad, enableGrad, setGradEnabled, isGradEnabled, inferenceMode, isInferenceModeEnabled } from './autograd/grad_mode.js';
export { Variable } from './autograd/api.js';
import * as autogradApi from './autograd/api.js';
import { gradcheck } from './autograd/gradcheck.js';
import { Node } from './autograd/node.js';

export * from './ops/all.js';
// torch.* names of functional ops that live in nn/functional (same signatures as torch.nn.functional's)
export { conv3d, convTranspose3d, cosineSimilarity, pairwiseDistance, channelShuffle } from './nn/functional/index.js';

import { Tensor } from './tensor/tensor.js';
import { functional } from './ops/composite.js';
/** torch.numel */
export const numel = functional<(t: Tensor) => number>('numel', 'Tensor input', (t: Tensor) => t.numel());

/** torch.autograd */
export const autograd = {
  backward: autogradApi.backward,
  grad: autogradApi.grad,
  Variable: autogradApi.Variable,
  gradcheck,
  Node,
};

export * as nn from './nn/index.js';
export * as linalg from './linalg/index.js';
export * as utils from './utils/index.js';
export * as optim from './optim/index.js';

// Tensor printing (installs the formatter behind toString / console.log) and its options.
export { setPrintoptions, getPrintoptions } from './tensor/print.js';
export type { PrintOptions, SetPrintOptions } from './tensor/print.js';
export { load, save } from './serialize/torch_format.js';
export * as serialization from './serialize/index.js';
export * as safetensors from './serialize/safetensors.js';
export * as models from './models/index.js';
// whole-model save names the library's module classes 'nn.Linear', 'models.ResNet', ...
import * as nnApi from './nn/index.js';
import * as modelsApi from './models/index.js';
import { registerModuleClasses } from './serialize/module_registry.js';
registerModuleClasses('nn', nnApi);
registerModuleClasses('models', modelsApi);
export * as hub from './models/hub.js';
export * from './random/index.js';
import * as randomApi from './random/generator.js';
/** torch.random: seeding and state of the default generator. */
export const random = {
  manualSeed: randomApi.manualSeed,
  seed: randomApi.seed,
  initialSeed: randomApi.initialSeed,
  getRngState: randomApi.getRngState,
  setRngState: randomApi.setRngState,
  get defaultGenerator() {
    return randomApi.defaultGenerator;
  },
};
export { ops as _ops } from './ops/registry.js';
