// Cloudflare workerd: 'torchwasm' resolves to the manual entry under the workerd
// condition, and the wasm is imported as a compiled WebAssembly.Module.
import * as torch from 'torchwasm';
import wasm from 'torchwasm/torch.wasm';
import { smoke } from './smoke.mjs';
import { usingCheck } from './using.mjs';

export default {
  async fetch() {
    try {
      let before = '';
      try {
        torch.ones(1);
      } catch (e) {
        before = e.message;
      }
      await torch.init(wasm);
      const result = usingCheck(torch, smoke(torch));
      const check = (name, ok, detail = '') => {
        result.checks.push({ name, ok: !!ok, detail: ok ? '' : String(detail) });
        result.ok = result.ok && !!ok;
      };
      check('the workerd condition gives the manual entry (nothing loaded before init)', /not loaded yet/.test(before), before || 'an op ran before init');
      check('torchwasm/torch.wasm is a WebAssembly.Module', wasm instanceof WebAssembly.Module, typeof wasm);
      return Response.json(result);
    } catch (e) {
      return Response.json({ ok: false, error: String(e && e.stack ? e.stack : e) });
    }
  },
};
