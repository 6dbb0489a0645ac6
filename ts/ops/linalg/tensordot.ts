// tensordot (contract given dims through one mm) and kron (a broadcast product).

import { Tensor } from '../../tensor/tensor.js';
import { normalizeDims, RuntimeError } from '../../tensor/shape.js';
import { defineOp } from '../registry.js';
import { mm } from './matmul.js';
import type { TorchOps } from '../signatures.js';

/** Dims of a tensordot `dims` argument: an int n (last n of a, first n of b) or two lists. */
function contractedDims(a: Tensor, dims: unknown): [number[], number[]] {
  if (dims instanceof Tensor) dims = dims.numel() === 1 ? Number(dims.item()) : dims.tolist();
  if (typeof dims === 'number') {
    if (!Number.isInteger(dims)) {
      throw new RuntimeError(`tensordot expects dims to be int or Tuple[List[int], List[int]] or List[List[int]] containing two lists, but got dims=${Number.isNaN(dims) ? 'nan' : dims}`);
    }
    if (dims < 0) throw new RuntimeError(`tensordot expects dims >= 0, but got dims=${dims}`);
    if (dims > a.ndim) throw new RuntimeError(`tensordot expects dims < ndim_a or ndim_b, but got dims=${dims}`);
    return [[...Array(dims).keys()].map((i) => i - dims), [...Array(dims).keys()]];
  }
  if (Array.isArray(dims) && dims.length === 2) {
    const list = (x: unknown): number[] => (Array.isArray(x) ? x.map(Number) : [Number(x)]);
    return [list(dims[0]), list(dims[1])];
  }
  throw new TypeError('tensordot(): dims must be an int or a pair of dim lists');
}

function tensordotImpl(a: Tensor, b: Tensor, dimsA: number[], dimsB: number[]): Tensor {
  if (dimsA.length !== dimsB.length) throw new RuntimeError('both dimension lists should have same length');
  const da = normalizeDims(dimsA, a.ndim);
  const db = normalizeDims(dimsB, b.ndim);
  let t1 = a;
  let t2 = b;
  let csize = 1;
  for (let i = 0; i < da.length; i++) {
    const s1 = a._shape[da[i]];
    const s2 = b._shape[db[i]];
    // a size-1 dim contracts with the other side's sum (broadcasting)
    if (s2 === 1) t1 = t1.sum(da[i], true);
    else if (s1 === 1) t2 = t2.sum(db[i], true);
    else if (s1 !== s2) {
      throw new RuntimeError(
        `contracted dimensions need to match, but first has size ${s1} in dim ${dimsA[i]} and second has size ${s2} in dim ${dimsB[i]}`,
      );
    } else csize *= s1;
  }
  const freeA = [...Array(a.ndim).keys()].filter((d) => !da.includes(d));
  const freeB = [...Array(b.ndim).keys()].filter((d) => !db.includes(d));
  const size1 = freeA.reduce((n, d) => n * t1._shape[d], 1);
  const size2 = freeB.reduce((n, d) => n * t2._shape[d], 1);
  const m1 = t1.permute([...freeA, ...da]).reshape([size1, csize]);
  const m2 = t2.permute([...db, ...freeB]).reshape([csize, size2]);
  return mm(m1, m2).reshape([...freeA.map((d) => t1._shape[d]), ...freeB.map((d) => t2._shape[d])]);
}

/**
 * Sum product over dims: `dims` = n contracts the last n dims of a with the first n of
 * b; [dimsA, dimsB] contracts the listed pairs.
 * @example torch.tensordot(a, b, { dims: [[1, 2], [1, 0]] })
 */
export const tensordot: TorchOps['tensordot'] = defineOp({
  name: 'tensordot',
  sig: 'Tensor self, Tensor other, any dims=2',
  method: false,
  out: true,
  forward: (a: Tensor, b: Tensor, dims: unknown) => {
    const [da, db] = contractedDims(a, dims);
    return tensordotImpl(a, b, da, db);
  },
});

/** Kronecker product: blocks other * self[i, j, ...], for any number of dims. */
export const kron = defineOp({
  name: 'kron',
  sig: 'Tensor self, Tensor other',
  out: true,
  forward: (self: Tensor, other: Tensor) => {
    const nd = Math.max(self.ndim, other.ndim);
    const padA = nd - self.ndim;
    const padB = nd - other.ndim;
    const aShape: number[] = [];
    const bShape: number[] = [];
    const out: number[] = [];
    for (let i = 0; i < nd; i++) {
      const sa = i >= padA ? self._shape[i - padA] : 1;
      const sb = i >= padB ? other._shape[i - padB] : 1;
      aShape.push(sa, 1);
      bShape.push(1, sb);
      out.push(sa * sb);
    }
    return self.reshape(aShape).mul(other.reshape(bShape)).reshape(out);
  },
});
