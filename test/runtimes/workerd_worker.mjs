// Runs inside Cloudflare workerd (started by workerd.mjs). workerd refuses to compile
// wasm bytes, so the worker imports the .wasm as a compiled WebAssembly.Module and
// hands it to torchwasm/manual's init(), as a deployed Worker would.
import * as torch from './manual.js';
import wasmModule from './torch.wasm';
import { smoke } from './smoke.mjs';
import { usingCheck } from './using.mjs';

export default {
  async fetch() {
    try {
      const isModule = wasmModule instanceof WebAssembly.Module;
      await torch.init(wasmModule);
      const result = usingCheck(torch, smoke(torch));
      result.checks.push({ name: 'init(WebAssembly.Module)', ok: isModule, detail: isModule ? '' : typeof wasmModule });
      result.ok = result.ok && isModule;
      result.finalizationRegistry = typeof FinalizationRegistry === 'function';
      return Response.json(result);
    } catch (e) {
      return Response.json({ ok: false, error: String(e && e.stack ? e.stack : e) });
    }
  },
};
