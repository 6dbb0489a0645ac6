#!/usr/bin/env node
// The import graph of ts/ and its cycles: `node scripts/import_cycles.mjs [dir]` prints
// one line per cycle (a strongly connected component) and exits 1 if there is any.
// Only imports that run count: `import type` / `export type` vanish at compile time.
// test/unit/architecture.test.ts uses the same graph to check the layers.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every .ts file under dir. */
export function tsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

// import x from '…'; import { a, type b } from '…'; export * from '…'; import '…';
const importRe = /^\s*(import|export)\s+(type\s+)?([^'";]*?\s+from\s+)?['"](\.[^'"]+)['"]/gm;

/** The relative imports of a source that run: [{ target file, imported names }]. */
export function runtimeImports(file, source) {
  const out = [];
  for (const [, , typeOnly, clause = '', spec] of source.matchAll(importRe)) {
    if (typeOnly) continue;
    const braces = /\{([^}]*)\}/.exec(clause);
    const names = braces ? braces[1].split(',').map((n) => n.trim()).filter(Boolean) : [];
    const hasDefault = /^\s*\w+\s*(,|from)/.test(clause) || /\*\s+as\s+\w+/.test(clause) || /^\s*\*/.test(clause);
    // `import { type A, type B } from` erases too
    if (braces && !hasDefault && names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
    out.push({ target: resolve(dirname(file), spec.replace(/\.js$/, '.ts')), names: names.filter((n) => !n.startsWith('type ')) });
  }
  return out;
}

/** file -> [{ target, names }] for every .ts file under root. */
export function importGraph(root) {
  return new Map(tsFiles(root).map((f) => [f, runtimeImports(f, readFileSync(f, 'utf8'))]));
}

/** Strongly connected components of more than one file (or a file importing itself), as paths relative to root. */
export function findCycles(root) {
  const graph = importGraph(root);
  const edges = (v) => graph.get(v).map((e) => e.target).filter((w) => graph.has(w));
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (v) => { // Tarjan's algorithm
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const scc = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || edges(v).includes(v)) cycles.push(scc.map((f) => relative(root, f)).sort());
  };
  for (const f of graph.keys()) if (!index.has(f)) visit(f);
  return cycles;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'ts'));
  const cycles = findCycles(root);
  for (const c of cycles) console.log(`cycle of ${c.length}: ${c.join(' ')}`);
  if (cycles.length) process.exit(1);
  console.log('no import cycles');
}
