// Node ESM from the installed tarball: the default entry loads the wasm by itself;
// the manual entry and the wasm files resolve through the exports map.
import * as torch from 'torchwasm';
import * as manual from 'torchwasm/manual';
import { inspect } from 'node:util';
import { readFile } from 'node:fs/promises';
import { smoke, report } from './smoke.mjs';

const result = smoke(torch, inspect);
const check = (name, ok, detail = '') => {
  result.checks.push({ name, ok: !!ok, detail: ok ? '' : String(detail) });
  result.ok = result.ok && !!ok;
};
for (const file of ['torchwasm/torch.wasm', 'torchwasm/torch-relaxed.wasm', 'torchwasm/package.json']) {
  const url = import.meta.resolve(file);
  const bytes = await readFile(new URL(url));
  check(`${file} resolves to a file of the package`, url.includes('/node_modules/torchwasm/') && bytes.length > 0, url);
}
const wasmBytes = await readFile(new URL(import.meta.resolve('torchwasm/torch.wasm')));
await manual.init(wasmBytes);
const t = manual.arange(4).mul(2);
check('torchwasm/manual after init(bytes)', JSON.stringify(t.tolist()) === '[0,2,4,6]', JSON.stringify(t.tolist()));
t.dispose();
report('node', result);
process.exitCode = result.ok ? 0 : 1;
