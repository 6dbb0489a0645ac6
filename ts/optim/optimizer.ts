// torch.optim.Optimizer: parameter groups with per-group options, per-parameter state,
// zeroGrad, step(closure) and state_dicts in PyTorch's layout.
//
// Group options are camelCase (`group.weightDecay`), as constructor options are; a
// state_dict carries PyTorch's snake_case keys (`weight_decay`, `initial_lr`) and
// numbers its parameters across groups, so it round-trips through torch.save to
// PyTorch. Per-parameter state keeps PyTorch's keys (`exp_avg`, `momentum_buffer`),
// like a module's state_dict keys.

import { Tensor, isTensor } from '../tensor/tensor.js';
import { ValueError, RuntimeError } from '../tensor/shape.js';
import { keep } from '../tensor/scope.js';
import { noGrad, enableGrad } from '../autograd/grad_mode.js';
import { isPlainObject, pyTypeName } from '../ops/signature.js';
import { camelCase, snakeCase, pyRepr } from './options.js';
import { warnOnce } from './warn.js';

/** A parameter group: its parameters and its options (every default filled in). */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  [option: string]: any;
}

/** What a constructor or addParamGroup accepts as a group: params plus options overriding the defaults. */
export interface ParamGroupInput {
  params: Iterable<Tensor> | Tensor;
  [option: string]: unknown;
}

/** Tensors to optimize, or parameter groups. */
export type Params = Iterable<Tensor> | Iterable<ParamGroupInput>;

/** A parameter's optimizer state (PyTorch's keys: `step`, `exp_avg`, `momentum_buffer`, ...). */
export type ParamState = Record<string, any>;

/** Reevaluates the model and returns the loss (LBFGS calls it several times per step). */
export type Closure = () => Tensor | number;

/** PyTorch's optimizer state_dict: state by parameter index, groups with index lists. */
export interface OptimizerStateDict {
  state: Map<number, ParamState>;
  param_groups: Record<string, unknown>[];
}

/** PyTorch's `required`: an option every parameter group must give (SGD's lr). */
export const required: unique symbol = Symbol('required');

/** torch.typename of a tensor: its legacy type name (torch.FloatTensor). */
const typename = (v: unknown): string => (isTensor(v) ? `torch.${v.dtype.scalarName}Tensor` : pyTypeName(v));

/** A copy of a state value with its tensors cloned (floating ones cast to the parameter's dtype, except `step`). */
function copyState(param: Tensor, value: unknown, key?: string): unknown {
  if (isTensor(value)) {
    const cast = key !== 'step' && param.dtype.isFloatingPoint && value.dtype.isFloatingPoint ? value.to(param.dtype) : value;
    return keep(cast === value ? value.clone() : cast);
  }
  if (Array.isArray(value)) return value.map((v) => copyState(param, v));
  if (isPlainObject(value)) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) o[k] = copyState(param, v, k);
    return o;
  }
  return value;
}

/** A group from a state_dict: snake_case keys to ours, values copied. */
function groupFromDict(saved: Record<string, unknown>, params: Tensor[]): ParamGroup {
  const group: Record<string, unknown> = { params };
  for (const [k, v] of Object.entries(saved)) {
    if (k !== 'params') group[camelCase(k)] = Array.isArray(v) ? [...v] : v;
  }
  return group as ParamGroup;
}

/**
 * Base class of all optimizers (torch.optim.Optimizer).
 *
 * Subclasses pass their defaults (options in PyTorch's order) and implement
 * `_stepGroup`, which updates one group's parameters in place; `step` runs it for
 * every group under noGrad, after evaluating the closure under enableGrad.
 *
 * @example
 * const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
 * opt.zeroGrad(); lossFn(model(x), y).backward(); opt.step();
 */
export class Optimizer {
  defaults: Record<string, unknown>;
  paramGroups: ParamGroup[] = [];
  /** Per-parameter state, keyed by the parameter tensor. */
  state: Map<Tensor, ParamState> = new Map();
  /** @internal step() calls counted by an attached lr scheduler (PyTorch's _step_count). */
  _stepCount?: number;

  constructor(params: Params | Tensor, defaults: Record<string, unknown>) {
    this.defaults = defaults;
    if (isTensor(params)) {
      throw new TypeError(
        `params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${typename(params)}`,
      );
    }
    if (params === null || params === undefined || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`'${pyTypeName(params)}' object is not iterable`);
    }
    let groups = [...(params as Iterable<unknown>)];
    if (groups.length === 0) throw new ValueError('optimizer got an empty parameter list');
    if (!isPlainObject(groups[0])) groups = [{ params: groups }];
    for (const g of groups) this.addParamGroup(g as ParamGroupInput);
  }

  /** Name used in messages and the repr. */
  get name(): string {
    return this.constructor.name;
  }

  /**
   * Adds a parameter group (fine-tuning: unfreeze layers and add them as training goes).
   * Options it does not give take the optimizer's defaults.
   */
  addParamGroup(paramGroup: ParamGroupInput): void {
    if (!isPlainObject(paramGroup)) throw new TypeError('param group must be a dict');
    const given = paramGroup.params;
    let params: unknown[];
    if (isTensor(given)) params = [given];
    else if (given instanceof Set) {
      throw new TypeError(
        'optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.',
      );
    } else if (given !== null && given !== undefined && typeof (given as Iterable<unknown>)[Symbol.iterator] === 'function') {
      params = [...(given as Iterable<unknown>)];
    } else {
      throw new TypeError(`'${pyTypeName(given)}' object is not iterable`);
    }
    for (const p of params) {
      if (!isTensor(p)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typename(p)}`);
      p._check(this.name, 'params');
      if (!this.defaults.differentiable && !(p.isLeaf || p.retainsGrad)) throw new ValueError("can't optimize a non-leaf Tensor");
    }
    const group: Record<string, unknown> = { params };
    for (const [k, v] of Object.entries(paramGroup)) {
      if (k !== 'params') group[camelCase(k)] = v;
    }
    for (const [name, def] of Object.entries(this.defaults)) {
      if (def === required && !(name in group)) {
        throw new ValueError(`parameter group didn't specify a value of required optimization parameter ${snakeCase(name)}`);
      }
      if (!(name in group)) group[name] = Array.isArray(def) ? [...def] : def;
    }
    if (new Set(params).size !== params.length) {
      warnOnce(
        'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information',
      );
    }
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (params.includes(p)) throw new ValueError('some parameters appear in more than one parameter group');
      }
    }
    this.paramGroups.push(group as ParamGroup);
  }

  /**
   * Sets the gradients of every optimized tensor to zero, or to null with
   * `{ setToNone: true }` (PyTorch 1.13's default is false). A gradient set to null
   * is disposed.
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? (options as { set_to_none?: boolean }).set_to_none ?? false;
    // every gradient checked first: a disposed one fails before any other is zeroed
    if (!setToNone) for (const group of this.paramGroups) for (const p of group.params) p.grad?._check('zero_grad', 'grad');
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.grad;
        if (g === null || g === undefined) continue;
        if (setToNone) {
          p.grad = null;
          g.dispose();
        } else {
          if (g.gradFn !== null) g.detach_();
          else g.requiresGrad = false;
          g.zero_();
        }
      }
    }
  }

  /**
   * One optimization step. `closure`, when given, reevaluates the model (under
   * enableGrad) and its loss is returned.
   */
  step(closure?: Closure): Tensor | number | null {
    const loss = closure ? enableGrad(closure) : null;
    // every group's gradients checked before any parameter of any group moves
    for (const group of this.paramGroups) this._withGrad(group);
    const run = (): void => {
      for (const group of this.paramGroups) this._stepGroup(group);
    };
    if (this.defaults.differentiable) enableGrad(run);
    else noGrad(run);
    return loss;
  }

  /** @internal Updates one group's parameters in place (grad mode already set by step). */
  protected _stepGroup(_group: ParamGroup): void {
    throw new Error(`${this.name}.step() is not implemented`);
  }

  /** @internal The parameters of a group that have a gradient, checked before anything is updated. */
  protected _withGrad(group: ParamGroup): Tensor[] {
    const out: Tensor[] = [];
    for (const p of group.params) {
      const g = p.grad;
      if (g === null || g === undefined) continue;
      p._check(`${this.name}.step`, 'param');
      g._check(`${this.name}.step`, 'grad');
      if (g.shape.length !== p.shape.length || g.shape.some((s, i) => s !== p.shape[i])) {
        throw new RuntimeError(
          `${this.name}.step: the gradient of a parameter has shape [${g.shape}], expected the parameter's shape [${p.shape}]`,
        );
      }
      // state loaded from a state_dict of another model would fail half way through the update
      for (const [key, v] of Object.entries(this.state.get(p) ?? {})) {
        if (!(v instanceof Tensor)) continue;
        v._check(`${this.name}.step`, key);
        if (v.ndim > 0 && (v.shape.length !== p.shape.length || v.shape.some((s, i) => s !== p.shape[i]))) {
          throw new RuntimeError(
            `${this.name}.step: the state '${key}' of a parameter has shape [${v.shape}], expected the parameter's shape [${p.shape}]`,
          );
        }
      }
      out.push(p);
    }
    return out;
  }

  /** @internal The state of `p`, created empty on first use (PyTorch's defaultdict). */
  protected _stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = {}));
    return s;
  }

  /** @internal Fills in state entries that older state_dicts lack or keep as numbers (PyTorch's __setstate__). */
  protected _upgradeState(_state: ParamState): void {}

  /**
   * The optimizer's state as PyTorch lays it out: `state` (a Map from parameter index,
   * counted across groups, to that parameter's state; tensors are shared, not copied)
   * and `param_groups` (options with snake_case keys, `params` as index lists).
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let start = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(group)) {
        if (k !== 'params') packed[snakeCase(k)] = Array.isArray(v) ? [...v] : v;
      }
      group.params.forEach((p, i) => {
        if (!index.has(p)) index.set(p, start + i);
      });
      packed.params = group.params.map((p) => index.get(p)!);
      start += group.params.length;
      return packed;
    });
    const state = new Map<number, ParamState>();
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state.set(i, { ...s });
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Loads a state_dict from stateDict() (or torch.load of PyTorch's optimizer
   * state_dict): the same number of groups and of parameters per group. Tensors are
   * copied, floating ones cast to their parameter's dtype (except `step`).
   */
  loadStateDict(stateDict: OptimizerStateDict | Record<string, unknown>): void {
    if (!isPlainObject(stateDict) || !Array.isArray(stateDict.param_groups)) {
      throw new TypeError(`${this.name}.loadStateDict: expected a dict with 'state' and 'param_groups'`);
    }
    const saved = stateDict.param_groups as Record<string, unknown>[];
    if (saved.length !== this.paramGroups.length) {
      throw new ValueError('loaded state dict has a different number of parameter groups');
    }
    saved.forEach((g, i) => {
      if (!isPlainObject(g) || !Array.isArray(g.params)) {
        throw new TypeError(`${this.name}.loadStateDict: param_groups[${i}] has no 'params' list`);
      }
      if (g.params.length !== this.paramGroups[i].params.length) {
        throw new ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
    });
    const idMap = new Map<unknown, Tensor>();
    saved.forEach((g, i) => (g.params as unknown[]).forEach((id, j) => idMap.set(id, this.paramGroups[i].params[j])));
    const rawState = stateDict.state;
    const entries: [unknown, unknown][] =
      rawState instanceof Map ? [...rawState] : isPlainObject(rawState) ? Object.entries(rawState) : [];
    const state = new Map<Tensor, ParamState>();
    for (const [key, value] of entries) {
      // plain objects have string keys; their parameter indices are numbers
      const param = idMap.get(key) ?? (typeof key === 'string' && /^\d+$/.test(key) ? idMap.get(Number(key)) : undefined);
      if (param === undefined || !isPlainObject(value)) continue;
      const s = copyState(param, value) as ParamState;
      this._upgradeState(s);
      state.set(param, s);
    }
    const groups = saved.map((g, i) => {
      const group = groupFromDict(g, this.paramGroups[i].params);
      for (const [name, def] of Object.entries(this.defaults)) {
        if (!(name in group) && def !== required) group[name] = Array.isArray(def) ? [...def] : def;
      }
      return group;
    });
    this.state = state;
    this.paramGroups = groups;
  }

  /** PyTorch's repr: each group's options sorted by name. */
  /**
   * Frees the per-parameter state (momentum buffers, moments) now and starts it afresh;
   * the parameters are untouched. Without it the state goes with the garbage collector.
   */
  dispose(): void {
    const free = (v: unknown): void => {
      if (v instanceof Tensor) v.dispose();
      else if (Array.isArray(v)) v.forEach(free);
    };
    for (const s of this.state.values()) Object.values(s).forEach(free);
    this.state.clear();
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  toString(): string {
    let s = `${this.name} (`;
    this.paramGroups.forEach((group, i) => {
      s += `\nParameter Group ${i}\n`;
      const keys = Object.keys(group)
        .filter((k) => k !== 'params')
        .map((k) => [snakeCase(k), k])
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      // Python formats these with str(): strings without quotes
      for (const [snake, k] of keys) s += `    ${snake}: ${typeof group[k] === 'string' ? group[k] : pyRepr(group[k])}\n`;
    });
    return `${s})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
