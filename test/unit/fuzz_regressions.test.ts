// Regression tests for what the fuzz suite (test/fuzz.test.ts) found: each call here once
// trapped, threw an internal JavaScript error or a plain Error, or leaked; now it gives
// PyTorch's result or exception.
import { describe, it, expect } from 'vitest';
import { torch } from '../helpers.js';

describe('fuzz regressions', () => {
  it('a disposed tensor given to an op raises RuntimeError naming the op and the argument', () => {
    const t = torch.ones(2);
    t.dispose();
    expect(() => torch.add(torch.ones(2), t)).toThrow(torch.RuntimeError);
    expect(() => torch.add(torch.ones(2), t)).toThrow("add(): argument 'other' is a tensor that was disposed");
    expect(() => t.fmod_(2)).toThrow(torch.RuntimeError);
    expect(() => t.item()).toThrow("item(): argument 'self' is a tensor that was disposed");
  });
});

describe('backward binds PyTorch\'s arguments (gradient, retain_graph, create_graph, inputs)', () => {
  it('takes the options object in place of the gradient, positional flags, and checks what it was given', () => {
    const x = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward({ retainGraph: true }); // used to die in shapeEquals
    y.backward({ gradient: torch.tensor(2), retain_graph: true });
    y.backward(null, true);
    expect(x.grad!.tolist()).toEqual([8, 16]); // 2x + 4x + 2x
    const z = x.mul(3).sum();
    z.backward({ inputs: x });
    expect(x.grad!.tolist()).toEqual([11, 19]);
    const w = x.mul(x).sum();
    expect(() => w.backward({ retainGraph: 'yes' } as any)).toThrow("backward(): argument 'retainGraph' must be bool, not str");
    expect(() => w.backward({ inputs: [] })).toThrow("'inputs' argument to backward() cannot be empty.");
    expect(() => w.backward({ inputs: ['a'] } as any)).toThrow('all inputs have to be Tensors, but got str');
    expect(() => w.backward(3 as any)).toThrow(new TypeError('gradients can be either Tensors or None, but got int'));
    expect(() => w.backward({ bogus: 1 } as any)).toThrow("backward() got an unexpected keyword argument 'bogus'");
    expect(() => torch.autograd.backward([w], [3 as any])).toThrow('gradients can be either Tensors or None, but got int');
    expect(() => torch.autograd.grad(w, [3 as any])).toThrow(torch.RuntimeError);
    w.backward();
    expect(x.grad!.tolist()).toEqual([13, 23]);
  });
});

describe('an in-place op that throws while recording a graph', () => {
  it('frees the copy of self and the old edge it made for the graph', () => {
    const x = torch.ones(5, 1).mul(torch.tensor(2, { dtype: torch.float32, requiresGrad: true })); // a non-leaf
    const t1 = torch.ones(5, 3, { requiresGrad: true });
    const [t2, t3] = [torch.ones(5, 1), torch.ones(5, 2)];
    const before = torch.memory();
    expect(() => x.addcdiv_(t1, t2)).toThrow("output with shape [5, 1] doesn't match the broadcast shape [5, 3]");
    expect(() => x.hypot_(t3)).toThrow(torch.RuntimeError);
    const after = torch.memory();
    expect(after.liveTensors).toBe(before.liveTensors);
    expect(after.bytesInUse).toBe(before.bytesInUse);
  });
});

describe('public functions outside the op registry bind and check their arguments', () => {
  const x = torch.ones(2, 3);
  it('Tensor methods: view_as, reshape_as, expand_as, type_as, new_*, equal, allclose', () => {
    expect(() => x.viewAs(null as any)).toThrow(new TypeError("view_as(): argument 'other' (position 1) must be Tensor, not NoneType"));
    expect(() => x.reshapeAs(3 as any)).toThrow("reshape_as(): argument 'other' (position 1) must be Tensor, not int");
    expect(() => x.expandAs('a' as any)).toThrow("expand_as(): argument 'other' (position 1) must be Tensor, not str");
    expect(() => x.typeAs(undefined as any)).toThrow("type_as() missing required argument 'other'");
    expect(() => x.newZeros(torch.ones(2) as any)).toThrow("new_zeros(): argument 'size' (position 1) must be tuple of ints, not Tensor");
    expect(() => (x as any).newEmpty()).toThrow("new_empty() missing required argument 'size'");
    expect(() => x.newFull([2], 'a' as any)).toThrow("new_full(): argument 'fill_value' (position 2) must be Scalar, not str");
    expect(() => x.newOnes([-1])).toThrow('Trying to create tensor with negative dimension -1: [-1]');
    expect((x as any).newZeros(2, 3).shape).toEqual([2, 3]);
    expect(x.newFull([2], 7).tolist()).toEqual([7, 7]);
    expect(x.newOnes([1], { dtype: torch.int64 }).dtype).toBe(torch.int64);
    expect(() => x.equal(1 as any)).toThrow("equal(): argument 'other' (position 1) must be Tensor, not int");
    expect(() => torch.equal(x, 1 as any)).toThrow("equal(): argument 'other' (position 2) must be Tensor, not int");
    expect(() => torch.allclose(x, 3 as any)).toThrow("allclose(): argument 'other' (position 2) must be Tensor, not int");
    expect(x.allclose(torch.ones(2, 3), { atol: 0 })).toBe(true);
  });

  it('torch.numel, promoteTypes, canCast, broadcastShapes, einsum sublists, relu_ and friends, svd', () => {
    expect(() => torch.numel(3 as any)).toThrow("numel(): argument 'input' (position 1) must be Tensor, not int");
    expect(torch.promoteTypes(torch.int8, torch.uint8)).toBe(torch.int16);
    expect(torch.canCast(torch.float32, torch.int32)).toBe(false);
    expect(() => torch.promoteTypes(1 as any, torch.float32)).toThrow(TypeError);
    expect(() => (torch.promoteTypes as any)(torch.float32)).toThrow("promote_types() missing required argument 'type2'");
    expect(torch.broadcastShapes([2, 1], [3], 1)).toEqual([2, 3]);
    expect(() => torch.broadcastShapes(2, [3])).toThrow('Shape mismatch: objects cannot be broadcast to a single shape');
    expect(() => torch.broadcastShapes(torch.ones(2) as any)).toThrow(
      new torch.RuntimeError('Input shapes should be of type ints, a tuple of ints, or a list of ints, got Tensor'));
    expect(() => torch.broadcastShapes([-1])).toThrow('Trying to create tensor with negative dimension (-1): (-1)');
    expect(() => torch.einsum(torch.ones(2), 3 as any)).toThrow(TypeError);
    expect(() => torch.einsum(torch.ones(2), [60])).toThrow(new torch.ValueError('einsum(): subscript in subscript list is not within the valid range [0, 52)'));
    expect(torch.einsum(torch.tensor([1, 2]), [0], [] as any).item()).toBe(3);
    for (const f of [torch.relu_, torch.selu_, torch.celu_]) expect(() => (f as any)(3)).toThrow("(): argument 'input' (position 1) must be Tensor, not int");
    expect(() => (torch.threshold_ as any)(3, 1, 2)).toThrow("threshold_(): argument 'input' (position 1) must be Tensor, not int");
    expect(() => (torch.svd as any)(torch.ones(3, 2), 'x')).toThrow("svd(): argument 'some' (position 2) must be bool, not str");
    expect(() => (x.svd as any)({ computeUv: 1 })).toThrow("svd(): argument 'compute_uv' (position 2) must be bool, not int");
    expect(() => (x.qr as any)(null)).toThrow(new TypeError("qr(): argument 'some' (position 1) must be bool, not NoneType"));
    expect((x.qr as any)({ some: false }).Q.shape).toEqual([2, 2]);
  });

  it('modules: ConvNd is a base class, a None slot of Sequential is not callable, interpolate checks the rank', () => {
    expect(() => new (torch.nn.ConvNd as any)(1, 4, 3, 2)).toThrow(TypeError);
    expect(() => new torch.nn.Sequential(null as any)(torch.ones(1))).toThrow(new TypeError("'NoneType' object is not callable"));
    expect(() => torch.nn.functional.interpolate(torch.ones(3), { size: 2 })).toThrow(torch.NotImplementedError);
    expect(() => torch.nn.functional.interpolate(torch.ones(3), { size: 2 })).toThrow(
      'Input Error: Only 3D, 4D and 5D input Tensors supported (got 1D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got nearest)');
  });
});

describe('temporaries are freed at once', () => {
  /** Live tensors that `fn` leaves behind once everything it returns is disposed. */
  function leftBehind(fn: () => unknown): number {
    const before = torch.memory().liveTensors;
    const r = fn();
    for (const t of (Array.isArray(r) ? r : [r]) as torch.Tensor[]) t?.dispose?.();
    return torch.memory().liveTensors - before;
  }
  it('svd, svdvals with grad, matrix_rank, cloneModule, InstanceNorm without a batch dim', () => {
    const a = torch.tensor([[2, 0], [1, 3], [0, 1]], { dtype: torch.float32 });
    const ag = torch.tensor([[2, 1], [1, 3]], { dtype: torch.float32, requiresGrad: true });
    expect(leftBehind(() => torch.svd(a))).toBe(0);
    expect(leftBehind(() => a.svd({ some: false }))).toBe(0);
    expect(leftBehind(() => torch.linalg.svdvals(ag))).toBe(0);
    expect(leftBehind(() => torch.linalg.matrixRank(a))).toBe(0);
    expect(torch.linalg.matrixRank(a).item()).toBe(2);
    const lin = new torch.nn.Linear(2, 3);
    expect(leftBehind(() => { torch.nn.cloneModule(lin).dispose(); })).toBe(0);
    const b = torch.tensor([3.39], { dtype: torch.bfloat16 });
    expect(leftBehind(() => torch.einsum('L', b))).toBe(0);
    expect(leftBehind(() => torch.einsum('i,i->', b, b))).toBe(0);
    const norm = new torch.nn.InstanceNorm1d(3);
    const x = torch.ones(3, 4);
    expect(leftBehind(() => norm(x))).toBe(0);
  });
});

describe('second fuzz round', () => {
  it('select_backward checks its index (it wrote out of bounds: a wasm trap) and strided copies check broadcasting', () => {
    expect(() => torch.selectBackward(torch.tensor(3, { dtype: torch.float16 }), [0, 2], 0, -1)).toThrow(
      new torch.IndexError('select(): index -1 out of range for tensor of size [0, 2] at dimension 0'));
    expect(() => torch.selectBackward(torch.ones(2), [3, 2], 0, 5)).toThrow('select(): index 5 out of range for tensor of size [3, 2] at dimension 0');
    expect(torch.selectBackward(torch.ones(2), [3, 2], 0, -1).tolist()).toEqual([[0, 0], [0, 0], [1, 1]]);
    // a gradient that does not fit the region it is copied into: an error, not a read past its end
    expect(() => torch.selectBackward(torch.ones(5), [3, 2], 0, 0)).toThrow(
      'The size of tensor a (2) must match the size of tensor b (5) at non-singleton dimension 0');
    expect(() => torch.ones(3).copy_(torch.ones(2))).toThrow('The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0');
  });

  it('0-dim tensors: slice raises IndexError, topk(0) gives the tensor itself (PyTorch), never an empty 0-dim view', () => {
    const s = torch.tensor(3, { dtype: torch.float32 });
    expect(() => s.slice(0, 2, 1)).toThrow(new torch.IndexError('slice() cannot be applied to a 0-dim tensor.'));
    const { values, indices } = s.topk(0) as any;
    expect([values.item(), indices.item(), values.shape]).toEqual([3, 0, []]);
    expect(() => torch.ones(3, 5).unfold(1, -1, 4)).toThrow('size is -1 but must be >= 0');
  });

  it('non-tensor arguments: detach, linalg.matrix_rank, module forwards; asTypedArray of a strided tensor', () => {
    expect(() => (torch.detach as any)(2)).toThrow("detach(): argument 'input' (position 1) must be Tensor, not int");
    expect(() => torch.linalg.matrixRank('a' as any)).toThrow("linalg.matrix_rank(): argument 'A' must be Tensor, not str");
    expect(() => new torch.nn.Flatten()(3 as any)).toThrow(new torch.AttributeError("'int' object has no attribute 'flatten'"));
    expect(() => new torch.nn.BatchNorm1d(2)(undefined as any)).toThrow("'NoneType' object has no attribute 'dim'");
    expect(() => new torch.nn.InstanceNorm2d(2)(null as any)).toThrow("'NoneType' object has no attribute 'dim'");
    expect(() => torch.ones(2, 3).t().asTypedArray()).toThrow(torch.RuntimeError);
  });

  it('PReLU leaves no tensor behind; LBFGS frees what a failed step made', () => {
    const before = torch.memory().liveTensors;
    new torch.nn.PReLU(3).dispose();
    expect(torch.memory().liveTensors).toBe(before);
    const p = new torch.nn.Parameter(torch.zeros(0, 4));
    const opt = new torch.optim.LBFGS([p]);
    p.grad = torch.zeros(0, 4);
    const loss = torch.zeros([]);
    const mid = torch.memory().liveTensors;
    expect(() => opt.step(() => loss)).toThrow('max(): Expected reduction dim to be specified for input.numel() == 0');
    expect(torch.memory().liveTensors).toBe(mid);
  });
});

describe('third fuzz round', () => {
  it('an in-place op on an integer view with a grad-requiring argument does not rebase a missing node', () => {
    const base = torch.tensor([5, 6]);
    const v = base.slice(0, 0, 1);
    const value = torch.tensor(1, { dtype: torch.float16, requiresGrad: true });
    v.indexFill_(-1, torch.tensor([0]), value);
    expect(base.tolist()).toEqual([1, 6]);
  });

  it('out= with a result that is not one tensor raises RuntimeError and frees the result', () => {
    const before = torch.memory().liveTensors;
    const out = torch.zeros(2, { dtype: torch.int64 });
    const x = torch.ones(2);
    expect(() => torch.nonzero(x, { asTuple: true, out } as any)).toThrow('nonzero does not support the out kwarg when it returns a tuple');
    out.dispose();
    x.dispose();
    expect(torch.memory().liveTensors).toBe(before);
  });

  it('backward(inputs=[non-leaf]) fills its .grad (PyTorch), and leaks nothing', () => {
    const x = torch.ones(3, 2, { requiresGrad: true });
    const before = torch.memory().liveTensors;
    const y = x.mul(2);
    const s = torch.tidy(() => y.mul(y).sum());
    s.backward({ inputs: [y] });
    expect(y.grad!.tolist()).toEqual([[4, 4], [4, 4], [4, 4]]);
    expect(x.grad).toBe(null);
    for (const t of [s, y]) t.dispose(); // y's .grad with it
    expect(torch.memory().liveTensors).toBe(before);
  });

  it('matrix_norm / norm free their temporaries; tensordot, expand, Softmax2d, cpu, tensor check their arguments', () => {
    const a = torch.tensor([[0.43], [-2.54], [2.51]], { dtype: torch.float32 });
    const before = torch.memory().liveTensors;
    torch.linalg.matrixNorm(a, 2).dispose();
    torch.linalg.norm(a, 'nuc').dispose();
    expect(torch.memory().liveTensors).toBe(before);
    expect(() => torch.tensordot(torch.ones(2, 3), torch.ones(3, 2), NaN as any)).toThrow(
      'tensordot expects dims to be int or Tuple[List[int], List[int]] or List[List[int]] containing two lists, but got dims=nan');
    expect(() => torch.broadcastTo(torch.tensor([2]), [-2147483648, 1, 2])).toThrow('numel: integer multiplication overflow');
    expect(() => new torch.nn.Softmax2d()(undefined as any)).toThrow("'NoneType' object has no attribute 'dim'");
    const d = torch.ones(1);
    d.dispose();
    expect(() => d.cpu()).toThrow("cpu(): argument 'self' is a tensor that was disposed");
    expect(() => torch.tensor(d)).toThrow("tensor(): argument 'data' is a tensor that was disposed");
  });
});

describe('lr schedulers check what they are given', () => {
  it('LambdaLR/MultiplicativeLR lambdas, SequentialLR lists, CyclicLR/OneCycleLR numbers', () => {
    const p = new torch.nn.Parameter(torch.zeros(2));
    const opt = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    const S = torch.optim.lr_scheduler;
    expect(() => new S.LambdaLR(opt, 2 as any)).toThrow(new TypeError("'int' object is not callable"));
    expect(() => new S.MultiplicativeLR(opt, [null] as any)).toThrow("'NoneType' object is not callable");
    expect(() => new S.SequentialLR(opt, 2 as any, [1])).toThrow(new TypeError("object of type 'int' has no len()"));
    expect(() => new S.SequentialLR(opt, [new S.StepLR(opt, 1)], undefined as any)).toThrow("object of type 'NoneType' has no len()");
    const fresh = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    expect(() => new S.CyclicLR(fresh, { baseLr: 2n ** 70n, maxLr: 'x' } as any)).toThrow('max_lr must be a float or a list of floats, not str');
    expect(fresh.paramGroups[0].lr).toBe(0.1); // checked before anything changed
    const ok = new S.CyclicLR(fresh, { baseLr: 1n, maxLr: 2 } as any);
    expect(ok.getLastLr()).toEqual([1]);
  });
});
