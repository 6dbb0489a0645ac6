// One definition per op. defineOp() takes the op's schema, its forward (kernel calls,
// no graph) and one backward formula per differentiable input (written with ops), and
// derives every form: torch.fn, the Tensor method, the in-place fn_ and the out= form,
// with argument checking done here once and the graph recorded through autograd/.

import { Tensor } from '../tensor/tensor.js';
import { canCast } from '../tensor/dtype.js';
import { shapeEquals, contiguousStrides, storageBytes, RuntimeError } from '../tensor/shape.js';
import { Storage } from '../tensor/storage.js';
import { keep, scoped, openScope, closeScope } from '../tensor/scope.js';
import { isGradEnabled, noGrad } from '../autograd/grad_mode.js';
import { gradAccumulator } from '../autograd/node.js';
import { record, Derivatives } from '../autograd/record.js';
import { rebaseView } from '../autograd/views.js';
import { bindArgs, camelCase, isPlainObject, Param, parseSignature } from './signature.js';
import type { TorchOps } from './signatures.js';
import { copyInto } from '../tensor/copy.js';

export type { GradCtx, GradFormula } from '../autograd/record.js';

/** An op's declaration: its schema, forward, the forms it offers, and (from autograd's
 * Derivatives) its backward formulas. Without formulas the op is composite: its forward
 * calls other ops, which record the graph themselves. */
export interface OpSpec extends Omit<Derivatives, 'params'> {
  /** PyTorch's name, snake_case ('log_softmax'); methods and functions use camelCase. */
  name: string;
  /** PyTorch schema params: "Tensor self, int dim, bool keepdim=False". */
  sig: string;
  /** Computes the result without recording a graph. Args come in signature order. */
  forward: (...args: any[]) => any;
  /** Writes the result into `out` (in-place and out= forms) instead of allocating. */
  into?: (out: Tensor, ...args: any[]) => void;
  /** Offer torch.name (default true). */
  fn?: boolean;
  /** Offer Tensor.prototype.name (default: when the first param is `self`). */
  method?: boolean;
  /** Offer the in-place form name_. */
  inplace?: boolean;
  /** Accept an `out` option. */
  out?: boolean;
  /** Outputs are views of `self` (view ops): autograd tracks the base. */
  view?: boolean;
  /** PyTorch's other names for the op (snake_case: 'greater_equal'): the Tensor method
   * and in-place forms are installed under them too, and the public types declare them. */
  aliases?: string[];
  /** The result, in PyTorch's schema notation: 'Tensor' (the default), 'Tensor[]',
   * '(Tensor values, Tensor indices)', 'any' when the arguments decide; or a function of
   * the number of positional arguments when that decides it. For the public types
   * (scripts/gen_types.mjs); nothing checks it at run time. */
  returns?: string | ((positional: number) => string);
}

export interface OpInfo extends OpSpec {
  params: Param[];
  /** Indices of params that have a gradient formula. */
  diff: number[];
}

export const ops = new Map<string, OpInfo>();

// ---------------------------------------------------------------------------
// Dispatch

function splitKwargs(args: unknown[]): [unknown[], Record<string, unknown> | null, Tensor | null] {
  const last = args[args.length - 1];
  if (args.length === 0 || !isPlainObject(last)) return [args, null, null];
  const kw = { ...last };
  const out = (kw.out ?? null) as Tensor | null;
  delete kw.out;
  return [args.slice(0, -1), kw, out];
}

/** Differentiable tensors among the args: [param index, element index or -1, tensor]. */
function diffInputs(info: OpInfo, vals: unknown[]): [number, number, Tensor][] {
  const out: [number, number, Tensor][] = [];
  for (const i of info.diff) {
    const v = vals[i];
    if (v instanceof Tensor) out.push([i, -1, v]);
    else if (Array.isArray(v)) v.forEach((t, j) => t instanceof Tensor && out.push([i, j, t]));
  }
  return out;
}

function needsGrad(inputs: [number, number, Tensor][]): boolean {
  if (!isGradEnabled()) return false;
  for (const [, , t] of inputs) if (t._requiresGrad) return true;
  return false;
}

/** Whether grad mode is on and a differentiable input requires grad (allocates nothing). */
function anyRequiresGrad(info: OpInfo, vals: unknown[]): boolean {
  if (!isGradEnabled()) return false;
  const diff = info.diff;
  for (let k = 0; k < diff.length; k++) {
    const v = vals[diff[k]];
    if (v instanceof Tensor) {
      if (v._requiresGrad) return true;
    } else if (Array.isArray(v)) {
      for (let j = 0; j < v.length; j++) if (v[j] instanceof Tensor && (v[j] as Tensor)._requiresGrad) return true;
    }
  }
  return false;
}

/** The forward inside an op scope (its temporaries are freed, the result kept). */
function callForward(info: OpInfo, vals: unknown[]): unknown {
  const scope = openScope();
  let result: unknown;
  try {
    result = info.forward(...vals);
  } catch (e) {
    closeScope(scope, null);
    throw e;
  }
  closeScope(scope, result);
  return result;
}

function run(info: OpInfo, args: unknown[]): unknown {
  const last = args.length > 0 ? args[args.length - 1] : undefined;
  if (last !== undefined && !(last instanceof Tensor) && isPlainObject(last)) {
    const [pos, kw, out] = splitKwargs(args);
    const vals = bindArgs(info.name, info.params, pos, kw);
    if (out !== null) return runOut(info, vals, out);
    return runBound(info, vals);
  }
  return runBound(info, bindArgs(info.name, info.params, args, null));
}

function runBound(info: OpInfo, vals: unknown[]): unknown {
  if (info.diff.length === 0 || !anyRequiresGrad(info, vals)) return callForward(info, vals);
  const inputs = diffInputs(info, vals);
  const result = noGrad(() => callForward(info, vals));
  record(info, vals, inputs, result);
  if (info.view) markViews(result, vals[0] as Tensor);
  return result;
}

function markViews(result: unknown, base: Tensor): void {
  const root = base._base ?? base;
  for (const r of Array.isArray(result) ? result : [result]) if (r instanceof Tensor) r._base = root;
}

/** Re-points `t` at fresh contiguous storage of `shape` (out= with the wrong size). */
export function resizeTo(t: Tensor, shape: readonly number[]): void {
  if (shapeEquals(t._shape, shape)) return;
  const storage = new Storage(storageBytes(shape, t.dtype.itemsize));
  storage.retain();
  t._s.release();
  t._s = storage;
  t._shape = Object.freeze([...shape]);
  t._strides = contiguousStrides(shape);
  t._offset = 0;
}

function runOut(info: OpInfo, vals: unknown[], out: Tensor): unknown {
  if (!info.out) throw new TypeError(`${info.name}() got an unexpected keyword argument 'out'`);
  if (!(out instanceof Tensor)) throw new TypeError(`${info.name}(): argument 'out' must be Tensor`);
  out._check(info.name, 'out');
  if (isGradEnabled() && (out._requiresGrad || diffInputs(info, vals).some(([, , t]) => t._requiresGrad))) {
    throw new RuntimeError(
      `${info.name}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`,
    );
  }
  const result = noGrad(() => scoped(() => info.forward(...vals))) as Tensor;
  if (!((result as unknown) instanceof Tensor)) {
    for (const t of Array.isArray(result) ? (result as unknown[]) : []) if (t instanceof Tensor) t.dispose();
    throw new RuntimeError(`${info.name} does not support the out kwarg when it returns ${Array.isArray(result) ? 'a tuple' : 'no tensor'}`);
  }
  try {
    if (shapeEquals(out._shape, result._shape)) checkNoInternalOverlap(out); // (an out= to be resized gets new memory)
    if (!canCast(result.dtype, out.dtype)) {
      throw new RuntimeError(`result type ${result.dtype.scalarName} can't be cast to the desired output type ${out.dtype.scalarName}`);
    }
    resizeTo(out, result._shape);
    copyInto(out, result);
    out._s.version++;
  } finally {
    if (result !== out) result.dispose();
  }
  return out;
}

/**
 * In-place forms that may write a tensor whose elements share memory (an expand()ed
 * tensor), as in PyTorch: fills write one value everywhere, and index_put_ /
 * masked_fill_ / index_fill_ only warn there.
 */
const MAY_OVERLAP = new Set(['fill', 'zero', '_index_put_impl', 'index_fill', 'masked_fill', 'tril', 'triu']);

/** PyTorch's has_internal_overlap: a dim of size > 1 with stride 0 (as expand() makes). */
const hasInternalOverlap = (t: Tensor): boolean => t._shape.some((n, i) => n > 1 && t._strides[i] === 0);

/** PyTorch's assert_no_internal_overlap, for a tensor an op is about to write. */
export function checkNoInternalOverlap(t: Tensor): void {
  if (hasInternalOverlap(t)) {
    throw new RuntimeError(
      'unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.',
    );
  }
}

function runInplace(info: OpInfo, args: unknown[]): Tensor {
  const [pos, kw, out] = splitKwargs(args);
  if (out !== null) throw new TypeError(`${info.name}_() got an unexpected keyword argument 'out'`);
  const vals = bindArgs(`${info.name}_`, info.params, pos, kw);
  const self = vals[0] as Tensor;
  const inputs = info.diff.length ? diffInputs(info, vals) : [];
  const grad = needsGrad(inputs);
  if (isGradEnabled() && self._requiresGrad && self._gradFn === null) {
    throw new RuntimeError('a leaf Variable that requires grad is being used in an in-place operation.');
  }
  const base = self._base;
  if (isGradEnabled() && base !== null && base._requiresGrad && base._gradFn === null) {
    throw new RuntimeError('a view of a leaf Variable that requires grad is being used in an in-place operation.');
  }
  if (!MAY_OVERLAP.has(info.name)) checkNoInternalOverlap(self);
  // The formulas may need self's value from before the write: keep a copy.
  const savedSelf = grad && info.save?.includes('self') ? noGrad(() => (self as any).clone() as Tensor) : undefined;
  const oldEdgeHolder = grad ? keep(new Tensor(self._s, self.dtype, self._shape, self._strides, self._offset)) : null;
  if (oldEdgeHolder) {
    oldEdgeHolder._requiresGrad = self._requiresGrad;
    oldEdgeHolder._gradFn = self._gradFn;
    oldEdgeHolder._outputNr = self._outputNr;
    if (self._requiresGrad && self._gradFn === null) oldEdgeHolder._gradAccumulator = gradAccumulator(self);
  }
  try {
    noGrad(() => scoped(() => {
      if (info.into) {
        info.into(self, ...vals);
      } else {
        const r = info.forward(...vals) as Tensor;
        try {
          if (!canCast(r.dtype, self.dtype)) {
            throw new RuntimeError(`result type ${r.dtype.scalarName} can't be cast to the desired output type ${self.dtype.scalarName}`);
          }
          if (!shapeEquals(r._shape, self._shape)) {
            throw new RuntimeError(`output with shape [${self._shape.join(', ')}] doesn't match the broadcast shape [${r._shape.join(', ')}]`);
          }
          copyInto(self, r);
        } finally {
          if (r !== self) r.dispose();
        }
      }
    }));
    self._s.version++;
    if (grad) {
      // The node's self input is the tensor as it was; self becomes the node's output.
      const ins = inputs.map(([p, e, t]) => [p, e, t === self ? oldEdgeHolder! : t] as [number, number, Tensor]);
      const v2 = vals.map((v) => (v === self ? oldEdgeHolder : v));
      record(info, v2, ins, self, savedSelf);
      // (record attaches no node to a self of a dtype without gradients)
      if (self._base !== null && self._gradFn !== null) rebaseView(self);
    }
  } finally {
    // also when the op throws: these were made for the graph, which then is not recorded
    if (oldEdgeHolder) oldEdgeHolder.dispose();
    if (savedSelf) savedSelf.dispose();
  }
  return self;
}

/** The public function of an op, for internal callers that already hold checked args. */
export function callOp(info: OpInfo, ...args: unknown[]): any {
  return run(info, args);
}

/** The type of op N's torch.* function: generated from its schema (signatures.ts), loose
 * for ops without a public function. */
export type OpFunction<N extends string> = N extends keyof TorchOps ? TorchOps[N] : (...args: any[]) => any;

/**
 * Declares an op and installs its forms. Returns the torch.* function, typed from the
 * op's schema once scripts/gen_types.mjs has seen it.
 * @example
 * export const neg = defineOp({ name: 'neg', sig: 'Tensor self', forward: ..., grad: { self: (g) => g.neg() } });
 */
export function defineOp<const N extends string>(spec: OpSpec & { name: N }): OpFunction<N> {
  if (ops.has(spec.name)) throw new Error(`op ${spec.name} is defined twice`);
  const params = parseSignature(spec.sig);
  const differentiable = (name: string): boolean => !!spec.grad?.[name] || !!spec.gradAll?.inputs.includes(name);
  const diff = params.map((p, i) => (differentiable(p.name) ? i : -1)).filter((i) => i >= 0);
  const info: OpInfo = { ...spec, params, diff };
  ops.set(spec.name, info);
  const fn = (...args: unknown[]): unknown => run(info, args);
  Object.defineProperty(fn, 'name', { value: camelCase(spec.name) });
  const proto = Tensor.prototype as unknown as Record<string, unknown>;
  const method = spec.method ?? params[0]?.name === 'self';
  if (method) {
    proto[camelCase(spec.name)] = function (this: Tensor, ...args: unknown[]) {
      return run(info, [this, ...args]);
    };
  }
  if (spec.inplace) {
    proto[`${camelCase(spec.name)}_`] = function (this: Tensor, ...args: unknown[]) {
      return runInplace(info, [this, ...args]);
    };
  }
  for (const alias of spec.aliases ?? []) {
    if (method) proto[camelCase(alias)] = proto[camelCase(spec.name)];
    if (spec.inplace) proto[`${camelCase(alias)}_`] = proto[`${camelCase(spec.name)}_`];
  }
  return fn as OpFunction<N>;
}

