// Runtime matrix: headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) loading dist/ from a localhost server.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from './static_server.mjs';
import { report } from './smoke.mjs';
import { readTinyGpt } from './generation.mjs';
import * as tinyGpt from '../../examples/tiny_gpt_model.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps retrying closed network connections.
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];

const page = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/test/runtimes/chromium_page.mjs"></script>';
// the generation check's fixture: the case as JSON and the weights file, served to the page
const fixtures = process.env.CONFORMANCE_DIR || fileURLToPath(new URL('../../../shared/conformance', import.meta.url));
const [gpt, weights] = readTinyGpt(tinyGpt, fixtures, (p) => readFileSync(p, 'utf8'), (p) => readFileSync(p));
const { server, url } = await serve(root, {
  '/': page,
  '/fixtures/tiny_gpt.json': { type: 'application/json', body: JSON.stringify(gpt) },
  '/fixtures/tiny_gpt.pt': { type: 'application/octet-stream', body: weights },
});
let browser;
let result;
try {
  browser = await chromium.launch({ executablePath, args, timeout: 60_000 });
  const tab = await browser.newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(String(e)));
  tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await tab.goto(`${url}/`);
  await tab.waitForFunction(() => globalThis.__result !== undefined, null, { timeout: 60_000 });
  result = await tab.evaluate(() => globalThis.__result);
  if (result.error || errors.length) {
    console.error(result.error ?? '', errors.join('\n'));
    result = { ok: false, printed: '', relaxedSimdSupported: false, checks: [{ name: 'page ran', ok: false, detail: result.error ?? errors.join('; ') }], memory: {} };
  } else {
    const isolated = result.crossOriginIsolated;
    result.checks.push({ name: 'page is cross-origin isolated (COOP/COEP)', ok: isolated, detail: isolated ? '' : 'crossOriginIsolated is false' });
    result.ok = result.ok && isolated;
  }
} finally {
  await browser?.close();
  server.close();
}
report('chromium', result);
process.exitCode = result.ok ? 0 : 1;
