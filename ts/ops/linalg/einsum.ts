// einsum, as PyTorch computes it: every operand is aligned to one dim order (output
// labels, then contracted labels; diagonals for repeated labels, size-1 dims for
// missing ones), then operands are multiplied left to right with permute/reshape/bmm,
// summing each contracted dim at the last operand that has it. No per-element work
// happens here: the gradient comes from the ops used.

import { Tensor, pyTypeName } from '../../tensor/tensor.js';
import { RuntimeError, ValueError } from '../../tensor/shape.js';
import { scoped } from '../../tensor/scope.js';
import { bmm } from './matmul.js';

const ELLIPSIS = 52;
const TOTAL_LABELS = 52;

const isLetter = (ch: string): boolean => /^[a-zA-Z]$/.test(ch);
/** A..Z -> 0..25, a..z -> 26..51 (the implicit output's order). */
const labelIndex = (ch: string): number => (ch >= 'a' ? 26 + ch.charCodeAt(0) - 97 : ch.charCodeAt(0) - 65);
const labelChar = (i: number): string => String.fromCharCode(i < 26 ? 65 + i : 97 + i - 26);

/** Operand labels (ELLIPSIS for '...') of the left-hand side. */
function parseInputs(lhs: string, numOps: number): number[][] {
  const labels: number[][] = [[]];
  let foundEll = false;
  for (let i = 0; i < lhs.length; i++) {
    const ch = lhs[i];
    const cur = labels.length - 1;
    if (ch === ' ') continue;
    if (ch === '.') {
      if (foundEll) throw new RuntimeError(`einsum(): found '.' for operand ${cur} for which an ellipsis was already found`);
      if (!(i + 2 < lhs.length && lhs[i + 1] === '.' && lhs[i + 2] === '.')) {
        throw new RuntimeError(`einsum(): found '.' for operand ${cur} that is not part of any ellipsis`);
      }
      i += 2;
      labels[cur].push(ELLIPSIS);
      foundEll = true;
    } else if (ch === ',') {
      if (labels.length >= numOps) throw new RuntimeError('einsum(): fewer operands were provided than specified in the equation');
      labels.push([]);
      foundEll = false;
    } else {
      if (!isLetter(ch)) throw new RuntimeError(`einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
      labels[cur].push(labelIndex(ch));
    }
  }
  if (labels.length !== numOps) throw new RuntimeError('einsum(): more operands were provided than specified in the equation');
  return labels;
}

const sizesStr = (s: readonly number[]): string => `[${s.join(', ')}]`;

/**
 * left * right summed over `sumDims`, both with the same number of dims; the result
 * keeps every dim (size 1 where summed).
 */
function sumProductPair(left: Tensor, right: Tensor, sumDims: Set<number>): Tensor {
  const nd = left.ndim;
  const lro: number[] = [];
  const lo: number[] = [];
  const ro: number[] = [];
  const sum: number[] = [];
  for (let d = 0; d < nd; d++) {
    const sl = left._shape[d] !== 1;
    const sr = right._shape[d] !== 1;
    if (sumDims.has(d)) {
      if (sl && sr) sum.push(d);
      else if (sl) left = left.sum(d, true);
      else if (sr) right = right.sum(d, true);
    } else if (sl && sr) lro.push(d);
    else if (sl) lo.push(d);
    else ro.push(d);
  }
  const size = (t: Tensor, dims: number[]): number => dims.reduce((n, d) => n * t._shape[d], 1);
  const b = size(left, lro);
  const s = size(left, sum);
  // left has size 1 at the ro dims and right at the lo dims: they ride along in the reshape
  const l = left.permute([...lro, ...lo, ...sum, ...ro]).reshape([b, size(left, lo), s]);
  const r = right.permute([...lro, ...sum, ...ro, ...lo]).reshape([b, s, size(right, ro)]);
  const order = [...lro, ...lo, ...ro, ...sum];
  const shape = [...lro.map((d) => left._shape[d]), ...lo.map((d) => left._shape[d]), ...ro.map((d) => right._shape[d]), ...sum.map(() => 1)];
  const inverse = new Array<number>(nd);
  order.forEach((d, i) => (inverse[d] = i));
  return bmm(l, r).view(shape).permute(inverse);
}

/** Converts the sublist form einsum(op0, [0, 1], op1, [1, 2], [0, 2]) to an equation. */
function sublistEquation(args: unknown[]): [string, Tensor[]] {
  const ops: Tensor[] = [];
  const terms: string[] = [];
  const term = (l: unknown): string => {
    if (!Array.isArray(l)) throw new TypeError(`einsum(): a subscript list must be a list of ints, not ${pyTypeName(l)}`);
    return l.map((x) => {
      if (x === '...') return '...';
      if (typeof x !== 'number' || !Number.isInteger(x)) throw new TypeError(`einsum(): subscripts must be ints or '...', not ${pyTypeName(x)}`);
      if (x < 0 || x >= 52) throw new ValueError('einsum(): subscript in subscript list is not within the valid range [0, 52)');
      return labelChar(x);
    }).join('');
  };
  let i = 0;
  for (; i + 1 < args.length; i += 2) {
    if (!(args[i] instanceof Tensor)) break;
    ops.push(args[i] as Tensor);
    terms.push(term(args[i + 1]));
  }
  const out = i < args.length ? `->${term(args[i])}` : '';
  return [terms.join(',') + out, ops];
}

/**
 * Einstein summation: einsum('ij,jk->ik', a, b), einsum('ii', a) (trace), ellipsis
 * broadcasting ('...ij,...jk'), implicit outputs (labels seen once, sorted), operands
 * as varargs or one array, or the sublist form.
 */
export function einsum(equation: string | Tensor, ...rest: unknown[]): Tensor {
  return scoped(() => einsumImpl(equation, rest)); // frees the permuted and summed temporaries
}

function einsumImpl(equation: string | Tensor, rest: unknown[]): Tensor {
  let eq: string;
  let operands: Tensor[];
  if (equation instanceof Tensor) [eq, operands] = sublistEquation([equation, ...rest]);
  else {
    eq = equation;
    operands = (rest.length === 1 && Array.isArray(rest[0]) ? rest[0] : rest) as Tensor[];
  }
  if (typeof eq !== 'string') throw new TypeError('einsum(): the equation must be a string');
  if (operands.length === 0) {
    throw new ValueError('einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list');
  }
  operands.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`einsum(): operand ${i} must be a Tensor`);
  });
  const numOps = operands.length;
  const arrow = eq.indexOf('->');
  const opLabels = parseInputs(arrow >= 0 ? eq.slice(0, arrow) : eq, numOps);

  // label counts and the number of dims the ellipsis covers
  const labelCount = new Array<number>(TOTAL_LABELS).fill(0);
  let ellNumDim = 0;
  opLabels.forEach((labels, i) => {
    const nd = operands[i].ndim;
    let n = labels.length;
    const hasEll = labels.includes(ELLIPSIS);
    if (hasEll) {
      n--;
      ellNumDim = Math.max(ellNumDim, nd - n);
    }
    for (const l of labels) if (l !== ELLIPSIS) labelCount[l]++;
    if (hasEll ? n > nd : n !== nd) {
      throw new RuntimeError(
        `einsum(): the number of subscripts in the equation (${n}) ${hasEll ? 'is more than' : 'does not match'} the number of dimensions (${nd}) for operand ${i}${hasEll ? '' : ' and no ellipsis was given'}`,
      );
    }
  });

  // position of every label in the aligned order: output labels, then contracted ones
  const permIndex = new Array<number>(TOTAL_LABELS).fill(-1);
  let perm = 0;
  let ellIndex = 0;
  let ellInOutput = false;
  if (arrow < 0) {
    perm = ellNumDim;
    ellInOutput = true;
    for (let l = 0; l < TOTAL_LABELS; l++) if (labelCount[l] === 1) permIndex[l] = perm++;
  } else {
    const rhs = eq.slice(arrow + 2);
    for (let i = 0; i < rhs.length; i++) {
      const ch = rhs[i];
      if (ch === ' ') continue;
      if (ch === '.') {
        if (ellInOutput) throw new RuntimeError("einsum(): found '.' for output but an ellipsis (...) was already found");
        if (!(i + 2 < rhs.length && rhs[i + 1] === '.' && rhs[i + 2] === '.')) {
          throw new RuntimeError("einsum(): found '.' for output that is not part of any ellipsis (...)");
        }
        i += 2;
        ellIndex = perm;
        perm += ellNumDim;
        ellInOutput = true;
        continue;
      }
      if (!isLetter(ch)) {
        throw new RuntimeError(`einsum(): invalid subscript given at index ${arrow + 2 + i} in the equation string, subscripts must be in [a-zA-Z]`);
      }
      const l = labelIndex(ch);
      if (labelCount[l] === 0) throw new RuntimeError(`einsum(): output subscript ${ch} does not appear in the equation for any input operand`);
      if (permIndex[l] !== -1) throw new RuntimeError(`einsum(): output subscript ${ch} appears more than once in the output`);
      permIndex[l] = perm++;
    }
  }
  const outDims = perm;
  if (!ellInOutput) {
    ellIndex = perm;
    perm += ellNumDim;
  }
  for (let l = 0; l < TOTAL_LABELS; l++) if (labelCount[l] > 0 && permIndex[l] === -1) permIndex[l] = perm++;
  const total = perm;

  // align each operand: diagonals for repeated labels, size-1 dims where a label is missing
  const labelSize = new Array<number>(TOTAL_LABELS).fill(-1);
  const aligned = operands.map((op, i) => {
    const labels = opLabels[i];
    let t = op;
    const permShape = new Array<number>(total).fill(-1);
    const labelDim = new Array<number>(TOTAL_LABELS).fill(-1);
    let j = 0;
    for (const l of labels) {
      if (l === ELLIPSIS) {
        const missing = ellNumDim - (op.ndim - labels.length + 1);
        for (let k = 0; k < missing; k++) t = t.unsqueeze(j);
        for (let k = 0; k < ellNumDim; k++) permShape[ellIndex + k] = j++;
      } else if (labelDim[l] !== -1) {
        const d = labelDim[l];
        if (t._shape[j] !== t._shape[d]) {
          throw new RuntimeError(
            `einsum(): subscript ${labelChar(l)} is repeated for operand ${i} but the sizes don't match, ${t._shape[j]} != ${t._shape[d]}`,
          );
        }
        t = t.diagonal(0, d, j).movedim(-1, d);
      } else {
        const s = t._shape[j];
        if (labelSize[l] === -1 || labelSize[l] === 1) labelSize[l] = s;
        else if (s !== 1 && s !== labelSize[l]) {
          throw new RuntimeError(
            `einsum(): subscript ${labelChar(l)} has size ${s} for operand ${i} which does not broadcast with previously seen size ${labelSize[l]}`,
          );
        }
        labelDim[l] = j;
        permShape[permIndex[l]] = j++;
      }
    }
    for (let k = 0; k < total; k++) {
      if (permShape[k] === -1) {
        t = t.unsqueeze(-1);
        permShape[k] = j++;
      }
    }
    return t.permute(permShape);
  });

  // the ellipsis dims must broadcast too; remember the last operand with each dim
  const lastOp = new Array<number>(total).fill(0);
  for (let d = 0; d < total; d++) {
    let size = aligned[0]._shape[d];
    for (let i = 1; i < numOps; i++) {
      const s = aligned[i]._shape[d];
      if (s !== 1 && size !== 1 && s !== size) {
        const shapes = operands.map((o, k) => ` ${sizesStr(o._shape)}->${sizesStr(aligned[k]._shape)}`).join('');
        throw new RuntimeError(`einsum(): operands do not broadcast with remapped shapes (original->remapped):${shapes}`);
      }
      if (s !== 1) {
        size = s;
        lastOp[d] = i;
      }
    }
  }

  // contract left to right, summing each contracted dim at its last operand
  const sumAt = (i: number): Set<number> => {
    const s = new Set<number>();
    for (let d = outDims; d < total; d++) if (lastOp[d] === i) s.add(d);
    return s;
  };
  let result = aligned[0];
  const first = [...sumAt(0)].filter((d) => result._shape[d] !== 1);
  if (first.length > 0) result = result.sum(first, true);
  for (let i = 1; i < numOps; i++) result = sumProductPair(result, aligned[i], sumAt(i));
  // broadcasting may have left dims where every operand had size 1: their sum is themselves
  const outShape = result._shape.slice(0, outDims);
  return result.reshape(outShape);
}
