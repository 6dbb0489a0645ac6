// Tensor printing: a port of PyTorch 1.13's torch/_tensor_str.py (_str_intern,
// _tensor_str, _Formatter, _vector_str, _add_suffixes): what toString, util.inspect
// and Deno's inspect show.
//
// The shown values are read once from wasm memory at the strided addresses of the
// elements that appear (the edge items only when summarised), never the whole tensor.

import type { Tensor } from './tensor.js';
import { DType, getDefaultDtype, int64, bool } from './dtype.js';
import { readElement } from './elements.js';
import { RuntimeError } from './shape.js';
import { PRINT_OPTS, setPrintoptions, getPrintoptions } from './print_options.js';
import { formatExp, formatFixed, pyTuple } from './py_format.js';

export { setPrintoptions, getPrintoptions };
export type { PrintOptions, SetPrintOptions } from './print_options.js';

type Value = number | bigint | boolean;
/** Where a summarised dim elides its middle. */
const ELLIPSIS = Symbol('...');
/** A 0-d value, or the shown entries of one dim (values or sub-dims, with ELLIPSIS). */
type Shown = Value | (Shown | typeof ELLIPSIS)[];

/** Python's '{}'.format(v) for an integer or bool element. */
const pyStr = (v: Value): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));

/** _Formatter: picks int/fixed/scientific mode and the common width from the shown values. */
class Formatter {
  readonly floating: boolean;
  intMode = true;
  sciMode = false;
  maxWidth = 1;

  constructor(dtype: DType, values: readonly Value[]) {
    this.floating = dtype.isFloatingPoint;
    const precision = PRINT_OPTS.precision;
    if (!this.floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, pyStr(v).length);
    } else {
      const finite = (values as number[]).filter((v) => Number.isFinite(v) && v !== 0);
      // all zero / non-finite: PyTorch returns early, before applying sci_mode
      if (finite.length === 0) return;
      let min = Infinity;
      let max = 0;
      for (const v of finite) {
        const a = Math.abs(v);
        if (a < min) min = a;
        if (a > max) max = a;
      }
      this.intMode = finite.every((v) => v === Math.ceil(v));
      const width = (text: (v: number) => string, extra = 0): void => {
        for (const v of finite) this.maxWidth = Math.max(this.maxWidth, text(v).length + extra);
      };
      if (this.intMode) {
        if (max / min > 1000 || max > 1e8) {
          this.sciMode = true;
          width((v) => formatExp(v, precision));
        } else {
          // room for the '.' that marks integer-valued floats
          width((v) => formatFixed(v, 0), 1);
        }
      } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
        this.sciMode = true;
        width((v) => formatExp(v, precision));
      } else {
        width((v) => formatFixed(v, precision));
      }
    }
    if (PRINT_OPTS.sciMode !== null) this.sciMode = PRINT_OPTS.sciMode;
  }

  format(v: Value): string {
    let ret: string;
    if (!this.floating) ret = pyStr(v);
    else if (this.sciMode) ret = formatExp(v as number, PRINT_OPTS.precision);
    else if (this.intMode) {
      ret = formatFixed(v as number, 0);
      if (Number.isFinite(v)) ret += '.';
    } else ret = formatFixed(v as number, PRINT_OPTS.precision);
    return ret.padStart(this.maxWidth);
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/**
 * The entries of t that printing shows, read from memory. Summarised dims keep their
 * first and last `edgeitems` entries; the innermost dim takes its tail as Python's
 * self[-edgeitems:], which is the whole row for edgeitems = 0.
 */
function readShown(t: Tensor, summarize: boolean): Shown {
  const edge = PRINT_OPTS.edgeitems;
  const base = t._s.ptr;
  const size = t.dtype.itemsize;
  const walk = (d: number, offset: number): Shown => {
    if (d === t.ndim) return readElement(t.dtype, base + offset * size, true);
    const n = t._shape[d];
    const stride = t._strides[d];
    let picks: (number | typeof ELLIPSIS)[];
    if (summarize && n > 2 * edge) {
      const tail = d === t.ndim - 1 && edge === 0 ? range(0, n) : range(n - edge, n);
      picks = [...range(0, edge), ELLIPSIS, ...tail];
    } else picks = range(0, n);
    return picks.map((i) => (i === ELLIPSIS ? ELLIPSIS : walk(d + 1, offset + i * stride)));
  };
  return walk(0, t._offset);
}

function leaves(s: Shown, out: Value[]): Value[] {
  if (!Array.isArray(s)) out.push(s);
  else for (const c of s) if (c !== ELLIPSIS) leaves(c, out);
  return out;
}

/** _vector_str: one row, wrapped at linewidth. */
function vectorStr(row: (Shown | typeof ELLIPSIS)[], indent: number, fmt: Formatter): string {
  const elementLength = fmt.maxWidth + 2;
  const perLine = Math.max(1, Math.floor((PRINT_OPTS.linewidth - indent) / elementLength));
  const data = row.map((v) => (v === ELLIPSIS ? ' ...' : fmt.format(v as Value)));
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

/** _tensor_str_with_formatter: nested brackets, a blank line between blocks per extra dim. */
function nestedStr(s: Shown, dim: number, indent: number, fmt: Formatter): string {
  if (dim === 0) return fmt.format(s as Value);
  const items = s as (Shown | typeof ELLIPSIS)[];
  if (dim === 1) return vectorStr(items, indent, fmt);
  const slices = items.map((c) => (c === ELLIPSIS ? '...' : nestedStr(c, dim - 1, indent + 1, fmt)));
  return `[${slices.join(`,${'\n'.repeat(dim - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** _tensor_str: the bracketed values of a non-empty tensor. */
function tensorStr(t: Tensor, indent: number): string {
  const summarize = t.numel() > PRINT_OPTS.threshold;
  // get_summarized_data stacks an empty list here and fails, as in PyTorch 1.13
  if (summarize && PRINT_OPTS.edgeitems === 0 && t.ndim >= 2) throw new RuntimeError('stack expects a non-empty TensorList');
  const shown = readShown(t, summarize);
  const fmt = new Formatter(t.dtype, leaves(shown, []));
  return nestedStr(shown, t.ndim, indent, fmt);
}

/** _add_suffixes: ', suffix' on the last line while it fits in linewidth, else on a new line. */
function addSuffixes(text: string, suffixes: string[], indent: number): string {
  const parts = [text];
  // Python's len - rfind('\n') + 1, where rfind is -1 without a newline
  let lastLineLen = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > PRINT_OPTS.linewidth) {
      parts.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** str(t) / repr(t) as PyTorch 1.13 prints them. */
export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  const defaultDtype = getDefaultDtype();
  let body: string;
  if (t.numel() === 0) {
    // an empty tensor shows its shape unless it is (0,), and any non-default dtype
    if (t.ndim !== 1) suffixes.push(`size=${pyTuple(t.shape)}`);
    if (t.dtype !== defaultDtype) suffixes.push(`dtype=${t.dtype}`);
    body = '[]';
  } else {
    if (t.dtype !== defaultDtype && t.dtype !== int64 && t.dtype !== bool) suffixes.push(`dtype=${t.dtype}`);
    body = tensorStr(t, indent);
  }
  if (t.gradFn !== null) suffixes.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}
