// torch.save / torch.load round trips: every dtype, views and shared storages, Python's
// container types (OrderedDict, tuple, int keys, set, bytes), numbers as int or float,
// identity and cycles, the legacy format, the dtype option, and flat memory.
import { describe, it, expect } from 'vitest';
import { torch, values } from '../helpers.js';
import { unzip } from './serialize_files.js';

const { tuple, orderedDict, isOrderedDict, PyTuple } = torch.serialization;
const FORMATS: [string, object][] = [['zip', {}], ['legacy', { _useNewZipfileSerialization: false }]];

function pickleOf(file: Uint8Array): Uint8Array {
  return unzip(file).find((e) => e.name.endsWith('/data.pkl'))!.data;
}

describe('tensors', () => {
  for (const [format, opts] of FORMATS) {
    it(`every dtype keeps its values, shape and strides (${format})`, () => {
      const ts: Record<string, torch.Tensor> = {
        f32: torch.tensor([1.5, -0, NaN, Infinity, -3.25e-20], { dtype: torch.float32 }),
        f64: torch.tensor([0.1, -1e300, 5e-324], { dtype: torch.float64 }),
        f16: torch.tensor([0.5, -2, 65504, 6e-8], { dtype: torch.float16 }),
        bf16: torch.tensor([1, -3.5, 1e38], { dtype: torch.bfloat16 }),
        i64: torch.tensor([(1n << 62n) + 1n, -(1n << 63n), 0n]),
        i32: torch.tensor([2147483647, -2147483648], { dtype: torch.int32 }),
        i16: torch.tensor([-32768, 7], { dtype: torch.int16 }),
        i8: torch.tensor([-128, 127], { dtype: torch.int8 }),
        u8: torch.tensor([0, 255], { dtype: torch.uint8 }),
        b: torch.tensor([[true, false], [false, true]]),
        scalar: torch.tensor(2.5, { dtype: torch.float64 }),
        empty: torch.zeros(0, 3),
      };
      const back = torch.load(torch.save(ts, opts));
      expect(Object.keys(back)).toEqual(Object.keys(ts));
      for (const [k, t] of Object.entries(ts)) {
        const u = back[k];
        expect(u.dtype, k).toBe(t.dtype);
        expect(u.shape, k).toEqual(t.shape);
        expect(u.stride(), k).toEqual(t.stride());
        expect(u.tolist({ bigint: true }), k).toEqual(t.tolist({ bigint: true }));
        expect(new Uint8Array(u.toTypedArray().buffer), k).toEqual(new Uint8Array(t.toTypedArray().buffer));
        u.dispose();
        t.dispose();
      }
    });

    it(`views share one storage, written once, with offsets and strides (${format})`, () => {
      const base = torch.arange(24, { dtype: torch.float32 }).view(4, 6);
      const obj = {
        base,
        t: base.t(),
        row: base.select(0, 2),
        cols: base.narrow(1, 1, 3),
        every2: base.index(torch.slice(null, null, 2), torch.slice(1, null, 2)),
        expanded: base.select(1, 5).unsqueeze(1).expand(4, 3),
        other: torch.ones(2),
      };
      const file = torch.save(obj, opts);
      if (format === 'zip') expect(unzip(file).filter((e) => e.name.includes('/data/')).length).toBe(2);
      const back = torch.load(file);
      for (const k of Object.keys(obj) as (keyof typeof obj)[]) {
        expect(back[k].shape, k).toEqual(obj[k].shape);
        expect(back[k].stride(), k).toEqual(obj[k].stride());
        expect(back[k].storageOffset(), k).toBe(obj[k].storageOffset());
        expect(values(back[k]), k).toEqual(values(obj[k]));
      }
      for (const k of ['t', 'row', 'cols', 'every2', 'expanded']) expect(back[k].untypedStorage()).toBe(back.base.untypedStorage());
      expect(back.other.untypedStorage()).not.toBe(back.base.untypedStorage());
      back.row.fill_(-1); // one storage: writes show through every view
      expect(back.base.get(2, 3)).toBe(-1);
      expect(back.t.get(3, 2)).toBe(-1);
    });
  }

  it('the same tensor twice loads as the same object; a Parameter as a Parameter', () => {
    const t = torch.ones(3);
    const p = new torch.nn.Parameter(torch.zeros(2));
    const frozen = new torch.nn.Parameter(torch.zeros(1), false);
    const back = torch.load(torch.save({ a: t, b: t, list: [p, p], frozen }));
    expect(back.a).toBe(back.b);
    expect(back.list[0]).toBe(back.list[1]);
    expect(back.list[0]).toBeInstanceOf(torch.nn.Parameter);
    expect(back.list[0].requiresGrad).toBe(true);
    expect(back.frozen).toBeInstanceOf(torch.nn.Parameter);
    expect(back.frozen.requiresGrad).toBe(false);
  });

  it('requires_grad of a plain tensor is kept', () => {
    const w = torch.ones(2).requiresGrad_(true);
    expect(torch.load(torch.save({ w })).w.requiresGrad).toBe(true);
  });

  it('a disposed tensor cannot be saved', () => {
    const t = torch.ones(2);
    t.dispose();
    expect(() => torch.save({ t })).toThrow(/disposed/);
  });
});

describe('Python values', () => {
  it('numbers: integral values are ints, others floats; bigint is int', () => {
    const obj = [0, 1, 255, 256, 65536, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, 1.5, -0, NaN, Infinity, -Infinity, 1e300, 2n ** 100n, -(2n ** 70n)];
    const back = torch.load(torch.save(obj));
    expect(back.slice(0, 9)).toEqual(obj.slice(0, 9));
    expect(Object.is(back[10], -0)).toBe(true);
    expect(back[11]).toBeNaN();
    expect(back.slice(12, 15)).toEqual([Infinity, -Infinity, 1e300]);
    expect(back[15]).toBe(2n ** 100n);
    expect(back[16]).toBe(-(2n ** 70n));
    // the pickle holds ints as BININT1/BININT2/BININT/LONG1 and floats as BINFLOAT
    const pkl = pickleOf(torch.save([1, 1.5]));
    expect([...pkl.slice(0, 12)]).toEqual([0x80, 2, 0x5d, 0x71, 0, 0x28, 0x4b, 1, 0x47, 0x3f, 0xf8, 0]);
  });

  it('strings, booleans, null, undefined, bytes and dtypes', () => {
    const obj = { s: 'héllo ✓ 𝄞', e: '', t: true, f: false, n: null, u: undefined, bytes: new Uint8Array([0, 1, 200, 255]), none: new Uint8Array(0), dt: torch.float16 };
    const back = torch.load(torch.save(obj));
    expect(back).toEqual({ ...obj, u: null });
    expect(back.dt).toBe(torch.float16);
  });

  it('tuples stay tuples; arrays are lists', () => {
    const back = torch.load(torch.save({ t: tuple(1, tuple(2, 3), [4]), l: [1, [2]], empty: tuple() }));
    expect(back.t).toBeInstanceOf(PyTuple);
    expect(back.t[1]).toBeInstanceOf(PyTuple);
    expect(back.t[2]).not.toBeInstanceOf(PyTuple);
    expect(Array.from(back.t[1])).toEqual([2, 3]);
    expect(back.l).not.toBeInstanceOf(PyTuple);
    expect(back.empty).toBeInstanceOf(PyTuple);
    expect(back.empty.length).toBe(0);
    // a tuple is still an Array, and map() on it gives a plain array
    expect(Array.isArray(back.t)).toBe(true);
    expect(back.t.map((x: unknown) => x)).not.toBeInstanceOf(PyTuple);
  });

  it('dicts: string keys give plain objects, int keys a Map with number keys', () => {
    const state = new Map<number, unknown>([[0, { step: 3 }], [7, { step: 4 }]]);
    const mixed = new Map<unknown, unknown>([[1, 'a'], ['b', 2], [tuple(1, 2), 'pair'], [2.5, 'f']]);
    const back = torch.load(torch.save({ state, mixed }));
    expect(back.state).toBeInstanceOf(Map);
    expect([...back.state.keys()]).toEqual([0, 7]);
    expect(back.state.get(7)).toEqual({ step: 4 });
    expect([...back.mixed.values()]).toEqual(['a', 2, 'pair', 'f']);
    const keys = [...back.mixed.keys()];
    expect(keys[3]).toBe(2.5);
    expect(keys[2]).toBeInstanceOf(PyTuple);
    // a Map with only string keys is a dict too: it loads as an object
    expect(torch.load(torch.save(new Map([['a', 1]])))).toEqual({ a: 1 });
  });

  it('OrderedDict: stateDict() and orderedDict() are written as collections.OrderedDict and load marked', () => {
    const sd = orderedDict({ 'fc.weight': torch.ones(2, 2), 'fc.bias': torch.zeros(2), 'bn.num_batches_tracked': torch.tensor(0) });
    const file = torch.save(sd);
    const pkl = new TextDecoder('latin1').decode(pickleOf(file));
    expect(pkl.startsWith('\x80\x02ccollections\nOrderedDict\n')).toBe(true);
    const back = torch.load(file);
    expect(isOrderedDict(back)).toBe(true);
    expect(Object.keys(back)).toEqual(['fc.weight', 'fc.bias', 'bn.num_batches_tracked']);
    expect(back['fc.weight'].tolist()).toEqual([[1, 1], [1, 1]]);
    // a plain object is a plain dict
    const plain = torch.load(torch.save({ a: 1 }));
    expect(isOrderedDict(plain)).toBe(false);
    expect(new TextDecoder('latin1').decode(pickleOf(torch.save({ a: 1 }))).includes('OrderedDict')).toBe(false);
    // and an OrderedDict with int keys is a marked Map
    const m = torch.load(torch.save(orderedDict(new Map([[1, 'x']]))));
    expect(m).toBeInstanceOf(Map);
    expect(isOrderedDict(m)).toBe(true);
  });

  it("Module.stateDict() is an OrderedDict in PyTorch's key order", () => {
    const net = new torch.nn.Sequential(new torch.nn.Module(), new torch.nn.ParameterList([torch.ones(1), torch.zeros(2)]));
    net.registerBuffer('steps', torch.tensor(5));
    const sd = net.stateDict();
    expect(isOrderedDict(sd)).toBe(true);
    const back = torch.load(torch.save(sd));
    expect(isOrderedDict(back)).toBe(true);
    expect(Object.keys(back)).toEqual(['steps', '1.0', '1.1']);
    net.loadStateDict(back);
  });

  it('sets, and keys that are not identifiers (including __proto__)', () => {
    const obj = JSON.parse('{"__proto__": 1, "a.b": 2, "": 3}');
    const back = torch.load(torch.save({ obj, s: new Set([1, 'x']) }));
    expect(Object.getPrototypeOf(back.obj)).toBe(Object.prototype);
    expect(Object.keys(back.obj)).toEqual(['__proto__', 'a.b', '']);
    expect(back.obj['a.b']).toBe(2);
    expect(back.s).toEqual(new Set([1, 'x']));
  });

  it('shared and cyclic containers stay shared and cyclic', () => {
    const shared = { v: 1 };
    const cyc: unknown[] = [1];
    cyc.push(cyc);
    const back = torch.load(torch.save({ a: shared, b: shared, cyc }));
    expect(back.a).toBe(back.b);
    expect(back.cyc[1]).toBe(back.cyc);
    // a tuple reached through a list inside it, as Python's save_tuple writes it
    const inner: unknown[] = [];
    const t = tuple(inner);
    inner.push(t);
    const bt = torch.load(torch.save(t));
    expect(bt[0][0]).toBe(bt);
  });

  it('what cannot be written is a TypeError naming where it is', () => {
    expect(() => torch.save({ f: () => 1 })).toThrow(/cannot serialise a function at obj\["f"\]/);
    expect(() => torch.save({ a: [new Date()] })).toThrow(/cannot serialise Date at obj\["a"\]\[0\]/);
    expect(() => torch.save(new Float32Array(2))).toThrow(/cannot serialise Float32Array/);
    expect(() => torch.save(Symbol('x'))).toThrow(TypeError);
    let deep: unknown[] = [];
    for (let i = 0; i < 2000; i++) deep = [deep];
    expect(() => torch.save(deep)).toThrow(/nested deeper than 1000 levels/);
    const selfTuple = tuple();
    selfTuple.push(selfTuple);
    expect(() => torch.save(selfTuple)).toThrow(/nested deeper/);
  });
});

describe('load options', () => {
  it('dtype casts floating-point storages, keeping views and sharing; integers stay', () => {
    const base = torch.tensor([[1.5, 2.25], [3, 4]], { dtype: torch.float64 });
    for (const [, opts] of FORMATS) {
      const back = torch.load(torch.save({ base, t: base.t(), i: torch.tensor([1, 2]), h: torch.ones(1, { dtype: torch.float16 }) }, opts), { dtype: torch.float32 });
      expect(back.base.dtype).toBe(torch.float32);
      expect(back.t.dtype).toBe(torch.float32);
      expect(back.h.dtype).toBe(torch.float32);
      expect(back.t.tolist()).toEqual([[1.5, 3], [2.25, 4]]);
      expect(back.t.untypedStorage()).toBe(back.base.untypedStorage());
      expect(back.i.dtype).toBe(torch.int64);
    }
    const st = torch.safetensors.load(torch.safetensors.save({ a: base, i: torch.tensor([3]) }), { dtype: 'float16' });
    expect(st.a.dtype).toBe(torch.float16);
    expect(st.i.dtype).toBe(torch.int64);
  });
});

describe('memory', () => {
  it('repeated save and load keeps bytes in use and live tensors flat', () => {
    const model = new torch.nn.Sequential(new torch.nn.ParameterList([torch.randn(16, 16), torch.randn(16)]));
    const run = (): void => {
      const file = torch.save({ sd: model.stateDict(), opt: { state: new Map([[0, { exp_avg: torch.zeros(16) }]]) } });
      const back = torch.load(file);
      back.sd['0.0'].dispose();
      back.sd['0.1'].dispose();
      back.opt.state.get(0).exp_avg.dispose();
      const leg = torch.load(torch.save(model.stateDict(), { _useNewZipfileSerialization: false }), { dtype: torch.float64 });
      for (const t of Object.values(leg) as torch.Tensor[]) t.dispose();
    };
    run();
    const before = torch.memory();
    for (let i = 0; i < 20; i++) torch.tidy(run);
    const after = torch.memory();
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.liveStorages).toBe(before.liveStorages);
  });

  it('a load inside tidy() is freed with the scope unless returned', () => {
    const file = torch.save({ a: torch.ones(100), b: torch.ones(100).t() });
    const before = torch.memory().bytesInUse;
    torch.tidy(() => {
      torch.load(file);
    });
    expect(torch.memory().bytesInUse).toBe(before);
    const kept = torch.tidy(() => torch.load(file).a);
    expect(torch.memory().bytesInUse).toBe(before + 400);
    kept.dispose();
  });

  it('tensors the result does not hold are freed at once (a Parameter rebuilt from its data)', () => {
    const file = torch.save([new torch.nn.Parameter(torch.ones(4))]);
    const before = torch.memory();
    const [p] = torch.load(file);
    const after = torch.memory();
    expect(after.liveTensors - before.liveTensors).toBe(1);
    expect(after.bytesInUse - before.bytesInUse).toBe(16);
    p.dispose();
  });
});
