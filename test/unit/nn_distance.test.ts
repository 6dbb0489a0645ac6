// nn.CosineSimilarity, nn.PairwiseDistance and their functional forms against
// PyTorch 1.13: values and gradients with broadcasting, integer inputs, gradcheck.
import { describe, it, expect } from 'vitest';
import { torch, expectClose } from '../helpers.js';
import { det } from './nn_helpers.js';

const nn = torch.nn;
const F = torch.nn.functional;
const close = (t: torch.Tensor, want: number[]): void => expectClose(t, want, 1e-8, 1e-9);

describe('nn.CosineSimilarity', () => {
  it('matches PyTorch with broadcasting, a negative dim and eps', () => {
    const x1 = det([3, 4], 7, { requiresGrad: true });
    const x2 = det([2, 1, 4], 8, { requiresGrad: true });
    const y = new nn.CosineSimilarity({ dim: -1, eps: 1e-6 })(x1, x2);
    expect(y.shape).toEqual([2, 3]);
    close(y, [-0.04729486745, 0.7356911621, 0.6691500146, -0.9030281317, 0.2243449109, -0.5919293594]);
    y.backward(det([2, 3], 9));
    close(x1.grad!, [
      0.2077385751, -0.0746592478, 0.05571613494, 0.04725781748, 0.4327801374, -1.02887738, -0.05294912695, 1.429763213,
      -0.1467592068, -0.03776348835, -0.0675624833, 0.2379176237,
    ]);
    close(x2.grad!, [-0.02060663646, -0.07847434095, -0.2132192758, 0.01362577904, -1.458991557, 0.7763153065, 0.3791688603, 0.486577584]);
  });

  it('promotes integers to the floating dtype, gives 0 for a zero vector, passes gradcheck', () => {
    expectClose(F.cosineSimilarity(torch.tensor([[1, 2], [3, 5]]), torch.tensor([[0, 2], [1, 1]], { dtype: torch.float32 })), [0.8944271803, 0.9701425433]);
    expect(F.cosineSimilarity(torch.zeros(2, 3), torch.ones(2, 3)).tolist()).toEqual([0, 0]);
    expect(() => F.cosineSimilarity(torch.tensor([1, 2, 3]), torch.tensor([1, 2, 4]), { dim: 0 })).toThrow(
      'expected common dtype to be floating point, yet common dtype is Long');
    expect(() => F.cosineSimilarity(torch.zeros(2, 3), torch.zeros(3, 3))).toThrow(
      'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0');
    expect(torch.autograd.gradcheck((a: torch.Tensor, b: torch.Tensor) => F.cosineSimilarity(a, b, 0), [
      det([4, 3], 1, { requiresGrad: true }), det([4, 1], 2, { requiresGrad: true })])).toBe(true);
    expect(String(new nn.CosineSimilarity())).toBe('CosineSimilarity()');
  });
});

describe('nn.PairwiseDistance', () => {
  it('matches PyTorch with p, eps, keepdim and broadcasting', () => {
    const x1 = det([3, 4], 10, { requiresGrad: true });
    const x2 = det([4], 11, { requiresGrad: true });
    const m = new nn.PairwiseDistance({ p: 1.5, eps: 1e-3, keepdim: true });
    const y = m(x1, x2);
    expect(y.shape).toEqual([3, 1]);
    close(y, [2.039346537, 1.773870619, 0.6822690938]);
    y.backward(det([3, 1], 12));
    close(x1.grad!, [
      -0.1385670474, -0.05928572665, -0.07083038796, 0.1234228395, -0.2774049545, -0.8135536732, 0.4284451193,
      -0.08910176797, 0.1520199286, -0.8046034155, 0.3987602301, -0.1683784658,
    ]);
    close(x2.grad!, [0.2639520734, 1.677442815, -0.7563749614, 0.1340573943]);
    expect([m.norm, m.eps, m.keepdim]).toEqual([1.5, 1e-3, true]);
  });

  it('takes integer and 0-d inputs as PyTorch, passes gradcheck', () => {
    expectClose(F.pairwiseDistance(torch.tensor([[1, 2], [3, 5]]), torch.tensor([[0, 2], [1, 1]])), [1.000000954, 4.472137451]);
    expectClose(F.pairwiseDistance(torch.tensor(1, { dtype: torch.float32 }), torch.tensor(3, { dtype: torch.float32 })), [1.999999046]);
    expect(F.pairwiseDistance(det([5, 2, 3]), det([3])).shape).toEqual([5, 2]);
    expect(torch.autograd.gradcheck((a: torch.Tensor, b: torch.Tensor) => new nn.PairwiseDistance(3)(a, b), [
      det([2, 3], 3, { requiresGrad: true }), det([2, 3], 4, { requiresGrad: true })])).toBe(true);
    expect(String(new nn.PairwiseDistance())).toBe('PairwiseDistance()');
  });
});
