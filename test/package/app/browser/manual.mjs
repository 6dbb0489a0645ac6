// Browser page, manual entry: init() gets a fetch Response or a promise of one.
// ?wasm=<url>&mode=promise|response|stream-fails&streamed=<expected instantiateStreaming calls>
import * as torch from 'torchwasm/manual';
import { smoke } from '../smoke.mjs';

const params = new URLSearchParams(location.search);
try {
  const mode = params.get('mode');
  let streamed = 0;
  const streaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = (...args) => {
    streamed++;
    // 'stream-fails': a host whose streaming compile rejects; init must fall back to bytes
    if (mode === 'stream-fails') return Promise.reject(new TypeError('streaming compile refused'));
    return streaming.apply(WebAssembly, args);
  };
  const request = fetch(params.get('wasm'));
  await torch.init(mode === 'promise' ? request : await request);
  const result = smoke(torch);
  const ok = streamed === Number(params.get('streamed'));
  result.checks.push({ name: `init(${mode}): instantiateStreaming called ${params.get('streamed')} time(s)`, ok, detail: ok ? '' : `called ${streamed} times` });
  result.ok = result.ok && ok;
  globalThis.__result = result;
} catch (e) {
  globalThis.__result = { ok: false, error: String(e && e.stack ? e.stack : e) };
}
