// Entry without automatic loading: call `await torch.init(source)` first, where
// source is a WebAssembly.Module (Cloudflare Workers), the wasm bytes, or a URL.
import './install.js';

export * from './api.js';
