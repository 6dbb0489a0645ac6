// Runtime matrix: Node (>= 20) on dist/index.js. Run with --experimental-wasm-relaxed-simd
// to load the relaxed-SIMD build.
import * as torch from '../../dist/index.js';
import { inspect } from 'node:util';
import { smoke, report } from './smoke.mjs';

const result = smoke(torch, inspect);
report(process.execArgv.includes('--experimental-wasm-relaxed-simd') ? 'node-relaxed' : 'node', result);
process.exitCode = result.ok ? 0 : 1;
