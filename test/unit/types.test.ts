// The public types are generated from the op schemas (scripts/gen_types.mjs): the
// committed ts/ops/signatures.ts must be what the current registry generates, and a
// strict compile of test/types/public_api.ts must accept correct calls and reject
// wrong ones.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain ESM script without type declarations
import { generate, output, returnType, overloads } from '../../scripts/gen_types.mjs';
import { torch } from '../helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('generated types', () => {
  it('ts/ops/signatures.ts is what scripts/gen_types.mjs makes of the op registry', async () => {
    expect(readFileSync(output, 'utf8')).toBe(await generate());
  });

  it('maps results and call forms as bindArgs binds them', () => {
    expect(returnType('(Tensor values, Tensor indices)')).toBe('[Tensor, Tensor] & { values: Tensor; indices: Tensor }');
    expect(returnType('(Tensor?, Tensor)')).toBe('[Tensor | null, Tensor]');
    expect(returnType('Tensor[]')).toBe('Tensor[]');
    const sum = torch._ops.get('sum');
    expect(overloads(sum.params.slice(1), sum, { out: true, offset: 1 })).toEqual([
      '(options?: { dim?: number | readonly number[] | null; keepdim?: boolean; dtype?: DType | string | null; out?: Tensor }): Tensor',
      '(dim: number | readonly number[] | null, options?: { keepdim?: boolean; dtype?: DType | string | null; out?: Tensor }): Tensor',
      '(dim: number | readonly number[] | null, keepdim: boolean, options?: { dtype?: DType | string | null; out?: Tensor }): Tensor',
    ]);
    const view = torch._ops.get('view');
    expect(overloads(view.params.slice(1), view, { out: false, offset: 1 })).toEqual([
      '(size: number | readonly number[]): Tensor',
      '(...size: number[]): Tensor',
    ]);
  });

  it('a strict compile accepts the public API used right and rejects it used wrong', () => {
    // each expect-error directive in test/types/public_api.ts fails the compile when no error meets it
    const tsc = `${root}node_modules/.bin/tsc`;
    let out = '';
    try {
      execFileSync(tsc, ['-p', `${root}test/types/tsconfig.json`], { encoding: 'utf8' });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(out).toBe('');
  }, 120_000);
});
