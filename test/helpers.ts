// Shared test helpers: the built runtime and value comparisons.
import * as torch from '../dist/index.js';
import { expect } from 'vitest';

export { torch };

/** Flat values of a tensor (numbers / booleans). */
export function values(t: torch.Tensor): unknown[] {
  const out: unknown[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else out.push(x);
  };
  walk(t.tolist());
  return out;
}

/** Asserts elementwise closeness of a tensor to expected values (NaN matches NaN). */
export function expectClose(t: torch.Tensor, expected: number[] | number, rtol = 1e-5, atol = 1e-6): void {
  const got = values(t) as number[];
  const want = typeof expected === 'number' ? [expected] : expected;
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const e = want[i];
    const a = got[i];
    if (Number.isNaN(e)) expect(Number.isNaN(a), `index ${i}: ${a} should be NaN`).toBe(true);
    else if (!Number.isFinite(e)) expect(a).toBe(e);
    else expect(Math.abs(a - e), `index ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(atol + rtol * Math.abs(e));
  }
}

/** Runs fn and checks the wasm heap's bytes in use are back where they started. */
export function expectNoLeak(fn: () => void): void {
  const before = torch.memory().bytesInUse;
  fn();
  expect(torch.memory().bytesInUse).toBe(before);
}

/** A full garbage collection (vitest runs with --expose-gc, see vitest.config.ts). */
export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run vitest with --expose-gc (vitest.config.ts execArgv)');
  g();
}

/** Collects garbage until `done()` or the attempts run out (finalizers run on later ticks). */
export async function collectUntil(done: () => boolean, attempts = 100): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (done()) return true;
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
  return done();
}

/** The memory report once garbage left by earlier tests has been collected: the counts
 *  stayed the same over three collections (one can end before a finalizer's turn). */
export async function settled(): Promise<torch.MemoryReport> {
  let last = '';
  let stableRounds = 0;
  await collectUntil(() => {
    const { liveTensors, liveStorages, bytesInUse } = torch.memory();
    const now = `${liveTensors} ${liveStorages} ${bytesInUse}`;
    stableRounds = now === last ? stableRounds + 1 : 0;
    last = now;
    return stableRounds >= 3;
  });
  return torch.memory();
}
