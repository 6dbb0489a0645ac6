// Whole-model save and load. PyTorch pickles a module as its class plus its __dict__
// and rebuilds it without calling __init__; we do the same with a registered class
// name (module_registry.ts) and this state, which mirrors PyTorch's __dict__:
//   training, _parameters, _buffers, _non_persistent_buffers_set, _modules
// plus the module's own plain attributes (inFeatures, kernelSize, ...: its own
// enumerable data properties that are not registered parameters, buffers or children).
// Functions held by a module (a custom activation callable, hooks) are not saved.

import { Module } from '../nn/module.js';
import { Parameter } from '../nn/parameter.js';
import { Tensor } from '../tensor/tensor.js';
import { orderedDict } from './ordered_dict.js';
import { corrupt, shown } from './errors.js';
import type { PendingModule } from './load_policy.js';

const TRAINING = 'training';
const PARAMETERS = '_parameters';
const BUFFERS = '_buffers';
const NON_PERSISTENT = '_non_persistent_buffers_set';
const MODULES = '_modules';
const RESERVED = new Set([TRAINING, PARAMETERS, BUFFERS, NON_PERSISTENT, MODULES]);

function isRegistered(m: Module, name: string): boolean {
  return m._parameters.has(name) || m._buffers.has(name) || m._modules.has(name);
}

/** The state torch.save writes for a module (its __dict__), as JS values for the pickler's converter. */
export function moduleSaveState(m: Module): Map<string, unknown> {
  const state = new Map<string, unknown>([
    [TRAINING, m.training],
    [PARAMETERS, orderedDict(new Map(m._parameters))],
    [BUFFERS, orderedDict(new Map(m._buffers))],
    [NON_PERSISTENT, new Set(m._nonPersistentBuffers)],
    [MODULES, orderedDict(new Map(m._modules))],
  ]);
  for (const key of Object.keys(m)) {
    if (isRegistered(m, key) || RESERVED.has(key)) continue;
    const desc = Object.getOwnPropertyDescriptor(m, key);
    if (desc === undefined || !('value' in desc)) continue;
    const v = desc.value;
    if (v === undefined || typeof v === 'function') continue;
    state.set(key, v);
  }
  return state;
}

function entriesOf(v: unknown, what: string, name: string): [string, unknown][] {
  if (!(v instanceof Map)) throw corrupt(`module ${name}: ${what} must be a dict`);
  for (const k of v.keys()) if (typeof k !== 'string') throw corrupt(`module ${name}: a key of ${what} is not a string`);
  return [...v.entries()] as [string, unknown][];
}

/**
 * A module rebuilt from its saved state: a bare instance of the registered class (the
 * Module constructor only: the callable proxy with empty registries, no subclass
 * constructor or field initialiser runs), then its registries and attributes.
 * `register` is called with the instance before its state is converted (cycles).
 */
export function restoreModule(p: PendingModule, register: (m: Module) => void, convert: (v: unknown) => unknown): Module {
  const name = p.ref.registeredName;
  const m = Module._createBare(p.ref.cls);
  register(m);
  const state = p.state;
  if (!(state instanceof Map)) throw corrupt(`module ${name} has no saved state`);
  const training = state.get(TRAINING);
  if (typeof training !== 'boolean') throw corrupt(`module ${name}: training must be a bool`);
  m.training = training;
  for (const [key, raw] of entriesOf(state.get(PARAMETERS) ?? new Map(), PARAMETERS, name)) {
    const param = convert(raw);
    if (param !== null && !(param instanceof Parameter)) throw corrupt(`module ${name}: parameter ${shown(key)} is not a Parameter`);
    m.registerParameter(key, param);
  }
  const nonPersistent = state.get(NON_PERSISTENT) ?? new Set();
  if (!(nonPersistent instanceof Set) && !Array.isArray(nonPersistent)) throw corrupt(`module ${name}: ${NON_PERSISTENT} must be a set`);
  const transient = new Set(nonPersistent);
  for (const [key, raw] of entriesOf(state.get(BUFFERS) ?? new Map(), BUFFERS, name)) {
    const buffer = convert(raw);
    if (buffer !== null && !(buffer instanceof Tensor)) throw corrupt(`module ${name}: buffer ${shown(key)} is not a tensor`);
    m.registerBuffer(key, buffer, !transient.has(key));
  }
  for (const [key, raw] of entriesOf(state.get(MODULES) ?? new Map(), MODULES, name)) {
    const child = convert(raw);
    if (child !== null && !(child instanceof Module)) throw corrupt(`module ${name}: child ${shown(key)} is not a module`);
    m.addModule(key, child);
  }
  for (const [key, raw] of state) {
    if (typeof key !== 'string') throw corrupt(`module ${name}: an attribute name is not a string`);
    if (RESERVED.has(key)) continue;
    // an attribute must not replace a method, a registered member or the machinery
    if (key in m) throw corrupt(`module ${name}: attribute ${shown(key)} would replace an existing member`);
    const value = convert(raw);
    if (value instanceof Module || value instanceof Parameter) throw corrupt(`module ${name}: attribute ${shown(key)} holds a module or parameter outside the registries`);
    Object.defineProperty(m, key, { value, writable: true, enumerable: true, configurable: true });
  }
  return m;
}
