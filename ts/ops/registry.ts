// One definition per op. defineOp() takes the op's schema, its forward (kernel calls,
// no graph) and one backward formula per differentiable input (written with ops), and
// derives every form: torch.fn, the Tensor method, the in-place fn_ and the out= form,
// with argument checking and graph recording done here once.

import { Tensor } from '../tensor/tensor.js';
import { canCast } from '../tensor/dtype.js';
import { shapeEquals, contiguousStrides, numelOf, RuntimeError } from '../tensor/shape.js';
import { Storage } from '../tensor/storage.js';
import { keep, scoped, openScope, closeScope } from '../tensor/scope.js';
import { isGradEnabled, noGrad, enableGrad } from '../autograd/grad_mode.js';
import { Node, Edge, AccumulateGrad } from '../autograd/node.js';
import { bindArgs, camelCase, isPlainObject, Param, parseSignature } from './signature.js';
import { copyInto } from './kernels.js';

/** What a backward formula sees: arguments by name (tensors as saved), the result, and
 * `meta[name]` = {shape, dtype} of every differentiable tensor input. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GradCtx = Record<string, any>;
export type GradFormula = (g: Tensor, ctx: GradCtx, grads: (Tensor | null)[]) => Tensor | null;

export interface OpSpec {
  /** PyTorch's name, snake_case ('log_softmax'); methods and functions use camelCase. */
  name: string;
  /** PyTorch schema params: "Tensor self, int dim, bool keepdim=False". */
  sig: string;
  /** Computes the result without recording a graph. Args come in signature order. */
  forward: (...args: any[]) => any;
  /** Writes the result into `out` (in-place and out= forms) instead of allocating. */
  into?: (out: Tensor, ...args: any[]) => void;
  /** Backward formula per differentiable input param. Without it the op is composite:
   * its forward calls other ops, which record the graph themselves. */
  grad?: Record<string, GradFormula>;
  /** One formula for several inputs at once, when they share work (PyTorch's
   * "input, weight, bias: convolution_backward(...)"): returns gradients by param name.
   * `ctx.needs[name]` says which inputs want one. */
  gradAll?: { inputs: string[]; formula: (g: Tensor, ctx: GradCtx, grads: (Tensor | null)[]) => Record<string, Tensor | null> };
  /** Params (or 'result') the formulas read; saved with version checks. */
  save?: string[];
  /** Autograd node name; default PascalCase(name) + 'Backward0'. */
  nodeName?: string | ((...args: any[]) => string);
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
}

export interface OpInfo extends OpSpec {
  params: Param[];
  /** Indices of params that have a gradient formula. */
  diff: number[];
}

export const ops = new Map<string, OpInfo>();

const pascal = (s: string): string => s.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

// ---------------------------------------------------------------------------
// Saved tensors

class SavedTensor {
  readonly tensor: Tensor;
  readonly version: number;
  /** The saved input itself: PyTorch's error names its grad_fn as it is when unpacking. */
  private readonly original: { deref(): Tensor | undefined } | null;
  constructor(t: Tensor, readonly isOutput: boolean, readonly nodeName: string) {
    this.version = t._s.version;
    // without WeakRef (older Cloudflare Workers) the reference is strong
    this.original = isOutput ? null : typeof WeakRef === 'function' ? new WeakRef(t) : { deref: () => t };
    this.tensor = keep(new Tensor(t._s, t.dtype, t._shape, t._strides, t._offset));
    this.tensor._requiresGrad = t._requiresGrad;
    if (!isOutput) {
      this.tensor._gradFn = t._gradFn;
      this.tensor._outputNr = t._outputNr;
      if (t._requiresGrad && t._gradFn === null) this.tensor._gradAccumulator = gradAccumulator(t);
    }
  }
  unpack(): Tensor {
    const t = this.tensor;
    if (t._s.version !== this.version) {
      const desc = `[torch.${t.dtype.scalarName}Tensor [${t._shape.join(', ')}]]`;
      const orig = this.original?.deref();
      const which = this.isOutput
        ? `, which is output ${t._outputNr} of ${this.nodeName},`
        : orig?._gradFn
          ? `, which is output ${orig._outputNr} of ${orig._gradFn.name},`
          : '';
      throw new RuntimeError(
        `one of the variables needed for gradient computation has been modified by an inplace operation: ${desc}${which} is at version ${t._s.version}; expected version ${this.version} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).`,
      );
    }
    return t;
  }
  release(): void {
    this.tensor.dispose();
  }
  /** A saved output takes its output's graph position once record() has set it. */
  link(output: Tensor): void {
    // weak: the node owns this saved output, so counting it as a use would keep the node alive forever
    this.tensor._weakFn = output._gradFn;
    this.tensor._outputNr = output._outputNr;
    this.tensor._requiresGrad = output._requiresGrad;
  }
}

// ---------------------------------------------------------------------------
// Graph edges

/** The AccumulateGrad node of a leaf, made once per tensor. */
export function gradAccumulator(t: Tensor): Node {
  return (t._gradAccumulator ??= new AccumulateGrad(t));
}

/** Where the gradient of `t` must go, or null when it needs none. */
export function edgeOf(t: unknown): Edge | null {
  if (!(t instanceof Tensor) || !t._requiresGrad) return null;
  if (t._gradFn !== null) return { node: t._gradFn, inputNr: t._outputNr };
  return { node: gradAccumulator(t), inputNr: 0 };
}

/** Set by the reduction ops: sums a broadcast gradient back to an input's shape. */
export const autogradHooks = {
  sumToShape: (g: Tensor, shape: readonly number[]): Tensor => g,
  castGrad: (g: Tensor, dtype: Tensor['dtype']): Tensor => g,
};

const releasedMessage =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

interface InputMeta {
  shape: readonly number[];
  dtype: Tensor['dtype'];
}

/** The node recorded by a defineOp op. */
export class OpNode extends Node {
  private saved: Map<string, SavedTensor | SavedTensor[]> | null = new Map();
  private hadSaved = false;
  constructor(
    name: string,
    next: (Edge | null)[],
    private readonly info: OpInfo,
    private readonly args: unknown[],
    /** For each differentiable input, its param index and (for lists) element index. */
    private readonly slots: { param: number; elem: number; meta: InputMeta }[],
  ) {
    super(name, next);
  }

  /** @internal */
  save(key: string, v: Tensor | Tensor[], isOutput: boolean): void {
    this.hadSaved = true;
    // saved outputs get this node as grad_fn in linkSavedOutputs(), once it owns them
    this.saved!.set(key, Array.isArray(v) ? v.map((t) => new SavedTensor(t, isOutput, this.name)) : new SavedTensor(v, isOutput, this.name));
  }

  /**
   * @internal Links the saved 'result' tensors to this node's outputs, so formulas that
   * read the result stay differentiable under create_graph (double backward).
   */
  linkSavedOutputs(outputs: unknown[]): void {
    const s = this.saved?.get('result');
    if (!s) return;
    const outs = outputs.filter((o) => o instanceof Tensor) as Tensor[];
    (Array.isArray(s) ? s : [s]).forEach((st, i) => st.link(outs[i]));
  }

  private ctx(): GradCtx {
    const meta: Record<string, InputMeta | InputMeta[]> = {};
    for (const sl of this.slots) {
      const name = this.info.params[sl.param].name;
      if (sl.elem < 0) meta[name] = sl.meta;
      else ((meta[name] ??= []) as InputMeta[])[sl.elem] = sl.meta;
    }
    const needs: Record<string, boolean> = {};
    this.slots.forEach((sl, k) => {
      const name = this.info.params[sl.param].name;
      needs[name] = needs[name] === true || this.next[k] !== null;
    });
    const ctx: Record<string, unknown> = { meta, needs };
    const saved = this.saved;
    if (saved === null) throw new RuntimeError(releasedMessage);
    const params = this.info.params;
    for (let i = 0; i < params.length; i++) {
      const v = this.args[i];
      const isTensorArg = v instanceof Tensor || (Array.isArray(v) && v.some((x) => x instanceof Tensor));
      if (!isTensorArg) ctx[params[i].name] = v;
    }
    for (const [key, s] of saved) {
      Object.defineProperty(ctx, key, {
        get: () => (Array.isArray(s) ? s.map((x) => x.unpack()) : s.unpack()),
        enumerable: true,
      });
    }
    return ctx as GradCtx;
  }

  apply(gradOutputs: (Tensor | null)[]): (Tensor | null)[] {
    if (this.saved === null && this.hadSaved) throw new RuntimeError(releasedMessage);
    const ctx = this.ctx();
    const g = gradOutputs[0];
    const all = this.info.gradAll;
    const shared = all ? scoped(() => all.formula(g as Tensor, ctx, gradOutputs)) : null;
    const out: (Tensor | null)[] = [];
    for (let k = 0; k < this.slots.length; k++) {
      if (this.next[k] === null) {
        out.push(null);
        continue;
      }
      const slot = this.slots[k];
      const name = this.info.params[slot.param].name;
      const formula = shared ? () => shared[name] ?? null : this.info.grad![name];
      const c = slot.elem >= 0 ? Object.assign(Object.create(ctx), { index: slot.elem }) : ctx;
      const gi = scoped(() => {
        let r = formula(g as Tensor, c, gradOutputs);
        if (r !== null) {
          if (!shapeEquals(r._shape, slot.meta.shape)) r = autogradHooks.sumToShape(r, slot.meta.shape);
          if (r.dtype !== slot.meta.dtype) r = autogradHooks.castGrad(r, slot.meta.dtype);
        }
        return r;
      });
      out.push(gi);
    }
    return out;
  }

  override release(): void {
    if (this.saved === null) return;
    for (const s of this.saved.values()) {
      if (Array.isArray(s)) s.forEach((x) => x.release());
      else s.release();
    }
    this.saved = null;
  }
}

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

/** Records the node for `result` (the forward's output) computed from `vals`. */
function record(info: OpInfo, vals: unknown[], inputs: [number, number, Tensor][], result: unknown, savedSelf?: Tensor): void {
  const name = typeof info.nodeName === 'function' ? info.nodeName(...vals) : info.nodeName ?? `${pascal(info.name)}Backward0`;
  const next = inputs.map(([, , t]) => edgeOf(t));
  const slots = inputs.map(([param, elem, t]) => ({ param, elem, meta: { shape: t._shape, dtype: t.dtype } }));
  const node = new OpNode(name, next, info, vals, slots);
  const outputs = (Array.isArray(result) ? result : [result]) as unknown[];
  for (const key of info.save ?? []) {
    if (key === 'result') {
      node.save('result', Array.isArray(result) ? (result as Tensor[]).filter((r) => r instanceof Tensor) : (result as Tensor), true);
    } else if (key === 'self' && savedSelf) {
      node.save('self', savedSelf, false);
    } else {
      const idx = info.params.findIndex((p) => p.name === key);
      const v = vals[idx];
      if (v instanceof Tensor || (Array.isArray(v) && v.every((x) => x instanceof Tensor))) node.save(key, v as Tensor | Tensor[], false);
    }
  }
  outputs.forEach((o, i) => {
    if (o instanceof Tensor && o.dtype.isFloatingPoint) {
      o._gradFn = node;
      o._outputNr = i;
      o._requiresGrad = true;
    }
  });
  node.linkSavedOutputs(outputs);
  if (!outputs.some((o) => o instanceof Tensor && o._gradFn === node)) {
    // no differentiable output: nothing will ever backward through the node
    node.use();
    node.drop();
  }
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
  const storage = new Storage(numelOf(shape) * t.dtype.itemsize);
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
  try {
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
  // The formulas may need self's value from before the write: keep a copy.
  const savedSelf = grad && info.save?.includes('self') ? noGrad(() => (self as any).clone() as Tensor) : undefined;
  const oldEdgeHolder = grad ? keep(new Tensor(self._s, self.dtype, self._shape, self._strides, self._offset)) : null;
  if (oldEdgeHolder) {
    oldEdgeHolder._requiresGrad = self._requiresGrad;
    oldEdgeHolder._gradFn = self._gradFn;
    oldEdgeHolder._outputNr = self._outputNr;
    if (self._requiresGrad && self._gradFn === null) oldEdgeHolder._gradAccumulator = gradAccumulator(self);
  }
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
    rebaseView(self);
  }
  if (oldEdgeHolder) oldEdgeHolder.dispose();
  if (savedSelf) savedSelf.dispose();
  return self;
}

/** Set by autograd/views.ts: after an in-place op on a view, makes the base's graph see it. */
export const viewHooks = { rebase: (_view: Tensor): void => {} };
function rebaseView(t: Tensor): void {
  if (t._base !== null) viewHooks.rebase(t);
}

/** The public function of an op, for internal callers that already hold checked args. */
export function callOp(info: OpInfo, ...args: unknown[]): any {
  return run(info, args);
}

/**
 * Declares an op and installs its forms. Returns the torch.* function.
 * @example
 * export const neg = defineOp({ name: 'neg', sig: 'Tensor self', forward: ..., grad: { self: (g) => g.neg() } });
 */
export function defineOp<F extends (...args: any[]) => any = (...args: any[]) => any>(spec: OpSpec): F {
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
  return fn as F;
}

/** Runs `fn` with grad recording on (for backward formulas under createGraph). */
export { enableGrad };
