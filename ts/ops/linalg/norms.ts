// linalg.vector_norm (one reduction kernel), linalg.matrix_norm and linalg.norm
// (composites of vector norms, amax/amin and singular values, as PyTorch builds them).

import { Tensor } from '../../tensor/tensor.js';
import { DType } from '../../tensor/dtype.js';
import { normalizeDim, RuntimeError } from '../../tensor/shape.js';
import { scoped } from '../../tensor/scope.js';
import { defineOp } from '../registry.js';
import { reduceWith, expandReduced } from '../reduce/reduce.js';
import { reducedDims } from '../../kernels/reduce.js';
import { zerosLike } from '../creation/factories.js';
import { RED } from '../../kernels/codes.js';
import { svdvals } from './svd.js';

/**
 * PyTorch's norm_backward: the gradient of ||x||_p over `dims`, with g and the norm
 * already broadcast back to x's shape.
 */
function normBackward(g: Tensor, x: Tensor, p: number, norm: Tensor, dims: number[]): Tensor {
  if (p === 0) return zerosLike(x);
  if (p === 1) return x.sgn().mul(g);
  if (p === 2) return g.mul(x.div(norm).maskedFill(norm.eq(0), 0));
  if (!Number.isFinite(p)) {
    // the gradient of amax(|x|) (or amin), shared between ties, NaNs counting as maxima
    const ax = x.abs();
    const mask = ax.eq(norm).logicalOr(ax.isnan());
    return x.sgn().mul(g.div(mask.sum(dims, true)).mul(mask));
  }
  if (p < 1) {
    const scaled = x.sgn().mul(x.abs().pow(p - 1).maskedFill(x.eq(0), 0));
    return scaled.mul(g).mul(norm.pow(1 - p));
  }
  const scaled = p < 2 ? x.sgn().mul(x.abs().pow(p - 1)) : x.mul(x.abs().pow(p - 2));
  return scaled.mul(g.div(norm.pow(p - 1)).maskedFill(norm.eq(0), 0));
}

/** Throws for the norms without identity (negative or infinite order) of empty input. */
function checkEmpty(x: Tensor, ord: number, dim: number[] | null): void {
  if (x.numel() !== 0 || !(ord < 0 || ord === Infinity)) return;
  const ordName = ord === Infinity ? 'inf' : ord === -Infinity ? '-inf' : String(ord);
  if (dim === null || dim.length === 0) {
    throw new RuntimeError(`linalg.vector_norm cannot compute the ${ordName} norm on an empty tensor because the operation does not have an identity`);
  }
  for (const d of dim) {
    if (x._shape[normalizeDim(d, x.ndim)] === 0) {
      throw new RuntimeError(
        `linalg.vector_norm cannot compute the ${ordName} norm on the dimension ${d}because this dimension is empty and the operation does not have an identity`,
      );
    }
  }
}

/**
 * The ord-norm of x over `dim` (all dims when None) as a vector: ord may be any real,
 * inf and -inf (max / min |x|) and 0 (count of non-zeros).
 */
export const vectorNorm = defineOp({
  name: 'linalg_vector_norm',
  sig: 'Tensor self, Scalar ord=2, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None',
  method: false,
  out: true,
  save: ['self', 'result'],
  forward: (x: Tensor, ord: number, dim: number[] | null, keepdim: boolean, dtype: DType | null) => {
    if (!x.dtype.isFloatingPoint) {
      throw new RuntimeError(`linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${x.dtype.scalarName}`);
    }
    if (dtype !== null && !dtype.isFloatingPoint) {
      throw new RuntimeError(`linalg.vector_norm: dtype should be floating point or complex. Got ${dtype.scalarName}`);
    }
    checkEmpty(x, Number(ord), dim);
    return reduceWith(RED.NORM, x, dim, keepdim, dtype, (d) => d, Number(ord));
  },
  grad: {
    self: (g, c) => {
      const shape = c.meta.self.shape as number[];
      const x = c.dtype ? (c.self as Tensor).to(c.dtype) : c.self;
      const norm = expandReduced(c.result, shape, c.dim, c.keepdim);
      return normBackward(expandReduced(g, shape, c.dim, c.keepdim), x, Number(c.ord), norm, reducedDims(shape, c.dim));
    },
  },
});

/** ord-norm of matrices over `dim` (2 dims): 'fro', 'nuc', inf, -inf, 1, -1, 2, -2. */
export function matrixNorm(A: Tensor, ...rest: unknown[]): Tensor {
  const o = optionsOf(rest, ['ord', 'dim', 'keepdim']);
  const ord = (o.ord ?? 'fro') as number | string;
  const dim = normalizeDimArg(o.dim ?? [-2, -1]);
  const keepdim = Boolean(o.keepdim ?? false);
  const dtype = (o.dtype ?? null) as DType | null;
  return scoped(() => matrixNormImpl(A, ord, dim, keepdim, dtype));
}

function matrixNormImpl(A: Tensor, ord: number | string, dim: number[], keepdim: boolean, dtype: DType | null): Tensor {
  if (!(A instanceof Tensor)) throw new TypeError("linalg_matrix_norm(): argument 'input' (position 1) must be Tensor");
  if (A.ndim < 2) throw new RuntimeError('linalg.matrix_norm: The input tensor A must have at least 2 dimensions.');
  if (dim.length !== 2) throw new RuntimeError(`linalg.matrix_norm: dim must be a 2-tuple. Got ${dim.join(' ')}`);
  const d0 = normalizeDim(dim[0], A.ndim);
  const d1 = normalizeDim(dim[1], A.ndim);
  if (d0 === d1) throw new RuntimeError(`linalg.matrix_norm: dims must be different. Got (${dim[0]}, ${dim[1]})`);
  if (!A.dtype.isFloatingPoint) {
    throw new RuntimeError(`linalg.matrix_norm: Expected a floating point or complex tensor as input. Got ${A.dtype.scalarName}`);
  }
  if (typeof ord === 'string') {
    if (ord === 'fro') return vectorNorm(A, 2, [d0, d1], keepdim, { dtype });
    if (ord !== 'nuc') throw new RuntimeError(`linalg.matrix_norm: Order ${ord} not supported.`);
    return singularNorm(A, d0, d1, keepdim, dtype, (s) => s.sum(-1));
  }
  const abs = Math.abs(ord);
  if (abs !== 2 && abs !== 1 && abs !== Infinity) throw new RuntimeError(`linalg.matrix_norm: Order ${ord} not supported.`);
  const maxMin = (t: Tensor, d: number, kd: boolean): Tensor => (ord > 0 ? t.amax(d, kd) : t.amin(d, kd));
  if (abs === 2) return singularNorm(A, d0, d1, keepdim, dtype, (s) => maxMin(s, -1, false));
  // the 1-norm is the max abs column sum; inf is the 1-norm of the transpose
  let [sumDim, maxDim] = abs === Infinity ? [d1, d0] : [d0, d1];
  if (!keepdim && sumDim < maxDim) maxDim--;
  return maxMin(vectorNorm(A, 1, [sumDim], keepdim, { dtype }), maxDim, keepdim);
}

/** reduce(svdvals(A)) with the matrix dims moved last, put back as size-1 dims if keepdim. */
function singularNorm(A: Tensor, d0: number, d1: number, keepdim: boolean, dtype: DType | null, reduce: (s: Tensor) => Tensor): Tensor {
  const rest = [...Array(A.ndim).keys()].filter((d) => d !== d0 && d !== d1);
  const x = dtype ? A.to(dtype) : A;
  let r = reduce(svdvals(x.permute([...rest, d0, d1])) as Tensor);
  if (keepdim) for (const d of [d0, d1].sort((a, b) => a - b)) r = r.unsqueeze(d);
  return r;
}

/**
 * linalg.norm: a vector norm (ord None or numeric with 1 dim or 1-D input) or a matrix
 * norm (ord given with 2 dims or 2-D input; 'fro', 'nuc').
 */
export function norm(A: Tensor, ...rest: unknown[]): Tensor {
  const o = optionsOf(rest, ['ord', 'dim', 'keepdim']);
  const ord = (o.ord ?? null) as number | string | null;
  const dim = o.dim === undefined || o.dim === null ? null : normalizeDimArg(o.dim);
  const keepdim = Boolean(o.keepdim ?? false);
  const dtype = (o.dtype ?? null) as DType | null;
  if (!(A instanceof Tensor)) throw new TypeError("linalg_norm(): argument 'input' (position 1) must be Tensor");
  if (dim !== null) {
    if (dim.length !== 1 && dim.length !== 2) {
      throw new RuntimeError(`linalg.norm: If dim is specified, it must be of length 1 or 2. Got [${dim.join(', ')}]`);
    }
  } else if (ord !== null && A.ndim !== 1 && A.ndim !== 2) {
    throw new RuntimeError(`linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${A.ndim}D.`);
  }
  if (typeof ord === 'string' || (ord !== null && ((dim !== null && dim.length === 2) || (dim === null && A.ndim === 2)))) {
    return scoped(() => matrixNormImpl(A, ord, dim ?? [0, 1], keepdim, dtype));
  }
  return vectorNorm(A, ord ?? 2, dim, keepdim, { dtype });
}

const normalizeDimArg = (d: unknown): number[] => (Array.isArray(d) ? d.map(Number) : [Number(d)]);

/** Positional args in `names` order, then a trailing options object (camelCase keys). */
function optionsOf(rest: unknown[], names: string[]): Record<string, unknown> {
  const args = [...rest];
  const last = args[args.length - 1];
  const o: Record<string, unknown> = {};
  if (last !== null && typeof last === 'object' && !Array.isArray(last) && !(last instanceof Tensor)) {
    Object.assign(o, args.pop() as Record<string, unknown>);
  }
  if (args.length > names.length + 1) throw new TypeError(`norm() takes at most ${names.length + 2} positional arguments but ${args.length + 1} were given`);
  args.forEach((v, i) => {
    if (i < names.length) o[names[i]] = v;
    else o.dtype = v;
  });
  return o;
}
