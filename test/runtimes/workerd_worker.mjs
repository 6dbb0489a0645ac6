// Runs inside Cloudflare workerd (started by workerd.mjs). workerd refuses to compile
// wasm bytes, so the worker imports the .wasm as a compiled WebAssembly.Module and
// hands it to torchwasm/manual's init(), as a deployed Worker would. The tiny GPT's
// weights arrive as a data module (an ArrayBuffer), its fixture case as a JSON module.
import * as torch from './manual.js';
import wasmModule from './torch.wasm';
import gptWeights from './tiny_gpt.pt';
import gpt from './tiny_gpt.json';
import * as tinyGpt from './tiny_gpt_model.mjs';
import { smoke } from './smoke.mjs';
import { usingCheck } from './using.mjs';
import { generationCheck } from './generation.mjs';

export default {
  async fetch() {
    try {
      const isModule = wasmModule instanceof WebAssembly.Module;
      await torch.init(wasmModule);
      const result = generationCheck(torch, usingCheck(torch, smoke(torch)), tinyGpt, gpt, gptWeights);
      result.checks.push({ name: 'init(WebAssembly.Module)', ok: isModule, detail: isModule ? '' : typeof wasmModule });
      result.ok = result.ok && isModule;
      result.finalizationRegistry = typeof FinalizationRegistry === 'function';
      return Response.json(result);
    } catch (e) {
      return Response.json({ ok: false, error: String(e && e.stack ? e.stack : e) });
    }
  },
};
