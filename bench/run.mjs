#!/usr/bin/env node
// npm run bench: our runtime against tfjs-backend-wasm, tfjs-backend-cpu and
// onnxruntime-web in one process, interleaved rounds (every library runs each workload
// once per round), medians. Then PyTorch 1.13 native on one thread for the rows that
// have a PyTorch twin (bench/pytorch_native.py, a separate process run after ours).
// Prints a table and writes bench/results.json.
//
// Environment:
//   BENCH_FILTER=<regex>   only workloads whose name matches
//   BENCH_ROUNDS=<n>       rounds (default 5)
//   BENCH_SAMPLE_MS=<ms>   time per sample: a sample repeats the workload this long (default 200)
//   BENCH_RELAXED=0        skip the relaxed-SIMD rows (a child process with
//                          --experimental-wasm-relaxed-simd running our relaxed build)
//   BENCH_THREADS=<n>      threads of the threaded rows (default 2; 0 skips them): a child
//                          process loading the threads build with TORCHWASM_THREADS=n
//                          runs THREADS_SET as rows named <workload>_t<n>, interleaved
//                          with onnxruntime-web on n threads (and tfjs-wasm on n threads
//                          where its thread pool runs: not in Node) and with our
//                          single-thread build (the speedup over one thread compares
//                          these two); their pytorch-native figure is the one-thread
//                          figure of <workload>
//   BENCH_OUT=<file>       results file (default bench/results.json)
//   BENCH_PYTHON=<path>    the python with torch for the pytorch-native column
//                          (default /usr/bin/python3; BENCH_PYTHON=none skips it)
// Flag --only-ours: run just our runtime (the relaxed child uses it with --json). The
// main process runs our single-thread build (TORCHWASM_THREADS=0) and every peer on one
// thread.

import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The single-thread build unless this is the threads child (set before loading ours).
process.env.TORCHWASM_THREADS ??= '0';
const { loadOurs, loadOursInstance, loadTfjs, loadOrt, tfjsWasmNoThreads } = await import('./libs.mjs');
import { allWorkloads } from './workloads.mjs';
import { threadsSaid } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const onlyOurs = argv.includes('--only-ours');
const jsonOut = argv.includes('--json');
const filter = process.env.BENCH_FILTER ? new RegExp(process.env.BENCH_FILTER) : null;
/** Workloads that get a relaxed-SIMD row. */
const RELAXED_SET = new RegExp(process.env.BENCH_RELAXED_FILTER ?? '^(simd_peak$|sgemm_|conv3x3_64x56x56$|mlp_train_step$)');
/** Workloads that get a threaded row (the threads build with BENCH_THREADS threads). */
const THREADS_SET = new RegExp(process.env.BENCH_THREADS_FILTER ?? '^(sgemm_1024$|conv3x3_64x56x56$|conv3x3_64x56x56_fwd_bwd$|resnet18_forward$|mlp_train_step$|add_1m$|softmax_1000x1000$)');
const benchThreads = Number(process.env.BENCH_THREADS ?? 2);
const threadsChild = argv.includes('--threads');
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const sampleMs = Number(process.env.BENCH_SAMPLE_MS ?? 200);
const LIBS = ['ours', 'tfjs-wasm', 'tfjs-cpu', 'onnxruntime-web'];
/** The relaxed child's twin: the strict build, measured in the same rounds. */
const STRICT_TWIN = 'ours-strict';
/** The threads child's twin: the single-thread build, measured in the same rounds. */
const ONE_THREAD_TWIN = 'ours-1-thread';
/** The table's peer columns: the libraries measured here, then PyTorch native. */
const PEERS = [...LIBS.slice(1), 'pytorch-native'];
const python = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);

/**
 * Mean ms per run over repeated runs lasting at least `ms` (at least one run), and the
 * process's CPU time over that wall time (all its threads: above 1 when a pool works).
 */
async function sample(impl, ms) {
  if (impl.before) await impl.before();
  // start from a collected heap, so garbage the previous library left is not charged
  // to this one (node --expose-gc; npm run bench passes it)
  globalThis.gc?.();
  let n = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let t = t0;
  do {
    const r = impl.run();
    if (r instanceof Promise) await r;
    n++;
    t = performance.now();
  } while (t - t0 < ms);
  const cpu = process.cpuUsage(cpu0);
  return { msPerRun: (t - t0) / n, cpuPerWall: (cpu.user + cpu.system) / 1000 / (t - t0) };
}

/**
 * The cells in the order round `r` samples them: workload by workload, each workload's
 * libraries rotated by r, so that no library is always sampled first or right after
 * another one (the two builds of a child differ by a few percent, which an order
 * effect can hide or invert).
 */
function inRoundOrder(cells, r) {
  const workloads = [...new Set(cells.map((c) => c.w))];
  return workloads.flatMap((w) => {
    const group = cells.filter((c) => c.w === w);
    return group.map((_, i) => group[(i + r) % group.length]);
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function toUnit(w, msPerRun) {
  if (w.unit === 'GFLOP/s') return w.work / (msPerRun * 1e6);
  if (w.unit === 'us') return (msPerRun * 1000) / (w.opsPerRun ?? 1);
  return msPerRun / (w.opsPerRun ?? 1);
}

/**
 * The threads child's peers, each with benchThreads threads: onnxruntime-web, and
 * tfjs-wasm where its thread pool runs. Returns the libraries and notes for the others.
 */
async function loadThreadedPeers(ctx) {
  ctx.ort = await loadOrt(benchThreads);
  const noThreads = await tfjsWasmNoThreads();
  if (noThreads) return { libs: ['onnxruntime-web'], notes: [`tfjs-wasm: no thread pool in Node (${noThreads}); its _t${benchThreads} column is empty`] };
  ctx.tfjs = await loadTfjs({ threads: benchThreads });
  return { libs: ['tfjs-wasm', 'onnxruntime-web'], notes: [] };
}

async function measure() {
  const ctx = { torch: await loadOurs() };
  const relaxedChild = jsonOut && !threadsChild;
  // The children run their rows interleaved in the same rounds with what they are
  // compared with: measured minutes apart in two processes, two libraries met different
  // loads on this shared machine (relaxed rows once came out 2.5x slower). The relaxed
  // child runs the strict build, the threads child the peers on as many threads.
  let libs = LIBS;
  const notes = [];
  if (relaxedChild) libs = ['ours', STRICT_TWIN];
  else if (threadsChild) {
    const peers = onlyOurs ? { libs: [], notes: [] } : await loadThreadedPeers(ctx);
    libs = ['ours', ONE_THREAD_TWIN, ...peers.libs];
    notes.push(...peers.notes);
  } else if (!onlyOurs) {
    ctx.tfjs = await loadTfjs();
    ctx.ort = await loadOrt();
  }
  const workloads = allWorkloads(ctx).filter((w) => (!filter || filter.test(w.name)) && (!jsonOut || (threadsChild ? THREADS_SET : RELAXED_SET).test(w.name)));
  const twin = relaxedChild ? STRICT_TWIN : threadsChild ? ONE_THREAD_TWIN : null;
  if (twin) {
    const other = await loadOursInstance({ relaxed: false, threads: false });
    const byName = new Map(allWorkloads({ torch: other, strict: true }).map((w) => [w.name, w]));
    for (const w of workloads) {
      w.twin = byName.get(w.name); // its own work figure (simd_peak's strict loop does more flops)
      w.impls = { ...w.impls, [twin]: w.twin.impls.ours };
    }
  }
  // set up every (workload, library) pair once; a failed setup is reported, not fatal
  const cells = [];
  for (const w of workloads) {
    for (const lib of libs) {
      const make = w.impls[lib];
      if (!make || (onlyOurs && lib !== 'ours' && lib !== twin)) continue;
      const cell = { w, lib, samples: [], cpuPerWall: [], error: null, impl: null };
      try {
        cell.impl = await make();
        await sample(cell.impl, 0); // warm-up run
      } catch (e) {
        cell.error = String(e?.message ?? e).slice(0, 120);
      }
      cells.push(cell);
    }
  }
  for (let r = 0; r < rounds; r++) {
    log(`round ${r + 1}/${rounds}`);
    for (const cell of inRoundOrder(cells, r)) {
      if (cell.error) continue;
      // very slow cells (seconds per run) sample only three rounds
      if (r >= 3 && cell.samples.length && cell.samples[0] > 1500) continue;
      try {
        const s = await sample(cell.impl, sampleMs);
        cell.samples.push(s.msPerRun);
        cell.cpuPerWall.push(s.cpuPerWall);
      } catch (e) {
        cell.error = String(e?.message ?? e).slice(0, 120);
      }
    }
  }
  const rows = workloads.map((w) => {
    const row = { name: w.name, unit: w.unit, higher_is_better: w.higherIsBetter, ours: null, peers: {} };
    if (w.note) row.note = w.note;
    if (w.logits_max_abs_diff !== undefined) row.logits_max_abs_diff = w.logits_max_abs_diff;
    for (const cell of cells.filter((c) => c.w === w)) {
      const v = cell.error || !cell.samples.length ? null : toUnit(cell.lib === twin ? w.twin : w, median(cell.samples));
      if (cell.lib === 'ours') {
        row.ours = v;
        if (cell.error) row.ours_error = cell.error;
      } else {
        row.peers[cell.lib] = v;
        if (cell.error) (row.peer_errors ??= {})[cell.lib] = cell.error;
      }
      if (threadsChild && v !== null) (row.cpu_per_wall ??= {})[cell.lib] = median(cell.cpuPerWall);
    }
    return row;
  });
  return { rows, notes };
}

/**
 * PyTorch's native figures (bench/pytorch_native.py) put into the rows it has, in the
 * pytorch-native column; returns a note when they were skipped.
 */
function addNativeFigures(rows) {
  if (python === 'none') return 'pytorch-native: skipped (BENCH_PYTHON=none)';
  const names = rows.map((r) => r.name);
  const r = spawnSync(python, [join(here, 'pytorch_native.py'), `^(${names.join('|')})$`], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_ROUNDS: String(rounds), BENCH_SAMPLE_MS: String(sampleMs) },
  });
  if (r.error || r.status !== 0) return `pytorch-native: skipped (${r.error?.message ?? `${python} exited with status ${r.status}`})`;
  const out = JSON.parse(r.stdout);
  if (out.skipped) return `pytorch-native: skipped (${out.skipped})`;
  for (const row of rows) {
    if (row.name in out.rows) row.peers['pytorch-native'] = out.rows[row.name];
    if (row.name in out.errors) (row.peer_errors ??= {})['pytorch-native'] = out.errors[row.name];
  }
  return null;
}

/**
 * Rows of our threads build with BENCH_THREADS threads and their peers on as many,
 * measured in a child process; `base` are the one-thread rows (for the speedup and the
 * pytorch-native figure). Returns { rows, notes }.
 */
function threadRows(base) {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--json', '--threads'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24, env: { ...process.env, TORCHWASM_THREADS: String(benchThreads) },
  });
  if (r.status !== 0) {
    log(`threads run failed (status ${r.status})`);
    return { rows: [], notes: [] };
  }
  const out = JSON.parse(r.stdout);
  if (out.threads !== benchThreads) {
    log(`threads run ran ${out.threads} thread(s), not ${benchThreads}; no threaded rows`);
    return { rows: [], notes: [] };
  }
  const rows = out.rows.map((row) => {
    const one = base.find((b) => b.name === row.name);
    const { [ONE_THREAD_TWIN]: twin, ...peers } = row.peers;
    const t = { ...row, name: `${row.name}_t${benchThreads}`, threads: benchThreads, peers };
    const speedup = (single) => (row.higher_is_better ? row.ours / single : single / row.ours);
    // the speedup compares with the single-thread build measured in the same rounds of
    // this child: the main table's row was measured minutes earlier, under another load
    if (twin != null && row.ours) {
      t.one_thread_same_process = twin;
      t.speedup_vs_1_thread = speedup(twin);
    }
    if (one?.ours && row.ours) t.speedup_vs_1_thread_row = speedup(one.ours);
    const cpu = Object.entries(row.cpu_per_wall ?? {}).filter(([lib]) => lib !== ONE_THREAD_TWIN);
    const said = cpu.length ? [`${cpu.map(([lib]) => lib).join(' and ')} ran ${benchThreads} threads (CPU time / wall time: ${cpu.map(([lib, c]) => `${lib} ${c.toFixed(2)}`).join(', ')})`] : [];
    // PyTorch native has no threaded run here: the row compares with its one-thread figure
    const native = one?.peers['pytorch-native'];
    if (native != null) {
      t.peers['pytorch-native'] = native;
      said.push(`pytorch-native is its one-thread figure (the ${row.name} row)`);
    }
    if (said.length) t.note = [row.note, ...said].filter(Boolean).join('; ');
    return t;
  });
  return { rows, notes: out.notes ?? [] };
}

/** Rows of our relaxed-SIMD build, measured in a child process with the V8 flag. */
function relaxedRows() {
  const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--expose-gc', fileURLToPath(import.meta.url), '--only-ours', '--json'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24,
  });
  if (r.status !== 0) {
    log(`relaxed run failed (status ${r.status})`);
    return [];
  }
  const out = JSON.parse(r.stdout);
  if (!out.relaxed) {
    log('relaxed run did not load the relaxed build; no relaxed rows');
    return [];
  }
  return out.rows.map((row) => {
    const strict = row.peers[STRICT_TWIN];
    const r = { ...row, name: `${row.name}_relaxed`, peers: {} };
    if (strict != null && row.ours != null) {
      r.strict_same_process = strict;
      const gain = row.higher_is_better ? row.ours / strict : strict / row.ours;
      r.note = `${row.note ? `${row.note}; ` : ''}the strict build in the same process and rounds: ${fmt(strict, row.unit)} ${row.unit} (relaxed ${gain.toFixed(2)}x it)`;
    }
    return r;
  });
}

const fmt = (v, unit) => (v === null || v === undefined ? 'n/a' : unit === 'GFLOP/s' ? v.toFixed(2) : unit === 'us' ? v.toFixed(2) : v.toFixed(3));

function ratio(row, peer) {
  const p = row.peers[peer];
  if (row.ours === null || p === null || p === undefined) return '';
  const r = row.higher_is_better ? row.ours / p : p / row.ours;
  return `${r.toFixed(2)}x`;
}

function printTable(rows, notes) {
  const peers = PEERS;
  const head = ['workload', 'unit', 'ours', ...peers.flatMap((p) => [p, 'ratio'])];
  const lines = rows.map((r) => [r.name, r.unit, fmt(r.ours, r.unit), ...peers.flatMap((p) => [fmt(r.peers[p], r.unit), ratio(r, p)])]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cols) => cols.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(head));
  for (const l of lines) console.log(line(l));
  console.log('ratio = how many times better ours is than that peer (higher GFLOP/s, or lower ms/us)');
  for (const n of notes) console.log(n);
  for (const r of rows) {
    if (r.note) console.log(`${r.name}: ${r.note}`);
    if (r.threads) console.log(`${r.name}: ${threadsSaid(r, fmt)}`);
    if (r.ours_error) console.log(`${r.name} (ours): ${r.ours_error}`);
    for (const [p, e] of Object.entries(r.peer_errors ?? {})) console.log(`${r.name} (${p}): ${e}`);
  }
}

const t0 = Date.now();
const load0 = os.loadavg()[0];
if (threadsChild) await (await loadOurs()).threadsReady();
const { rows, notes } = await measure();
if (jsonOut) {
  const { torch } = { torch: await loadOurs() };
  process.stdout.write(JSON.stringify({ relaxed: torch.relaxedSimdSupported(), threads: torch.activeNumThreads(), rows, notes }));
} else {
  if (!onlyOurs) {
    log('pytorch-native');
    const skipped = addNativeFigures(rows);
    if (skipped) notes.push(skipped);
  }
  if (!onlyOurs && process.env.BENCH_RELAXED !== '0') rows.push(...relaxedRows());
  if (!onlyOurs && benchThreads > 0) {
    log(`threads (${benchThreads})`);
    const threaded = threadRows(rows);
    rows.push(...threaded.rows);
    notes.push(...threaded.notes);
  }
  const cpu = os.cpus();
  const results = {
    machine: {
      cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, os: `${os.type()} ${os.release()}`, node: process.version,
      loadavg_start: load0, loadavg_end: os.loadavg()[0],
    },
    date: new Date().toISOString(),
    seconds: Math.round((Date.now() - t0) / 1000),
    workloads: rows,
  };
  if (notes.length) results.notes = notes;
  printTable(rows, notes);
  const out = process.env.BENCH_OUT ?? join(here, 'results.json');
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${out} (${results.seconds} s, load average ${load0.toFixed(1)} -> ${results.machine.loadavg_end.toFixed(1)})`);
}
