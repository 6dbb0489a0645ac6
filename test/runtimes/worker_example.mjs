// Runtime matrix: the Cloudflare Worker example (examples/worker/) served by workerd with
// its own config.capnp on a loopback port. 200 classification requests, at most 4 in
// flight and each with a deadline, must answer the top-5 Node computes for the same
// input with the same preprocessing, and the isolate's heap must hold the model and
// nothing else between requests, from the first to the last (and after bad requests).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../../dist/index.js';
import { preprocess, classify, moduleFootprint } from '../../examples/imagenet.mjs';
import { syntheticImage } from '../imagenet/images.mjs';
import { report } from './smoke.mjs';
import { workerdBin } from './workerd_bin.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const exampleConfig = join(root, 'examples', 'worker', 'config.capnp');
const REQUESTS = 200;
const IN_FLIGHT = 4;
const DEADLINE_MS = 30_000;
const checks = [];
const check = (name, ok, detail) => checks.push({ name, ok: !!ok, detail: ok ? '' : String(detail) });

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer().once('error', rej).listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/**
 * The example's config, or (when CONFORMANCE_DIR names other fixtures) a copy in a
 * temporary folder with its embedded paths re-rooted and the weights taken from there.
 */
function configFile() {
  const fixtures = process.env.CONFORMANCE_DIR;
  if (!fixtures) return { file: exampleConfig, weights: join(root, '..', 'shared', 'conformance', 'models', 'resnet18.pt') };
  mkdirSync(join(root, 'test', '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(root, 'test', '.tmp', 'worker-example-'));
  const weights = resolve(fixtures, 'models', 'resnet18.pt');
  const text = readFileSync(exampleConfig, 'utf8').replace(/embed "([^"]+)"/g, (_m, p) => {
    const target = p.endsWith('resnet18.pt') ? weights : resolve(dirname(exampleConfig), p);
    return `embed "${relative(dir, target)}"`;
  });
  writeFileSync(join(dir, 'config.capnp'), text);
  return { file: join(dir, 'config.capnp'), weights, dir };
}

// The inputs, cycled: two pictures as raw RGB (the Worker resizes and crops them to
// 224x224: every tenth request) and four normalised tensors of other sizes as JSON.
function inputs() {
  torch.manualSeed(0);
  const list = [];
  for (const [width, height] of [[320, 240], [180, 260]]) {
    const rgb = syntheticImage(width, height, 3);
    list.push({
      name: `RGB ${width}x${height}`,
      request: { path: `/?width=${width}&height=${height}`, type: 'application/octet-stream', body: rgb },
      input: () => preprocess(torch, rgb, width, height, { channels: 3 }),
    });
  }
  for (const shape of [[3, 64, 64], [1, 3, 48, 80], [3, 96, 72], [1, 3, 32, 40]]) {
    const data = torch.tidy(() => torch.randn(shape).toTypedArray());
    list.push({
      name: `JSON ${JSON.stringify(shape)}`,
      request: { path: '/', type: 'application/json', body: JSON.stringify({ shape, data: Array.from(data) }) },
      input: () => torch.fromArray(data, shape).view(1, ...shape.slice(-3)),
    });
  }
  return list;
}

const pick = (i, list) => (i % 10 === 0 ? list[(i / 10) % 2] : list[2 + (i % 4)]);

const { file, weights, dir } = configFile();
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const proc = spawn(workerdBin, ['serve', file, '--socket-addr', `http=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
let logs = '';
let exited = false;
proc.stdout.on('data', (d) => (logs += d));
proc.stderr.on('data', (d) => (logs += d));
proc.on('exit', () => (exited = true));

async function send(path, init = {}) {
  const res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(DEADLINE_MS) });
  return { status: res.status, body: await res.json() };
}

let memoryEnd = { bytesInUse: -1, liveTensors: -1, residentBytes: 0 };
const t0 = Date.now();
try {
  // workerd listens once it has compiled the config; the first GET /memory loads the model
  let first;
  for (const deadline = Date.now() + 60_000; !first;) {
    if (exited) throw new Error(`workerd exited early:\n${logs}`);
    try {
      first = await send('/memory');
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`workerd did not answer within 60 s: ${e}\n${logs}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const model = torch.models.resnet18({ weights: readFileSync(weights) }).eval();
  const footprint = moduleFootprint(model);
  check('GET /memory after loading: the model and nothing else', first.status === 200 && first.body.bytesInUse === footprint.bytes &&
    first.body.model.bytes === footprint.bytes && first.body.liveTensors === footprint.tensors, JSON.stringify(first));

  const names = JSON.parse(readFileSync(join(root, 'examples', 'imagenet_classes.json'), 'utf8'));
  const list = inputs();
  for (const item of list) {
    const x = item.input();
    item.expected = classify(torch, model, x, names, 5).top;
    x.dispose();
  }

  // 200 requests, IN_FLIGHT at a time; the heap is read after every 25
  const wrong = [];
  const heap = [];
  let next = 0;
  const runOne = async (i) => {
    const item = pick(i, list);
    const { path, type, body } = item.request;
    const r = await send(path, { method: 'POST', headers: { 'content-type': type }, body });
    const same = r.status === 200 && r.body.top5.length === 5 && r.body.top5.every((c, k) => c.index === item.expected[k].index &&
      c.label === item.expected[k].label && Math.abs(c.probability - item.expected[k].probability) <= 1e-6);
    if (!same) wrong.push(`#${i} ${item.name}: ${r.status} ${JSON.stringify(r.body)} (Node: ${JSON.stringify(item.expected)})`);
  };
  while (next < REQUESTS) {
    for (const end = Math.min(next + 25, REQUESTS); next < end;) {
      const batch = [];
      for (let k = 0; k < IN_FLIGHT && next < end; k++) batch.push(runOne(next++));
      await Promise.all(batch);
    }
    heap.push((await send('/memory')).body);
  }
  check(`${REQUESTS} POSTs (${REQUESTS / 10} raw RGB pictures, the rest JSON tensors) answer Node's top-5`, wrong.length === 0, wrong.slice(0, 3).join('\n'));
  const flat = heap.every((m) => m.bytesInUse === footprint.bytes && m.liveTensors === footprint.tensors);
  check(`heap flat across ${REQUESTS} requests (${footprint.bytes} bytes: the model)`, flat, heap.map((m) => `${m.bytesInUse}/${m.liveTensors}`).join(', '));
  const grown = heap.slice(1).some((m) => m.wasmBytes !== heap[0].wasmBytes);
  check('wasm memory does not grow after the first 25 requests', !grown, heap.map((m) => m.wasmBytes).join(', '));

  // bad requests: PyTorch's messages, the right statuses, nothing left behind
  const bad = [
    ['raw RGB of the wrong length', '/?width=10&height=10', 'application/octet-stream', new Uint8Array(7), 400,
      'ValueError: preprocess(): a 10x10 image with 3 channels has 300 bytes, got 7'],
    ['raw RGB without a width', '/?height=10', 'application/octet-stream', new Uint8Array(300), 400, 'ValueError: width must be a positive integer, got nothing'],
    ['a 4-channel tensor', '/', 'application/json', JSON.stringify({ shape: [4, 8, 8], data: new Array(256).fill(0) }), 400,
      'RuntimeError: Given groups=1, weight of size [64, 3, 7, 7], expected input[1, 4, 8, 8] to have 3 channels, but got 4 channels instead'],
    ['a ragged tensor', '/', 'application/json', JSON.stringify({ shape: [3, 2, 2], data: [1, 2] }), 400,
      'ValueError: data must be a flat array of 12 numbers for shape [3,2,2]'],
    ['plain text', '/', 'text/plain', 'hello', 415, 'ValueError: send application/octet-stream (raw RGB) or application/json (a tensor), not text/plain'],
  ];
  for (const [name, path, type, body, status, error] of bad) {
    const r = await send(path, { method: 'POST', headers: { 'content-type': type }, body });
    check(`${name}: ${status}`, r.status === status && r.body.error === error, `${r.status} ${JSON.stringify(r.body)}`);
  }
  const notFound = await send('/nope');
  check('an unknown route: 404', notFound.status === 404, notFound.status);
  const after = (await send('/memory')).body;
  check('heap unchanged after the bad requests', after.bytesInUse === footprint.bytes && after.liveTensors === footprint.tensors, JSON.stringify(after));
  memoryEnd = { bytesInUse: after.bytesInUse, liveTensors: after.liveTensors, residentBytes: footprint.bytes };
  model.dispose();
} catch (e) {
  check('worker example ran', false, e && e.stack ? e.stack : e);
} finally {
  proc.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
if (logs.trim()) console.log(logs.trim());
console.log(`${REQUESTS} requests in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
const ok = checks.every((k) => k.ok);
report('workerd-example', { ok, printed: '', relaxedSimdSupported: false, checks, memory: { end: memoryEnd } });
process.exitCode = ok ? 0 : 1;
