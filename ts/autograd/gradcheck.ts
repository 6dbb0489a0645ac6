// gradcheck: compares autograd's gradients with central finite differences (float64).

import { Tensor } from '../tensor/tensor.js';
import { RuntimeError } from '../tensor/shape.js';
import { noGrad } from './grad_mode.js';
import { grad } from './api.js';
import { tidy } from '../tensor/scope.js';
import { heapView } from '../tensor/elements.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw on mismatch (default) or return false. */
  raiseException?: boolean;
}

function outputsOf(r: Tensor | Tensor[]): Tensor[] {
  return (Array.isArray(r) ? r : [r]).filter((t) => t instanceof Tensor && t.dtype.isFloatingPoint);
}

/**
 * Checks d(fn(inputs))/d(inputs) for every input that requires grad, element by element.
 * Inputs should be contiguous float64 tensors.
 * @example torch.autograd.gradcheck((x) => x.sin(), [torch.randn(3, { dtype: torch.float64, requiresGrad: true })])
 */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[], options: GradcheckOptions = {}): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = options;
  for (const x of inputs) {
    if (x.requiresGrad && (x.dtype.name !== 'float64' || !x.isContiguous())) {
      throw new RuntimeError('gradcheck: inputs that require grad must be contiguous float64 tensors');
    }
  }
  return tidy(() => {
    const outs = outputsOf(fn(...inputs));
    const outSizes = outs.map((o) => o.numel());
    for (const [xi, x] of inputs.entries()) {
      if (!x.requiresGrad) continue;
      const n = x.numel();
      // numerical[j][k]: d out_flat[k] / d x_flat[j]
      const numerical: number[][] = [];
      for (let j = 0; j < n; j++) {
        const col: number[] = [];
        const view = () => heapView(x.dtype, x._ptr, n) as Float64Array;
        const orig = view()[j];
        const evalAt = (v: number): number[] =>
          noGrad(() =>
            tidy(() => {
              view()[j] = v;
              const r = outputsOf(fn(...inputs));
              return r.flatMap((o) => Array.from(o.to('float64').toTypedArray() as Float64Array));
            }),
          );
        const plus = evalAt(orig + eps);
        const minus = evalAt(orig - eps);
        view()[j] = orig;
        for (let k = 0; k < plus.length; k++) col.push((plus[k] - minus[k]) / (2 * eps));
        numerical.push(col);
      }
      // analytical: one backward per output element
      let k = 0;
      for (let oi = 0; oi < outs.length; oi++) {
        for (let e = 0; e < outSizes[oi]; e++, k++) {
          const gOut = outs.map((oo, q) => {
            const z = oo.detach().mul(0);
            if (q === oi) z.view(-1).set(e, 1);
            return z;
          });
          // outputs that do not depend on x through the graph have a zero Jacobian
          const live = outs.map((o, q) => [o, gOut[q]] as const).filter(([o]) => o.requiresGrad);
          const [g] = live.length
            ? grad(live.map(([o]) => o), [x], { gradOutputs: live.map(([, v]) => v), retainGraph: true, allowUnused: true })
            : [null];
          const ga = g ? Array.from(g.to('float64').contiguous().toTypedArray() as Float64Array) : new Array(n).fill(0);
          for (let j = 0; j < n; j++) {
            const a = ga[j];
            const num = numerical[j][k];
            if (!(Math.abs(a - num) <= atol + rtol * Math.abs(num))) {
              if (!raiseException) return false;
              throw new RuntimeError(
                `Jacobian mismatch for output ${oi} with respect to input ${xi},\nnumerical:${num}\nanalytical:${a}\n(element ${j} of the input, ${e} of the output)`,
              );
            }
          }
        }
      }
    }
    return true;
  });
}
