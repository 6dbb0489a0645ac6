#!/usr/bin/env node
// Text generation with a tiny decoder-only GPT: PyTorch's state_dict (tiny_gpt.pt, saved
// by torch.save) loaded into a Module assembled from nn layers (tiny_gpt_model.mjs),
// then greedy decoding, printing each token and the time per token. No graph is
// recorded and every step frees what it made: the memory report stays flat.
//
//   node examples/tiny_gpt.mjs [steps]
//
// The weights and the expected tokens come from the conformance fixtures
// (../shared/conformance, or CONFORMANCE_DIR): the tokens must be PyTorch's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../dist/index.js';
import { createTinyGPT, greedyDecode, tinyGptCase } from './tiny_gpt_model.mjs';

const fixtures = process.env.CONFORMANCE_DIR || fileURLToPath(new URL('../../shared/conformance/', import.meta.url));
const gpt = tinyGptCase(readFileSync(join(fixtures, 'sequence.json'), 'utf8'));
const steps = Number(process.argv[2] ?? gpt.steps);

const model = createTinyGPT(torch, gpt.config);
const stateDict = torch.load(readFileSync(join(fixtures, gpt.weights)));
model.loadStateDict(stateDict);
for (const t of Object.values(stateDict)) t.dispose(); // the model holds copies
model.eval();
console.log(`tiny GPT: ${model.parameters().reduce((n, p) => n + p.numel(), 0)} parameters, ` +
  `${gpt.config.numLayers} TransformerEncoderLayer blocks, context ${gpt.config.contextLength}`);
console.log(`prompt: [${gpt.prompt.join(', ')}]`);

const base = torch.memory().bytesInUse;
const heap = [];
const { tokens, msPerToken } = greedyDecode(torch, model, gpt.prompt, steps, {
  onToken: (token, i) => {
    heap.push(torch.memory().bytesInUse);
    console.log(`  token ${i + 1}: ${token}`);
  },
});
console.log(`tokens: [${tokens.join(', ')}]`);
console.log(`${msPerToken.toFixed(3)} ms per token`);

let ok = true;
const expected = gpt.tokens.slice(0, steps);
if (steps <= gpt.tokens.length) {
  const same = tokens.join() === expected.join();
  console.log(same ? "same tokens as PyTorch's greedy decode" : `PyTorch decoded [${expected.join(', ')}]`);
  ok &&= same;
}
const flat = heap.every((b) => b === base);
console.log(`memory per token: ${flat ? 'flat' : `grew: ${heap.join(', ')} bytes (from ${base})`}`);
ok &&= flat;
model.dispose();
const m = torch.memory();
console.log(`memory: ${m.liveTensors} live tensors, ${m.bytesInUse} bytes in use`);
process.exitCode = ok && m.bytesInUse === 0 ? 0 : 1;
