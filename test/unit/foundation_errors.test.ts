// Bad input: every case throws a JS Error with PyTorch's exception class and message
// (or one naming the op for JS-only calls), never a wasm trap, and leaves the memory
// report exactly as it was. The library keeps working afterwards.
import { describe, it, expect } from 'vitest';
import { torch } from '../helpers.js';

type ErrorClass = new (...args: never[]) => Error;

/** Runs fn, expecting it to throw `cls` with `message` (exact string or pattern), and no memory change. */
function expectCleanError(fn: () => unknown, cls: ErrorClass, message: string | RegExp): void {
  const before = torch.memory();
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'no error was thrown').not.toBeNull();
  expect(err).not.toBeInstanceOf(WebAssembly.RuntimeError);
  expect(err).toBeInstanceOf(cls);
  if (typeof message === 'string') expect((err as Error).message).toBe(message);
  else expect((err as Error).message).toMatch(message);
  const after = torch.memory();
  expect(after.bytesInUse).toBe(before.bytesInUse);
  expect(after.liveTensors).toBe(before.liveTensors);
  expect(after.liveStorages).toBe(before.liveStorages);
}

const { RuntimeError, IndexError, ValueError } = torch;

// Inputs live for the whole file so that the error paths alone are measured.
const a = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: torch.float32 }); // 2x3
const ones3x2 = torch.ones(3, 2);
const ones4 = torch.ones(4);
const ones3 = torch.ones(3);
const ones2x2 = torch.ones(2, 2);
const ones223 = torch.ones(2, 2, 3);
const idxOob = torch.tensor([[0, 3], [1, 0]]);
const idx1d = torch.tensor([0, 1]);
const idxFloat = torch.tensor([[0, 1], [1, 0]], { dtype: torch.float32 });
const scalar = torch.tensor(1.5);
const ints = torch.tensor([1, 2, 3]);
const aCopy = a.clone();
const aT = a.t();
const col4 = torch.ones(4, 1);
const aSum = a.sum();

describe('wrong shapes', () => {
  it('broadcasting mismatches', () => {
    expectCleanError(() => a.add(ones4), RuntimeError,
      'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1');
    expectCleanError(() => torch.mul(ones223, col4), RuntimeError,
      'The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 1');
    expectCleanError(() => aCopy.add_(ones223), RuntimeError, /doesn't match the broadcast shape \[2, 2, 3\]/);
  });

  it('matrix products', () => {
    expectCleanError(() => torch.mm(a, a), RuntimeError, 'mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)');
    expectCleanError(() => torch.matmul(a, ones2x2), RuntimeError, 'mat1 and mat2 shapes cannot be multiplied (2x3 and 2x2)');
    expectCleanError(() => torch.mm(ones3, a), RuntimeError, 'self must be a matrix');
    expectCleanError(() => torch.dot(ones3, ones4), RuntimeError,
      'inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively');
    expectCleanError(() => torch.bmm(ones223, ones223), RuntimeError,
      'Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 2].');
  });

  it('views, reshapes and expands', () => {
    expectCleanError(() => a.view(4, 2), RuntimeError, "shape '[4, 2]' is invalid for input of size 6");
    expectCleanError(() => a.reshape(-1, -1), RuntimeError, 'only one dimension can be inferred');
    expectCleanError(() => aT.view(6), RuntimeError, /^view size is not compatible with input tensor's size and stride/);
    expectCleanError(() => a.expand(3, 3), RuntimeError,
      'The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0.  Target sizes: [3, 3].  Tensor sizes: [2, 3]');
    expectCleanError(() => a.narrow(1, 2, 2), RuntimeError, 'start (2) + length (2) exceeds dimension size (3).');
    expectCleanError(() => a.asStrided([10, 10], [1, 1]), RuntimeError,
      'setStorage: sizes [10, 10], strides [1, 1], storage offset 0, and itemsize 4 requiring a storage size of 76 are out of bounds for storage of size 24');
    expectCleanError(() => a.asStrided([2], [1], 5), RuntimeError, /requiring a storage size of 28 are out of bounds for storage of size 24/);
  });

  it('joins and splits', () => {
    expectCleanError(() => torch.cat([a, ones3x2]), RuntimeError,
      'Sizes of tensors must match except in dimension 0. Expected size 3 but got size 2 for tensor number 1 in the list.');
    expectCleanError(() => torch.cat([a, ones223]), RuntimeError, 'Tensors must have same number of dimensions: got 2 and 3');
    expectCleanError(() => torch.cat([]), RuntimeError, 'torch.cat(): expected a non-empty list of Tensors');
    expectCleanError(() => torch.stack([a, ones3x2]), RuntimeError,
      'stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [3, 2] at entry 1');
    expectCleanError(() => a.chunk(0), RuntimeError, 'chunk expects `chunks` to be greater than 0, got: 0');
    expectCleanError(() => torch.split(ones4, [2, 1]), RuntimeError,
      "split_with_sizes expects split_sizes to sum exactly to 4 (input tensor's size at dimension 0), but got split_sizes=[2, 1]");
  });

  it('factories', () => {
    expectCleanError(() => torch.zeros(2, -1), RuntimeError, 'Trying to create tensor with negative dimension -1: [2, -1]');
    expectCleanError(() => torch.eye(-1), RuntimeError, 'n must be greater or equal to 0, got -1');
    expectCleanError(() => torch.arange(0, 1, 0), RuntimeError, 'step must be nonzero');
    expectCleanError(() => torch.linspace(0, 1, -1), RuntimeError, 'number of steps must be non-negative');
    expectCleanError(() => torch.fromArray(new Float32Array(4), [3]), RuntimeError, /^fromArray\(\): shape \[3\] is invalid/);
    expectCleanError(() => torch.ones(1e10), RuntimeError, /^DefaultCPUAllocator: can't allocate memory: you tried to allocate 40000000000 bytes/);
  });

  it('gather/scatter index tensors', () => {
    expectCleanError(() => torch.gather(a, 1, idx1d), RuntimeError,
      'Index tensor must have the same number of dimensions as input tensor');
    expectCleanError(() => torch.gather(a, 1, idxFloat), RuntimeError, 'gather(): Expected dtype int64 for index');
  });
});

describe('dims out of range', () => {
  const range2 = (d: number) => `Dimension out of range (expected to be in range of [-2, 1], but got ${d})`;
  it('reductions, views and joins name the range', () => {
    expectCleanError(() => a.sum(2), IndexError, range2(2));
    expectCleanError(() => a.sum(-3), IndexError, range2(-3));
    expectCleanError(() => a.mean({ dim: 5 }), IndexError, range2(5));
    expectCleanError(() => a.transpose(0, 2), IndexError, range2(2));
    expectCleanError(() => a.squeeze(2), IndexError, range2(2));
    expectCleanError(() => a.unsqueeze(4), IndexError, 'Dimension out of range (expected to be in range of [-3, 2], but got 4)');
    expectCleanError(() => a.select(2, 0), IndexError, range2(2));
    expectCleanError(() => a.flatten(0, 5), IndexError, range2(5));
    expectCleanError(() => a.movedim(0, 5), IndexError, range2(5));
    expectCleanError(() => a.chunk(2, { dim: 3 }), IndexError, range2(3));
    expectCleanError(() => torch.cat([a, a], 2), IndexError, range2(2));
    expectCleanError(() => torch.gather(a, 2, idxOob), IndexError, range2(2));
    expectCleanError(() => scalar.sum(1), IndexError, 'Dimension out of range (expected to be in range of [-1, 0], but got 1)');
  });

  it('permute checks its dims', () => {
    expectCleanError(() => a.permute(0, 0), RuntimeError, 'permute(): duplicate dims are not allowed.');
  });
});

describe('unknown dtypes', () => {
  const known = 'torch.float32, torch.float64, torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool, torch.float16, torch.bfloat16';
  it('name the op and list the dtypes', () => {
    expectCleanError(() => torch.tensor([1, 2], { dtype: 'float128' }), TypeError, `tensor(): unknown dtype "float128"; expected one of ${known}`);
    expectCleanError(() => torch.zeros(2, { dtype: 'complex64' }), TypeError, /^zeros\(\): unknown dtype "complex64"/);
    expectCleanError(() => torch.ones(2, { dtype: 42 as never }), TypeError, /^ones\(\): unknown dtype "42"/);
    expectCleanError(() => a.to('int128'), TypeError, /^to\(\): unknown dtype "int128"/);
    expectCleanError(() => torch.arange(3, { dtype: 'double64' }), TypeError, /^arange\(\): unknown dtype "double64"/);
  });
});

describe('indices out of range', () => {
  it('get/set check every index', () => {
    expectCleanError(() => a.get(2, 0), IndexError, 'index 2 is out of bounds for dimension 0 with size 2');
    expectCleanError(() => a.get(0, -4), IndexError, 'index -4 is out of bounds for dimension 1 with size 3');
    expectCleanError(() => a.get(0), IndexError, 'get(): expected 2 indices for a tensor of dim 2, got 1');
    expectCleanError(() => a.get(0, 0.5), TypeError, 'get(): indices must be integers, got 0.5');
    expectCleanError(() => a.set(0, 3, 1), IndexError, 'index 3 is out of bounds for dimension 1 with size 3');
    expectCleanError(() => a.set(-3, 0, 1), IndexError, 'index -3 is out of bounds for dimension 0 with size 2');
    expectCleanError(() => a.set(0, 0, 0, 1), IndexError, 'set(): expected 2 indices for a tensor of dim 2, got 3');
    expect(a.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]); // no failed set wrote anything
  });

  it('kernel-side index checks throw instead of trapping', () => {
    expectCleanError(() => torch.gather(a, 1, idxOob), RuntimeError, 'index 3 is out of bounds for dimension 1 with size 3');
    const target = a.clone();
    expectCleanError(() => target.scatter_(1, idxOob, 0), RuntimeError, 'index 3 is out of bounds for dimension 1 with size 3');
    expect(target.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]); // validated before writing
    target.dispose();
  });

  it('select and item', () => {
    expectCleanError(() => a.select(0, 2), IndexError, 'select(): index 2 out of range for tensor of size [2, 3] at dimension 0');
    expectCleanError(() => a.item(), ValueError, 'only one element tensors can be converted to Python scalars');
  });
});

describe('ragged and invalid nested arrays', () => {
  it('ragged lists name the dim and the lengths', () => {
    expectCleanError(() => torch.tensor([[1, 2], [3]]), ValueError, 'expected sequence of length 2 at dim 1 (got 1)');
    expectCleanError(() => torch.tensor([[[1], [2]], [[3], [4, 5]]]), ValueError, 'expected sequence of length 1 at dim 2 (got 2)');
    expectCleanError(() => torch.tensor([[1, 2], [3, 4], [5, 6, 7]]), ValueError, 'expected sequence of length 2 at dim 1 (got 3)');
    expectCleanError(() => torch.tensor([[1, 2], 3]), Error, /sequence/);
    expectCleanError(() => torch.tensor([1, [2, 3]]), Error, /sequence/);
  });

  it('non-numbers are refused', () => {
    expectCleanError(() => torch.tensor(['a'] as never), TypeError, /^tensor\(\)/);
    expectCleanError(() => torch.tensor([1, undefined] as never), TypeError, /^tensor\(\)/);
    expectCleanError(() => torch.tensor([null] as never), TypeError, /^tensor\(\)/);
    expectCleanError(() => torch.tensor({} as never), TypeError, /^tensor\(\)/);
  });
});

describe('autograd misuse', () => {
  it('backward and requiresGrad', () => {
    expectCleanError(() => aSum.backward(), RuntimeError, 'element 0 of tensors does not require grad and does not have a grad_fn');
    expectCleanError(() => ints.requiresGrad_(), RuntimeError, 'only Tensors of floating point dtype can require gradients');
    expectCleanError(() => ints.add_(1.5), RuntimeError, "result type Float can't be cast to the desired output type Long");
  });
});

describe('state after errors', () => {
  it('a failing op inside tidy leaves the scope stack balanced', () => {
    const before = torch.memory();
    expect(() => torch.tidy(() => {
      torch.ones(5).mul(2);
      return a.add(ones4);
    })).toThrow(RuntimeError);
    expect(torch.memory().bytesInUse).toBe(before.bytesInUse);
    expect(torch.memory().liveTensors).toBe(before.liveTensors);
    // A tensor made now belongs to no scope: a later tidy must not free it.
    const t = torch.ones(2);
    torch.tidy(() => torch.zeros(1));
    expect(t.isDisposed).toBe(false);
    expect(t.add(1).tolist()).toEqual([2, 2]);
    t.dispose();
  });

  it('ops still compute correctly after every error above', () => {
    const r = torch.tidy(() => a.matmul(ones3x2).add(1).sum(0));
    expect(r.tolist()).toEqual([23, 23]); // [[6, 6], [15, 15]] + 1, summed over rows
    r.dispose();
  });
});
