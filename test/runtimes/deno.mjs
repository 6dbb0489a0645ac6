// Runtime matrix: Deno on dist/index.js (`deno run --allow-read`: the loader reads the
// .wasm next to the bundle, the generation check the fixtures; --allow-env=CONFORMANCE_DIR).
import * as torch from '../../dist/index.js';
import * as tinyGpt from '../../examples/tiny_gpt_model.mjs';
import { smoke, report } from './smoke.mjs';
import { threadsCheck } from './threads.mjs';
import { usingCheck } from './using.mjs';
import { generationCheck, readTinyGpt } from './generation.mjs';

const fixtures = Deno.env.get('CONFORMANCE_DIR') || new URL('../../../shared/conformance', import.meta.url).pathname;
const [gpt, weights] = readTinyGpt(tinyGpt, fixtures, (p) => Deno.readTextFileSync(p), (p) => Deno.readFileSync(p));
const result = await threadsCheck(torch, generationCheck(torch, usingCheck(torch, smoke(torch, Deno.inspect)), tinyGpt, gpt, weights));
report('deno', result);
if (!result.ok) Deno.exit(1);
