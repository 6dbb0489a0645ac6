// Printing cases: rebuild the recorded tensor (values, requires_grad, and for results
// of an op the op itself, so it carries the right grad_fn), then compare String(t)
// with Python's str() and util.inspect(t) (what console.log shows) with repr().
import { inspect } from 'node:util';
import { loadArea } from '../runner.mjs';

// Ops a `make` text can name ("a*2 where a leaf requires_grad"). Each is applied with
// an operand that leaves the recorded values exactly as they are (a*1, a+0, a@I, the
// sum of a one-element tensor), so the op and its grad_fn are PyTorch's and the
// printed numbers are the fixture's.
const OPS = [
  { re: /\ba\s*\*\s*[\d.]+/, build: (torch, v) => leaf(v).mul(1) },
  { re: /\ba\s*\+\s*[\d.]+/, build: (torch, v) => leaf(v).add(0) },
  { re: /\ba\s*-\s*[\d.]+/, build: (torch, v) => leaf(v).sub(0) },
  { re: /\ba\s*\/\s*[\d.]+/, build: (torch, v) => leaf(v).div(1) },
  { re: /\ba\s*@\s*a\b|\bmm\b|\bmatmul\b/, build: (torch, v) => leaf(v).matmul(torch.eye(v.shape[1], { dtype: v.dtype })) },
  { re: /\.sum\(\)/, build: (torch, v) => leaf(v.reshape([1])).sum() },
  { re: /\.mean\(\)/, build: (torch, v) => leaf(v.reshape([1])).mean() },
];

function leaf(t) {
  t.requiresGrad = true;
  return t;
}

/** The case's tensor as a JS tensor; a transposed view when the case is about one. */
function valuesOf(torch, c, helpers) {
  const enc = c.tensor;
  if (/transpos/i.test(c.make ?? '') && enc.shape.length === 2) {
    const t = helpers.decodeTensor(torch, enc);
    // the same logical values stored column-major, then viewed back as [r, k]
    return t.t().contiguous().t();
  }
  return helpers.decodeTensor(torch, enc);
}

function build(torch, c, helpers) {
  const values = valuesOf(torch, c, helpers);
  if (!c.requires_grad) return values;
  const op = OPS.find((o) => o.re.test(c.make ?? ''));
  return op ? op.build(torch, values) : leaf(values);
}

function check(torch, c, helpers) {
  return torch.tidy(() => {
    const t = build(torch, c, helpers);
    const mismatch = helpers.compare(torch, t, c.tensor);
    if (mismatch) return `rebuilt tensor differs from the fixture: ${mismatch}`;
    const str = String(t);
    if (str !== c.str) return `str:\n${str}\nexpected:\n${c.str}`;
    const repr = inspect(t);
    if (repr !== c.repr) return `repr:\n${repr}\nexpected:\n${c.repr}`;
    return true;
  });
}

// Every printing case goes through check(), whatever fixture folder is in use.
export const cases = Object.fromEntries((loadArea('printing')?.cases ?? []).map((c) => [c.id, check]));
