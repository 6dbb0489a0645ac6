// The Transformer family against PyTorch 1.13 (fixtures/nn_transformer.json, written by
// fixtures/nn_transformer_gen.py): outputs and the gradients of inputs, float masks and
// every parameter for encoder/decoder layers, stacks and nn.Transformer (post/pre norm,
// relu/gelu/callable/module activations, every mask kind, unbatched, float64, train with
// dropout 0), default initialisation bit for bit after manualSeed, reprs, the encoder's
// nested-tensor results, PyTorch's errors; the fused attention path against the composed
// one; cloneModule; float64 gradcheck; and memory.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { torch, values, expectClose, expectNoLeak } from '../helpers.js';
import { camel } from '../conformance/runner.mjs';
import { gradOf } from './nn_helpers.js';

const nn = torch.nn;
const F = torch.nn.functional;
type T = torch.Tensor;
type Mod = torch.nn.Module;

interface Encoded { dtype: string; shape: number[]; data: (number | boolean | string)[] }
type Spec = { op: string; init: Record<string, unknown> };
interface ModuleCase extends Spec {
  id: string;
  mode: string;
  inputs: Record<string, [number[], number, string?]>;
  call: string[];
  kw: Record<string, Record<string, unknown>>;
  params: string[];
  out: Encoded;
  grads: Record<string, Encoded | null>;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/nn_transformer.json', import.meta.url), 'utf8')) as {
  cases: ModuleCase[];
  init: (Spec & { seed: number; state_dict: Record<string, Encoded> })[];
  reprs: (Spec & { repr: string })[];
  nested: { id: string; params: string[]; enable_nested_tensor: boolean; mask_check: boolean; grad_enabled: boolean;
    float_mask: boolean; padding: boolean[][]; out: Encoded }[];
  errors: { id: string; raises: string; message: string }[];
  mask: Encoded;
};

const dtypeOf = (name: string): torch.DType => (torch as unknown as Record<string, torch.DType>)[name];
const num = (v: number | boolean | string): number | boolean =>
  v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number | boolean);

/** The generator's wave(): 0.5 sin(0.7 i + seed), computed in float64. */
function wave(shape: number[], seed: number, dtype: torch.DType = torch.float32): T {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.arange(n, { dtype: torch.float64 }).mul(0.7).add(seed).sin().mul(0.5).reshape(shape).to(dtype);
}

function expectTensor(t: T | null | undefined, e: Encoded, rtol = 1e-4, atol = 1e-5): void {
  expect(t, 'tensor expected').toBeTruthy();
  expect(t!.shape).toEqual(e.shape);
  expect(t!.dtype.name).toBe(e.dtype);
  expectClose(t!, e.data.map(num) as number[], rtol, atol);
}

/** The activations the generator names. */
const ACTIVATIONS: Record<string, () => unknown> = {
  'leaky_relu_0.2': () => (x: T) => F.leakyRelu(x, 0.2),
  GELU_tanh: () => new nn.GELU({ approximate: 'tanh' }),
  ReLU: () => new nn.ReLU(),
};

/** new nn[op]({ ...init in camelCase }), nested module specs built first. */
function build(spec: Spec): Mod {
  const kw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec.init)) {
    if (v !== null && typeof v === 'object' && 'op' in (v as object)) kw[camel(k)] = build(v as Spec);
    else if (k === 'activation' && typeof v === 'string' && v in ACTIVATIONS) kw[camel(k)] = ACTIVATIONS[v]();
    else if (k === 'dtype') kw[camel(k)] = dtypeOf(v as string);
    else kw[camel(k)] = v;
  }
  const Cls = (nn as unknown as Record<string, new (o: unknown) => Mod>)[spec.op];
  return new Cls(kw);
}

/** The generator's params_of: parameter i = wave(shape, seed0 + i), plus 1 for norm weights. */
function setParams(m: Mod, names: string[], seed0: number): void {
  const named = m.namedParameters();
  expect(named.map(([k]) => k)).toEqual(names);
  torch.noGrad(() => named.forEach(([k, p], i) => {
    p.copy_(wave([...p.shape], seed0 + i, p.dtype).add(k.includes('norm') && k.endsWith('weight') ? 1 : 0));
  }));
}

function maskOf(spec: Record<string, unknown>): T {
  const [[kind, val]] = Object.entries(spec);
  if (kind === 'bool' || kind === 'int64') return torch.tensor(val as unknown[], { dtype: dtypeOf(kind) });
  if (kind === 'causal') return nn.Transformer.generateSquareSubsequentMask(val as number);
  const [shape, seed] = val as [number[], number];
  return wave(shape, seed, dtypeOf(kind)).requiresGrad_(true);
}

function runCase(c: ModuleCase): void {
  const m = build(c);
  m.train(c.mode === 'train');
  setParams(m, c.params, 100);
  const tensors: Record<string, T> = {};
  for (const [name, [shape, seed, dt]] of Object.entries(c.inputs)) tensors[name] = wave(shape, seed, dtypeOf(dt ?? 'float32')).requiresGrad_(true);
  const kw: Record<string, T> = {};
  for (const [k, v] of Object.entries(c.kw)) {
    kw[camel(k)] = maskOf(v);
    if (kw[camel(k)].requiresGrad) tensors[k] = kw[camel(k)];
  }
  const out = m(...c.call.map((n) => tensors[n]), kw) as T;
  expectTensor(out, c.out);
  out.mul(wave([...out.shape], 50, out.dtype)).sum().backward();
  const named = Object.fromEntries(m.namedParameters());
  for (const [k, e] of Object.entries(c.grads)) {
    const g = (k in tensors ? tensors[k] : named[k]).grad;
    if (e === null) expect(g, `${k} should have no gradient`).toBeNull();
    else expectTensor(g, e);
  }
  m.dispose();
}

describe('Transformer modules vs PyTorch: outputs and gradients', () => {
  for (const c of fixture.cases) it(c.id, () => runCase(c));
});

describe('construction', () => {
  it('default initialisation is bit-identical to PyTorch after manualSeed (Transformer re-draws xavier_uniform_)', () => {
    for (const c of fixture.init) {
      torch.manualSeed(c.seed);
      const m = build(c);
      const sd = m.stateDict();
      expect(Object.keys(sd), `${c.op} seed ${c.seed}`).toEqual(Object.keys(c.state_dict));
      for (const [k, e] of Object.entries(c.state_dict)) {
        expect(sd[k].shape, k).toEqual(e.shape);
        // (the fixture writes 9 significant digits: exactly a float32 once rounded to one)
        expect(values(sd[k]), `${c.op}.${k} (seed ${c.seed})`).toEqual(e.data.map((v) => Math.fround(num(v) as number)));
      }
    }
  });

  it("prints PyTorch's repr (a module activation is a child, a function is not)", () => {
    for (const r of fixture.reprs) expect(String(build(r))).toBe(r.repr);
    const fnAct = new nn.TransformerEncoderLayer(8, 2, { activation: (x: T) => x.tanh() });
    expect(String(fnAct)).not.toContain('activation');
  });

  it('takes positional arguments in PyTorch order and keeps its settings as attributes', () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, 16, 0.25, 'gelu', 1e-3, true, true);
    expect([layer.normFirst, layer.activationReluOrGelu, layer.self_attn.batchFirst, layer.norm1.eps, layer.dropout.p]).toEqual([true, 2, true, 1e-3, 0.25]);
    expect(layer.activation).toBe(F.gelu);
    expect(new nn.TransformerEncoderLayer(8, 2).activation).toBe(F.relu);
    expect(new nn.TransformerEncoderLayer(8, 2, { activation: new nn.ReLU() }).activationReluOrGelu).toBe(1);
    expect(new nn.TransformerEncoderLayer(8, 2, { activation: (x: T) => x }).activationReluOrGelu).toBe(0);
    const t = new nn.Transformer(8, 2, 1, 1, 16, { batchFirst: true });
    expect([t.dModel, t.nhead, t.batchFirst]).toEqual([8, 2, true]);
    const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, 16), 3, null, false);
    expect([enc.numLayers, enc.layers.length, enc.norm, enc.enableNestedTensor, enc.maskCheck]).toEqual([3, 3, null, false, true]);
    const f64 = new nn.TransformerDecoderLayer(8, 2, { dtype: torch.float64 });
    expect(f64.parameters().every((p) => p.dtype === torch.float64)).toBe(true);
    expect(() => new nn.TransformerEncoderLayer(8, 2, { device: 'cuda' })).toThrow(torch.RuntimeError);
  });

  it('a stack holds independent deep copies of its layer, not the layer itself', () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, 16);
    const enc = new nn.TransformerEncoder(layer, 2);
    const [a, b] = [enc.layers.at(0) as InstanceType<typeof nn.TransformerEncoderLayer>, enc.layers.at(1) as InstanceType<typeof nn.TransformerEncoderLayer>];
    expect(a).not.toBe(layer);
    expect(a.constructor).toBe(nn.TransformerEncoderLayer);
    expect(values(a.linear1.weight)).toEqual(values(layer.linear1.weight));
    a.linear1.weight.data.fill_(0);
    expect(values(b.linear1.weight)).toEqual(values(layer.linear1.weight));
    expect(enc.parameters().length).toBe(2 * layer.parameters().length);
  });

  it('generateSquareSubsequentMask', () => {
    expectTensor(nn.Transformer.generateSquareSubsequentMask(4), fixture.mask, 0, 0);
    expect(nn.Transformer.generateSquareSubsequentMask(0).shape).toEqual([0, 0]);
  });
});

describe('errors: PyTorch classes and messages', () => {
  const S = 5;
  const N = 2;
  const layer = (): InstanceType<typeof nn.TransformerEncoderLayer> => new nn.TransformerEncoderLayer(12, 3, 20, 0).eval();
  const x = (): T => wave([S, N, 12], 1);
  const calls: Record<string, () => unknown> = {
    activation_name: () => new nn.TransformerEncoderLayer(12, 3, { activation: 'tanh' as 'relu' }),
    decoder_activation_name: () => new nn.TransformerDecoderLayer(12, 3, { activation: 'swish' as 'relu' }),
    padding_mask_int: () => layer()(x(), { srcKeyPaddingMask: torch.zeros([N, S], { dtype: torch.int64 }) }),
    src_mask_shape: () => layer()(x(), { srcMask: torch.zeros(4, 4) }),
    src_mask_3d_shape: () => layer()(x(), { srcMask: torch.zeros(2, S, S) }),
    src_mask_int: () => layer()(x(), { srcMask: torch.zeros([S, S], { dtype: torch.int64 }) }),
    src_mask_4d: () => layer()(x(), { srcMask: torch.zeros(1, 1, S, S) }),
    padding_mask_shape: () => layer()(x(), { srcKeyPaddingMask: torch.zeros([N, 4], { dtype: torch.bool }) }),
    padding_mask_3d: () => layer()(x(), { srcKeyPaddingMask: torch.zeros([N, S, 1], { dtype: torch.bool }) }),
    feature_size: () => layer()(wave([S, N, 8], 1)),
    input_4d: () => layer()(wave([1, S, N, 12], 1)),
    transformer_batch: () => new nn.Transformer(12, 2, 1, 1, 16)(wave([S, N, 12], 1), wave([4, 3, 12], 2)),
    transformer_batch_first_batch: () => new nn.Transformer(12, 2, 1, 1, 16, { batchFirst: true })(wave([N, S, 12], 1), wave([3, 4, 12], 2)),
    transformer_features: () => new nn.Transformer(12, 2, 1, 1, 16)(wave([S, N, 12], 1), wave([4, N, 8], 2)),
    decoder_memory_batch: () => new nn.TransformerDecoderLayer(12, 3, 20, 0)(wave([4, N, 12], 1), wave([S, 3, 12], 2)),
    encoder_of_non_module: () => new nn.TransformerEncoder(5 as unknown as Mod, 2),
    encoder_padding_mask_int: () => new nn.TransformerEncoder(layer(), 2)(x(), { srcKeyPaddingMask: torch.zeros([N, S], { dtype: torch.int64 }) }),
  };
  for (const e of fixture.errors) {
    it(e.id, () => {
      expect(calls[e.id], `no call for ${e.id}`).toBeTypeOf('function');
      let err: unknown = null;
      try {
        calls[e.id]();
      } catch (caught) {
        err = caught;
      }
      expect(err, 'should throw').toBeInstanceOf(Error);
      expect((err as Error).name).toBe(e.raises);
      expect((err as Error).message).toBe(e.message);
    });
  }

  it('a bad mask changes nothing and leaks nothing', () => {
    const l = layer();
    const src = x();
    const before = values(l.self_attn.in_proj_weight!);
    const [bad, badPadding] = [torch.zeros(4, 4), torch.zeros([N, S], { dtype: torch.int32 })];
    expectNoLeak(() => {
      expect(() => l(src, { srcMask: bad })).toThrow(torch.RuntimeError);
      expect(() => l(src, { srcKeyPaddingMask: badPadding })).toThrow(torch.AssertionError);
    });
    expect(values(l.self_attn.in_proj_weight!)).toEqual(before);
  });
});

describe("TransformerEncoder's nested-tensor path (PyTorch 1.13: eval, no grad, batch_first, padding mask)", () => {
  for (const c of fixture.nested) {
    it(c.id, () => {
      const enc = new nn.TransformerEncoder(
        new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 10, dropout: 0, batchFirst: true }), 2,
        { norm: new nn.LayerNorm(8), enableNestedTensor: c.enable_nested_tensor, maskCheck: c.mask_check },
      ).eval();
      setParams(enc, c.params, 200);
      const src = wave([c.padding.length, c.padding[0].length, 8], 30);
      let kpm = torch.tensor(c.padding);
      if (c.float_mask) kpm = kpm.float();
      const call = (): T => enc(src, { srcKeyPaddingMask: kpm }) as T;
      const out = c.grad_enabled ? torch.enableGrad(call) : torch.noGrad(call);
      expectTensor(out, c.out);
    });
  }
});

describe('fused attention path', () => {
  it('matches the composed path (need_weights) in float32 for every mask kind, both layouts, train with dropout 0', () => {
    torch.manualSeed(3);
    for (const batchFirst of [false, true]) {
      const mha = new nn.MultiheadAttention(12, 4, { batchFirst });
      const [L, S, N] = [6, 9, 3];
      const q = batchFirst ? torch.randn(N, L, 12) : torch.randn(L, N, 12);
      const kv = batchFirst ? torch.randn(N, S, 12) : torch.randn(S, N, 12);
      const kpm = torch.rand(N, S).gt(0.7);
      const masks: Record<string, unknown>[] = [
        {}, { attnMask: torch.rand(L, S).gt(0.8) }, { attnMask: torch.randn(L, S) }, { attnMask: torch.randn(N * 4, L, S) },
        { keyPaddingMask: kpm }, { keyPaddingMask: torch.randn(N, S) }, { attnMask: torch.randn(L, S), keyPaddingMask: kpm },
      ];
      for (const opts of masks) {
        for (const training of [false, true]) {
          mha.train(training);
          const [fused] = mha(q, kv, kv, { ...opts, needWeights: false });
          const [composed] = mha(q, kv, kv, { ...opts, needWeights: true });
          expectClose(fused, values(composed) as number[], 1e-5, 1e-6);
        }
      }
    }
  });

  it('gradients match the composed path; float64 gradcheck and second derivatives', () => {
    const d = torch.float64;
    const mha = new nn.MultiheadAttention(6, 2, { dtype: d });
    const q = wave([3, 2, 6], 1, d).requiresGrad_(true);
    const kv = wave([4, 2, 6], 2, d).requiresGrad_(true);
    const mask = wave([3, 4], 3, d);
    const kpm = torch.tensor([[false, false, true, false], [false, false, false, false]]);
    const gradsOf = (needWeights: boolean): number[][] => {
      for (const p of [q, kv, ...mha.parameters()]) p.grad = null;
      const [o] = mha(q, kv, kv, { attnMask: mask, keyPaddingMask: kpm, needWeights });
      o.mul(wave([...o.shape], 4, d)).sum().backward();
      return [q, kv, ...mha.parameters()].map((t) => values(t.grad!) as number[]);
    };
    const fused = gradsOf(false);
    gradsOf(true).forEach((g, i) => expect(fused[i].map((v, j) => Math.abs(v - g[j]) < 1e-12)).not.toContain(false));

    const f = (q_: T, kv_: T): T => mha(q_, kv_, kv_, { attnMask: mask, keyPaddingMask: kpm, needWeights: false })[0];
    expect(torch.autograd.gradcheck(f, [q, kv])).toBe(true);
    expect(torch.autograd.gradcheck(gradOf(f, 2), [q, kv])).toBe(true);
  });

  it('a float mask that requires grad gets its gradient (the composed path serves it)', () => {
    const mha = new nn.MultiheadAttention(4, 2);
    const x = wave([3, 1, 4], 1);
    const mask = wave([3, 3], 2).requiresGrad_(true);
    mha(x, x, x, { attnMask: mask, needWeights: false })[0].sum().backward();
    expect(mask.grad).not.toBeNull();
  });

  it('F._fusedAttention: the causal flag equals the -inf mask (values, gradients, second derivatives), broadcast masks', () => {
    const d = torch.float64;
    const [B, H, L, S, D, Dv] = [2, 3, 5, 7, 4, 3];
    const q = wave([B, H, L, D], 1, d).requiresGrad_(true);
    const k = wave([B, H, S, D], 2, d).requiresGrad_(true);
    const v = wave([B, H, S, Dv], 3, d).requiresGrad_(true);
    const causal = torch.ones([L, S], { dtype: torch.bool }).triu(1);
    const additive = torch.zeros([L, S], { dtype: d }).maskedFill(causal, -Infinity);
    const viaFlag = (q_: T, k_: T, v_: T): T => F._fusedAttention(q_, k_, v_, { scale: 0.5, isCausal: true });
    const viaMask = (q_: T, k_: T, v_: T): T => F._fusedAttention(q_, k_, v_, additive, 0.5);
    const composed = (q_: T, k_: T, v_: T): T => torch.softmax(q_.matmul(k_.transpose(-2, -1)).mul(0.5).add(additive), -1).matmul(v_);
    const want = composed(q, k, v);
    expect(viaFlag(q, k, v).shape).toEqual([B, H, L, Dv]);
    expectClose(viaFlag(q, k, v), values(want) as number[], 1e-12, 1e-12);
    expectClose(viaMask(q, k, v), values(want) as number[], 1e-12, 1e-12);
    const [qs, ks, vs] = [q.narrow(0, 0, 1).narrow(1, 0, 2), k.narrow(0, 0, 1).narrow(1, 0, 2), v.narrow(0, 0, 1).narrow(1, 0, 2)]
      .map((t) => t.detach().contiguous().requiresGrad_(true));
    expect(torch.autograd.gradcheck(viaFlag, [qs, ks, vs])).toBe(true);
    expect(torch.autograd.gradcheck(gradOf(viaFlag, 3), [qs, ks, vs])).toBe(true);
    // a padding mask [B, 1, 1, S] broadcasts over heads and queries
    const pad = torch.zeros([B, 1, 1, S], { dtype: d });
    pad.select(0, 1).select(-1, 0).fill_(-Infinity);
    const viaPad = F._fusedAttention(q, k, v, pad, 0.5);
    const padWant = torch.softmax(q.matmul(k.transpose(-2, -1)).mul(0.5).add(pad), -1).matmul(v);
    expectClose(viaPad, values(padWant) as number[], 1e-12, 1e-12);
    expect(() => F._fusedAttention(q, k, v.narrow(2, 0, 2))).toThrow(torch.RuntimeError);
    expect(() => F._fusedAttention(q.float(), k.float(), v.float(), pad)).toThrow('expected attn_mask of dtype Float, but got Double');
  });

  it('a fully masked row is NaN, as in PyTorch', () => {
    const mha = new nn.MultiheadAttention(4, 2);
    const x = wave([2, 1, 4], 1);
    const mask = torch.tensor([[true, true], [false, true]]);
    const [out] = mha(x, x, x, { attnMask: mask, needWeights: false });
    expect(values(out.select(0, 0)).every((v) => Number.isNaN(v))).toBe(true);
    expect(values(out.select(0, 1)).every((v) => Number.isFinite(v))).toBe(true);
  });
});

describe('cloneModule', () => {
  it('deep-copies parameters, buffers (sharing preserved), attributes and children', () => {
    const seq = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
    (seq as unknown as Record<string, unknown>).note = { tags: ['a'] };
    const copy = nn.cloneModule(seq);
    expect(copy).not.toBe(seq);
    expect(copy.constructor).toBe(nn.Sequential);
    expect(String(copy)).toBe(String(seq));
    expect(Object.keys(copy.stateDict())).toEqual(Object.keys(seq.stateDict()));
    const [p0, c0] = [seq.parameters()[0], copy.parameters()[0]];
    expect(c0).toBeInstanceOf(nn.Parameter);
    expect(c0).not.toBe(p0);
    expect(values(c0)).toEqual(values(p0));
    expect(c0.requiresGrad).toBe(true);
    const note = (copy as unknown as Record<string, { tags: string[] }>).note;
    expect(note).toEqual({ tags: ['a'] });
    expect(note).not.toBe((seq as unknown as Record<string, unknown>).note);
    // buffers are copied with their storage: a change to the copy leaves the original
    (copy.at(1) as InstanceType<typeof nn.BatchNorm1d>).running_mean!.fill_(5);
    expect(values((seq.at(1) as InstanceType<typeof nn.BatchNorm1d>).running_mean!)).toEqual([0, 0]);
    // a module reachable twice is copied once
    const shared = new nn.Linear(2, 2);
    const twice = new nn.Sequential(shared, shared);
    const tc = nn.cloneModule(twice);
    expect(tc.at(0)).toBe(tc.at(1));
    expect(tc.at(0)).not.toBe(shared);
    expect(() => nn.cloneModule(5 as unknown as Mod)).toThrow(TypeError);
  });
});

describe('train and eval, float64, memory', () => {
  it('train mode with dropout 0 gives the eval result', () => {
    torch.manualSeed(1);
    const t = new nn.Transformer(8, 2, 1, 2, 16, { dropout: 0 });
    const [src, tgt] = [torch.randn(5, 2, 8), torch.randn(4, 2, 8)];
    const mask = nn.Transformer.generateSquareSubsequentMask(4);
    const a = t.train()(src, tgt, { tgtMask: mask });
    const b = t.eval()(src, tgt, { tgtMask: mask });
    expect(values(a)).toEqual(values(b));
  });

  it('float64 gradcheck of an encoder layer and a decoder layer (norm_first, gelu, masks)', () => {
    const d = torch.float64;
    torch.manualSeed(2);
    const enc = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, activation: 'gelu', normFirst: true, dtype: d });
    const dec = new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 5, dropout: 0, dtype: d });
    const src = wave([3, 2, 4], 1, d).requiresGrad_(true);
    const tgt = wave([2, 2, 4], 2, d).requiresGrad_(true);
    const kpm = torch.tensor([[false, false, true], [false, false, false]]);
    const causal = nn.Transformer.generateSquareSubsequentMask(2, 'cpu').double();
    expect(torch.autograd.gradcheck((s: T) => enc(s, { srcKeyPaddingMask: kpm }), [src])).toBe(true);
    expect(torch.autograd.gradcheck((t: T, m: T) => dec(t, m, { tgtMask: causal, memoryKeyPaddingMask: kpm }), [tgt, src])).toBe(true);
  });

  it('training steps of a Transformer keep the heap flat', () => {
    torch.manualSeed(4);
    const t = new nn.Transformer(8, 2, 1, 1, 16, { dropout: 0.1, batchFirst: true });
    const [src, tgt] = [torch.randn(2, 5, 8), torch.randn(2, 4, 8)];
    const mask = nn.Transformer.generateSquareSubsequentMask(4);
    const kpm = torch.tensor([[false, false, false, false, true], [false, false, false, false, false]]);
    const step = (): void => torch.tidy(() => {
      t.zeroGrad();
      t(src, tgt, { tgtMask: mask, srcKeyPaddingMask: kpm, memoryKeyPaddingMask: kpm }).square().mean().backward();
      torch.noGrad(() => {
        for (const p of t.parameters()) p.sub_(p.grad!.mul(0.01));
      });
    });
    step();
    expectNoLeak(() => {
      for (let i = 0; i < 20; i++) step();
    });
    const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 8, batchFirst: true }), 2).eval();
    const run = (): void => {
      torch.noGrad(() => enc(src, { srcKeyPaddingMask: kpm })).dispose();
    };
    run();
    expectNoLeak(() => {
      for (let i = 0; i < 20; i++) run();
    });
  });
});
