// The backward pass: discover the graph from the roots, then run nodes in dependency
// order (later-created first among the ready ones), summing gradients per input.
//
// Invariants: a node runs once all nodes that feed it have run; a gradient tensor the
// engine made is disposed as soon as no node, .grad or caller holds it. Writes to .grad
// (leaves, retained grads, backward(inputs=...)) and the release of saved tensors wait
// until every node has run, so a backward that throws leaves every .grad and the graph
// as they were and can run again (PyTorch may have accumulated into some leaves and
// freed part of the graph by then); hooks still run when their node does.

import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { keep, pushScope, popScope } from '../tensor/scope.js';
import { shapeEquals, RuntimeError } from '../tensor/shape.js';
import { AccumulateGrad, Node, edgeOf } from './node.js';
import { isGradEnabled, setGradEnabled } from './grad_mode.js';
import { graphOps } from './graph_ops.js';
import { contiguousCopy } from '../tensor/copy.js';
import { fill } from '../kernels/memory.js';

/** A copy of t with its own storage, outside the graph. */
const clone = (t: Tensor): Tensor => contiguousCopy(t);

/** t's values, cut from the graph (a view of its storage). */
const detach = (t: Tensor): Tensor => t._view(t._shape, t._strides, t._offset);

/** The implicit gradient of a one-element root. */
function onesLike(t: Tensor): Tensor {
  const ones = Tensor._empty(t._shape, t.dtype);
  fill(ones, 1);
  return ones;
}

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

class Heap {
  private a: Node[] = [];
  get size(): number {
    return this.a.length;
  }
  push(n: Node): void {
    const a = this.a;
    a.push(n);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].seq >= a[i].seq) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): Node {
    const a = this.a;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l].seq > a[m].seq) m = l;
        if (r < a.length && a[r].seq > a[m].seq) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

function runHooks(hooks: ((g: Tensor) => Tensor | void)[] | null | undefined, g: Tensor): Tensor {
  if (!hooks) return g;
  pushScope(null);
  try {
    for (const h of hooks) {
      const r = h(g);
      if (r instanceof Tensor) {
        checkHookResult(h, g, r);
        g = r;
      }
    }
  } finally {
    popScope();
  }
  return g;
}

/** PyTorch's check of what a gradient hook returned: same dtype and size as what it was given. */
function checkHookResult(hook: { name: string }, given: Tensor, result: Tensor): void {
  const name = hook.name || '<lambda>';
  result._check('backward', 'the hook result');
  if (result.dtype !== given.dtype) {
    throw new RuntimeError(
      `hook '${name}' has changed the type of value (was torch.${given.dtype.scalarName}Tensor got torch.${result.dtype.scalarName}Tensor)`,
    );
  }
  if (!shapeEquals(result._shape, given._shape)) throw new RuntimeError(`hook '${name}' has changed the size of value`);
}

/** PyTorch's checks of what backward / autograd.grad were given, before anything runs. */
function checkBackwardArgs(roots: unknown[], grads: unknown[], options: Record<string, unknown>): void {
  for (const r of roots) {
    if (!(r instanceof Tensor)) throw new TypeError(`backward(): expected the outputs to be Tensors, but got ${pyTypeName(r)}`);
    r._check('backward');
  }
  for (const g of grads) {
    if (g === null || g === undefined) continue;
    if (!(g instanceof Tensor)) throw new TypeError(`gradients can be either Tensors or None, but got ${pyTypeName(g)}`);
    g._check('backward', 'gradient');
  }
  for (const key of ['retainGraph', 'createGraph', 'allowUnused'] as const) {
    const v = options[key];
    if (v !== undefined && v !== null && typeof v !== 'boolean') {
      throw new TypeError(`backward(): argument '${key}' must be bool, not ${pyTypeName(v)}`);
    }
  }
  for (const key of ['inputs', 'captureFor'] as const) {
    const list = options[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new TypeError(`backward(): argument 'inputs' must be a list of Tensors, not ${pyTypeName(list)}`);
    if (key === 'inputs' && list.length === 0) throw new RuntimeError("'inputs' argument to backward() cannot be empty.");
    for (const t of list) {
      if (!(t instanceof Tensor)) throw new RuntimeError(`all inputs have to be Tensors, but got ${pyTypeName(t)}`);
      t._check('backward', 'inputs');
    }
  }
}

/**
 * Runs backward from `roots` seeded with `grads`. With `captureFor` (autograd.grad),
 * returns the gradients of those tensors instead of accumulating into leaves' .grad;
 * with `inputs` (backward(inputs=...)), accumulates only into those.
 */
export function runBackward(
  roots: Tensor[],
  grads: (Tensor | null)[],
  options: BackwardOptions & { inputs?: Tensor[]; captureFor?: Tensor[]; allowUnused?: boolean },
): (Tensor | null)[] | undefined {
  checkBackwardArgs(roots, grads, options as Record<string, unknown>);
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  // Tensors made during backward; those not kept (.grad, retained) or returned are freed.
  const ownedList = new TrackingList();
  const owned = ownedList.set;
  const kept = new Set<Tensor>();
  const returned = new Set<Tensor>();
  // How many input-buffer slots hold each gradient: it is freed when none does.
  const refs = new Map<Tensor, number>();
  const ref = (t: Tensor): void => {
    refs.set(t, (refs.get(t) ?? 0) + 1);
  };
  // Writes to .grad, made once every node has run, and the gradients they will use.
  const commits: { target: Tensor; write: () => void }[] = [];
  const released: Node[] = [];
  const held = new Set<Tensor>();
  const later = (target: Tensor, g: Tensor, write: () => void): void => {
    held.add(g);
    commits.push({ target, write });
  };
  const maybeFree = (t: Tensor): void => {
    if (owned.has(t) && !kept.has(t) && !returned.has(t) && !held.has(t) && !refs.has(t)) t.dispose();
  };
  const unref = (t: Tensor): void => {
    const n = (refs.get(t) ?? 1) - 1;
    if (n > 0) refs.set(t, n);
    else {
      refs.delete(t);
      maybeFree(t);
    }
  };
  const prevGrad = isGradEnabled();
  pushScope(ownedList);
  try {
    setGradEnabled(createGraph);
    const buffers = new Map<Node, (Tensor | null)[]>();
    const addTo = (node: Node, nr: number, g: Tensor): void => {
      let buf = buffers.get(node);
      if (!buf) buffers.set(node, (buf = []));
      const prev = buf[nr];
      if (prev == null) {
        buf[nr] = g;
        ref(g);
      } else {
        const sum = graphOps().add(prev, g);
        buf[nr] = sum;
        ref(sum);
        unref(prev);
        maybeFree(g);
      }
    };
    const rootNodes: Node[] = [];
    roots.forEach((r, i) => {
      const e = edgeOf(r);
      if (e === null) throw new RuntimeError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
      let g = grads[i];
      if (g === null || g === undefined) {
        if (r.numel() !== 1) throw new RuntimeError('grad can be implicitly created only for scalar outputs');
        g = onesLike(r);
      } else if (!shapeEquals(g._shape, r._shape)) {
        throw new RuntimeError(
          `Mismatch in shape: grad_output[${i}] has a shape of torch.Size([${g._shape.join(', ')}]) and output[${i}] has a shape of torch.Size([${r._shape.join(', ')}]).`,
        );
      }
      addTo(e.node, e.inputNr, g);
      rootNodes.push(e.node);
    });

    // Where the gradients of `captureFor` / `inputs` arrive.
    const targets = options.captureFor ?? options.inputs;
    const targetEdges = targets?.map((t) => {
      const e = edgeOf(t);
      if (e === null) throw new RuntimeError('One of the differentiated Tensors does not require grad');
      return e;
    });
    const captured: (Tensor | null)[] = targets ? targets.map(() => null) : [];

    // Discover the graph and count, per node, the edges that feed it.
    const deps = new Map<Node, number>();
    const seen = new Set<Node>(rootNodes);
    const stack = [...seen];
    while (stack.length) {
      const n = stack.pop()!;
      for (const e of n.next) {
        if (!e) continue;
        deps.set(e.node, (deps.get(e.node) ?? 0) + 1);
        if (!seen.has(e.node)) {
          seen.add(e.node);
          stack.push(e.node);
        }
      }
    }
    // With targets, only nodes that lead to one need to run.
    let needed: Set<Node> | null = null;
    if (targetEdges) {
      needed = new Set<Node>();
      const targetNodes = new Set(targetEdges.map((e) => e.node));
      const memo = new Map<Node, boolean>();
      const leads = (n: Node): boolean => {
        const m = memo.get(n);
        if (m !== undefined) return m;
        memo.set(n, false);
        let r = targetNodes.has(n);
        for (const e of n.next) if (e && leads(e.node)) r = true;
        memo.set(n, r);
        if (r) needed!.add(n);
        return r;
      };
      for (const n of seen) leads(n);
    }

    const ready = new Heap();
    for (const n of seen) if (!deps.get(n)) ready.push(n);
    while (ready.size) {
      const node = ready.pop();
      const buf = buffers.get(node) ?? [];
      buffers.delete(node);
      // Hooks and retained grads on this node's outputs.
      for (let nr = 0; nr < buf.length; nr++) {
        const g = buf[nr];
        if (!g) continue;
        const hooked = runHooks(node.preHooks?.get(nr), g);
        if (hooked !== g) {
          buf[nr] = hooked;
          ref(hooked);
          unref(g);
        }
        const retained = node.retained?.get(nr)?.deref();
        if (retained) {
          const copy = createGraph || !hooked._requiresGrad ? clone(hooked) : detach(clone(hooked));
          later(retained, copy, () => {
            const prev = retained._grad;
            const rg = prev ? graphOps().add(prev, copy) : copy;
            retained._grad = keep(rg);
            kept.add(rg);
          });
        }
      }
      if (targetEdges) {
        targetEdges.forEach((e, i) => {
          const g = buf[e.inputNr];
          if (e.node !== node || !g) return;
          if (options.captureFor) {
            captured[i] = g;
            returned.add(g);
          } else if (!(node instanceof AccumulateGrad)) {
            // backward(inputs=[non-leaf]) fills its .grad, as PyTorch does (a leaf's AccumulateGrad runs below);
            // a copy, since g goes on through the node
            const v = targets![i];
            const hooked = runHooks(v._hooks, g);
            later(v, hooked, () => accumulate(v, hooked, createGraph, owned, kept, returned, false));
          }
        });
      }
      let outs: (Tensor | null)[] = [];
      const run = needed === null || needed.has(node);
      if (node instanceof AccumulateGrad) {
        if (!options.captureFor && buf[0] && run) {
          const v = node.variable;
          const hooked = runHooks(v._hooks, buf[0]);
          later(v, hooked, () => accumulate(v, hooked, createGraph, owned, kept, returned));
        }
      } else if (run && buf.some((g) => g)) {
        outs = node.apply(buf);
        if (node.postHooks) {
          pushScope(null);
          try {
            for (const h of node.postHooks) h(outs, buf);
          } finally {
            popScope();
          }
        }
        if (!retainGraph) released.push(node);
      } else if (run && !retainGraph) {
        released.push(node);
      }
      node.next.forEach((e, k) => {
        if (!e) return;
        const g = outs[k];
        if (g) addTo(e.node, e.inputNr, g);
        const d = (deps.get(e.node) ?? 1) - 1;
        deps.set(e.node, d);
        if (d === 0) ready.push(e.node);
      });
      for (const g of outs) if (g) maybeFree(g);
      for (const g of buf) if (g) unref(g);
    }
    for (const { target } of commits) target._grad?._check('backward', 'grad');
    for (const { write } of commits) write();
    for (const node of released) node.release();
    if (options.captureFor) {
      if (!options.allowUnused && captured.some((g) => g === null)) {
        throw new RuntimeError(
          'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.',
        );
      }
      return captured.map((g) => {
        if (g === null || createGraph || !g._requiresGrad) return g;
        const d = detach(g);
        returned.add(d);
        returned.delete(g);
        return d;
      });
    }
    return undefined;
  } finally {
    setGradEnabled(prevGrad);
    for (const t of ownedList) if (!kept.has(t) && !returned.has(t)) t.dispose();
    popScope(returned);
  }
}

/** A scope list that also answers membership quickly. */
class TrackingList extends Array<Tensor> {
  readonly set = new Set<Tensor>();
  override push(...ts: Tensor[]): number {
    for (const t of ts) this.set.add(t);
    return super.push(...ts);
  }
}

/** Adds g (the gradient after v's hooks) into v.grad. */
function accumulate(
  v: Tensor, g: Tensor, createGraph: boolean, owned: Set<Tensor>, kept: Set<Tensor>, returned: Set<Tensor>, mayTake = true,
): void {
  if (v._grad === null) {
    // Take the engine's tensor when nobody else holds it, else copy (PyTorch's use_count rule).
    const take = mayTake && owned.has(g) && !kept.has(g) && !returned.has(g) && (createGraph || !g._requiresGrad);
    const grad = take ? g : createGraph ? clone(g) : detach(clone(g));
    v._grad = keep(grad);
    kept.add(grad);
  } else if (createGraph) {
    v._grad = keep(graphOps().add(v._grad, g));
    kept.add(v._grad);
  } else {
    graphOps().addInPlace(v._grad, g);
  }
}
