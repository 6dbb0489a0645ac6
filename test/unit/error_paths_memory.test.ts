// Every call of errors.json raises; afterwards nothing the calls made may stay allocated.
import { describe, it, expect } from 'vitest';
import { torch, settled } from '../helpers.js';
import { runArea } from '../conformance/runner.mjs';

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
