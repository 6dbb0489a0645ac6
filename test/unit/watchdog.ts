// A hang detector for loops of synchronous calls. A hang in synchronous code blocks the
// thread that would notice it, so a worker thread watches: the loop calls beat(label)
// before each call; when no beat comes for `ms`, the worker writes the label of the call
// that hangs to stderr and kills the process, so the run fails naming the input instead
// of stalling until an outer timeout.
import { Worker } from 'node:worker_threads';

const LABEL_BYTES = 4096;

const WATCHER = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const beats = new Int32Array(workerData.shared, 0, 2); // [beat counter, stop flag]
const label = new Uint8Array(workerData.shared, 8);
for (;;) {
  const seen = Atomics.load(beats, 0);
  if (Atomics.load(beats, 1)) break;
  if (Atomics.wait(beats, 0, seen, workerData.ms) === 'timed-out' && !Atomics.load(beats, 1)) {
    const n = label.indexOf(0);
    const text = new TextDecoder().decode(label.slice(0, n < 0 ? label.length : n));
    writeSync(2, '\\nwatchdog: hang: no progress for ' + workerData.ms + ' ms in ' + text + '\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}
`;

export interface Watchdog {
  /** Marks progress; `label` names the call about to run. */
  beat(label: string): void;
  /** Stops watching. */
  stop(): Promise<void>;
}

export function watchdog(ms: number): Watchdog {
  const shared = new SharedArrayBuffer(8 + LABEL_BYTES);
  const beats = new Int32Array(shared, 0, 2);
  const label = new Uint8Array(shared, 8);
  const worker = new Worker(WATCHER, { eval: true, workerData: { shared, ms } });
  worker.unref();
  const encoder = new TextEncoder();
  return {
    beat(text) {
      label.fill(0);
      encoder.encodeInto(text.slice(0, LABEL_BYTES / 4), label);
      Atomics.add(beats, 0, 1);
      Atomics.notify(beats, 0);
    },
    async stop() {
      Atomics.store(beats, 1, 1);
      Atomics.add(beats, 0, 1);
      Atomics.notify(beats, 0);
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}
