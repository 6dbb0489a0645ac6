import { describe, it, expect } from 'vitest';
import { torch, expectClose, expectNoLeak, values } from '../helpers.js';

type T = torch.Tensor;
const f64 = torch.float64;

/** Deterministic pseudo-random values in [-1, 1) (tests only). */
function rand(shape: number[], seed: number, dtype = f64, requiresGrad = true): T {
  let s = seed * 2654435761 + 12345;
  const n = shape.reduce((a, b) => a * b, 1);
  const data: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data.push((s / 2147483648) * 2 - 1);
  }
  const t = torch.tensor(data, { dtype }).reshape(shape).contiguous();
  t.requiresGrad = requiresGrad && dtype.isFloatingPoint;
  return t;
}

/** A well-conditioned matrix (batch): random plus a dominant diagonal. */
function wellConditioned(shape: number[], seed: number): T {
  const n = shape[shape.length - 1];
  const base = rand(shape, seed, f64, false).add(torch.eye(n, { dtype: f64 }).mul(3));
  const t = base.contiguous();
  t.requiresGrad = true;
  return t;
}

const gradcheck = (fn: (...xs: T[]) => T | T[], inputs: T[]): boolean => torch.autograd.gradcheck(fn, inputs);

function expectThrows(fn: () => unknown, name: string, message: string): void {
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'should throw').not.toBeNull();
  expect((err as Error).name).toBe(name);
  expect((err as Error).message).toBe(message);
}

/** Max |a - b| over all elements. */
const maxDiff = (a: T, b: T): number => Math.max(0, ...(values(a.sub(b).abs()) as number[]));

describe('matrix products', () => {
  it('matmul covers every shape combination with gradients', () => {
    const cases: [number[], number[]][] = [
      [[4], [4]], [[3, 4], [4]], [[4], [4, 5]], [[3, 4], [4, 5]], [[2, 3, 4], [2, 4, 5]],
      [[2, 1, 3, 4], [3, 4, 2]], [[2, 3, 4], [4]], [[4], [2, 4, 3]], [[2, 3, 4], [4, 2]], [[3, 4], [2, 4, 2]],
    ];
    cases.forEach(([a, b], i) => {
      expect(gradcheck((x, y) => x.matmul(y), [rand(a, i), rand(b, i + 50)])).toBe(true);
    });
  });

  it('matmul agrees with an einsum reference on broadcast batches and transposed inputs', () => {
    const a = rand([2, 1, 3, 4], 1, f64, false);
    const b = rand([3, 5, 4], 2, f64, false).transpose(-1, -2);
    const r = torch.matmul(a, b);
    expect(r.shape).toEqual([2, 3, 3, 5]);
    const ref = a.expand([2, 3, 3, 4]).unsqueeze(-1).mul(b.unsqueeze(-3)).sum(-2);
    expect(maxDiff(r, ref)).toBeLessThan(1e-12);
  });

  it('mm, bmm, mv, dot, vdot, outer, ger and inner have gradients', () => {
    expect(gradcheck((x, y) => x.mm(y), [rand([3, 4], 1), rand([4, 2], 2)])).toBe(true);
    expect(gradcheck((x, y) => x.bmm(y), [rand([2, 3, 4], 1), rand([2, 4, 2], 2)])).toBe(true);
    expect(gradcheck((x, y) => x.mv(y), [rand([3, 4], 1), rand([4], 2)])).toBe(true);
    expect(gradcheck((x, y) => x.dot(y), [rand([5], 1), rand([5], 2)])).toBe(true);
    expect(gradcheck((x, y) => torch.vdot(x, y), [rand([5], 1), rand([5], 2)])).toBe(true);
    expect(gradcheck((x, y) => torch.outer(x, y), [rand([3], 1), rand([4], 2)])).toBe(true);
    expect(gradcheck((x, y) => torch.ger(x, y), [rand([3], 1), rand([2], 2)])).toBe(true);
    expect(gradcheck((x, y) => torch.inner(x, y), [rand([2, 3, 4], 1), rand([5, 4], 2)])).toBe(true);
    expect(torch.inner(torch.tensor(2), torch.tensor([1, 2])).tolist()).toEqual([2, 4]);
  });

  it('outer promotes dtypes and checks its arguments are vectors', () => {
    expect(torch.outer(torch.tensor([1, 2]), torch.tensor([0.5])).dtype).toBe(torch.float32);
    expectThrows(() => torch.outer(torch.ones(2, 2), torch.ones(2)), 'RuntimeError', 'outer: Expected 1-D argument self, but got 2-D');
    expectThrows(
      () => torch.inner(torch.ones(2, 3), torch.ones(2, 4)),
      'RuntimeError',
      'inner() the last dimension must match on both input tensors but got shapes [2, 3] and [2, 4]',
    );
  });

  it('addmm, addmv, addbmm, baddbmm and addr have gradients for every input', () => {
    const opts = { beta: 0.5, alpha: -1.5 };
    expect(gradcheck((s, a, b) => torch.addmm(s, a, b, opts), [rand([3, 2], 1), rand([3, 4], 2), rand([4, 2], 3)])).toBe(true);
    expect(gradcheck((s, a, b) => torch.addmm(s, a, b), [rand([2], 1), rand([3, 4], 2), rand([4, 2], 3)])).toBe(true);
    expect(gradcheck((s, a, v) => torch.addmv(s, a, v, opts), [rand([3], 1), rand([3, 4], 2), rand([4], 3)])).toBe(true);
    expect(gradcheck((s, a, b) => torch.addbmm(s, a, b, opts), [rand([3, 2], 1), rand([2, 3, 4], 2), rand([2, 4, 2], 3)])).toBe(true);
    expect(gradcheck((s, a, b) => torch.baddbmm(s, a, b, opts), [rand([1, 2], 1), rand([2, 3, 4], 2), rand([2, 4, 2], 3)])).toBe(true);
    expect(gradcheck((s, a, b) => torch.addr(s, a, b, opts), [rand([3, 2], 1), rand([3], 2), rand([2], 3)])).toBe(true);
  });

  it('addmm family: values, beta = 0 ignoring NaN, in-place and out=', () => {
    const s = rand([3, 2], 1, f64, false);
    const a = rand([3, 4], 2, f64, false);
    const b = rand([4, 2], 3, f64, false);
    const want = s.mul(0.5).add(a.mm(b).mul(2));
    expect(maxDiff(torch.addmm(s, a, b, { beta: 0.5, alpha: 2 }), want)).toBeLessThan(1e-12);
    const nan = torch.full([3, 2], NaN, { dtype: f64 });
    expect(maxDiff(torch.addmm(nan, a, b, { beta: 0 }), a.mm(b))).toBeLessThan(1e-12);
    const inplace = s.clone();
    inplace.addmm_(a, b, { beta: 0.5, alpha: 2 });
    expect(maxDiff(inplace, want)).toBeLessThan(1e-12);
    const out = torch.empty([1], { dtype: f64 });
    torch.addmm(s, a, b, { beta: 0.5, alpha: 2, out });
    expect(maxDiff(out, want)).toBeLessThan(1e-12);
    const b1 = rand([2, 3, 4], 4, f64, false);
    const b2 = rand([2, 4, 2], 5, f64, false);
    expect(maxDiff(torch.addbmm(s, b1, b2), s.add(b1.bmm(b2).sum(0)))).toBeLessThan(1e-12);
    expect(maxDiff(torch.baddbmm(s, b1, b2, { alpha: 3 }), s.add(b1.bmm(b2).mul(3)))).toBeLessThan(1e-12);
    const v1 = rand([3], 6, f64, false);
    const v2 = rand([2], 7, f64, false);
    expect(maxDiff(torch.addr(s, v1, v2), s.add(torch.outer(v1, v2)))).toBeLessThan(1e-12);
    const m = rand([3, 4], 8, f64, false);
    const v = rand([4], 9, f64, false);
    const acc = v1.clone();
    acc.addmv_(m, v, { beta: 2 });
    expect(maxDiff(acc, v1.mul(2).add(m.mv(v)))).toBeLessThan(1e-12);
  });

  it('addmm family reports shape errors like PyTorch', () => {
    expectThrows(() => torch.addmm(torch.ones(2, 3), torch.ones(2, 4), torch.ones(3, 3)), 'RuntimeError', 'mat1 and mat2 shapes cannot be multiplied (2x4 and 3x3)');
    expectThrows(() => torch.addmm(torch.ones(2, 3), torch.ones(4), torch.ones(4, 3)), 'RuntimeError', 'mat1 must be a matrix, got 1-D tensor');
    expectThrows(
      () => torch.addbmm(torch.ones(3, 5), torch.ones(3, 3, 4), torch.ones(2, 4, 5)),
      'RuntimeError',
      'batch1 and batch2 must have same number of batches, got 3 and 2',
    );
    expectThrows(
      () => torch.baddbmm(torch.ones(3, 5), torch.ones(3, 3, 4), torch.ones(3, 2, 5)),
      'RuntimeError',
      'Expected size for first two dimensions of batch2 tensor to be: [3, 4] but got: [3, 2].',
    );
    expectThrows(() => torch.matmul(torch.ones(3), torch.ones(4)), 'RuntimeError',
      'inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively');
  });
});

describe('einsum, tensordot, kron, cross, trace', () => {
  it('einsum handles matrix products, diagonals, traces, sums, ellipsis and implicit output', () => {
    const a = rand([3, 4], 1, f64, false);
    const b = rand([4, 5], 2, f64, false);
    expect(maxDiff(torch.einsum('ij,jk->ik', a, b), a.mm(b))).toBeLessThan(1e-12);
    expect(maxDiff(torch.einsum('ij,jk', a, b), a.mm(b))).toBeLessThan(1e-12);
    expect(maxDiff(torch.einsum('ij,jk->ki', [a, b]), a.mm(b).t())).toBeLessThan(1e-12);
    const sq = rand([4, 4], 3, f64, false);
    expectClose(torch.einsum('ii', sq), sq.diagonal().sum().item() as number, 1e-12);
    expect(maxDiff(torch.einsum('ii->i', sq), sq.diagonal())).toBeLessThan(1e-15);
    expect(maxDiff(torch.einsum('ij->', a), a.sum())).toBeLessThan(1e-12);
    expect(maxDiff(torch.einsum('ij->j', a), a.sum(0))).toBeLessThan(1e-12);
    const x = rand([2, 3, 4], 4, f64, false);
    const y = rand([2, 4, 5], 5, f64, false);
    expect(maxDiff(torch.einsum('...ij,...jk->...ik', x, y), x.bmm(y))).toBeLessThan(1e-12);
    expect(maxDiff(torch.einsum('bij,bjk->bik', x, y), x.bmm(y))).toBeLessThan(1e-12);
    // ellipsis broadcasting of a size-1 batch and a missing batch
    const z = rand([1, 3, 4], 6, f64, false);
    expect(maxDiff(torch.einsum('...ij,...jk->...ik', z, y), z.matmul(y))).toBeLessThan(1e-12);
    expect(maxDiff(torch.einsum('...ij,jk->...ik', x, b), x.matmul(b))).toBeLessThan(1e-12);
    // repeated index across three operands and a batch diagonal
    const v = rand([4], 7, f64, false);
    expect(maxDiff(torch.einsum('ij,j,jk->ik', a, v, b), a.mul(v).mm(b))).toBeLessThan(1e-12);
    const c = rand([3, 3, 2], 8, f64, false);
    expect(maxDiff(torch.einsum('iij->j', c), c.diagonal(0, 0, 1).sum(-1))).toBeLessThan(1e-12);
    // sublist form
    expect(maxDiff(torch.einsum(a, [0, 1], b, [1, 2], [0, 2]), a.mm(b))).toBeLessThan(1e-12);
    // integers
    expect(torch.einsum('i,i->', torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])).item()).toBe(32);
  });

  it('einsum has gradients through its parts', () => {
    expect(gradcheck((x, y) => torch.einsum('ij,jk->ik', x, y), [rand([3, 4], 1), rand([4, 2], 2)])).toBe(true);
    expect(gradcheck((x) => torch.einsum('ii->i', x), [rand([3, 3], 3)])).toBe(true);
    expect(gradcheck((x) => torch.einsum('ii', x), [rand([3, 3], 4)])).toBe(true);
    expect(gradcheck((x, y) => torch.einsum('bhqd,bhkd->bhqk', x, y), [rand([2, 1, 3, 2], 5), rand([2, 1, 2, 2], 6)])).toBe(true);
    expect(gradcheck((x, y) => torch.einsum('...ij,...jk', x, y), [rand([1, 2, 3], 7), rand([2, 3, 2], 8)])).toBe(true);
    expect(gradcheck((x, y, z) => torch.einsum('ij,j,jk->ik', x, y, z), [rand([2, 3], 9), rand([3], 10), rand([3, 2], 11)])).toBe(true);
  });

  it('einsum errors match PyTorch', () => {
    expectThrows(() => torch.einsum('ij,jk->ik', torch.ones(2, 3)), 'RuntimeError', 'einsum(): fewer operands were provided than specified in the equation');
    expectThrows(() => torch.einsum('ij'), 'ValueError',
      'einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list');
    expectThrows(() => torch.einsum('ij->ij', torch.ones(2, 3), torch.ones(2)), 'RuntimeError', 'einsum(): more operands were provided than specified in the equation');
    expectThrows(
      () => torch.einsum('ij,jk->ik', torch.ones(2, 3), torch.ones(4, 2)),
      'RuntimeError',
      'einsum(): subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3',
    );
    expectThrows(
      () => torch.einsum('ijk->i', torch.ones(2, 3)),
      'RuntimeError',
      'einsum(): the number of subscripts in the equation (3) does not match the number of dimensions (2) for operand 0 and no ellipsis was given',
    );
    expectThrows(() => torch.einsum('ij->k', torch.ones(2, 3)), 'RuntimeError', 'einsum(): output subscript k does not appear in the equation for any input operand');
    expectThrows(() => torch.einsum('ii->i', torch.ones(2, 3)), 'RuntimeError', "einsum(): subscript i is repeated for operand 0 but the sizes don't match, 3 != 2");
  });

  it('tensordot contracts int dims and dim lists; kron handles any dims', () => {
    const a = rand([2, 3, 4], 1, f64, false);
    const b = rand([3, 4, 5], 2, f64, false);
    const r = torch.tensordot(a, b, { dims: 2 });
    expect(maxDiff(r, a.reshape([2, 12]).mm(b.reshape([12, 5])))).toBeLessThan(1e-12);
    const c = rand([4, 3, 2], 3, f64, false);
    const r2 = torch.tensordot(a, c, { dims: [[1, 2], [1, 0]] });
    expect(maxDiff(r2, torch.einsum('ijk,kjl->il', a, c))).toBeLessThan(1e-12);
    expect(torch.tensordot(rand([2, 3], 4, f64, false), rand([2], 5, f64, false), 0).shape).toEqual([2, 3, 2]);
    expectThrows(() => torch.tensordot(a, b, [[0], [0]]), 'RuntimeError', 'contracted dimensions need to match, but first has size 2 in dim 0 and second has size 3 in dim 0');
    expect(gradcheck((x, y) => torch.tensordot(x, y, [[1, 2], [1, 0]]), [rand([2, 3, 2], 6), rand([2, 3, 2], 7)])).toBe(true);
    expect(torch.kron(torch.tensor([[1, 2], [3, 4]]), torch.tensor([[0, 1], [1, 0]])).tolist()).toEqual([
      [0, 1, 0, 2], [1, 0, 2, 0], [0, 3, 0, 4], [3, 0, 4, 0],
    ]);
    expect(torch.kron(torch.ones(2), torch.ones(2, 3)).shape).toEqual([2, 6]);
    expect(gradcheck((x, y) => torch.kron(x, y), [rand([2, 3], 8), rand([3, 2], 9)])).toBe(true);
  });

  it('cross and linalg.cross: values, dims, broadcasting, gradients and errors', () => {
    const e = torch.eye(3);
    expect(torch.linalg.cross(e.select(0, 0), e.select(0, 1)).tolist()).toEqual([0, 0, 1]);
    const a = rand([4, 3], 1, f64, false);
    const b = rand([4, 3], 2, f64, false);
    // orthogonal to both inputs
    expect(Math.abs(torch.linalg.cross(a, b).mul(a).sum().item() as number)).toBeLessThan(1e-12);
    expect(maxDiff(torch.cross(a.t(), b.t(), { dim: 0 }), torch.linalg.cross(a, b).t())).toBeLessThan(1e-15);
    expect(maxDiff(torch.cross(a, b), torch.linalg.cross(a, b))).toBeLessThan(1e-15);
    expect(gradcheck((x, y) => torch.linalg.cross(x, y), [rand([2, 3], 3), rand([1, 3], 4)])).toBe(true);
    expect(gradcheck((x, y) => torch.cross(x, y, { dim: 0 }), [rand([3, 2], 5), rand([3, 2], 6)])).toBe(true);
    expectThrows(() => torch.linalg.cross(torch.ones(4), torch.ones(4)), 'RuntimeError', 'linalg.cross: inputs dimension -1 must have length 3. Got 4 and 4');
    expectThrows(() => torch.cross(torch.ones(2, 2), torch.ones(2, 2)), 'RuntimeError', 'no dimension of size 3 in input');
  });

  it('trace sums the diagonal, with int64 for integers and a gradient', () => {
    expect(torch.trace(torch.tensor([[1, 2, 3], [4, 5, 6]])).item()).toBe(6);
    expect(torch.trace(torch.tensor([[1, 2], [3, 4]], { dtype: torch.int32 })).dtype).toBe(torch.int64);
    expect(gradcheck((x) => torch.trace(x), [rand([3, 4], 1)])).toBe(true);
    expectThrows(() => torch.trace(torch.ones(3)), 'RuntimeError', 'trace: expected a matrix, but got tensor with dim 1');
  });
});

describe('inverse, determinants and solvers', () => {
  it('inv: values, batches, strided input, gradients', () => {
    const a = wellConditioned([2, 3, 3], 1);
    const ai = torch.linalg.inv(a);
    expect(maxDiff(a.matmul(ai), torch.eye(3, { dtype: f64 }).expand([2, 3, 3]))).toBeLessThan(1e-12);
    expect(maxDiff(torch.inverse(a.mT), ai.mT)).toBeLessThan(1e-12);
    expect(gradcheck((x) => torch.linalg.inv(x), [wellConditioned([2, 3, 3], 2)])).toBe(true);
    expect(gradcheck((x) => x.inverse(), [wellConditioned([3, 3], 3)])).toBe(true);
    const f = torch.linalg.inv(torch.tensor([[2, 1], [1, 3]], { dtype: torch.float32 }));
    expectClose(f, [0.6, -0.2, -0.2, 0.4], 1e-6);
    expect(torch.linalg.inv(torch.empty([0, 0])).shape).toEqual([0, 0]);
  });

  it('inv raises LinAlgError with PyTorch messages', () => {
    const singular = torch.tensor([[1, 2], [2, 4]], { dtype: f64 });
    expectThrows(() => torch.linalg.inv(singular), '_LinAlgError',
      'linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.');
    expect(() => torch.linalg.inv(singular)).toThrow(torch.linalg.LinAlgError);
    expect(() => torch.linalg.inv(singular)).toThrow(torch.RuntimeError);
    const batch = torch.stack([torch.eye(2, { dtype: f64 }), singular]);
    expectThrows(() => torch.linalg.inv(batch), '_LinAlgError',
      'linalg.inv: (Batch element 1): The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.');
    expectThrows(() => torch.linalg.inv(torch.ones(2, 3)), 'RuntimeError', 'linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices');
    expectThrows(() => torch.linalg.inv(torch.ones(3)), 'RuntimeError', 'linalg.inv: The input tensor A must have at least 2 dimensions.');
    expectThrows(() => torch.linalg.inv(torch.tensor([[1, 2], [3, 4]], { dtype: torch.int64 })), 'RuntimeError',
      'linalg.inv: Expected a floating point or complex tensor as input. Got Long');
    // a failing call leaves memory as it was
    expectNoLeak(() => {
      try {
        torch.linalg.inv(singular);
      } catch {
        /* expected */
      }
    });
  });

  it('det and slogdet: values, singular input, gradients (including the singular case)', () => {
    expectClose(torch.linalg.det(torch.tensor([[1, 2], [3, 4]], { dtype: f64 })), -2, 1e-12);
    expectClose(torch.linalg.det(torch.tensor([[1, 2], [2, 4]], { dtype: torch.float32 })), 0);
    expectClose(torch.linalg.det(torch.empty([0, 0])), 1);
    const a = wellConditioned([2, 3, 3], 4);
    const [sign, logabs] = torch.linalg.slogdet(a);
    const d = torch.linalg.det(a);
    expect(maxDiff(d.abs(), torch.tensor(values(logabs).map((x) => Math.exp(x as number)), { dtype: f64 }))).toBeLessThan(1e-12);
    expect(values(sign)).toEqual(values(d).map((x) => Math.sign(x as number)));
    const r = torch.linalg.slogdet(torch.tensor([[1, 2], [2, 4]], { dtype: torch.float32 }));
    expect(r.sign.item()).toBe(0);
    expect(r.logabsdet.item()).toBe(-Infinity);
    expect(gradcheck((x) => torch.linalg.det(x), [wellConditioned([2, 3, 3], 5)])).toBe(true);
    expect(gradcheck((x) => torch.det(x), [torch.tensor([[1, 2], [2, 4]], { dtype: f64, requiresGrad: true })])).toBe(true);
    expect(gradcheck((x) => torch.linalg.det(x), [torch.tensor([[1, 2, 3], [2, 4, 6], [0, 1, 5]], { dtype: f64, requiresGrad: true })])).toBe(true);
    expect(gradcheck((x) => torch.linalg.slogdet(x)[1], [wellConditioned([3, 3], 6)])).toBe(true);
    expect(gradcheck((x) => torch.logdet(x), [wellConditioned([3, 3], 7)])).toBe(true);
  });

  it('solve: matrices, vectors, broadcasting, left=false, gradients and errors', () => {
    const a = wellConditioned([2, 3, 3], 8);
    const b = rand([3, 2], 9);
    const x = torch.linalg.solve(a, b);
    expect(x.shape).toEqual([2, 3, 2]);
    expect(maxDiff(a.matmul(x), b.expand([2, 3, 2]))).toBeLessThan(1e-12);
    const v = rand([2, 3], 10);
    const xv = torch.linalg.solve(a, v);
    expect(xv.shape).toEqual([2, 3]);
    expect(maxDiff(a.matmul(xv.unsqueeze(-1)).squeeze(-1), v)).toBeLessThan(1e-12);
    const br = rand([2, 4, 3], 11);
    const xr = torch.linalg.solve(a, br, { left: false });
    expect(maxDiff(xr.matmul(a), br)).toBeLessThan(1e-12);
    expect(gradcheck((p, q) => torch.linalg.solve(p, q), [wellConditioned([2, 3, 3], 12), rand([3, 2], 13)])).toBe(true);
    expect(gradcheck((p, q) => torch.linalg.solve(p, q), [wellConditioned([3, 3], 14), rand([3], 15)])).toBe(true);
    expect(gradcheck((p, q) => torch.linalg.solve(p, q, { left: false }), [wellConditioned([3, 3], 16), rand([2, 3], 17)])).toBe(true);
    expectThrows(() => torch.linalg.solve(torch.eye(3), torch.ones(2)), 'RuntimeError',
      'linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 2x1)');
    expectThrows(() => torch.linalg.solve(torch.tensor([[1, 2], [2, 4]], { dtype: f64 }), torch.ones([2], { dtype: f64 })), '_LinAlgError',
      'linalg.solve: The solver failed because the input matrix is singular.');
  });

  it('solve_triangular reads one triangle and has gradients', () => {
    const t = wellConditioned([3, 3], 18);
    const b = rand([3, 2], 19);
    const x = torch.linalg.solveTriangular(t, b, { upper: true });
    expect(maxDiff(t.triu().matmul(x), b)).toBeLessThan(1e-12);
    const xl = torch.linalg.solveTriangular(t, rand([2, 3], 20), { upper: false, left: false, unitriangular: true });
    const unitL = t.tril(-1).add(torch.eye(3, { dtype: f64 }));
    expect(maxDiff(xl.matmul(unitL), rand([2, 3], 20))).toBeLessThan(1e-12);
    for (const opts of [{ upper: true }, { upper: false }, { upper: true, left: false }, { upper: false, unitriangular: true }]) {
      const bb = opts.left === false ? rand([2, 3], 21) : rand([3, 2], 21);
      expect(gradcheck((p, q) => torch.linalg.solveTriangular(p, q, opts), [wellConditioned([3, 3], 22), bb])).toBe(true);
    }
  });
});

describe('decompositions', () => {
  /** A symmetric positive-definite function of a free matrix (so gradcheck can perturb it). */
  const spd = (x: T): T => x.matmul(x.mT).add(torch.eye(x.shape[x.ndim - 1], { dtype: f64 }));

  it('cholesky: lower and upper factors, batches, gradients, errors', () => {
    const a = spd(rand([2, 3, 3], 1, f64, false));
    const l = torch.linalg.cholesky(a);
    expect(maxDiff(l.matmul(l.mT), a)).toBeLessThan(1e-12);
    expect(maxDiff(l.triu(1), torch.zeros([2, 3, 3], { dtype: f64 }))).toBe(0);
    const u = torch.linalg.cholesky(a, { upper: true });
    expect(maxDiff(u, l.mT)).toBeLessThan(1e-12);
    expect(maxDiff(torch.cholesky(a), l)).toBeLessThan(1e-15);
    expect(gradcheck((x) => torch.linalg.cholesky(spd(x)), [rand([3, 3], 2)])).toBe(true);
    expect(gradcheck((x) => torch.linalg.cholesky(spd(x), { upper: true }), [rand([2, 2, 2], 3)])).toBe(true);
    expect(gradcheck((x) => torch.cholesky(spd(x), true), [rand([3, 3], 4)])).toBe(true);
    expectThrows(() => torch.linalg.cholesky(torch.tensor([[1, 2], [2, 1]], { dtype: f64 })), '_LinAlgError',
      'linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order 2 is not positive-definite).');
    expectThrows(() => torch.linalg.cholesky(torch.stack([torch.eye(2), torch.tensor([[-1, 0], [0, 1]], { dtype: torch.float32 })])), '_LinAlgError',
      'linalg.cholesky: (Batch element 1): The factorization could not be completed because the input is not positive-definite (the leading minor of order 1 is not positive-definite).');
  });

  it('qr: LAPACK signs, every mode, gradients', () => {
    const a = torch.tensor([[1, 2], [3, 4], [5, 6]], { dtype: f64 });
    const { Q, R } = torch.linalg.qr(a);
    expect(Q.shape).toEqual([3, 2]);
    // Householder: R[0][0] = -sign(a00) * ||a[:, 0]||
    expectClose(R.select(0, 0).select(0, 0), -Math.sqrt(35), 1e-12);
    expect(maxDiff(Q.matmul(R), a)).toBeLessThan(1e-12);
    expect(maxDiff(Q.mT.matmul(Q), torch.eye(2, { dtype: f64 }))).toBeLessThan(1e-12);
    const c = torch.linalg.qr(a, 'complete');
    expect(c.Q.shape).toEqual([3, 3]);
    expect(c.R.shape).toEqual([3, 2]);
    expect(maxDiff(c.Q.matmul(c.R), a)).toBeLessThan(1e-12);
    const r = torch.linalg.qr(a, { mode: 'r' });
    expect(r.Q.shape).toEqual([0]);
    expect(maxDiff(r.R, R)).toBe(0);
    const wide = rand([2, 4], 4, f64, false);
    const w = torch.linalg.qr(wide);
    expect(maxDiff(w.Q.matmul(w.R), wide)).toBeLessThan(1e-12);
    expect(gradcheck((x) => torch.linalg.qr(x), [rand([4, 3], 5)])).toBe(true);
    expect(gradcheck((x) => torch.linalg.qr(x), [rand([2, 3, 3], 6)])).toBe(true);
    expect(gradcheck((x) => torch.linalg.qr(x), [rand([2, 4], 7)])).toBe(true);
    expect(gradcheck((x) => torch.linalg.qr(x, 'complete'), [rand([3, 4], 8)])).toBe(true);
    expect(gradcheck((x) => torch.qr(x)[1], [rand([3, 2], 9)])).toBe(true);
    expectThrows(() => torch.linalg.qr(a, 'full'), 'RuntimeError',
      "qr received unrecognized mode 'full' but expected one of 'reduced' (default), 'r', or 'complete'");
  });

  it('svd, svdvals and torch.svd: reconstruction, shapes, gradients', () => {
    for (const shape of [[4, 3], [3, 5], [2, 3, 3]]) {
      const a = rand(shape, 10, f64, false);
      const { U, S, Vh } = torch.linalg.svd(a, false);
      expect(maxDiff(U.mul(S.unsqueeze(-2)).matmul(Vh), a)).toBeLessThan(1e-12);
      expect(maxDiff(torch.linalg.svdvals(a), S)).toBeLessThan(1e-12);
      const full = torch.linalg.svd(a);
      const [m, n] = shape.slice(-2);
      expect(full.U.shape.slice(-2)).toEqual([m, m]);
      expect(full.Vh.shape.slice(-2)).toEqual([n, n]);
      expect(maxDiff(full.U.mT.matmul(full.U), torch.eye(m, { dtype: f64 }))).toBeLessThan(1e-12);
      expect(maxDiff(full.Vh.matmul(full.Vh.mT), torch.eye(n, { dtype: f64 }))).toBeLessThan(1e-12);
    }
    const a = rand([4, 3], 11, f64, false);
    const [U, S, V] = torch.svd(a);
    expect(V.shape).toEqual([3, 3]);
    expect(maxDiff(U.mul(S).matmul(V.mT), a)).toBeLessThan(1e-12);
    const noUv = torch.svd(a, { computeUv: false });
    expect(noUv[0].shape).toEqual([4, 4]);
    expect(noUv[2].shape).toEqual([3, 3]);
    expect(maxDiff(noUv[1], S)).toBeLessThan(1e-12);
    expect(gradcheck((x) => torch.linalg.svdvals(x), [rand([3, 5], 12)])).toBe(true);
    expect(gradcheck((x) => torch.linalg.svdvals(x), [rand([2, 3, 3], 13)])).toBe(true);
    // U and V are defined up to a joint sign per singular triplet: check invariant functions
    const invariant = (x: T): T[] => {
      const r = torch.linalg.svd(x, false);
      return [r.U.matmul(r.Vh), r.U.mul(r.U), r.Vh.mul(r.Vh), r.S];
    };
    expect(gradcheck(invariant, [rand([4, 3], 14)])).toBe(true);
    expect(gradcheck(invariant, [rand([3, 4], 15)])).toBe(true);
    expect(gradcheck(invariant, [rand([3, 3], 16)])).toBe(true);
    expect(gradcheck((x) => {
      const [u, sv, v] = torch.svd(x);
      return [u.matmul(v.mT), sv];
    }, [rand([4, 3], 17)])).toBe(true);
  });

  it('eigh and eigvalsh: ascending values, either triangle, gradients', () => {
    const x = rand([3, 3], 20, f64, false);
    const a = x.add(x.mT);
    const { eigenvalues: w, eigenvectors: v } = torch.linalg.eigh(a);
    const wv = values(w) as number[];
    expect(wv[0] <= wv[1] && wv[1] <= wv[2]).toBe(true);
    expect(maxDiff(a.matmul(v), v.mul(w.unsqueeze(-2)))).toBeLessThan(1e-12);
    expect(maxDiff(torch.linalg.eigvalsh(a), w)).toBeLessThan(1e-12);
    expect(maxDiff(torch.linalg.eigvalsh(a.triu(), 'U'), w)).toBeLessThan(1e-12);
    expect(maxDiff(torch.linalg.eigvalsh(a.tril()), w)).toBeLessThan(1e-12);
    const sym = (t: T): T => t.add(t.mT);
    expect(gradcheck((t) => torch.linalg.eigvalsh(sym(t)), [rand([3, 3], 21)])).toBe(true);
    expect(gradcheck((t) => torch.linalg.eigvalsh(sym(t)), [rand([2, 3, 3], 22)])).toBe(true);
    expect(gradcheck((t) => {
      const r = torch.linalg.eigh(sym(t));
      return [r.eigenvalues, r.eigenvectors.mul(r.eigenvectors)];
    }, [rand([3, 3], 23)])).toBe(true);
    expectThrows(() => torch.linalg.eigvalsh(a, 'X'), 'RuntimeError', "Expected UPLO argument to be 'L' or 'U', but got X");
  });
});

describe('norms', () => {
  const x = rand([3, 4], 30, f64, false);

  it('vector_norm: orders, dims, keepdim, dtype, gradients', () => {
    expectClose(torch.linalg.vectorNorm(torch.tensor([3, -4], { dtype: f64 })), 5);
    expectClose(torch.linalg.vectorNorm(torch.tensor([3, -4], { dtype: f64 }), 1), 7);
    expectClose(torch.linalg.vectorNorm(torch.tensor([3, -4], { dtype: f64 }), Infinity), 4);
    expectClose(torch.linalg.vectorNorm(torch.tensor([3, -4], { dtype: f64 }), -Infinity), 3);
    expectClose(torch.linalg.vectorNorm(torch.tensor([3, 0, -4], { dtype: f64 }), 0), 2);
    expectClose(torch.linalg.vectorNorm(torch.tensor([3, -4], { dtype: f64 }), 3), Math.cbrt(27 + 64), 1e-12);
    expect(torch.linalg.vectorNorm(x, 2, { dim: 1, keepdim: true }).shape).toEqual([3, 1]);
    expect(torch.linalg.vectorNorm(x, { dtype: torch.float32 }).dtype).toBe(torch.float32);
    for (const ord of [2, 1, 3, 0.5, Infinity, -Infinity, -1.5]) {
      expect(gradcheck((t) => torch.linalg.vectorNorm(t, ord), [rand([5], 31)])).toBe(true);
      expect(gradcheck((t) => torch.linalg.vectorNorm(t, ord, { dim: [0, 2], keepdim: true }), [rand([2, 3, 2], 32)])).toBe(true);
    }
    // the 2-norm of zero has the zero subgradient
    const z = torch.zeros([3], { dtype: f64, requiresGrad: true });
    torch.linalg.vectorNorm(z).backward();
    expect(values(z.grad!)).toEqual([0, 0, 0]);
    expectThrows(() => torch.linalg.vectorNorm(torch.tensor([1, 2])), 'RuntimeError',
      'linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long');
  });

  it('matrix_norm and norm: every order, with gradients', () => {
    const a = torch.tensor([[1, -2], [3, 4]], { dtype: f64 });
    expectClose(torch.linalg.matrixNorm(a), Math.sqrt(30), 1e-12);
    expectClose(torch.linalg.matrixNorm(a, 1), 6, 1e-12);
    expectClose(torch.linalg.matrixNorm(a, -1), 4, 1e-12);
    expectClose(torch.linalg.matrixNorm(a, Infinity), 7, 1e-12);
    expectClose(torch.linalg.matrixNorm(a, -Infinity), 3, 1e-12);
    const s = values(torch.linalg.svdvals(a)) as number[];
    expectClose(torch.linalg.matrixNorm(a, 2), s[0], 1e-12);
    expectClose(torch.linalg.matrixNorm(a, -2), s[1], 1e-12);
    expectClose(torch.linalg.matrixNorm(a, 'nuc'), s[0] + s[1], 1e-12);
    expect(torch.linalg.matrixNorm(rand([2, 3, 4], 33, f64, false), 'nuc', { keepdim: true }).shape).toEqual([2, 1, 1]);
    expect(torch.linalg.matrixNorm(rand([3, 2, 4], 34, f64, false), 1, { dim: [0, 2], keepdim: true }).shape).toEqual([1, 2, 1]);
    expect(torch.linalg.matrixNorm(rand([3, 2, 4], 34, f64, false), Infinity, { dim: [2, 0] }).shape).toEqual([2]);
    for (const ord of ['fro', 'nuc', 2, -2, 1, -1, Infinity, -Infinity]) {
      expect(gradcheck((t) => torch.linalg.matrixNorm(t, ord), [rand([3, 4], 35)])).toBe(true);
    }
    expectClose(torch.linalg.norm(torch.tensor([3, 4], { dtype: f64 })), 5);
    expectClose(torch.linalg.norm(a), Math.sqrt(30), 1e-12);
    expectClose(torch.linalg.norm(a, 1), 6, 1e-12);
    expectClose(torch.linalg.norm(a, 'fro'), Math.sqrt(30), 1e-12);
    expect(torch.linalg.norm(x, null, { dim: 1, keepdim: true }).shape).toEqual([3, 1]);
    expect(gradcheck((t) => torch.linalg.norm(t, 'nuc'), [rand([3, 3], 36)])).toBe(true);
    expectThrows(() => torch.linalg.norm(rand([2, 2, 2], 1, f64, false), 2), 'RuntimeError',
      'linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got 3D.');
    expectThrows(() => torch.linalg.matrixNorm(a, 3), 'RuntimeError', 'linalg.matrix_norm: Order 3 not supported.');
  });
});

describe('matrix functions', () => {
  it('matrix_power: positive, zero and negative powers with gradients', () => {
    const a = wellConditioned([3, 3], 40);
    expect(maxDiff(torch.linalg.matrixPower(a, 3), a.matmul(a).matmul(a))).toBeLessThan(1e-12);
    expect(maxDiff(torch.linalg.matrixPower(a, 0), torch.eye(3, { dtype: f64 }))).toBe(0);
    expect(maxDiff(torch.linalg.matrixPower(a, -2), torch.linalg.inv(a.matmul(a)))).toBeLessThan(1e-12);
    expect(maxDiff(torch.matrixPower(a, 5), a.matrixPower(5))).toBe(0);
    expect(torch.linalg.matrixPower(torch.tensor([[1, 1], [0, 1]]), 4).tolist()).toEqual([[1, 4], [0, 1]]);
    expect(gradcheck((t) => torch.matrixPower(t, 2), [wellConditioned([3, 3], 42)])).toBe(true);
    for (const n of [1, 2, 3, 6, -1, -3]) {
      expect(gradcheck((t) => torch.linalg.matrixPower(t, n), [wellConditioned([2, 2, 2], 41)])).toBe(true);
    }
  });

  it('matrix_rank: default tolerance, atol/rtol, hermitian', () => {
    const a = torch.tensor([[1, 2, 3], [2, 4, 6], [0, 1, 1]], { dtype: torch.float32 });
    expect(torch.linalg.matrixRank(a).item()).toBe(2);
    expect(torch.linalg.matrixRank(a).dtype).toBe(torch.int64);
    expect(torch.linalg.matrixRank(torch.eye(4).mul(1e-3)).item()).toBe(4);
    expect(torch.linalg.matrixRank(torch.eye(4).mul(1e-3), { atol: 1e-2 }).item()).toBe(0);
    expect(torch.linalg.matrixRank(torch.tensor([[1, 0, 0], [0, 0.5, 0], [0, 0, 0.1]]), { rtol: 0.2 }).item()).toBe(2);
    expect(torch.linalg.matrixRank(torch.tensor([[2, 1], [1, 2]], { dtype: torch.float32 }), { hermitian: true }).item()).toBe(2);
    expect(torch.linalg.matrixRank(torch.tensor([[1, 0], [0, 1e-3]]), 1e-2).item()).toBe(1);
    expect(torch.linalg.matrixRank(rand([2, 3, 4], 42, f64, false)).tolist()).toEqual([3, 3]);
  });

  it('pinv: Moore-Penrose conditions and gradients', () => {
    for (const shape of [[3, 4], [4, 3], [3, 3]]) {
      const a = rand(shape, 43, f64, false);
      const p = torch.linalg.pinv(a);
      expect(maxDiff(a.matmul(p).matmul(a), a)).toBeLessThan(1e-12);
      expect(maxDiff(p.matmul(a).matmul(p), p)).toBeLessThan(1e-12);
      expect(gradcheck((t) => torch.linalg.pinv(t), [rand(shape, 44)])).toBe(true);
    }
    const x = rand([3, 3], 45, f64, false);
    const h = x.add(x.mT);
    expect(maxDiff(torch.linalg.pinv(h, { hermitian: true }), torch.linalg.inv(h))).toBeLessThan(1e-10);
    // rank deficient: the zero singular value is dropped
    const r = torch.tensor([[1, 2], [2, 4]], { dtype: f64 });
    expect(maxDiff(torch.linalg.pinv(r), r.div(25))).toBeLessThan(1e-12);
    expect(maxDiff(torch.pinverse(r), r.div(25))).toBeLessThan(1e-12);
    expect(gradcheck((t) => torch.pinverse(t), [rand([2, 3], 46)])).toBe(true);
  });

  it('linalg ops free their temporaries', () => {
    const a = wellConditioned([3, 3], 50).detach();
    expectNoLeak(() => {
      torch.tidy(() => {
        torch.linalg.inv(a);
        torch.linalg.svd(a);
        torch.linalg.eigh(a.add(a.mT));
        torch.linalg.qr(a);
        torch.einsum('ij,jk->ik', a, a);
        torch.linalg.matrixNorm(a, 'nuc');
      });
    });
  });
});

describe('second-order gradients', () => {
  /** gradcheck of x -> d sum(f(x) * G) / dx, with the first gradient built with createGraph. */
  function secondOrder(f: (x: T) => T, x: T): boolean {
    const G = rand([...f(x.detach()).shape], 99, f64, false);
    // gradcheck evaluates fn under no_grad for its finite differences: the inner grad needs a graph
    return gradcheck((t) => torch.enableGrad(() => torch.autograd.grad([f(t).mul(G).sum()], [t], { createGraph: true })[0]!), [x]);
  }
  const sym = (t: T): T => t.add(t.mT);
  const spd = (t: T): T => t.matmul(t.mT).add(torch.eye(t.shape[t.ndim - 1], { dtype: f64 }));

  it('formulas are differentiable (inv, det, slogdet, solve, cholesky, qr, svdvals, eigvalsh, norms, pinv)', () => {
    expect(secondOrder((t) => torch.linalg.inv(t), wellConditioned([3, 3], 60))).toBe(true);
    expect(secondOrder((t) => torch.linalg.det(t), wellConditioned([3, 3], 61))).toBe(true);
    expect(secondOrder((t) => torch.linalg.slogdet(t)[1], wellConditioned([3, 3], 62))).toBe(true);
    expect(secondOrder((t) => torch.linalg.solve(t, torch.ones([3, 2], { dtype: f64 })), wellConditioned([3, 3], 63))).toBe(true);
    expect(secondOrder((t) => torch.linalg.cholesky(spd(t)), rand([3, 3], 64))).toBe(true);
    expect(secondOrder((t) => torch.linalg.qr(t)[1], rand([4, 3], 65))).toBe(true);
    expect(secondOrder((t) => torch.linalg.svdvals(t), rand([3, 4], 66))).toBe(true);
    expect(secondOrder((t) => torch.linalg.eigvalsh(sym(t)), rand([3, 3], 67))).toBe(true);
    expect(secondOrder((t) => torch.linalg.vectorNorm(t, 3), rand([5], 68))).toBe(true);
    expect(secondOrder((t) => torch.linalg.matrixNorm(t, Infinity), rand([3, 3], 69))).toBe(true);
    expect(secondOrder((t) => torch.linalg.pinv(t), rand([3, 4], 70))).toBe(true);
    expect(secondOrder((t) => torch.addmm(t, t, t.mT, { beta: 0.5, alpha: 2 }), rand([3, 3], 71))).toBe(true);
    expect(secondOrder((t) => torch.linalg.cross(t, t.mul(t).add(1)), rand([2, 3], 72))).toBe(true);
    expect(secondOrder((t) => torch.trace(t.matmul(t)).reshape([1]), rand([3, 3], 73))).toBe(true);
  });
});
