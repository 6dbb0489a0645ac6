// Containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict.
// Python's item access (`seq[0]`, `seq[-1]`, `seq[1:3]`, `d['key'] = m`) is spelled
// with properties and methods: entries are properties named by their index or key
// (`seq[0]`, `layers[2]`, `dict.conv`), `at(i)` takes negative indices, `slice(a, b)`
// gives a new container of the same kind, `get`/`set`/`delete` take keys.

import { Tensor } from '../tensor/tensor.js';
import { IndexError, KeyError } from '../tensor/shape.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

function checkIndex(kind: string, idx: number, length: number): number {
  if (!Number.isInteger(idx)) throw new TypeError(`${kind} indices must be integers, not ${typeof idx}`);
  if (idx < -length || idx >= length) throw new IndexError(`index ${idx} is out of range`);
  return idx < 0 ? idx + length : idx;
}

/** Python slice bounds (negative counts from the end, clamped). */
function sliceBounds(length: number, start = 0, end = length): [number, number] {
  const clamp = (i: number): number => Math.min(Math.max(i < 0 ? i + length : i, 0), length);
  return [clamp(start), clamp(end)];
}

function entriesOf<T>(src: Map<string, T> | Record<string, T> | Iterable<[string, T]>): [string, T][] {
  if (src instanceof Map) return [...src.entries()];
  if (Symbol.iterator in (src as object)) return [...(src as Iterable<[string, T]>)];
  return Object.entries(src as Record<string, T>);
}

/** Re-registers `items` under the names 0..n-1 (after an insertion or deletion). */
function renumber(m: Module, items: Module[]): void {
  for (const key of [...m._modules.keys()]) delete (m as unknown as Record<string, unknown>)[key];
  items.forEach((item, i) => m.addModule(String(i), item));
}

const isMapLike = (x: unknown): boolean =>
  x instanceof Map || (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype);

/**
 * Modules called in order, each on the previous one's output.
 * @example
 * const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * const named = new nn.Sequential(new Map([['fc', new nn.Linear(4, 2)], ['act', new nn.Tanh()]]));
 */
export class Sequential extends Module<[any], any> {
  [index: number]: Module;
  constructor(...args: (Module | Map<string, Module> | Record<string, Module>)[]) {
    super();
    if (args.length === 1 && isMapLike(args[0]) && !(args[0] instanceof Module)) {
      for (const [key, m] of entriesOf(args[0] as Map<string, Module>)) this.addModule(key, m);
    } else {
      args.forEach((m, i) => this.addModule(String(i), m as Module));
    }
  }
  override get length(): number {
    return this._modules.size;
  }
  /** The module at an index (negative counts from the end). */
  at(idx: number): Module {
    const mods = [...this._modules.values()];
    return mods[checkIndex('Sequential', idx, mods.length)] as Module;
  }
  /** A new Sequential of the modules in [start, end), keeping their names. */
  slice(start?: number, end?: number): Sequential {
    const entries = [...this._modules.entries()];
    const [a, b] = sliceBounds(entries.length, start, end);
    return new Sequential(new Map(entries.slice(a, b) as [string, Module][]));
  }
  /** Replaces the module at an index. */
  set(idx: number, module: Module): void {
    const keys = [...this._modules.keys()];
    (this as unknown as Record<string, unknown>)[keys[checkIndex('Sequential', idx, keys.length)]] = module;
  }
  /** Removes the module at an index. */
  delete(idx: number): void {
    const keys = [...this._modules.keys()];
    delete (this as unknown as Record<string, unknown>)[keys[checkIndex('Sequential', idx, keys.length)]];
    // as PyTorch: the remaining modules are renamed 0..n-1
    renumber(this, [...this._modules.values()] as Module[]);
  }
  append(module: Module): this {
    this.addModule(String(this._modules.size), module);
    return this;
  }
  insert(index: number, module: Module): this {
    if (!(module instanceof Module)) throw new Error(`module should be of type: ${Module.name}`);
    const n = this._modules.size;
    if (!(-n <= index && index <= n)) throw new IndexError(`Index out of range: ${index}`);
    const items = [...this._modules.values()] as Module[];
    items.splice(index < 0 ? index + n : index, 0, module);
    renumber(this, items);
    return this;
  }
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }
  [Symbol.iterator](): Iterator<Module> {
    return ([...this._modules.values()] as Module[])[Symbol.iterator]();
  }
  override forward(input: any): any {
    let x = input;
    for (const m of this._modules.values()) {
      if (m === null) throw new TypeError("'NoneType' object is not callable"); // a slot set to None, as in PyTorch
      x = m(x);
    }
    return x;
  }
}

/** A list of modules, registered so their parameters are the parent's. */
export class ModuleList extends Module<never[], never> {
  [index: number]: Module;
  constructor(modules: Iterable<Module> | null = null) {
    super();
    if (modules !== null) this.extend(modules);
  }
  override get length(): number {
    return this._modules.size;
  }
  at(idx: number): Module {
    return this._modules.get(String(checkIndex('ModuleList', idx, this._modules.size))) as Module;
  }
  slice(start?: number, end?: number): ModuleList {
    const items = [...this._modules.values()] as Module[];
    const [a, b] = sliceBounds(items.length, start, end);
    return new ModuleList(items.slice(a, b));
  }
  set(idx: number, module: Module): void {
    (this as unknown as Record<string, unknown>)[String(checkIndex('ModuleList', idx, this._modules.size))] = module;
  }
  delete(idx: number): void {
    const items = [...this._modules.values()] as Module[];
    items.splice(checkIndex('ModuleList', idx, items.length), 1);
    renumber(this, items);
  }
  append(module: Module): this {
    this.addModule(String(this._modules.size), module);
    return this;
  }
  extend(modules: Iterable<Module>): this {
    if (modules === null || typeof (modules as Iterable<Module>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`ModuleList.extend should be called with an iterable, but got ${typeof modules}`);
    }
    for (const m of modules) this.append(m);
    return this;
  }
  insert(index: number, module: Module): void {
    const items = [...this._modules.values()] as Module[];
    const n = items.length;
    items.splice(index < 0 ? Math.max(index + n, 0) : Math.min(index, n), 0, module);
    renumber(this, items);
  }
  [Symbol.iterator](): Iterator<Module> {
    return ([...this._modules.values()] as Module[])[Symbol.iterator]();
  }
}

/** Modules by name: `d.get('conv')`, `d.set('conv', m)`, `d.conv`. */
export class ModuleDict extends Module<never[], never> {
  constructor(modules: Map<string, Module> | Record<string, Module> | Iterable<[string, Module]> | null = null) {
    super();
    if (modules !== null) this.update(modules);
  }
  override get length(): number {
    return this._modules.size;
  }
  get(key: string): Module {
    if (!this._modules.has(key)) throw new KeyError(`'${key}'`);
    return this._modules.get(key) as Module;
  }
  set(key: string, module: Module): void {
    this.addModule(key, module);
  }
  has(key: string): boolean {
    return this._modules.has(key);
  }
  /** Removes and returns the module under key (PyTorch's pop). */
  pop(key: string): Module {
    const m = this.get(key);
    delete (this as unknown as Record<string, unknown>)[key];
    return m;
  }
  delete(key: string): void {
    this.pop(key);
  }
  clear(): void {
    for (const key of [...this._modules.keys()]) delete (this as unknown as Record<string, unknown>)[key];
  }
  keys(): string[] {
    return [...this._modules.keys()];
  }
  values(): Module[] {
    return [...this._modules.values()] as Module[];
  }
  items(): [string, Module][] {
    return [...this._modules.entries()] as [string, Module][];
  }
  update(modules: Map<string, Module> | Record<string, Module> | Iterable<[string, Module]>): void {
    for (const [key, m] of entriesOf(modules)) this.set(key, m);
  }
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
}

const asParameter = (p: Tensor): Parameter => (p instanceof Parameter ? p : new Parameter(p));

function describeParameter(p: Tensor, typeName: string): string {
  return `${p instanceof Parameter ? 'Parameter' : 'Tensor'} containing: [${typeName} of size ${p.shape.join('x')}]`;
}

/** A list of parameters (tensors are wrapped into Parameters). */
export class ParameterList extends Module<never[], never> {
  [index: number]: Parameter;
  constructor(values: Iterable<Tensor> | null = null) {
    super();
    if (values !== null) this.extend(values);
  }
  override get length(): number {
    return this._parameters.size;
  }
  at(idx: number): Parameter {
    return this._parameters.get(String(checkIndex('ParameterList', idx, this._parameters.size))) as Parameter;
  }
  set(idx: number, param: Tensor): void {
    this.registerParameter(String(checkIndex('ParameterList', idx, this._parameters.size)), asParameter(param));
  }
  append(param: Tensor): this {
    this.registerParameter(String(this._parameters.size), asParameter(param));
    return this;
  }
  extend(values: Iterable<Tensor>): this {
    for (const p of values) this.append(p);
    return this;
  }
  [Symbol.iterator](): Iterator<Parameter> {
    return ([...this._parameters.values()] as Parameter[])[Symbol.iterator]();
  }
  override extraRepr(): string {
    return [...this._parameters.entries()]
      .map(([k, p]) => `  (${k}): ${describeParameter(p as Parameter, `torch.${(p as Parameter).dtype.name}`)}`)
      .join('\n');
  }
}

/** Parameters by name (tensors are wrapped into Parameters). */
export class ParameterDict extends Module<never[], never> {
  constructor(parameters: Map<string, Tensor> | Record<string, Tensor> | Iterable<[string, Tensor]> | null = null) {
    super();
    if (parameters !== null) this.update(parameters);
  }
  override get length(): number {
    return this._parameters.size;
  }
  get(key: string): Parameter {
    if (!this._parameters.has(key)) throw new KeyError(`'${key}'`);
    return this._parameters.get(key) as Parameter;
  }
  set(key: string, param: Tensor): void {
    this.registerParameter(key, asParameter(param));
  }
  has(key: string): boolean {
    return this._parameters.has(key);
  }
  pop(key: string): Parameter {
    const p = this.get(key);
    delete (this as unknown as Record<string, unknown>)[key];
    return p;
  }
  delete(key: string): void {
    this.pop(key);
  }
  clear(): void {
    for (const key of [...this._parameters.keys()]) delete (this as unknown as Record<string, unknown>)[key];
  }
  keys(): string[] {
    return [...this._parameters.keys()];
  }
  values(): Parameter[] {
    return [...this._parameters.values()] as Parameter[];
  }
  items(): [string, Parameter][] {
    return [...this._parameters.entries()] as [string, Parameter][];
  }
  update(parameters: Map<string, Tensor> | Record<string, Tensor> | Iterable<[string, Tensor]>): void {
    for (const [key, p] of entriesOf(parameters)) this.set(key, p);
  }
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
  override extraRepr(): string {
    return [...this._parameters.entries()]
      .map(([k, p]) => `  (${k}): ${describeParameter(p as Parameter, `torch.${(p as Parameter).dtype.scalarName}Tensor`)}`)
      .join('\n');
  }
}
