// The kernels' status codes have one source of truth, crate/src/status.rs: the TS copy
// is generated from it, the codes are distinct, and drivers name codes, never numbers.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain ESM script without type declarations
import { generate, parseStatus, rustPath, tsPath } from '../../scripts/gen_status.mjs';

describe('status codes', () => {
  it('ts/kernels/status_codes.ts is what scripts/gen_status.mjs makes of crate/src/status.rs', () => {
    expect(readFileSync(tsPath, 'utf8')).toBe(generate(readFileSync(rustPath, 'utf8')));
  });

  it('each code has one value and each value one code', () => {
    const codes = parseStatus(readFileSync(rustPath, 'utf8')) as { name: string; value: number }[];
    expect(codes.length).toBeGreaterThan(5);
    expect(new Set(codes.map((c) => c.value)).size).toBe(codes.length);
    expect(() => parseStatus('pub const A: i32 = 3;\npub const B: i32 = 3;\n')).toThrow(/share the value 3/);
  });

  it('drivers compare statuses with STATUS names, not numbers', () => {
    const dir = fileURLToPath(new URL('../../ts/kernels/', import.meta.url));
    const bad: string[] = [];
    for (const f of readdirSync(dir)) {
      readFileSync(dir + f, 'utf8').split('\n').forEach((line, i) => {
        if (/status\s*[!=]==?\s*-?\d|^\s*\d+\s*:\s*['`]/.test(line)) bad.push(`${f}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(bad).toEqual([]);
  });
});
