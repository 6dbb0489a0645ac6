// Kernel op codes: which operation a driver asks an ABI function for, as defined in
// crate/src/kernels/*.rs.

export const BIN = {
  ADD: 0, SUB: 1, MUL: 2, DIV: 3, REMAINDER: 4, FMOD: 5, POW: 6, ATAN2: 7, MAXIMUM: 8, MINIMUM: 9,
  FMAX: 10, FMIN: 11, FLOOR_DIVIDE: 12, TRUNC_DIVIDE: 13, BITWISE_AND: 14, BITWISE_OR: 15,
  BITWISE_XOR: 16, SHIFT_LEFT: 17, SHIFT_RIGHT: 18, HYPOT: 19, COPYSIGN: 20, XLOGY: 21,
  LOGADDEXP: 22, AXPY: 23, AXMY: 24, LOGADDEXP2: 25, LERP: 26,
} as const;

export const CMP = { EQ: 0, NE: 1, LT: 2, LE: 3, GT: 4, GE: 5, LOGICAL_AND: 6, LOGICAL_OR: 7, LOGICAL_XOR: 8 } as const;

export const UN = {
  NEG: 0, ABS: 1, EXP: 2, EXP2: 3, EXPM1: 4, LOG: 5, LOG2: 6, LOG10: 7, LOG1P: 8, SQRT: 9, RSQRT: 10,
  SQUARE: 11, SIN: 12, COS: 13, TAN: 14, ASIN: 15, ACOS: 16, ATAN: 17, SINH: 18, COSH: 19, TANH: 20,
  ASINH: 21, ACOSH: 22, ATANH: 23, SIGMOID: 24, LOGIT: 25, RELU: 26, GELU: 27, SILU: 28, MISH: 29,
  SOFTPLUS: 30, ELU: 31, LEAKY_RELU: 32, HARDTANH: 33, HARDSIGMOID: 34, HARDSWISH: 35, SOFTSIGN: 36,
  FLOOR: 37, CEIL: 38, ROUND: 39, TRUNC: 40, FRAC: 41, SIGN: 42, RECIPROCAL: 43, ERF: 44, ERFC: 45,
  ERFINV: 46, CLAMP: 47, NAN_TO_NUM: 48, BITWISE_NOT: 49, LGAMMA: 50, DIGAMMA: 51, THRESHOLD: 52,
  LOGSIGMOID: 53, AFFINE: 54, POW_SCALAR: 55, RPOW_SCALAR: 56, HARDSHRINK: 57, SOFTSHRINK: 58, SGN: 59,
  POLYGAMMA: 60, SINC: 61,
} as const;

export const PRED = { ISNAN: 0, ISINF: 1, ISFINITE: 2, LOGICAL_NOT: 3, SIGNBIT: 4, ISPOSINF: 5, ISNEGINF: 6, NONZERO: 7 } as const;

export const RED = {
  SUM: 0, PROD: 1, MEAN: 2, AMAX: 3, AMIN: 4, ALL: 5, ANY: 6, VAR: 7, STD: 8, NORM: 9, LOGSUMEXP: 10,
  NANSUM: 11, NANMEAN: 12, COUNT_NONZERO: 13,
} as const;

export const ARG = { ARGMAX: 0, ARGMIN: 1 } as const;

export const SCAN = { CUMSUM: 0, CUMPROD: 1, CUMMAX: 2, CUMMIN: 3, LOGCUMSUMEXP: 4 } as const;

export const SCATTER = { SET: 0, ADD: 1, MUL: 2 } as const;

export const SELECT = { MEDIAN: 0, NANMEDIAN: 1, MODE: 2, KTHVALUE: 3 } as const;

export const LINE_GRAD = { PROD_OTHERS: 0, CUMPROD_GRAD: 1 } as const;
export const TERNARY = { LERP: 0, ADDCMUL: 1, ADDCDIV: 2, CLAMP: 3 } as const;

/** fill_range kinds. */
export const RANGE = { ARANGE: 0, LINSPACE: 1, LOGSPACE: 2 } as const;
