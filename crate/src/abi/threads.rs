//! The worker pool's entry points, in the threads build only (wasm32 + atomics): the
//! single-thread builds export none of them, which is how ts/wasm/threads.ts tells.

use crate::kernels::parallel;

/// A worker instance's main loop (ts/wasm/threads.ts calls it once the instance has its
/// own stack and TLS); never returns.
#[no_mangle]
pub extern "C" fn worker_loop(id: u32) {
    parallel::worker_loop(id)
}

/// How many threads (the caller and the workers) take tasks; at least 1.
#[no_mangle]
pub extern "C" fn threads_set(n: u32) {
    parallel::set_threads(n)
}

/// The threads that take tasks now: threads_set's count, at most the workers running + 1.
#[no_mangle]
pub extern "C" fn threads_active() -> u32 {
    parallel::num_threads() as u32
}

/// How many tasks the workers have run since the module started (a statistic).
#[no_mangle]
pub extern "C" fn threads_worker_tasks() -> u32 {
    parallel::worker_tasks()
}

/// Whether the thread that calls kernels may block in memory.atomic.wait while the
/// workers finish (Node, Deno, Bun and workers: yes; a browser's main thread: no).
#[no_mangle]
pub extern "C" fn threads_set_caller_can_wait(yes: u32) {
    parallel::set_caller_can_wait(yes != 0)
}

/// Pages of linear memory now: any thread may grow the shared memory, and this call is
/// cheaper from JS than reading memory.buffer's length (ts/wasm/heap.ts).
#[no_mangle]
pub extern "C" fn mem_pages() -> usize {
    core::arch::wasm32::memory_size(0)
}
