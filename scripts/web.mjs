#!/usr/bin/env node
// `npm run web`: serves the web demo (examples/web/) on the loopback address and prints
// its URL. The page loads dist/ (build it first: `npm run build`), and the fixture
// weights from ../shared/conformance (or CONFORMANCE_DIR):
//   /fixtures/resnet18.pt     the ResNet-18 state_dict (a seeded random init)
//   /fixtures/tiny_gpt.pt     the tiny GPT's state_dict
//   /fixtures/tiny_gpt.json   its architecture, a prompt and PyTorch's greedy tokens
//
//   node scripts/web.mjs [--port N]      (default 8080; a free port if that one is taken)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from './static_server.mjs';
import { tinyGptCase } from '../examples/tiny_gpt_model.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The conformance fixture folder the demo's weights come from. */
export function fixtureDir() {
  return process.env.CONFORMANCE_DIR || join(root, '..', 'shared', 'conformance');
}

/** Starts the demo's server; resolves { server, url }. `port` 0 picks a free port. */
export async function startWebServer({ port = 0, fixtures = fixtureDir() } = {}) {
  for (const f of ['dist/index.js', 'dist/torch.wasm']) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: build first (npm run build)`);
  }
  if (!existsSync(join(fixtures, 'sequence.json')) || !existsSync(join(fixtures, 'models', 'resnet18.pt'))) {
    throw new Error(`the conformance fixtures (sequence.json, models/resnet18.pt) are not in ${fixtures}: set CONFORMANCE_DIR`);
  }
  const gpt = tinyGptCase(readFileSync(join(fixtures, 'sequence.json'), 'utf8'));
  const routes = {
    '/': { type: 'text/html; charset=utf-8', file: join(root, 'examples', 'web', 'index.html') },
    '/fixtures/resnet18.pt': { type: 'application/octet-stream', file: join(fixtures, 'models', 'resnet18.pt') },
    '/fixtures/tiny_gpt.pt': { type: 'application/octet-stream', file: join(fixtures, gpt.weights) },
    '/fixtures/tiny_gpt.json': { type: 'application/json', body: JSON.stringify(gpt) },
  };
  return serveStatic(root, { allowed: ['/dist/', '/examples/'], routes, port });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--port');
  const wanted = Number(i > 0 ? process.argv[i + 1] : process.env.PORT ?? 8080);
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
    console.error(`web: --port must be an integer from 0 to 65535, got ${process.argv[i + 1] ?? process.env.PORT}`);
    process.exit(2);
  }
  let started;
  try {
    started = await startWebServer({ port: wanted }).catch((e) => {
      if (e.code !== 'EADDRINUSE') throw e;
      console.log(`port ${wanted} is taken; using a free one`);
      return startWebServer({ port: 0 });
    });
  } catch (e) {
    console.error(`web: ${e.message}`);
    process.exit(1);
  }
  console.log(`torchwasm web demo: ${started.url}/  (Ctrl-C stops it)`);
}
