#!/usr/bin/env node
// Prints bench/results.json (or the file given) as the markdown table of RESULTS.md.
import { readFileSync } from 'node:fs';
import { threadsSaid } from './helpers.mjs';

const file = process.argv[2] ?? new URL('./results.json', import.meta.url);
const r = JSON.parse(readFileSync(file, 'utf8'));
const PEERS = ['tfjs-wasm', 'tfjs-cpu', 'onnxruntime-web', 'pytorch-native'];
const fmt = (v, unit) => (v === null || v === undefined ? '-' : unit === 'ms' ? v.toFixed(3) : v.toFixed(2));
const ratio = (w, p) => {
  const v = w.peers?.[p];
  if (w.ours === null || v === null || v === undefined) return '';
  return ` (${(w.higher_is_better ? w.ours / v : v / w.ours).toFixed(2)}x)`;
};
const m = r.machine;
console.log(`Machine: ${m.cpu}, ${m.cores} cores, ${m.os}, Node ${m.node}; ${r.date}; ${r.seconds} s; load average ${m.loadavg_start.toFixed(1)} -> ${m.loadavg_end.toFixed(1)}.\n`);
console.log(`| workload | unit | ours | ${PEERS.join(' | ')} |`);
console.log(`|---|---|---|${PEERS.map(() => '---').join('|')}|`);
for (const w of r.workloads) {
  console.log(`| ${w.name} | ${w.unit} | ${fmt(w.ours, w.unit)} | ${PEERS.map((p) => `${fmt(w.peers?.[p], w.unit)}${ratio(w, p)}`).join(' | ')} |`);
}
const threads = (w) => (w.threads ? threadsSaid(w, fmt) : null);
const rowNote = (w) => [w.note, threads(w)].filter(Boolean).join('; ');
const notes = [...(r.notes ?? []).map((n) => `- ${n}`), ...r.workloads.filter(rowNote).map((w) => `- ${w.name}: ${rowNote(w)}`)];
if (notes.length) console.log(`\n${notes.join('\n')}`);
