// The tarball test: `npm pack` the built package, install the tarball into a fresh empty
// project (offline: torchwasm has no runtime dependencies), then use it from there the
// way users do, one leg per runtime or tool. test/package.test.ts runs the legs from
// vitest; `node test/package/run.mjs [leg ...]` runs them from the command line.
import { spawn } from 'node:child_process';
import { cpSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerdBin } from '../runtimes/workerd_bin.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
/** What the package ships: build.sh makes them (the test does not build). */
const SHIPPED = ['dist/index.js', 'dist/manual.js', 'dist/torch.wasm', 'dist/torch-relaxed.wasm', 'dist/torch-threads.wasm', 'dist/types/index.d.ts', 'dist/types/manual.d.ts'];

/** Runs a command; resolves { code, output } (stdout and stderr), killed after `timeoutMs`. */
export function run(cmd, args, { cwd, env = {}, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeoutMs / 1000} s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, output: `${output}\n${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** The RESULT line a consumer script printed (test/runtimes/smoke.mjs's report), or null. */
function resultLine(output) {
  const line = output.split('\n').reverse().find((l) => l.startsWith('RESULT '));
  try {
    return line ? JSON.parse(line.slice(7)) : null;
  } catch {
    return null;
  }
}
const fromReport = ({ code, output }) => {
  const r = resultLine(output);
  return { ok: code === 0 && r !== null && r.ok === true && r.memory?.bytesInUse === 0, output };
};

/**
 * Packs the package and installs the tarball into a new project in a temporary folder,
 * with the consumer files of test/package/app. Returns { dir, tarball, tmp, pkg }.
 */
export async function preparePackage() {
  const missing = SHIPPED.filter((f) => !existsSync(join(root, f)));
  if (missing.length) throw new Error(`dist/ is not built (missing ${missing.join(', ')}): run ./build.sh first`);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies']) {
    if (pkg[field] && Object.keys(pkg[field]).length) throw new Error(`torchwasm must install offline, but package.json has ${field}`);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'torchwasm-package-'));
  const packed = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: root, timeoutMs: 120_000 });
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.output}`);
  const info = JSON.parse(packed.output.slice(packed.output.indexOf('[')))[0];
  const tarball = join(tmp, info.filename);
  const dir = join(tmp, 'app');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'app', private: true, type: 'module' }, null, 2)}\n`);
  const installed = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: dir, timeoutMs: 120_000 });
  if (installed.code !== 0) throw new Error(`npm install of the tarball failed:\n${installed.output}`);
  cpSync(join(root, 'test', 'package', 'app'), dir, { recursive: true });
  for (const f of ['smoke.mjs', 'using.mjs']) copyFileSync(join(root, 'test', 'runtimes', f), join(dir, f));
  return { dir, tarball, tmp, files: info.files.map((f) => f.path) };
}

export function cleanup(ctx) {
  if (ctx?.tmp) rmSync(ctx.tmp, { recursive: true, force: true });
}

/** tsc --noEmit over ts/use.ts (must be clean) and ts/bad.ts (exactly its two deliberate errors). */
async function typescript(ctx, resolution) {
  const r = await run(bin('tsc'), ['-p', `tsconfig.${resolution}.json`], { cwd: ctx.dir });
  const errors = r.output.split('\n').filter((l) => /error TS\d+/.test(l));
  const expected = [/^ts\/bad\.ts\(5,7\): error TS2322: Type 'number' is not assignable to type 'string'\./,
    /^ts\/bad\.ts\(6,30\): error TS2322: Type 'string' is not assignable to type 'boolean \| undefined'\./];
  const ok = r.code !== 0 && errors.length === expected.length && expected.every((re, i) => re.test(errors[i]));
  return { ok, output: r.output || '(no output: the deliberate type errors were not reported)' };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createNetServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const TYPES = { '.js': 'text/javascript', '.html': 'text/html; charset=utf-8', '.wasm': 'application/wasm' };

/** Serves `dir` on localhost; files under /octet/ go out as application/octet-stream. */
function serveStatic(dir) {
  const server = createHttpServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    const type = path.startsWith('/octet/') ? 'application/octet-stream' : TYPES[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` })));
}

/** esbuild bundles for the browser from the project (its node_modules/torchwasm, browser conditions). */
async function bundleBrowser(ctx) {
  const { build } = await import('esbuild');
  const web = join(ctx.dir, 'web');
  const common = { absWorkingDir: ctx.dir, bundle: true, platform: 'browser', format: 'esm', target: 'es2022', logLevel: 'silent' };
  await build({ ...common, entryPoints: { 'auto/bundle': 'browser/auto.mjs', 'auto/error_worker': 'browser/error_worker.mjs', 'manual/bundle': 'browser/manual.mjs' }, outdir: web });
  // The default entry finds the wasm next to the bundle: the user copies it there.
  const req = createRequire(join(ctx.dir, 'package.json'));
  for (const f of ['torch.wasm', 'torch-relaxed.wasm', 'torch-threads.wasm']) copyFileSync(req.resolve(`torchwasm/${f}`), join(web, 'auto', f));
  for (const d of ['wasm', 'octet']) {
    mkdirSync(join(web, d));
    copyFileSync(req.resolve('torchwasm/torch.wasm'), join(web, d, 'torch.wasm'));
  }
  const page = (src) => `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="${src}"></script>`;
  writeFileSync(join(web, 'auto', 'index.html'), page('./bundle.js'));
  writeFileSync(join(web, 'manual', 'index.html'), page('./bundle.js'));
  return web;
}

async function browser(ctx) {
  const web = await bundleBrowser(ctx);
  const { chromium } = await import('playwright-core');
  const { server, url } = await serveStatic(web);
  const pages = [
    ['default entry, wasm next to the bundle', '/auto/'],
    ['init(fetch(...)) served as application/wasm', '/manual/?wasm=/wasm/torch.wasm&mode=promise&streamed=1'],
    ['init(await fetch(...)) served as application/wasm', '/manual/?wasm=/wasm/torch.wasm&mode=response&streamed=1'],
    ['init(fetch(...)) served as application/octet-stream', '/manual/?wasm=/octet/torch.wasm&mode=promise&streamed=0'],
    ['init(fetch(...)) where streaming compile fails', '/manual/?wasm=/wasm/torch.wasm&mode=stream-fails&streamed=1'],
  ];
  let output = '';
  let ok = true;
  let browserInstance;
  try {
    browserInstance = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
      timeout: 60_000,
    });
    for (const [name, path] of pages) {
      const tab = await browserInstance.newPage();
      const errors = [];
      tab.on('pageerror', (e) => errors.push(String(e)));
      tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await tab.goto(url + path);
      await tab.waitForFunction(() => globalThis.__result !== undefined, null, { timeout: 30_000 });
      const r = await tab.evaluate(() => globalThis.__result);
      await tab.close();
      const pass = r.ok === true && r.memory?.end?.bytesInUse === 0 && errors.length === 0;
      ok = ok && pass;
      output += `${pass ? 'ok  ' : 'FAIL'} ${name}\n`;
      if (!pass) output += `${r.error ?? ''}${(r.checks ?? []).filter((k) => !k.ok).map((k) => `  ${k.name}: ${k.detail}\n`).join('')}${errors.join('\n')}\n`;
    }
  } catch (e) {
    ok = false;
    output += `${e.stack ?? e}\n`;
  } finally {
    await browserInstance?.close();
    server.close();
  }
  return { ok, output };
}

/** Bundles worker.mjs as wrangler does (workerd conditions; .wasm imports stay modules). */
async function bundleWorker(ctx) {
  const { build } = await import('esbuild');
  const out = join(ctx.dir, 'worker');
  mkdirSync(out);
  const wasmModules = {
    name: 'wasm-modules',
    setup(b) {
      b.onResolve({ filter: /\.wasm$/ }, async (args) => {
        if (args.pluginData === 'wasm') return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'wasm' });
        if (r.errors.length) return { errors: r.errors };
        const name = r.path.split('/').pop();
        copyFileSync(r.path, join(out, name));
        return { path: `./${name}`, external: true };
      });
    },
  };
  await build({
    absWorkingDir: ctx.dir, entryPoints: ['worker.mjs'], outfile: join(out, 'worker.js'), bundle: true,
    format: 'esm', platform: 'neutral', conditions: ['workerd', 'worker', 'browser'], target: 'es2022',
    plugins: [wasmModules], logLevel: 'silent',
  });
  return out;
}

async function workerd(ctx) {
  const out = await bundleWorker(ctx);
  const port = await freePort();
  writeFileSync(join(out, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "torch.wasm", wasm = embed "torch.wasm"),
  ],
  compatibilityDate = "2026-01-01",
);
`);
  const proc = spawn(workerdBin, ['serve', join(out, 'config.capnp')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  proc.stdout.on('data', (d) => (logs += d));
  proc.stderr.on('data', (d) => (logs += d));
  let exited = false;
  proc.on('exit', () => (exited = true));
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) return { ok: false, output: `workerd exited:\n${logs}` };
      try {
        const r = await (await fetch(`http://127.0.0.1:${port}/`)).json();
        const failed = (r.checks ?? []).filter((k) => !k.ok).map((k) => `${k.name}: ${k.detail}`);
        return { ok: r.ok === true && r.memory?.end?.bytesInUse === 0, output: `${r.error ?? ''}${failed.join('\n')}\n${logs}` };
      } catch (e) {
        if (Date.now() > deadline) return { ok: false, output: `workerd did not answer within 60 s: ${e}\n${logs}` };
        await new Promise((res) => setTimeout(res, 100));
      }
    }
  } finally {
    proc.kill();
  }
}

/** name -> (ctx) => Promise<{ ok, output }>; each runs from the installed project. */
export const LEGS = {
  'node (ESM)': async (ctx) => fromReport(await run(process.execPath, ['node.mjs'], { cwd: ctx.dir })),
  'typescript (moduleResolution bundler)': (ctx) => typescript(ctx, 'bundler'),
  'typescript (moduleResolution node16)': (ctx) => typescript(ctx, 'node16'),
  'deno (npm: specifier)': async (ctx) => {
    const env = { DENO_DIR: join(ctx.tmp, 'deno'), DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' };
    const checked = await run(bin('deno'), ['check', '--node-modules-dir=manual', 'deno.ts'], { cwd: ctx.dir, env });
    if (checked.code !== 0) return { ok: false, output: `deno check failed:\n${checked.output}` };
    return fromReport(await run(bin('deno'), ['run', '--allow-read', '--allow-net=127.0.0.1', '--node-modules-dir=manual', '--no-prompt', 'deno.ts'], { cwd: ctx.dir, env }));
  },
  bun: async (ctx) => fromReport(await run(bin('bun'), ['bun.mjs'], { cwd: ctx.dir })),
  'browser bundle (esbuild, Chromium)': browser,
  'workerd (bundled Worker)': workerd,
};
