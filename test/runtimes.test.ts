// The runtime matrix inside vitest (so `npm test` runs it): each runtime runs the
// built dist/ in its own process (see test/runtimes/run.mjs) and must pass every check.
import { describe, it, expect } from 'vitest';
import { RUNTIMES, runRuntime } from './runtimes/run.mjs';

describe('runtime matrix (dist/)', () => {
  for (const name of Object.keys(RUNTIMES)) {
    it(name, async () => {
      const r = await runRuntime(name);
      expect(r.ok, `${name} failed:\n${r.output}`).toBe(true);
      // everything is freed, but for a model a server keeps for its life (residentBytes)
      expect(r.result!.memory.bytesInUse).toBe(r.result!.memory.residentBytes ?? 0);
    });
  }
});
