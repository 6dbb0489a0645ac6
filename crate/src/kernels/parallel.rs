//! `parallel_for(n, f)`: runs f(0) .. f(n - 1), each task once, across the worker pool
//! in the threads build (wasm32 with `atomics`) and as a plain loop everywhere else.
//!
//! Kernels choose the tasks (fixed split points that never depend on the thread
//! count) and each task writes its own outputs: any thread may run any task, so the
//! results are the same bits with one thread or many. A float sum is never split
//! across tasks unless the one-thread path sums the same chunks in the same order.
//!
//! The pool: workers are further instances of this module on the same shared memory
//! (ts/wasm/threads.ts starts them), each in `worker_loop`, sleeping on `WAKE` with
//! `memory.atomic.wait32`. The caller publishes a job (a pointer to its closure and the
//! task count, packed with a generation into one 64-bit word), wakes the workers, takes
//! tasks itself and spins until every task is done: the browser's main thread may not
//! block in atomic.wait. A task that calls parallel_for runs the inner loop serially.

/// Runs `f(task)` for every task in 0..n, in parallel where the pool has workers.
///
/// # Safety
/// Tasks may run at the same time on different threads: what one task writes, no other
/// task reads or writes (raw pointers captured by `f` are shared as they are), and `f`
/// uses no state that is not per-thread (thread_local!) or atomic.
#[inline]
pub unsafe fn parallel_for<F: Fn(usize)>(n: usize, f: F) {
    parallel_for_if(true, n, f)
}

/// `parallel_for` when `parallel` holds (the work is worth waking the pool for),
/// a plain loop over the same tasks otherwise.
///
/// # Safety
/// As parallel_for.
#[inline]
pub unsafe fn parallel_for_if<F: Fn(usize)>(parallel: bool, n: usize, f: F) {
    #[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
    {
        // Both ways call `f` through one `dyn` pointer: the kernel's body is compiled
        // once (the pool calls it that way), not once more inlined into a loop.
        if !(parallel && n > 1 && pool::run(n, &f)) {
            serial(n, &f);
        }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "atomics")))]
    {
        let _ = parallel;
        for t in 0..n {
            f(t);
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
#[inline(never)]
fn serial(n: usize, f: &dyn Fn(usize)) {
    for t in 0..n {
        f(t);
    }
}

/// Runs `f(start, len)` over [0, n): in one call on one thread, or split across the pool
/// when `n` is at least `min_parallel`, in chunks whose starts are multiples of `align`
/// (lane blocks of a vectorised loop start where the one-call loop starts them, so each
/// element is computed the same way). The chunking depends on `n` only.
///
/// # Safety
/// As parallel_for: what f(start, len) writes, no other chunk touches.
#[inline]
pub unsafe fn for_chunks<F: Fn(usize, usize)>(n: usize, min_parallel: usize, align: usize, f: F) {
    let split = n >= min_parallel.max(2) && pool_threads();
    let chunk = if split { n.div_ceil(32).next_multiple_of(align.max(1)) } else { n.max(1) };
    parallel_for_if(split, n.div_ceil(chunk), |t| f(t * chunk, chunk.min(n - t * chunk)))
}

/// Runs `f(row)` for every row of `rows` rows of `row_len` elements each (planes of a
/// pooling, channels of a norm), split across the pool by whole rows when there are at
/// least MIN_PARALLEL_ELEMS elements: each row's outputs are its own.
///
/// # Safety
/// As parallel_for: what f(row) writes, no other row touches.
#[inline]
pub unsafe fn for_rows(rows: usize, row_len: usize, f: impl Fn(usize)) {
    for_chunks(rows, MIN_PARALLEL_ELEMS.div_ceil(row_len.max(1)), 1, |start, len| {
        for r in start..start + len {
            f(r)
        }
    })
}

/// Elementwise work below this many elements runs on one thread (memory-bound loops:
/// waking the pool costs about what a thread does with 64K floats).
pub const MIN_PARALLEL_ELEMS: usize = 1 << 17;

/// Whether the pool has more than one thread free for a new loop (not inside a task):
/// kernels pick their split by size and call parallel_for_if(pool_threads() && big, ..);
/// the split points never depend on it.
#[inline]
pub fn pool_threads() -> bool {
    #[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
    return pool::threads() > 1 && !pool::busy();
    #[cfg(not(all(target_arch = "wasm32", target_feature = "atomics")))]
    false
}

/// How many threads take tasks (1 in the single-thread builds).
pub fn num_threads() -> usize {
    #[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
    return pool::threads();
    #[cfg(not(all(target_arch = "wasm32", target_feature = "atomics")))]
    1
}

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
mod pool {
    use core::arch::wasm32::{memory_atomic_notify, memory_atomic_wait32};
    use core::cell::Cell;
    use core::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering::*};

    type Task<'a> = &'a dyn Fn(usize);

    /// One atomic on its own 64-byte line: the caller's and the workers' updates of one
    /// do not invalidate the line another is spinning on (false sharing).
    #[repr(align(64))]
    struct Line<T>(T);
    impl<T> core::ops::Deref for Line<T> {
        type Target = T;
        fn deref(&self) -> &T {
            &self.0
        }
    }

    // STATE = generation (20 bits) | next task (22 bits) | task count (22 bits). The
    // generation keeps a worker that read an old job's word from claiming in a new one.
    const BITS: u32 = 22;
    const MASK: u64 = (1 << BITS) - 1;
    const MAX_TASKS: usize = MASK as usize;
    static STATE: Line<AtomicU64> = Line(AtomicU64::new(0));
    /// Address of the caller's `Task` (valid while the job has unfinished tasks).
    static JOB: AtomicUsize = AtomicUsize::new(0);
    /// Tasks of the current job finished (a caller that may block waits on it).
    static DONE: Line<AtomicU32> = Line(AtomicU32::new(0));
    /// Whether the calling thread may block in memory.atomic.wait (not a browser's main
    /// thread): set by ts/wasm/threads.ts.
    static CALLER_CAN_WAIT: AtomicU32 = AtomicU32::new(0);
    /// Bumped for every job: the word the workers sleep on.
    static WAKE: Line<AtomicU32> = Line(AtomicU32::new(0));
    /// Workers that entered worker_loop.
    static WORKERS: AtomicU32 = AtomicU32::new(0);
    /// Tasks the workers ran (a statistic: shows the pool works).
    static WORKER_TASKS: Line<AtomicU32> = Line(AtomicU32::new(0));
    /// Threads allowed to take tasks (torch.setNumThreads), the caller included.
    static THREADS: AtomicU32 = AtomicU32::new(1);

    thread_local! {
        /// Set on workers and while the caller runs a job: nested loops run serially.
        static BUSY: Cell<bool> = const { Cell::new(false) };
    }

    pub fn threads() -> usize {
        (THREADS.load(Relaxed) as usize).min(WORKERS.load(Relaxed) as usize + 1)
    }

    /// Inside a task (or on a worker): a nested loop runs serially.
    pub fn busy() -> bool {
        BUSY.with(|b| b.get())
    }

    pub fn worker_tasks() -> u32 {
        WORKER_TASKS.load(Relaxed)
    }

    pub fn set_caller_can_wait(yes: bool) {
        CALLER_CAN_WAIT.store(yes as u32, Relaxed);
    }

    pub fn set_threads(n: u32) {
        THREADS.store(n.max(1), Relaxed);
    }

    #[inline]
    fn unpack(s: u64) -> (u64, usize, usize) {
        (s >> (2 * BITS), ((s >> BITS) & MASK) as usize, (s & MASK) as usize)
    }

    /// Takes the next task of the current job, if any is left, and runs it.
    fn run_one() -> bool {
        let mut s = STATE.load(Acquire);
        loop {
            let (_, next, n) = unpack(s);
            if next >= n {
                return false;
            }
            match STATE.compare_exchange_weak(s, s + (1 << BITS), AcqRel, Acquire) {
                Ok(_) => {
                    // The job cannot finish before this task does: JOB is still ours.
                    let f = unsafe { *(JOB.load(Relaxed) as *const Task) };
                    f(next);
                    if DONE.fetch_add(1, Release) as usize + 1 == n {
                        // the last task: wake a caller blocked waiting for it
                        unsafe { memory_atomic_notify(DONE.as_ptr() as *mut i32, 1) };
                    }
                    return true;
                }
                Err(now) => s = now,
            }
        }
    }

    pub fn run(n: usize, f: Task) -> bool {
        if n > MAX_TASKS || threads() < 2 || BUSY.with(|b| b.replace(true)) {
            return false;
        }
        let holder: Task = f;
        DONE.store(0, Relaxed);
        JOB.store(&holder as *const Task as usize, Relaxed);
        let generation = (unpack(STATE.load(Relaxed)).0 + 1) & ((1 << (64 - 2 * BITS)) - 1);
        STATE.store((generation << (2 * BITS)) | n as u64, Release);
        WAKE.fetch_add(1, Release);
        unsafe { memory_atomic_notify(WAKE.as_ptr() as *mut i32, THREADS.load(Relaxed) - 1) };
        while run_one() {}
        // The workers are finishing their last task each: spin a little, then (where
        // this thread may block) sleep until the last one is done, which frees the core
        // for a worker the system descheduled. A browser's main thread only spins.
        let mut spins = 0u32;
        loop {
            let done = DONE.load(Acquire);
            if done as usize >= n {
                break;
            }
            if spins < 1 << 12 || CALLER_CAN_WAIT.load(Relaxed) == 0 {
                spins += 1;
                core::hint::spin_loop();
            } else {
                unsafe { memory_atomic_wait32(DONE.as_ptr() as *mut i32, done as i32, 1_000_000) };
            }
        }
        BUSY.with(|b| b.set(false));
        true
    }

    /// A worker's life: sleep until a job is published, take its tasks, sleep again.
    pub fn worker_loop(id: u32) -> ! {
        BUSY.with(|b| b.set(true));
        WORKERS.fetch_add(1, Release);
        loop {
            let seen = WAKE.load(Acquire);
            if id + 1 < THREADS.load(Relaxed) {
                let mut ran = 0;
                while run_one() {
                    ran += 1;
                }
                if ran > 0 {
                    WORKER_TASKS.fetch_add(ran, Relaxed);
                }
            }
            // A short spin (a few microseconds) catches the next job of a sequence of
            // kernels without the cost of a wake-up; then sleep until WAKE moves on from
            // `seen`. Not longer: on two cores a spinning worker takes the core V8 tiers
            // code up and collects garbage on (1 << 16 spins measured no faster on
            // ResNet-18 and slower on small training steps).
            let mut spins = 0;
            while WAKE.load(Acquire) == seen && spins < 1 << 12 {
                core::hint::spin_loop();
                spins += 1;
            }
            if WAKE.load(Acquire) == seen {
                unsafe { memory_atomic_wait32(WAKE.as_ptr() as *mut i32, seen as i32, -1) };
            }
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
pub use pool::{set_caller_can_wait, set_threads, worker_loop, worker_tasks};
