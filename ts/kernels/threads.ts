// Driver of the worker pool (ts/wasm/threads.ts, crate/src/kernels/parallel.rs):
// torch.setNumThreads / torch.getNumThreads as PyTorch spells and checks them.

import { setPoolThreads, requestedThreads, poolReady, activeThreads, workerTasks } from '../wasm/threads.js';
import { RuntimeError } from '../tensor/shape.js';

function pyType(v: unknown): string {
  if (v === undefined || v === null) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v;
}

/**
 * Sets the number of threads kernels run on (torch.set_num_threads). Where the
 * single-thread build runs (no shared memory) the count is kept and kernels run on
 * one thread, as PyTorch built without OpenMP does. At most 64 threads are started.
 */
export function setNumThreads(n: number | bigint): void {
  const v = typeof n === 'bigint' ? Number(n) : n;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new RuntimeError(`set_num_threads expects an int, but got ${pyType(n)}`);
  if (v <= 0) throw new RuntimeError('set_num_threads expects a positive integer');
  setPoolThreads(v);
}

/** The number of threads kernels run on (torch.get_num_threads). */
export const getNumThreads = (): number => requestedThreads();

/**
 * Not in PyTorch: waits until the started workers take tasks (they start
 * asynchronously; until then kernels run on fewer threads, with the same results) and
 * resolves to the number of threads taking tasks.
 */
export const threadsReady = (timeoutMs?: number): Promise<number> => poolReady(timeoutMs);

/** Not in PyTorch: the number of threads taking tasks now. */
export const activeNumThreads = (): number => activeThreads();

/** Not in PyTorch: the pool's statistics (threads taking tasks, tasks the workers ran). */
export const threadStats = (): { active: number; workerTasks: number } => ({ active: activeThreads(), workerTasks: workerTasks() });
