// Deno with an npm: specifier, resolved from the project's node_modules
// (deno run --node-modules-dir=manual): no registry access.
import * as torch from 'npm:torchwasm';
// @ts-types="./smoke.d.ts"
import { smoke, report } from './smoke.mjs';
// @ts-types="./smoke.d.ts"
import { usingCheck } from './using.mjs';

const x: torch.Tensor = torch.tensor([1, 2, 3], { dtype: torch.float32 });
x.dispose();
const result = usingCheck(torch, smoke(torch, Deno.inspect));
report('deno', result);
if (!result.ok) Deno.exit(1);
