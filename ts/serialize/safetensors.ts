// The safetensors format: an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets}, __metadata__?: {str: str}}, then the raw
// little-endian data. As the reference implementation does, a file is refused unless
// its header is at most 100 MB and its tensors' byte ranges tile the data exactly (no
// gaps, no overlaps, nothing after the last one); every check runs before anything
// is allocated, so a header cannot make us allocate more than the file holds.

import { Tensor } from '../tensor/tensor.js';
import { DType, toDType, float64, float32, float16, bfloat16, int64, int32, int16, int8, uint8, bool } from '../tensor/dtype.js';
import { RuntimeError } from '../tensor/shape.js';
import { heapU8 } from '../wasm/heap.js';
import { noGrad } from '../autograd/grad_mode.js';
import { corrupt } from './errors.js';

const CODES: [string, DType][] = [
  ['F64', float64], ['F32', float32], ['F16', float16], ['BF16', bfloat16], ['I64', int64], ['I32', int32],
  ['I16', int16], ['I8', int8], ['U8', uint8], ['BOOL', bool],
];
const MAX_HEADER = 100_000_000;
const OP = 'safetensors.load';

interface Entry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function parseEntry(name: string, info: unknown): Entry {
  const bad = (why: string): RuntimeError => corrupt(`tensor ${JSON.stringify(name)}: ${why}`, OP);
  if (!isPlainObject(info)) throw bad('its header entry is not an object');
  const code = info.dtype;
  const dtype = CODES.find(([c]) => c === code)?.[1];
  if (!dtype) throw new RuntimeError(`${OP}: unsupported dtype ${JSON.stringify(code)} for tensor ${JSON.stringify(name)}`);
  const shape = info.shape;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw bad('shape must be a list of non-negative integers');
  const offsets = info.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isSafeInteger(o) || o < 0)) {
    throw bad('data_offsets must be [begin, end]');
  }
  const [begin, end] = offsets as number[];
  let nbytes = dtype.itemsize;
  for (const d of shape as number[]) nbytes *= d;
  if (end < begin || end - begin !== nbytes) throw bad(`data_offsets [${begin}, ${end}] do not hold ${nbytes} bytes`);
  return { name, dtype, shape: shape as number[], begin, end };
}

/** The header's entries, checked to tile the data section of `dataLength` bytes. */
function parseHeader(bytes: Uint8Array): { entries: Entry[]; dataStart: number } {
  if (bytes.length < 8) throw corrupt(`the file is ${bytes.length} bytes, shorter than the header length`, OP);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER)) throw corrupt(`header length ${n} exceeds the limit of ${MAX_HEADER} bytes`, OP);
  const headerLength = Number(n);
  if (8 + headerLength > bytes.length) throw corrupt(`header length ${headerLength} exceeds the file (${bytes.length} bytes)`, OP);
  const text = bytes.subarray(8, 8 + headerLength);
  if (text[0] !== 0x7b) throw corrupt('the header is not a JSON object', OP);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text));
  } catch {
    throw corrupt('the header is not valid JSON', OP);
  }
  if (!isPlainObject(header)) throw corrupt('the header is not a JSON object', OP);
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isPlainObject(info) || Object.values(info).some((v) => typeof v !== 'string')) throw corrupt('__metadata__ must map strings to strings', OP);
      continue;
    }
    entries.push(parseEntry(name, info));
  }
  const dataStart = 8 + headerLength;
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin !== at) throw corrupt(`tensor ${JSON.stringify(e.name)} does not start where the previous one ends (byte ${at})`, OP);
    at = e.end;
  }
  if (at !== bytes.length - dataStart) throw corrupt(`the tensors cover ${at} bytes of data but the file has ${bytes.length - dataStart}`, OP);
  return { entries, dataStart };
}

/**
 * Reads a .safetensors file into {name: Tensor}, in the header's order.
 * `dtype` casts every floating-point tensor as it loads.
 * @example const sd = torch.safetensors.load(fs.readFileSync('model.safetensors'));
 */
export function load(source: Uint8Array | ArrayBuffer, options: { dtype?: DType | string } = {}): Record<string, Tensor> {
  if (!(source instanceof Uint8Array) && !(source instanceof ArrayBuffer)) {
    throw new TypeError(`${OP}(): expected the file's bytes (a Uint8Array or ArrayBuffer), got ${source === null ? 'null' : typeof source}`);
  }
  const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
  if (options === null || typeof options !== 'object' || Object.keys(options).some((k) => k !== 'dtype')) {
    throw new TypeError(`${OP}(): the only option is dtype`);
  }
  const cast = options.dtype === undefined ? null : toDType(options.dtype, OP);
  if (cast !== null && !cast.isFloatingPoint) throw new TypeError(`${OP}(): dtype must be a floating-point dtype, got ${cast}`);
  const { entries, dataStart } = parseHeader(bytes);
  const out: Record<string, Tensor> = {};
  const made: Tensor[] = [];
  try {
    for (const e of entries) {
      let t = Tensor._empty(e.shape, e.dtype);
      made.push(t);
      heapU8().set(bytes.subarray(dataStart + e.begin, dataStart + e.end), t._ptr);
      if (cast !== null && t.dtype.isFloatingPoint && t.dtype !== cast) {
        const converted = (t as any).to(cast) as Tensor;
        t.dispose();
        made.push((t = converted));
      }
      Object.defineProperty(out, e.name, { value: t, writable: true, enumerable: true, configurable: true });
    }
  } catch (e) {
    for (const t of made) t.dispose();
    throw e;
  }
  return out;
}

/**
 * Writes {name: Tensor} (an object or a Map) as .safetensors bytes, with optional
 * string metadata. Views are written as their values (safetensors has no sharing).
 * @example fs.writeFileSync('model.safetensors', torch.safetensors.save(model.stateDict()));
 */
export function save(tensors: Record<string, Tensor> | Map<string, Tensor>, metadata: Record<string, string> | null = null): Uint8Array {
  const op = 'safetensors.save';
  if (tensors === null || typeof tensors !== 'object') throw new TypeError(`${op}(): expected an object or Map of tensors`);
  const items = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (metadata !== null && metadata !== undefined) {
    if (typeof metadata !== 'object' || Object.values(metadata).some((v) => typeof v !== 'string')) {
      throw new TypeError(`${op}(): metadata must map strings to strings`);
    }
    header.__metadata__ = metadata;
  }
  for (const [name, t] of items) {
    if (typeof name !== 'string' || name === '__metadata__') throw new TypeError(`${op}(): invalid tensor name ${String(name)}`);
    if (!(t instanceof Tensor)) throw new TypeError(`${op}(): ${name} is not a tensor`);
    t._check(op, name);
  }
  const chunks: Uint8Array[] = [];
  let off = 0;
  noGrad(() => {
    for (const [name, t] of items) {
      const code = CODES.find(([, d]) => d === t.dtype)![0];
      const c = (t as any).contiguous() as Tensor;
      const data = heapU8().slice(c._ptr, c._ptr + c.numel() * c.dtype.itemsize);
      if (c !== t) c.dispose();
      Object.defineProperty(header, name, {
        value: { dtype: code, shape: [...t.shape], data_offsets: [off, off + data.length] },
        writable: true, enumerable: true, configurable: true,
      });
      chunks.push(data);
      off += data.length;
    }
  });
  let json = new TextEncoder().encode(JSON.stringify(header));
  // pad the header with spaces to a multiple of 8 bytes, as the reference writer does
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const out = new Uint8Array(8 + json.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
