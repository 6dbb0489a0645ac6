// Runtime matrix: Cloudflare workerd (npm `workerd`, raw `workerd serve` with a capnp
// config). The worker bundle is assembled in a temporary folder: the worker,
// dist/manual.js, dist/torch.wasm (imported as a compiled module), the shared checks,
// and for the generation check the tiny GPT model module, its weights (a data module)
// and the fixture's case (a JSON module).
import { spawn } from 'node:child_process';
import { mkdtempSync, copyFileSync, writeFileSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from './smoke.mjs';
import { readTinyGpt } from './generation.mjs';
import * as tinyGpt from '../../examples/tiny_gpt_model.mjs';
import { workerdBin } from './workerd_bin.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Two workers on the same bundle: one with a current compatibility date, and one with a
// date before 2025-05-05, where Workers have no FinalizationRegistry or WeakRef.
const WORKERS = { current: '2026-01-01', legacy: '2025-01-01' };

const capnp = (ports) => `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
${Object.keys(WORKERS).map((n) => `    (name = "${n}", worker = .${n}),`).join('\n')}
  ],
  sockets = [
${Object.keys(WORKERS).map((n) => `    (name = "${n}", address = "127.0.0.1:${ports[n]}", http = (), service = "${n}"),`).join('\n')}
  ],
);
${Object.entries(WORKERS).map(([n, date]) => `const ${n} :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "manual.js", esModule = embed "manual.js"),
    (name = "smoke.mjs", esModule = embed "smoke.mjs"),
    (name = "using.mjs", esModule = embed "using.mjs"),
    (name = "generation.mjs", esModule = embed "generation.mjs"),
    (name = "tiny_gpt_model.mjs", esModule = embed "tiny_gpt_model.mjs"),
    (name = "tiny_gpt.json", json = embed "tiny_gpt.json"),
    (name = "tiny_gpt.pt", data = embed "tiny_gpt.pt"),
    (name = "torch.wasm", wasm = embed "torch.wasm"),
  ],
  compatibilityDate = "${date}",
);`).join('\n')}
`;

async function ask(url, deadline) {
  for (;;) {
    if (exited) throw new Error(`workerd exited early:\n${logs}`);
    try {
      const body = await (await fetch(url)).json();
      if (body.error) throw Object.assign(new Error(body.error), { fatal: true });
      return body;
    } catch (e) {
      if (e.fatal) throw e;
      if (Date.now() > deadline) throw new Error(`workerd did not answer within 60 s: ${e}\n${logs}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

mkdirSync(join(root, 'test', '.tmp'), { recursive: true });
const dir = mkdtempSync(join(root, 'test', '.tmp', 'workerd-'));
copyFileSync(join(here, 'workerd_worker.mjs'), join(dir, 'worker.mjs'));
copyFileSync(join(here, 'smoke.mjs'), join(dir, 'smoke.mjs'));
copyFileSync(join(here, 'using.mjs'), join(dir, 'using.mjs'));
copyFileSync(join(here, 'generation.mjs'), join(dir, 'generation.mjs'));
copyFileSync(join(root, 'examples', 'tiny_gpt_model.mjs'), join(dir, 'tiny_gpt_model.mjs'));
const fixtures = process.env.CONFORMANCE_DIR || join(root, '..', 'shared', 'conformance');
const [gpt, weights] = readTinyGpt(tinyGpt, fixtures, (p) => readFileSync(p, 'utf8'), (p) => readFileSync(p));
writeFileSync(join(dir, 'tiny_gpt.json'), JSON.stringify(gpt));
writeFileSync(join(dir, 'tiny_gpt.pt'), weights);
copyFileSync(join(root, 'dist', 'manual.js'), join(dir, 'manual.js'));
copyFileSync(join(root, 'dist', 'torch.wasm'), join(dir, 'torch.wasm'));
const ports = {};
for (const n of Object.keys(WORKERS)) ports[n] = await freePort();
writeFileSync(join(dir, 'config.capnp'), capnp(ports));

const proc = spawn(workerdBin, ['serve', join(dir, 'config.capnp')], { stdio: ['ignore', 'pipe', 'pipe'] });
let logs = '';
proc.stdout.on('data', (d) => (logs += d));
proc.stderr.on('data', (d) => (logs += d));
let exited = false;
proc.on('exit', () => (exited = true));

let result;
try {
  const deadline = Date.now() + 60_000;
  for (const [n, date] of Object.entries(WORKERS)) {
    const r = await ask(`http://127.0.0.1:${ports[n]}/`, deadline);
    // The legacy worker must really lack FinalizationRegistry, or it tests nothing new.
    const expectFR = n === 'current';
    r.checks.push({ name: `FinalizationRegistry ${expectFR ? 'present' : 'absent'}`, ok: r.finalizationRegistry === expectFR, detail: String(r.finalizationRegistry) });
    r.ok = r.ok && r.finalizationRegistry === expectFR;
    for (const k of r.checks) k.name = `[compat ${date}] ${k.name}`;
    if (!result) result = r;
    else {
      result.checks.push(...r.checks);
      result.ok = result.ok && r.ok;
    }
  }
} catch (e) {
  console.error(String(e.message ?? e));
  result = { ok: false, printed: '', relaxedSimdSupported: false, checks: [{ name: 'worker ran', ok: false, detail: String(e.message ?? e).split('\n')[0] }], memory: {} };
} finally {
  proc.kill();
  rmSync(dir, { recursive: true, force: true });
}
if (logs.trim()) console.log(logs.trim());
report('workerd', result);
process.exitCode = result.ok ? 0 : 1;
