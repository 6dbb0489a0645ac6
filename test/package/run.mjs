#!/usr/bin/env node
// `node test/package/run.mjs [leg ...]`: packs, installs the tarball into a fresh project
// once, runs the legs (all, or those whose name starts with an argument), prints
// PASS/FAIL per leg and `N passed, N failed`.
import { LEGS, preparePackage, cleanup } from './legs.mjs';

const wanted = process.argv.slice(2);
const names = Object.keys(LEGS).filter((n) => !wanted.length || wanted.some((w) => n.startsWith(w)));
let failed = 0;
const t0 = Date.now();
const ctx = await preparePackage();
console.log(`installed ${ctx.tarball} into ${ctx.dir} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
try {
  for (const name of names) {
    const t = Date.now();
    const r = await LEGS[name](ctx);
    if (!r.ok) {
      failed++;
      console.log(r.output.trimEnd().replace(/^/gm, '  | '));
    }
    console.log(`${r.ok ? 'PASS' : 'FAIL'} ${name} ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
} finally {
  if (!process.env.KEEP_PACKAGE_DIR) cleanup(ctx);
}
console.log(`${names.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
