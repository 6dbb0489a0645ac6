// Building .pt and .safetensors files byte by byte for the serialization tests:
// written here independently of ts/serialize, so hostile and broken files can be
// made exactly as a test needs them (and mutation tests can rebuild a valid archive
// around a mutated pickle).

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Bytes from latin-1 strings ('\x80\x02'), byte arrays and Uint8Arrays. */
export function bytes(...parts: (string | number[] | Uint8Array)[]): Uint8Array {
  return concat(
    parts.map((p) => (typeof p === 'string' ? Uint8Array.from(p, (c) => c.charCodeAt(0)) : p instanceof Uint8Array ? p : Uint8Array.from(p))),
  );
}

export const hex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));

export function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

// ---- pickle fragments (protocol 2) -----------------------------------------------

export const str = (s: string): Uint8Array => {
  const b = new TextEncoder().encode(s);
  return bytes('X', u32(b.length), b);
};
export const global = (module: string, name: string): Uint8Array => bytes(`c${module}\n${name}\n`);
/** An int: BININT1 / BININT for 32-bit values, LONG1 beyond. */
export function int(v: number | bigint): Uint8Array {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 256) return bytes('K', [v]);
  if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return bytes('J', u32(v >>> 0));
  let x = BigInt(v);
  const out: number[] = [];
  do {
    out.push(Number(x & 0xffn));
    x >>= 8n;
  } while (!((x === 0n && (out[out.length - 1] & 0x80) === 0) || (x === -1n && (out[out.length - 1] & 0x80) !== 0)));
  return bytes('\x8a', [out.length], out);
}
export const float = (v: number): Uint8Array => {
  const b = new Uint8Array(9);
  b[0] = 0x47;
  new DataView(b.buffer).setFloat64(1, v, false);
  return b;
};
export const tupleOf = (...items: Uint8Array[]): Uint8Array => bytes('(', ...items, 't');

/** The pickle of `_rebuild_tensor_v2(('storage', <dtype>Storage, key, 'cpu', numel), offset, size, stride, False, OrderedDict())`. */
export function tensorPickle(o: {
  key?: string; storage?: string; numel: number | bigint; offset?: number | bigint; size: (number | bigint)[]; stride: (number | bigint)[]; legacy?: boolean;
}): Uint8Array {
  const pid = tupleOf(str('storage'), global('torch', o.storage ?? 'FloatStorage'), str(o.key ?? '0'), str('cpu'), int(o.numel), ...(o.legacy ? [bytes('N')] : []));
  return bytes(
    global('torch._utils', '_rebuild_tensor_v2'),
    tupleOf(bytes(pid, 'Q'), int(o.offset ?? 0), tupleOf(...o.size.map(int)), tupleOf(...o.stride.map(int)), bytes('\x89'), global('collections', 'OrderedDict'), bytes(')R')),
    'R',
  );
}

/** A whole pickle: PROTO 2, the body, STOP. */
export const pickle = (...body: Uint8Array[]): Uint8Array => bytes('\x80\x02', ...body, '.');

// ---- containers --------------------------------------------------------------------

export interface Entry {
  name: string;
  data: Uint8Array;
}

/** A stored zip (no alignment, no extra fields), as any zip writer would make it. */
export function zip(entries: Entry[]): Uint8Array {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const crc = crc32(e.data);
    const head = new Uint8Array(30);
    const hv = new DataView(head.buffer);
    hv.setUint32(0, 0x04034b50, true);
    hv.setUint16(4, 20, true);
    hv.setUint32(14, crc, true);
    hv.setUint32(18, e.data.length, true);
    hv.setUint32(22, e.data.length, true);
    hv.setUint16(26, name.length, true);
    locals.push(head, name, e.data);
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
    offset += 30 + name.length + e.data.length;
  }
  const cdBytes = concat(central);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdBytes.length, true);
  ev.setUint32(16, offset, true);
  return concat([...locals, cdBytes, end]);
}

/** A zip-format .pt file: archive/data.pkl, archive/data/<key> for each storage, archive/version. */
export function ptFile(pkl: Uint8Array, storages: Record<string, Uint8Array> = {}, folder = 'archive'): Uint8Array {
  return zip([
    { name: `${folder}/data.pkl`, data: pkl },
    ...Object.entries(storages).map(([k, data]) => ({ name: `${folder}/data/${k}`, data })),
    { name: `${folder}/version`, data: bytes('3\n') },
  ]);
}

/** The entries of a stored zip, read through its central directory (for tests that rebuild archives). */
export function unzip(file: Uint8Array): Entry[] {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let eocd = file.length - 22;
  while (v.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const count = v.getUint16(eocd + 10, true);
  let p = v.getUint32(eocd + 16, true);
  const out: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const size = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const local = v.getUint32(p + 42, true);
    const name = new TextDecoder().decode(file.subarray(p + 46, p + 46 + nameLen));
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    out.push({ name, data: file.slice(start, start + size) });
    p += 46 + nameLen + v.getUint16(p + 30, true) + v.getUint16(p + 32, true);
  }
  return out;
}

/** A legacy-format .pt file: magic, protocol, sys info, the object pickle, the key list, the storages. */
export function legacyFile(objectPickle: Uint8Array, storages: { key: string; numel: number | bigint; data: Uint8Array }[]): Uint8Array {
  const magic = pickle(int(0x1950a86a20f9469cfc6cn));
  const protocol = pickle(int(1001));
  const sysInfo = pickle(bytes('}('), str('protocol_version'), int(1001), str('little_endian'), bytes('\x88'), bytes('u'));
  const keys = pickle(bytes(']('), ...storages.map((s) => str(s.key)), bytes('e'));
  const records = storages.map((s) => {
    const head = new Uint8Array(8);
    new DataView(head.buffer).setBigInt64(0, BigInt(s.numel), true);
    return concat([head, s.data]);
  });
  return concat([magic, protocol, sysInfo, objectPickle, keys, ...records]);
}

/** A .safetensors file from a header object (serialised as given) and the data section. */
export function safetensorsFile(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const head = new Uint8Array(8);
  new DataView(head.buffer).setBigUint64(0, BigInt(json.length), true);
  return concat([head, json, data]);
}

/** float32 values as little-endian bytes. */
export const f32 = (...v: number[]): Uint8Array => new Uint8Array(Float32Array.from(v).buffer);

// ---- a seeded generator ---------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so every mutant can be rebuilt from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
