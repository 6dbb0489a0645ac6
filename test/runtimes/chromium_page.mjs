// Runs inside headless Chromium (loaded by chromium.mjs): the smoke check on
// dist/index.js, which fetches torch(-relaxed).wasm with instantiateStreaming.
import { smoke } from './smoke.mjs';
import { usingCheck } from './using.mjs';

try {
  const torch = await import('../../dist/index.js');
  const result = usingCheck(torch, smoke(torch));
  result.crossOriginIsolated = globalThis.crossOriginIsolated === true;
  globalThis.__result = result;
} catch (e) {
  globalThis.__result = { ok: false, error: String(e && e.stack ? e.stack : e) };
}
