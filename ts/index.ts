// Default entry: loads the wasm module next to this bundle with top-level await,
// so `import * as torch from 'torchwasm'` is ready to use. Cloudflare Workers and
// other hosts that must pass a compiled module use 'torchwasm/manual' and init().
import { init } from './wasm/loader.js';
import './install.js';
await init();

export * from './api.js';
