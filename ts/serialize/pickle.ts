// Python's pickle format (protocols 0-5), as far as torch.save files use it.
//
// The Unpickler only moves data: every opcode that would name or call something
// (GLOBAL, STACK_GLOBAL, INST, OBJ, REDUCE, NEWOBJ, BUILD, persistent ids) is handed
// to a PickleHost, which decides what is allowed (see load_policy.ts). Nothing in a
// pickle can make it run code; lengths are checked against the bytes left before
// anything is read, and the machine is a loop (no recursion), so work and memory are
// bounded by the size of the input.

export class PickleError extends Error {
  override name = 'UnpicklingError';
}

/** A Python tuple (kept distinct from lists so round trips preserve it). */
export class PyTuple extends Array<unknown> {
  // map/filter/slice on a tuple give plain arrays (a tuple is immutable in Python)
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** Builds a Python tuple: `tuple(1, 2)` is saved as `(1, 2)`, not `[1, 2]`. */
export function tuple(...items: unknown[]): PyTuple {
  const t = new PyTuple();
  for (const x of items) t.push(x);
  return t;
}

/** An inert stand-in for an object of a class we do not rebuild: its name, arguments and state. */
export class PyObject {
  constructor(
    readonly className: string,
    public args: unknown[] = [],
    public state: unknown = undefined,
    /** Items added by APPEND(S) / SETITEM(S) (a list or dict subclass). */
    public items: unknown[] = [],
  ) {}
}

/** What the unpickler asks about everything beyond plain data. */
export interface PickleHost {
  /** GLOBAL / STACK_GLOBAL: the value a global names, or throws when it is not allowed. */
  findGlobal(module: string, name: string): unknown;
  /** REDUCE and INST / OBJ: callable(*args). */
  call(callable: unknown, args: unknown[]): unknown;
  /** NEWOBJ: cls.__new__(cls, *args). */
  newObj(cls: unknown, args: unknown[]): unknown;
  /** BUILD: obj.__setstate__(state). */
  build(obj: unknown, state: unknown): void;
  /** BINPERSID / PERSID. */
  persistentLoad(pid: unknown): unknown;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export class Unpickler {
  private pos = 0;
  private stack: unknown[] = [];
  private metastack: unknown[][] = [];
  private memo = new Map<number, unknown>();
  private view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly host: PickleHost,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Offset just after the last STOP (a legacy file holds several pickles in a row). */
  get offset(): number {
    return this.pos;
  }

  private need(n: number): void {
    if (n > this.bytes.length - this.pos) {
      throw new PickleError(`pickle data was truncated (${n} bytes needed at byte ${this.pos}, ${this.bytes.length - this.pos} left)`);
    }
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
  private u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    // any length past 2^53 is larger than every input anyway: need() rejects it
    return hi * 2 ** 32 + lo;
  }
  private count(n: number, what: string): number {
    if (n < 0) throw new PickleError(`${what} has a negative length`);
    return n;
  }
  private raw(n: number): Uint8Array {
    this.need(n);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  private line(): string {
    const end = this.bytes.indexOf(10, this.pos);
    if (end < 0) throw new PickleError('pickle data was truncated (no end of line)');
    const s = this.str(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
  private str(b: Uint8Array): string {
    try {
      return decoder.decode(b);
    } catch {
      throw new PickleError('a string is not valid UTF-8');
    }
  }
  private push(v: unknown): void {
    this.stack.push(v);
  }
  private pop(): unknown {
    if (this.stack.length === 0) throw new PickleError('unpickling stack underflow');
    return this.stack.pop();
  }
  private top(): unknown {
    if (this.stack.length === 0) throw new PickleError('unpickling stack underflow');
    return this.stack[this.stack.length - 1];
  }
  /** The items pushed since the last MARK (Python's pop_mark). */
  private popMark(): unknown[] {
    const outer = this.metastack.pop();
    if (outer === undefined) throw new PickleError('could not find MARK');
    const items = this.stack;
    this.stack = outer;
    return items;
  }
  private popArgs(): PyTuple {
    const args = this.pop();
    if (!(args instanceof PyTuple)) throw new PickleError('the arguments of a call must be a tuple');
    return args;
  }
  private long(b: Uint8Array): number | bigint {
    if (b.length === 0) return 0;
    let hex = '';
    for (let i = b.length - 1; i >= 0; i--) hex += b[i].toString(16).padStart(2, '0');
    let v = BigInt(`0x${hex}`);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return small(v);
  }
  private intLine(): number | bigint {
    const s = this.line();
    const digits = s.endsWith('L') ? s.slice(0, -1) : s;
    if (!/^[+-]?\d+$/.test(digits)) throw new PickleError(`invalid integer literal ${JSON.stringify(s.slice(0, 40))}`);
    return small(BigInt(digits));
  }
  private floatLine(): number {
    const s = this.line().trim();
    const v = Number(s);
    if (!Number.isNaN(v)) return v;
    const lower = s.toLowerCase();
    if (/^[+-]?nan$/.test(lower)) return NaN;
    if (/^[+-]?inf(inity)?$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
    throw new PickleError(`invalid float literal ${JSON.stringify(s.slice(0, 40))}`);
  }
  private memoIndex(): number {
    const v = this.intLine();
    if (typeof v !== 'number' || v < 0) throw new PickleError('invalid memo index');
    return v;
  }
  private fromMemo(i: number): unknown {
    if (!this.memo.has(i)) throw new PickleError(`memo key ${i} not found`);
    return this.memo.get(i);
  }
  private globalName(module: unknown, name: unknown): unknown {
    if (typeof module !== 'string' || typeof name !== 'string') throw new PickleError('STACK_GLOBAL requires str');
    return this.host.findGlobal(module, name);
  }

  load(): unknown {
    for (;;) {
      const op = this.u8();
      switch (op) {
        case 0x80: { // PROTO
          const p = this.u8();
          if (p > 5) throw new PickleError(`unsupported pickle protocol: ${p}`);
          break;
        }
        case 0x95: this.need(this.u64()); break; // FRAME: its bytes follow (read on through them) and must be there
        case 0x2e: { // STOP
          const v = this.pop();
          if (this.metastack.length > 0) throw new PickleError('a MARK was never closed');
          return v;
        }
        case 0x28: // MARK
          this.metastack.push(this.stack);
          this.stack = [];
          break;
        case 0x4e: this.push(null); break; // NONE
        case 0x88: this.push(true); break; // NEWTRUE
        case 0x89: this.push(false); break; // NEWFALSE
        case 0x4a: this.push(this.i32()); break; // BININT
        case 0x4b: this.push(this.u8()); break; // BININT1
        case 0x4d: this.push(this.u16()); break; // BININT2
        case 0x8a: this.push(this.long(this.raw(this.u8()))); break; // LONG1
        case 0x8b: this.push(this.long(this.raw(this.count(this.i32(), 'LONG4')))); break; // LONG4
        case 0x49: { // INT (protocol 0; "01" / "00" are True / False)
          const start = this.pos;
          const s = this.line();
          if (s === '01' || s === '00') this.push(s === '01');
          else {
            this.pos = start;
            this.push(this.intLine());
          }
          break;
        }
        case 0x4c: this.push(this.intLine()); break; // LONG
        case 0x47: { // BINFLOAT (big-endian double)
          this.need(8);
          this.push(this.view.getFloat64(this.pos, false));
          this.pos += 8;
          break;
        }
        case 0x46: this.push(this.floatLine()); break; // FLOAT
        case 0x58: this.push(this.str(this.raw(this.u32()))); break; // BINUNICODE
        case 0x8c: this.push(this.str(this.raw(this.u8()))); break; // SHORT_BINUNICODE
        case 0x8d: this.push(this.str(this.raw(this.u64()))); break; // BINUNICODE8
        case 0x55: this.push(this.str(this.raw(this.u8()))); break; // SHORT_BINSTRING
        case 0x54: this.push(this.str(this.raw(this.count(this.i32(), 'BINSTRING')))); break; // BINSTRING
        case 0x43: this.push(this.raw(this.u8()).slice()); break; // SHORT_BINBYTES
        case 0x42: this.push(this.raw(this.u32()).slice()); break; // BINBYTES
        case 0x8e: this.push(this.raw(this.u64()).slice()); break; // BINBYTES8
        case 0x56: this.push(this.line()); break; // UNICODE (raw-unicode-escape; ASCII in practice)
        case 0x53: { // STRING (protocol 0: a quoted repr)
          const s = this.line();
          const m = /^'(.*)'$|^"(.*)"$/.exec(s);
          if (!m) throw new PickleError('the STRING opcode argument must be quoted');
          this.push(m[1] ?? m[2]);
          break;
        }
        case 0x7d: this.push(new Map()); break; // EMPTY_DICT
        case 0x5d: this.push([]); break; // EMPTY_LIST
        case 0x29: this.push(new PyTuple()); break; // EMPTY_TUPLE
        case 0x8f: this.push(new Set()); break; // EMPTY_SET
        case 0x74: this.push(tuple(...this.popMark())); break; // TUPLE
        case 0x85: this.push(tuple(this.pop())); break; // TUPLE1
        case 0x86: { // TUPLE2
          const b = this.pop();
          this.push(tuple(this.pop(), b));
          break;
        }
        case 0x87: { // TUPLE3
          const c = this.pop();
          const b = this.pop();
          this.push(tuple(this.pop(), b, c));
          break;
        }
        case 0x6c: this.push(this.popMark()); break; // LIST
        case 0x64: { // DICT
          const items = this.popMark();
          if (items.length % 2) throw new PickleError('odd number of items for DICT');
          const m = new Map();
          for (let i = 0; i < items.length; i += 2) setItem(m, items[i], items[i + 1]);
          this.push(m);
          break;
        }
        case 0x91: this.push(new Set(this.popMark())); break; // FROZENSET
        case 0x61: { // APPEND
          const v = this.pop();
          appendItems(this.top(), [v]);
          break;
        }
        case 0x65: { // APPENDS
          const items = this.popMark();
          appendItems(this.top(), items);
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
          if (items.length % 2) throw new PickleError('odd number of items for SETITEMS');
          const d = this.top();
          for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1]);
          break;
        }
        case 0x90: { // ADDITEMS
          const items = this.popMark();
          const s = this.top();
          if (s instanceof PyObject) s.items.push(...items);
          else if (s instanceof Set) for (const x of items) s.add(x);
          else throw new PickleError('ADDITEMS on a non-set');
          break;
        }
        case 0x71: this.memo.set(this.u8(), this.top()); break; // BINPUT
        case 0x72: this.memo.set(this.u32(), this.top()); break; // LONG_BINPUT
        case 0x70: this.memo.set(this.memoIndex(), this.top()); break; // PUT
        case 0x94: this.memo.set(this.memo.size, this.top()); break; // MEMOIZE
        case 0x68: this.push(this.fromMemo(this.u8())); break; // BINGET
        case 0x6a: this.push(this.fromMemo(this.u32())); break; // LONG_BINGET
        case 0x67: this.push(this.fromMemo(this.memoIndex())); break; // GET
        case 0x63: { // GLOBAL
          const module = this.line();
          this.push(this.host.findGlobal(module, this.line()));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop();
          this.push(this.globalName(this.pop(), name));
          break;
        }
        case 0x69: { // INST: class named inline, arguments since the mark
          const module = this.line();
          const cls = this.host.findGlobal(module, this.line());
          this.push(this.host.call(cls, this.popMark()));
          break;
        }
        case 0x6f: { // OBJ: class and arguments since the mark
          const items = this.popMark();
          if (items.length === 0) throw new PickleError('OBJ without a class');
          this.push(this.host.call(items[0], items.slice(1)));
          break;
        }
        case 0x52: { // REDUCE
          const args = this.popArgs();
          this.push(this.host.call(this.pop(), args));
          break;
        }
        case 0x81: { // NEWOBJ
          const args = this.popArgs();
          this.push(this.host.newObj(this.pop(), args));
          break;
        }
        case 0x92: { // NEWOBJ_EX
          const kwargs = this.pop();
          const args = this.popArgs();
          const cls = this.pop();
          if (!(kwargs instanceof Map) || kwargs.size > 0) throw new PickleError('NEWOBJ_EX with keyword arguments is not supported');
          this.push(this.host.newObj(cls, args));
          break;
        }
        case 0x62: { // BUILD
          const state = this.pop();
          this.host.build(this.top(), state);
          break;
        }
        case 0x51: this.push(this.host.persistentLoad(this.pop())); break; // BINPERSID
        case 0x50: this.push(this.host.persistentLoad(this.line())); break; // PERSID
        case 0x30: this.pop(); break; // POP
        case 0x31: this.popMark(); break; // POP_MARK
        case 0x32: this.push(this.top()); break; // DUP
        default:
          throw new PickleError(`unsupported pickle opcode 0x${op.toString(16)} at byte ${this.pos - 1}`);
      }
    }
  }
}

/** A bigint as a number when exact. */
function small(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function appendItems(list: unknown, items: unknown[]): void {
  if (list instanceof PyObject) {
    for (const x of items) list.items.push(x);
  } else if (Array.isArray(list) && !(list instanceof PyTuple)) {
    for (const x of items) list.push(x);
  } else {
    throw new PickleError('APPEND on a non-list');
  }
}

function setItem(d: unknown, k: unknown, v: unknown): void {
  if (d instanceof PyObject) {
    d.items.push(tuple(k, v));
    return;
  }
  if (!(d instanceof Map)) throw new PickleError('SETITEM on a non-dict');
  // lists and dicts are unhashable in Python: no file holds them as keys
  if ((Array.isArray(k) && !(k instanceof PyTuple)) || k instanceof Map) throw new PickleError('unhashable dict key');
  d.set(k, v);
}

// ---------------------------------------------------------------------------
// Writing

/** A global reference written by the pickler (GLOBAL opcode). */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
}

/**
 * callable(*args) (REDUCE), then optionally BUILD(state) and the items of a dict
 * (SETITEMS) or list (APPENDS): Python's save_reduce.
 */
export class PyReduce {
  constructor(
    readonly callable: PyGlobal,
    readonly args: unknown[],
    readonly dictItems: [unknown, unknown][] | null = null,
  ) {}
}

/** cls.__new__(cls) (NEWOBJ) then BUILD(state): how Python pickles a plain object. */
export class PyNewObj {
  state: unknown = null;
  constructor(readonly cls: PyGlobal) {}
}

/** A persistent id (BINPERSID) for out-of-band data such as tensor storages. */
export class PyPersistent {
  constructor(readonly id: unknown[]) {}
}

/** The deepest nesting written or read: Python itself cannot pickle deeper (its recursion limit is 1000). */
export const MAX_DEPTH = 1000;

/**
 * Protocol-2 pickler (what torch.save uses) for plain values and the PyGlobal /
 * PyReduce / PyNewObj / PyPersistent markers. Objects are memoized by identity, so
 * shared and cyclic lists, dicts and objects come back shared and cyclic.
 */
export class Pickler {
  private out: Uint8Array = new Uint8Array(1024);
  private n = 0;
  private memo = new Map<unknown, number>();
  private globals = new Map<string, PyGlobal>();
  private enc = new TextEncoder();
  private depth = 0;

  dump(v: unknown): Uint8Array {
    this.bytes(0x80, 2);
    this.write(v);
    this.bytes(0x2e);
    return this.out.slice(0, this.n);
  }

  private reserve(k: number): void {
    if (this.n + k <= this.out.length) return;
    const grown = new Uint8Array(Math.max(this.out.length * 2, this.n + k));
    grown.set(this.out.subarray(0, this.n));
    this.out = grown;
  }
  private bytes(...b: number[]): void {
    this.reserve(b.length);
    for (const x of b) this.out[this.n++] = x;
  }
  private chunk(b: Uint8Array): void {
    this.reserve(b.length);
    this.out.set(b, this.n);
    this.n += b.length;
  }
  private u32(v: number): void {
    this.bytes(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  private put(v: unknown): void {
    const i = this.memo.size;
    this.memo.set(v, i);
    if (i < 256) this.bytes(0x71, i);
    else {
      this.bytes(0x72);
      this.u32(i);
    }
  }
  private get(i: number): void {
    if (i < 256) this.bytes(0x68, i);
    else {
      this.bytes(0x6a);
      this.u32(i);
    }
  }
  private str(s: string): void {
    const b = this.enc.encode(s);
    this.bytes(0x58);
    this.u32(b.length);
    this.chunk(b);
  }
  private int(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v < 256) this.bytes(0x4b, v);
    else if (typeof v === 'number' && v >= 0 && v < 65536) this.bytes(0x4d, v & 0xff, v >> 8);
    else if (typeof v === 'number' && v >= -(2 ** 31) && v < 2 ** 31) {
      this.bytes(0x4a);
      this.u32(v >>> 0);
    } else {
      // LONG1: little-endian two's complement, as few bytes as keep the sign
      let x = BigInt(v);
      const b: number[] = [];
      for (;;) {
        b.push(Number(x & 0xffn));
        x >>= 8n;
        const last = b[b.length - 1];
        if ((x === 0n && (last & 0x80) === 0) || (x === -1n && (last & 0x80) !== 0)) break;
      }
      if (b.length > 255) throw new TypeError('save: an integer is too large to pickle (more than 255 bytes)');
      this.bytes(0x8a, b.length, ...b);
    }
  }
  private float(v: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, false);
    this.bytes(0x47, ...b);
  }
  private global(g: PyGlobal): void {
    // one GLOBAL per name, as Python's pickler memoizes them
    const key = `${g.module}\n${g.name}`;
    const first = this.globals.get(key);
    if (first !== undefined) {
      this.get(this.memo.get(first)!);
      return;
    }
    this.bytes(0x63);
    this.chunk(this.enc.encode(`${key}\n`));
    this.globals.set(key, g);
    this.put(g);
  }
  private items(entries: Iterable<unknown>, opcode: number): void {
    let open = false;
    let k = 0;
    for (const e of entries) {
      if (!open) {
        this.bytes(0x28);
        open = true;
      }
      if (opcode === 0x75) {
        const [key, value] = e as [unknown, unknown];
        this.write(key);
        this.write(value);
      } else this.write(e);
      // batches of 1000, as Python writes them
      if (++k === 1000) {
        this.bytes(opcode);
        open = false;
        k = 0;
      }
    }
    if (open) this.bytes(opcode);
  }

  private write(v: unknown): void {
    if (v === null || v === undefined) return this.bytes(0x4e);
    if (v === true) return this.bytes(0x88);
    if (v === false) return this.bytes(0x89);
    if (typeof v === 'bigint') return this.int(v);
    if (typeof v === 'number') {
      // integral values are Python ints, the rest (and -0) floats
      return Number.isSafeInteger(v) && !Object.is(v, -0) ? this.int(v) : this.float(v);
    }
    if (typeof v === 'string') {
      if (this.memo.has(v)) return this.get(this.memo.get(v)!);
      this.str(v);
      return this.put(v);
    }
    if (this.memo.has(v)) return this.get(this.memo.get(v)!);
    if (v instanceof PyGlobal) return this.global(v);
    if (++this.depth > MAX_DEPTH) throw new TypeError(`save: the object is nested deeper than ${MAX_DEPTH} levels`);
    try {
      this.writeObject(v);
    } finally {
      this.depth--;
    }
  }

  private writeObject(v: unknown): void {
    if (v instanceof PyPersistent) {
      this.write(tuple(...v.id));
      this.bytes(0x51);
    } else if (v instanceof PyReduce) {
      this.write(v.callable);
      this.write(tuple(...v.args));
      this.bytes(0x52);
      this.put(v);
      if (v.dictItems) this.items(v.dictItems, 0x75);
    } else if (v instanceof PyNewObj) {
      this.write(v.cls);
      this.bytes(0x29, 0x81); // EMPTY_TUPLE, NEWOBJ
      this.put(v);
      this.write(v.state);
      this.bytes(0x62);
    } else if (v instanceof PyTuple) {
      if (v.length === 0) return this.bytes(0x29);
      this.bytes(0x28);
      for (const x of v) this.write(x);
      // a tuple reached again through one of its items was memoized meanwhile (Python's save_tuple)
      if (this.memo.has(v)) {
        this.bytes(0x31);
        return this.get(this.memo.get(v)!);
      }
      this.bytes(0x74);
      this.put(v);
    } else if (Array.isArray(v)) {
      this.bytes(0x5d);
      this.put(v);
      this.items(v, 0x65);
    } else if (v instanceof Map) {
      this.bytes(0x7d);
      this.put(v);
      this.items(v.entries(), 0x75);
    } else {
      throw new TypeError(`save: cannot pickle ${(v as object)?.constructor?.name ?? typeof v}`);
    }
  }
}
