// Deno with an npm: specifier, resolved from the project's node_modules
// (deno run --node-modules-dir=manual): no registry access. The manual entry then
// loads from a fetch Response served as application/wasm (streaming compilation).
import * as torch from 'npm:torchwasm';
import * as manual from 'npm:torchwasm/manual';
// @ts-types="./smoke.d.ts"
import { smoke, report } from './smoke.mjs';
// @ts-types="./smoke.d.ts"
import { usingCheck } from './using.mjs';

const x: torch.Tensor = torch.tensor([1, 2, 3], { dtype: torch.float32 });
x.dispose();
const result = usingCheck(torch, smoke(torch, Deno.inspect));
const check = (name: string, ok: boolean, detail = '') => {
  result.checks.push({ name, ok, detail: ok ? '' : detail });
  result.ok = result.ok && ok;
};

const wasm = await Deno.readFile(new URL('./node_modules/torchwasm/dist/torch.wasm', import.meta.url));
const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, () =>
  new Response(wasm, { headers: { 'Content-Type': 'application/wasm' } }));
let streamed = 0;
const streaming = WebAssembly.instantiateStreaming;
WebAssembly.instantiateStreaming = (...args: Parameters<typeof streaming>) => {
  streamed++;
  return streaming.apply(WebAssembly, args);
};
await manual.init(fetch(`http://127.0.0.1:${server.addr.port}/torch.wasm`));
await server.shutdown();
const t = manual.arange(4).mul(2);
check('torchwasm/manual after init(fetch(...)) from an application/wasm server', JSON.stringify(t.tolist()) === '[0,2,4,6]', JSON.stringify(t.tolist()));
check('init streamed the Response (instantiateStreaming)', streamed === 1, `called ${streamed} times`);
t.dispose();

report('deno', result);
if (!result.ok) Deno.exit(1);
