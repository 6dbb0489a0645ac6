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
