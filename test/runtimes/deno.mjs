// Runtime matrix: Deno on dist/index.js (`deno run --allow-read`: the loader reads the
// .wasm next to the bundle).
import * as torch from '../../dist/index.js';
import { smoke, report } from './smoke.mjs';
import { usingCheck } from './using.mjs';

const result = usingCheck(torch, smoke(torch, Deno.inspect));
report('deno', result);
if (!result.ok) Deno.exit(1);
