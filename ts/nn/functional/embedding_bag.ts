// torch.nn.functional.embedding_bag: sums, means or maxima of bags of embedding rows
// without materialising the rows per bag. The rows of every index are looked up once
// through F.embedding (so max_norm renormalisation, scale_grad_by_freq and the weight
// gradient are embedding's), then
// - sum / mean: each row is added into its bag with index_add (the bag of each element
//   is a cumulative count of the bag starts); padding_idx entries are left out, mean
//   divides by the count of the others, an empty bag gives zeros;
// - max: the bags are laid out as [bags, longest bag] (shorter ones masked with -inf)
//   and reduced with max, whose gradient goes to the row that won.

import { Tensor } from '../../tensor/tensor.js';
import { int64 } from '../../tensor/dtype.js';
import { IndexError, NotImplementedError, RuntimeError, ValueError } from '../../tensor/shape.js';
import { arange, cat, onesLike, tensor, where, zeros } from '../../ops/all.js';
import { embedding } from './sparse.js';
import { functional } from '../../ops/composite.js';

type Fn = (...args: any[]) => Tensor;

const sizeOf = (t: Tensor): string => `torch.Size([${t.shape.join(', ')}])`;
const typeName = (t: Tensor): string => `torch.${t.dtype.scalarName}Tensor`;

function checkDtypes(input: Tensor, offsets: Tensor, weight: Tensor, psw: Tensor | null): void {
  for (const t of [input, offsets]) {
    if (t.dtype.name !== 'int64' && t.dtype.name !== 'int32') {
      throw new RuntimeError(
        `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${typeName(t)} instead (while checking arguments for embedding_bag)`,
      );
    }
  }
  if (!weight.dtype.isFloatingPoint) {
    throw new RuntimeError(
      `Expected tensor for argument #1 'weight' to have one of the following scalar types: Half, Float, Double; but got ${typeName(weight)} instead (while checking arguments for embedding_bag)`,
    );
  }
  if (psw && psw.dtype !== weight.dtype) {
    throw new RuntimeError(
      `Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 'per_sample_weights'; but type ${typeName(weight)} does not equal ${typeName(psw)} (while checking arguments for embedding_bag)`,
    );
  }
  if (weight.ndim !== 2) {
    if (weight.ndim < 2) throw new IndexError(`Dimension out of range (expected to be in range of [${-Math.max(weight.ndim, 1)}, ${Math.max(weight.ndim, 1) - 1}], but got 1)`);
    throw new RuntimeError(`embedding_bag: expected a 2-D weight, but got weight of size [${weight.shape.join(', ')}]`);
  }
}

/** Checks offsets (start at 0, non-decreasing, within the input) and the indices' range. */
function checkBags(input: Tensor, offsets: Tensor, numWeights: number): void {
  const n = input.shape[0];
  if (offsets.numel() > 0) {
    const first = Number(offsets.get(0));
    if (first !== 0) {
      throw new RuntimeError(
        `offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${first}`,
      );
    }
    const last = Number(offsets.get(offsets.numel() - 1));
    if (last > n) throw new RuntimeError(`offsets[-1] can not be greater than input's length ${n} but got offsets[-1] of ${last}`);
    if (offsets.numel() > 1) {
      const steps = offsets.narrow(0, 1, offsets.numel() - 1).sub(offsets.narrow(0, 0, offsets.numel() - 1));
      if (Number(steps.min().item()) < 0) {
        const i = Number(steps.lt(0).to(int64).argmax().item());
        throw new RuntimeError(
          `embedding_bag: offsets must be non-decreasing, but got offsets[${i}] = ${Number(offsets.get(i))} > offsets[${i + 1}] = ${Number(offsets.get(i + 1))}`,
        );
      }
    }
  }
  if (n > 0) {
    const bad = input.lt(0).logicalOr(input.ge(numWeights));
    if (bad.any().item()) {
      const pos = Number(bad.to(int64).argmax().item());
      throw new RuntimeError(`Index ${pos} is out of bounds: ${Number(input.get(pos))}, range 0 to ${numWeights}`);
    }
  }
}

/** Sum (or mean) of each bag's kept rows, by index_add into the bags. */
function reduceSumMean(rows: Tensor, keep: Tensor, starts: Tensor, psw: Tensor | null, bags: number, mean: boolean): Tensor {
  const n = rows.shape[0];
  // element i belongs to the bag of the last start <= i: count the starts up to i
  const marks = zeros([n + 1], { dtype: int64 }).indexAdd(0, starts, onesLike(starts));
  const bagOf = marks.narrow(0, 0, n).cumsum(0).sub(1);
  let r = where(keep.unsqueeze(1), rows, 0) as Tensor;
  if (psw) r = r.mul(psw.unsqueeze(1));
  const out = (zeros([bags, rows.shape[1]], { dtype: rows.dtype }) as Tensor).indexAdd(0, bagOf, r);
  if (!mean) return out;
  const counts = (zeros([bags], { dtype: rows.dtype }) as Tensor).indexAdd(0, bagOf, keep.to(rows.dtype));
  return out.div(counts.clampMin(1).unsqueeze(1));
}

/** Maximum over each bag's kept rows (zeros for a bag with none). */
function reduceMax(rows: Tensor, keep: Tensor, starts: Tensor, ends: Tensor): Tensor {
  const lengths = ends.sub(starts);
  const longest = lengths.numel() > 0 ? Number(lengths.max().item()) : 0;
  const d = rows.shape[1];
  const j = arange(longest);
  const inBag = j.lt(lengths.unsqueeze(1)); // [bags, longest]
  const pos = where(inBag, starts.unsqueeze(1).add(j), 0).reshape([-1]);
  if (longest === 0 || rows.shape[0] === 0) return rows.indexSelect(0, pos).view([starts.shape[0], longest, d]).sum(1);
  const valid = inBag.logicalAnd(keep.indexSelect(0, pos).view(inBag.shape));
  const laid = rows.indexSelect(0, pos).view([starts.shape[0], longest, d]);
  const [best] = laid.maskedFill(valid.logicalNot().unsqueeze(2), -Infinity).max(1) as Tensor[];
  return where(valid.any(1).unsqueeze(1), best, 0) as Tensor;
}

/**
 * embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
 * mode='mean', sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None).
 */
export const embeddingBag = functional<Fn>('embedding_bag',
  'Tensor input, Tensor weight, Tensor? offsets=None, float? max_norm=None, float norm_type=2, bool scale_grad_by_freq=False, ' +
  "str mode='mean', bool sparse=False, Tensor? per_sample_weights=None, bool include_last_offset=False, int? padding_idx=None",
  (input: Tensor, weight: Tensor, offsets: Tensor | null, maxNorm: number | null, normType: number, byFreq: boolean, mode: string,
    sparse: boolean, psw: Tensor | null, includeLast: boolean, paddingIdx: number | null) => {
    if (weight.dtype === int64 && input.dtype.isFloatingPoint) {
      console.warn(
        'UserWarning: Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, input, ...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.',
      );
      [weight, input] = [input, weight];
    }
    if (psw !== null && (psw.ndim !== input.ndim || psw.shape.some((s, i) => s !== input.shape[i]))) {
      throw new ValueError(
        `embedding_bag: If per_sample_weights (${sizeOf(psw)}) is not None, then it must have the same shape as the input (${sizeOf(input)})`,
      );
    }
    if (input.ndim === 2) {
      if (offsets !== null) {
        throw new ValueError(
          "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>",
        );
      }
      offsets = arange(0, input.numel(), input.shape[1], { dtype: input.dtype }) as Tensor;
      input = input.reshape([-1]);
      if (psw !== null) psw = psw.reshape([-1]);
    } else if (input.ndim === 1) {
      if (offsets === null) throw new ValueError('offsets has to be a 1D Tensor but got None');
      if (offsets.ndim !== 1) throw new ValueError('offsets has to be a 1D Tensor');
    } else {
      throw new ValueError(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.ndim}`);
    }
    if (!['sum', 'mean', 'max'].includes(mode)) throw new ValueError('mode has to be one of sum, mean or max');
    if (mode === 'max' && byFreq) throw new ValueError('max mode does not support scaling the gradient by the frequency');
    if (mode === 'max' && sparse) throw new ValueError('max mode does not support sparse weights');
    if (psw !== null && mode !== 'sum') {
      throw new NotImplementedError(
        `embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}'). Please open a feature request on GitHub.`,
      );
    }
    if (sparse) throw new RuntimeError('embedding_bag(): sparse gradients are not supported by this runtime (use sparse=False)');
    checkDtypes(input, offsets, weight, psw);
    const numWeights = weight.shape[0];
    let pad = -1;
    if (paddingIdx !== null) {
      if (paddingIdx < -numWeights || paddingIdx >= numWeights) {
        throw new RuntimeError(
          `padding_idx must be within the number of embeddings, -${numWeights} through ${numWeights - 1}, but got ${paddingIdx}`,
        );
      }
      pad = paddingIdx < 0 ? paddingIdx + numWeights : paddingIdx;
    }
    checkBags(input, offsets, numWeights);

    const offs = offsets.to(int64);
    const bags = includeLast ? Math.max(offs.numel() - 1, 0) : offs.numel();
    const starts = offs.narrow(0, 0, bags);
    // with include_last_offset the last offset ends the last bag (CSR): later indices belong to none
    const end = includeLast ? (bags > 0 ? Number(offs.get(bags)) : 0) : bags > 0 ? input.shape[0] : 0;
    const ends = bags === 0 ? starts : cat([starts.narrow(0, 1, bags - 1), tensor([end], { dtype: int64 })]);
    // every index is looked up (and renormalised with max_norm), as PyTorch does
    const all = embedding(input, weight, { paddingIdx: pad >= 0 ? pad : null, maxNorm, normType, scaleGradByFreq: byFreq }) as Tensor;
    const rows = all.narrow(0, 0, end);
    const idx = input.narrow(0, 0, end);
    const w = psw === null ? null : psw.narrow(0, 0, end);
    const keep = pad >= 0 ? idx.ne(pad) : idx.ge(0);
    if (mode === 'max') return reduceMax(rows, keep, starts, ends);
    return reduceSumMean(rows, keep, starts, w, bags, mode === 'mean');
  });
