// The runtime matrix inside vitest (so `npm test` runs it): each runtime runs the
// built dist/ in its own process (see test/runtimes/run.mjs) and must pass every check.
import { describe, it, expect } from 'vitest';
import { availableParallelism } from 'node:os';
import { RUNTIMES, runRuntime } from './runtimes/run.mjs';

/** Runtimes whose default entry runs the threads build (shared memory and workers). */
const THREADED = ['node', 'deno', 'bun', 'chromium'];

describe('runtime matrix (dist/)', () => {
  for (const name of Object.keys(RUNTIMES)) {
    it(name, async () => {
      const r = await runRuntime(name);
      expect(r.ok, `${name} failed:\n${r.output}`).toBe(true);
      // everything is freed, but for a model a server keeps for its life (residentBytes)
      expect(r.result!.memory.bytesInUse).toBe(r.result!.memory.residentBytes ?? 0);
      // the worker pool runs there with one thread per core (its check compares the bits)
      if (THREADED.includes(name) && process.env.TORCHWASM_THREADS === undefined) {
        expect(r.result!.threads).toBe(availableParallelism());
      }
    });
  }
});
