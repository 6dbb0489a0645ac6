// Seeded mutations of model files, for the mutation tests (serialize_fuzz.test.ts).
// A Mutator is a named function from (file, random) to a mutated copy; each format
// lists the mutators that make sense for it. Mutators aware of a format's structure
// (section boundaries, a pickle inside a zip rebuilt with a valid CRC, a safetensors
// header re-serialised with a consistent length) reach the parsers behind the first
// checks, which random bytes alone rarely do. Add mutators or formats here.

import { concat, unzip, zip, rng } from './serialize_files.js';

export type Random = () => number;
export type Mutator = { name: string; apply: (file: Uint8Array, r: Random) => Uint8Array };

const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Random, n: number): number => Math.floor(r() * n);

/** Values that break size and offset fields: zero, all ones, sign bits, just past 32 bits, random. */
const EXTREMES = [0n, 1n, 0x7fn, 0xffn, 0x7fffn, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0xffffffffffffffffn];

// ---- byte-level mutators (any format) ------------------------------------------------

export const flipBits: Mutator = {
  name: 'flip bits',
  apply(f, r) {
    const out = f.slice();
    for (let i = 1 + int(r, 8); i > 0 && out.length; i--) out[int(r, out.length)] ^= 1 << int(r, 8);
    return out;
  },
};

export const setByte: Mutator = {
  name: 'set a byte',
  apply(f, r) {
    const out = f.slice();
    if (out.length) out[int(r, out.length)] = pick(r, [0, 0xff, 0x80, 0x7f, int(r, 256)]);
    return out;
  },
};

/** Overwrites 2, 4 or 8 bytes at a random position with an extreme little-endian value. */
export const hugeField: Mutator = {
  name: 'extreme field',
  apply(f, r) {
    const width = pick(r, [2, 4, 8]);
    if (f.length < width) return f.slice();
    const out = f.slice();
    const at = int(r, out.length - width + 1);
    let v = pick(r, EXTREMES);
    for (let i = 0; i < width; i++, v >>= 8n) out[at + i] = Number(v & 0xffn);
    return out;
  },
};

export const truncate: Mutator = {
  name: 'truncate',
  apply: (f, r) => f.slice(0, int(r, f.length)),
};

export const cutSlice: Mutator = {
  name: 'cut a slice',
  apply(f, r) {
    const a = int(r, f.length);
    const b = Math.min(f.length, a + 1 + int(r, 64));
    return concat([f.subarray(0, a), f.subarray(b)]);
  },
};

export const repeatSlice: Mutator = {
  name: 'repeat a slice',
  apply(f, r) {
    const a = int(r, f.length);
    const b = Math.min(f.length, a + 1 + int(r, 64));
    return concat([f.subarray(0, b), f.subarray(a, b), f.subarray(b)]);
  },
};

export const BYTE_MUTATORS = [flipBits, setByte, hugeField, truncate, cutSlice, repeatSlice];

/** Truncation exactly at one of `boundaries(file)` (or one byte either side). */
export function truncateAtBoundary(boundaries: (f: Uint8Array) => number[]): Mutator {
  return {
    name: 'truncate at a section boundary',
    apply(f, r) {
      const b = pick(r, boundaries(f)) + pick(r, [-1, 0, 0, 1]);
      return f.slice(0, Math.max(0, Math.min(f.length - 1, b)));
    },
  };
}

// ---- zip archives (.pt) -------------------------------------------------------------------

/** Offsets where a zip's sections start and end: local headers, names, data, directory, end record. */
export function zipBoundaries(f: Uint8Array): number[] {
  const v = new DataView(f.buffer, f.byteOffset, f.byteLength);
  const out: number[] = [];
  let eocd = f.length - 22;
  while (eocd > 0 && v.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const count = v.getUint16(eocd + 10, true);
  let p = v.getUint32(eocd + 16, true);
  out.push(p, eocd, eocd + 10, eocd + 16, f.length - 1);
  for (let i = 0; i < count; i++) {
    const size = v.getUint32(p + 24, true);
    const local = v.getUint32(p + 42, true);
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    out.push(p, p + 46, local, local + 30, start, start + size);
    p += 46 + v.getUint16(p + 28, true) + v.getUint16(p + 30, true) + v.getUint16(p + 32, true);
  }
  return out;
}

/** Mutates one entry's bytes (the pickle or a storage) and rebuilds the archive with valid CRCs. */
export function mutateEntry(which: 'pickle' | 'storage', inner: Mutator[]): Mutator {
  return {
    name: `${which}: ${inner.map((m) => m.name).join('/')} (archive rebuilt)`,
    apply(f, r) {
      const entries = unzip(f);
      const candidates = entries.filter((e) => (which === 'pickle' ? e.name.endsWith('data.pkl') : e.name.includes('/data/')));
      if (candidates.length === 0) return f.slice();
      const target = pick(r, candidates);
      const m = pick(r, inner);
      return zip(entries.map((e) => (e === target ? { name: e.name, data: m.apply(e.data, r) } : e)));
    },
  };
}

/** Drops or duplicates an entry, or renames one, and rebuilds the archive. */
export const reshapeArchive: Mutator = {
  name: 'drop, duplicate or rename an entry',
  apply(f, r) {
    const entries = unzip(f);
    const i = int(r, entries.length);
    const e = entries[i];
    const op = int(r, 3);
    if (op === 0) entries.splice(i, 1);
    else if (op === 1) entries.splice(i, 0, e);
    else entries[i] = { name: e.name.replace(/[^/]*$/, pick(r, ['1', 'data.pkl', 'x', ''])), data: e.data };
    return zip(entries);
  },
};

export const ZIP_MUTATORS: Mutator[] = [
  ...BYTE_MUTATORS,
  truncateAtBoundary(zipBoundaries),
  mutateEntry('pickle', BYTE_MUTATORS),
  mutateEntry('pickle', [hugeField, flipBits]),
  mutateEntry('storage', [truncate, repeatSlice, flipBits]),
  reshapeArchive,
];

// ---- legacy .pt -----------------------------------------------------------------------------

/** Legacy files are pickles then raw storages: every STOP (0x2e) is a candidate boundary. */
export function legacyBoundaries(f: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < f.length; i++) if (f[i] === 0x2e) out.push(i + 1);
  return out.length ? out : [0];
}

export const LEGACY_MUTATORS: Mutator[] = [...BYTE_MUTATORS, hugeField, truncateAtBoundary(legacyBoundaries)];

// ---- safetensors -------------------------------------------------------------------------------

function splitSafetensors(f: Uint8Array): { header: Record<string, any>; data: Uint8Array } | null {
  if (f.length < 8) return null;
  const n = Number(new DataView(f.buffer, f.byteOffset, 8).getBigUint64(0, true));
  try {
    return { header: JSON.parse(new TextDecoder().decode(f.subarray(8, 8 + n))), data: f.subarray(8 + n) };
  } catch {
    return null;
  }
}

function joinSafetensors(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const head = new Uint8Array(8);
  new DataView(head.buffer).setBigUint64(0, BigInt(json.length), true);
  return concat([head, json, data]);
}

const JSON_EXTREMES = [-1, 0, 1, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 64, 1.5, -0, 1e308, '3', null, [], {}];

/** Changes one field of one header entry (dtype, a dim, an offset) and re-serialises with a consistent length. */
export const mutateHeader: Mutator = {
  name: 'header field (length kept consistent)',
  apply(f, r) {
    const parts = splitSafetensors(f);
    if (!parts) return f.slice();
    const names = Object.keys(parts.header);
    const name = pick(r, names);
    const entry = parts.header[name];
    const field = pick(r, ['dtype', 'shape', 'data_offsets', 'entry', 'extra']);
    if (field === 'entry') parts.header[name] = pick(r, JSON_EXTREMES);
    else if (field === 'extra') parts.header[`${name}_copy`] = entry;
    else if (entry && typeof entry === 'object' && field === 'dtype') entry.dtype = pick(r, ['F32', 'F64', 'I64', 'BOOL', 'U16', 'F8_E4M3', 'x', 7]);
    else if (entry && typeof entry === 'object' && Array.isArray(entry[field]) && entry[field].length > 0) {
      entry[field][int(r, entry[field].length)] = pick(r, JSON_EXTREMES);
    } else if (entry && typeof entry === 'object') entry[field] = pick(r, JSON_EXTREMES);
    return joinSafetensors(parts.header, parts.data);
  },
};

export function safetensorsBoundaries(f: Uint8Array): number[] {
  const parts = splitSafetensors(f);
  if (!parts) return [8];
  const base = f.length - parts.data.length;
  const out = [0, 8, base];
  for (const e of Object.values(parts.header)) {
    if (e && Array.isArray((e as any).data_offsets)) out.push(base + (e as any).data_offsets[0], base + (e as any).data_offsets[1]);
  }
  return out;
}

export const SAFETENSORS_MUTATORS: Mutator[] = [...BYTE_MUTATORS, mutateHeader, mutateHeader, truncateAtBoundary(safetensorsBoundaries)];

// ---- generating mutants -----------------------------------------------------------------------

export interface Mutant {
  seed: number;
  steps: string[];
  file: Uint8Array;
}

/** The mutant of `file` for `seed`: one to three mutators applied in a row. */
export function mutant(file: Uint8Array, mutators: Mutator[], seed: number): Mutant {
  const r = rng(seed);
  let out = file;
  const steps: string[] = [];
  for (let k = 1 + int(r, 3); k > 0; k--) {
    const m = pick(r, mutators);
    try {
      out = m.apply(out, r);
      steps.push(m.name);
    } catch {
      // a structure-aware mutator cannot parse what an earlier step broke: skip it
    }
  }
  return { seed, steps, file: out };
}
