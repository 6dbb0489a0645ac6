// Bun from the installed tarball.
import * as torch from 'torchwasm';
import { inspect } from 'node:util';
import { smoke, report } from './smoke.mjs';
import { usingCheck } from './using.mjs';

const result = usingCheck(torch, smoke(torch, inspect));
report('bun', result);
process.exitCode = result.ok ? 0 : 1;
