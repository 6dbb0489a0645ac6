// Python's pickle format (protocols 0-5), as far as torch.save files use it.
// Unpickling never executes anything: globals resolve through `findClass`, which
// returns constructors we implement (tensor rebuilders, OrderedDict) or a placeholder.

export class PickleError extends Error {
  override name = 'UnpicklingError';
}

/** A Python tuple (kept distinct from lists so round trips preserve it). */
export class PyTuple extends Array<unknown> {}

/** An object of a class we do not reconstruct: its name and constructor arguments / state. */
export class PyObject {
  constructor(readonly className: string, public args: unknown[] = [], public state: unknown = undefined) {}
}

export type ClassResolver = (module: string, name: string) => ((...args: unknown[]) => unknown) | null;

const MARK = Symbol('mark');

export class Unpickler {
  private pos = 0;
  private stack: unknown[] = [];
  private memo = new Map<number, unknown>();
  private view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly findClass: ClassResolver,
    private readonly persistentLoad: (pid: unknown) => unknown = () => {
      throw new PickleError('A load persistent id instruction was encountered, but no persistent_load function was specified.');
    },
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Offset just after the last STOP (a legacy file holds several pickles in a row). */
  get offset(): number {
    return this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new PickleError('pickle data was truncated');
  }
  private u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }
  private u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  private u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  private i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  private raw(n: number): Uint8Array {
    this.need(n);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  private line(): string {
    let end = this.pos;
    while (end < this.bytes.length && this.bytes[end] !== 10) end++;
    if (end >= this.bytes.length) throw new PickleError('pickle data was truncated');
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
  private popMark(): unknown[] {
    const i = this.stack.lastIndexOf(MARK);
    if (i < 0) throw new PickleError('could not find MARK');
    const items = this.stack.splice(i + 1);
    this.stack.pop();
    return items;
  }
  private pop(): unknown {
    if (this.stack.length === 0) throw new PickleError('unpickling stack underflow');
    return this.stack.pop();
  }
  private top(): unknown {
    if (this.stack.length === 0) throw new PickleError('unpickling stack underflow');
    return this.stack[this.stack.length - 1];
  }
  private str(b: Uint8Array): string {
    return new TextDecoder().decode(b);
  }
  private long(b: Uint8Array): number | bigint {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  private global(module: string, name: string): unknown {
    const f = this.findClass(module, name);
    if (f) return f;
    return (...args: unknown[]) => new PyObject(`${module}.${name}`, args);
  }

  load(): unknown {
    for (;;) {
      const op = this.u8();
      switch (op) {
        case 0x80: this.u8(); break; // PROTO
        case 0x95: this.raw(8); break; // FRAME
        case 0x2e: return this.pop(); // STOP
        case 0x28: this.stack.push(MARK); break;
        case 0x4e: this.stack.push(null); break; // NONE
        case 0x88: this.stack.push(true); break;
        case 0x89: this.stack.push(false); break;
        case 0x4a: this.stack.push(this.i32()); break; // BININT
        case 0x4b: this.stack.push(this.u8()); break; // BININT1
        case 0x4d: this.stack.push(this.u16()); break; // BININT2
        case 0x8a: this.stack.push(this.long(this.raw(this.u8()))); break; // LONG1
        case 0x8b: this.stack.push(this.long(this.raw(this.i32()))); break; // LONG4
        case 0x49: { // INT
          const s = this.line();
          this.stack.push(s === '01' ? true : s === '00' ? false : Number(s));
          break;
        }
        case 0x4c: { // LONG
          const s = this.line().replace(/L$/, '');
          const v = BigInt(s);
          this.stack.push(Number.isSafeInteger(Number(v)) ? Number(v) : v);
          break;
        }
        case 0x47: { // BINFLOAT (big-endian double)
          this.need(8);
          this.stack.push(this.view.getFloat64(this.pos, false));
          this.pos += 8;
          break;
        }
        case 0x46: this.stack.push(Number(this.line())); break; // FLOAT
        case 0x58: this.stack.push(this.str(this.raw(this.u32()))); break; // BINUNICODE
        case 0x8c: this.stack.push(this.str(this.raw(this.u8()))); break; // SHORT_BINUNICODE
        case 0x8d: { // BINUNICODE8
          const lo = this.u32();
          this.u32();
          this.stack.push(this.str(this.raw(lo)));
          break;
        }
        case 0x55: this.stack.push(this.str(this.raw(this.u8()))); break; // SHORT_BINSTRING
        case 0x54: this.stack.push(this.str(this.raw(this.i32()))); break; // BINSTRING
        case 0x43: this.stack.push(this.raw(this.u8()).slice()); break; // SHORT_BINBYTES
        case 0x42: this.stack.push(this.raw(this.u32()).slice()); break; // BINBYTES
        case 0x56: this.stack.push(this.line()); break; // UNICODE (raw-unicode-escape; ascii in practice)
        case 0x53: this.stack.push(this.line().replace(/^'(.*)'$/, '$1')); break; // STRING
        case 0x7d: this.stack.push(new Map()); break; // EMPTY_DICT
        case 0x5d: this.stack.push([]); break; // EMPTY_LIST
        case 0x29: this.stack.push(new PyTuple()); break; // EMPTY_TUPLE
        case 0x74: this.stack.push(PyTuple.from(this.popMark()) as PyTuple); break; // TUPLE
        case 0x85: this.stack.push(PyTuple.of(this.pop())); break; // TUPLE1
        case 0x86: {
          const b = this.pop();
          const a = this.pop();
          this.stack.push(PyTuple.of(a, b));
          break;
        }
        case 0x87: {
          const c = this.pop();
          const b = this.pop();
          const a = this.pop();
          this.stack.push(PyTuple.of(a, b, c));
          break;
        }
        case 0x6c: this.stack.push(this.popMark()); break; // LIST
        case 0x64: { // DICT
          const items = this.popMark();
          const m = new Map();
          for (let i = 0; i < items.length; i += 2) m.set(items[i], items[i + 1]);
          this.stack.push(m);
          break;
        }
        case 0x61: { // APPEND
          const v = this.pop();
          (this.top() as unknown[]).push(v);
          break;
        }
        case 0x65: { // APPENDS
          const items = this.popMark();
          const l = this.top();
          if (Array.isArray(l)) l.push(...items);
          else if (l instanceof PyObject) (l.state = (l.state as unknown[] | undefined) ?? []) && (l.state as unknown[]).push(...items);
          break;
        }
        case 0x73: { // SETITEM
          const v = this.pop();
          const k = this.pop();
          setItem(this.top(), k, v);
          break;
        }
        case 0x75: { // SETITEMS
          const items = this.popMark();
          const d = this.top();
          for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1]);
          break;
        }
        case 0x71: this.memo.set(this.u8(), this.top()); break; // BINPUT
        case 0x72: this.memo.set(this.u32(), this.top()); break; // LONG_BINPUT
        case 0x70: this.memo.set(Number(this.line()), this.top()); break; // PUT
        case 0x94: this.memo.set(this.memo.size, this.top()); break; // MEMOIZE
        case 0x68: this.stack.push(this.fromMemo(this.u8())); break; // BINGET
        case 0x6a: this.stack.push(this.fromMemo(this.u32())); break; // LONG_BINGET
        case 0x67: this.stack.push(this.fromMemo(Number(this.line()))); break; // GET
        case 0x63: { // GLOBAL
          const module = this.line();
          const name = this.line();
          this.stack.push(this.global(module, name));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop() as string;
          const module = this.pop() as string;
          this.stack.push(this.global(module, name));
          break;
        }
        case 0x52: { // REDUCE
          const args = this.pop() as unknown[];
          const f = this.pop();
          if (typeof f !== 'function') throw new PickleError('REDUCE on a non-callable');
          this.stack.push(f(...args));
          break;
        }
        case 0x81: { // NEWOBJ
          const args = this.pop() as unknown[];
          const cls = this.pop();
          this.stack.push(typeof cls === 'function' ? cls(...args) : new PyObject('object', args));
          break;
        }
        case 0x62: { // BUILD
          const state = this.pop();
          const obj = this.top();
          if (obj instanceof PyObject) obj.state = state;
          else if (obj && typeof obj === 'object' && typeof (obj as { __setstate__?: unknown }).__setstate__ === 'function') {
            (obj as { __setstate__(s: unknown): void }).__setstate__(state);
          }
          break;
        }
        case 0x51: this.stack.push(this.persistentLoad(this.pop())); break; // BINPERSID
        case 0x50: this.stack.push(this.persistentLoad(this.line())); break; // PERSID
        case 0x30: this.pop(); break; // POP
        case 0x31: this.popMark(); break; // POP_MARK
        case 0x32: this.stack.push(this.top()); break; // DUP
        case 0x8f: this.stack.push(new Set()); break; // EMPTY_SET
        case 0x90: { // ADDITEMS
          const items = this.popMark();
          const s = this.top() as Set<unknown>;
          items.forEach((x) => s.add(x));
          break;
        }
        case 0x91: this.stack.push(new Set(this.popMark())); break; // FROZENSET
        default:
          throw new PickleError(`unsupported pickle opcode 0x${op.toString(16)} at byte ${this.pos - 1}`);
      }
    }
  }

  private fromMemo(i: number): unknown {
    if (!this.memo.has(i)) throw new PickleError(`memo key ${i} not found`);
    return this.memo.get(i);
  }
}

function setItem(d: unknown, k: unknown, v: unknown): void {
  if (d instanceof Map) d.set(k, v);
  else if (d instanceof PyObject) {
    const state = (d.state ??= new Map()) as Map<unknown, unknown>;
    state.set(k, v);
  } else throw new PickleError('SETITEM on a non-dict');
}

// ---------------------------------------------------------------------------

/** A global reference written by the pickler (GLOBAL opcode). */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
}

/** A REDUCE: callable(*args). */
export class PyReduce {
  constructor(readonly callable: PyGlobal, readonly args: unknown[]) {}
}

/** A persistent id (BINPERSID) for out-of-band data such as tensor storages. */
export class PyPersistent {
  constructor(readonly id: unknown[]) {}
}

/** Protocol-2 pickler for plain values plus the PyGlobal/PyReduce/PyPersistent markers. */
export class Pickler {
  private out: number[] = [];
  private memo = new Map<unknown, number>();
  private enc = new TextEncoder();

  dump(v: unknown): Uint8Array {
    this.out.push(0x80, 2);
    this.write(v);
    this.out.push(0x2e);
    return Uint8Array.from(this.out);
  }

  private u32(n: number): void {
    this.out.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }
  private put(v: unknown): void {
    const i = this.memo.size;
    this.memo.set(v, i);
    if (i < 256) this.out.push(0x71, i);
    else {
      this.out.push(0x72);
      this.u32(i);
    }
  }
  private get(i: number): void {
    if (i < 256) this.out.push(0x68, i);
    else {
      this.out.push(0x6a);
      this.u32(i);
    }
  }
  private str(s: string): void {
    const b = this.enc.encode(s);
    this.out.push(0x58);
    this.u32(b.length);
    for (const x of b) this.out.push(x);
  }
  private int(n: number | bigint): void {
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < 256) this.out.push(0x4b, n);
    else if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < 65536) this.out.push(0x4d, n & 0xff, n >> 8);
    else if (typeof n === 'number' && Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31) {
      this.out.push(0x4a);
      this.u32(n >>> 0);
    } else {
      let v = BigInt(n);
      const bytes: number[] = [];
      for (;;) {
        bytes.push(Number(v & 0xffn));
        v >>= 8n;
        const done = (v === 0n && (bytes[bytes.length - 1] & 0x80) === 0) || (v === -1n && (bytes[bytes.length - 1] & 0x80) !== 0);
        if (done) break;
      }
      this.out.push(0x8a, bytes.length, ...bytes);
    }
  }

  private write(v: unknown): void {
    if (v === null || v === undefined) this.out.push(0x4e);
    else if (v === true) this.out.push(0x88);
    else if (v === false) this.out.push(0x89);
    else if (typeof v === 'bigint') this.int(v);
    else if (typeof v === 'number') {
      if (Number.isInteger(v) && Number.isSafeInteger(v) && !Object.is(v, -0)) this.int(v);
      else {
        this.out.push(0x47);
        const b = new Uint8Array(8);
        new DataView(b.buffer).setFloat64(0, v, false);
        this.out.push(...b);
      }
    } else if (typeof v === 'string') {
      this.str(v);
      this.put(v);
    } else if (this.memo.has(v)) this.get(this.memo.get(v)!);
    else if (v instanceof PyGlobal) {
      const b = this.enc.encode(`${v.module}\n${v.name}\n`);
      this.out.push(0x63, ...b);
      this.put(v);
    } else if (v instanceof PyPersistent) {
      this.write(PyTuple.from(v.id));
      this.out.push(0x51);
    } else if (v instanceof PyReduce) {
      this.write(v.callable);
      this.write(PyTuple.from(v.args));
      this.out.push(0x52);
      this.put(v);
    } else if (v instanceof PyTuple) {
      if (v.length === 0) this.out.push(0x29);
      else {
        this.out.push(0x28);
        for (const x of v) this.write(x);
        this.out.push(0x74);
      }
      this.put(v);
    } else if (Array.isArray(v)) {
      this.out.push(0x5d);
      this.put(v);
      if (v.length) {
        this.out.push(0x28);
        for (const x of v) this.write(x);
        this.out.push(0x65);
      }
    } else if (v instanceof Map || (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)) {
      this.out.push(0x7d);
      this.put(v);
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
      if (entries.length) {
        this.out.push(0x28);
        for (const [k, x] of entries) {
          this.write(k);
          this.write(x);
        }
        this.out.push(0x75);
      }
    } else {
      throw new PickleError(`cannot pickle ${(v as object)?.constructor?.name ?? typeof v}`);
    }
  }
}
