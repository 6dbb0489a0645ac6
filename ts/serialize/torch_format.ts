// torch.load / torch.save for PyTorch's .pt files: the zip format (torch >= 1.6) and the
// legacy pickle stream. Tensors sharing a storage in the file share one here too.
// Loading is safe by default (load_policy.ts) and all-or-nothing: on any error every
// tensor it made is freed and the error says what is wrong with the file.

import { Tensor } from '../tensor/tensor.js';
import { DType, toDType } from '../tensor/dtype.js';
import { RuntimeError } from '../tensor/shape.js';
import { pushScope, popScope } from '../tensor/scope.js';
import { Unpickler, Pickler } from './pickle.js';
import { readZip, writeZip, ZipArchive, EntryBytes } from './zip.js';
import { corrupt, shown, UnpicklingError } from './errors.js';
import { LoadHost, LoadContext, LoadPolicyOptions } from './load_policy.js';
import { StorageLoader } from './storage_loader.js';
import { Materializer } from './materialize.js';
import { PickleConverter } from './to_pickle.js';
import { loadLegacy, looksLegacy, writeLegacy } from './legacy.js';

export interface LoadOptions {
  /**
   * true (the default): only what a tensor container needs may be named in the file
   * (PyTorch's weights_only allowlist); anything else is refused. false: other globals
   * load as inert PyObject placeholders and whole modules (torch.save(model)) are
   * rebuilt. Nothing in a file is ever executed, in either mode.
   */
  weightsOnly?: boolean;
  /** Globals ('module.Name') to load as placeholders (or registered module classes) despite weightsOnly. */
  allowGlobals?: readonly string[];
  /** Cast every floating-point storage to this dtype as it loads (views and sharing are kept). */
  dtype?: DType | string;
  /** Accepted for compatibility: every tensor loads into wasm memory (the CPU). */
  mapLocation?: unknown;
}

export interface SaveOptions {
  /** The folder inside the zip (PyTorch names it after the file); default 'archive'. */
  archiveName?: string;
  /** false writes the legacy (pre-1.6) format, as PyTorch's _use_new_zipfile_serialization=False. */
  _useNewZipfileSerialization?: boolean;
}

const LOAD_OPTIONS = new Set(['weightsOnly', 'allowGlobals', 'dtype', 'mapLocation']);

function parseLoadOptions(options: LoadOptions): { policy: LoadPolicyOptions; dtype: DType | null } {
  if (options === null || typeof options !== 'object') throw new TypeError('load(): options must be an object');
  for (const key of Object.keys(options)) {
    if (!LOAD_OPTIONS.has(key)) throw new TypeError(`load() got an unexpected keyword argument '${key}'`);
  }
  const weightsOnly = options.weightsOnly ?? true;
  if (typeof weightsOnly !== 'boolean') throw new TypeError('load(): weightsOnly must be a boolean');
  const allow = options.allowGlobals ?? [];
  if (!Array.isArray(allow) || allow.some((g) => typeof g !== 'string')) {
    throw new TypeError("load(): allowGlobals must be an array of 'module.Name' strings");
  }
  let dtype: DType | null = null;
  if (options.dtype !== undefined && options.dtype !== null) {
    dtype = toDType(options.dtype, 'load');
    if (!dtype.isFloatingPoint) throw new TypeError(`load(): dtype must be a floating-point dtype, got ${dtype}`);
  }
  return { policy: { weightsOnly, allowGlobals: new Set(allow) }, dtype };
}

function toBytes(source: unknown, op: string): Uint8Array {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  throw new TypeError(`${op}(): expected the file's bytes (a Uint8Array or ArrayBuffer), got ${source === null ? 'null' : typeof source}`);
}

const isZip = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

type StoragesOf = (bytesOf: (key: string) => EntryBytes | null) => StorageLoader;

function loadZip(zip: ZipArchive, host: (persistentLoad: (pid: unknown) => unknown) => LoadHost, storagesOf: StoragesOf): unknown {
  const first = zip.names()[0];
  if (first === undefined) throw corrupt('the archive is empty');
  // the archive's folder is named after the file it was saved to: take it from the first entry
  const slash = first.indexOf('/');
  if (slash <= 0) throw corrupt(`the archive entry ${shown(first)} is not in a folder`);
  const folder = first.slice(0, slash);
  const pkl = zip.get(`${folder}/data.pkl`);
  if (!pkl) throw corrupt(`${folder}/data.pkl not found in the archive`);
  const byteorder = zip.get(`${folder}/byteorder`);
  if (byteorder !== null && new TextDecoder().decode(byteorder).trim() !== 'little') {
    throw new UnpicklingError('load: big-endian files are not supported');
  }
  const storages = storagesOf((key) => zip.bytes(`${folder}/data/${key}`));
  return new Unpickler(pkl, host(storages.load)).load();
}

function wrapLoadError(e: unknown): unknown {
  if (e instanceof RuntimeError && e.message.startsWith('load')) return e;
  if (e instanceof RuntimeError && e.message.startsWith('DefaultCPUAllocator')) return e; // out of memory
  const why = e instanceof Error ? e.message : String(e);
  return new RuntimeError(`load: corrupt file: ${why}`, { cause: e });
}

/**
 * Reads a file written by PyTorch's torch.save (zip or legacy format) or by ours.
 * By default only tensors and containers load (see LoadOptions.weightsOnly).
 * @example
 * const sd = torch.load(fs.readFileSync('resnet18.pt'));   // sd['fc.weight']
 * const model = torch.load(bytes, { weightsOnly: false });  // a whole module saved by torch.save(model)
 */
export function load(source: Uint8Array | ArrayBuffer, options: LoadOptions = {}): any {
  const bytes = toBytes(source, 'load');
  const { policy, dtype } = parseLoadOptions(options);
  const zip = isZip(bytes);
  if (!zip && !looksLegacy(bytes)) {
    const safetensors = bytes.length > 8 && bytes[8] === 0x7b;
    throw new RuntimeError(
      `load: not a PyTorch file (expected a zip archive or a legacy pickle)${safetensors ? '; for a .safetensors file use torch.safetensors.load' : ''}`,
    );
  }
  const ctx: LoadContext = { created: [], tensorStates: new Map() };
  const host = (persistentLoad: (pid: unknown) => unknown): LoadHost => new LoadHost(policy, ctx, persistentLoad);
  let storages: StorageLoader | null = null;
  const storagesOf = (bytesOf: (key: string) => EntryBytes | null): StorageLoader => (storages = new StorageLoader(bytesOf, dtype));
  // tensors made by ops (the dtype cast) are collected here as well
  const made: Tensor[] = [];
  pushScope(made);
  let open = true;
  try {
    const raw = zip ? loadZip(readZip(bytes), host, storagesOf) : loadLegacy(bytes, host, (bytesOf) => storagesOf(bytesOf).load);
    const m = new Materializer(ctx);
    const result = m.convert(raw);
    popScope(made.filter((t) => m.reachable.has(t)));
    open = false;
    for (const t of ctx.created) if (!m.reachable.has(t)) t.dispose();
    for (const t of made) if (!m.reachable.has(t)) t.dispose();
    return result;
  } catch (e) {
    if (open) popScope();
    for (const t of ctx.created) t.dispose();
    for (const t of made) t.dispose();
    throw wrapLoadError(e);
  } finally {
    (storages as StorageLoader | null)?.release();
  }
}

/**
 * Serialises `obj` in PyTorch's zip format (torch.save): tensors (storages shared
 * between views written once), containers, numbers, strings, bytes, dtypes, and
 * whole modules of registered classes. See to_pickle.ts for how each value is written.
 * @example fs.writeFileSync('model.pt', torch.save(model.stateDict()));
 */
export function save(obj: unknown, options: SaveOptions = {}): Uint8Array {
  if (options === null || typeof options !== 'object') throw new TypeError('save(): options must be an object');
  for (const key of Object.keys(options)) {
    if (key !== 'archiveName' && key !== '_useNewZipfileSerialization') throw new TypeError(`save() got an unexpected keyword argument '${key}'`);
  }
  const folder = options.archiveName ?? 'archive';
  if (typeof folder !== 'string' || folder === '' || /[/\n]/.test(folder)) {
    throw new TypeError('save(): archiveName must be a non-empty name without "/"');
  }
  const legacy = options._useNewZipfileSerialization === false;
  const converter = new PickleConverter(legacy);
  const pkl = new Pickler().dump(converter.convert(obj));
  if (legacy) return writeLegacy(pkl, converter.storages);
  return writeZip([
    { name: `${folder}/data.pkl`, data: pkl },
    ...converter.storages.map((s) => ({ name: `${folder}/data/${s.key}`, ptr: s.storage.ptr, size: s.storage.nbytes })),
    { name: `${folder}/version`, data: new TextEncoder().encode('3\n') },
  ]);
}
