// The registry of module classes that whole-model save and load use: a name per class,
// written in the file in place of Python's class reference. The library registers its
// namespaces when it loads (api.ts: 'nn.Linear', 'models.ResNet', ...); users register
// their classes with registerModuleClass.

import { Module } from '../nn/module.js';
import { ValueError } from '../tensor/shape.js';

type ModuleClass = abstract new (...args: any[]) => Module;

const byName = new Map<string, ModuleClass>();
const byClass = new Map<ModuleClass, string>();

function isModuleClass(c: unknown): c is ModuleClass {
  return typeof c === 'function' && (c === Module || c.prototype instanceof Module);
}

function add(cls: ModuleClass, name: string): void {
  const other = byName.get(name);
  if (other !== undefined && other !== cls) {
    throw new ValueError(`registerModuleClass(): the name '${name}' is already registered for another class; pass another name`);
  }
  const known = byClass.get(cls);
  if (known !== undefined && known !== name) {
    throw new ValueError(`registerModuleClass(): ${cls.name} is already registered as '${known}'`);
  }
  byName.set(name, cls);
  byClass.set(cls, name);
}

/** Registers every Module class a namespace exports, as '<prefix>.<export name>' (the library's own). */
export function registerModuleClasses(prefix: string, namespace: object): void {
  for (const [key, value] of Object.entries(namespace)) if (isModuleClass(value)) add(value, `${prefix}.${key}`);
}

/**
 * Registers a Module subclass for whole-model save and load: torch.save(model) writes
 * `name` for each module of the class, and torch.load(bytes, { weightsOnly: false })
 * rebuilds instances of the class registered under that name (without running its
 * constructor). The name defaults to the class name; a name can belong to one class.
 * @example
 * class Net extends nn.Module { ... }
 * torch.serialization.registerModuleClass(Net);
 */
export function registerModuleClass(cls: ModuleClass, name?: string): void {
  if (!isModuleClass(cls)) throw new TypeError('registerModuleClass(): expected a subclass of nn.Module');
  const n = name ?? cls.name;
  if (typeof n !== 'string' || n === '' || /[\n\r]/.test(n)) {
    throw new ValueError(`registerModuleClass(): a class needs a non-empty name without line breaks, got ${JSON.stringify(n)}`);
  }
  add(cls, n);
}

/** The registered name of a module's class, or null. */
export function moduleClassName(m: Module): string | null {
  return byClass.get(m.constructor as ModuleClass) ?? null;
}

/** The class registered under `name`, or null. */
export function moduleClassByName(name: string): ModuleClass | null {
  return byName.get(name) ?? null;
}
