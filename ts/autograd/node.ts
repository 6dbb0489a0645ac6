// Graph nodes and edges. A Node turns the gradients of its outputs into gradients of
// its inputs; `next` holds, per differentiable input, where that gradient goes.

import { Tensor } from '../tensor/tensor.js';

export interface Edge {
  node: Node;
  inputNr: number;
}

let sequence = 0;

export abstract class Node {
  readonly name: string;
  /** One edge per differentiable input (null where the input needs no gradient). */
  next: (Edge | null)[];
  /** Creation order: the engine runs later nodes first when both are ready. */
  readonly seq = sequence++;
  /** Hooks on the gradient of output i (tensor.registerHook on a non-leaf). */
  preHooks: Map<number, ((g: Tensor) => Tensor | void)[]> | null = null;
  /** Non-leaf outputs that keep their gradient (retainGrad), by output index. */
  retained: Map<number, WeakRef<Tensor>> | null = null;
  /** Hooks run after apply(): (gradInputs, gradOutputs). */
  postHooks: ((gradInputs: (Tensor | null)[], gradOutputs: (Tensor | null)[]) => void)[] | null = null;

  /** Tensors (as grad_fn) and nodes (as an edge) using this node. */
  protected uses = 0;

  constructor(name: string, next: (Edge | null)[]) {
    this.name = name;
    this.next = next;
    for (const e of next) e?.node.use();
  }

  /** @internal */
  use(): void {
    this.uses++;
  }

  /** @internal When nothing uses the node any more, its saved tensors go, and so do its uses of the next nodes. */
  drop(): void {
    if (--this.uses > 0) return;
    this.release();
    const next = this.next;
    this.next = [];
    for (const e of next) e?.node.drop();
  }

  /** Gradients of the inputs from the gradients of the outputs. */
  abstract apply(gradOutputs: (Tensor | null)[]): (Tensor | null)[];

  /** Frees saved tensors (after a backward without retainGraph). */
  release(): void {}

  /** PyTorch's next_functions: [node, inputNr] per input, [null, 0] where none. */
  get nextFunctions(): [Node | null, number][] {
    return this.next.map((e) => (e ? [e.node, e.inputNr] : [null, 0]));
  }

  registerHook(fn: (gradInputs: (Tensor | null)[], gradOutputs: (Tensor | null)[]) => void): void {
    (this.postHooks ??= []).push(fn);
  }

  name_(): string {
    return this.name;
  }

  toString(): string {
    return `<${this.name}>`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** The sink of a leaf that requires grad: adds incoming gradients into `variable.grad`. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super('AccumulateGrad', []);
  }
  apply(): (Tensor | null)[] {
    throw new Error('AccumulateGrad is applied by the engine');
  }
}

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
