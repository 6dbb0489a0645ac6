// Broken files, case by case: truncation at every section boundary, overwritten headers,
// huge length fields, inconsistent zip directories, storages smaller than their tensors,
// impossible shapes and strides, recursion bombs, legacy and safetensors damage. Each is
// a clear RuntimeError naming the problem, with no trap, no hang, no memory left behind
// and no allocation beyond the file.
import { describe, it, expect } from 'vitest';
import { torch } from '../helpers.js';
import {
  bytes, concat, float, int, legacyFile, pickle, ptFile, safetensorsFile, str, tensorPickle, u32, unzip, zip, f32, global, tupleOf,
} from './serialize_files.js';
import { zipBoundaries } from './serialize_mutate.js';

function expectRejected(file: Uint8Array, message: RegExp | string, load: (b: Uint8Array) => unknown = (b) => torch.load(b)): void {
  const before = torch.memory();
  const t0 = performance.now();
  let err: unknown = null;
  try {
    load(file);
  } catch (e) {
    err = e;
  }
  const ms = performance.now() - t0;
  expect(err, 'the file must be rejected').not.toBeNull();
  expect(err).not.toBeInstanceOf(WebAssembly.RuntimeError);
  expect(err).toBeInstanceOf(torch.RuntimeError);
  if (typeof message === 'string') expect((err as Error).message).toContain(message);
  else expect((err as Error).message).toMatch(message);
  const after = torch.memory();
  expect(after.bytesInUse).toBe(before.bytesInUse);
  expect(after.liveTensors).toBe(before.liveTensors);
  // bounded allocation: at most 1 MiB, plus the 16 MiB the allocator keeps free for the
  // kernels whenever memory grows (mem_alloc's KERNEL_HEADROOM)
  expect(after.wasmBytes - before.wasmBytes).toBeLessThanOrEqual((1 << 20) + (16 << 20));
  expect(ms).toBeLessThan(2000);
}

const TENSOR = pickle(tensorPickle({ numel: 2, size: [2], stride: [1] }));
const GOOD = ptFile(TENSOR, { '0': f32(1, 2) });

describe('zip archives', () => {
  it('the files used below are valid', () => {
    const t = torch.load(GOOD);
    expect(t.tolist()).toEqual([1, 2]);
    t.dispose();
  });

  it('truncated at every section boundary (and one byte either side)', () => {
    for (const file of [GOOD, torch.save({ a: torch.ones(3), b: [1, 2] })]) {
      for (const b of zipBoundaries(file)) {
        for (const cut of [b - 1, b, b + 1]) {
          if (cut < 0 || cut >= file.length) continue;
          expectRejected(file.slice(0, cut), /^load: (corrupt file|not a PyTorch file)/);
        }
      }
    }
  });

  it('a section cut out of the middle, the end record kept', () => {
    const eocd = GOOD.length - 22;
    for (const b of zipBoundaries(GOOD).filter((x) => x > 0 && x < eocd)) {
      expectRejected(concat([GOOD.subarray(0, b), GOOD.subarray(eocd)]), /^load: corrupt file: /);
    }
  });

  it('overwritten signatures and headers', () => {
    const v = (f: Uint8Array): DataView => new DataView(f.buffer, f.byteOffset, f.byteLength);
    const eocd = GOOD.length - 22;
    const cd = v(GOOD).getUint32(eocd + 16, true);
    const set32 = (at: number, x: number): Uint8Array => {
      const f = GOOD.slice();
      v(f).setUint32(at, x, true);
      return f;
    };
    expectRejected(set32(eocd, 0), 'failed finding central directory');
    expectRejected(set32(cd, 0x12345678), 'corrupt central directory');
    expectRejected(set32(0, 0x04034b51), /not a PyTorch file/);
    const local = v(GOOD).getUint32(cd + 46 + 16 + 42, true); // the second entry's local header ("archive/data.pkl" is 16 bytes)
    expectRejected(set32(local, 0), 'bad local header');
    expectRejected(bytes(new Uint8Array(4096).fill(0xff)), /not a PyTorch file/);
    expectRejected(concat([bytes('PK\x03\x04'), new Uint8Array(100)]), 'failed finding central directory');
  });

  it('huge sizes, counts and offsets in the directory', () => {
    const eocd = GOOD.length - 22;
    const cd = new DataView(GOOD.buffer).getUint32(eocd + 16, true);
    const patch = (at: number, width: 2 | 4, x: number): Uint8Array => {
      const f = GOOD.slice();
      const dv = new DataView(f.buffer);
      if (width === 2) dv.setUint16(at, x, true);
      else dv.setUint32(at, x, true);
      return f;
    };
    expectRejected(patch(cd + 24, 4, 0xffffffff), /corrupt file: .*(zip64|different compressed)/); // uncompressed size
    expectRejected(patch(cd + 20, 4, 0x7fffffff), 'different compressed and uncompressed sizes');
    const both = patch(cd + 20, 4, 0x7ffffff0);
    new DataView(both.buffer).setUint32(cd + 24, 0x7ffffff0, true);
    expectRejected(both, 'runs past the end of the archive');
    expectRejected(patch(cd + 28, 2, 0xffff), 'runs past the directory'); // name length
    expectRejected(patch(cd + 42, 4, 0xfffffff0), /bad local header|zip64/); // local header offset
    expectRejected(patch(eocd + 10, 2, 0xffff), 'zip64 locator not found'); // entry count
    expectRejected(patch(eocd + 10, 2, 200), 'too small for 200 entries');
    expectRejected(patch(eocd + 16, 4, 0xfffffff0), /zip64|outside the archive/); // directory offset
    expectRejected(patch(eocd + 12, 4, 0x7fffffff), 'outside the archive'); // directory size
    expectRejected(patch(eocd + 4, 2, 1), 'multi-disk');
    expectRejected(patch(cd + 10, 2, 8), 'compressed (method 8)');
    expectRejected(patch(cd + 8, 2, 1), 'encrypted');
  });

  it('zip64 records with impossible values', () => {
    // a zip64 end record and locator placed before a classic end record saying "see zip64"
    const entries = unzip(GOOD);
    const base = zip(entries);
    const eocd = base.length - 22;
    const dv = new DataView(base.buffer);
    const cdOffset = dv.getUint32(eocd + 16, true);
    const cdSize = dv.getUint32(eocd + 12, true);
    const rec = new Uint8Array(56);
    const rv = new DataView(rec.buffer);
    rv.setUint32(0, 0x06064b50, true);
    rv.setBigUint64(24, 3n, true);
    rv.setBigUint64(32, 2n ** 50n, true); // entry count
    rv.setBigUint64(40, BigInt(cdSize), true);
    rv.setBigUint64(48, BigInt(cdOffset), true);
    const loc = new Uint8Array(20);
    const lv = new DataView(loc.buffer);
    lv.setUint32(0, 0x07064b50, true);
    lv.setBigUint64(8, BigInt(eocd), true);
    const end = base.slice(eocd);
    new DataView(end.buffer).setUint16(10, 0xffff, true);
    new DataView(end.buffer).setUint16(8, 0xffff, true);
    const file = concat([base.subarray(0, eocd), rec, loc, end]);
    expectRejected(file, 'too small for');
    rv.setBigUint64(32, 3n, true);
    rv.setBigUint64(48, 2n ** 63n, true); // directory offset beyond 2^53
    expectRejected(concat([base.subarray(0, eocd), rec, loc, end]), 'zip64 size or offset is out of range');
    lv.setBigUint64(8, 2n ** 40n, true); // the locator points nowhere
    expectRejected(concat([base.subarray(0, eocd), rec, loc, end]), 'zip64 end of central directory not found');
  });

  it('inconsistent directories: duplicates, missing entries, overlapping entries, bad CRC', () => {
    const entries = unzip(GOOD);
    expectRejected(zip([...entries, entries[0]]), 'duplicate entry archive/data.pkl');
    expectRejected(zip(entries.filter((e) => !e.name.includes('/data/'))), 'storage 0 is missing from the file');
    expectRejected(zip(entries.filter((e) => !e.name.endsWith('data.pkl'))), 'archive/data.pkl not found in the archive');
    expectRejected(zip([]), 'not a PyTorch file'); // an empty zip is only its end record
    expectRejected(zip([{ name: 'data.pkl', data: TENSOR }]), 'is not in a folder');
    // two directory entries sharing one local header: the second's data is the first's
    const f = GOOD.slice();
    const dv = new DataView(f.buffer);
    const eocd = f.length - 22;
    const cd = dv.getUint32(eocd + 16, true);
    const second = cd + 46 + 16;
    dv.setUint32(second + 42, 0, true);
    expectRejected(f, /CRC-32 mismatch|different|runs past/);
    // a flipped bit in the pickle or in a storage is caught by its CRC-32
    for (const name of ['archive/data.pkl', 'archive/data/0']) {
      const flipped = GOOD.slice();
      const e = unzip(GOOD).find((x) => x.name === name)!;
      const at = indexOf(GOOD, e.data);
      flipped[at] ^= 0x10;
      expectRejected(flipped, `CRC-32 mismatch in ${name}`);
    }
  });
});

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('pickles', () => {
  const bad = (pkl: Uint8Array, message: RegExp | string): void => {
    expectRejected(ptFile(pkl, { '0': f32(1, 2) }), message);
    expectRejected(legacyFile(pkl, []), message);
  };

  it('huge length fields', () => {
    bad(bytes('\x80\x02X', u32(0xffffffff), 'abc.'), /pickle data was truncated \(4294967295 bytes needed/); // BINUNICODE
    bad(bytes('\x80\x02B', u32(0xfffffff0), 'abc.'), 'pickle data was truncated'); // BINBYTES
    bad(bytes('\x80\x02\x8b', u32(0x7fffffff), '.'), 'pickle data was truncated'); // LONG4
    bad(bytes('\x80\x02\x8b', u32(0x80000000), '.'), 'LONG4 has a negative length');
    bad(bytes('\x80\x02\x8d', u32(3), u32(1), 'abc.'), /truncated \(4294967299 bytes needed/); // BINUNICODE8 with high bits
    bad(bytes('\x80\x02\x8e', u32(0xffffffff), u32(0xffffffff), '.'), 'pickle data was truncated'); // BINBYTES8
    bad(bytes('\x80\x02\x95', u32(0xffffffff), u32(0xffffffff), 'N.'), 'pickle data was truncated'); // FRAME
    bad(bytes('\x80\x02T', u32(0xfffffffe), '.'), 'BINSTRING has a negative length');
    bad(bytes('\x80\x02r', u32(0xffffffff), '.'), 'stack underflow'); // LONG_BINPUT with nothing to store
    bad(bytes('\x80\x02j', u32(0xffffffff), '.'), 'memo key 4294967295 not found');
  });

  it('malformed streams', () => {
    bad(bytes('\x80\x02N'), 'pickle data was truncated');
    bad(bytes('\x80\x02(N.'), 'a MARK was never closed');
    bad(bytes('\x80\x02.'), 'stack underflow');
    bad(bytes('\x80\x02e.'), 'could not find MARK');
    bad(bytes('\x80\x02\xff.'), 'unsupported pickle opcode 0xff at byte 2');
    bad(bytes('\x80\x09N.'), 'unsupported pickle protocol: 9');
    bad(bytes('\x80\x02)Na.'), 'APPEND on a non-list');
    bad(bytes('\x80\x02]NNs.'), 'SETITEM on a non-dict');
    bad(bytes('\x80\x02(NNNd.'), 'odd number of items for DICT');
    bad(bytes('\x80\x02}]Ns.'), 'unhashable dict key');
    bad(bytes('\x80\x02X\x02\x00\x00\x00\xc3\x28.'), 'a string is not valid UTF-8');
    bad(bytes('\x80\x02I12x\n.'), 'invalid integer literal "12x"');
    bad(bytes('\x80\x02Fone\n.'), 'invalid float literal "one"');
    bad(bytes('\x80\x02Sunquoted\n.'), 'must be quoted');
    bad(bytes('\x80\x02', str('a'), 'NR.'), 'the arguments of a call must be a tuple');
    bad(bytes('\x80\x02', str('torch'), 'K\x01\x93.'), 'STACK_GLOBAL requires str');
  });

  it('rebuild calls with missing or wrong arguments', () => {
    bad(pickle(global('torch._utils', '_rebuild_tensor_v2'), bytes(')R')), "missing its argument 'storage'");
    bad(pickle(global('torch._utils', '_rebuild_tensor_v2'), tupleOf(str('x'), int(0), tupleOf(), tupleOf(), bytes('\x89')), bytes('R')), "a tensor's storage is a string");
    bad(pickle(global('torch._utils', '_rebuild_parameter'), tupleOf(str('x'), bytes('\x88')), bytes('R')), "a Parameter's data is a string");
    bad(pickle(global('collections', 'OrderedDict'), tupleOf(bytes(']'), int(1), bytes('a')), bytes('R')), 'OrderedDict() expects (key, value) pairs');
    bad(pickle(global('torch', 'Size'), tupleOf(bytes('](J'), u32(0xffffffff), bytes('e')), bytes('R')), 'torch.Size[0] must be a non-negative integer, got -1');
  });

  it('recursion bombs: deeply nested lists, dicts and tuples', () => {
    const n = 100_000;
    bad(bytes('\x80\x02', ']'.repeat(n), 'a'.repeat(n - 1), '.'), 'containers are nested deeper than 1000 levels');
    bad(bytes('\x80\x02N', '\x85'.repeat(n), '.'), 'containers are nested deeper than 1000 levels');
    bad(bytes('\x80\x02', '}K\x00'.repeat(n - 1), '}', 's'.repeat(n - 1), '.'), 'containers are nested deeper than 1000 levels');
    // a DAG of 2^40 paths but depth 40 loads at once (shared values are converted once)
    const doubling = bytes('\x80\x02N', ...Array.from({ length: 40 }, () => bytes('2\x86')), '.');
    const big = torch.load(ptFile(doubling));
    expect(big[0]).toBe(big[1]);
  });
});

describe('tensors that do not fit their storage', () => {
  const file = (o: Parameters<typeof tensorPickle>[0], data: Uint8Array = f32(1, 2)): Uint8Array => ptFile(pickle(tensorPickle(o)), { '0': data });

  it('a storage smaller than its tensors, or than its own declared size', () => {
    expectRejected(file({ numel: 100, size: [100], stride: [1] }), 'storage 0 should hold 400 bytes but the file has 8');
    expectRejected(file({ numel: 2 ** 50, size: [1], stride: [1] }), /storage 0 should hold \d+ bytes but the file has 8/);
    expectRejected(file({ numel: 2, size: [3], stride: [1] }), 'reaches element 2 of a storage of 2 elements');
    expectRejected(file({ numel: 2, offset: 2, size: [1], stride: [1] }), 'reaches element 2 of a storage of 2 elements');
    expectRejected(file({ numel: 2, size: [2, 2], stride: [1, 1] }), 'reaches element 2');
    expectRejected(file({ numel: 2, size: [2], stride: [2 ** 40] }), 'reaches element 1099511627776');
  });

  it('negative, fractional and overflowing shapes, strides and offsets', () => {
    expectRejected(file({ numel: 2, size: [-1], stride: [1] }), 'size[0] must be a non-negative integer, got -1');
    expectRejected(file({ numel: 2, size: [2], stride: [-1] }), 'stride[0] must be a non-negative integer, got -1');
    expectRejected(file({ numel: 2, offset: -5, size: [1], stride: [1] }), 'storage offset must be a non-negative integer, got -5');
    expectRejected(file({ numel: 2, size: [2n ** 70n], stride: [1] }), 'size[0] must be a non-negative integer, got 1180591620717411303424');
    expectRejected(file({ numel: -2, size: [1], stride: [1] }), 'storage 0 has an invalid size');
    expectRejected(file({ numel: 2, size: [2 ** 30, 2 ** 30, 2 ** 30], stride: [0, 0, 0] }), 'has too many elements');
    expectRejected(file({ numel: 2, size: [1, 2], stride: [1] }), 'size has 2 dims but stride has 1');
    const fractional = pickle(
      global('torch._utils', '_rebuild_tensor_v2'),
      tupleOf(bytes(tupleOf(str('storage'), global('torch', 'FloatStorage'), str('0'), str('cpu'), int(2)), 'Q'), int(0), tupleOf(float(1.5)), tupleOf(int(1)), bytes('\x89')),
      bytes('R'),
    );
    expectRejected(ptFile(fractional, { '0': f32(1, 2) }), 'size[0] must be a non-negative integer, got 1.5');
  });

  it('an empty tensor needs no storage; a stride-0 tensor needs one element', () => {
    const empty = torch.load(file({ numel: 0, size: [0, 5], stride: [5, 1] }, new Uint8Array(0)));
    expect(empty.shape).toEqual([0, 5]);
    const wide = torch.load(file({ numel: 1, size: [1000, 1000], stride: [0, 0] }, f32(3)));
    expect(wide.get(999, 999)).toBe(3);
    empty.dispose();
    wide.dispose();
  });

  it('an int tensor that requires grad is corrupt', () => {
    const pkl = pickle(
      global('torch._utils', '_rebuild_tensor_v2'),
      tupleOf(bytes(tupleOf(str('storage'), global('torch', 'LongStorage'), str('0'), str('cpu'), int(1)), 'Q'), int(0), tupleOf(int(1)), tupleOf(int(1)), bytes('\x88')),
      bytes('R'),
    );
    expectRejected(ptFile(pkl, { '0': new Uint8Array(8) }), 'a int64 tensor cannot require gradients');
  });
});

describe('legacy files', () => {
  const storage = [{ key: '0', numel: 2, data: f32(1, 2) }];
  const obj = pickle(tensorPickle({ numel: 2, size: [2], stride: [1], legacy: true }));

  it('a valid one loads', () => {
    const t = torch.load(legacyFile(obj, storage));
    expect(t.tolist()).toEqual([1, 2]);
    t.dispose();
  });

  it('damage to its parts', () => {
    const good = legacyFile(obj, storage);
    expectRejected(concat([pickle(int(12345)), good.subarray(pickle(int(0x1950a86a20f9469cfc6cn)).length)]), 'invalid magic number');
    expectRejected(legacyFile(obj, [{ key: '0', numel: 3, data: f32(1, 2, 3) }]), 'storage 0 holds 3 elements, its tensors expect 2');
    expectRejected(legacyFile(obj, [{ key: '1', numel: 2, data: f32(1, 2) }]), 'storage key 1 is unknown or repeated');
    expectRejected(legacyFile(obj, [...storage, ...storage]), 'storage key 0 is unknown or repeated');
    expectRejected(legacyFile(obj, []), 'storage 0 has no data in the file');
    expectRejected(good.slice(0, good.length - 3), 'storage data is truncated');
    expectRejected(good.slice(0, good.length - 10), 'storage data is truncated');
    const huge = pickle(tensorPickle({ numel: 2 ** 40, size: [2], stride: [1], legacy: true }));
    expectRejected(legacyFile(huge, [{ key: '0', numel: 2 ** 40, data: f32(1, 2) }]), 'storage data is truncated');
    const view = pickle(global('torch._utils', '_rebuild_tensor_v2'), tupleOf(bytes(tupleOf(str('storage'), global('torch', 'FloatStorage'), str('0'), str('cpu'), int(2), tupleOf(str('1'), int(0), int(1))), 'Q'), int(0), tupleOf(int(1)), tupleOf(int(1)), bytes('\x89')), bytes('R'));
    expectRejected(legacyFile(view, storage), 'storage views of the pre-0.4 format are not supported');
  });
});

describe('safetensors', () => {
  const load = (b: Uint8Array): unknown => torch.safetensors.load(b);
  const bad = (header: unknown, data: Uint8Array, message: RegExp | string): void => expectRejected(safetensorsFile(header, data), message, load);
  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };

  it('a valid one loads', () => {
    const t = torch.safetensors.load(safetensorsFile(ok, f32(1, 2)));
    expect(t.a.tolist()).toEqual([1, 2]);
    t.a.dispose();
  });

  it('header length fields', () => {
    const file = safetensorsFile(ok, f32(1, 2));
    const set = (n: bigint): Uint8Array => {
      const f = file.slice();
      new DataView(f.buffer).setBigUint64(0, n, true);
      return f;
    };
    expectRejected(set(2n ** 63n), 'header length 9223372036854775808 exceeds the limit of 100000000 bytes', load);
    expectRejected(set(99_999_999n), 'header length 99999999 exceeds the file', load);
    expectRejected(set(3n), 'the header is not valid JSON', load);
    expectRejected(file.slice(0, 5), 'shorter than the header length', load);
    expectRejected(file.slice(0, 20), 'exceeds the file', load);
    expectRejected(file.slice(0, file.length - 1), 'the tensors cover 8 bytes of data but the file has 7', load);
  });

  it('headers that are not what they should be', () => {
    bad([ok], f32(1, 2), 'the header is not a JSON object');
    expectRejected(concat([new Uint8Array([4, 0, 0, 0, 0, 0, 0, 0]), bytes('null')]), 'the header is not a JSON object', load);
    bad({ a: 7 }, f32(), 'its header entry is not an object');
    bad({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, f32(1, 2), 'unsupported dtype "C64"');
    bad({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32(1, 2), 'shape must be a list of non-negative integers');
    bad({ a: { dtype: 'F32', shape: [2.5], data_offsets: [0, 8] } }, f32(1, 2), 'shape must be a list of non-negative integers');
    bad({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, f32(1, 2), 'data_offsets [8, 0] do not hold 8 bytes');
    bad({ a: { dtype: 'F32', shape: [2], data_offsets: [0] } }, f32(1, 2), 'data_offsets must be [begin, end]');
    bad({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, f32(1, 2), 'do not hold');
    bad({ a: { dtype: 'F32', shape: [2 ** 26, 2 ** 26], data_offsets: [0, 2 ** 54] } }, f32(1, 2), 'data_offsets must be [begin, end]');
    bad({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, __metadata__: { n: 1 } }, f32(1, 2), '__metadata__ must map strings to strings');
  });

  it('tensors that do not tile the data: gaps, overlaps, trailing bytes', () => {
    const two = (b: number[]): unknown => ({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: b } });
    bad(two([8, 12]), f32(1, 2, 3), 'tensor "b" does not start where the previous one ends (byte 4)');
    bad(two([0, 4]), f32(1), 'does not start where the previous one ends');
    bad(two([4, 8]), f32(1, 2, 3), 'the tensors cover 8 bytes of data but the file has 12');
  });
});
