// Deterministic inputs for the nn tests (the RNG is not needed to test kernels).
import { torch } from '../helpers.js';

/** A float64 tensor of `shape` with reproducible values in [-1, 1), optionally requiring grad. */
export function det(shape: number[], seed = 1, options: { requiresGrad?: boolean; dtype?: torch.DType } = {}): torch.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed * 2654435761 + 12345;
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    vals.push((s / 2147483648) * 2 - 1);
  }
  const t = torch.tensor(vals, { dtype: options.dtype ?? torch.float64 }).reshape(shape);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * d/d(first `n` inputs) of sum(fn(inputs) * G) with create_graph, as one list:
 * gradcheck of this checks second derivatives. (Leave out inputs whose gradient is
 * constant, such as a bias: it has no graph to check.)
 */
export function gradOf(fn: (...xs: torch.Tensor[]) => torch.Tensor, n: number, seed = 7) {
  // grad mode on even where gradcheck evaluates under no_grad (its finite differences)
  return (...xs: torch.Tensor[]): torch.Tensor[] =>
    torch.enableGrad(() => {
      const y = fn(...xs);
      const g = det([...y.shape], seed);
      return torch.autograd.grad(y.mul(g).sum(), xs.slice(0, n), { createGraph: true }) as torch.Tensor[];
    });
}

/**
 * g -> d/dx sum(fn(x) * g) with create_graph, for a fixed x: gradcheck of this over g
 * checks the backward op's own gradient (for ops whose gradient is linear in g and
 * does not depend on x, like pooling).
 */
export function vjpOf(fn: (x: torch.Tensor) => torch.Tensor, x: torch.Tensor) {
  return (g: torch.Tensor): torch.Tensor =>
    torch.enableGrad(() => torch.autograd.grad(fn(x).mul(g).sum(), [x], { createGraph: true })[0] as torch.Tensor);
}
