// Every call of errors.json raises; afterwards nothing the calls made may stay allocated.
import { describe, it, expect } from 'vitest';
import { torch } from '../helpers.js';
import { runArea } from '../conformance/runner.mjs';

/** Collects garbage until the memory report stops changing. */
async function settled(): Promise<torch.MemoryReport> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  let prev = '';
  for (let i = 0; i < 50; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
    const m = torch.memory();
    const key = `${m.bytesInUse}/${m.liveTensors}`;
    if (key === prev) return m;
    prev = key;
  }
  return torch.memory();
}

describe('error paths leave the heap as it was', () => {
  it('after every case of errors.json, the memory report returns to its start', async () => {
    const before = await settled();
    const r = await runArea(torch, 'errors');
    expect(r!.passed).toBeGreaterThan(0);
    const after = await settled();
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.liveTensors).toBe(before.liveTensors);
  });
});
