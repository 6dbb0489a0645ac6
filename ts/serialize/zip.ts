// Zip archives as torch.save writes them: entries stored without compression.
// Reading finds entries through the central directory; writing stores entries
// 64-byte aligned (as PyTorch does, so storages can be mapped) with CRC-32.

import { crc32 } from '../kernels/memory.js';

export class ZipError extends Error {
  override name = 'RuntimeError';
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** Reads every entry of a zip archive (stored entries only). */
export function readZip(bytes: Uint8Array): Map<string, Uint8Array> {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // End of central directory: scan back for its signature.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (v.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('PytorchStreamReader failed reading zip archive: failed finding central directory');
  let count = v.getUint16(eocd + 10, true);
  let cdOffset = v.getUint32(eocd + 16, true);
  // zip64: the real values live in the zip64 end record
  if (count === 0xffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc >= 0 && v.getUint32(loc, true) === 0x07064b50) {
      const rec = Number(v.getBigUint64(loc + 8, true));
      count = Number(v.getBigUint64(rec + 32, true));
      cdOffset = Number(v.getBigUint64(rec + 48, true));
    }
  }
  const entries = new Map<string, Uint8Array>();
  let p = cdOffset;
  const dec = new TextDecoder();
  for (let e = 0; e < count; e++) {
    if (p + 46 > bytes.length || v.getUint32(p, true) !== 0x02014b50) {
      throw new ZipError('PytorchStreamReader failed reading zip archive: corrupt central directory');
    }
    const method = v.getUint16(p + 10, true);
    let compSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    let local = v.getUint32(p + 42, true);
    const name = dec.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // zip64 extra field for large sizes / offsets
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = v.getUint16(x, true);
      const len = v.getUint16(x + 2, true);
      if (id === 0x0001) {
        let q = x + 4;
        if (size === 0xffffffff) { size = Number(v.getBigUint64(q, true)); q += 8; }
        if (compSize === 0xffffffff) { compSize = Number(v.getBigUint64(q, true)); q += 8; }
        if (local === 0xffffffff) { local = Number(v.getBigUint64(q, true)); }
      }
      x += 4 + len;
    }
    if (method !== 0) throw new ZipError(`zip entry ${name} is compressed (method ${method}); only stored entries are supported`);
    if (local + 30 > bytes.length || v.getUint32(local, true) !== 0x04034b50) {
      throw new ZipError(`PytorchStreamReader failed reading zip archive: bad local header for ${name}`);
    }
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    if (start + size > bytes.length) throw new ZipError(`zip entry ${name} is truncated`);
    entries.set(name, bytes.subarray(start, start + size));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
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
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, e.data.length, true);
    lv.setUint32(22, e.data.length, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, extra.length, true);
    parts.push(local, name, extra, e.data);
    const cd = new Uint8Array(46);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
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
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
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
