#!/usr/bin/env node
// `npm test`: the release build, the crate's host tests, and vitest (every
// test/**/*.test.ts, which includes the runtime matrix in test/runtimes.test.ts).
// Each tool's counts are parsed and summed; the last line is `N passed, N failed`,
// and the exit code is non-zero when anything failed (a step that fails without
// reporting a failed test counts as one failure).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
let current = null; // the running step's child process (its own process group)
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (current) try { process.kill(-current.pid, 'SIGKILL'); } catch { /* already gone */ }
    process.exit(130);
  });
}
const tmp = join(root, 'test', '.tmp');
mkdirSync(tmp, { recursive: true });

/**
 * Runs a command from the package root, echoing its output; resolves {code, output}.
 * A step running past `minutes` is killed (with its children) and fails, so a hanging
 * test cannot stall the suite.
 */
function run(cmd, args, env = {}, minutes = 15) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    current = child;
    let output = '';
    const timer = setTimeout(() => {
      const msg = `\nrun-all: ${cmd} took longer than ${minutes} min; killed\n`;
      output += msg;
      process.stderr.write(msg);
      try {
        process.kill(-child.pid, 'SIGKILL'); // the whole process group it started
      } catch {
        child.kill('SIGKILL');
      }
    }, minutes * 60_000);
    child.on('close', () => {
      clearTimeout(timer);
      current = null;
    });
    child.stdout.on('data', (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      output += d;
      process.stderr.write(d);
    });
    child.on('error', (e) => resolve({ code: -1, output: `${output}\n${e.message}` }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

const steps = [];
function record(name, passed, failed, code, note = '') {
  // A tool that exits non-zero without reporting a failed test (a compile error, a
  // crash, a test file that cannot load) still counts as one failure.
  if (code !== 0 && failed === 0) failed = 1;
  steps.push({ name, passed, failed, note });
}

const t0 = Date.now();

// 1. Full release build (both wasm variants, wasm-opt, bundles, .d.ts).
const build = await run(join(root, 'build.sh'), [], { BUILD_MODE: 'release' }, 20);
record('build (./build.sh)', 0, 0, build.code);

// 2. The crate's kernels against naive references, on the host.
const cargo = await run('/usr/bin/cargo', ['test', '--offline'], { RUSTC: '/usr/bin/rustc', CARGO_TERM_COLOR: 'never' }, 20);
let cargoPassed = 0;
let cargoFailed = 0;
for (const m of cargo.output.matchAll(/^test result: \w+\. (\d+) passed; (\d+) failed;/gm)) {
  cargoPassed += Number(m[1]);
  cargoFailed += Number(m[2]);
}
record('cargo test', cargoPassed, cargoFailed, cargo.code);

// 3. vitest: unit tests, the runtime matrix. They test dist/, so they need the build.
if (build.code === 0) {
  const report = join(tmp, 'vitest-report.json');
  rmSync(report, { force: true });
  const vitest = await run(join(root, 'node_modules', '.bin', 'vitest'), [
    'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`,
  ], {}, 15);
  let passed = 0;
  let failed = 0;
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed = r.numPassedTests;
    failed = r.numFailedTests;
    // A file that failed to load has no test results of its own.
    for (const file of r.testResults ?? []) {
      if (file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed')) failed++;
    }
  }
  record('vitest (unit tests + runtime matrix)', passed, failed, vitest.code);
} else {
  record('vitest (unit tests + runtime matrix)', 0, 1, 1, 'not run: the build failed');
}

console.log('\nSummary');
for (const s of steps) {
  console.log(`  ${s.failed ? 'FAIL' : 'ok  '} ${s.name.padEnd(40)} ${String(s.passed).padStart(5)} passed, ${s.failed} failed${s.note ? `  (${s.note})` : ''}`);
}
console.log(`  time ${((Date.now() - t0) / 1000).toFixed(0)} s`);
const passed = steps.reduce((n, s) => n + s.passed, 0);
const failed = steps.reduce((n, s) => n + s.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
