// The layout of record (docs/architecture.md), checked on the sources: ts/ has no
// import cycle, only the kernel drivers touch the raw wasm exports, and each lower
// layer imports only the layers below it.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain ESM script without type declarations
import { findCycles, importGraph } from '../../scripts/import_cycles.mjs';

const root = resolve(fileURLToPath(new URL('../../ts', import.meta.url)));
type Edge = { target: string; names: string[] };
const graph = importGraph(root) as Map<string, Edge[]>;
const rel = (f: string): string => relative(root, f);
/** The layer a file belongs to: its top folder, or the file itself at the top. */
const layer = (f: string): string => rel(f).split('/')[0].replace(/\.ts$/, '');

/** What each lower layer may import at run time (layers above them may import any of these). */
const allowed: Record<string, (target: string) => boolean> = {
  wasm: (t) => layer(t) === 'wasm',
  // drivers wrap tensors; kernels/memory.ts sits below tensor/ (see the next rule)
  kernels: (t) => ['wasm', 'kernels', 'tensor'].includes(layer(t)),
  // tensors allocate, copy and fill through the memory driver only; the grad-mode flags
  // (a leaf module, like c10's GradMode) say whether a tensor is made in inference mode
  tensor: (t) => ['tensor', 'wasm'].includes(layer(t)) || ['kernels/memory.ts', 'autograd/grad_mode.ts'].includes(rel(t)),
  autograd: (t) => ['autograd', 'tensor', 'kernels'].includes(layer(t)),
  ops: (t) => ['ops', 'autograd', 'tensor', 'kernels'].includes(layer(t)),
};

function violations(check: (file: string, edge: Edge) => boolean): string[] {
  const out: string[] = [];
  for (const [file, edges] of graph) for (const e of edges) if (check(file, e)) out.push(`${rel(file)} -> ${rel(e.target)}`);
  return out;
}

describe('architecture', () => {
  it('the cycle finder finds a cycle, and ignores type-only imports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cycles-'));
    try {
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nimport type { C } from './c.js';\nexport const a = 1;\n");
      writeFileSync(join(dir, 'b.ts'), "import { a } from './a.js';\nexport const b = a;\n");
      writeFileSync(join(dir, 'c.ts'), "import { type A } from './a.js';\nexport type C = A;\n");
      expect(findCycles(dir)).toEqual([['a.ts', 'b.ts']]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('ts/ has no import cycle', () => {
    expect(findCycles(root)).toEqual([]);
  });

  it('only the kernel drivers import the raw exports and the scratch area', () => {
    const heap = resolve(root, 'wasm/heap.ts');
    const raw = ['K', 'scratch', 'SCALAR_SLOTS'];
    const bad = violations((file, e) => e.target === heap && !['kernels', 'wasm'].includes(layer(file)) && e.names.some((n) => raw.includes(n)));
    expect(bad).toEqual([]);
  });

  it('the memory driver imports nothing above wasm/ but the scratch writers, status codes and shape errors', () => {
    const memory = resolve(root, 'kernels/memory.ts');
    const ok = ['wasm/heap.ts', 'kernels/scratch.ts', 'kernels/status.ts', 'kernels/status_codes.ts', 'tensor/shape.ts'];
    const below = new Set([memory]);
    // everything the memory driver reaches must stay in that set
    const bad: string[] = [];
    const walk = (f: string): void => {
      for (const e of graph.get(f) ?? []) {
        if (below.has(e.target)) continue;
        below.add(e.target);
        if (!ok.includes(rel(e.target))) bad.push(`${rel(f)} -> ${rel(e.target)}`);
        walk(e.target);
      }
    };
    walk(memory);
    expect(bad).toEqual([]);
  });

  it('each lower layer imports only the layers below it', () => {
    const bad = violations((file, e) => {
      const rule = allowed[layer(file)];
      return rule !== undefined && graph.has(e.target) && !rule(e.target);
    });
    expect(bad).toEqual([]);
  });

  it('only the entry points import install.ts and api.ts', () => {
    const top = ['install.ts', 'api.ts'].map((f) => resolve(root, f));
    const bad = violations((file, e) => top.includes(e.target) && !['index.ts', 'manual.ts'].includes(rel(file)));
    expect(bad).toEqual([]);
  });
});
