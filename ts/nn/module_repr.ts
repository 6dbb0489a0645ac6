// PyTorch's Module.__repr__: the class name, the module's extraRepr() and its
// children, one per line, indented two spaces per level:
//   Sequential(
//     (0): Linear(in_features=4, out_features=3, bias=True)
//     (1): ReLU()
//   )

import type { Module } from './module.js';

/** Indents every line but the first by `spaces` (PyTorch's _addindent). */
function addIndent(s: string, spaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}

export function moduleRepr(m: Module): string {
  const extra = m.extraRepr();
  const extraLines = extra ? extra.split('\n') : [];
  const childLines: string[] = [];
  for (const [key, child] of m._modules) {
    childLines.push(`(${key}): ${addIndent(child === null ? 'None' : child.toString(), 2)}`);
  }
  const lines = [...extraLines, ...childLines];
  let main = `${m._getName()}(`;
  if (lines.length > 0) {
    if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
    else main += `\n  ${lines.join('\n  ')}\n`;
  }
  return `${main})`;
}

/** Python's repr of a constructor setting in extraRepr: True/False/None, tuples as (1, 2). */
export function pyRepr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(', ')})`;
  if (typeof v === 'number') return Number.isInteger(v) && !Object.is(v, -0) ? String(v) : pyFloat(v);
  return String(v);
}

/** Python's repr of a float: 0.1, 1e-05, 1.0, 1e+16 (callers pass floats that are meant as floats). */
export function pyFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  // the shortest round-trip digits (JS and Python agree); Python writes them in fixed
  // notation for exponents -4..15 and scientific (two exponent digits) outside
  const [mantissa, exp] = v.toExponential().split('e');
  const e = Number(exp);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const fixed = Object.is(v, -0) ? '-0' : v.toFixed(Math.max(0, mantissa.replace(/^-?\d\.?/, '').length - e));
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}
