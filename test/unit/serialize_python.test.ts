// Interop with real PyTorch 1.13 (Debian's python3-torch, /usr/bin/python3): files we
// save load in torch.load (weights_only where PyTorch allows it) with every tensor
// identical bit for bit (values, dtype, shape, strides, offsets, storage sharing) and
// Python types as documented; files PyTorch writes load here identically. The Python
// side is test/python/check_load.py. Skipped, saying why, when Python has no torch.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { torch, expectClose } from '../helpers.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = new URL('../python/check_load.py', import.meta.url).pathname;
const RESNET = new URL('../../../shared/conformance/models/resnet18.pt', import.meta.url).pathname;
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const hasTorch = probe.status === 0;
if (!hasTorch) {
  console.log(`[serialize python] skipped: ${PYTHON} -c "import torch" failed (${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop()}); install Debian's python3-torch to run it`);
}

const { tuple, orderedDict, isOrderedDict, PyTuple } = torch.serialization;
type Canonical = [string, ...unknown[]];

const hexOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
/** Bytes as hex, or beyond 1 KiB their SHA-256 (as check_load.py writes them). */
const digest = (b: Uint8Array): string => (b.length <= 1024 ? hexOf(b) : `sha256:${createHash('sha256').update(b).digest('hex')}`);
function floatHex(v: number): string {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, false);
  return hexOf(b);
}
function tensorInfo(t: torch.Tensor, storage: number): Record<string, unknown> {
  return {
    dtype: t.dtype.name, shape: [...t.shape], stride: [...t.stride()], offset: t.storageOffset(), storage,
    storage_numel: t.untypedStorage().nbytes / t.dtype.itemsize, requires_grad: t.requiresGrad,
    data: digest(new Uint8Array(t.toTypedArray().buffer)),
  };
}

/** The canonical form (see check_load.py) of a JS value, by the rules torch.save writes it with. */
function canonical(v: unknown, storages = new Map<unknown, number>()): Canonical {
  if (v === null || v === undefined) return ['none'];
  if (typeof v === 'boolean') return ['bool', v];
  if (typeof v === 'bigint') return ['int', v.toString()];
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? ['int', String(v)] : ['float', floatHex(v)];
  if (typeof v === 'string') return ['str', v];
  if (v instanceof Uint8Array) return ['bytes', hexOf(v)];
  if (v instanceof torch.DType) return ['dtype', v.name];
  if (v instanceof torch.Tensor) {
    const s = v.untypedStorage();
    if (!storages.has(s)) storages.set(s, storages.size);
    return [v instanceof torch.nn.Parameter ? 'param' : 'tensor', tensorInfo(v, storages.get(s)!)];
  }
  if (v instanceof PyTuple) return ['tuple', v.map((x: unknown) => canonical(x, storages))];
  if (Array.isArray(v)) return ['list', v.map((x) => canonical(x, storages))];
  if (v instanceof Set) return ['set', [...v].map((x) => canonical(x, storages)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))];
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
  return [isOrderedDict(v) ? 'odict' : 'dict', entries.map(([k, x]) => [canonical(k, storages), canonical(x, storages)])];
}

/** Checks a loaded JS value against the canonical form PyTorch wrote; ids pairs storages both ways. */
function matches(js: unknown, want: Canonical, path: string, ids = { a: new Map<unknown, unknown>(), b: new Map<unknown, unknown>() }): void {
  const [kind, value] = want;
  const fail = (why: string): never => {
    throw new Error(`${path}: ${why}`);
  };
  switch (kind) {
    case 'none': if (js !== null) fail(`expected None, got ${String(js)}`); return;
    case 'bool': case 'str': if (js !== value) fail(`expected ${JSON.stringify(value)}, got ${String(js)}`); return;
    case 'int':
      if (!((typeof js === 'number' && Number.isSafeInteger(js) && String(js) === value) || (typeof js === 'bigint' && js.toString() === value))) fail(`expected int ${value}, got ${String(js)}`);
      return;
    case 'float': if (typeof js !== 'number' || floatHex(js) !== value) fail(`expected float ${value}, got ${String(js)}`); return;
    case 'bytes': if (!(js instanceof Uint8Array) || hexOf(js) !== value) fail('bytes differ'); return;
    case 'dtype': if (!(js instanceof torch.DType) || js.name !== value) fail(`expected dtype ${value}`); return;
    case 'tensor': case 'param': {
      if (!(js instanceof torch.Tensor)) return fail('expected a tensor');
      if ((js instanceof torch.nn.Parameter) !== (kind === 'param')) fail(`expected a ${kind}`);
      const w = value as Record<string, unknown>;
      const g = tensorInfo(js, w.storage as number);
      for (const f of ['dtype', 'shape', 'stride', 'offset', 'storage_numel', 'requires_grad', 'data']) {
        if (JSON.stringify(g[f]) !== JSON.stringify(w[f])) fail(`${f}: ${JSON.stringify(g[f]).slice(0, 80)} != ${JSON.stringify(w[f]).slice(0, 80)}`);
      }
      const s = js.untypedStorage();
      if ((ids.a.get(s) ?? w.storage) !== w.storage || (ids.b.get(w.storage) ?? s) !== s) fail('storage sharing differs');
      ids.a.set(s, w.storage);
      ids.b.set(w.storage, s);
      return;
    }
    case 'list': case 'tuple': {
      const items = value as Canonical[];
      if (!Array.isArray(js) || (js instanceof PyTuple) !== (kind === 'tuple')) return fail(`expected a ${kind}`);
      if (js.length !== items.length) fail(`length ${js.length} != ${items.length}`);
      items.forEach((x, i) => matches(js[i], x, `${path}[${i}]`, ids));
      return;
    }
    case 'set': {
      if (!(js instanceof Set)) return fail('expected a set');
      expect(canonical(js), path).toEqual(want);
      return;
    }
    case 'dict': case 'odict': {
      const pairs = value as [Canonical, Canonical][];
      if (isOrderedDict(js) !== (kind === 'odict')) fail(`expected ${kind === 'odict' ? 'an' : 'no'} OrderedDict mark`);
      if (pairs.every(([k]) => k[0] === 'str')) {
        if (js === null || typeof js !== 'object' || js instanceof Map) return fail('expected a plain object');
        expect(Object.keys(js), `${path} keys`).toEqual(pairs.map(([k]) => k[1]));
        for (const [k, x] of pairs) matches((js as Record<string, unknown>)[k[1] as string], x, `${path}[${JSON.stringify(k[1])}]`, ids);
        return;
      }
      if (!(js instanceof Map)) return fail('expected a Map');
      const entries = [...js.entries()];
      if (entries.length !== pairs.length) fail(`${entries.length} keys != ${pairs.length}`);
      pairs.forEach(([k, x], i) => {
        matches(entries[i][0], k, `${path} key ${i}`, ids);
        matches(entries[i][1], x, `${path}[${String(entries[i][0])}]`, ids);
      });
      return;
    }
    default: fail(`unknown canonical kind ${kind}`);
  }
}

function nested(): unknown {
  torch.manualSeed(0);
  const base = torch.arange(24, { dtype: torch.float32 }).view(4, 6).div(4);
  return orderedDict({
    base,
    t: base.t(),
    row: base.select(0, 2),
    cols: base.narrow(1, 1, 3),
    every2: base.index(torch.slice(null, null, 2), torch.slice(1, null, 2)),
    expanded: base.narrow(1, 5, 1).expand(4, 3),
    dtypes: {
      f64: torch.tensor([0.1, -1e300, 5e-324], { dtype: torch.float64 }),
      f16: torch.tensor([0.5, -2, 65504], { dtype: torch.float16 }),
      bf16: torch.tensor([1, -3.5, 1e38], { dtype: torch.bfloat16 }),
      i64: torch.tensor([(1n << 62n) + 1n, -(1n << 63n), 0n]),
      i32: torch.tensor([2147483647, -2147483648], { dtype: torch.int32 }),
      i16: torch.tensor([-32768, 7], { dtype: torch.int16 }),
      i8: torch.tensor([-128, 127], { dtype: torch.int8 }),
      u8: torch.tensor([0, 255], { dtype: torch.uint8 }),
      b: torch.tensor([[true, false], [false, true]]),
      scalar: torch.tensor(2.5, { dtype: torch.float64 }),
      empty: torch.zeros(0, 3),
      sharedInt: torch.arange(10).narrow(0, 3, 4),
    },
    param: new torch.nn.Parameter(torch.randn(2, 3)),
    frozen: new torch.nn.Parameter(torch.randn(2), false),
    grad: torch.randn(3).requiresGrad_(true),
    values: [1, -7, 2 ** 40, 2n ** 70n, -(2n ** 70n), 0.25, -0, Infinity, NaN, 1e-300, true, null, 'héllo ✓'],
    tuples: tuple(1, tuple(2.5, 'x'), [3]),
    byInt: new Map<number, unknown>([[0, 'a'], [7, tuple(1, 2)], [-3, null]]),
    dtype: torch.float16,
  });
}

function adamState(): unknown {
  torch.manualSeed(1);
  const slot = (shape: number[], step: number): unknown => ({
    step: torch.tensor(step, { dtype: torch.float32 }),
    exp_avg: torch.randn(...shape),
    exp_avg_sq: torch.rand(...shape),
  });
  return {
    state: new Map([[0, slot([3, 2], 2)], [1, slot([4], 2)]]),
    param_groups: [{
      lr: 0.01, betas: tuple(0.8, 0.99), eps: 1e-8, weight_decay: 0.1, amsgrad: false, maximize: false,
      foreach: null, capturable: false, differentiable: false, fused: false, params: [0, 1],
    }],
  };
}

const mlp = (): torch.nn.Sequential => new torch.nn.Sequential(new torch.nn.Linear(4, 8), new torch.nn.ReLU(), new torch.nn.Linear(8, 2));
const MLP_PY = 'torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))';

describe.skipIf(!hasTorch)('interop with PyTorch 1.13', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'torchwasm-interop-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('files we save load in PyTorch with identical tensors, types and storage sharing', () => {
    const cases: Record<string, unknown>[] = [];
    const add = (name: string, obj: unknown, extra: Record<string, unknown> = {}, options: object = {}): void => {
      const file = join(dir, `${name}.pt`);
      writeFileSync(file, torch.save(obj, options));
      cases.push({ file, expect: canonical(obj), weights_only: true, ...extra });
    };
    const rn = torch.load(readFileSync(RESNET));
    add('resnet18_state_dict', rn, { same_as: RESNET, zip_entries: true });
    // a Module's stateDict(): torchvision's keys, order, shapes and values, as an OrderedDict
    const model = torch.models.resnet18({ weights: readFileSync(RESNET) });
    add('resnet18_module_state_dict', model.stateDict(), { same_as: RESNET });
    // PyTorch 1.13's weights_only unpickler cannot read floats (no BINFLOAT): files with floats are checked without it
    add('adam_state_dict', adamState(), { adam_params: [[3, 2], [4]], weights_only: false });
    add('nested', nested(), { zip_entries: true, weights_only: false });
    add('nested_legacy', nested(), { weights_only: false }, { _useNewZipfileSerialization: false });
    add('nested_no_floats', { t: torch.ones(2, 3).t(), ints: [1, 2n ** 70n], byInt: new Map([[3, tuple('a', null)]]), dtype: torch.float16 });
    add('extras', { set: new Set([1, 2, 3]), bytes: new Uint8Array([0, 255, 97, 98]), emptyBytes: new Uint8Array(0) }, { weights_only: false });
    torch.manualSeed(2);
    add('module_state_dict', mlp().stateDict(), { load_into: MLP_PY });
    const manifest = join(dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify(cases));
    const run = spawnSync(PYTHON, [SCRIPT, 'check', manifest], { encoding: 'utf8', timeout: 300_000 });
    const results = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(run.stderr.includes('Traceback') ? run.stderr : '').toBe('');
    expect(results.length).toBe(cases.length);
    for (const r of results) expect(r.error ?? '', r.file).toBe('');
    expect(run.status).toBe(0);
    for (const t of Object.values(rn) as torch.Tensor[]) t.dispose();
    model.dispose();
  });

  it('files PyTorch saves load here with identical tensors, types and storage sharing', () => {
    const run = spawnSync(PYTHON, [SCRIPT, 'write', dir], { encoding: 'utf8', timeout: 300_000 });
    expect(run.stderr.includes('Traceback') ? run.stderr : '').toBe('');
    const names = run.stdout.trim().split('\n');
    expect(names).toEqual(['py_nested', 'py_nested_legacy', 'py_nested_p4', 'py_extras', 'py_adam', 'py_module_sd', 'py_module_io']);
    for (const name of names) {
      const want = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Canonical;
      const got = torch.load(readFileSync(join(dir, `${name}.pt`))); // weightsOnly: every one is a plain container
      matches(got, want, name);
    }
    // the module's state_dict loads into our model, which then computes what PyTorch computed
    const sd = torch.load(readFileSync(join(dir, 'py_module_sd.pt')));
    const io = torch.load(readFileSync(join(dir, 'py_module_io.pt')));
    const model = mlp();
    model.loadStateDict(sd);
    expectClose(model(io.input), Array.from(io.output.toTypedArray() as Float32Array), 1e-6, 1e-6);
  });
});
