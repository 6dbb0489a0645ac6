// Runtime matrix: Bun on dist/index.js.
import * as torch from '../../dist/index.js';
import { inspect } from 'node:util';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tinyGpt from '../../examples/tiny_gpt_model.mjs';
import { smoke, report } from './smoke.mjs';
import { threadsCheck } from './threads.mjs';
import { usingCheck } from './using.mjs';
import { generationCheck, readTinyGpt } from './generation.mjs';

const fixtures = process.env.CONFORMANCE_DIR || fileURLToPath(new URL('../../../shared/conformance', import.meta.url));
const [gpt, weights] = readTinyGpt(tinyGpt, fixtures, (p) => readFileSync(p, 'utf8'), (p) => readFileSync(p));
const result = await threadsCheck(torch, generationCheck(torch, usingCheck(torch, smoke(torch, inspect)), tinyGpt, gpt, weights));
report('bun', result);
process.exitCode = result.ok ? 0 : 1;
