#!/usr/bin/env node
// npm run conformance [-- area ...] [-v]: per-area counts; with -v the failing cases.
// CONFORMANCE_DIR picks the fixture folder; CONFORMANCE_REPORT names a JSON file to
// write {"<area>": {"passed": n, "failed": n, "skipped": n}} into.
import { writeFileSync } from 'node:fs';
import { AREAS, runArea, fixtureDir } from './runner.mjs';

const argv = process.argv.slice(2);
const verbose = argv.includes('-v');
const areas = argv.filter((a) => !a.startsWith('-'));
const torch = await import('../../dist/index.js');
const report = {};
let total = { passed: 0, failed: 0, skipped: 0 };
console.log(`conformance fixtures: ${fixtureDir()}`);
for (const area of areas.length ? areas : AREAS) {
  const r = await runArea(torch, area);
  if (!r) continue;
  report[area] = { passed: r.passed, failed: r.failed, skipped: r.skipped };
  for (const k of Object.keys(total)) total[k] += r[k];
  console.log(`${area.padEnd(14)} passed ${String(r.passed).padStart(4)}  failed ${String(r.failed).padStart(4)}  skipped ${String(r.skipped).padStart(3)}`);
  if (verbose) for (const f of r.failures) console.log(`    ${f.id}: ${f.reason}`);
}
console.log(`${'total'.padEnd(14)} passed ${String(total.passed).padStart(4)}  failed ${String(total.failed).padStart(4)}  skipped ${String(total.skipped).padStart(3)}`);
if (process.env.CONFORMANCE_REPORT) writeFileSync(process.env.CONFORMANCE_REPORT, JSON.stringify(report, null, 2));
