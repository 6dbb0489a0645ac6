// Loading the wasm module in every runtime. This is the only file that knows how
// runtimes differ: Node and Bun read the file, Deno reads it with Deno.readFile,
// browsers fetch it (streaming compilation), and Cloudflare workerd (which refuses to
// compile bytes) passes a precompiled WebAssembly.Module.

import { setInstance, isInitialized } from './heap.js';
import type { KernelExports } from './exports.js';
import { sharedMemorySupported, startPool, coreCount, threadsEnv, type ThreadExports } from './threads.js';

/** What init() loads the kernels from. */
export type WasmSource = WebAssembly.Module | BufferSource | URL | string | Response | PromiseLike<Response>;

export interface InitOptions {
  /** Set false to load the strict simd128 build even where relaxed SIMD validates. */
  relaxed?: boolean;
  /**
   * Set false to load a single-thread build where the threads build could run. A
   * number sets the thread count to start with (as torch.setNumThreads).
   */
  threads?: boolean | number;
}

// (module (func (result v128) v128.const i32x4 0 0 0 0 v128.const ... f32x4.relaxed_madd))
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 253, 133, 2, 11,
]);

/** True where the runtime accepts relaxed-SIMD instructions. */
export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

type NodeProcess = { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown };
type FsPromises = { readFile(url: URL): Promise<Uint8Array> };
type DenoNs = { readFile(url: URL): Promise<Uint8Array> };
const nodeProcess = (globalThis as { process?: NodeProcess }).process;
const deno = (globalThis as { Deno?: DenoNs }).Deno;
const isNode = !!nodeProcess?.versions?.node && deno === undefined;

// Node's fetch has no file: URLs, so Node (and Bun) read the file with fs. A literal
// import('node:fs/promises') would make browser bundlers (esbuild --platform=browser,
// webpack) fail to resolve it: process.getBuiltinModule (Node >= 20.16, Bun) needs no
// import, and older Node 20 releases import a specifier built at run time.
async function nodeFs(): Promise<FsPromises> {
  const builtin = nodeProcess?.getBuiltinModule?.('node:fs/promises') as FsPromises | undefined;
  if (builtin) return builtin;
  const specifier = ['node', 'fs/promises'].join(':');
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as FsPromises;
}

async function readUrl(url: URL): Promise<BufferSource | Response> {
  if (url.protocol === 'file:' && isNode) return (await nodeFs()).readFile(url) as Promise<Uint8Array<ArrayBuffer>>;
  if (url.protocol === 'file:' && deno) return deno.readFile(url) as Promise<Uint8Array<ArrayBuffer>>;
  return fetch(url);
}

// WebAssembly.instantiateStreaming rejects any Content-Type but application/wasm.
const isWasmMime = (res: Response): boolean =>
  (res.headers.get('content-type') ?? '').trim().toLowerCase() === 'application/wasm';

/** A compiled module, and its instance where the loading instantiated it (streaming). */
interface Loaded {
  module: WebAssembly.Module;
  instance?: WebAssembly.Instance;
  /** The shared memory the instance got (the threads build). */
  memory?: WebAssembly.Memory;
}

/** A shared memory for the threads build, or null where shared memory cannot run. */
const sharedMemory = (): WebAssembly.Memory | null =>
  sharedMemorySupported() ? new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true }) : null;

async function fromResponse(res: Response): Promise<Loaded> {
  if (!res.ok) throw new Error(`torchwasm: fetching the wasm module${res.url ? ` from ${res.url}` : ''} failed with HTTP ${res.status}`);
  if (typeof WebAssembly.instantiateStreaming === 'function' && isWasmMime(res)) {
    // Compiles while the bytes arrive. The clone keeps the body readable for the
    // fallback, for hosts whose streaming compile fails where compiling bytes works.
    // A shared memory is offered for the threads build (the other builds ignore it).
    const copy = res.clone();
    const memory = sharedMemory();
    try {
      const { module, instance } = await WebAssembly.instantiateStreaming(res, memory ? { env: { memory } } : {});
      return { module, instance, memory: memory ?? undefined };
    } catch (e) {
      let bytes: ArrayBuffer;
      try {
        bytes = await copy.arrayBuffer();
      } catch {
        throw e;
      }
      return { module: await WebAssembly.compile(bytes) };
    }
  }
  return { module: await WebAssembly.compile(await res.arrayBuffer()) };
}

const isResponse = (x: unknown): x is Response => typeof Response !== 'undefined' && x instanceof Response;
const isThenable = (x: unknown): x is PromiseLike<unknown> =>
  typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';

async function compile(source: WasmSource): Promise<Loaded> {
  if (source instanceof WebAssembly.Module) return { module: source };
  let src: unknown = isThenable(source) ? await source : source;
  if (typeof src === 'string' || src instanceof URL) src = await readUrl(new URL(src));
  if (isResponse(src)) return fromResponse(src);
  if (ArrayBuffer.isView(src) || src instanceof ArrayBuffer) return { module: await WebAssembly.compile(src as BufferSource) };
  throw new TypeError(
    'torchwasm: init() expected a WebAssembly.Module, the wasm bytes (ArrayBuffer or a typed array), ' +
    `a URL, a fetch Response or a promise of one, but got ${src === null ? 'null' : typeof src === 'object' ? (src as object).constructor?.name ?? 'object' : typeof src}`,
  );
}

/** The threads build imports its (shared) memory; the single-thread builds define their own. */
const importsMemory = (m: WebAssembly.Module): boolean =>
  WebAssembly.Module.imports(m).some((i) => i.kind === 'memory');

/**
 * Instantiates the threads build on a new shared memory. The memory's initial size must
 * cover the module's declared minimum, which the JS API does not reveal: a link error
 * doubles it and tries again.
 */
async function instantiateShared(module: WebAssembly.Module): Promise<{ instance: WebAssembly.Instance; memory: WebAssembly.Memory }> {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
  for (;;) {
    try {
      return { instance: await WebAssembly.instantiate(module, { env: { memory } }), memory };
    } catch (e) {
      const pages = memory.buffer.byteLength / 65536;
      if (!(e instanceof WebAssembly.LinkError) || pages >= 16384) throw e;
      memory.grow(pages);
    }
  }
}

async function instantiate(loaded: Loaded, relaxed: boolean, threads: number): Promise<void> {
  const { module } = loaded;
  if (!importsMemory(module)) {
    const instance = loaded.instance ?? await WebAssembly.instantiate(module, {});
    setInstance(instance.exports as unknown as KernelExports, relaxed);
    return;
  }
  if (!sharedMemorySupported()) {
    throw new Error('torchwasm: this is the threads build (torch-threads.wasm), which needs shared memory and workers; ' +
      'this runtime has none (browsers: serve the page cross-origin isolated), so pass torch.wasm instead');
  }
  const { instance, memory } = loaded.instance && loaded.memory
    ? { instance: loaded.instance, memory: loaded.memory }
    : await instantiateShared(module);
  const exports = { ...instance.exports, memory } as unknown as KernelExports & ThreadExports;
  setInstance(exports, false);
  startPool(module, memory, exports, threads);
}

let loading: Promise<void> | null = null;

/** Whether init() without a source loads the threads build. */
function wantThreads(options: InitOptions): boolean {
  return options.threads !== false && options.threads !== 0 && threadsEnv() !== 0 && sharedMemorySupported();
}

/** The thread count to start the pool with: the option, TORCHWASM_THREADS, or the cores. */
function startThreads(options: InitOptions): number {
  const env = threadsEnv();
  if (typeof options.threads === 'number' && Number.isInteger(options.threads) && options.threads >= 1) return options.threads;
  return env !== null && env >= 1 ? env : coreCount();
}

/**
 * Loads the kernels. `source` is a compiled WebAssembly.Module (Cloudflare Workers),
 * the module's bytes, a URL (string or URL object), a fetch Response or a promise of
 * one (`init(fetch('/torch.wasm'))`: compiled while it downloads when the server sends
 * `Content-Type: application/wasm`); any of the three builds, the threads build only
 * where shared memory runs. Without a source it loads `torch-threads.wasm` where shared
 * memory and workers run (threads: false, or TORCHWASM_THREADS=0, says no), else
 * `torch.wasm` (or `torch-relaxed.wasm` where relaxed SIMD validates), from the folder
 * of the bundle. Calls after a successful load, or while one is under way, do nothing more.
 */
export function init(source?: WasmSource, options: InitOptions = {}): Promise<void> {
  if (isInitialized()) return Promise.resolve();
  if (loading) return loading;
  const relaxed = source === undefined && options.relaxed !== false && relaxedSimdSupported();
  const single = (): Promise<void> =>
    compile(source ?? new URL(relaxed ? './torch-relaxed.wasm' : './torch.wasm', import.meta.url)).then((m) => instantiate(m, relaxed, startThreads(options)));
  const threaded = (): Promise<void> =>
    // a package without the threads build (a development build) keeps one thread
    compile(new URL('./torch-threads.wasm', import.meta.url)).then((m) => instantiate(m, false, startThreads(options)), single);
  loading = (source === undefined && wantThreads(options) ? threaded() : single()).catch((e) => {
    loading = null; // a failed load can be retried (another source, the network back)
    throw e;
  });
  return loading;
}
