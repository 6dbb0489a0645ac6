// Mutation tests of the loaders: seeded mutants of valid .pt (zip and legacy), whole-model
// and .safetensors files. Each mutant must load or fail with the loader's own clear
// RuntimeError: no wasm trap, no internal error (TypeError, RangeError, ... from a
// missing check), no hang, memory back where it was, and no allocation (wasm storages
// at their peak, JS ArrayBuffers) beyond the file's size times a small constant.
// Each format prints its counts: mutants, loaded, errors by class, traps, internal
// errors, hangs, the largest allocation per file byte.
//
//   FUZZ_MUTANTS=1000 npx vitest run test/unit/serialize_fuzz.test.ts   (default 300 per format;
//                                                                       MUTANTS=1000 works too)
//   FUZZ_SEED=7 ...                                                      (default 1)
import { describe, it, expect } from 'vitest';
import { torch } from '../helpers.js';
import { watchdog } from './watchdog.js';
import { mutant, Mutator, ZIP_MUTATORS, LEGACY_MUTATORS, SAFETENSORS_MUTATORS } from './serialize_mutate.js';

const MUTANTS = Number(process.env.FUZZ_MUTANTS ?? process.env.MUTANTS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 1);
/** A load slower than this counts as a hang; one that never returns is caught by the watchdog. */
const SLOW_MS = 2000;
const WATCHDOG_MS = 30_000;
/** Allowed allocation per mutant: this many times the file's size, plus a fixed slack. */
const ALLOC_FACTOR = 4;
const ALLOC_SLACK = 64 << 10;
const { tuple, orderedDict, registerModuleClass } = torch.serialization;

class Scaled extends torch.nn.Module {
  factor = 2;
  names = ['a', 'b'];
  constructor() {
    super();
    this.registerBuffer('shift', torch.tensor([0.5, -0.5]));
  }
  override forward(x: torch.Tensor): torch.Tensor {
    return x.mul(this.factor).add((this as any).shift);
  }
}
registerModuleClass(Scaled, 'fuzz.Scaled');

function container(): unknown {
  const w = torch.arange(12, { dtype: torch.float32 }).view(3, 4);
  return {
    sd: orderedDict({ 'fc.weight': w, 'fc.weight_t': w.t(), 'fc.bias': w.select(1, 2), 'bn.num_batches_tracked': torch.tensor(7) }),
    half: torch.tensor([0.5, -1], { dtype: torch.float16 }),
    mask: torch.tensor([true, false, true]),
    opt: { state: new Map([[0, { step: torch.tensor(3, { dtype: torch.float32 }), exp_avg: torch.zeros(2) }]]), param_groups: [{ lr: 0.01, betas: tuple(0.9, 0.999), params: [0] }] },
    meta: { name: 'fuzz', sizes: [1, 2, 3], big: 2n ** 70n, none: null, ratio: 0.25 },
  };
}

interface Format {
  name: string;
  file: () => Uint8Array;
  load: (b: Uint8Array) => unknown;
  mutators: Mutator[];
  prefix: RegExp;
}

const FORMATS: Format[] = [
  { name: 'zip .pt', file: () => torch.save(container()), load: (b) => torch.load(b), mutators: ZIP_MUTATORS, prefix: /^load: / },
  {
    name: 'legacy .pt',
    file: () => torch.save(container(), { _useNewZipfileSerialization: false }),
    load: (b) => torch.load(b),
    mutators: LEGACY_MUTATORS,
    prefix: /^load: /,
  },
  {
    name: 'whole model .pt',
    file: () => torch.save(new torch.nn.Sequential(new torch.nn.Linear(3, 2), new torch.nn.ReLU(), new Scaled())),
    load: (b) => torch.load(b, { weightsOnly: false }),
    mutators: ZIP_MUTATORS,
    prefix: /^load: /,
  },
  {
    name: '.safetensors',
    file: () => torch.safetensors.save({ a: torch.ones(2, 3), b: torch.tensor([1, 2, 3], { dtype: torch.int32 }), c: torch.zeros(0), d: torch.tensor([0.5], { dtype: torch.bfloat16 }) }, { format: 'pt' }),
    load: (b) => torch.safetensors.load(b),
    mutators: SAFETENSORS_MUTATORS,
    prefix: /^safetensors\.load: /,
  },
];

/** Frees every tensor and module a load returned. */
function disposeAll(v: unknown, seen = new Set<unknown>()): void {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) return;
  seen.add(v);
  if (v instanceof torch.Tensor) return v.dispose();
  if (v instanceof torch.nn.Module) v.dispose(); // then its attributes, which may hold tensors too
  const items = v instanceof Map ? [...v.keys(), ...v.values()] : v instanceof Set ? [...v] : Object.values(v as object);
  for (const x of items) disposeAll(x, seen);
}

const INTERNAL = [TypeError, RangeError, SyntaxError, ReferenceError, WebAssembly.RuntimeError];

/** Why an error is not an acceptable rejection, or null when it is. */
function problem(e: unknown, prefix: RegExp): string | null {
  if (e instanceof WebAssembly.RuntimeError) return `wasm trap: ${e.message}`;
  if (!(e instanceof torch.RuntimeError)) return `${(e as Error)?.name}: ${(e as Error)?.message}`;
  if (!prefix.test(e.message)) return `unclear message: ${e.message}`;
  const cause = (e as { cause?: unknown }).cause;
  if (INTERNAL.some((C) => cause instanceof C)) return `internal error behind "${e.message}": ${(cause as Error).name}`;
  return null;
}

const arrayBuffers = (): number => process.memoryUsage().arrayBuffers;

describe('mutation tests of the file loaders', () => {
  for (const format of FORMATS) {
    it(`${format.name}: ${MUTANTS} mutants load or fail clearly, with no trap, hang, leak or oversized allocation`, async () => {
      const file = format.file();
      disposeAll(format.load(file)); // the original loads
      const bound = ALLOC_FACTOR * file.length + ALLOC_SLACK;
      const failures: string[] = [];
      const errorsByClass: Record<string, number> = {};
      let loaded = 0;
      let traps = 0;
      let internal = 0;
      let hangs = 0;
      let slowest = 0;
      let maxWasm = 0; // the largest peak of wasm storages during one load, over what was in use before
      let maxJs = 0; // the largest growth of JS ArrayBuffer memory during one load
      const start = torch.memory();
      const dog = watchdog(WATCHDOG_MS);
      try {
        for (let i = 0; i < MUTANTS; i++) {
          const seed = SEED * 1_000_003 + i;
          const m = mutant(file, format.mutators, seed);
          const what = `seed ${seed} [${m.steps.join(', ')}]`;
          dog.beat(`${format.name} mutant ${what}`);
          const before = torch.memory();
          torch.resetPeakMemoryStats();
          const js0 = arrayBuffers();
          const t0 = performance.now();
          let result: unknown;
          try {
            result = format.load(m.file);
            loaded++;
          } catch (e) {
            const name = (e as Error)?.name ?? typeof e;
            errorsByClass[name] = (errorsByClass[name] ?? 0) + 1;
            if (e instanceof WebAssembly.RuntimeError) traps++;
            else if (!(e instanceof torch.RuntimeError) || INTERNAL.some((C) => (e as { cause?: unknown }).cause instanceof C)) internal++;
            const p = problem(e, format.prefix);
            if (p) failures.push(`${what}: ${p}`);
          }
          const ms = performance.now() - t0;
          const js = arrayBuffers() - js0; // before freeing the result: what the load holds counts
          disposeAll(result);
          const wasm = torch.memory().peakBytes - before.bytesInUse;
          slowest = Math.max(slowest, ms);
          maxWasm = Math.max(maxWasm, wasm);
          maxJs = Math.max(maxJs, js);
          if (ms > SLOW_MS) {
            hangs++;
            failures.push(`${what}: took ${ms.toFixed(0)} ms`);
          }
          if (wasm > bound) failures.push(`${what}: allocated ${wasm} B of wasm memory for a ${m.file.length} B file`);
          if (js > bound) failures.push(`${what}: allocated ${js} B of JS ArrayBuffers for a ${m.file.length} B file`);
          const after = torch.memory();
          if (after.bytesInUse !== before.bytesInUse || after.liveTensors !== before.liveTensors) {
            failures.push(`${what}: memory ${before.bytesInUse} -> ${after.bytesInUse} bytes, ${before.liveTensors} -> ${after.liveTensors} tensors`);
          }
        }
      } finally {
        await dog.stop();
      }
      const end = torch.memory();
      const errors = Object.entries(errorsByClass).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
      console.log(
        `[serialize fuzz] ${format.name}: ${MUTANTS} mutants (seed ${SEED}, file ${file.length} B): ${loaded} loaded, errors by class: ${errors}; ` +
          `${traps} traps, ${internal} internal errors, ${hangs} hangs, ${failures.length} failures; slowest ${slowest.toFixed(1)} ms; ` +
          `largest allocation per load: wasm ${maxWasm} B, JS ${Math.max(0, maxJs)} B (bound ${bound} B = ${ALLOC_FACTOR} x file + ${ALLOC_SLACK}); wasm memory +${end.wasmBytes - start.wasmBytes} B`,
      );
      expect(failures).toEqual([]);
      expect(end.wasmBytes - start.wasmBytes).toBeLessThanOrEqual(16 << 20);
    });
  }
});
