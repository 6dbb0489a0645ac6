// What a pickle may name and call when torch.load reads it.
//
// weightsOnly (the default) allows what PyTorch 1.13's weights_only unpickler allows,
// the globals a tensor container needs: the torch._utils rebuild functions, storage
// and tensor types, dtypes, torch.Size, torch.device, collections.OrderedDict, and
// a few pure builtins (set, frozenset, bytes). Every other global is refused with an
// UnpicklingError naming it. `{ weightsOnly: false }`, or `allowGlobals: ['mod.Name']`
// for chosen names, loads other globals as inert PyObject placeholders and module
// classes (saved by torch.save(model)) through the registry. No mode runs anything a
// file names: the only functions ever called are the ones in this file.

import { DType, DTYPES, uint8 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { Parameter } from '../nn/parameter.js';
import { Module } from '../nn/module.js';
import { PickleHost, PyObject, PyTuple, PickleError, tuple } from './pickle.js';
import { orderedDict } from './ordered_dict.js';
import { UnpicklingError, corrupt, shown } from './errors.js';
import { RebuildContext, rebuildTensor, rebuildParameter, checkIndex } from './tensor_rebuild.js';
import { moduleClassByName } from './module_registry.js';

/** A storage class named in a persistent id (torch.FloatStorage); dtype null when we have no such dtype. */
export class StorageType {
  constructor(readonly fullName: string, readonly dtype: DType | null) {}
}

/** A global that may be called: one of our own functions. */
class AllowedFunction {
  constructor(readonly fullName: string, readonly call: (ctx: LoadContext, args: unknown[]) => unknown) {}
}

/** torch.Tensor / torch.nn.Parameter as classes (for NEWOBJ and _rebuild_from_type_v2). */
class TensorClass {
  constructor(readonly fullName: string, readonly parameter: boolean) {}
}

/** A class the caller allowed but we do not rebuild: calling it makes a PyObject. */
export class PyClass {
  constructor(readonly className: string) {}
}

/** A module class saved by torch.save(model) (global `torchwasm.<registered name>`). */
export class ModuleClassRef {
  constructor(readonly registeredName: string, readonly cls: abstract new (...a: any[]) => Module) {}
}

/** A module between NEWOBJ and BUILD: rebuilt from its state once the pickle is read. */
export class PendingModule {
  state: unknown = undefined;
  constructor(readonly ref: ModuleClassRef) {}
}

export interface LoadContext extends RebuildContext {
  /** Python attributes a BUILD gave a tensor, applied when the result is converted. */
  tensorStates: Map<Tensor, unknown>;
}

/** The module name whole-model files use for module classes. */
export const MODULE_GLOBAL = 'torchwasm';

const fn = (name: string, call: (ctx: LoadContext, args: unknown[]) => unknown): [string, AllowedFunction] => [
  name,
  new AllowedFunction(name, call),
];

function unsupported(what: string): (ctx: LoadContext, args: unknown[]) => never {
  return () => {
    throw new UnpicklingError(`load: ${what} are not supported`);
  };
}

function arg(args: unknown[], i: number, name: string, fnName: string): unknown {
  if (i >= args.length) throw corrupt(`${fnName}() is missing its argument '${name}'`);
  return args[i];
}

function iterableArg(args: unknown[], fnName: string): unknown[] {
  if (args.length === 0) return [];
  const a = args[0];
  if (Array.isArray(a)) return a;
  if (a instanceof Set) return [...a];
  throw corrupt(`${fnName}() expects a list`);
}

const ALLOWED = new Map<string, unknown>([
  fn('torch._utils._rebuild_tensor_v2', (ctx, a) => {
    const f = 'torch._utils._rebuild_tensor_v2';
    return rebuildTensor(ctx, arg(a, 0, 'storage', f), arg(a, 1, 'storage_offset', f), arg(a, 2, 'size', f), arg(a, 3, 'stride', f), arg(a, 4, 'requires_grad', f));
  }),
  fn('torch._utils._rebuild_tensor', (ctx, a) => {
    const f = 'torch._utils._rebuild_tensor';
    return rebuildTensor(ctx, arg(a, 0, 'storage', f), arg(a, 1, 'storage_offset', f), arg(a, 2, 'size', f), arg(a, 3, 'stride', f));
  }),
  fn('torch._utils._rebuild_parameter', (ctx, a) => rebuildParameter(ctx, arg(a, 0, 'data', 'torch._utils._rebuild_parameter'), arg(a, 1, 'requires_grad', 'torch._utils._rebuild_parameter'))),
  fn('torch._utils._rebuild_parameter_with_state', (ctx, a) => {
    const p = rebuildParameter(ctx, arg(a, 0, 'data', 'torch._utils._rebuild_parameter_with_state'), arg(a, 1, 'requires_grad', 'torch._utils._rebuild_parameter_with_state'));
    ctx.tensorStates.set(p, a[3]);
    return p;
  }),
  fn('torch._tensor._rebuild_from_type_v2', (ctx, a) => {
    const [func, type, args, state] = a;
    if (!(func instanceof AllowedFunction) || !(type instanceof TensorClass) || !Array.isArray(args)) {
      throw corrupt('torch._tensor._rebuild_from_type_v2() expects an allowed function, a tensor class and a tuple');
    }
    let t = func.call(ctx, args);
    if (!(t instanceof Tensor)) throw corrupt('torch._tensor._rebuild_from_type_v2() did not rebuild a tensor');
    if (type.parameter) t = rebuildParameter(ctx, t, t.requiresGrad);
    ctx.tensorStates.set(t as Tensor, state);
    return t;
  }),
  fn('torch._utils._rebuild_sparse_tensor', unsupported('sparse tensors')),
  fn('torch._utils._rebuild_sparse_csr_tensor', unsupported('sparse tensors')),
  fn('torch._utils._rebuild_meta_tensor_no_storage', unsupported('meta tensors')),
  fn('torch._utils._rebuild_qtensor', unsupported('quantized tensors')),
  fn('collections.OrderedDict', (_ctx, a) => {
    const m = orderedDict(new Map());
    for (const pair of iterableArg(a, 'OrderedDict')) {
      if (!Array.isArray(pair) || pair.length !== 2) throw corrupt('OrderedDict() expects (key, value) pairs');
      m.set(pair[0], pair[1]);
    }
    return m;
  }),
  fn('torch.Size', (_ctx, a) => tuple(...iterableArg(a, 'torch.Size').map((x, i) => checkIndex(x, `torch.Size[${i}]`)))),
  fn('torch.device', (_ctx, a) => {
    const [type, index] = a;
    if (typeof type !== 'string') throw corrupt('torch.device() expects a string');
    return index === undefined || index === null ? type : `${type}:${String(index)}`;
  }),
  fn('torch.serialization._get_layout', (_ctx, a) => {
    if (typeof a[0] !== 'string') throw corrupt('torch.serialization._get_layout() expects a string');
    return a[0];
  }),
  fn('builtins.set', (_ctx, a) => new Set(iterableArg(a, 'set'))),
  fn('builtins.frozenset', (_ctx, a) => new Set(iterableArg(a, 'frozenset'))),
  fn('builtins.bytes', (_ctx, a) => Uint8Array.from(iterableArg(a, 'bytes').map((x, i) => checkIndex(x, `bytes[${i}]`) & 0xff))),
  // protocol 2 writes bytes as _codecs.encode(latin-1 text, 'latin1')
  fn('_codecs.encode', (_ctx, a) => {
    const [text, encoding] = a;
    if (typeof text !== 'string') throw corrupt('_codecs.encode() expects a string');
    if (encoding === 'latin1' || encoding === 'latin-1') {
      const b = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c > 255) throw corrupt('_codecs.encode(): a character is outside latin-1');
        b[i] = c;
      }
      return b;
    }
    if (encoding === 'utf-8' || encoding === 'utf8' || encoding === undefined) return new TextEncoder().encode(text);
    throw corrupt(`_codecs.encode(): unsupported encoding ${String(encoding)}`);
  }),
  ['torch.Tensor', new TensorClass('torch.Tensor', false)],
  ['torch.nn.parameter.Parameter', new TensorClass('torch.nn.parameter.Parameter', true)],
  ['torch.storage.UntypedStorage', new StorageType('torch.storage.UntypedStorage', uint8)],
  ['torch.storage._UntypedStorage', new StorageType('torch.storage._UntypedStorage', uint8)],
  ...DTYPES.flatMap((d): [string, unknown][] => [
    [`torch.${d.name}`, d],
    [`torch.${d.scalarName}Storage`, new StorageType(`torch.${d.scalarName}Storage`, d)],
    [`torch.cuda.${d.scalarName}Storage`, new StorageType(`torch.cuda.${d.scalarName}Storage`, d)],
    [`torch.${d.scalarName}Tensor`, d],
    [`torch.cuda.${d.scalarName}Tensor`, d],
  ]),
  ...['complex32', 'complex64', 'complex128'].map((n): [string, unknown] => [`torch.${n}`, new PyObject(`torch.${n}`)]),
  ...['ComplexFloat', 'ComplexDouble', 'QInt8', 'QUInt8', 'QInt32', 'QUInt4x2', 'QUInt2x4'].flatMap((n): [string, unknown][] => [
    [`torch.${n}Storage`, new StorageType(`torch.${n}Storage`, null)],
    [`torch.cuda.${n}Storage`, new StorageType(`torch.cuda.${n}Storage`, null)],
  ]),
]);

// Python 2 pickles name these modules the old way (pickle's fix_imports)
const PY2_MODULES: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

export interface LoadPolicyOptions {
  weightsOnly: boolean;
  allowGlobals: ReadonlySet<string>;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (v instanceof PyClass) return v.className;
  if (v instanceof AllowedFunction || v instanceof TensorClass || v instanceof StorageType) return v.fullName;
  if (v instanceof DType) return String(v);
  if (Array.isArray(v)) return v instanceof PyTuple ? 'tuple' : 'list';
  if (v instanceof Map) return 'dict';
  return typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v;
}

/** The PickleHost of torch.load: the allowlist, opt-in placeholders and module classes. */
export class LoadHost implements PickleHost {
  constructor(
    private readonly policy: LoadPolicyOptions,
    private readonly ctx: LoadContext,
    readonly persistentLoad: (pid: unknown) => unknown,
  ) {}

  private optedIn(fullName: string): boolean {
    return !this.policy.weightsOnly || this.policy.allowGlobals.has(fullName);
  }

  findGlobal(module: string, name: string): unknown {
    const mod = PY2_MODULES[module] ?? module;
    const fullName = `${mod}.${name}`;
    const allowed = ALLOWED.get(fullName);
    if (allowed !== undefined) return allowed;
    if (mod === MODULE_GLOBAL) {
      if (!this.optedIn(fullName)) {
        throw new UnpicklingError(
          `load: refusing to load global ${shown(fullName)} (weights_only): the file holds a whole module of class ${shown(name)}. ` +
            `If you trust the file, load it with { weightsOnly: false } (the class must be registered with torch.serialization.registerModuleClass).`,
        );
      }
      const cls = moduleClassByName(name);
      if (cls === null) {
        throw new UnpicklingError(`load: the file holds a module of class ${shown(name)}, which is not registered: call torch.serialization.registerModuleClass(${shown(name)}) before loading`);
      }
      return new ModuleClassRef(name, cls);
    }
    if (!this.optedIn(fullName)) {
      throw new UnpicklingError(
        `load: refusing to load global ${shown(fullName)} (weights_only): only tensors, storages, dtypes, OrderedDict and plain containers are allowed. ` +
          `If you trust the file, pass { weightsOnly: false } or { allowGlobals: [${JSON.stringify(fullName)}] } to load it as an inert placeholder (nothing is ever executed).`,
      );
    }
    return new PyClass(fullName);
  }

  call(callable: unknown, args: unknown[]): unknown {
    if (callable instanceof AllowedFunction) return callable.call(this.ctx, args);
    if (callable instanceof PyClass) return new PyObject(callable.className, args);
    if (callable instanceof TensorClass && callable.parameter) {
      return rebuildParameter(this.ctx, args[0], args.length > 1 ? args[1] : true);
    }
    throw new PickleError(`cannot call ${typeName(callable)}`);
  }

  newObj(cls: unknown, args: unknown[]): unknown {
    if (cls instanceof ModuleClassRef) {
      if (args.length > 0) throw new PickleError(`module class ${cls.registeredName} is rebuilt without arguments`);
      return new PendingModule(cls);
    }
    if (cls instanceof TensorClass && cls.parameter) return rebuildParameter(this.ctx, args[0], args.length > 1 ? args[1] : true);
    if (cls instanceof PyClass) return new PyObject(cls.className, args);
    throw new PickleError(`cannot instantiate ${typeName(cls)}`);
  }

  build(obj: unknown, state: unknown): void {
    if (obj instanceof PendingModule || obj instanceof PyObject) {
      if (obj.state !== undefined) throw new PickleError('an object was built twice');
      obj.state = state;
    } else if (obj instanceof Parameter || obj instanceof Tensor) {
      this.ctx.tensorStates.set(obj, state);
    } else if (!(obj instanceof Map)) {
      // an OrderedDict's state is its attributes (a state_dict's _metadata): not kept
      throw new PickleError(`cannot build ${typeName(obj)}`);
    }
  }
}

/**
 * A host that only reads: globals of the allowlist resolve to their values, anything
 * else to an inert name, every call to an inert object. The legacy loader uses it to
 * find where the object pickle ends (its storages follow it) and which storages it
 * names, before the real pass. It never refuses: the real pass does.
 */
export class ScanHost implements PickleHost {
  constructor(readonly persistentLoad: (pid: unknown) => unknown) {}
  findGlobal(module: string, name: string): unknown {
    const fullName = `${PY2_MODULES[module] ?? module}.${name}`;
    return ALLOWED.get(fullName) ?? new PyClass(fullName);
  }
  call(): unknown {
    return new PyObject('');
  }
  newObj(): unknown {
    return new PyObject('');
  }
  build(): void {}
}
