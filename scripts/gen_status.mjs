#!/usr/bin/env node
// Generates ts/kernels/status_codes.ts from crate/src/status.rs, the one list of the
// kernels' status codes: `node scripts/gen_status.mjs` writes it, `--check` exits 1
// when the committed file is stale (test/unit/status.test.ts runs the same check).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const rustPath = `${root}crate/src/status.rs`;
export const tsPath = `${root}ts/kernels/status_codes.ts`;

/** [{ name, value, doc }] of each `pub const NAME: i32 = value;` with the /// lines above it. */
export function parseStatus(rust) {
  const codes = [];
  let doc = [];
  for (const line of rust.split('\n')) {
    const d = /^\s*\/\/\/\s?(.*)$/.exec(line);
    const c = /^\s*pub const (\w+): i32 = (-?\d+);/.exec(line);
    if (d) doc.push(d[1]);
    else if (c) {
      codes.push({ name: c[1], value: Number(c[2]), doc: doc.join(' ') });
      doc = [];
    } else doc = [];
  }
  const seen = new Map();
  for (const { name, value } of codes) {
    if (seen.has(value)) throw new Error(`status.rs: ${name} and ${seen.get(value)} share the value ${value}`);
    seen.set(value, name);
  }
  return codes;
}

export function generate(rust) {
  const entries = parseStatus(rust).map(({ name, value, doc }) => `  /** ${doc.replace(/`(\w+)`/g, '$1')} */\n  ${name}: ${value},`);
  return [
    '// Generated from crate/src/status.rs by scripts/gen_status.mjs: edit the Rust file and',
    '// rerun the script. The status codes the crate\'s kernels return.',
    '',
    'export const STATUS = {',
    ...entries,
    '} as const;',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const want = generate(readFileSync(rustPath, 'utf8'));
  if (process.argv.includes('--check')) {
    const have = readFileSync(tsPath, 'utf8');
    if (have !== want) {
      console.error('ts/kernels/status_codes.ts is stale: run node scripts/gen_status.mjs');
      process.exit(1);
    }
  } else {
    writeFileSync(tsPath, want);
  }
}
