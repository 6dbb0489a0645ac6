// Recording: the node a defineOp op leaves in the graph. It holds the op's
// derivative formulas (PyTorch's derivatives.yaml entry), the arguments they read
// and the tensors they saved, and applies the formulas in backward.

import { Tensor } from '../tensor/tensor.js';
import { shapeEquals, RuntimeError } from '../tensor/shape.js';
import { scoped } from '../tensor/scope.js';
import { Node, Edge, edgeOf } from './node.js';
import { SavedTensor } from './saved.js';
import { graphOps } from './graph_ops.js';

/** What a backward formula sees: arguments by name (tensors as saved), the result, and
 * `meta[name]` = {shape, dtype} of every differentiable tensor input. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GradCtx = Record<string, any>;
export type GradFormula = (g: Tensor, ctx: GradCtx, grads: (Tensor | null)[]) => Tensor | null;

/** The part of an op's declaration the graph uses: its params and derivative formulas. */
export interface Derivatives {
  /** PyTorch's name, snake_case ('log_softmax'). */
  name: string;
  /** The op's params in signature order. */
  params: readonly { name: string }[];
  /** Backward formula per differentiable input param, written with ops (so that it is
   * differentiable again). */
  grad?: Record<string, GradFormula>;
  /** One formula for several inputs at once, when they share work (PyTorch's
   * "input, weight, bias: convolution_backward(...)"): returns gradients by param name.
   * `ctx.needs[name]` says which inputs want one. */
  gradAll?: { inputs: string[]; formula: (g: Tensor, ctx: GradCtx, grads: (Tensor | null)[]) => Record<string, Tensor | null> };
  /** Params (or 'result') the formulas read; saved with version checks. */
  save?: string[];
  /** Autograd node name; default PascalCase(name) + 'Backward0'. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  nodeName?: string | ((...args: any[]) => string);
}

const pascal = (s: string): string => s.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

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
    private readonly info: Derivatives,
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
          if (!shapeEquals(r._shape, slot.meta.shape)) r = graphOps().sumToShape(r, slot.meta.shape);
          if (r.dtype !== slot.meta.dtype) r = graphOps().cast(r, slot.meta.dtype);
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

/** Records the node for `result` (the forward's output) computed from `vals`. */
export function record(info: Derivatives, vals: unknown[], inputs: [number, number, Tensor][], result: unknown, savedSelf?: Tensor): void {
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

