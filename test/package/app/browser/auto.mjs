// Browser page, default entry: bundled with esbuild --platform=browser; the wasm files
// were copied next to the bundle, where the loader finds them. Also checks that an error
// thrown in a Web Worker reaches the page with its class and message (see README).
import * as torch from 'torchwasm';
import { smoke } from '../smoke.mjs';
import { usingCheck } from '../using.mjs';

/** Re-creates an error posted by a worker as { name, message }: torch's own classes by name. */
function rethrown(data) {
  const Cls = typeof torch[data.name] === 'function' && torch[data.name].prototype instanceof Error ? torch[data.name] : Error;
  return new Cls(data.message);
}

try {
  const result = usingCheck(torch, smoke(torch));
  const check = (name, ok, detail = '') => {
    result.checks.push({ name, ok: !!ok, detail: ok ? '' : String(detail) });
    result.ok = result.ok && !!ok;
  };
  check('relaxed SIMD build picked where it validates', torch.relaxedSimdSupported());
  const worker = new Worker(new URL('./error_worker.js', import.meta.url), { type: 'module' });
  const data = await new Promise((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
  });
  worker.terminate();
  const e = rethrown(data);
  check('worker error keeps its class across postMessage', e instanceof torch.RuntimeError && e.name === 'RuntimeError', `${e.name}`);
  check('worker error keeps its message', e.message === "shape '[3]' is invalid for input of size 2", e.message);
  check('worker computed before the error', data.sum === 6, data.sum);
  globalThis.__result = result;
} catch (e) {
  globalThis.__result = { ok: false, error: String(e && e.stack ? e.stack : e) };
}
