// Fail-safe state: an op that throws leaves its inputs, the autograd graph, optimizer
// state, module parameters and gradients as they were. Each case snapshots the bytes of
// every tensor involved (copied out to typed arrays), their shapes and version counters,
// runs the failing call, checks PyTorch's error, and compares. Families: in-place ops,
// indexing writes, loadStateDict, optimizer steps, backward, zeroGrad and the gradient
// clipping utilities.
import { describe, it, expect } from 'vitest';
import { torch } from '../helpers.js';

type T = torch.Tensor;
const f32 = (x: unknown): T => torch.tensor(x as number[], { dtype: torch.float32 });
const i64 = (x: unknown): T => torch.tensor(x as number[], { dtype: torch.int64 });

interface Snapshot {
  bytes: number[];
  shape: number[];
  dtype: string;
  version: number;
}

/** A copy of everything observable about t: its bytes, shape, dtype and version counter. */
function snap(t: T): Snapshot {
  const a = t.toTypedArray();
  return { bytes: [...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)], shape: [...t.shape], dtype: t.dtype.name, version: t._version };
}

/** Snapshots of tensors, gradients (null when absent) and plain values in a nested structure. */
function snapAll(x: unknown): unknown {
  if (x instanceof torch.Tensor) return { tensor: snap(x), grad: x.grad === null ? null : snap(x.grad), gradFn: x.gradFn?.name ?? null };
  if (x instanceof Map) return [...x].map(([k, v]) => [snapAll(k), snapAll(v)]);
  if (Array.isArray(x)) return x.map(snapAll);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, snapAll(v)]));
  return x;
}

/**
 * Runs fn (in a tidy, which frees the arguments it makes), which must throw `error` (a class)
 * with `message`, and checks that `state` is unchanged and nothing leaked.
 */
function failsCleanly(state: unknown, fn: () => unknown, error: abstract new (...a: never[]) => Error, message: string | RegExp): void {
  const before = snapAll(state);
  const mem = torch.memory();
  let thrown: unknown = null;
  try {
    torch.tidy(() => {
      fn();
    });
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'the call must throw').toBeInstanceOf(error);
  if (typeof message === 'string') expect((thrown as Error).message).toBe(message);
  else expect((thrown as Error).message).toMatch(message);
  expect(snapAll(state)).toEqual(before);
  expect(torch.memory().bytesInUse).toBe(mem.bytesInUse);
  expect(torch.memory().liveTensors).toBe(mem.liveTensors);
}

const { RuntimeError, IndexError } = torch;

describe('in-place ops that throw write nothing', () => {
  it('add_ with a broadcast error, or a result larger than self', () => {
    const a = torch.arange(6, { dtype: torch.float32 }).view(2, 3);
    failsCleanly([a], () => a.add_(torch.ones(4)), RuntimeError, 'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1');
    const b = f32([1, 2, 3]);
    failsCleanly([b], () => b.add_(torch.ones(2, 3)), RuntimeError, "output with shape [3] doesn't match the broadcast shape [2, 3]");
    const c = torch.arange(4, { dtype: torch.float32 }).view(2, 2).t(); // a non-contiguous self
    failsCleanly([c], () => c.sub_(torch.ones(3)), RuntimeError, 'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1');
  });

  it('mul_ of an int tensor by a float tensor or scalar: the dtype error comes before any write', () => {
    const a = torch.arange(6);
    failsCleanly([a], () => a.mul_(f32([0.5])), RuntimeError, "result type Float can't be cast to the desired output type Long");
    failsCleanly([a], () => a.mul_(0.5), RuntimeError, "result type Float can't be cast to the desired output type Long");
    failsCleanly([a], () => a.div_(2), RuntimeError, "result type Float can't be cast to the desired output type Long");
    failsCleanly([a], () => a.add_(i64([1, 1, 1, 1, 1, 1]), { alpha: 0.5 }), RuntimeError, 'For integral input tensors, argument alpha must not be a floating point number.');
  });

  it('copy_ with a shape that does not broadcast', () => {
    const a = torch.zeros(2, 3);
    const src = torch.ones(3, 2);
    failsCleanly([a, src], () => a.copy_(src), RuntimeError, 'The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1');
  });

  it('clamp_: float bounds on an int tensor, a bound that does not broadcast, no bound', () => {
    const a = torch.arange(6);
    failsCleanly([a], () => a.clamp_(0.5, 3.5), RuntimeError, "result type Float can't be cast to the desired inplace output type Long");
    const b = torch.arange(6, { dtype: torch.float32 });
    failsCleanly([b], () => b.clamp_(torch.ones(4)), RuntimeError, 'The size of tensor a (6) must match the size of tensor b (4) at non-singleton dimension 0');
    failsCleanly([b], () => b.clamp_(), RuntimeError, "torch.clamp: At least one of 'min' or 'max' must not be None");
  });

  it('integer division by zero in the last element writes nothing', () => {
    const a = torch.arange(4);
    const d = i64([1, 1, 1, 0]);
    failsCleanly([a, d], () => a.floorDivide_(d), RuntimeError, 'ZeroDivisionError');
    failsCleanly([a, d], () => a.remainder_(d), RuntimeError, 'ZeroDivisionError');
  });

  it('in place on a leaf that requires grad (and on its view): refused, graph and values untouched', () => {
    const w = torch.ones(3, { requiresGrad: true });
    const msg = 'a leaf Variable that requires grad is being used in an in-place operation.';
    for (const op of [
      (t: T) => t.add_(1),
      (t: T) => t.mul_(2),
      (t: T) => t.zero_(),
      (t: T) => t.fill_(2),
      (t: T) => t.copy_(torch.zeros(3)),
      (t: T) => t.clamp_(0, 0.5),
      (t: T) => t.relu_(),
      (t: T) => t.uniform_(),
      (t: T) => t.indexPut_([i64([0])], f32(5)),
    ]) {
      failsCleanly([w], () => op(w), RuntimeError, msg);
    }
    expect(w.isLeaf).toBe(true);
    expect(w.gradFn).toBe(null);
    failsCleanly([w], () => w.narrow(0, 0, 2).add_(1), RuntimeError, 'a view of a leaf Variable that requires grad is being used in an in-place operation.');
  });

  it('a failed in-place op on a non-leaf leaves its grad_fn, and backward still gives the right gradient', () => {
    const x = f32([1, 2, 3]).requiresGrad_();
    const y = x.mul(2);
    const fn = y.gradFn;
    failsCleanly([x, y], () => y.add_(torch.ones(2)), RuntimeError, 'The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0');
    expect(y.gradFn).toBe(fn);
    y.mul(y).sum().backward();
    expect(x.grad!.tolist()).toEqual([8, 16, 24]); // d/dx (2x)^2 = 8x
  });
});

describe('in-place writes into a tensor whose elements share memory (expand)', () => {
  const overlap = 'unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.';
  it('are refused before any write, as PyTorch refuses them', () => {
    const base = f32([5]);
    const e = base.expand(4);
    const i = i64([0]);
    for (const op of [
      (t: T) => t.add_(f32([1, 2, 3, 4])),
      (t: T) => t.add_(1),
      (t: T) => t.mul_(2),
      (t: T) => t.neg_(),
      (t: T) => t.exp_(),
      (t: T) => t.relu_(),
      (t: T) => t.clamp_(0, 1),
      (t: T) => t.copy_(f32([1, 2, 3, 4])),
      (t: T) => t.copy_(f32([1])),
      (t: T) => t.lerp_(torch.ones(4), 0.5),
      (t: T) => t.addcmul_(torch.ones(4), torch.ones(4)),
      (t: T) => t.uniform_(),
      (t: T) => t.normal_(),
      (t: T) => t.bernoulli_(0.5),
      (t: T) => t.random_(0, 3),
      (t: T) => t.scatter_(0, i, 1),
      (t: T) => t.scatterAdd_(0, i, torch.ones(1)),
      (t: T) => t.indexAdd_(0, i, torch.ones(1)),
      (t: T) => t.indexCopy_(0, i, torch.ones(1)),
      (t: T) => t.maskedScatter_(torch.tensor([true, false, false, false]), torch.ones(4)),
      (t: T) => t.cumsum_(0),
      (t: T) => torch.add(torch.ones(4), 1, { out: t }),
    ]) {
      failsCleanly([base, e], () => op(e), RuntimeError, overlap);
    }
    const m = f32([[1]]).expand(2, 2);
    failsCleanly([m], () => m.addmm_(torch.ones(2, 2), torch.ones(2, 2)), RuntimeError, overlap);
  });
  it('fills, index_put_, masked_fill_, index_fill_, tril_ and view ops are allowed, as in PyTorch', () => {
    const base = f32([5]);
    base.expand(4).fill_(2);
    expect(base.tolist()).toEqual([2]);
    base.expand(4).zero_();
    base.expand(4).indexPut_([i64([1])], f32(3));
    expect(base.tolist()).toEqual([3]);
    base.expand(4).maskedFill_(torch.tensor([false, true, false, false]), 4);
    base.expand(4).indexFill_(0, i64([2]), 6);
    expect(base.tolist()).toEqual([6]);
    const e = base.expand(1, 4);
    e.unsqueeze_(0).squeeze_(0).t_();
    expect(e.shape).toEqual([4, 1]);
    // writes through non-overlapping layouts are fine: transposed, and a size-1 dim with stride 0
    const t = torch.zeros(2, 3).t();
    t.add_(1);
    expect(t.sum().item()).toBe(6);
    const one = torch.zeros(1).expand(1, 3).narrow(1, 0, 1);
    one.add_(1);
    expect(one.tolist()).toEqual([[1]]);
  });
});

describe('indexing writes that throw write nothing', () => {
  it('indexPut_ with an out-of-range index in the middle of the index list', () => {
    const a = torch.arange(5, { dtype: torch.float32 });
    for (const accumulate of [false, true]) {
      failsCleanly([a], () => a.indexPut_([i64([0, 1, 7, 2])], f32(9), accumulate), IndexError, 'index 7 is out of bounds for dimension 0 with size 5');
      failsCleanly([a], () => a.indexPut_([i64([0, 1, -9, 2])], f32([1, 2, 3, 4]), accumulate), IndexError, 'index -9 is out of bounds for dimension 0 with size 5');
    }
    const m = torch.zeros(3, 3);
    failsCleanly([m], () => m.indexPut_([i64([0, 1, 2]), i64([0, 5, 1])], f32(1)), IndexError, 'index 5 is out of bounds for dimension 1 with size 3');
    failsCleanly([m], () => m.indexPut_([i64([0, 1, 2]), i64([0, 1, -5])], f32(1), true), IndexError, 'index -5 is out of bounds for dimension 1 with size 3');
    failsCleanly([m], () => m.indexPut_([i64([0, 1, 2])], f32([1, 2])), RuntimeError, 'shape mismatch: value tensor of shape [2] cannot be broadcast to indexing result of shape [3, 3]');
  });

  it('scatter_ / scatterAdd_ with a bad index late in the index tensor', () => {
    const a = torch.arange(12, { dtype: torch.float32 }).view(3, 4);
    const idx = i64([[0, 1, 2, 3], [3, 2, 1, 9]]);
    const src = torch.ones(2, 4);
    failsCleanly([a, idx, src], () => a.scatter_(1, idx, src), RuntimeError, 'index 9 is out of bounds for dimension 1 with size 4');
    failsCleanly([a], () => a.scatter_(1, idx, 5), RuntimeError, 'index 9 is out of bounds for dimension 1 with size 4');
    failsCleanly([a], () => a.scatter_(1, idx, src, { reduce: 'add' }), RuntimeError, 'index 9 is out of bounds for dimension 1 with size 4');
    failsCleanly([a], () => a.scatterAdd_(1, idx, src), RuntimeError, 'index 9 is out of bounds for dimension 1 with size 4');
    failsCleanly([a], () => a.scatterAdd_(0, i64([[0, 1, 2, -4]]), src), RuntimeError, 'index -4 is out of bounds for dimension 0 with size 3');
  });

  it('indexAdd_ / indexCopy_ / indexFill_ with a bad index last', () => {
    const a = torch.arange(10, { dtype: torch.float32 }).view(5, 2);
    const idx = i64([0, 1, 2, 3, 8]);
    const src = torch.ones(5, 2);
    failsCleanly([a, src], () => a.indexAdd_(0, idx, src), IndexError, 'index out of range in self');
    failsCleanly([a], () => a.indexAdd_(0, i64([4, 3, 2, 1, -8]), src), IndexError, 'index out of range in self');
    failsCleanly([a], () => a.indexCopy_(0, idx, src), IndexError, 'index 8 is out of bounds for dimension 0 with size 5');
    failsCleanly([a], () => a.indexFill_(0, idx, 3), IndexError, 'index 8 is out of bounds for dimension 0 with size 5');
  });

  it('maskedScatter_ with too short a source, maskedFill_ with a mask that does not broadcast', () => {
    const a = torch.zeros(5);
    failsCleanly([a], () => a.maskedScatter_(torch.ones(5, { dtype: torch.bool }), torch.ones(4)), RuntimeError, 'Number of elements of source < number of ones in mask');
    const b = torch.zeros(5, 2);
    failsCleanly([b], () => b.maskedFill_(torch.tensor([true, false, true]), 3), RuntimeError, 'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1');
  });
});

describe('loadStateDict with one bad entry loads nothing', () => {
  function model(): torch.nn.Sequential {
    torch.manualSeed(0);
    return new torch.nn.Sequential(new torch.nn.Linear(3, 4), new torch.nn.BatchNorm1d(4), new torch.nn.Linear(4, 2));
  }
  /** A full state_dict of new values, with `bad` applied last. */
  function shifted(m: torch.nn.Sequential, bad: (sd: Map<string, unknown>) => void): Map<string, unknown> {
    const sd = new Map<string, unknown>(Object.entries(m.stateDict()).map(([k, v]) => [k, v.add(1)]));
    bad(sd);
    return sd;
  }
  for (const strict of [true, false]) {
    it(`a wrong shape among many keys (strict: ${strict})`, () => {
      const m = model();
      const sd = shifted(m, (s) => s.set('2.weight', torch.ones(3, 3)));
      failsCleanly(
        [m.parameters(), m.buffers()],
        () => m.loadStateDict(sd, { strict }),
        RuntimeError,
        'Error(s) in loading state_dict for Sequential:\n\tsize mismatch for 2.weight: copying a param with shape torch.Size([3, 3]) from checkpoint, the shape in current model is torch.Size([2, 4]).',
      );
    });
    it(`a value that is not a tensor among many keys (strict: ${strict})`, () => {
      const m = model();
      const sd = shifted(m, (s) => s.set('1.running_var', [1, 2, 3, 4]));
      failsCleanly([m.parameters(), m.buffers()], () => m.loadStateDict(sd, { strict }), RuntimeError, /While copying the parameter named "1.running_var", expected torch.Tensor/);
    });
  }
  it('a missing key under strict loads nothing; the same dict loads without strict', () => {
    const m = model();
    const sd = shifted(m, (s) => s.delete('0.bias'));
    failsCleanly([m.parameters(), m.buffers()], () => m.loadStateDict(sd), RuntimeError, 'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "0.bias". ');
    const bias = snap((m.at(0) as torch.nn.Linear).bias!);
    expect(String(m.loadStateDict(sd, { strict: false }))).toBe("_IncompatibleKeys(missing_keys=['0.bias'], unexpected_keys=[])");
    expect(snap((m.at(0) as torch.nn.Linear).bias!)).toEqual(bias);
    expect((m.at(2) as torch.nn.Linear).weight.tolist()).toEqual((sd.get('2.weight') as T).tolist());
  });
});

describe('.grad assignment', () => {
  it('a gradient of another dtype or size cannot be assigned (PyTorch checks .grad on assignment)', () => {
    const p = torch.ones(2, 2, { requiresGrad: true });
    p.grad = f32([[1, 2], [3, 4]]);
    failsCleanly([p], () => (p.grad = torch.ones(2, 2, { dtype: torch.float64 })), RuntimeError, 'assigned grad has data of a different type');
    failsCleanly([p], () => (p.grad = torch.ones(3)), RuntimeError, 'assigned grad has data of a different size');
    failsCleanly([p], () => (p.grad = torch.ones(2, 2, { dtype: torch.int64 })), RuntimeError, 'assigned grad has data of a different type');
    failsCleanly([p], () => (p.grad = p), RuntimeError, "can't assign Variable as its own grad");
    failsCleanly([p], () => ((p as { grad: unknown }).grad = 5), TypeError, 'assigned grad expected to be a Tensor or None but got grad of type number');
    const q = torch.ones(2, { dtype: torch.float64, requiresGrad: true });
    q.grad = torch.tensor([0.5, 1], { dtype: torch.float64 });
    q.grad = null;
    expect(q.grad).toBe(null);
  });
});

describe('optimizer steps with a bad gradient change no parameter and no state', () => {
  const makers: [string, (ps: T[]) => torch.optim.Optimizer][] = [
    ['SGD', (ps) => new torch.optim.SGD(ps, { lr: 0.1, momentum: 0.9 })],
    ['SGD (nesterov, weight decay)', (ps) => new torch.optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 })],
    ['Adam', (ps) => new torch.optim.Adam(ps, { lr: 0.1 })],
    ['Adam (amsgrad)', (ps) => new torch.optim.Adam(ps, { lr: 0.1, amsgrad: true })],
    ['AdamW', (ps) => new torch.optim.AdamW(ps, { lr: 0.1 })],
    ['RMSprop (centered, momentum)', (ps) => new torch.optim.RMSprop(ps, { lr: 0.1, momentum: 0.5, centered: true })],
    ['Adagrad', (ps) => new torch.optim.Adagrad(ps, { lr: 0.1 })],
    ['Adadelta', (ps) => new torch.optim.Adadelta(ps)],
    ['Adamax', (ps) => new torch.optim.Adamax(ps)],
    ['NAdam', (ps) => new torch.optim.NAdam(ps)],
    ['RAdam', (ps) => new torch.optim.RAdam(ps)],
    ['ASGD', (ps) => new torch.optim.ASGD(ps)],
    ['Rprop', (ps) => new torch.optim.Rprop(ps)],
  ];
  const params = (): T[] => [torch.ones(3, { requiresGrad: true }), torch.ones(2, 2, { requiresGrad: true }), torch.ones(2, { requiresGrad: true })];
  /** Two good steps, so that momentum buffers, step counts and averages exist. */
  function warm(ps: T[], opt: torch.optim.Optimizer): void {
    for (let k = 0; k < 2; k++) {
      ps[0].grad = f32([0.1, -0.2, 0.3]);
      ps[1].grad = f32([[0.5, -0.5], [0.25, 1]]);
      ps[2].grad = f32([1.5, -2]);
      opt.step();
    }
  }
  const state = (ps: T[], opt: torch.optim.Optimizer): unknown => [ps, ps.map((p) => opt.state.get(p) ?? null), opt.paramGroups.map((g) => ({ ...g, params: null }))];

  for (const [name, make] of makers) {
    it(`${name}: a gradient whose shape changed in place, in the second of three parameters`, () => {
      const ps = params();
      const opt = make(ps);
      warm(ps, opt);
      expect(opt.state.get(ps[0])).toBeDefined();
      ps[1].grad!.unsqueeze_(0);
      const cls = opt.constructor.name;
      failsCleanly(state(ps, opt), () => opt.step(), RuntimeError, `${cls}.step: the gradient of a parameter has shape [1,2,2], expected the parameter's shape [2,2]`);
    });
    it(`${name}: state of another shape loaded for the second parameter fails the step before any update`, () => {
      const ps = params();
      const opt = make(ps);
      warm(ps, opt);
      const sd = opt.stateDict();
      const second = sd.state.get(1)!;
      const key = Object.keys(second).find((k) => second[k] instanceof torch.Tensor && (second[k] as T).ndim > 0);
      if (key === undefined) return; // (no per-element state to damage)
      sd.state.set(1, { ...second, [key]: torch.zeros(4) });
      opt.loadStateDict(sd);
      ps.forEach((p, i) => (p.grad = [f32([0.1, -0.2, 0.3]), f32([[0.5, -0.5], [0.25, 1]]), f32([1.5, -2])][i]));
      const cls = opt.constructor.name;
      failsCleanly(state(ps, opt), () => opt.step(), RuntimeError, `${cls}.step: the state '${key}' of a parameter has shape [4], expected the parameter's shape [2,2]`);
    });
    it(`${name}: a disposed gradient in the second parameter; a bad gradient in the second param group`, () => {
      const ps = params();
      const opt = make(ps);
      warm(ps, opt);
      const cls = opt.constructor.name;
      const g = ps[1].grad!;
      g.dispose();
      failsCleanly(state([ps[0], ps[2]], opt), () => opt.step(), RuntimeError, `${cls}.step(): argument 'grad' is a tensor that was disposed`);

      const a = torch.ones(2, { requiresGrad: true });
      const b = torch.ones(2, 2, { requiresGrad: true });
      const groups = make([a]);
      groups.addParamGroup({ params: [b] });
      a.grad = f32([1, 2]);
      b.grad = f32([[1, 2], [3, 4]]);
      groups.step();
      b.grad.unsqueeze_(0);
      failsCleanly(state([a, b], groups), () => groups.step(), RuntimeError, `${cls}.step: the gradient of a parameter has shape [1,2,2], expected the parameter's shape [2,2]`);
    });
  }
});

describe('a backward that throws leaves .grad and the graph as they were', () => {
  /** Two leaves with existing gradients 7 and 9. */
  function leaves(): [T, T] {
    const a = torch.ones(3, { requiresGrad: true });
    const b = torch.ones(3, { requiresGrad: true });
    a.grad = torch.full([3], 7, { dtype: torch.float32 });
    b.grad = torch.full([3], 9, { dtype: torch.float32 });
    return [a, b];
  }

  it('a gradient of the wrong shape for the root', () => {
    const [a, b] = leaves();
    const y = a.mul(b);
    failsCleanly([a, b], () => y.backward(torch.ones(4)), RuntimeError, 'Mismatch in shape: grad_output[0] has a shape of torch.Size([4]) and output[0] has a shape of torch.Size([3]).');
    failsCleanly([a, b], () => y.backward(), RuntimeError, 'grad can be implicitly created only for scalar outputs');
  });

  it('a saved tensor modified in place: no leaf accumulates, even one whose branch ran first', () => {
    const [a, b] = leaves();
    const e = b.mul(1).exp(); // exp saves its result
    const y = a.mul(2).sum().add(e.sum());
    e.add_(1);
    failsCleanly([a, b], () => y.backward(), RuntimeError, /^one of the variables needed for gradient computation has been modified by an inplace operation: \[torch.FloatTensor \[3\]\], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead/);
  });

  it('backward a second time through a freed graph, with a retained non-leaf grad', () => {
    const [a, b] = leaves();
    const h = a.mul(2);
    h.retainGrad();
    const y = h.exp().sum().add(b.sum());
    y.backward();
    failsCleanly([a, b, h], () => y.backward(), RuntimeError, /^Trying to backward through the graph a second time/);
  });

  it('a hook that throws, or returns a gradient of another size or dtype', () => {
    // what a hook returns is the caller's tensor (the engine frees only its own): made here, freed below
    const five = torch.ones(5);
    const double = torch.ones(3, { dtype: torch.float64 });
    for (const [hook, error, message] of [
      [() => { throw new RangeError('hook fails'); }, RangeError, 'hook fails'],
      [function resize(): T { return five; }, RuntimeError, "hook 'resize' has changed the size of value"],
      [() => double, RuntimeError, "hook '<lambda>' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)"],
    ] as const) {
      const [a, b] = leaves();
      const handle = b.registerHook(hook as (g: T) => T);
      const y = a.mul(2).sum().add(b.mul(3).sum());
      failsCleanly([a, b], () => y.backward(), error, message);
      // the graph is intact: without the hook, the same backward runs
      handle.remove();
      y.backward();
      expect([a.grad!.tolist(), b.grad!.tolist()]).toEqual([[9, 9, 9], [12, 12, 12]]);
      // the same on a non-leaf's gradient
      const [c, d] = leaves();
      const h = d.mul(3);
      h.registerHook(hook as (g: T) => T);
      const z = c.mul(2).sum().add(h.sum());
      failsCleanly([c, d], () => z.backward(), error, message);
    }
    five.dispose();
    double.dispose();
  });

  it('autograd.grad and backward(inputs) that throw change no .grad', () => {
    const [a, b] = leaves();
    const e = b.exp();
    const y = a.mul(2).sum().add(e.sum());
    e.mul_(2);
    failsCleanly([a, b], () => y.backward({ inputs: [a, b] }), RuntimeError, /has been modified by an inplace operation/);
    failsCleanly([a, b], () => torch.autograd.grad(y, [a, b]), RuntimeError, /has been modified by an inplace operation/);
  });

  it('a successful backward still accumulates into every leaf and retained grad', () => {
    const [a, b] = leaves();
    const h = a.mul(2);
    h.retainGrad();
    h.mul(b).sum().backward();
    expect(a.grad!.tolist()).toEqual([9, 9, 9]);
    expect(b.grad!.tolist()).toEqual([11, 11, 11]);
    expect(h.grad!.tolist()).toEqual([1, 1, 1]);
  });
});

describe('zeroGrad and gradient clipping that throw leave .grad as it was', () => {
  it('zeroGrad of a module or an optimizer with one disposed gradient zeroes none', () => {
    const m = new torch.nn.Linear(2, 2);
    m.forward(torch.ones(1, 2)).sum().backward();
    const [w, bias] = m.parameters();
    bias.grad!.dispose();
    failsCleanly([w], () => m.zeroGrad(), RuntimeError, "zero_grad(): argument 'grad' is a tensor that was disposed");
    const opt = new torch.optim.SGD([bias, w], { lr: 0.1 });
    failsCleanly([w], () => opt.zeroGrad(), RuntimeError, "zero_grad(): argument 'grad' is a tensor that was disposed");
    opt.zeroGrad({ setToNone: true }); // dropping a disposed gradient is fine
    expect(w.grad).toBe(null);
  });

  it('clipGradNorm_ with a non-finite norm and errorIfNonfinite scales nothing', () => {
    for (const bad of [Infinity, -Infinity, NaN]) {
      const a = torch.ones(3, { requiresGrad: true });
      const b = torch.ones(2, { requiresGrad: true });
      a.grad = f32([1, 2, 3]);
      b.grad = f32([bad, 1]);
      for (const normType of [2, 1, Infinity]) {
        if (normType === Infinity && Number.isNaN(bad)) continue; // max ignores nothing: inf-norm of NaN is NaN, checked by 2 and 1
        failsCleanly(
          [a, b],
          () => torch.nn.utils.clipGradNorm_([a, b], 1, { normType, errorIfNonfinite: true }),
          RuntimeError,
          `The total norm of order ${normType === Infinity ? 'inf' : `${normType}.0`} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``,
        );
      }
    }
  });

  it('clipGradNorm_ / clipGradValue_ with a disposed gradient second change the first in no way', () => {
    const a = torch.ones(3, { requiresGrad: true });
    const b = torch.ones(2, { requiresGrad: true });
    a.grad = f32([1, 2, 3]);
    b.grad = f32([4, 1]);
    b.grad.dispose();
    failsCleanly([a], () => torch.nn.utils.clipGradNorm_([a, b], 1), RuntimeError, "detach(): argument 'input' is a tensor that was disposed");
    failsCleanly([a], () => torch.nn.utils.clipGradValue_([a, b], 1), RuntimeError, "clip_grad_value_(): argument 'grad' is a tensor that was disposed");
  });
});
