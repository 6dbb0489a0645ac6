// dtypes and PyTorch's type promotion. Codes match crate/src/dtype.rs.

export type DTypeName =
  | 'float32' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool' | 'float16' | 'bfloat16';

export class DType {
  constructor(
    readonly name: DTypeName,
    /** The crate's dtype code. */
    readonly code: number,
    readonly itemsize: number,
    readonly isFloatingPoint: boolean,
    readonly isSigned: boolean,
    /** PyTorch's legacy type name (FloatTensor) and scalar name (Float). */
    readonly scalarName: string,
  ) {}
  /** Category used by type promotion: 0 bool, 1 integer, 2 floating. */
  get category(): number {
    return this.isFloatingPoint ? 2 : this.name === 'bool' ? 0 : 1;
  }
  toString(): string {
    return `torch.${this.name}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export const float32 = new DType('float32', 0, 4, true, true, 'Float');
export const float64 = new DType('float64', 1, 8, true, true, 'Double');
export const int64 = new DType('int64', 2, 8, false, true, 'Long');
export const int32 = new DType('int32', 3, 4, false, true, 'Int');
export const int16 = new DType('int16', 4, 2, false, true, 'Short');
export const int8 = new DType('int8', 5, 1, false, true, 'Char');
export const uint8 = new DType('uint8', 6, 1, false, false, 'Byte');
export const bool = new DType('bool', 7, 1, false, false, 'Bool');
export const float16 = new DType('float16', 8, 2, true, true, 'Half');
export const bfloat16 = new DType('bfloat16', 9, 2, true, true, 'BFloat16');

export const DTYPES: readonly DType[] = [float32, float64, int64, int32, int16, int8, uint8, bool, float16, bfloat16];

const ALIASES: Record<string, DType> = {
  float: float32, double: float64, long: int64, int: int32, short: int16, half: float16,
  float32, float64, int64, int32, int16, int8, uint8, bool, float16, bfloat16,
};

let defaultDtype: DType = float32;
export const getDefaultDtype = (): DType => defaultDtype;
export function setDefaultDtype(d: DType | string): void {
  const dt = toDType(d, 'set_default_dtype');
  if (!dt.isFloatingPoint) throw new TypeError('only floating-point types are supported as the default type');
  defaultDtype = dt;
}

/** Accepts a DType, 'float32', 'torch.float32' or a PyTorch alias ('float', 'long', ...). */
export function toDType(d: unknown, op = 'dtype'): DType {
  if (d instanceof DType) return d;
  if (typeof d === 'string') {
    const dt = ALIASES[d.startsWith('torch.') ? d.slice(6) : d];
    if (dt) return dt;
  }
  throw new TypeError(`${op}(): unknown dtype ${JSON.stringify(String(d))}; expected one of ${DTYPES.map(String).join(', ')}`);
}

// PyTorch's promoteTypes table (c10/core/ScalarType.h), over the order of DTYPES.
// u1 = uint8, i1..i8 ints, f2 = half, f4, f8, b1 = bool, bf = bfloat16
const ORDER = ['uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'bool', 'bfloat16'];
const TABLE = [
  /*        u1    i1    i2    i4    i8    f2    f4    f8    b1    bf */
  /* u1 */ ['uint8', 'int16', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'uint8', 'bfloat16'],
  /* i1 */ ['int16', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'int8', 'bfloat16'],
  /* i2 */ ['int16', 'int16', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'int16', 'bfloat16'],
  /* i4 */ ['int32', 'int32', 'int32', 'int32', 'int64', 'float16', 'float32', 'float64', 'int32', 'bfloat16'],
  /* i8 */ ['int64', 'int64', 'int64', 'int64', 'int64', 'float16', 'float32', 'float64', 'int64', 'bfloat16'],
  /* f2 */ ['float16', 'float16', 'float16', 'float16', 'float16', 'float16', 'float32', 'float64', 'float16', 'float32'],
  /* f4 */ ['float32', 'float32', 'float32', 'float32', 'float32', 'float32', 'float32', 'float64', 'float32', 'float32'],
  /* f8 */ ['float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'float64'],
  /* b1 */ ['uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'bool', 'bfloat16'],
  /* bf */ ['bfloat16', 'bfloat16', 'bfloat16', 'bfloat16', 'bfloat16', 'float32', 'float32', 'float64', 'bfloat16', 'bfloat16'],
];
const PROMOTE: DType[][] = DTYPES.map((a) =>
  DTYPES.map((b) => ALIASES[TABLE[ORDER.indexOf(a.name)][ORDER.indexOf(b.name)]]),
);

export function promoteTypes(a: DType, b: DType): DType {
  return PROMOTE[a.code][b.code];
}

/** Whether a value of dtype `from` may be written into `to` by an in-place op (can_cast). */
export function canCast(from: DType, to: DType): boolean {
  return from.category <= to.category;
}
