// Module.loadStateDict: PyTorch's load_state_dict, with one difference by design:
// every key and shape is checked before any tensor is written, so a failed load
// leaves the module as it was (PyTorch copies what it can, then raises).

import { Tensor } from '../tensor/tensor.js';
import { RuntimeError } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad_mode.js';
import type { Module } from './module.js';

/** What loadStateDict returns (PyTorch's _IncompatibleKeys), printed as PyTorch prints it. */
export class IncompatibleKeys {
  constructor(readonly missingKeys: string[], readonly unexpectedKeys: string[]) {}
  toString(): string {
    if (this.missingKeys.length === 0 && this.unexpectedKeys.length === 0) return '<All keys matched successfully>';
    const list = (ks: string[]): string => `[${ks.map((k) => `'${k}'`).join(', ')}]`;
    return `_IncompatibleKeys(missing_keys=${list(this.missingKeys)}, unexpected_keys=${list(this.unexpectedKeys)})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

const sizeStr = (shape: readonly number[]): string => `torch.Size([${shape.join(', ')}])`;

function pyTypeRepr(v: unknown): string {
  if (v === null || v === undefined) return "<class 'NoneType'>";
  if (typeof v === 'number') return Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>";
  if (typeof v === 'string') return "<class 'str'>";
  if (typeof v === 'boolean') return "<class 'bool'>";
  if (Array.isArray(v)) return "<class 'list'>";
  return `<class '${(v as object).constructor?.name ?? 'object'}'>`;
}

/** Collects the plan of a load: copies to make, keys missing or unexpected, errors. */
export class LoadStateDictContext {
  readonly missingKeys: string[] = [];
  readonly unexpectedKeys: string[] = [];
  readonly errors: string[] = [];
  readonly copies: [Tensor, Tensor][] = [];
  /** Tensors a module made for this load (freed when it ends). */
  readonly temporaries: Tensor[] = [];
  constructor(readonly stateDict: Map<string, unknown>) {}

  /**
   * Plans the copies into a module's own tensors (`local`: name -> parameter or
   * buffer) and notes which keys under `prefix` belong to nothing in the module.
   */
  planLocal(module: Module, prefix: string, local: Map<string, Tensor>): void {
    const sd = this.stateDict;
    for (const [name, param] of local) {
      const key = prefix + name;
      if (!sd.has(key)) {
        this.missingKeys.push(key);
        continue;
      }
      const given = sd.get(key);
      if (!(given instanceof Tensor)) {
        this.errors.push(
          `While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${pyTypeRepr(given)}`,
        );
        continue;
      }
      given._check('load_state_dict', key);
      // backward compatibility of PyTorch: a 1-element 1-d tensor loads into a 0-d one
      const input: Tensor = param.ndim === 0 && given.ndim === 1 && given.shape[0] === 1 ? (given as any).reshape([]) : given;
      if (!sameShape(input.shape, param.shape)) {
        this.errors.push(
          `size mismatch for ${key}: copying a param with shape ${sizeStr(input.shape)} from checkpoint, the shape in current model is ${sizeStr(param.shape)}.`,
        );
        continue;
      }
      this.copies.push([param, input]);
    }
    for (const key of sd.keys()) {
      if (!key.startsWith(prefix)) continue;
      const first = key.slice(prefix.length).split('.', 1)[0];
      if (!module._modules.has(first) && !local.has(first)) this.unexpectedKeys.push(key);
    }
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function loadStateDictInto(
  root: Module,
  stateDict: Record<string, unknown> | Map<string, unknown>,
  strict: boolean,
): IncompatibleKeys {
  if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict) || stateDict instanceof Tensor) {
    throw new TypeError(`Expected state_dict to be dict-like, got ${pyTypeRepr(stateDict)}.`);
  }
  // a copy: modules may add entries while loading (BatchNorm's num_batches_tracked)
  const sd = new Map<string, unknown>(stateDict instanceof Map ? stateDict : Object.entries(stateDict));
  const ctx = new LoadStateDictContext(sd);
  const walk = (m: Module, prefix: string): void => {
    m._loadFromStateDict(ctx, prefix);
    for (const [name, child] of m._modules) if (child !== null) walk(child, `${prefix}${name}.`);
  };
  try {
    walk(root, '');
    return applyPlan(root, ctx, strict);
  } finally {
    for (const t of ctx.temporaries) t.dispose();
  }
}

function applyPlan(root: Module, ctx: LoadStateDictContext, strict: boolean): IncompatibleKeys {
  const errors = [...ctx.errors];
  if (strict) {
    if (ctx.unexpectedKeys.length > 0) {
      errors.unshift(`Unexpected key(s) in state_dict: ${ctx.unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (ctx.missingKeys.length > 0) {
      errors.unshift(`Missing key(s) in state_dict: ${ctx.missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
  }
  if (errors.length > 0) {
    throw new RuntimeError(`Error(s) in loading state_dict for ${root._getName()}:\n\t${errors.join('\n\t')}`);
  }
  noGrad(() => {
    for (const [param, input] of ctx.copies) (param as any).copy_(input);
  });
  return new IncompatibleKeys(ctx.missingKeys, ctx.unexpectedKeys);
}
