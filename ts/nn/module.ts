// nn.Module: the base class of every layer and model.
//
// Two PyTorch behaviours have no direct JavaScript spelling; this is how we give them:
// - Calling a module: `model(x)` works as in Python. The constructor returns a callable
//   Proxy around a function whose prototype is the module's class, so `model(x)` runs
//   the forward pre-hooks, `forward(x)` and the forward hooks; `instanceof`, methods
//   and fields behave as on any object.
// - Registering by assignment (PyTorch's __setattr__): the Proxy's set trap sees
//   `this.fc = new nn.Linear(512, 100)` or `this.weight = new nn.Parameter(t)` and
//   records the child or parameter in registration order, replacing an earlier one of
//   the same name in place. Registered values are mirrored as own properties, so
//   reading `model.fc` is a plain property read.

import { Tensor } from '../tensor/tensor.js';
import { AttributeError, KeyError, NotImplementedError, ValueError } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad_mode.js';
import { Parameter } from './parameter.js';
import { resolveDType, setData, type ToArgs } from './module_dtype.js';
import { loadStateDictInto, type IncompatibleKeys, type LoadStateDictContext } from './state_dict.js';
import { moduleRepr } from './module_repr.js';
import { toDType, type DType } from '../tensor/dtype.js';
import { orderedDict } from '../serialize/ordered_dict.js';

export type ForwardPreHook = (module: Module, args: unknown[]) => unknown;
export type ForwardHook = (module: Module, args: unknown[], output: unknown) => unknown;

/** What register*Hook returns: `handle.remove()` unregisters the hook. */
export class RemovableHandle {
  private static nextId = 0;
  readonly id = RemovableHandle.nextId++;
  constructor(private readonly hooks: Map<number, unknown>) {}
  remove(): void {
    this.hooks.delete(this.id);
  }
}

/** Python's type name of a value, for PyTorch's assignment errors. */
function pyTypeOf(v: unknown): string {
  if (v instanceof Tensor) return `torch.${v.dtype.scalarName}Tensor`;
  if (v === undefined || v === null) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'list';
  return (v as object).constructor?.name ?? typeof v;
}

// Fields of the Module machinery itself: plain properties, never registered.
const INTERNAL = new Set([
  '_parameters', '_buffers', '_nonPersistentBuffers', '_modules', '_forwardHooks', '_forwardPreHooks', 'training',
]);

function checkName(kind: string, name: unknown): string {
  if (typeof name !== 'string') throw new TypeError(`${kind} name should be a string. Got ${pyTypeOf(name)}`);
  if (name.includes('.')) throw new KeyError(`${kind} name can't contain ".", got: ${name}`);
  if (name === '') throw new KeyError(`${kind} name can't be empty string ""`);
  return name;
}

/** Whether `name` is already an attribute (own or inherited) of m (PyTorch's hasattr). */
function attributeExists(m: Module, name: string): boolean {
  // a class field declared without a value is not an attribute yet
  return name in m && (m as unknown as Record<string, unknown>)[name] !== undefined;
}

/** Removes `name` from every registry of `m` and its mirrored property. */
function unregister(m: Module, name: string): void {
  m._parameters.delete(name);
  m._buffers.delete(name);
  m._nonPersistentBuffers.delete(name);
  m._modules.delete(name);
  Reflect.deleteProperty(m, name);
}

function mirror(m: Module, name: string, value: unknown): void {
  Reflect.defineProperty(m, name, { value, writable: true, enumerable: true, configurable: true });
}

/** PyTorch's Module.__setattr__, on the proxy's target. */
function setAttribute(m: Module, name: string, value: unknown): void {
  if (value instanceof Parameter) {
    unregister(m, name);
    m.registerParameter(name, value);
  } else if (m._parameters.has(name)) {
    if (value !== null && value !== undefined) {
      throw new TypeError(`cannot assign '${pyTypeOf(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`);
    }
    m.registerParameter(name, null);
  } else if (value instanceof Module) {
    unregister(m, name);
    m._modules.set(name, value);
    mirror(m, name, value);
  } else if (m._modules.has(name)) {
    if (value !== null && value !== undefined) {
      throw new TypeError(`cannot assign '${pyTypeOf(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
    }
    m._modules.set(name, null);
    mirror(m, name, null);
  } else if (m._buffers.has(name)) {
    if (value !== null && value !== undefined && !(value instanceof Tensor)) {
      throw new TypeError(`cannot assign '${pyTypeOf(value)}' as buffer '${name}' (torch.Tensor or None expected)`);
    }
    m._buffers.set(name, (value as Tensor | null | undefined) ?? null);
    mirror(m, name, value ?? null);
  } else {
    Reflect.set(m, name, value);
  }
}

const proxyHandler: ProxyHandler<Module> = {
  set(target, key, value) {
    if (typeof key === 'symbol' || INTERNAL.has(key)) return Reflect.set(target, key, value);
    setAttribute(target, key, value);
    return true;
  },
  // class fields are defined, not assigned: `class Net extends Module { fc = new Linear(2, 3) }`
  defineProperty(target, key, desc) {
    if (typeof key === 'string' && !INTERNAL.has(key) && 'value' in desc && desc.get === undefined) {
      const v = desc.value;
      const registered = target._parameters.has(key) || target._buffers.has(key) || target._modules.has(key);
      // a subclass field declared without a value must not wipe what a base constructor registered
      if (registered && v === undefined) return true;
      if (v instanceof Parameter || v instanceof Module || registered) {
        setAttribute(target, key, v);
        return true;
      }
    }
    return Reflect.defineProperty(target, key, desc);
  },
  deleteProperty(target, key) {
    if (typeof key === 'string' && (target._parameters.has(key) || target._buffers.has(key) || target._modules.has(key))) {
      unregister(target, key);
      return true;
    }
    return Reflect.deleteProperty(target, key);
  },
};

export interface Module<In extends unknown[] = any[], Out = any> {
  /** Runs the forward pre-hooks, forward() and the forward hooks. */
  (...args: In): Out;
}

export class Module<In extends unknown[] = any[], Out = any> {
  /** @internal */ declare _parameters: Map<string, Parameter | null>;
  /** @internal */ declare _buffers: Map<string, Tensor | null>;
  /** @internal */ declare _nonPersistentBuffers: Set<string>;
  /** @internal */ declare _modules: Map<string, Module | null>;
  /** @internal */ declare _forwardHooks: Map<number, ForwardHook>;
  /** @internal */ declare _forwardPreHooks: Map<number, ForwardPreHook>;
  /** Whether the module is in training mode (train() / eval()). */
  declare training: boolean;

  constructor() {
    // eslint-disable-next-line prefer-const
    let proxy: Module<In, Out>;
    const self = ((...args: In): Out => proxy._call(args)) as unknown as Module<In, Out>;
    // an arrow function has only `length` and `name` of its own: free them for attributes
    delete (self as { length?: number }).length;
    delete (self as { name?: string }).name;
    Object.setPrototypeOf(self, new.target.prototype);
    const define = (key: string, value: unknown): void => {
      Object.defineProperty(self, key, { value, writable: true, enumerable: false, configurable: true });
    };
    define('_parameters', new Map());
    define('_buffers', new Map());
    define('_nonPersistentBuffers', new Set());
    define('_modules', new Map());
    define('_forwardHooks', new Map());
    define('_forwardPreHooks', new Map());
    define('training', true);
    proxy = new Proxy(self, proxyHandler);
    return proxy;
  }

  /**
   * @internal An instance of `cls` made by Module's constructor alone (the callable proxy
   * with empty registries): no subclass constructor or field initialiser runs. Whole-model
   * load restores saved state into it, as Python's unpickling skips __init__.
   */
  static _createBare<T extends Module>(cls: abstract new (...args: any[]) => T): T {
    return Reflect.construct(Module, [], cls) as T;
  }

  /** The computation of the module; subclasses override it. Call the module, not forward(), to run hooks. */
  forward(..._args: In): Out {
    throw new NotImplementedError(`Module [${this._getName()}] is missing the required "forward" function`);
  }

  /** @internal `module(...args)`: pre-hooks, forward, hooks (PyTorch's _call_impl). */
  _call(args: In): Out {
    if (this._forwardPreHooks.size > 0) {
      for (const hook of [...this._forwardPreHooks.values()]) {
        const r = hook(this, args);
        if (r !== undefined && r !== null) args = (Array.isArray(r) ? r : [r]) as In;
      }
    }
    let out = this.forward(...args);
    if (this._forwardHooks.size > 0) {
      for (const hook of [...this._forwardHooks.values()]) {
        const r = hook(this, args, out);
        if (r !== undefined && r !== null) out = r as Out;
      }
    }
    return out;
  }

  /** The class name PyTorch prints (Linear, Sequential, ...). */
  _getName(): string {
    return this.constructor.name;
  }

  // ---- registration ----------------------------------------------------------

  /** Registers a buffer: state that is not a parameter (BatchNorm's running_mean). */
  registerBuffer(name: string, tensor: Tensor | null, persistent: boolean | { persistent?: boolean } = true): void {
    const keepInStateDict = typeof persistent === 'object' ? persistent.persistent ?? true : persistent;
    checkName('buffer', name);
    if (!this._buffers.has(name) && attributeExists(this, name)) {
      throw new KeyError(`attribute '${name}' already exists`);
    }
    if (tensor !== null && tensor !== undefined && !(tensor instanceof Tensor)) {
      throw new TypeError(`cannot assign '${pyTypeOf(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
    }
    this._buffers.set(name, tensor ?? null);
    if (keepInStateDict) this._nonPersistentBuffers.delete(name);
    else this._nonPersistentBuffers.add(name);
    mirror(this, name, tensor ?? null);
  }

  /** Registers a parameter (or null, a declared but absent parameter such as a disabled bias). */
  registerParameter(name: string, param: Parameter | null): void {
    checkName('parameter', name);
    if (!this._parameters.has(name) && attributeExists(this, name)) {
      throw new KeyError(`attribute '${name}' already exists`);
    }
    if (param !== null && param !== undefined) {
      if (!(param instanceof Parameter)) {
        throw new TypeError(`cannot assign '${pyTypeOf(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
      }
      if (param.gradFn !== null) {
        throw new ValueError(
          `Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly. To express '${name}' as a function of another Tensor, compute the value in the forward() method.`,
        );
      }
    }
    this._parameters.set(name, param ?? null);
    mirror(this, name, param ?? null);
  }

  /** Adds a child module (PyTorch's add_module / register_module). */
  addModule(name: string, module: Module | null): void {
    if (module !== null && module !== undefined && !(module instanceof Module)) {
      throw new TypeError(`${pyTypeOf(module)} is not a Module subclass`);
    }
    checkName('module', name);
    if (!this._modules.has(name) && attributeExists(this, name)) {
      throw new KeyError(`attribute '${name}' already exists`);
    }
    this._modules.set(name, module ?? null);
    mirror(this, name, module ?? null);
  }
  registerModule(name: string, module: Module | null): void {
    this.addModule(name, module);
  }

  /** The submodule at a dotted path ('layer1.0.conv1'); '' is the module itself. */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let mod: Module = this;
    for (const item of target.split('.')) {
      if (!mod._modules.has(item) && !(item in mod)) throw new AttributeError(`${mod._getName()} has no attribute \`${item}\``);
      const next = (mod as unknown as Record<string, unknown>)[item];
      if (!(next instanceof Module)) throw new AttributeError(`\`${item}\` is not an nn.Module`);
      mod = next;
    }
    return mod;
  }
  getParameter(target: string): Parameter {
    const dot = target.lastIndexOf('.');
    const mod = this.getSubmodule(dot < 0 ? '' : target.slice(0, dot));
    const name = target.slice(dot + 1);
    if (!(name in mod)) throw new AttributeError(`${mod._getName()} has no attribute \`${name}\``);
    const p = (mod as unknown as Record<string, unknown>)[name];
    if (!(p instanceof Parameter)) throw new AttributeError(`\`${name}\` is not an nn.Parameter`);
    return p;
  }
  getBuffer(target: string): Tensor {
    const dot = target.lastIndexOf('.');
    const mod = this.getSubmodule(dot < 0 ? '' : target.slice(0, dot));
    const name = target.slice(dot + 1);
    if (!(name in mod)) throw new AttributeError(`${mod._getName()} has no attribute \`${name}\``);
    if (!mod._buffers.has(name)) throw new AttributeError(`\`${name}\` is not a buffer`);
    return mod._buffers.get(name) as Tensor;
  }

  // ---- traversal ----------------------------------------------------------------

  /** [prefix, module] for this module and every descendant, depth first (each module once). */
  namedModules(options: { memo?: Set<Module>; prefix?: string; removeDuplicate?: boolean } = {}): [string, Module][] {
    const memo = options.memo ?? new Set<Module>();
    const removeDuplicate = options.removeDuplicate ?? true;
    const out: [string, Module][] = [];
    const walk = (m: Module, prefix: string): void => {
      if (memo.has(m)) return;
      if (removeDuplicate) memo.add(m);
      out.push([prefix, m]);
      for (const [name, child] of m._modules) {
        if (child !== null) walk(child, prefix + (prefix ? '.' : '') + name);
      }
    };
    walk(this, options.prefix ?? '');
    return out;
  }
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [name, m] of this._modules) {
      if (m !== null && !seen.has(m)) {
        seen.add(m);
        out.push([name, m]);
      }
    }
    return out;
  }
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  private namedMembers<T>(
    members: (m: Module) => Iterable<[string, T | null]>,
    prefix: string,
    recurse: boolean,
    removeDuplicate: boolean,
  ): [string, T][] {
    const memo = new Set<T>();
    const out: [string, T][] = [];
    const mods = recurse ? this.namedModules({ prefix, removeDuplicate }) : ([[prefix, this]] as [string, Module][]);
    for (const [modPrefix, m] of mods) {
      for (const [k, v] of members(m)) {
        if (v === null || memo.has(v)) continue;
        if (removeDuplicate) memo.add(v);
        out.push([modPrefix + (modPrefix ? '.' : '') + k, v]);
      }
    }
    return out;
  }

  /** [name, parameter] of this module and (recurse) its descendants, each parameter once. */
  namedParameters(options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean } = {}): [string, Parameter][] {
    return this.namedMembers((m) => m._parameters, options.prefix ?? '', options.recurse ?? true, options.removeDuplicate ?? true);
  }
  /** The parameters, in registration order (what an optimizer takes). */
  parameters(recurse: boolean | { recurse?: boolean } = true): Parameter[] {
    const r = typeof recurse === 'object' ? recurse.recurse ?? true : recurse;
    return this.namedParameters({ recurse: r }).map(([, p]) => p);
  }
  namedBuffers(options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean } = {}): [string, Tensor][] {
    return this.namedMembers((m) => m._buffers, options.prefix ?? '', options.recurse ?? true, options.removeDuplicate ?? true);
  }
  buffers(recurse: boolean | { recurse?: boolean } = true): Tensor[] {
    const r = typeof recurse === 'object' ? recurse.recurse ?? true : recurse;
    return this.namedBuffers({ recurse: r }).map(([, b]) => b);
  }

  // ---- modes and gradients ---------------------------------------------------------

  /** Sets training mode on this module and its descendants (Dropout, BatchNorm behave differently). */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new ValueError('training mode is expected to be boolean');
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  /** Sets requiresGrad on every parameter (freezing with requiresGrad_(false)). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }
  /**
   * Zeroes the parameters' gradients in place (PyTorch 1.13's default), or with
   * `setToNone: true` drops them; a dropped gradient tensor is disposed.
   */
  zeroGrad(options: boolean | { setToNone?: boolean } = {}): void {
    const setToNone = typeof options === 'boolean' ? options : options.setToNone ?? false;
    const params = this.parameters();
    // every gradient checked first: a disposed one fails before any other is zeroed
    if (!setToNone) for (const p of params) p.grad?._check('zero_grad', 'grad');
    for (const p of params) {
      const g = p.grad;
      if (g === null) continue;
      if (setToNone) {
        p.grad = null;
        g.dispose();
      } else {
        if (g.gradFn !== null) g.detach_();
        else g.requiresGrad_(false);
        g.zero_();
      }
    }
  }
  /** Calls fn on every descendant (children first) and on this module. */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  // ---- dtype conversion --------------------------------------------------------------

  /**
   * Converts parameters and buffers in place (parameters keep their identity, so an
   * optimizer built before still holds them). Each returned tensor of fn replaces it.
   */
  _apply(fn: (t: Tensor) => Tensor): this {
    for (const m of this.children()) m._apply(fn);
    noGrad(() => {
      for (const p of this._parameters.values()) {
        if (p === null) continue;
        const converted = fn(p);
        if (converted !== p) {
          setData(p, converted);
          converted.dispose();
        }
        const g = p.grad;
        if (g !== null) {
          const cg = fn(g);
          if (cg !== g) {
            setData(g, cg);
            cg.dispose();
          }
        }
      }
      for (const [name, b] of this._buffers) {
        if (b === null) continue;
        const converted = fn(b);
        if (converted !== b) {
          this._buffers.set(name, converted);
          mirror(this, name, converted);
        }
      }
    });
    return this;
  }
  /** `to(dtype)`, `to('cpu')`, `to('cpu', dtype)`, `to({ dtype })`, `to(tensor)`: floating-point state takes the dtype. */
  to(...args: ToArgs): this {
    const dtype = resolveDType(args);
    if (dtype === null) return this;
    return this._apply((t) => (t.dtype.isFloatingPoint ? ((t as any).to(dtype) as Tensor) : t));
  }
  /** Casts every parameter and buffer (floating point or not) to dstType. */
  type(dstType: DType | string): this {
    const dtype = toDType(dstType, 'type');
    return this._apply((t) => (t as any).to(dtype) as Tensor);
  }
  float(): this {
    return this.to('float32' as unknown as DType);
  }
  double(): this {
    return this.to('float64' as unknown as DType);
  }
  half(): this {
    return this.to('float16' as unknown as DType);
  }
  bfloat16(): this {
    return this.to('bfloat16' as unknown as DType);
  }
  /** Everything lives in wasm memory on the CPU: returns the module. */
  cpu(): this {
    return this;
  }

  // ---- state_dict ---------------------------------------------------------------------

  /** @internal This module's own entries of a state_dict (parameters, then persistent buffers). */
  _saveToStateDict(destination: Record<string, Tensor>, prefix: string, keepVars: boolean): void {
    for (const [name, p] of this._parameters) {
      if (p !== null) destination[prefix + name] = keepVars ? p : (p as any).detach();
    }
    for (const [name, b] of this._buffers) {
      if (b !== null && !this._nonPersistentBuffers.has(name)) destination[prefix + name] = keepVars ? b : (b as any).detach();
    }
  }

  /**
   * Parameters and persistent buffers by PyTorch's key names ('layer1.0.bn1.running_mean'),
   * in PyTorch's order, as a plain object (what torch.load gives for a saved state_dict).
   * The tensors share storage with the module's (detached unless keepVars).
   */
  stateDict(options: { destination?: Record<string, Tensor>; prefix?: string; keepVars?: boolean } = {}): Record<string, Tensor> {
    // an OrderedDict, as PyTorch's: torch.save writes it as collections.OrderedDict
    const destination = options.destination ?? orderedDict<Record<string, Tensor>>();
    const keepVars = options.keepVars ?? false;
    const walk = (m: Module, prefix: string): void => {
      m._saveToStateDict(destination, prefix, keepVars);
      for (const [name, child] of m._modules) if (child !== null) walk(child, `${prefix}${name}.`);
    };
    walk(this, options.prefix ?? '');
    return destination;
  }

  /**
   * @internal This module's part of loadStateDict: plans the copies into its parameters
   * and buffers and notes missing/unexpected keys and errors (nothing is written here).
   */
  _loadFromStateDict(ctx: LoadStateDictContext, prefix: string): void {
    const local = new Map<string, Tensor>();
    for (const [name, p] of this._parameters) if (p !== null) local.set(name, p);
    for (const [name, b] of this._buffers) if (b !== null && !this._nonPersistentBuffers.has(name)) local.set(name, b);
    ctx.planLocal(this, prefix, local);
  }

  /**
   * Copies a state_dict's tensors into the parameters and buffers. With `strict` (the
   * default) the keys must match exactly. Everything is checked before anything is
   * written: on an error the module is unchanged.
   */
  loadStateDict(stateDict: Record<string, unknown> | Map<string, unknown>, options: boolean | { strict?: boolean } = {}): IncompatibleKeys {
    const strict = typeof options === 'boolean' ? options : options.strict ?? true;
    return loadStateDictInto(this, stateDict, strict);
  }

  // ---- hooks ------------------------------------------------------------------------------

  /** hook(module, args) runs before forward; a returned value replaces args. */
  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    const h = new RemovableHandle(this._forwardPreHooks);
    this._forwardPreHooks.set(h.id, hook);
    return h;
  }
  /** hook(module, args, output) runs after forward; a returned value replaces the output. */
  registerForwardHook(hook: ForwardHook): RemovableHandle {
    const h = new RemovableHandle(this._forwardHooks);
    this._forwardHooks.set(h.id, hook);
    return h;
  }

  // ---- memory and printing -----------------------------------------------------------------

  /** Frees every parameter, gradient and buffer of the module and its descendants now. */
  dispose(): void {
    for (const m of this.modules()) {
      for (const p of m._parameters.values()) p?.dispose();
      for (const b of m._buffers.values()) b?.dispose();
    }
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** The module's own settings, printed inside its parentheses ('in_features=4, ...'). */
  extraRepr(): string {
    return '';
  }
  toString(): string {
    return moduleRepr(this);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
  [Symbol.for('Deno.customInspect')](): string {
    return this.toString();
  }
}

export function isModule(x: unknown): x is Module {
  return x instanceof Module;
}
