// nn.RNN / nn.LSTM / nn.GRU, their cells and torch.nn.utils.rnn against PyTorch 1.13
// (fixtures/nn_rnn.json, written by fixtures/nn_rnn_gen.py): outputs, final states and
// the gradients of inputs, initial states and every parameter for sizes other than the
// conformance fixtures' (multi-layer, bidirectional, proj_size, packed input with
// unsorted lengths, relu, dropout streams in training); default initialisation bit for
// bit after manualSeed; float64 gradcheck through several steps; PyTorch's errors and
// reprs; a flat heap over training steps.
import { describe, it, expect, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { torch, values, expectClose } from '../helpers.js';
import { det } from './nn_helpers.js';

const nn = torch.nn;
const U = torch.nn.utils.rnn;
type T = torch.Tensor;

interface Encoded { dtype: string; shape: number[]; data: (number | string)[] }
type Nesting = (number | Nesting)[];
interface ModuleCase {
  id: string;
  op: string;
  init: Record<string, unknown>;
  params: Record<string, Encoded>;
  args: Encoded[];
  nesting?: { args: Nesting; out: Nesting };
  mode: string;
  seed?: number;
  packed?: { lengths: number[]; enforce_sorted?: boolean; batch_first?: boolean };
  out: Encoded[];
  grad_output: Encoded[];
  grads: Record<string, Encoded>;
}
interface InitCase { seed: number; op: string; init: Record<string, unknown>; state_dict: Record<string, Encoded>; names: string[]; repr: string }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/nn_rnn.json', import.meta.url), 'utf8')) as {
  cases: ModuleCase[];
  init: InitCase[];
  utils: Record<string, Encoded | Record<string, Encoded>>;
};

const dtypeOf = (name: string): torch.DType => (torch as unknown as Record<string, torch.DType>)[name];
const num = (v: number | string): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));
const decode = (e: Encoded): T => torch.tensor(e.data.map(num), { dtype: dtypeOf(e.dtype) }).reshape(e.shape);
const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

function expectTensor(t: T | null | undefined, e: Encoded, rtol = 1e-4, atol = 1e-5): void {
  expect(t, 'tensor expected').toBeTruthy();
  expect(t!.shape).toEqual(e.shape);
  expect(t!.dtype.name).toBe(e.dtype);
  expectClose(t!, e.data.map(num), rtol, atol);
}

/** The module of a fixture: snake_case kwargs by name. */
function construct(op: string, init: Record<string, unknown>): torch.nn.Module {
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(init)) {
    options[camel(k)] = v !== null && typeof v === 'object' && 'torch_dtype' in v ? dtypeOf((v as { torch_dtype: string }).torch_dtype) : v;
  }
  const Cls = (nn as unknown as Record<string, new (o: unknown) => torch.nn.Module>)[op.slice(3)];
  return new Cls(options);
}

const nest = (flat: T[], shape: Nesting): unknown[] => shape.map((s) => (Array.isArray(s) ? nest(flat, s) : flat[s]));
function flatten(r: unknown): T[] {
  return Array.isArray(r) ? r.flatMap(flatten) : [r as T];
}

function runCase(c: ModuleCase): void {
  const m = construct(c.op, c.init);
  const params: Record<string, T> = {};
  for (const [k, e] of Object.entries(c.params)) params[k] = decode(e);
  m.loadStateDict(params);
  if (c.mode === 'train') m.train();
  else m.eval();
  const args = c.args.map((e) => decode(e).requiresGrad_(true));
  const callArgs = c.nesting ? nest(args, c.nesting.args) : args;
  if (c.seed !== undefined) torch.manualSeed(c.seed);
  let outs: T[];
  if (c.packed) {
    const p = c.packed;
    const packed = U.packPaddedSequence(callArgs[0] as T, p.lengths, { batchFirst: p.batch_first ?? false, enforceSorted: p.enforce_sorted ?? true });
    const [out, states] = m(packed, ...callArgs.slice(1)) as [torch.nn.utils.rnn.PackedSequence, T | T[]];
    expect(out).toBeInstanceOf(U.PackedSequence);
    const [padded] = U.padPackedSequence(out, { batchFirst: p.batch_first ?? false });
    outs = [padded, ...flatten(states)];
  } else {
    outs = flatten(m(...callArgs));
  }
  expect(outs.length).toBe(c.out.length);
  outs.forEach((o, i) => expectTensor(o, c.out[i]));
  torch.autograd.backward(outs, c.grad_output.map(decode));
  const named = Object.fromEntries(m.namedParameters());
  for (const [k, e] of Object.entries(c.grads)) {
    const input = /^input(\d+)$/.exec(k);
    const t = input ? args[Number(input[1])] : named[k];
    expectTensor(t.grad ?? torch.zerosLike(t), e, 1e-4, 1e-5);
  }
}

describe('recurrent modules vs PyTorch: outputs, states and gradients', () => {
  for (const c of fixture.cases) it(c.id, () => runCase(c));
});

describe('default initialisation', () => {
  it('is bit-identical to PyTorch after manualSeed, with its parameter names, order and repr', () => {
    for (const c of fixture.init) {
      torch.manualSeed(c.seed);
      const m = construct(c.op, c.init);
      expect(m.namedParameters().map(([n]) => n), c.op).toEqual(c.names);
      const sd = m.stateDict();
      expect(Object.keys(sd)).toEqual(Object.keys(c.state_dict));
      for (const [k, e] of Object.entries(c.state_dict)) {
        expect(sd[k].dtype.name, k).toBe(e.dtype);
        expect(sd[k].shape, k).toEqual(e.shape);
        expect(values(sd[k]), `${c.op} ${k} (seed ${c.seed})`).toEqual(e.data.map(num));
      }
      expect(String(m)).toBe(c.repr);
    }
  });

  it('resetParameters() draws again; the stream continues as PyTorch draws it', () => {
    torch.manualSeed(0);
    const a = new nn.GRU(3, 2, 2);
    a.resetParameters();
    torch.manualSeed(0);
    const b = new nn.GRU(3, 2, 2);
    const before = values(b.weight_ih_l0 as T);
    b.resetParameters();
    expect(values(b.weight_ih_l0 as T)).not.toEqual(before);
    expect(values(a.bias_hh_l1 as T)).toEqual(values(b.bias_hh_l1 as T));
  });
});

describe('reprs and attributes', () => {
  it("print as PyTorch's extra_repr", () => {
    expect(String(new nn.LSTM(10, 20, 2, { bias: false, batchFirst: true, dropout: 0.5, bidirectional: true, projSize: 5 })))
      .toBe('LSTM(10, 20, proj_size=5, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)');
    expect(String(new nn.GRU(10, 20))).toBe('GRU(10, 20)');
    expect(String(new nn.RNN(10, 20, { nonlinearity: 'relu' }))).toBe('RNN(10, 20)');
    expect(String(new nn.RNN(10, 20, { dropout: 0.25, numLayers: 3 }))).toBe('RNN(10, 20, num_layers=3, dropout=0.25)');
    expect(String(new nn.RNNCell(10, 20, { bias: false, nonlinearity: 'relu' }))).toBe('RNNCell(10, 20, bias=False, nonlinearity=relu)');
    expect(String(new nn.LSTMCell(3, 4))).toBe('LSTMCell(3, 4)');
    expect(String(new nn.GRUCell(3, 4, false))).toBe('GRUCell(3, 4, bias=False)');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(String(new nn.RNN(10, 20, { dropout: 1 }))).toBe('RNN(10, 20, dropout=1.0)');
    } finally {
      warn.mockRestore();
    }
  });

  it('takes the constructor arguments by position or by name; attributes are camelCase', () => {
    const m = new nn.LSTM(4, 6, 2, false, true, 0, true, 3, { dtype: torch.float64 });
    expect([m.inputSize, m.hiddenSize, m.numLayers, m.bias, m.batchFirst, m.dropout, m.bidirectional, m.projSize, m.mode])
      .toEqual([4, 6, 2, false, true, 0, true, 3, 'LSTM']);
    expect(m.weight_hr_l1_reverse!.shape).toEqual([3, 6]);
    expect(m.weight_ih_l1!.shape).toEqual([24, 6]);
    expect(m.weight_ih_l0!.dtype).toBe(torch.float64);
    expect(m._flatWeightsNames).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'weight_hr_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'weight_hr_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'weight_hr_l1', 'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'weight_hr_l1_reverse',
    ]);
    expect(m.allWeights.length).toBe(4);
    expect(m._flatWeights[0]).toBe(m.weight_ih_l0);
    m.flattenParameters();
    const byName = new nn.GRU({ inputSize: 2, hidden_size: 3, num_layers: 2 });
    expect([byName.inputSize, byName.hiddenSize, byName.numLayers]).toEqual([2, 3, 2]);
    const cell = new nn.RNNCell(3, 4, false, 'relu');
    expect([cell.bias, cell.nonlinearity, cell.bias_ih]).toEqual([false, 'relu', null]);
    expect([...cell._parameters.keys()]).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
  });
});

describe('forward forms', () => {
  it('returns PyTorch tuples: [output, h_n], and [output, [h_n, c_n]] for the LSTM; missing states are zeros', () => {
    const lstm = new nn.LSTM(3, 4);
    const x = det([5, 2, 3], 1, { dtype: torch.float32 });
    const [out, [h, c]] = lstm(x);
    const zeros = torch.zeros(1, 2, 4);
    const [out2, [h2, c2]] = lstm(x, [zeros, zeros]);
    expect(values(out)).toEqual(values(out2));
    expect(values(h)).toEqual(values(h2));
    expect(values(c)).toEqual(values(c2));
    expect(values(h)).toEqual(values(out.select(0, 4)));
    const gru = new nn.GRU(3, 4, { batchFirst: true });
    const [o, hn] = gru(x);
    expect(o.shape).toEqual([5, 2, 4]);
    expect(hn.shape).toEqual([1, 5, 4]);
    expect(o.isContiguous()).toBe(false); // batch_first output is a transposed view, as in PyTorch
  });

  it('a sequence equals its cells stepped by hand (LSTM and GRU, shared weights)', () => {
    const x = det([4, 2, 3], 2, { dtype: torch.float32 });
    const lstm = new nn.LSTM(3, 5);
    const cell = new nn.LSTMCell(3, 5);
    cell.loadStateDict({ weight_ih: lstm.weight_ih_l0, weight_hh: lstm.weight_hh_l0, bias_ih: lstm.bias_ih_l0, bias_hh: lstm.bias_hh_l0 });
    const [out, [hN, cN]] = lstm(x);
    let [h, c] = cell(x.select(0, 0));
    for (let t = 1; t < 4; t++) [h, c] = cell(x.select(0, t), [h, c]);
    expectClose(h, values(hN) as number[], 1e-6, 1e-7);
    expectClose(c, values(cN) as number[], 1e-6, 1e-7);
    expectClose(h, values(out.select(0, 3)) as number[], 1e-6, 1e-7);
    const gru = new nn.GRU(3, 5);
    const gcell = new nn.GRUCell(3, 5);
    gcell.loadStateDict({ weight_ih: gru.weight_ih_l0, weight_hh: gru.weight_hh_l0, bias_ih: gru.bias_ih_l0, bias_hh: gru.bias_hh_l0 });
    let g = gcell(x.select(0, 0));
    for (let t = 1; t < 4; t++) g = gcell(x.select(0, t), g);
    expectClose(g, values(gru(x)[1]) as number[], 1e-6, 1e-7);
  });

  it('packed input gives the padded computation for each sequence alone', () => {
    const gru = new nn.GRU(2, 3, { bidirectional: true });
    const seqs = [det([4, 2], 3, { dtype: torch.float32 }), det([2, 2], 4, { dtype: torch.float32 }), det([3, 2], 5, { dtype: torch.float32 })];
    const [out, hn] = gru(U.packSequence(seqs, { enforceSorted: false }));
    const [padded, lengths] = U.padPackedSequence(out);
    expect(values(lengths)).toEqual([4, 2, 3]);
    seqs.forEach((s, b) => {
      const [o1, h1] = gru(s.unsqueeze(1));
      expectClose(padded.narrow(0, 0, s.shape[0]).select(1, b), values(o1.squeeze(1)) as number[], 1e-6, 1e-7);
      expectClose(hn.select(1, b), values(h1.squeeze(1)) as number[], 1e-6, 1e-7);
    });
  });

  it('non-contiguous input, states and weights give the contiguous result', () => {
    const lstm = new nn.LSTM(3, 4, 2);
    const x = det([2, 5, 3], 7, { dtype: torch.float32 });
    const h0 = det([2, 2, 4], 8, { dtype: torch.float32 });
    const c0 = det([2, 2, 4], 9, { dtype: torch.float32 });
    const [a, [ha, ca]] = lstm(x.transpose(0, 1).contiguous(), [h0.transpose(1, 0).contiguous().transpose(1, 0).contiguous(), c0]);
    const [b, [hb, cb]] = lstm(x.transpose(0, 1), [h0.transpose(1, 0).contiguous().transpose(1, 0), c0.expand([2, 2, 4])]);
    expect(values(b)).toEqual(values(a));
    expect(values(hb)).toEqual(values(ha));
    expect(values(cb)).toEqual(values(ca));
    lstm.weight_hh_l1 = new nn.Parameter(lstm.weight_hh_l1!.detach().t().contiguous().t());
    expect(lstm.weight_hh_l1!.isContiguous()).toBe(false);
    expect(values(lstm(x.transpose(0, 1).contiguous(), [h0, c0])[0])).toEqual(values(a));
  });

  it('dropout between layers only in training; eval ignores it', () => {
    const m = new nn.LSTM(3, 4, 2, { dropout: 0.5 });
    const x = det([3, 2, 3], 6, { dtype: torch.float32 });
    m.eval();
    const a = values(m(x)[0]);
    expect(values(m(x)[0])).toEqual(a);
    m.train();
    torch.manualSeed(1);
    const b = values(m(x)[0]);
    expect(b).not.toEqual(a);
    torch.manualSeed(1);
    expect(values(m(x)[0])).toEqual(b);
  });
});

describe('gradients', () => {
  const d = { dtype: torch.float64, requiresGrad: true };

  it('float64 gradcheck through 3 steps: input and initial states (LSTM 2-layer bidirectional, GRU, RNN relu, packed)', () => {
    const lstm = new nn.LSTM(2, 3, 2, { bidirectional: true, dtype: torch.float64 });
    const x = det([3, 2, 2], 1, d);
    const h0 = det([4, 2, 3], 2, d);
    const c0 = det([4, 2, 3], 3, d);
    const w = (o: T, s: number): T => o.mul(det([...o.shape], s)).sum();
    expect(torch.autograd.gradcheck((a: T, b: T, c: T) => {
      const [o, [h, cc]] = lstm(a, [b, c]);
      return w(o, 10).add(w(h, 11)).add(w(cc, 12));
    }, [x, h0, c0])).toBe(true);
    const proj = new nn.LSTM(2, 4, { projSize: 2, batchFirst: true, dtype: torch.float64 });
    expect(torch.autograd.gradcheck((a: T, b: T, c: T) => {
      const [o, [h, cc]] = proj(a, [b, c]);
      return w(o, 13).add(w(h, 14)).add(w(cc, 15));
    }, [det([2, 3, 2], 4, d), det([1, 2, 2], 5, d), det([1, 2, 4], 6, d)])).toBe(true);
    const gru = new nn.GRU(2, 3, { dtype: torch.float64 });
    expect(torch.autograd.gradcheck((a: T, b: T) => {
      const [o, h] = gru(a, b);
      return w(o, 16).add(w(h, 17));
    }, [det([3, 2, 2], 7, d), det([1, 2, 3], 8, d)])).toBe(true);
    const rnn = new nn.RNN(2, 3, 2, { nonlinearity: 'relu', dtype: torch.float64 });
    expect(torch.autograd.gradcheck((a: T) => w(rnn(a)[0], 18), [det([3, 2, 2], 9, d).add(0.5).detach().requiresGrad_(true)])).toBe(true);
    const packedGru = new nn.GRU(2, 3, { bidirectional: true, dtype: torch.float64 });
    expect(torch.autograd.gradcheck((a: T, b: T) => {
      const [o, h] = packedGru(U.packPaddedSequence(a, [2, 3, 1], { enforceSorted: false }), b);
      return w(U.padPackedSequence(o)[0], 19).add(w(h, 20));
    }, [det([3, 3, 2], 10, d), det([2, 3, 3], 11, d)])).toBe(true);
  });

  it('float64 gradcheck of every parameter (LSTM with projection, GRU, cells)', () => {
    const w = (o: T, s: number): T => o.mul(det([...o.shape], s)).sum();
    const check = (m: torch.nn.Module, loss: () => T): void => {
      const params = m.parameters();
      const f = (...ps: T[]): T => {
        // a differentiable function of the parameter values: write them into the module's Parameters
        params.forEach((p, i) => torch.noGrad(() => p.copy_(ps[i])));
        return loss();
      };
      // gradcheck's numerical part calls f; the analytical gradient comes from the module's own Parameters
      const xs = params.map((p) => p.detach().clone());
      const analytic = (() => {
        f(...xs);
        m.zeroGrad();
        loss().backward();
        return params.map((p) => values(p.grad!) as number[]);
      })();
      xs.forEach((x, i) => {
        const n = x.numel();
        const flat = x.view(-1);
        for (let j = 0; j < n; j++) {
          const orig = flat.get(j) as number;
          flat.set(j, orig + 1e-6);
          const up = torch.noGrad(() => f(...xs).item() as number);
          flat.set(j, orig - 1e-6);
          const down = torch.noGrad(() => f(...xs).item() as number);
          flat.set(j, orig);
          const num = (up - down) / 2e-6;
          expect(Math.abs(num - analytic[i][j]), `param ${i} [${j}]: ${analytic[i][j]} vs ${num}`).toBeLessThan(1e-6 + 1e-4 * Math.abs(num));
        }
      });
      f(...xs);
    };
    const x = det([3, 2, 2], 1, { dtype: torch.float64 });
    const lstm = new nn.LSTM(2, 4, { projSize: 3, bidirectional: true, dtype: torch.float64 });
    check(lstm, () => {
      const [o, [h, c]] = lstm(x);
      return w(o, 2).add(w(h, 3)).add(w(c, 4));
    });
    const gru = new nn.GRU(2, 3, 2, { dtype: torch.float64 });
    check(gru, () => {
      const [o, h] = gru(x);
      return w(o, 5).add(w(h, 6));
    });
    const cell = new nn.LSTMCell(2, 3, { dtype: torch.float64 });
    check(cell, () => {
      const [h, c] = cell(x.select(0, 0));
      return w(h, 7).add(w(c, 8));
    });
    const rcell = new nn.RNNCell(2, 3, { dtype: torch.float64 });
    check(rcell, () => w(rcell(x.select(0, 1)), 9));
  });

  it('double backward through a recurrent layer raises NotImplementedError (its first derivative works with createGraph)', () => {
    const gru = new nn.GRU(2, 3);
    const x = det([3, 1, 2], 1, { dtype: torch.float32, requiresGrad: true });
    const [gx] = torch.autograd.grad(gru(x)[0].sum(), [x], { createGraph: true });
    const plain = torch.autograd.grad(gru(x)[0].sum(), [x])[0];
    expect(values(gx!)).toEqual(values(plain!));
    expect(() => gx!.sum().backward()).toThrow("the derivative for 'rnn_layer_backward' is not implemented.");
  });

  it('no graph and no workspace under noGrad', () => {
    const lstm = new nn.LSTM(3, 4);
    const x = det([4, 2, 3], 1, { dtype: torch.float32 });
    const [out] = torch.noGrad(() => lstm(x));
    expect(out.requiresGrad).toBe(false);
    expect(out.gradFn).toBeNull();
  });
});

describe('errors as PyTorch raises them', () => {
  const expectError = (f: () => unknown, cls: string, msg: string): void => {
    let err: unknown = null;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err, `expected ${cls}: ${msg}`).not.toBeNull();
    expect((err as Error).name).toBe(cls);
    expect((err as Error).message).toBe(msg);
  };
  const r = (...s: number[]): T => torch.zeros(s);

  it('constructor arguments', () => {
    expectError(() => new nn.RNN(10, 20, { nonlinearity: 'sigmoid' as 'relu' }), 'ValueError', "Unknown nonlinearity 'sigmoid'");
    expectError(() => new nn.RNN(10, 20, { projSize: 2 } as never), 'ValueError', 'proj_size argument is only supported for LSTM, not RNN or GRU');
    expectError(() => new nn.GRU(10, 20, { projSize: 2 } as never), 'ValueError', 'proj_size argument is only supported for LSTM, not RNN or GRU');
    expectError(() => new nn.LSTM(10, 20, { projSize: 20 }), 'ValueError', 'proj_size has to be smaller than hidden_size');
    expectError(() => new nn.LSTM(10, 20, { projSize: -1 }), 'ValueError', 'proj_size should be a positive integer or zero to disable projections');
    expectError(() => new nn.LSTM(10, 0), 'ValueError', 'proj_size has to be smaller than hidden_size');
    const bad = 'dropout should be a number in range [0, 1] representing the probability of an element being zeroed';
    expectError(() => new nn.LSTM(10, 20, 2, { dropout: 1.5 }), 'ValueError', bad);
    expectError(() => new nn.LSTM(10, 20, 2, { dropout: true as unknown as number }), 'ValueError', bad);
    expectError(() => new nn.LSTM(10, 20, 0), 'IndexError', 'list index out of range');
    expectError(() => new nn.LSTM(10, 20, { device: 'cuda' }), 'RuntimeError',
      `LSTM: device "cuda" is not available: this runtime has only the 'cpu' device`);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      new nn.LSTM(10, 20, { dropout: 0.5 });
      expect(warn).toHaveBeenCalledWith(
        'dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=0.5 and num_layers=1',
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('input and state shapes of the sequence modules', () => {
    const m = new nn.LSTM(10, 20, 2);
    expectError(() => m(r(5, 3, 7)), 'RuntimeError', 'input.size(-1) must be equal to input_size. Expected 10, got 7');
    expectError(() => m(r(5, 3, 7, 1)), 'RuntimeError', 'input must have 3 dimensions, got 5');
    expectError(() => m(r(10)), 'RuntimeError', 'input must have 3 dimensions, got 2');
    expectError(() => m(r(5, 3, 10), [r(1, 3, 20), r(2, 3, 20)]), 'RuntimeError', 'Expected hidden[0] size (2, 3, 20), got [1, 3, 20]');
    expectError(() => m(r(5, 3, 10), [r(2, 3, 20), r(2, 3, 21)]), 'RuntimeError', 'Expected hidden[1] size (2, 3, 20), got [2, 3, 21]');
    expectError(() => m(r(5, 3, 10), [r(3, 20), r(2, 3, 20)]), 'RuntimeError',
      'For batched 3-D input, hx and cx should also be 3-D but got (2-D, 3-D) tensors');
    expectError(() => m(r(5, 10), [r(2, 3, 20), r(2, 20)]), 'RuntimeError',
      'For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 2-D) tensors');
    expectError(() => m(r(0, 3, 10)), 'RuntimeError', 'Expected sequence length to be larger than 0 in RNN');
    const g = new nn.GRU(10, 20);
    expectError(() => g(r(5, 3, 10), r(1, 2, 20)), 'RuntimeError', 'Expected hidden size (1, 3, 20), got [1, 2, 20]');
    expectError(() => g(r(5, 3, 10), r(3, 20)), 'RuntimeError', 'For batched 3-D input, hx should also be 3-D but got 2-D tensor');
    expectError(() => g(r(5, 10), r(1, 3, 20)), 'RuntimeError', 'For unbatched 2-D input, hx should also be 2-D but got 3-D tensor');
    expectError(() => g(torch.zeros(5, 3, 10, { dtype: torch.float64 })), 'RuntimeError', 'mat1 and mat2 must have the same dtype');
    expectError(() => g(torch.zeros(5, 3, 10, { dtype: torch.int64 })), 'RuntimeError', 'mat1 and mat2 must have the same dtype');
    expectError(() => g(r(5, 3, 10), torch.zeros(1, 3, 20, { dtype: torch.float64 })), 'RuntimeError', 'mat1 and mat2 must have the same dtype');
    const rnn = new nn.RNN(10, 20, { nonlinearity: 'relu' });
    expectError(() => rnn(r(5, 3, 10), r(1, 3, 21)), 'RuntimeError', 'Expected hidden size (1, 3, 20), got [1, 3, 21]');
    expectError(() => new nn.LSTM(2, 3)(r(2, 1, 2), [r(1, 1, 3)] as never), 'IndexError', 'tuple index out of range');
    expectError(() => g([1, 2] as never), 'AttributeError', "'list' object has no attribute 'dim'");
    expectError(() => new nn.GRUCell(2, 3)([1, 2] as never), 'AttributeError', "'list' object has no attribute 'dim'");
    // an empty batch is fine
    expect(m(r(5, 0, 10))[0].shape).toEqual([5, 0, 20]);
  });

  it('packed input', () => {
    const pk = U.packPaddedSequence(det([5, 3, 2], 1, { dtype: torch.float32 }), [5, 3, 1]);
    expectError(() => new nn.LSTM(3, 4)(pk), 'RuntimeError', 'input.size(-1) must be equal to input_size. Expected 3, got 2');
    expectError(() => new nn.LSTM(2, 4)(pk, [r(1, 2, 4), r(1, 3, 4)]), 'RuntimeError', 'Expected hidden[0] size (1, 3, 4), got [1, 2, 4]');
    expectError(() => new nn.LSTM(2, 4)(new U.PackedSequence(r(9, 1, 2), pk.batchSizes)), 'RuntimeError', 'input must have 2 dimensions, got 3');
    expectError(() => new nn.RNN(2, 4)(pk, r(3, 4)), 'RuntimeError', 'Expected hidden size (1, 3, 4), got [3, 4]');
  });

  it('cells', () => {
    const c = new nn.LSTMCell(10, 20);
    expectError(() => c(r(3, 7)), 'RuntimeError', 'input has inconsistent input_size: got 7 expected 10');
    expectError(() => c(r(3, 7, 1)), 'AssertionError', 'LSTMCell: Expected input to be 1-D or 2-D but received 3-D tensor');
    expectError(() => c(r(3, 10), [r(2, 20), r(3, 20)]), 'RuntimeError', "Input batch size 3 doesn't match hidden0 batch size 2");
    expectError(() => c(r(3, 10), [r(3, 21), r(3, 20)]), 'RuntimeError', 'hidden0 has inconsistent hidden_size: got 21, expected 20');
    expectError(() => c(r(3, 10), [r(3, 20), r(3, 21)]), 'RuntimeError', 'hidden0 has inconsistent hidden_size: got 21, expected 20');
    expectError(() => c(r(10), [r(3, 20), r(3, 20)]), 'RuntimeError', 'hidden0 has inconsistent hidden_size: got 3, expected 20');
    expectError(() => new nn.LSTMCell(4, 3)(r(2, 4), [r(2, 3, 5), r(2, 3)]), 'RuntimeError', 'mat1 and mat2 shapes cannot be multiplied (6x5 and 3x12)');
    const g = new nn.GRUCell(10, 20);
    expectError(() => g(r(3, 10), r(2, 20)), 'RuntimeError', "Input batch size 3 doesn't match hidden0 batch size 2");
    expectError(() => g(r(3, 10), r(20)), 'RuntimeError', "Input batch size 3 doesn't match hidden0 batch size 20");
    expectError(() => g(r(3, 10), torch.tensor(1)), 'IndexError', 'Dimension specified as 0 but tensor has no dimensions');
    expectError(() => g(r(3, 10), torch.zeros(3, 20, { dtype: torch.float64 })), 'RuntimeError', 'mat1 and mat2 must have the same dtype');
    expectError(() => new nn.RNNCell(10, 20, { nonlinearity: 'x' as 'relu' })(r(3, 10)), 'RuntimeError', 'Unknown nonlinearity: x');
    expectError(() => new nn.RNNCell(10, 20)(torch.tensor(1)), 'AssertionError', 'RNNCell: Expected input to be 1-D or 2-D but received 0-D tensor');
  });

  it('nn.utils.rnn', () => {
    expectError(() => U.padSequence([]), 'RuntimeError', 'received an empty list of sequences');
    expectError(() => U.padSequence([r(2, 3), r(3, 4)]), 'RuntimeError', 'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1');
    expectError(() => U.padSequence([torch.tensor(1), torch.tensor(2)]), 'IndexError', 'Dimension specified as 0 but tensor has no dimensions');
    expectError(() => U.padSequence(3 as never), 'RuntimeError', "pad_sequence: Expected iterable for input sequences, but got arg of type: <class 'int'>");
    const sortedMsg =
      '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.';
    expectError(() => U.packPaddedSequence(r(5, 3, 2), [2, 5, 3]), 'RuntimeError', sortedMsg);
    expectError(() => U.packSequence([r(2), r(3)]), 'RuntimeError', sortedMsg);
    const zeroMsg = "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0";
    expectError(() => U.packPaddedSequence(r(5, 3, 2), [5, 3, 0]), 'RuntimeError', zeroMsg);
    expectError(() => U.packPaddedSequence(r(5, 3, 2), [5, 3, -1], { enforceSorted: false }), 'RuntimeError', zeroMsg);
    expectError(() => U.packPaddedSequence(r(5, 3, 2), [5, 3]), 'RuntimeError', 'Expected `len(lengths)` to be equal to batch_size, but got 2 (batch_size=3)');
    expectError(() => U.packPaddedSequence(r(0, 3, 2), [1, 1, 1]), 'RuntimeError', 'Cannot pack empty tensors.');
    expectError(() => U.packPaddedSequence(r(5, 3, 2), torch.tensor([[5, 3, 1]])), 'RuntimeError',
      "'lengths' argument should be a 1D CPU int64 tensor, but got 2D cpu Long tensor");
    expectError(() => U.packPaddedSequence(r(5), [5]), 'IndexError', 'Dimension out of range (expected to be in range of [-1, 0], but got 1)');
    const p = U.packPaddedSequence(r(5, 3), [5, 3, 1]);
    expectError(() => U.padPackedSequence(p, { totalLength: 3 }), 'ValueError',
      'Expected total_length to be at least the length of the longest sequence in input, but got total_length=3 and max sequence length being 5');
  });
});

describe('torch.nn.utils.rnn', () => {
  const seqs = (): T[] => [torch.arange(6).view(3, 2).float(), torch.arange(10, 14).view(2, 2).float(), torch.arange(20, 28).view(4, 2).float()];
  const u = fixture.utils as Record<string, Encoded & Record<string, Encoded>>;

  it("padSequence, packSequence and padPackedSequence give PyTorch's tensors", () => {
    expectTensor(U.padSequence(seqs()), u.pad, 0, 0);
    expectTensor(U.padSequence(seqs(), { batchFirst: true, paddingValue: -1.5 }), u.pad_batch_first, 0, 0);
    const pk = U.packSequence(seqs(), { enforceSorted: false });
    expectTensor(pk.data, u.pack_unsorted.data, 0, 0);
    expectTensor(pk.batchSizes, u.pack_unsorted.batch_sizes, 0, 0);
    expectTensor(pk.sortedIndices, u.pack_unsorted.sorted_indices, 0, 0);
    expectTensor(pk.unsortedIndices, u.pack_unsorted.unsorted_indices, 0, 0);
    const [padded, lengths] = U.padPackedSequence(pk, { batchFirst: true, paddingValue: 9, totalLength: 6 });
    expectTensor(padded, u.unpack.padded, 0, 0);
    expectTensor(lengths, u.unpack.lengths, 0, 0);
    const [data, batchSizes, sorted, unsorted] = pk;
    expect([data, batchSizes, sorted, unsorted]).toEqual([pk.data, pk.batchSizes, pk.sortedIndices, pk.unsortedIndices]);
    expect(U.unpackSequence(pk).map((t) => values(t))).toEqual(seqs().map((t) => values(t)));
    expect(values(U.invertPermutation(torch.tensor([2, 0, 1]))!)).toEqual([1, 2, 0]);
    expect(U.invertPermutation(null)).toBeNull();
  });

  it('prints like the namedtuple; to() converts the data only', () => {
    const pk = U.packPaddedSequence(torch.arange(15).view(5, 3).float(), [5, 3, 1]);
    expect(String(pk)).toBe(
      'PackedSequence(data=tensor([ 0.,  1.,  2.,  3.,  4.,  6.,  7.,  9., 12.]), batch_sizes=tensor([3, 2, 2, 1, 1]), sorted_indices=None, unsorted_indices=None)',
    );
    const d = pk.double();
    expect(d.data.dtype).toBe(torch.float64);
    expect(d.batchSizes).toBe(pk.batchSizes);
    expect(pk.float()).toBe(pk);
  });

  it('lengths past the padded length leave those steps out of data, as PyTorch slices them', () => {
    const pk = U.packPaddedSequence(torch.arange(6).view(2, 3).float(), [3, 2, 1]);
    expect(values(pk.batchSizes)).toEqual([3, 2, 1]);
    expect(values(pk.data)).toEqual([0, 1, 2, 3, 4]);
  });

  it('packing and padding are differentiable (float64 gradcheck)', () => {
    const x = det([4, 3, 2], 1, { dtype: torch.float64, requiresGrad: true });
    expect(torch.autograd.gradcheck((a: T) => {
      const pk = U.packPaddedSequence(a, [2, 4, 3], { enforceSorted: false });
      return U.padPackedSequence(pk, { batchFirst: true, paddingValue: 3 })[0].mul(det([3, 4, 2], 2)).sum();
    }, [x])).toBe(true);
    const s1 = det([3, 2], 3, { dtype: torch.float64, requiresGrad: true });
    const s2 = det([1, 2], 4, { dtype: torch.float64, requiresGrad: true });
    expect(torch.autograd.gradcheck((a: T, b: T) => U.padSequence([a, b], { batchFirst: true }).mul(det([2, 3, 2], 5)).sum(), [s1, s2])).toBe(true);
  });

  it('unpadSequence cuts each sequence to its length (transposing a sequence-first batch in place, as PyTorch does)', () => {
    const padded = U.padSequence(seqs());
    const parts = U.unpadSequence(padded, torch.tensor([3, 2, 4]));
    expect(parts.map((t) => values(t))).toEqual(seqs().map((t) => values(t)));
    expect(padded.shape).toEqual([3, 4, 2]);
  });
});

describe('memory', () => {
  it('a training loop keeps the heap flat (LSTM, packed GRU, cells)', () => {
    const lstm = new nn.LSTM(3, 4, 2, { bidirectional: true, projSize: 2 });
    const gru = new nn.GRU(3, 4, { batchFirst: true });
    const cell = new nn.LSTMCell(3, 4);
    const params = [...lstm.parameters(), ...gru.parameters(), ...cell.parameters()];
    const x = det([5, 2, 3], 1, { dtype: torch.float32 });
    const step = (): void => {
      torch.tidy(() => {
        const [o, [h, c]] = lstm(x);
        const [po] = gru(U.packSequence([x.select(1, 0), x.select(1, 1).narrow(0, 0, 3)]));
        const [ch, cc] = cell(x.select(0, 0));
        o.sum().add(h.sum()).add(c.sum()).add(po.data.sum()).add(ch.sum()).add(cc.sum()).backward();
        torch.noGrad(() => params.forEach((p) => p.sub_(p.grad!.mul(0.01))));
        params.forEach((p) => {
          p.grad!.dispose();
          p.grad = null;
        });
      });
    };
    step();
    const before = torch.memory().bytesInUse;
    for (let i = 0; i < 5; i++) step();
    expect(torch.memory().bytesInUse).toBe(before);
    torch.noGrad(() => torch.tidy(() => {
      lstm(x);
    }));
    expect(torch.memory().bytesInUse).toBe(before);
  });
});
