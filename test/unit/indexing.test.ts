import { describe, it, expect } from 'vitest';
import { torch, values, expectClose, expectNoLeak } from '../helpers.js';

type T = torch.Tensor;

/** Deterministic distinct-ish values (no ties, so sort-based gradients are defined). */
function seq(n: number, seed = 1): number[] {
  let s = seed;
  return Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 4 - 2 + i * 1e-3;
  });
}

/** A float64 leaf of `shape` that requires grad. */
function leaf(shape: number[], seed = 1): T {
  const n = shape.reduce((a, b) => a * b, 1);
  const t = torch.tensor(seq(n, seed), { dtype: torch.float64 }).reshape(shape);
  t.requiresGrad = true;
  return t;
}

const long = (v: unknown): T => torch.tensor(v as number[], { dtype: torch.int64 });
const gradcheck = (fn: (...xs: T[]) => T | T[], inputs: T[]): void => {
  expect(torch.autograd.gradcheck(fn as never, inputs)).toBe(true);
};

describe('sort order keys', () => {
  /** The stable order PyTorch gives: numbers (with -0 == 0), NaN last (first descending). */
  function reference(vals: number[], descending: boolean): number[] {
    const rank = (v: number) => (Number.isNaN(v) ? Infinity : v);
    const nanFirst = (a: number, b: number) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : 0);
    const idx = vals.map((_, i) => i);
    return idx.sort((i, j) => {
      const a = vals[i], b = vals[j];
      const n = nanFirst(a, b);
      if (n !== 0) return descending ? -n : n;
      if (Number.isNaN(a)) return i - j;
      const c = rank(a) - rank(b);
      return c !== 0 && !Number.isNaN(c) ? (descending ? -c : c) : i - j;
    });
  }

  it('is stable, treats -0 as 0 and puts NaN last ascending and first descending', () => {
    torch.tidy(() => {
      torch.manualSeed(2);
      const pool = [0, -0, 1.5, -1.5, Infinity, -Infinity, NaN, 2, -2, 3e38, -3e38, 1e-45];
      const g = torch.randint(0, pool.length, [3, 257]);
      const rows = (g.tolist() as number[][]).map((r) => r.map((k) => pool[k]));
      for (const dtype of [torch.float32, torch.float64]) {
        const x = torch.tensor(rows, { dtype });
        for (const descending of [false, true]) {
          const got = x.sort({ dim: 1, descending, stable: true }).indices.tolist() as number[][];
          const vals = x.tolist() as number[][];
          vals.forEach((r, k) => expect(got[k], `${dtype.name} descending=${descending}`).toEqual(reference(r, descending)));
        }
      }
      const big = torch.tensor([2n ** 62n, -(2n ** 63n), 5n, 2n ** 63n - 1n, -1n, 5n], { dtype: torch.int64 });
      expect(big.sort().indices.tolist()).toEqual([1, 4, 2, 5, 0, 3]);
      expect(big.sort({ descending: true }).indices.tolist()).toEqual([3, 0, 2, 5, 4, 1]);
    });
  });
});

describe('x.index: basic indexing returns views', () => {
  it('ints, slices, None and ... share storage with the input', () => {
    const x = torch.arange(24).reshape([2, 3, 4]);
    const v = x.index(1, '1:3', null, '::2');
    expect(v.shape).toEqual([2, 1, 2]);
    expect(values(v)).toEqual([16, 18, 20, 22]);
    expect(v.untypedStorage()).toBe(x.untypedStorage());
    v.set(0, 0, 0, -1);
    expect(x.get(1, 1, 0)).toBe(-1);
    expect(x.index('...', -1).shape).toEqual([2, 3]);
    expect(values(x.index(torch.slice(null, null, 3), 0, torch.slice(1, 3)))).toEqual([1, 2]);
    const all = x.index();
    expect(all.untypedStorage()).toBe(x.untypedStorage());
    expect(all).not.toBe(x);
  });

  it('clamps out-of-range slices and follows Python slice rules', () => {
    const x = torch.arange(5);
    expect(values(x.index('2:100'))).toEqual([2, 3, 4]);
    expect(values(x.index('3:1'))).toEqual([]);
    expect(values(x.index('-3:'))).toEqual([2, 3, 4]);
    expect(values(x.index(':-1:2'))).toEqual([0, 2]);
  });

  it('writes through an indexed view bump the shared version counter', () => {
    const x = torch.zeros(3, 4);
    const row = x.index(1);
    const before = x._version;
    row.indexPut_(['1:3'], 5);
    expect(x._version).toBeGreaterThan(before);
    expect(values(x.index(1))).toEqual([0, 5, 5, 0]);
  });
});

describe('x.index: advanced indexing copies', () => {
  const x = torch.arange(24).reshape([2, 3, 4]);

  it('keeps adjacent index dims in place and moves separated ones first', () => {
    expect(x.index(':', [0, 1]).shape).toEqual([2, 2, 4]);
    expect(values(x.index(':', [0, 1], [1, 0]))).toEqual([1, 4, 13, 16]);
    expect(x.index([0, 1], ':', [1, 0]).shape).toEqual([2, 3]);
    expect(values(x.index([0, 1], ':', [1, 0]))).toEqual([1, 5, 9, 12, 16, 20]);
    expect(x.index(long([[0], [1]]), ':', long([1, 2])).shape).toEqual([2, 2, 3]);
    expect(x.index(null, [1]).shape).toEqual([1, 1, 3, 4]);
  });

  it('does not share storage and accepts masks, int32 and nested arrays', () => {
    const r = x.index([1]);
    expect(r.untypedStorage()).not.toBe(x.untypedStorage());
    const mask = torch.tensor([[true, false, true], [false, false, true]]);
    expect(values(x.index(mask))).toEqual([0, 1, 2, 3, 8, 9, 10, 11, 20, 21, 22, 23]);
    expect(values(x.index(0, 0, torch.tensor([3, -1], { dtype: torch.int32 })))).toEqual([3, 3]);
    expect(values(x.index(0, [true, false, true], 0))).toEqual([0, 8]);
  });

  it('raises PyTorch errors', () => {
    const y = torch.zeros(2, 3);
    expect(() => y.index(2)).toThrow('index 2 is out of bounds for dimension 0 with size 2');
    expect(() => y.index(0, 0, 0)).toThrow('too many indices for tensor of dimension 2');
    expect(() => y.index('::-1')).toThrow('step must be greater than zero');
    expect(() => y.index(torch.tensor([true, false, true]))).toThrow(
      'The shape of the mask [3] at index 0 does not match the shape of the indexed tensor [2, 3] at index 0',
    );
    expect(() => y.index([0, 5])).toThrow('index 5 is out of bounds for dimension 0 with size 2');
    expect(() => y.index(torch.tensor([0.5]))).toThrow('tensors used as indices must be long');
    expect(() => y.index('a:b')).toThrow(TypeError);
  });

  it('frees its temporaries', () => {
    expectNoLeak(() => {
      torch.tidy(() => {
        x.index(torch.tensor([[true, false, true], [false, false, true]]));
        x.index([0, 1], ':', [1, 0]);
      });
    });
  });
});

describe('assignment', () => {
  it('indexPut_ follows Python setitem (basic, advanced, masks, broadcast, casts)', () => {
    const x = torch.zeros(3, 4);
    x.indexPut_([0], 1);
    x.indexPut_([':', 3], torch.tensor([7, 8, 9], { dtype: torch.float32 }));
    x.indexPut_([[1, 2], 0], torch.tensor([4, 5], { dtype: torch.float32 }));
    expect(values(x)).toEqual([1, 1, 1, 7, 4, 0, 0, 8, 5, 0, 0, 9]);
    const i = torch.zeros(2, 2, { dtype: torch.int64 });
    i.indexPut_([0], 2.7);
    expect(values(i)).toEqual([2, 2, 0, 0]);
    const m = torch.tensor([1, -2, 3, -4]);
    m.indexPut_([torch.tensor([true, false, true, false])], torch.tensor([10, 20]));
    expect(values(m)).toEqual([10, -2, 20, -4]);
    expect(() => torch.zeros(2, 3).indexPut_([0], torch.zeros(2))).toThrow(
      'The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0.  Target sizes: [3].  Tensor sizes: [2]',
    );
  });

  it('index_put accumulates duplicates and checks dtype and shape; nothing is written on error', () => {
    const x = torch.zeros(3);
    const r = torch.indexPut(x, [long([0, 0, 2])], torch.tensor([1, 2, 3], { dtype: torch.float32 }), true);
    expect(values(r)).toEqual([3, 0, 3]);
    expect(values(x)).toEqual([0, 0, 0]);
    expect(() => torch.indexPut(x, [long([0, 1])], torch.tensor([1, 2], { dtype: torch.float64 }))).toThrow(
      'Index put requires the source and destination dtypes match, got Float for the destination and Double for the source.',
    );
    expect(() => x.indexPut_([long([0, 1])], torch.zeros(3))).toThrow(
      'shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2]',
    );
    expect(() => x.indexPut_([long([0, 7])], 1)).toThrow('index 7 is out of bounds');
    expect(values(x)).toEqual([0, 0, 0]);
    const y = torch.zeros(2, 3);
    y.indexPut_([null, long([2])], 5, { accumulate: true });
    expect(values(y)).toEqual([0, 0, 5, 0, 0, 5]);
  });

  it('refuses a leaf that requires grad', () => {
    const w = leaf([3]);
    expect(() => w.indexPut_([0], 1)).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
  });
});

describe('gradients (gradcheck, float64)', () => {
  it('getitem: views and advanced indexing (duplicates accumulate)', () => {
    gradcheck((a) => a.index(1, '::2'), [leaf([3, 4])]);
    gradcheck((a) => a.index(long([0, 2, 0]), ':'), [leaf([3, 4])]);
    gradcheck((a) => a.index(':', long([[1, 1], [0, 3]])), [leaf([3, 4])]);
    gradcheck((a) => a.index(torch.tensor([[true, false, true, true], [false, false, true, false], [true, true, false, false]])), [leaf([3, 4])]);
    gradcheck((a) => a.index(long([0, 1]), ':', long([1, 0])), [leaf([2, 3, 2])]);
  });

  it('index_put and setitem: self and values', () => {
    const idx = [long([0, 2, 0]), long([1, 1, 3])];
    gradcheck((a, v) => torch.indexPut(a, idx, v), [leaf([3, 4]), leaf([3], 2)]);
    gradcheck((a, v) => torch.indexPut(a, idx, v, true), [leaf([3, 4]), leaf([3], 2)]);
    gradcheck((a, v) => a.mul(1).indexPut_(['1:', 2], v), [leaf([3, 4]), leaf([1, 2], 2)]);
    gradcheck((a, v) => a.mul(1).indexPut_([torch.tensor([true, false, true])], v), [leaf([3, 2]), leaf([2], 2)]);
  });

  it('index_select, index_add, index_fill, index_copy, take, take_along_dim', () => {
    const i = long([2, 0, 2]);
    gradcheck((a) => torch.indexSelect(a, 1, i), [leaf([2, 3])]);
    gradcheck((a, s) => torch.indexAdd(a, 0, i, s, { alpha: 2 }), [leaf([3, 2]), leaf([3, 2], 3)]);
    gradcheck((a, v) => torch.indexFill(a, 1, long([0, 2]), v), [leaf([2, 3]), leaf([], 4)]);
    gradcheck((a, s) => torch.indexCopy(a, 0, long([2, 0]), s), [leaf([3, 2]), leaf([2, 2], 5)]);
    gradcheck((a) => torch.take(a, long([[0, 5], [5, -1]])), [leaf([2, 3])]);
    gradcheck((a) => torch.takeAlongDim(a, long([[0], [2]]), 1), [leaf([2, 3])]);
  });

  it('masked_fill, masked_select, masked_scatter, where', () => {
    const mask = torch.tensor([[true, false, true], [false, false, true]]);
    gradcheck((a, v) => torch.maskedFill(a, mask, v), [leaf([2, 3]), leaf([], 2)]);
    gradcheck((a) => torch.maskedSelect(a, torch.tensor([true, false, true])), [leaf([2, 3])]);
    gradcheck((a, s) => torch.maskedScatter(a, mask, s), [leaf([2, 3]), leaf([5], 3)]);
    gradcheck((a, b) => torch.where(mask, a, b), [leaf([2, 3]), leaf([3], 4)]);
  });

  it('sort, msort, topk, kthvalue', () => {
    gradcheck((a) => torch.sort(a, 0, true), [leaf([4, 3])]);
    gradcheck((a) => torch.msort(a), [leaf([4, 3])]);
    gradcheck((a) => torch.topk(a, 2, { largest: false }), [leaf([3, 4])]);
    gradcheck((a) => torch.kthvalue(a, 2, 0), [leaf([3, 4])]);
    gradcheck((a) => torch.kthvalue(a, 3, 1, true), [leaf([3, 4])]);
  });

  it('repeat, tile, repeat_interleave, flip, roll, rot90', () => {
    gradcheck((a) => a.repeat(2, 1, 3), [leaf([2, 3])]);
    gradcheck((a) => torch.tile(a, [2]), [leaf([2, 3])]);
    gradcheck((a) => torch.repeatInterleave(a, long([1, 0, 3]), { dim: 1 }), [leaf([2, 3])]);
    gradcheck((a) => torch.repeatInterleave(a, 2), [leaf([2, 3])]);
    gradcheck((a) => torch.flip(a, [0, -1]), [leaf([2, 3])]);
    gradcheck((a) => torch.fliplr(a).add(torch.flipud(a)), [leaf([2, 3])]);
    gradcheck((a) => torch.roll(a, [1, -2], [0, 1]), [leaf([2, 3])]);
    gradcheck((a) => torch.roll(a, 4), [leaf([2, 3])]);
    gradcheck((a) => torch.rot90(a, 1, [1, 2]), [leaf([2, 3, 2])]);
    gradcheck((a) => torch.rot90(a, -1), [leaf([2, 3])]);
  });

  it('tril, triu, diag, diag_embed, meshgrid', () => {
    gradcheck((a) => torch.tril(a, -1), [leaf([2, 3, 4])]);
    gradcheck((a) => torch.triu(a, 1), [leaf([3, 4])]);
    gradcheck((a) => torch.diag(a, -1), [leaf([3])]);
    gradcheck((a) => torch.diag(a, 1), [leaf([3, 4])]);
    gradcheck((a) => torch.diagEmbed(a, 1, 0, 2), [leaf([2, 3])]);
    gradcheck((a, b) => torch.meshgrid(a, b, { indexing: 'xy' }), [leaf([3]), leaf([2], 2)]);
  });

  it('the view, join and gather ops of this area', () => {
    gradcheck((a) => torch.narrow(a, 1, 1, 2).add(torch.select(a, 1, -1).unsqueeze(1)), [leaf([2, 3])]);
    gradcheck((a) => torch.movedim(a, [0, 1], [2, 0]), [leaf([2, 3, 2])]);
    gradcheck((a) => torch.diagonal(a, -1, 0, 2), [leaf([3, 2, 3])]);
    gradcheck((a, b) => torch.cat([a, b, a], 1), [leaf([2, 3]), leaf([2, 1], 2)]);
    gradcheck((a, b) => torch.stack([a, b], -1), [leaf([2, 3]), leaf([2, 3], 2)]);
    gradcheck((a, b) => torch.hstack([a, b]).add(torch.vstack([a, b]).sum()), [leaf([2]), leaf([2], 2)]);
    gradcheck((a) => torch.split(a, [1, 2], 1), [leaf([2, 3])]);
    gradcheck((a) => torch.chunk(a, 2), [leaf([3, 2])]);
    gradcheck((a) => torch.unbind(a, 1), [leaf([2, 3])]);
    gradcheck((a) => torch.gather(a, 1, long([[2, 0], [1, 1]])), [leaf([2, 3])]);
    gradcheck((a, s) => torch.scatter(a, 1, long([[2, 0], [1, 0]]), s), [leaf([2, 3]), leaf([2, 2], 2)]);
    gradcheck((a, s) => torch.scatterAdd(a, 0, long([[1, 1, 0]]), s), [leaf([2, 3]), leaf([1, 3], 2)]);
    gradcheck((a) => torch.clone(a.t()).contiguous(), [leaf([2, 3])]);
  });

  it('second-order gradients flow through index backward', () => {
    const a = leaf([4]);
    const y = a.index(long([0, 0, 3])).mul(a.index(long([1, 1, 2]))).sum();
    const [g] = torch.autograd.grad([y], [a], { createGraph: true });
    const [gg] = torch.autograd.grad([g.sum()], [a]);
    // d/da of sum(g) where g0 = 2*a1, g1 = 2*a0, g2 = a3, g3 = a2
    expectClose(gg, [2, 2, 1, 1]);
  });
});

describe('sort family', () => {
  it('sorts NaN last ascending and first descending, stably', () => {
    const x = torch.tensor([2, NaN, -1, Infinity, 2]);
    const [v, i] = torch.sort(x);
    expect(values(v).map(String)).toEqual(['-1', '2', '2', 'Infinity', 'NaN']);
    expect(values(i)).toEqual([2, 0, 4, 3, 1]);
    const s = torch.sort(x, { descending: true });
    expect(values(s.indices)).toEqual([1, 3, 0, 4, 2]);
    expect(values(torch.argsort(x))).toEqual([2, 0, 4, 3, 1]);
  });

  it('checks k', () => {
    expect(() => torch.topk(torch.zeros(3), 4)).toThrow('selected index k out of range');
    expect(() => torch.kthvalue(torch.zeros(3), 4)).toThrow('kthvalue(): selected number k out of range for dimension 0');
  });

  it('unique: sorted, inverse, counts, dim; unique_consecutive', () => {
    const x = long([[3, 1, 3], [2, 1, 1]]);
    const [u, inv, cnt] = torch.unique(x, { returnInverse: true, returnCounts: true });
    expect(values(u)).toEqual([1, 2, 3]);
    expect(inv.shape).toEqual([2, 3]);
    expect(values(inv)).toEqual([2, 0, 2, 1, 0, 0]);
    expect(values(cnt)).toEqual([3, 1, 2]);
    const rows = long([[1, 2], [0, 5], [1, 2]]);
    expect(values(torch.unique(rows, { dim: 0 }))).toEqual([0, 5, 1, 2]);
    expect(values(torch.unique(rows, { dim: 1 }))).toEqual([1, 2, 0, 5, 1, 2]);
    const [c, n] = torch.uniqueConsecutive(long([1, 1, 2, 1]), { returnCounts: true });
    expect(values(c)).toEqual([1, 2, 1]);
    expect(values(n)).toEqual([2, 1, 1]);
  });
});

describe('errors of the other ops', () => {
  it('match PyTorch', () => {
    const x = torch.zeros(2, 3);
    expect(() => torch.indexSelect(x, 0, long([0, 2]))).toThrow('index out of range in self');
    expect(() => torch.take(x, long([6]))).toThrow('out of range: tried to access index 6 on a tensor of 6 elements.');
    expect(() => torch.flip(x, [0, 0])).toThrow('dim 0 appears multiple times in the list of dims');
    expect(() => x.repeat(2)).toThrow('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
    expect(() => torch.diag(torch.zeros(2, 2, 2))).toThrow('matrix or a vector expected');
    expect(() => torch.tril(torch.zeros(3))).toThrow('Dimension out of range (expected to be in range of [-1, 0], but got -2)');
    expect(() => torch.maskedFill(torch.zeros(3), torch.tensor([true, false, true]), torch.zeros(2))).toThrow(
      'masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).',
    );
    expect(() => torch.where(torch.tensor([true, false]), torch.zeros(3), torch.zeros(3))).toThrow(
      'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0',
    );
    expect(() => torch.repeatInterleave(long([1, -2]))).toThrow('repeats can not be negative');
  });
});

describe('values of the other ops', () => {
  it('nonzero / where(cond) / argwhere', () => {
    const x = torch.tensor([[0, 1], [2, 0]]);
    expect(values(torch.nonzero(x))).toEqual([0, 1, 1, 0]);
    const [r, c] = torch.where(torch.tensor([[false, true], [true, false]]));
    expect(values(r)).toEqual([0, 1]);
    expect(values(c)).toEqual([1, 0]);
    expect(torch.nonzero(torch.zeros(2, 3)).shape).toEqual([0, 2]);
    expect(torch.argwhere(torch.tensor(3)).shape).toEqual([1, 0]);
  });

  it('roll, rot90, repeat_interleave counts, diag_embed, in-place forms', () => {
    expect(values(torch.roll(torch.arange(5), 2))).toEqual([3, 4, 0, 1, 2]);
    expect(values(torch.rot90(torch.arange(4).reshape([2, 2])))).toEqual([1, 3, 0, 2]);
    expect(values(torch.repeatInterleave(long([2, 0, 1])))).toEqual([0, 0, 2]);
    expect(values(torch.diagEmbed(torch.tensor([1, 2])))).toEqual([1, 0, 0, 2]);
    const t = torch.ones(3, 3);
    t.tril_(-1);
    expect(values(t)).toEqual([0, 0, 0, 1, 0, 0, 1, 1, 0]);
    const a = torch.zeros(2, 3);
    a.indexAdd_(1, long([0, 0]), torch.ones(2, 2));
    a.indexFill_(0, long([1]), 7);
    expect(values(a)).toEqual([2, 0, 0, 7, 7, 7]);
  });
});

describe('memory', () => {
  it('ops free their temporaries, forward and backward', () => {
    const x = torch.tensor(seq(12), { dtype: torch.float32 }).reshape([3, 4]);
    const mask = torch.tensor([[true, false, true, false], [false, false, true, true], [true, true, false, false]]);
    const i = long([2, 0, 2]);
    expectNoLeak(() => {
      torch.tidy(() => {
        const a = x.detach();
        a.requiresGrad = true;
        const parts = [
          torch.sort(a, 0)[0], torch.topk(a, 2)[0], torch.kthvalue(a, 2)[0], torch.indexSelect(a, 0, i),
          torch.maskedSelect(a, mask), torch.maskedFill(a, mask, 1), torch.maskedScatter(a, mask, a),
          torch.take(a, i), a.repeat(2, 1), torch.repeatInterleave(a, i, { dim: 0 }), torch.flip(a, [0]),
          torch.roll(a, [1], [1]), torch.rot90(a), torch.tril(a), torch.diag(a), a.index(mask), a.index(i, '1:'),
          torch.indexPut(a, [i], torch.ones(3, 4), true), torch.where(mask, a, 0),
        ];
        parts.map((p) => p.sum()).reduce((u, v) => u.add(v)).backward();
        torch.unique(long([3, 1, 3]), { returnInverse: true, returnCounts: true });
        torch.nonzero(mask, { asTuple: true });
      });
    });
  });

  it('gather rejects negative indices like PyTorch, without writing', () => {
    expect(() => torch.gather(torch.zeros(2, 3), 1, long([[0, -1], [1, 0]]))).toThrow('index -1 is out of bounds for dimension 1 with size 3');
    const t = torch.zeros(3);
    expect(() => t.scatter_(0, long([1, -1]), 1)).toThrow('index -1 is out of bounds');
    expect(values(t)).toEqual([0, 0, 0]);
  });
});

