// The worker pool of the threads build (dist/torch-threads.wasm): each worker is
// another instance of the same WebAssembly.Module on the same shared memory, with its
// own stack and thread-locals, parked in the crate's worker_loop until a kernel's
// parallel_for (crate/src/kernels/parallel.rs) hands it tasks. Node and Deno use
// worker_threads; Bun and browsers the global Worker. Workers are unref()'d where the
// runtime can (all but browsers, where a page has no exit), so a script exits with the
// pool alive.
//
// TORCHWASM_THREADS (environment, where readable): 0 loads a single-thread build,
// n >= 1 starts with n threads (1: the threads build with no worker yet), unset
// starts with one per core.

/** The threads build's extra exports (absent from the single-thread builds). */
export interface ThreadExports {
  worker_loop(id: number): void;
  threads_set(n: number): void;
  threads_active(): number;
  threads_worker_tasks(): number;
  threads_set_caller_can_wait(yes: number): void;
  __wasm_init_tls(block: number): void;
  __tls_size: WebAssembly.Global;
  __tls_align: WebAssembly.Global;
  __stack_pointer: WebAssembly.Global;
  mem_alloc(nbytes: number): number;
}

/** Each worker's stack (Rust's default for wasm32). */
const STACK_BYTES = 1 << 20;
/** Workers beyond this many are not started (setNumThreads may ask for more; PyTorch allows it). */
export const MAX_WORKERS = 63;

type Env = { process?: { env?: Record<string, string | undefined>; versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown }; Deno?: { env: { get(k: string): string | undefined } } };
const g = globalThis as Env & { crossOriginIsolated?: boolean; Worker?: unknown; navigator?: { hardwareConcurrency?: number }; document?: unknown };

/** TORCHWASM_THREADS as a number, or null when unset or unreadable (Deno without --allow-env). */
export function threadsEnv(): number | null {
  let v: string | undefined;
  try {
    v = g.Deno ? g.Deno.env.get('TORCHWASM_THREADS') : g.process?.env?.TORCHWASM_THREADS;
  } catch {
    v = undefined;
  }
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

type NodeWorkerCtor = new (code: string, opts: { eval: true }) => PoolWorker;
type PoolWorker = { postMessage(m: unknown): void; unref?(): void; terminate(): unknown; on?(ev: string, f: (e: unknown) => void): void; onerror?: unknown };

function nodeWorkerThreads(): NodeWorkerCtor | null {
  const mod = g.process?.getBuiltinModule?.('node:worker_threads') as { Worker?: NodeWorkerCtor } | undefined;
  return mod?.Worker ?? null;
}

/**
 * Whether shared memory and workers can run here: SharedArrayBuffer exists (browsers:
 * only on a crossOriginIsolated page), and a Worker (or Node's worker_threads) too.
 */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  if (g.document !== undefined && g.crossOriginIsolated !== true) return false;
  if (g.crossOriginIsolated === false) return false;
  try {
    // shared wasm memory is what the build imports: some hosts have SAB without it
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return false;
  }
  return typeof g.Worker === 'function' || nodeWorkerThreads() !== null;
}

/** The core count: the default thread count where shared memory runs. */
export function coreCount(): number {
  const os = g.process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
  const n = os?.availableParallelism?.() ?? os?.cpus?.().length ?? g.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.floor(n));
}

// The worker's whole program: instantiate the module on the shared memory, move the
// stack pointer to its own stack, give it its own thread-locals, enter the loop.
const WORKER_SOURCE = `
const start = (d) => {
  const e = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
  e.__stack_pointer.value = d.stack;
  e.__wasm_init_tls(d.tls);
  e.worker_loop(d.id);
};
if (typeof self !== 'undefined' && typeof self.postMessage === 'function') {
  self.onmessage = (ev) => { self.onmessage = null; start(ev.data); };
} else {
  // Node: an eval'd worker is CommonJS or ESM as the parent's --input-type says
  import('node:worker_threads').then((wt) => wt.parentPort.once('message', start));
}
`;

let workerUrl: string | null = null;
function spawn(): PoolWorker {
  // Node's worker_threads where the global Worker is missing (Node) or cannot be
  // unref'd (Deno: its web Worker would keep the process alive)
  const NodeWorker = typeof g.Worker === 'function' && !g.Deno ? null : nodeWorkerThreads();
  if (NodeWorker) return new NodeWorker(WORKER_SOURCE, { eval: true });
  if (workerUrl === null) workerUrl = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const W = g.Worker as new (url: string, opts: { type: 'module' | 'classic' }) => PoolWorker;
  return new W(workerUrl, { type: 'classic' });
}

interface Pool {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  exports: ThreadExports;
  workers: PoolWorker[];
  threads: number;
}
let pool: Pool | null = null;

/** Whether the loaded build is the threads build (with a pool that can grow). */
export const threadsLoaded = (): boolean => pool !== null;

/** Starts workers until `n` threads (this one included) can take tasks. */
function ensureWorkers(p: Pool, n: number): void {
  const want = Math.min(n - 1, MAX_WORKERS);
  const align = Math.max(16, p.exports.__tls_align.value as number);
  while (p.workers.length < want) {
    const id = p.workers.length;
    const stack = p.exports.mem_alloc(STACK_BYTES) >>> 0;
    const tlsSize = p.exports.__tls_size.value as number;
    const tlsRaw = p.exports.mem_alloc(tlsSize + align) >>> 0;
    if (stack === 0 || tlsRaw === 0) return; // no memory for another worker: keep the ones running
    const tls = Math.ceil(tlsRaw / align) * align;
    let w: PoolWorker | null = null;
    try {
      w = spawn();
      w.unref?.();
      w.postMessage({ module: p.module, memory: p.memory, id, stack: stack + STACK_BYTES, tls });
    } catch {
      // a host that refuses workers (a policy, a limit) or cannot send them the module
      // or the shared memory: run with the workers we have
      void w?.terminate();
      return;
    }
    p.workers.push(w);
  }
}

/** Called by the loader once the threads build's main instance runs. */
export function startPool(module: WebAssembly.Module, memory: WebAssembly.Memory, exports: ThreadExports, threads: number): void {
  pool = { module, memory, exports, workers: [], threads: 1 };
  // A browser's main thread (a document) may not block in atomic.wait; workers, Node,
  // Deno and Bun may, which lets the caller sleep while a worker finishes.
  exports.threads_set_caller_can_wait(g.document === undefined ? 1 : 0);
  setPoolThreads(threads);
}

/** The count torch.setNumThreads (or the pool's start) set last: 1 until then. */
let requested = 1;
export const requestedThreads = (): number => requested;

/** Sets how many threads take tasks (>= 1), starting workers as needed. */
export function setPoolThreads(n: number): void {
  requested = n;
  if (pool === null) return;
  pool.threads = n;
  ensureWorkers(pool, n);
  pool.exports.threads_set(Math.min(n, MAX_WORKERS + 1));
}

/** Threads that take tasks now (workers that have entered their loop, plus this one). */
export const activeThreads = (): number => (pool === null ? 1 : pool.exports.threads_active());

/** Tasks the workers have run so far (0 without a pool). */
export const workerTasks = (): number => (pool === null ? 0 : pool.exports.threads_worker_tasks() >>> 0);

/** Resolves once every started worker has entered its loop (or after `timeoutMs`). */
export async function poolReady(timeoutMs = 10_000): Promise<number> {
  const t0 = Date.now();
  while (pool !== null && activeThreads() < Math.min(pool.threads, pool.workers.length + 1) && Date.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 5));
  }
  return activeThreads();
}
