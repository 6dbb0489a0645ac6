// Runs inside headless Chromium (loaded by chromium.mjs): the smoke check on
// dist/index.js, which fetches torch(-relaxed).wasm with instantiateStreaming, and the
// tiny GPT generation check on the fixture chromium.mjs serves.
import { smoke } from './smoke.mjs';
import { usingCheck } from './using.mjs';
import { generationCheck } from './generation.mjs';
import { threadsCheck } from './threads.mjs';
import * as tinyGpt from '../../examples/tiny_gpt_model.mjs';

try {
  const torch = await import('../../dist/index.js');
  const gpt = await (await fetch('/fixtures/tiny_gpt.json')).json();
  const weights = new Uint8Array(await (await fetch('/fixtures/tiny_gpt.pt')).arrayBuffer());
  const result = await threadsCheck(torch, generationCheck(torch, usingCheck(torch, smoke(torch)), tinyGpt, gpt, weights));
  result.crossOriginIsolated = globalThis.crossOriginIsolated === true;
  globalThis.__result = result;
} catch (e) {
  globalThis.__result = { ok: false, error: String(e && e.stack ? e.stack : e) };
}
