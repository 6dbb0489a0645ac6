// Zip archives as torch.save writes them: entries stored without compression.
// Reading finds entries through the central directory and checks every offset and
// size against the bytes it has before using it; an entry's CRC-32 is checked when it
// is first read. Writing stores entries 64-byte aligned (as PyTorch does, so storages
// can be mapped) with their CRC-32.

import { heapU8 } from '../wasm/heap.js';
import { crc32, crc32InMemory } from '../kernels/memory.js';
import { shown } from './errors.js';
import { RuntimeError } from '../tensor/shape.js';

/** A malformed archive (torch.load reports it as a corrupt file). */
export class ZipError extends Error {
  override name = 'RuntimeError';
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

interface Record {
  data: Uint8Array;
  crc: number;
  checked: boolean;
}

/** An entry's bytes, copied into wasm memory and CRC-checked there (what a storage needs). */
export interface EntryBytes {
  readonly length: number;
  /** Copies the first n bytes to ptr; the whole entry's CRC-32 must match (else a ZipError). */
  copyTo(ptr: number, n: number): void;
}

/** The entries of a stored (uncompressed) zip archive, by name. */
export class ZipArchive {
  constructor(private readonly records: Map<string, Record>) {}

  /** Entry names in central-directory order. */
  names(): string[] {
    return [...this.records.keys()];
  }

  /** An entry's bytes (a view into the archive), CRC-checked; null when absent. */
  get(name: string): Uint8Array | null {
    const r = this.records.get(name);
    if (r === undefined) return null;
    if (!r.checked) this.verify(name, r, crc32(r.data));
    return r.data;
  }

  /** An entry to copy into wasm memory, checked there without another copy; null when absent. */
  bytes(name: string): EntryBytes | null {
    const r = this.records.get(name);
    if (r === undefined) return null;
    return {
      length: r.data.length,
      copyTo: (ptr: number, n: number): void => {
        heapU8().set(r.data.subarray(0, n), ptr);
        if (r.checked) return;
        const head = crc32InMemory(ptr, n);
        this.verify(name, r, n < r.data.length ? crc32(r.data.subarray(n), head) : head);
      },
    };
  }

  private verify(name: string, r: Record, crc: number): void {
    if (crc !== r.crc) throw new ZipError(`CRC-32 mismatch in ${shown(name)}: the archive is damaged`);
    r.checked = true;
  }
}

function fail(why: string): never {
  throw new ZipError(`PytorchStreamReader failed reading zip archive: ${why}`);
}

/** A 64-bit little-endian size or offset, which must be exact and inside the file. */
function u64(v: DataView, at: number): number {
  const x = v.getBigUint64(at, true);
  if (x > BigInt(Number.MAX_SAFE_INTEGER)) fail('a zip64 size or offset is out of range');
  return Number(x);
}

/** Reads the directory of a zip archive (stored entries only). */
export function readZip(bytes: Uint8Array): ZipArchive {
  const len = bytes.length;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // End of central directory: the last signature within the maximal comment length.
  let eocd = -1;
  for (let i = len - 22; i >= Math.max(0, len - 22 - 0xffff); i--) {
    if (v.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('failed finding central directory');
  if (v.getUint16(eocd + 4, true) !== 0 || v.getUint16(eocd + 6, true) !== 0) fail('multi-disk archives are not supported');
  let count = v.getUint16(eocd + 10, true);
  let cdSize = v.getUint32(eocd + 12, true);
  let cdOffset = v.getUint32(eocd + 16, true);
  let cdLimit = eocd;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // zip64: the real values are in the zip64 end record, found through its locator
    const loc = eocd - 20;
    if (loc < 0 || v.getUint32(loc, true) !== ZIP64_LOCATOR) fail('zip64 locator not found');
    const rec = u64(v, loc + 8);
    if (rec + 56 > loc || v.getUint32(rec, true) !== ZIP64_EOCD) fail('zip64 end of central directory not found');
    count = u64(v, rec + 32);
    cdSize = u64(v, rec + 40);
    cdOffset = u64(v, rec + 48);
    cdLimit = rec;
  }
  if (cdOffset + cdSize > cdLimit) fail('the central directory lies outside the archive');
  if (count * 46 > cdSize) fail(`the central directory is too small for ${count} entries`);
  const records = new Map<string, Record>();
  const dec = new TextDecoder();
  const cdEnd = cdOffset + cdSize;
  let p = cdOffset;
  for (let e = 0; e < count; e++) {
    if (p + 46 > cdEnd || v.getUint32(p, true) !== CENTRAL) fail('corrupt central directory');
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    let compSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    let local = v.getUint32(p + 42, true);
    const next = p + 46 + nameLen + extraLen + commentLen;
    if (next > cdEnd) fail('a central directory entry runs past the directory');
    const name = dec.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // the zip64 extra field holds the sizes and offset that did not fit in 32 bits
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = v.getUint16(x, true);
      const fieldEnd = x + 4 + v.getUint16(x + 2, true);
      if (fieldEnd > xEnd) fail(`bad extra field for ${shown(name)}`);
      if (id === 0x0001) {
        let q = x + 4;
        const take = (): number => {
          if (q + 8 > fieldEnd) fail(`bad zip64 extra field for ${shown(name)}`);
          const r = u64(v, q);
          q += 8;
          return r;
        };
        if (size === 0xffffffff) size = take();
        if (compSize === 0xffffffff) compSize = take();
        if (local === 0xffffffff) local = take();
      }
      x = fieldEnd;
    }
    if (flags & 1) fail(`${shown(name)} is encrypted`);
    if (method !== 0) fail(`${shown(name)} is compressed (method ${method}); only stored entries are supported`);
    if (compSize !== size) fail(`${shown(name)}: stored entry with different compressed and uncompressed sizes`);
    if (local + 30 > len || v.getUint32(local, true) !== LOCAL) fail(`bad local header for ${shown(name)}`);
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    if (start + size > len) fail(`${shown(name)} runs past the end of the archive`);
    if (records.has(name)) fail(`duplicate entry ${shown(name)}`);
    records.set(name, { data: bytes.subarray(start, start + size), crc, checked: false });
    p = next;
  }
  return new ZipArchive(records);
}

/** An entry to write: JS bytes, or bytes in wasm memory (a storage), written without an intermediate copy. */
export type ZipInput = ZipEntry | { name: string; ptr: number; size: number };

/** Writes a stored (uncompressed) zip; each entry's data starts on a 64-byte boundary. */
export function writeZip(entries: ZipInput[]): Uint8Array {
  const enc = new TextEncoder();
  const planned = entries.map((e) => {
    const name = enc.encode(e.name);
    const size = 'data' in e ? e.data.length : e.size;
    const crc = 'data' in e ? crc32(e.data) : crc32InMemory(e.ptr, size);
    return { e, name, size, crc };
  });
  // sizes first: the local headers, padded so each entry's data is 64-byte aligned
  let offset = 0;
  const layout = planned.map((p) => {
    const headerEnd = offset + 30 + p.name.length + 4;
    const pad = (64 - (headerEnd % 64)) % 64;
    const at = offset;
    offset += 30 + p.name.length + 4 + pad + p.size;
    return { ...p, at, pad };
  });
  const cdSize = planned.reduce((n, p) => n + 46 + p.name.length, 0);
  if (offset + cdSize + 22 > 0xffffffff || entries.length > 0xfffe) {
    throw new RuntimeError('save: the archive would exceed 4 GiB or 65534 entries (zip64 is not written)');
  }
  const out = new Uint8Array(offset + cdSize + 22);
  const v = new DataView(out.buffer);
  for (const { e, name, size, crc, at, pad } of layout) {
    v.setUint32(at, LOCAL, true);
    v.setUint16(at + 4, 20, true);
    v.setUint32(at + 14, crc, true);
    v.setUint32(at + 18, size, true);
    v.setUint32(at + 22, size, true);
    v.setUint16(at + 26, name.length, true);
    v.setUint16(at + 28, 4 + pad, true);
    out.set(name, at + 30);
    v.setUint16(at + 30 + name.length, 0xcafe, true); // a private extra field: the padding
    v.setUint16(at + 32 + name.length, pad, true);
    const dataAt = at + 34 + name.length + pad;
    out.set('data' in e ? e.data : heapU8().subarray(e.ptr, e.ptr + size), dataAt);
  }
  let p = offset;
  for (const { name, size, crc, at } of layout) {
    v.setUint32(p, CENTRAL, true);
    v.setUint16(p + 4, 20, true);
    v.setUint16(p + 6, 20, true);
    v.setUint32(p + 16, crc, true);
    v.setUint32(p + 20, size, true);
    v.setUint32(p + 24, size, true);
    v.setUint16(p + 28, name.length, true);
    v.setUint32(p + 42, at, true);
    out.set(name, p + 46);
    p += 46 + name.length;
  }
  v.setUint32(p, EOCD, true);
  v.setUint16(p + 8, entries.length, true);
  v.setUint16(p + 10, entries.length, true);
  v.setUint32(p + 12, cdSize, true);
  v.setUint32(p + 16, offset, true);
  return out;
}
