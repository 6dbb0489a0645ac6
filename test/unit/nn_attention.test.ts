// nn.MultiheadAttention and F.multiHeadAttentionForward against PyTorch 1.13: outputs,
// attention weights and the gradients of inputs, float masks and every parameter
// (fixtures/nn_attention.json, written by fixtures/nn_attention_gen.py), default
// initialisation bit for bit after manualSeed, PyTorch's errors, reprs, dropout in
// training, float64 gradcheck, the nn.json mha_* cases through the module, and memory.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { torch, values, expectClose, expectNoLeak } from '../helpers.js';
import { loadArea, decode as decodeFixture, camel } from '../conformance/runner.mjs';
import { gradOf } from './nn_helpers.js';

const nn = torch.nn;
const F = torch.nn.functional;
type T = torch.Tensor;

interface Encoded { dtype: string; shape: number[]; data: (number | boolean | string)[] }
type MaskSpec = Record<string, unknown>;
interface ModuleCase {
  id: string;
  init: Record<string, unknown>;
  inputs: Record<string, [number[], number, string?]>;
  call: string[];
  kw: Record<string, MaskSpec | boolean>;
  params: Record<string, Encoded>;
  out: Encoded;
  weights: Encoded | null;
  grads: Record<string, Encoded | null>;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/nn_attention.json', import.meta.url), 'utf8')) as {
  cases: ModuleCase[];
  functional: { id: string; out: Encoded; weights: Encoded; grads: Record<string, Encoded | null> }[];
  init: { seed: number; init: Record<string, unknown>; state_dict: Record<string, Encoded> }[];
};

const dtypeOf = (name: string): torch.DType => (torch as unknown as Record<string, torch.DType>)[name];
const num = (v: number | boolean | string): number | boolean =>
  v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number | boolean);
const decode = (e: Encoded): T => torch.tensor(e.data.map(num), { dtype: dtypeOf(e.dtype) }).reshape(e.shape);

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

/** snake_case constructor kwargs of the fixture -> (embedDim, numHeads, options). */
function construct(init: Record<string, unknown>): InstanceType<typeof nn.MultiheadAttention> {
  const { embed_dim, num_heads, ...rest } = init;
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) options[camel(k)] = k === 'dtype' ? dtypeOf(v as string) : v;
  return new nn.MultiheadAttention(embed_dim as number, num_heads as number, options);
}

/** A mask of the fixture: literal bool/uint8 values, or a float wave that requires grad. */
function maskOf(spec: MaskSpec): T {
  const [[kind, val]] = Object.entries(spec);
  if (kind === 'bool' || kind === 'uint8') return torch.tensor(val as unknown[], { dtype: dtypeOf(kind) });
  const [shape, seed] = val as [number[], number];
  return wave(shape, seed, dtypeOf(kind)).requiresGrad_(true);
}

function runCase(c: ModuleCase): void {
  const m = construct(c.init);
  const params: Record<string, T> = {};
  for (const [k, e] of Object.entries(c.params)) params[k] = decode(e);
  m.loadStateDict(params);
  const tensors: Record<string, T> = {};
  for (const [name, [shape, seed, dt]] of Object.entries(c.inputs)) tensors[name] = wave(shape, seed, dtypeOf(dt ?? 'float32')).requiresGrad_(true);
  const kw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.kw)) {
    kw[camel(k)] = typeof v === 'object' ? maskOf(v) : v;
    if (typeof v === 'object' && (kw[camel(k)] as T).requiresGrad) tensors[k] = kw[camel(k)] as T;
  }
  // the same name twice is the same tensor (self-attention), as in the Python call
  const [out, weights] = m(...c.call.map((n) => tensors[n]), kw);
  expectTensor(out, c.out);
  if (c.weights === null) expect(weights).toBeNull();
  else expectTensor(weights, c.weights);
  let loss = out.mul(wave(out.shape, 50, out.dtype)).sum();
  if (weights !== null) loss = loss.add(weights.mul(wave(weights.shape, 51, weights.dtype)).sum());
  loss.backward();
  const named = Object.fromEntries(m.namedParameters());
  for (const [k, e] of Object.entries(c.grads)) {
    const g = (k in tensors ? tensors[k] : named[k]).grad;
    if (e === null) expect(g, `${k} should have no gradient`).toBeNull();
    else expectTensor(g, e);
  }
}

describe('nn.MultiheadAttention vs PyTorch: outputs and gradients', () => {
  for (const c of fixture.cases) {
    it(c.id, () => runCase(c));
  }
});

describe('F.multiHeadAttentionForward', () => {
  it('static_k / static_v replace the projected keys and values (per-head weights, float mask, padding)', () => {
    const [E, H, L, S, N] = [4, 2, 3, 5, 2];
    const t: Record<string, T> = {
      query: wave([L, N, E], 60), key: wave([S, N, E], 61), value: wave([S, N, E], 62),
      in_proj_weight: wave([3 * E, E], 63), in_proj_bias: wave([3 * E], 64),
      out_proj_weight: wave([E, E], 65), out_proj_bias: wave([E], 66),
      static_k: wave([N * H, S, E / H], 67), static_v: wave([N * H, S, E / H], 68), attn_mask: wave([L, S], 69),
    };
    for (const v of Object.values(t)) v.requiresGrad = true;
    const kpm = torch.tensor([[false, false, false, true, false], [true, false, false, false, false]]);
    const [out, w] = F.multiHeadAttentionForward(t.query, t.key, t.value, E, H, t.in_proj_weight, t.in_proj_bias, null, null, false, 0,
      t.out_proj_weight, t.out_proj_bias, { keyPaddingMask: kpm, attnMask: t.attn_mask, staticK: t.static_k, staticV: t.static_v, averageAttnWeights: false });
    const want = fixture.functional[0];
    expectTensor(out, want.out);
    expectTensor(w, want.weights);
    out.mul(wave(out.shape, 50)).sum().add(w!.mul(wave(w!.shape, 51)).sum()).backward();
    for (const [k, e] of Object.entries(want.grads)) {
      if (e === null) expect(t[k].grad, k).toBeNull();
      else expectTensor(t[k].grad, e);
    }
  });

  it('takes every argument positionally too, and packed self-attention equals three separate projections', () => {
    const x = wave([3, 2, 4], 1);
    const inW = wave([12, 4], 2);
    const inB = wave([12], 3);
    const outW = wave([4, 4], 4);
    const mask = torch.tensor([[false, true, true], [false, false, true], [false, false, false]]);
    const [a, wa] = F.multiHeadAttentionForward(x, x, x, 4, 2, inW, inB, null, null, false, 0, outW, null, true, null, true, mask);
    const [qW, kW, vW] = inW.chunk(3);
    const [b, wb] = F.multiHeadAttentionForward(x, x, x, 4, 2, null, inB, null, null, false, 0, outW, null,
      { attnMask: mask, useSeparateProjWeight: true, qProjWeight: qW, kProjWeight: kW, vProjWeight: vW });
    expectClose(a, values(b) as number[], 1e-5, 1e-6);
    expectClose(wa!, values(wb!) as number[], 1e-5, 1e-6);
  });

  it('float64 gradcheck through masks, bias_k/bias_v and zero attention', () => {
    const d = torch.float64;
    const q = wave([2, 2, 4], 1, d).requiresGrad_(true);
    const kv = wave([3, 2, 4], 2, d).requiresGrad_(true);
    const inW = wave([12, 4], 3, d).requiresGrad_(true);
    const inB = wave([12], 4, d).requiresGrad_(true);
    const biasK = wave([1, 1, 4], 5, d).requiresGrad_(true);
    const biasV = wave([1, 1, 4], 6, d).requiresGrad_(true);
    const outW = wave([4, 4], 7, d).requiresGrad_(true);
    const fmask = wave([2, 3], 8, d).requiresGrad_(true);
    const kpm = torch.tensor([[false, true, false], [false, false, false]]);
    const f = (q_: T, kv_: T, w: T, b: T, bk: T, bv: T, ow: T, m: T): T => {
      const [o, attn] = F.multiHeadAttentionForward(q_, kv_, kv_, 4, 2, w, b, bk, bv, true, 0, ow, null,
        { attnMask: m, keyPaddingMask: kpm, averageAttnWeights: false });
      return o.sum().add(attn!.mul(wave(attn!.shape, 9, d)).sum());
    };
    expect(torch.autograd.gradcheck(f, [q, kv, inW, inB, biasK, biasV, outW, fmask])).toBe(true);
  });

  it('float64 second derivatives (gradcheck of the gradient) for query, key/value and in_proj_weight', () => {
    const d = torch.float64;
    const q = wave([2, 1, 4], 1, d).requiresGrad_(true);
    const kv = wave([3, 1, 4], 2, d).requiresGrad_(true);
    const inW = wave([12, 4], 3, d).requiresGrad_(true);
    const outW = wave([4, 4], 7, d);
    const mask = torch.tensor([[false, false, true], [false, false, false]]);
    const f = (q_: T, kv_: T, w: T): T => F.multiHeadAttentionForward(q_, kv_, kv_, 4, 2, w, null, null, null, false, 0, outW, null,
      { attnMask: mask, needWeights: false })[0];
    expect(torch.autograd.gradcheck(gradOf(f, 3), [q, kv, inW])).toBe(true);
  });
});

describe('nn.MultiheadAttention construction', () => {
  it('default initialisation is bit-identical to PyTorch after manualSeed', () => {
    for (const c of fixture.init) {
      torch.manualSeed(c.seed);
      const m = construct(c.init);
      const sd = m.stateDict();
      expect(Object.keys(sd), `seed ${c.seed}`).toEqual(Object.keys(c.state_dict));
      for (const [k, e] of Object.entries(c.state_dict)) {
        expect(sd[k].dtype.name, k).toBe(e.dtype);
        expect(sd[k].shape, k).toEqual(e.shape);
        expect(values(sd[k]), `${k} (seed ${c.seed})`).toEqual(e.data.map(num));
      }
    }
  });

  it("registers PyTorch's parameters, in PyTorch's order (absent ones as None)", () => {
    const same = new nn.MultiheadAttention(8, 2);
    expect([...same._parameters.keys()]).toEqual(['in_proj_weight', 'q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias']);
    expect(same.q_proj_weight).toBeNull();
    expect(same.bias_k).toBeNull();
    expect(same.namedParameters().map(([n]) => n)).toEqual(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    expect(same.in_proj_weight!.shape).toEqual([24, 8]);
    expect([same.embedDim, same.kdim, same.vdim, same.numHeads, same.headDim, same._qkvSameEmbedDim]).toEqual([8, 8, 8, 2, 4, true]);
    expect(same.out_proj).toBeInstanceOf(nn.NonDynamicallyQuantizableLinear);

    const sep = new nn.MultiheadAttention(6, 3, { kdim: 2, vdim: 5, addBiasKv: true, bias: false });
    expect([...sep._parameters.keys()]).toEqual(['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_weight', 'in_proj_bias', 'bias_k', 'bias_v']);
    expect(Object.keys(sep.stateDict())).toEqual(['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'bias_k', 'bias_v', 'out_proj.weight']);
    expect([sep.q_proj_weight!.shape, sep.k_proj_weight!.shape, sep.v_proj_weight!.shape, sep.bias_k!.shape]).toEqual([[6, 6], [6, 2], [6, 5], [1, 1, 6]]);
    expect(sep.out_proj.bias).toBeNull();
    expect(sep._qkvSameEmbedDim).toBe(false);
  });

  it('takes the constructor arguments positionally or by name, and dtype', () => {
    const a = new nn.MultiheadAttention(4, 2, 0.25, true, false, true, 3, null, true);
    expect([a.dropout, a.addZeroAttn, a.kdim, a.vdim, a.batchFirst]).toEqual([0.25, true, 3, 4, true]);
    const byName = new nn.MultiheadAttention({ embedDim: 4, num_heads: 2, batchFirst: true });
    expect([byName.embedDim, byName.numHeads, byName.batchFirst]).toEqual([4, 2, true]);
    const b = new nn.MultiheadAttention(4, 2, { dtype: torch.float64, device: 'cpu' });
    expect(b.parameters().map((p) => p.dtype.name)).toEqual(['float64', 'float64', 'float64', 'float64']);
  });

  it('prints as PyTorch does', () => {
    expect(String(new nn.MultiheadAttention(8, 2))).toBe(
      'MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n)');
    expect(String(new nn.MultiheadAttention(4, 1, { bias: false, kdim: 2 }))).toBe(
      'MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=False)\n)');
  });

  it("rejects what PyTorch's constructor rejects", () => {
    expect(() => new nn.MultiheadAttention(5, 2)).toThrow(new torch.AssertionError('embed_dim must be divisible by num_heads'));
    expect(() => new nn.MultiheadAttention(4, 0)).toThrow(torch.ZeroDivisionError);
    expect(() => new nn.MultiheadAttention(4, 2, { device: 'cuda' })).toThrow(torch.RuntimeError);
    expect(() => new nn.MultiheadAttention(4, 2, { batchFirst: 1 })).toThrow(TypeError);
    expect(() => new nn.MultiheadAttention(4, 2, { heads: 2 })).toThrow(TypeError);
  });
});

describe('nn.MultiheadAttention forward', () => {
  it('batch_first with three distinct tensors equals the sequence-first call on transposed inputs', () => {
    torch.manualSeed(3);
    const m = new nn.MultiheadAttention(4, 2, { batchFirst: true, kdim: 3 });
    const seqFirst = new nn.MultiheadAttention(4, 2, { kdim: 3 });
    seqFirst.loadStateDict(m.stateDict());
    const [q, k, v] = [wave([2, 3, 4], 1), wave([2, 5, 3], 2), wave([2, 5, 4], 3)];
    const [a, wa] = m(q, k, v);
    const [b, wb] = seqFirst(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1));
    expect(a.shape).toEqual([2, 3, 4]);
    expectClose(a, values(b.transpose(0, 1)) as number[], 1e-5, 1e-6);
    expectClose(wa!, values(wb!) as number[], 1e-5, 1e-6);
  });

  it('takes forward arguments positionally: (query, key, value, key_padding_mask, need_weights, attn_mask, average_attn_weights)', () => {
    torch.manualSeed(4);
    const m = new nn.MultiheadAttention(4, 2);
    const x = wave([3, 2, 4], 1);
    const kpm = torch.tensor([[false, true, false], [false, false, false]]);
    const mask = torch.tensor([[false, true, true], [false, false, true], [false, false, false]]);
    const [a, wa] = m(x, x, x, kpm, true, mask, false);
    const [b, wb] = m(x, x, x, { keyPaddingMask: kpm, attnMask: mask, averageAttnWeights: false });
    expect(values(a)).toEqual(values(b));
    expect(values(wa!)).toEqual(values(wb!));
    expect(wa!.shape).toEqual([2, 2, 3, 3]);
  });

  it('a float64 mask on float32 input is cast as PyTorch does (the output keeps the input dtype)', () => {
    torch.manualSeed(5);
    const m = new nn.MultiheadAttention(4, 2);
    const x = wave([3, 2, 4], 1);
    const [a, w] = m(x, x, x, { attnMask: wave([3, 3], 2, torch.float64) });
    const [b] = m(x, x, x, { attnMask: wave([3, 3], 2) });
    expect([a.dtype, w!.dtype]).toEqual([torch.float32, torch.float32]);
    expect(values(a)).toEqual(values(b));
  });

  it('dropout on the attention weights in training (PyTorch values after the same seed), none in eval', () => {
    // values printed by PyTorch 1.13: manual_seed(0), MultiheadAttention(4, 2, dropout=0.5), manual_seed(5), m(x, x, x)
    torch.manualSeed(0);
    const m = new nn.MultiheadAttention(4, 2, { dropout: 0.5 });
    const x = wave([3, 2, 4], 1);
    torch.manualSeed(5);
    const [o, w] = m(x, x, x);
    expectClose(o, [-0.2500133514404297, -0.04458768665790558, -0.11142656207084656, 0.15643006563186646, 0.05228225886821747,
      -0.02950008399784565, 0.016402292996644974, 0.010793520137667656, -0.1601940095424652, -0.10720968246459961,
      -0.08781351894140244, 0.05448154732584953, 0.18901993334293365, 0.1423429250717163, 0.1035800650715828,
      -0.24096599221229553, -0.07250241935253143, 0.0530703030526638, -0.021640749648213387, -0.008882331661880016,
      0.15292572975158691, 0.048184871673583984, 0.07143313437700272, -0.20743711292743683], 1e-5, 1e-6);
    expectClose(w!, [0.38604727387428284, 0.660518229007721, 0.6256253719329834, 0.32524338364601135, 0.6617757678031921,
      0.2987620234489441, 0.3477819561958313, 0.3286114037036896, 0.3236066699028015, 0.3723014295101166, 0, 0,
      0.33078518509864807, 0.3373773992061615, 0.6527690291404724, 0.326983779668808, 0.3357742130756378, 0.6744446754455566], 1e-5, 1e-6);
    m.eval();
    const [e1, ew] = m(x, x, x);
    const [e2] = m(x, x, x);
    expect(values(e1)).toEqual(values(e2));
    expectClose(ew!.sum({ dim: -1 }), [1, 1, 1, 1, 1, 1], 1e-6, 1e-6);
  });

  it('a fully padded key row gives NaN, as in PyTorch', () => {
    const m = new nn.MultiheadAttention(4, 2, { batchFirst: true });
    const x = wave([2, 3, 4], 1);
    const [o, w] = m(x, x, x, { keyPaddingMask: torch.tensor([[true, true, true], [false, true, false]]) });
    expect(o.index(0).isnan().all().item()).toBe(true);
    expect(o.index(1).isnan().any().item()).toBe(false);
    expect(values(w!.index(1, 0, 1))).toEqual([0]);
  });

  it('works on empty batches', () => {
    const m = new nn.MultiheadAttention(4, 2);
    const [o, w] = m(torch.zeros(3, 0, 4), torch.zeros(5, 0, 4), torch.zeros(5, 0, 4));
    expect([o.shape, w!.shape]).toEqual([[3, 0, 4], [0, 3, 5]]);
  });
});

describe('nn.MultiheadAttention errors (PyTorch 1.13 messages)', () => {
  const m = new nn.MultiheadAttention(4, 2);
  const x = wave([3, 2, 4], 1);
  const u = wave([3, 4], 1);
  const b = (shape: number[]): T => torch.zeros(shape, { dtype: torch.bool });
  const A = torch.AssertionError;
  const R = torch.RuntimeError;
  const cases: [string, () => unknown, new (m: string) => Error, string][] = [
    ['4-d query', () => m(wave([1, 3, 2, 4], 1), x, x), A, 'query should be unbatched 2D or batched 3D tensor but received 4-D query tensor'],
    ['2-d key with 3-d query', () => m(x, u, x), A, 'For batched (3-D) `query`, expected `key` and `value` to be 3-D but found 2-D and 3-D tensors respectively'],
    ['3-d key with 2-d query', () => m(u, x, x), A, 'For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found 3-D and 3-D tensors respectively'],
    ['3-d key_padding_mask', () => m(x, x, x, { keyPaddingMask: b([2, 3, 1]) }), A, 'For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found 3-D tensor instead'],
    ['2-d unbatched key_padding_mask', () => m(u, u, u, { keyPaddingMask: b([1, 3]) }), A, 'For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but found 2-D tensor instead'],
    ['1-d attn_mask', () => m(x, x, x, { attnMask: b([3]) }), A, 'For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found 1-D tensor instead'],
    ['1-d unbatched attn_mask', () => m(u, u, u, { attnMask: b([3]) }), A, 'For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found 1-D tensor instead'],
    ['3-d unbatched attn_mask shape', () => m(u, u, u, { attnMask: b([4, 3, 3]) }), A, 'Expected `attn_mask` shape to be (2, 3, 3) but got torch.Size([4, 3, 3])'],
    ['2-d attn_mask shape', () => m(x, x, x, { attnMask: b([3, 4]) }), R, 'The shape of the 2D attn_mask is torch.Size([3, 4]), but should be (3, 3).'],
    ['3-d attn_mask shape', () => m(x, x, x, { attnMask: b([2, 3, 3]) }), R, 'The shape of the 3D attn_mask is torch.Size([2, 3, 3]), but should be (4, 3, 3).'],
    ['int64 attn_mask', () => m(x, x, x, { attnMask: torch.zeros(3, 3, { dtype: torch.int64 }) }), A, 'Only float, byte, and bool types are supported for attn_mask, not torch.int64'],
    ['int64 key_padding_mask', () => m(x, x, x, { keyPaddingMask: torch.zeros(2, 3, { dtype: torch.int64 }) }), A, 'only bool and floating types of key_padding_mask are supported'],
    ['key_padding_mask length', () => m(x, x, x, { keyPaddingMask: b([2, 4]) }), A, 'expecting key_padding_mask shape of (2, 3), but got torch.Size([2, 4])'],
    ['key_padding_mask batch', () => m(x, x, x, { keyPaddingMask: b([3, 3]) }), A, 'expecting key_padding_mask shape of (2, 3), but got torch.Size([3, 3])'],
    ['embedding width', () => m(wave([3, 2, 6], 1), wave([3, 2, 6], 1), wave([3, 2, 6], 1)), A, 'was expecting embedding dimension of 4, but got 6'],
    ['key/value shapes', () => m(x, x, wave([4, 2, 4], 1)), A, 'key shape torch.Size([3, 2, 4]) does not match value shape torch.Size([4, 2, 4])'],
  ];
  for (const [name, fn, cls, message] of cases) {
    it(name, () => expect(fn).toThrow(new cls(message)));
  }
  it('errors from the separate projections (kdim/vdim)', () => {
    const m2 = new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5 });
    expect(() => m2(x, wave([3, 2, 4], 1), wave([3, 2, 5], 1))).toThrow(new A('expecting key weights shape of (4, 4), but got torch.Size([4, 3])'));
    expect(() => m2(x, wave([3, 2, 3], 1), wave([4, 2, 5], 1))).toThrow(new A("key's sequence and batch dims torch.Size([3, 2]) do not match value's torch.Size([4, 2])"));
  });
  it('a float attn_mask with a float key_padding_mask is a RuntimeError (masked_fill needs a bool mask)', () => {
    expect(() => m(x, x, x, { attnMask: wave([3, 3], 2), keyPaddingMask: wave([2, 3], 3) })).toThrow(R);
  });
  it('errors of the functional form', () => {
    const w = (shape: number[]): T => wave(shape, 1);
    const call = (...args: unknown[]) => () => F.multiHeadAttentionForward(...args);
    const cases2: [() => unknown, new (m: string) => Error, string][] = [
      [call(wave([3, 2, 6], 1), wave([3, 2, 6], 1), wave([3, 2, 6], 1), 6, 4, w([18, 6]), null, null, null, false, 0, w([6, 6]), null), A, 'embed_dim 6 not divisible by num_heads 4'],
      [call(x, x, x, 4, 2, null, null, null, null, false, 0, w([4, 4]), null), A, 'use_separate_proj_weight is False but in_proj_weight is None'],
      [call(x, x, x, 4, 2, null, null, null, null, false, 0, w([4, 4]), null, { useSeparateProjWeight: true }), A, 'use_separate_proj_weight is True but q_proj_weight is None'],
      [call(x, x, x, 4, 2, null, null, null, null, false, 0, w([4, 4]), null, { useSeparateProjWeight: true, qProjWeight: w([4, 3]), kProjWeight: w([4, 4]), vProjWeight: w([4, 4]) }), A, 'expecting query weights shape of (4, 4), but got torch.Size([4, 3])'],
      [call(x, x, x, 4, 2, null, w([15]), null, null, false, 0, w([4, 4]), null, { useSeparateProjWeight: true, qProjWeight: w([4, 4]), kProjWeight: w([4, 4]), vProjWeight: w([4, 4]) }), A, 'expecting query bias shape of (4,), but got torch.Size([5])'],
      [call(x, x, x, 4, 2, w([12, 4]), null, null, null, false, 0, w([4, 4]), null, { staticK: w([3, 3, 2]) }), A, 'expecting static_k.size(0) of 4, but got 3'],
      [call(x, x, x, 4, 2, w([12, 4]), null, null, null, false, 0, w([4, 4]), null, { staticK: w([4, 3, 3]) }), A, 'expecting static_k.size(2) of 2, but got 3'],
      [call(x, x, x, 4, 2, w([12, 4]), null, null, null, false, 0, w([4, 4]), null, { staticV: w([3, 3, 2]) }), A, 'expecting static_v.size(0) of 4, but got 3'],
      [call(x, x, x, 4, 2, w([12, 4]), null, w([1, 1, 4]), w([1, 1, 4]), false, 0, w([4, 4]), null, { staticK: w([4, 3, 2]) }), A, 'bias cannot be added to static key.'],
      [call(x, x, x, 4, 2, w([12, 4]), null, w([1, 1, 4]), null, false, 0, w([4, 4]), null), A, ''],
      [call(x, x, x, 5, 2, w([12, 4]), null, null, null, false, 0, w([4, 4]), null), A, 'was expecting embedding dimension of 5, but got 4'],
      [call(x, x, x, 4, 2, w([8, 4]), null, null, null, false, 0, w([4, 4]), null), R, "shape '[3, 4, 2]' is invalid for input of size 18"],
      [call(x, x, x, 4, 2, w([12, 4]), null, null, null, false, 0, w([4, 4]), null, { staticK: w([4, 3]) }), torch.IndexError, 'Dimension out of range (expected to be in range of [-2, 1], but got 2)'],
      [call(x, x, x, 4, 2, null, w([4]), null, null, false, 0, w([4, 4]), null, { useSeparateProjWeight: true, qProjWeight: w([4, 4]), kProjWeight: w([4, 4]), vProjWeight: w([4, 4]) }), torch.ValueError, 'not enough values to unpack (expected 3, got 2)'],
      [call(x, x, x, 4, 2, w([4, 4]), null, null, null, false, 0, w([4, 4]), null), torch.ValueError, 'not enough values to unpack (expected 3, got 2)'],
      [call(x, x, x.clone(), 4, 2, w([4, 4]), null, null, null, false, 0, w([4, 4]), null), torch.ValueError, 'not enough values to unpack (expected 3, got 2)'],
    ];
    for (const [fn, cls, message] of cases2) expect(fn).toThrow(new cls(message));
    expect(call(x, x, x, 4, 2, w([12, 4]))).toThrow(TypeError);
  });
});

describe('nn.MultiheadAttention: the nn.json mha_* cases through the module', () => {
  const area = loadArea('nn') as { cases: Record<string, unknown>[] } | null;
  const cases = (area?.cases ?? []).filter((c) => c.op === 'nn.MultiheadAttention');
  it('finds the cases', () => expect(cases.length).toBeGreaterThanOrEqual(4));
  for (const c of cases) {
    it(c.id as string, () => {
      const d = (v: unknown): any => decodeFixture(torch, v);
      const m = construct(d(c.init));
      m.loadStateDict(d(c.params));
      m.train(c.mode !== 'eval');
      const args = d(c.args) as T[];
      args.forEach((a) => (a.requiresGrad = true));
      const kw = Object.fromEntries(Object.entries(d(c.kwargs ?? {})).map(([k, v]) => [camel(k), v]));
      const outs = m(...args, kw) as (T | null)[];
      const want = d(c.out) as (T | null)[];
      const G = d(c.grad_output) as (T | null)[];
      const [rtol, atol] = [d(c.rtol) as number, d(c.atol) as number];
      let loss: T | null = null;
      outs.forEach((o, i) => {
        if (want[i] === null) return expect(o).toBeNull();
        expectClose(o!, values(want[i]!) as number[], rtol, atol);
        const term = o!.mul(G[i]!).sum();
        loss = loss === null ? term : loss.add(term);
      });
      loss!.backward();
      const named = Object.fromEntries(m.namedParameters());
      for (const [k, e] of Object.entries(d(c.grads) as Record<string, T>)) {
        const g = k.startsWith('input') ? args[Number(k.slice(5))].grad : named[k].grad;
        expectClose(g!, values(e) as number[], rtol, atol);
      }
    });
  }
});

describe('nn.MultiheadAttention memory', () => {
  it('training steps keep the heap flat', () => {
    torch.manualSeed(0);
    const m = new nn.MultiheadAttention(8, 2, { dropout: 0.1, addBiasKv: true, kdim: 6, batchFirst: true });
    const q = wave([2, 3, 8], 1);
    const k = wave([2, 4, 6], 2);
    const v = wave([2, 4, 8], 3);
    const kpm = torch.tensor([[false, false, true, false], [false, false, false, false]]);
    const step = (): void => {
      torch.tidy(() => {
        const [o, w] = m(q, k, v, { keyPaddingMask: kpm, attnMask: wave([3, 4], 4) });
        o.sum().add(w!.sum()).backward();
      });
      m.zeroGrad();
    };
    step(); // gradients allocated once
    expectNoLeak(() => {
      for (let i = 0; i < 20; i++) step();
    });
  });

  it('an inference call under noGrad frees every temporary', () => {
    const m = new nn.MultiheadAttention(8, 4);
    const x = wave([5, 2, 8], 1);
    expectNoLeak(() => {
      for (let i = 0; i < 10; i++) {
        const [o, w] = torch.noGrad(() => m(x, x, x, { needWeights: true }));
        o.dispose();
        w!.dispose();
      }
    });
  });
});
