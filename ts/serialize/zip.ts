// Zip archives as torch.save writes them: entries stored without compression.
// Reading finds entries through the central directory and checks every offset and
// size against the bytes it has before using it; an entry's CRC-32 is checked when it
// is first read. Writing stores entries 64-byte aligned (as PyTorch does, so storages
// can be mapped) with their CRC-32.

import { K, heapU8 } from '../wasm/heap.js';
import { shown } from './errors.js';

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
    if (!r.checked) {
      if (crc32(r.data) !== r.crc) throw new ZipError(`CRC-32 mismatch in ${shown(name)}: the archive is damaged`);
      r.checked = true;
    }
    return r.data;
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

/** CRC-32 computed by the crate (the data is copied into wasm memory in chunks). */
export function crc32(data: Uint8Array): number {
  const chunk = 1 << 20;
  const size = Math.min(chunk, Math.max(data.length, 1));
  const ptr = K.mem_alloc(size) >>> 0;
  if (ptr === 0) throw new RangeError(`torchwasm: out of memory allocating ${size} bytes`);
  try {
    let crc = 0;
    for (let off = 0; off < data.length; off += chunk) {
      const part = data.subarray(off, off + chunk);
      heapU8().set(part, ptr);
      crc = K.crc32(crc, ptr, part.length) as number;
    }
    return crc >>> 0;
  } finally {
    K.mem_free(ptr, size);
  }
}

/** Writes a stored (uncompressed) zip; each entry's data starts on a 64-byte boundary. */
export function writeZip(entries: ZipEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const crc = crc32(e.data);
    // pad the extra field so the data is 64-byte aligned
    const headerEnd = offset + 30 + name.length + 4;
    const pad = (64 - (headerEnd % 64)) % 64;
    const extra = new Uint8Array(4 + pad);
    new DataView(extra.buffer).setUint16(0, 0xcafe, true); // private padding id
    new DataView(extra.buffer).setUint16(2, pad, true);
    const local = new Uint8Array(30);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, LOCAL, true);
    lv.setUint16(4, 20, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, e.data.length, true);
    lv.setUint32(22, e.data.length, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, extra.length, true);
    parts.push(local, name, extra, e.data);
    const cd = new Uint8Array(46);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, CENTRAL, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, e.data.length, true);
    cv.setUint32(24, e.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.push(cd, name);
    offset += 30 + name.length + extra.length + e.data.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  if (offset + cdSize > 0xffffffff || entries.length > 0xfffe) {
    throw new RangeError('save: the archive would exceed 4 GiB or 65534 entries (zip64 is not written)');
  }
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, EOCD, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((n, b) => n + b.length, 0));
  let p = 0;
  for (const b of all) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}
