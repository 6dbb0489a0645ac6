// The fuzz loop: picks a target per call from the call's own seeded stream, builds its
// arguments, runs it, classifies the outcome, frees everything the call made, and checks
// that the call left the heap, the grad mode and the default dtype as they were.
import { torch } from '../helpers.js';
import { Rng } from './rng.js';
import { Gen } from './values.js';
import { allTargets, Call, disposeDeep } from './targets.js';
import { classifyError, classifyResult, Outcome } from './classify.js';

export interface FuzzOptions {
  seed: number;
  calls: number;
  /** Index of the first call (to replay one: start = i, calls = 1). */
  start?: number;
  /** A call running longer than this counts as a hang. */
  hangMs?: number;
  /** Only targets whose name matches. */
  only?: RegExp;
}

export interface FuzzReport {
  calls: number;
  results: number;
  errors: Record<string, number>;
  failures: string[];
  /** Calls after which tensors stayed alive (until the collector runs, or forever). */
  leaks: string[];
  slowestMs: number;
  slowest: string;
  targets: number;
}

/** A short description of an argument, for a failure's report. */
export function describe(v: unknown, depth = 0): string {
  if (v instanceof torch.Tensor) {
    if (v.isDisposed) return 'Tensor(disposed)';
    const flags = [v.dtype.name, `[${v.shape.join(',')}]`];
    if (!v.isContiguous()) flags.push(`strides [${v.stride().join(',')}]`);
    if (v.requiresGrad) flags.push(v.gradFn ? 'grad_fn' : 'requires_grad');
    if (v.numel() > 0 && v.numel() <= 6) flags.push(JSON.stringify(v.tolist(), (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)));
    return `Tensor(${flags.join(' ')})`;
  }
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'function';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (depth > 2) return '…';
  if (Array.isArray(v)) return `[${v.map((x) => describe(x, depth + 1)).join(', ')}]`;
  if (v instanceof Map) return 'Map';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return `{${Object.entries(v).map(([k, x]) => `${k}: ${describe(x, depth + 1)}`).join(', ')}}`;
  }
  return (v as object).constructor?.name ?? typeof v;
}

function globalState(): string {
  return `grad=${torch.isGradEnabled()} inference=${torch.isInferenceModeEnabled()} dtype=${torch.getDefaultDtype().name}`;
}

/**
 * Runs backward through a result that requires grad (its sum, seeded with ones), so the
 * gradient formulas meet the same odd inputs as the forwards. An error here is classified
 * like the call's own.
 */
function backwardThrough(result: unknown): Outcome {
  const first = Array.isArray(result) ? result[0] : result;
  if (!(first instanceof torch.Tensor) || first.isDisposed || !first.requiresGrad || !first.dtype.isFloatingPoint) return { kind: 'result' };
  try {
    const s = torch.tidy(() => first.sum());
    try {
      s.backward();
    } finally {
      s.dispose();
    }
    return { kind: 'result' };
  } catch (e) {
    const o = classifyError(e);
    return o.kind === 'failure' ? { kind: 'failure', why: `in backward: ${o.why}` } : o;
  }
}

export function runFuzz(opts: FuzzOptions): FuzzReport {
  const targets = allTargets().filter((t) => !opts.only || opts.only.test(t.name));
  const hangMs = opts.hangMs ?? 5000;
  const report: FuzzReport = { calls: 0, results: 0, errors: {}, failures: [], leaks: [], slowestMs: 0, slowest: '', targets: targets.length };
  const state0 = globalState();
  const start = opts.start ?? 0;
  for (let i = start; i < start + opts.calls; i++) {
    const rng = Rng.forCall(opts.seed, i);
    const target = targets[Math.floor(rng.next() * targets.length)];
    const before = torch.memory();
    const g = new Gen(rng);
    let call: Call | null = null;
    let outcome: Outcome;
    let result: unknown;
    const t0 = performance.now();
    try {
      call = target.make(g);
      result = call.run();
      outcome = classifyResult(result);
      if (outcome.kind === 'result' && rng.chance(0.3)) outcome = backwardThrough(result);
    } catch (e) {
      outcome = classifyError(e);
    }
    const ms = performance.now() - t0;
    const described = `seed ${opts.seed} call ${i}: ${target.name}(${(call?.args ?? []).map((a) => describe(a)).join(', ')})`;
    const where = (): string => described;
    report.calls++;
    if (outcome.kind === 'result') report.results++;
    else if (outcome.kind === 'error') report.errors[outcome.cls] = (report.errors[outcome.cls] ?? 0) + 1;
    else report.failures.push(`${where()}: ${outcome.why}`);
    if (ms > hangMs) report.failures.push(`${where()}: took ${ms.toFixed(0)} ms`);
    if (ms > report.slowestMs) [report.slowestMs, report.slowest] = [ms, target.name];
    const state = globalState();
    if (state !== state0) {
      report.failures.push(`${where()}: left global state ${state} (was ${state0})`);
      torch.setGradEnabled(true);
      torch.setDefaultDtype(torch.float32);
    }
    try {
      disposeDeep(result);
      disposeDeep(call?.owned);
      g.disposeAll();
    } catch (e) {
      report.failures.push(`${where()}: freeing its tensors threw ${String(e)}`);
    }
    const after = torch.memory();
    if (after.liveTensors !== before.liveTensors || after.bytesInUse !== before.bytesInUse) {
      report.leaks.push(`${where()}: ${after.liveTensors - before.liveTensors} tensors, ${after.bytesInUse - before.bytesInUse} bytes`);
    }
  }
  return report;
}
