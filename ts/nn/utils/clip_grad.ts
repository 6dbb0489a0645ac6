// torch.nn.utils.clip_grad_norm_ / clip_grad_value_: rescale or clamp the gradients
// of parameters in place, as PyTorch 1.13 computes it (the same ops in the same order,
// so the scaled gradients match PyTorch's rounding).

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { getDefaultDtype } from '../../tensor/dtype.js';
import { tidy, keep } from '../../tensor/scope.js';
import { isPlainObject } from '../../ops/signature.js';
import { max, norm, stack, tensor } from '../../ops/all.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { pyFloat, tensorList } from './parameters.js';

type Parameters = Tensor | Iterable<Tensor>;

export interface ClipGradNormOptions {
  normType?: number | string;
  errorIfNonfinite?: boolean;
  /** Accepted for PyTorch 2's signature and ignored: the update is one loop either way. */
  foreach?: boolean | null;
}

/** Splits (positional..., options?) into PyTorch's clip_grad_norm_ arguments. */
function clipNormArgs(args: unknown[]): [unknown, unknown, unknown] {
  const kw = (args.length > 0 && isPlainObject(args[args.length - 1]) ? args.pop() : {}) as Record<string, unknown>;
  const names = ['normType', 'errorIfNonfinite', 'foreach'];
  for (const k of Object.keys(kw)) {
    if (!names.includes(k)) throw new TypeError(`clip_grad_norm_() got an unexpected keyword argument '${k}'`);
  }
  // foreach is keyword-only (1.13 has no such parameter; later versions add it last)
  if (args.length > 2) throw new TypeError(`clip_grad_norm_() takes from 2 to 4 positional arguments but ${args.length + 2} were given`);
  return names.map((n, i) => {
    if (i < args.length && kw[n] !== undefined) throw new TypeError(`clip_grad_norm_() got multiple values for argument '${n}'`);
    return i < args.length ? args[i] : kw[n];
  }) as [unknown, unknown, unknown];
}

/**
 * Scales the gradients of `parameters` in place so that their total norm (of all
 * gradients together, as one vector) is at most maxNorm; returns that total norm
 * (computed before clipping) as a tensor.
 * @example
 * loss.backward();
 * const total = nn.utils.clipGradNorm_(model.parameters(), 1.0);           // 2-norm
 * nn.utils.clipGradNorm_(model.parameters(), 0.5, { normType: Infinity }); // or 'inf'
 */
export function clipGradNorm_(parameters: Parameters, maxNorm: number, ...args: (number | string | boolean | ClipGradNormOptions | undefined)[]): Tensor {
  const [normTypeArg, errorArg] = clipNormArgs(args);
  const params = tensorList('clip_grad_norm_', parameters);
  const maxN = pyFloat('clip_grad_norm_', 'max_norm', maxNorm);
  const normType = normTypeArg === undefined ? 2.0 : pyFloat('clip_grad_norm_', 'norm_type', normTypeArg);
  const errorIfNonfinite = errorArg === undefined ? false : errorArg;
  if (typeof errorIfNonfinite !== 'boolean') throw new TypeError(`clip_grad_norm_(): argument 'error_if_nonfinite' must be bool`);
  const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return tensor(0.0, { dtype: getDefaultDtype() });
  return noGrad(() =>
    tidy(() => {
      let total: Tensor;
      if (normType === Infinity) {
        const norms = grads.map((g) => g.detach().abs().max());
        total = norms.length === 1 ? norms[0] : max(stack(norms));
      } else {
        total = norm(stack(grads.map((g) => norm(g.detach(), normType))), normType);
      }
      if (errorIfNonfinite && (total.isnan().item() || total.isinf().item())) {
        throw new RuntimeError(
          `The total norm of order ${pyFloatStr(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``,
        );
      }
      // max_norm / (total_norm + 1e-6) is Tensor.__rdiv__: reciprocal, then times max_norm
      const coef = total.add(1e-6).reciprocal().mul(maxN).clamp({ max: 1.0 });
      for (const g of grads) g.detach().mul_(coef);
      return keep(total);
    }),
  );
}

/** Python's str() of a float. */
const pyFloatStr = (x: number): string =>
  Number.isNaN(x) ? 'nan' : !Number.isFinite(x) ? (x > 0 ? 'inf' : '-inf') : Number.isInteger(x) ? `${x}.0` : String(x);

/** PyTorch's deprecated name: warns, then clips as clipGradNorm_. */
export function clipGradNorm(parameters: Parameters, maxNorm: number, ...args: (number | string | boolean | ClipGradNormOptions | undefined)[]): Tensor {
  console.warn('UserWarning: torch.nn.utils.clip_grad_norm is now deprecated in favor of torch.nn.utils.clip_grad_norm_.');
  return clipGradNorm_(parameters, maxNorm, ...args);
}

/**
 * Clamps each gradient of `parameters` in place to [-clipValue, clipValue].
 * @example nn.utils.clipGradValue_(model.parameters(), 0.1)
 */
export function clipGradValue_(parameters: Parameters, clipValue: number | { clipValue: number }): void {
  const params = tensorList('clip_grad_value_', parameters);
  const raw = isPlainObject(clipValue) ? (clipValue as { clipValue: number }).clipValue : clipValue;
  const c = pyFloat('clip_grad_value_', 'clip_value', raw);
  for (const p of params) p.grad?._check('clip_grad_value_', 'grad'); // all checked before any is clamped
  noGrad(() => {
    for (const p of params) p.grad?.detach().clamp_(-c, c);
  });
}
