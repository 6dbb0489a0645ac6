// The libraries under comparison, each set up once per process: our runtime (dist/),
// TensorFlow.js with its WebAssembly backend (XNNPACK, one thread in Node) and its
// plain-JS CPU backend (with tfjs-layers for the Module rows), and onnxruntime-web
// (wasm; one thread, or the threads child's BENCH_THREADS) with the ONNX graphs of
// bench/models (exported by bench/export_onnx.py) and ../shared/bench/models (or
// $BENCH_MODELS).

import { createRequire } from 'node:module';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'package.json'));
export const MODELS_DIR = process.env.BENCH_MODELS ?? join(here, '..', '..', 'shared', 'bench', 'models');
/** The graphs bench/export_onnx.py writes (committed). */
const OWN_MODELS_DIR = join(here, 'models');

export async function loadOurs() {
  return import('../dist/index.js');
}

/** A second instance of our runtime (dist/manual.js) loaded with init `options`: the
 * strict single-thread build ({ relaxed: false, threads: false }) beside the relaxed or
 * the threads build, to compare them in one process. */
export async function loadOursInstance(options) {
  const torch = await import('../dist/manual.js');
  await torch.init(undefined, options);
  return torch;
}

/**
 * tfjs-core alone registers no gradients: the @tensorflow/tfjs umbrella package imports
 * dist/register_all_gradients, whose extensionless ESM imports Node cannot resolve, so
 * it is bundled with esbuild first. Registrations go to tfjs' global registry.
 */
async function registerTfjsGradients() {
  const { build } = await import('esbuild');
  const out = join(os.tmpdir(), 'torchwasm-bench-tfjs-gradients.mjs');
  await build({
    entryPoints: [require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js')],
    bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error',
  });
  await import(pathToFileURL(out).href);
}

/**
 * Why tfjs-backend-wasm cannot run its XNNPACK thread pool here, or null when it can.
 * It loads its threaded binary only where it detects multithread support; under Node it
 * reports none (tensorflow/tfjs#3830). Forcing the flag does not help: its pthread
 * workers are blob: URLs, which Node's worker_threads refuses (ERR_WORKER_PATH).
 */
export async function tfjsWasmNoThreads() {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-wasm'); // registers the WASM_* flags
  if (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) return null;
  const { version } = require('@tensorflow/tfjs-backend-wasm/package.json');
  const where = tf.env().get('IS_NODE') ? ' under Node, tensorflow/tfjs#3830' : '';
  return `tfjs-backend-wasm ${version} reports WASM_HAS_MULTITHREAD_SUPPORT false${where}, so it loads its one-thread binary`;
}

/** tfjs-core with a backend made current: 'wasm' or 'cpu'. Tensors belong to the backend
 * that was current when they were made, so callers switch with use(). `layers` is
 * @tensorflow/tfjs-layers (tf.layers, tf.sequential), or null when it is not installed.
 * `threads` > 0 sizes the wasm backend's thread pool (only where tfjsWasmNoThreads()
 * is null); 0 leaves tfjs' default (one thread where it has no threads, as in Node). */
export async function loadTfjs({ threads = 0 } = {}) {
  const tf = await import('@tensorflow/tfjs-core');
  await registerTfjsGradients();
  await import('@tensorflow/tfjs-backend-cpu');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  if (threads) wasm.setThreadsCount(threads); // read when the backend initialises
  // silence tfjs' "hi there" banner and platform warnings
  const [log, warn] = [console.log, console.warn];
  console.log = console.warn = () => {};
  let layers = null;
  try {
    layers = await import('@tensorflow/tfjs-layers').catch((e) => {
      if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
      return null;
    });
    await tf.setBackend('wasm');
    await tf.ready();
    await tf.setBackend('cpu');
    await tf.ready();
  } finally {
    [console.log, console.warn] = [log, warn];
  }
  if (threads && wasm.getThreadsCount() !== threads) throw new Error(`tfjs-wasm started ${wasm.getThreadsCount()} thread(s), not ${threads}`);
  return {
    tf,
    layers,
    async use(name) {
      if (tf.getBackend() !== name) await tf.setBackend(name);
    },
  };
}

/** onnxruntime-web with `threads` threads (its wasm starts at the first session). */
export async function loadOrt(threads = 1) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  return {
    ort,
    async session(file) {
      const path = [join(OWN_MODELS_DIR, file), join(MODELS_DIR, file)].find((p) => existsSync(p));
      if (!path) return null;
      const s = await ort.InferenceSession.create(readFileSync(path), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      // where wasm threads cannot run, onnxruntime-web falls back to one thread and says so in numThreads
      if (ort.env.wasm.numThreads !== threads) throw new Error(`onnxruntime-web runs ${ort.env.wasm.numThreads} thread(s), not ${threads}`);
      return s;
    },
  };
}
