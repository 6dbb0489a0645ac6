// Conformance against PyTorch as a regression guard: every case of the areas the
// runtime covers must pass, except the ones listed (with their reason) in
// test/conformance/known_failures.json, which the README's "Known conformance
// failures" section reproduces. Areas of later issues (modules, losses, optimizers)
// are reported by `npm run conformance` and guarded here once they are in scope.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as torch from '../dist/index.js';
import { runArea, fixtureDir } from './conformance/runner.mjs';

const known: Record<string, Record<string, string>> = JSON.parse(
  readFileSync(new URL('./conformance/known_failures.json', import.meta.url), 'utf8'),
);
const GUARDED = [
  'seed', 'creation', 'rng', 'printing', 'pointwise', 'reduction', 'indexing', 'linalg', 'autograd', 'errors',
  'serialization', 'nn', 'models', 'loss', 'sequence', 'optim', 'lr_scheduler', 'mnist',
];

describe(`conformance (${fixtureDir()})`, () => {
  for (const area of GUARDED) {
    it(area, async () => {
      const r = await runArea(torch, area);
      expect(r, `fixture ${area}.json missing`).not.toBeNull();
      const allowed = known[area] ?? {};
      const unexpected = r!.failures.filter((f) => !(f.id in allowed));
      expect(unexpected, JSON.stringify(unexpected, null, 1)).toEqual([]);
      expect(r!.passed).toBeGreaterThan(0);
    });
  }
});
