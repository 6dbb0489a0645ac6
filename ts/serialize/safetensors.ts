// The safetensors format: an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets}}, then the raw little-endian data.

import { Tensor } from '../tensor/tensor.js';
import { DType, float64, float32, float16, bfloat16, int64, int32, int16, int8, uint8, bool } from '../tensor/dtype.js';
import { RuntimeError, numelOf } from '../tensor/shape.js';
import { heapU8 } from '../wasm/heap.js';
import { contiguous } from '../tensor/copy.js';

const CODES: [string, DType][] = [
  ['F64', float64], ['F32', float32], ['F16', float16], ['BF16', bfloat16], ['I64', int64], ['I32', int32],
  ['I16', int16], ['I8', int8], ['U8', uint8], ['BOOL', bool],
];

/** Reads a .safetensors file into {name: Tensor}. */
export function load(source: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
  if (bytes.length < 8) throw new RuntimeError('safetensors: file too small');
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + n > bytes.length) throw new RuntimeError('safetensors: header length exceeds the file');
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch {
    throw new RuntimeError('safetensors: invalid JSON header');
  }
  const base = 8 + n;
  const out: Record<string, Tensor> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const dt = CODES.find(([c]) => c === info.dtype)?.[1];
    if (!dt) throw new RuntimeError(`safetensors: unsupported dtype ${info.dtype} for ${name}`);
    const [b, e] = info.data_offsets;
    const nbytes = numelOf(info.shape) * dt.itemsize;
    if (e - b !== nbytes || base + e > bytes.length) throw new RuntimeError(`safetensors: bad data offsets for ${name}`);
    const t = Tensor._empty(info.shape, dt);
    heapU8().set(bytes.subarray(base + b, base + e), t._ptr);
    out[name] = t;
  }
  return out;
}

/** Writes {name: Tensor} as .safetensors bytes. */
export function save(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let off = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const code = CODES.find(([, d]) => d === t.dtype)?.[0];
    const c = contiguous(t._check('safetensors.save'));
    const data = heapU8().slice(c._ptr, c._ptr + c.numel() * c.dtype.itemsize);
    if (c !== t) c.dispose();
    header[name] = { dtype: code, shape: [...t.shape], data_offsets: [off, off + data.length] };
    chunks.push(data);
    off += data.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
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
