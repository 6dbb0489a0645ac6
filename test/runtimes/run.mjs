#!/usr/bin/env node
// The runtime matrix: runs the built dist/ in every JavaScript runtime torchwasm
// supports and reports pass/fail per runtime. `node test/runtimes/run.mjs [name ...]`;
// test/runtimes.test.ts runs the same from vitest (so `npm test` covers it).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const script = (name) => join('test', 'runtimes', name);

/** name -> command line (run from the package root); each prints one RESULT line. */
export const RUNTIMES = {
  node: [process.execPath, script('node.mjs')],
  'node-relaxed': [process.execPath, '--experimental-wasm-relaxed-simd', script('node.mjs')],
  deno: [bin('deno'), 'run', '--allow-read', '--allow-env=CONFORMANCE_DIR', '--no-prompt', script('deno.mjs')],
  bun: [bin('bun'), script('bun.mjs')],
  chromium: [process.execPath, script('chromium.mjs')],
  workerd: [process.execPath, script('workerd.mjs')],
  'workerd-example': [process.execPath, script('worker_example.mjs')],
};

/** Environment of a runtime beyond the parent's: the relaxed leg runs the relaxed build, not the threads build. */
const RUNTIME_ENV = { 'node-relaxed': { TORCHWASM_THREADS: '0' } };

/** Runs one runtime's script: { name, ok, result (the RESULT json or null), output, ms }. */
export function runRuntime(name, timeoutMs = 120_000) {
  const [cmd, ...args] = RUNTIMES[name];
  const t0 = Date.now();
  return new Promise((resolve) => {
    const env = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', ...RUNTIME_ENV[name] };
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeoutMs / 1000} s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    const done = (code, error) => {
      clearTimeout(timer);
      if (error) output += `\n${error}`;
      const line = output.split('\n').reverse().find((l) => l.startsWith('RESULT '));
      let result = null;
      try {
        result = line ? JSON.parse(line.slice(7)) : null;
      } catch {
        result = null;
      }
      resolve({ name, ok: code === 0 && result !== null && result.ok === true, result, output, ms: Date.now() - t0 });
    };
    child.on('error', (e) => done(-1, e));
    child.on('close', (code) => done(code));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(RUNTIMES);
  let failed = 0;
  for (const name of names) {
    if (!RUNTIMES[name]) {
      console.log(`unknown runtime ${name}; known: ${Object.keys(RUNTIMES).join(', ')}`);
      failed++;
      continue;
    }
    const r = await runRuntime(name);
    if (!r.ok) {
      failed++;
      console.log(r.output.trimEnd().replace(/^/gm, `  ${name} | `));
    }
    console.log(`${r.ok ? 'PASS' : 'FAIL'} ${name.padEnd(13)} ${(r.ms / 1000).toFixed(1)} s`);
  }
  console.log(`${names.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
