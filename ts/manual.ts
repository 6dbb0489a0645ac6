// Entry without automatic loading: call `await torch.init(source)` first, where
// source is a WebAssembly.Module (Cloudflare Workers), the wasm bytes, or a URL.
import { setTensorCheck } from './tensor/scope.js';
import { isTensor } from './tensor/tensor.js';

setTensorCheck(isTensor);

export * from './api.js';
