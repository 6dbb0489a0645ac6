// torch.nn.utils against PyTorch 1.13 (values printed by /usr/bin/python3 for the same
// gradients): clip_grad_norm_ for every norm type, clip_grad_value_, and the
// parameter/vector conversions, with PyTorch's errors and no leaks.
import { describe, it, expect, vi, afterEach } from 'vitest';
import { torch, values, expectClose, expectNoLeak } from '../helpers.js';

const U = torch.nn.utils;

/** Two parameters with gradients and one without, as in the PyTorch script. */
function params(): torch.Tensor[] {
  const a = torch.zeros(3, 4).requiresGrad_();
  const b = torch.zeros(5).requiresGrad_();
  const c = torch.zeros(2).requiresGrad_();
  a.grad = torch.arange(12, { dtype: torch.float32 }).view(3, 4).mul(0.37).sub(1.1);
  b.grad = torch.tensor([0.5, -2.25, 3.125, 0.001, -0.75]);
  return [a, b, c];
}

const A = [-1.100000023841858, -0.7300000190734863, -0.36000001430511475, 0.009999990463256836, 0.3799999952316284, 0.75, 1.1200000047683716, 1.4900001287460327, 1.8600000143051147, 2.2300000190734863, 2.5999999046325684, 2.9700002670288086];
const B = [0.5, -2.25, 3.125, 0.0010000000474974513, -0.75];

afterEach(() => vi.restoreAllMocks());

describe('clipGradNorm_', () => {
  it('2-norm: the total norm, and every gradient scaled by max_norm / (total + 1e-6)', () => {
    const [a, b, c] = params();
    const total = U.clipGradNorm_([a, b, c], 1.0);
    expect(total.item()).toBe(6.76077127456665);
    expect(total.dtype).toBe(torch.float32);
    expect(values(a.grad!)).toEqual([-0.16270332038402557, -0.10797583311796188, -0.05324835702776909, 0.0014791196445003152, 0.0562065988779068, 0.11093407869338989, 0.16566155850887299, 0.22038905322551727, 0.275116503238678, 0.32984399795532227, 0.3845714330673218, 0.43929898738861084]);
    expect(values(b.grad!)).toEqual([0.07395604997873306, -0.3328022360801697, 0.4622253179550171, 0.00014791211287956685, -0.11093407869338989]);
    expect(c.grad).toBe(null);
  });

  it('inf and -inf norms (given as numbers or as the strings float() reads)', () => {
    let [a, b] = params();
    expect(U.clipGradNorm_([a, b], 0.5, Infinity).item()).toBe(3.125);
    expect(values(b.grad!)).toEqual([0.07999997586011887, -0.3599998950958252, 0.49999985098838806, 0.00015999995230231434, -0.119999960064888]);
    expect(values(a.grad!).slice(0, 3)).toEqual([-0.1759999543428421, -0.1167999655008316, -0.0575999841094017]);
    [a, b] = params();
    expect(U.clipGradNorm_([a, b], 0.5, { normType: 'inf' }).item()).toBe(3.125);
    [a, b] = params();
    // the -inf "norm" is the smallest |g|: 0.001, below max_norm, so the gradients stay (times 1)
    expect(U.clipGradNorm_([a, b], 0.1, '-inf').item()).toBe(0.0010000000474974513);
    expect(values(a.grad!)).toEqual(A);
    expect(values(b.grad!)).toEqual(B);
  });

  it('p-norms (1, 3.5): PyTorch within float32 summation order', () => {
    let [a, b] = params();
    expectClose(U.clipGradNorm_([a, b], 2.5, 1), 22.226001739501953, 1e-6, 0);
    expectClose(b.grad!, [0.05624042823910713, -0.25308191776275635, 0.3515026867389679, 0.00011248086229898036, -0.08436064422130585], 1e-6, 0);
    [a, b] = params();
    expectClose(U.clipGradNorm_([a, b], 0.3, { normType: 3.5 }), 4.395139694213867, 1e-6, 0);
    expectClose(a.grad!, [-0.075082927942276, -0.04982776194810867, -0.024572594091296196, 0.0006825713790021837, 0.02593773789703846, 0.05119290202856064, 0.07644806802272797, 0.10170324146747589, 0.12695840001106262, 0.15221357345581055, 0.17746873199939728, 0.2027239203453064], 1e-6, 0);
  });

  it('leaves gradients within the bound as they were; accepts one tensor and any iterable', () => {
    const [a, b] = params();
    function* both(): Generator<torch.Tensor> {
      yield a;
      yield b;
    }
    expect(U.clipGradNorm_(both(), 100).item()).toBe(6.76077127456665);
    expect(values(a.grad!)).toEqual(A);
    expect(values(b.grad!)).toEqual(B);
    const p = torch.zeros([4], { dtype: torch.float64, requiresGrad: true });
    p.grad = torch.tensor([1e-3, 2.0, -3.0, 0.25], { dtype: torch.float64 });
    const t = U.clipGradNorm_(p, 0.7, { foreach: true });
    expect(t.dtype).toBe(torch.float64);
    expect(t.item()).toBe(3.6142082120431303);
    expect(values(p.grad)).toEqual([0.00019367998888041306, 0.3873599777608261, -0.5810399666412391, 0.04841999722010326]);
  });

  it('returns tensor(0.) without gradients', () => {
    const t = U.clipGradNorm_([torch.zeros(2).requiresGrad_()], 1);
    expect(t.item()).toBe(0);
    expect(t.dtype).toBe(torch.float32);
    expect(t.ndim).toBe(0);
  });

  it('non-finite norms: PyTorch error with error_if_nonfinite (nothing changed), else NaN gradients', () => {
    const p = torch.zeros(3).requiresGrad_();
    p.grad = torch.tensor([1, Infinity, -2], { dtype: torch.float32 });
    expect(() => U.clipGradNorm_(p, 1, { errorIfNonfinite: true })).toThrow(
      'The total norm of order 2.0 for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`',
    );
    expect(() => U.clipGradNorm_(p, 1, 3.5, true)).toThrow('The total norm of order 3.5 for gradients');
    expect(() => U.clipGradNorm_(p, 1, 3.5, true)).toThrow(torch.RuntimeError);
    expect(values(p.grad)).toEqual([1, Infinity, -2]);
    expect(U.clipGradNorm_(p, 1).item()).toBe(Infinity);
    expect(values(p.grad)).toEqual([0, NaN, -0]);
    p.grad = torch.tensor([1, NaN, -2], { dtype: torch.float32 });
    expect(U.clipGradNorm_(p, 1, 'inf').item()).toBeNaN();
    expect(values(p.grad)).toEqual([NaN, NaN, NaN]);
  });

  it('raises TypeError on bad arguments', () => {
    expect(() => U.clipGradNorm_(5 as unknown as torch.Tensor, 1)).toThrow("'int' object is not iterable");
    expect(() => U.clipGradNorm_([torch.zeros(1), 3] as unknown as torch.Tensor[], 1)).toThrow(TypeError);
    expect(() => U.clipGradNorm_([], 1, 2, false, true as never)).toThrow(
      'clip_grad_norm_() takes from 2 to 4 positional arguments but 5 were given',
    );
    expect(() => U.clipGradNorm_([], 1, { norm: 2 } as never)).toThrow("unexpected keyword argument 'norm'");
    expect(() => U.clipGradNorm_([], 1, 'two')).toThrow("could not convert string to float: 'two'");
  });

  it('keeps the deprecated clipGradNorm, with its warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const [a, b] = params();
    expect(U.clipGradNorm([a, b], 1).item()).toBe(6.76077127456665);
    expect(warn).toHaveBeenCalledWith(
      'UserWarning: torch.nn.utils.clip_grad_norm is now deprecated in favor of torch.nn.utils.clip_grad_norm_.',
    );
  });
});

describe('clipGradValue_', () => {
  it('clamps every gradient in place to [-c, c]', () => {
    const [a, b, c] = params();
    expect(U.clipGradValue_([a, b, c], 1.3)).toBe(undefined);
    expect(values(a.grad!)).toEqual([...A.slice(0, 7), 1.2999999523162842, 1.2999999523162842, 1.2999999523162842, 1.2999999523162842, 1.2999999523162842]);
    expect(values(b.grad!)).toEqual([0.5, -1.2999999523162842, 1.2999999523162842, 0.0010000000474974513, -0.75]);
    expect(c.grad).toBe(null);
    const p = torch.zeros(2).requiresGrad_();
    p.grad = torch.tensor([-5, 5], { dtype: torch.float32 });
    U.clipGradValue_(p, { clipValue: 2 });
    expect(values(p.grad)).toEqual([-2, 2]);
  });
});

describe('parametersToVector / vectorToParameters', () => {
  it('flattens in order, differentiably', () => {
    const a = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32, requiresGrad: true });
    const b = torch.tensor([5, 6], { dtype: torch.float32, requiresGrad: true });
    const v = U.parametersToVector([a, b]);
    expect(values(v)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(v.requiresGrad).toBe(true);
    v.mul(torch.arange(6, { dtype: torch.float32 })).sum().backward();
    expect(values(a.grad!)).toEqual([0, 1, 2, 3]);
    expect(values(b.grad!)).toEqual([4, 5]);
  });

  it('copies consecutive slices back into the parameters', () => {
    const a = torch.zeros([2, 3], { requiresGrad: true });
    const b = torch.zeros([2], { requiresGrad: true });
    U.vectorToParameters(torch.arange(8, { dtype: torch.float32 }), [a, b]);
    expect(values(a)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(values(b)).toEqual([6, 7]);
    expect(a.isLeaf && a.requiresGrad).toBe(true);
    // a longer vector is fine (its tail is unused), as in PyTorch
    U.vectorToParameters(torch.ones(20), [a]);
    expect(values(a)).toEqual([1, 1, 1, 1, 1, 1]);
    // a round trip
    const w = torch.randn(3, 2);
    const z = torch.zeros(3, 2);
    U.vectorToParameters(U.parametersToVector([w]), [z]);
    expect(values(z)).toEqual(values(w));
  });

  it('raises PyTorch errors, and changes nothing on a size mismatch', () => {
    expect(() => U.parametersToVector([])).toThrow('torch.cat(): expected a non-empty list of Tensors');
    expect(() => U.parametersToVector([torch.zeros(2, 3).t()])).toThrow('view size is not compatible');
    expect(() => U.parametersToVector([1] as unknown as torch.Tensor[])).toThrow(TypeError);
    const a = torch.zeros(2);
    const b = torch.zeros(2, 3);
    // PyTorch would have assigned `a` before failing on `b`: here neither changes
    expect(() => U.vectorToParameters(torch.ones(6), [a, b])).toThrow("shape '[2, 3]' is invalid for input of size 4");
    expect(values(a)).toEqual([0, 0]);
    expect(() => U.vectorToParameters([1, 2] as unknown as torch.Tensor, [a])).toThrow('expected torch.Tensor, but got: list');
    expect(() => U.vectorToParameters(torch.tensor(1), [a])).toThrow('slice() cannot be applied to a 0-dim tensor.');
    expect(() => U.vectorToParameters(torch.tensor(1), [a])).toThrow(torch.IndexError);
    expect(() => U.vectorToParameters(torch.ones(2), 3 as never)).toThrow("'int' object is not iterable");
  });
});

describe('memory', () => {
  it('frees every temporary', () => {
    const ps = params();
    const a = torch.zeros([2, 3], { requiresGrad: true });
    const vec = torch.arange(6, { dtype: torch.float32 });
    expectNoLeak(() => {
      for (let i = 0; i < 5; i++) {
        U.clipGradNorm_(ps, 1).dispose();
        U.clipGradNorm_(ps, 1, Infinity).dispose();
        U.clipGradValue_(ps, 0.5);
        U.vectorToParameters(vec, [a]);
        torch.noGrad(() => U.parametersToVector(ps)).dispose();
      }
    });
  });
});
