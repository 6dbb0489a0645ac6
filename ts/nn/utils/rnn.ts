// torch.nn.utils.rnn: variable-length sequences for the recurrent modules.
// PackedSequence holds the time steps of a batch one after another, each with the rows
// of the sequences still running (batch_sizes[t], non-increasing), sorted longest
// first (sorted_indices / unsorted_indices map to and from the caller's order).
//
// Packing and padding move whole rows: one index_select over the rows (the row list
// is computed from the lengths, not from the data), so both are differentiable.

import { Tensor } from '../../tensor/tensor.js';
import { int64, type DType } from '../../tensor/dtype.js';
import { IndexError, RuntimeError, ValueError, broadcastShapes, shapeEquals } from '../../tensor/shape.js';
import { arange, cat, emptyLike, full, sort, tensor } from '../../ops/all.js';

/** A batch of sequences packed time step by time step (PyTorch's PackedSequence namedtuple). */
export class PackedSequence {
  readonly data: Tensor;
  readonly batchSizes: Tensor;
  readonly sortedIndices: Tensor | null;
  readonly unsortedIndices: Tensor | null;

  /**
   * Made by packPaddedSequence / packSequence rather than by hand. `unsortedIndices`
   * defaults to the inverse of `sortedIndices`; `new PackedSequence([data, batchSizes])`
   * is accepted too.
   */
  constructor(data: Tensor | [Tensor, Tensor], batchSizes: Tensor | null = null, sortedIndices: Tensor | null = null,
    unsortedIndices: Tensor | null = null) {
    if (batchSizes === null || batchSizes === undefined) {
      if (!Array.isArray(data) || data.length !== 2) throw new TypeError('PackedSequence(): expected (data, batch_sizes) or a [data, batch_sizes] pair');
      [data, batchSizes] = data;
    }
    this.data = data as Tensor;
    this.batchSizes = batchSizes;
    this.sortedIndices = sortedIndices ?? null;
    this.unsortedIndices = unsortedIndices ?? invertPermutation(this.sortedIndices);
  }

  /** The namedtuple's fields in order: `const [data, batchSizes] = packed`. */
  *[Symbol.iterator](): IterableIterator<Tensor | null> {
    yield this.data;
    yield this.batchSizes;
    yield this.sortedIndices;
    yield this.unsortedIndices;
  }

  /** A PackedSequence whose data went through Tensor.to(...args); batch_sizes stay as they are. */
  to(...args: unknown[]): PackedSequence {
    const data = (this.data.to as (...a: unknown[]) => Tensor)(...args);
    if (data === this.data) return this;
    return new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }
  cpu(): PackedSequence {
    return this;
  }
  double(): PackedSequence {
    return this.to('float64');
  }
  float(): PackedSequence {
    return this.to('float32');
  }
  half(): PackedSequence {
    return this.to('float16');
  }
  long(): PackedSequence {
    return this.to('int64');
  }
  int(): PackedSequence {
    return this.to('int32');
  }
  short(): PackedSequence {
    return this.to('int16');
  }
  char(): PackedSequence {
    return this.to('int8');
  }
  byte(): PackedSequence {
    return this.to('uint8');
  }
  get isCuda(): boolean {
    return false;
  }
  isPinned(): boolean {
    return false;
  }

  toString(): string {
    const r = (t: Tensor | null): string => (t === null ? 'None' : String(t));
    return `PackedSequence(data=${r(this.data)}, batch_sizes=${r(this.batchSizes)}, sorted_indices=${r(this.sortedIndices)}, unsorted_indices=${r(this.unsortedIndices)})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** The inverse permutation (null for null). */
export function invertPermutation(permutation: Tensor | null): Tensor | null {
  if (permutation === null || permutation === undefined) return null;
  return (emptyLike(permutation) as Tensor).scatter_(0, permutation, arange(permutation.numel())) as Tensor;
}

/** Python's type(x) as PyTorch's messages print it. */
function pyType(x: unknown): string {
  if (typeof x === 'number') return Number.isInteger(x) ? "<class 'int'>" : "<class 'float'>";
  if (typeof x === 'boolean') return "<class 'bool'>";
  if (x === null || x === undefined) return "<class 'NoneType'>";
  return `<class '${(x as object).constructor?.name ?? typeof x}'>`;
}

/** Sizes of dim 0 (PyTorch's size(0), with its error for 0-d tensors). */
function len0(t: Tensor): number {
  if (t.ndim === 0) throw new IndexError('Dimension specified as 0 but tensor has no dimensions');
  return t.shape[0];
}

/**
 * Rows of `source` ([rows, *]) picked by `index` (rows.length values, -1 for a padding
 * row of `paddingValue`), as one differentiable index_select.
 */
function gatherRows(source: Tensor, index: number[], paddingValue: number | null): Tensor {
  const rows = source.shape[0];
  let src = source;
  if (paddingValue !== null) {
    src = cat([source, full([1, ...source.shape.slice(1)], paddingValue, { dtype: source.dtype })], 0) as Tensor;
  }
  const idx = tensor(index.map((i) => (i < 0 ? rows : i)), { dtype: int64 }) as Tensor;
  return src.indexSelect(0, idx) as Tensor;
}

/**
 * Pads a list of variable-length tensors ([L_i, *]) to one tensor [T, B, *] (or
 * [B, T, *] with batchFirst), T the longest length, filled with paddingValue; the
 * result has the first sequence's dtype.
 *
 * @example
 * nn.utils.rnn.padSequence([torch.ones(25, 300), torch.ones(22, 300), torch.ones(15, 300)]).shape; // [25, 3, 300]
 */
export function padSequence(sequences: Tensor[] | Tensor, options: { batchFirst?: boolean; paddingValue?: number } = {}): Tensor {
  const batchFirst = options.batchFirst ?? false;
  const paddingValue = options.paddingValue ?? 0;
  let seqs: Tensor[];
  if (sequences instanceof Tensor) seqs = sequences.unbind(0) as Tensor[];
  else if (sequences !== null && typeof sequences === 'object' && Symbol.iterator in sequences) seqs = [...sequences];
  else throw new RuntimeError(`pad_sequence: Expected iterable for input sequences, but got arg of type: ${pyType(sequences)}`);
  if (seqs.length === 0) throw new RuntimeError('received an empty list of sequences');
  const first = seqs[0];
  const dtype: DType = first.dtype;
  const trailing = first.shape.slice(1);
  const lengths = seqs.map(len0);
  const maxLen = Math.max(...lengths);
  // each sequence broadcast to [L_i, *trailing] in the first one's dtype, as copy_ takes it
  const parts = seqs.map((s, i) => {
    const dest = [lengths[i], ...trailing];
    if (!shapeEquals(broadcastShapes(dest, s.shape), dest)) {
      throw new RuntimeError(`output with shape [${dest.join(', ')}] doesn't match the broadcast shape [${broadcastShapes(dest, s.shape).join(', ')}]`);
    }
    const e = shapeEquals(s.shape, dest) ? s : (s.expand(dest) as Tensor);
    return (e.dtype === dtype ? e : e.to(dtype)).reshape([lengths[i], -1]) as Tensor;
  });
  const starts: number[] = [];
  let acc = 0;
  for (const l of lengths) {
    starts.push(acc);
    acc += l;
  }
  const index: number[] = [];
  const b = seqs.length;
  for (let outer = 0; outer < (batchFirst ? b : maxLen); outer++) {
    for (let inner = 0; inner < (batchFirst ? maxLen : b); inner++) {
      const [t, i] = batchFirst ? [inner, outer] : [outer, inner];
      index.push(t < lengths[i] ? starts[i] + t : -1);
    }
  }
  const flat = cat(parts, 0) as Tensor;
  const out = gatherRows(flat, index, paddingValue);
  return out.view(batchFirst ? [b, maxLen, ...trailing] : [maxLen, b, ...trailing]) as Tensor;
}

/**
 * Packs a padded batch ([T, B, *], or [B, T, *] with batchFirst) of sequences with the
 * given lengths. With enforceSorted (the default) lengths must not increase; otherwise
 * the batch is sorted here and the permutation kept in the result.
 */
export function packPaddedSequence(input: Tensor, lengths: Tensor | number[],
  options: { batchFirst?: boolean; enforceSorted?: boolean } = {}): PackedSequence {
  const batchFirst = options.batchFirst ?? false;
  const enforceSorted = options.enforceSorted ?? true;
  let lens = (lengths instanceof Tensor ? lengths.to(int64) : tensor(lengths, { dtype: int64 })) as Tensor;
  let sortedIndices: Tensor | null = null;
  if (!enforceSorted) {
    const s = sort(lens, { descending: true }) as unknown as { values: Tensor; indices: Tensor };
    [lens, sortedIndices] = [s.values, s.indices];
    input = input.indexSelect(batchFirst ? 0 : 1, sortedIndices) as Tensor;
  }
  const [data, batchSizes] = packPadded(input, lens, batchFirst);
  return new PackedSequence(data, batchSizes, sortedIndices, null);
}

/** PyTorch's _pack_padded_sequence: [data, batch_sizes]. */
function packPadded(input: Tensor, lengths: Tensor, batchFirst: boolean): [Tensor, Tensor] {
  if (input.numel() === 0) throw new RuntimeError('Cannot pack empty tensors.');
  const x = batchFirst ? (input.transpose(0, 1) as Tensor) : input;
  if (lengths.ndim !== 1) {
    throw new RuntimeError(`'lengths' argument should be a 1D CPU int64 tensor, but got ${lengths.ndim}D cpu ${lengths.dtype.scalarName} tensor`);
  }
  const batch = x.size(1) as number;
  const steps = x.shape[0];
  const lens = lengths.tolist() as number[];
  if (lens.length !== batch) throw new RuntimeError(`Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${batch})`);
  if (!(lens[batch - 1] > 0)) {
    throw new RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  }
  for (let i = 0; i < batch - 1; i++) {
    if (lens[i + 1] > lens[i]) {
      throw new RuntimeError(
        '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.',
      );
    }
  }
  const sizes: number[] = [];
  for (let t = 0; t < lens[0]; t++) sizes.push(lens.filter((l) => l > t).length);
  // rows of steps past the input's length are absent from data, as PyTorch's slices clamp them
  const index: number[] = [];
  const [rowOfT, rowOfB] = batchFirst ? [1, steps] : [batch, 1];
  sizes.forEach((bs, t) => {
    if (t < steps) for (let b = 0; b < bs; b++) index.push(t * rowOfT + b * rowOfB);
  });
  const rows = input.reshape([-1, ...input.shape.slice(2)]) as Tensor;
  return [gatherRows(rows, index, null), tensor(sizes, { dtype: int64 }) as Tensor];
}

/**
 * Pads a PackedSequence back to a tensor: [output [T, B, *] (or [B, T, *]), lengths]
 * in the batch order the sequence was packed from; totalLength pads T further.
 */
export function padPackedSequence(sequence: PackedSequence,
  options: { batchFirst?: boolean; paddingValue?: number; totalLength?: number | null } = {}): [Tensor, Tensor] {
  const batchFirst = options.batchFirst ?? false;
  const paddingValue = options.paddingValue ?? 0;
  const bsT = sequence.batchSizes;
  let maxSeqLength = bsT.ndim === 0 ? 0 : bsT.shape[0];
  const totalLength = options.totalLength ?? null;
  if (totalLength !== null) {
    if (totalLength < maxSeqLength) {
      throw new ValueError(
        `Expected total_length to be at least the length of the longest sequence in input, but got total_length=${totalLength} and max sequence length being ${maxSeqLength}`,
      );
    }
    maxSeqLength = totalLength;
  }
  if (bsT.ndim !== 1 || bsT.dtype !== int64) {
    throw new RuntimeError(`'lengths' argument should be a 1D CPU int64 tensor, but got ${bsT.ndim}D cpu ${bsT.dtype.scalarName} tensor`);
  }
  const sizes = bsT.tolist() as number[];
  const batch = sizes[0] ?? 0;
  const index: number[] = [];
  let offset = 0;
  for (let t = 0; t < maxSeqLength; t++) {
    const bs = sizes[t] ?? 0;
    for (let b = 0; b < batch; b++) index.push(b < bs ? offset + b : -1);
    offset += bs;
  }
  const data = sequence.data;
  const trailing = data.shape.slice(1);
  let padded = gatherRows(data, index, paddingValue).view([maxSeqLength, batch, ...trailing]) as Tensor;
  if (batchFirst) padded = padded.transpose(0, 1) as Tensor;
  let lengths = tensor(Array.from({ length: batch }, (_, b) => sizes.filter((s) => s > b).length), { dtype: int64 }) as Tensor;
  const unsorted = sequence.unsortedIndices;
  if (unsorted !== null) {
    padded = padded.indexSelect(batchFirst ? 0 : 1, unsorted) as Tensor;
    lengths = lengths.indexSelect(0, unsorted) as Tensor;
  }
  return [padded, lengths];
}

/** Packs a list of variable-length tensors ([L_i, *]): padSequence then packPaddedSequence. */
export function packSequence(sequences: Tensor[], options: { enforceSorted?: boolean } = {}): PackedSequence {
  const lengths = sequences.map(len0);
  return packPaddedSequence(padSequence(sequences), lengths, { enforceSorted: options.enforceSorted ?? true });
}

/**
 * The sequences of a padded batch, each cut to its length. Like PyTorch, a batch that
 * is not batchFirst is transposed in place first.
 */
export function unpadSequence(paddedSequences: Tensor, lengths: Tensor | number[], options: { batchFirst?: boolean } = {}): Tensor[] {
  if (!(options.batchFirst ?? false)) paddedSequences.transpose_(0, 1);
  const maxLength = paddedSequences.shape[1];
  const idx = arange(maxLength) as Tensor;
  const lens = lengths instanceof Tensor ? (lengths.tolist() as number[]) : lengths;
  return (paddedSequences.unbind(0) as Tensor[]).slice(0, lens.length).map((seq, i) => seq.index(idx.lt(lens[i])) as Tensor);
}

/** The sequences of a PackedSequence, each as long as it is. */
export function unpackSequence(packedSequences: PackedSequence): Tensor[] {
  const [padded, lengths] = padPackedSequence(packedSequences, { batchFirst: true });
  return unpadSequence(padded, lengths, { batchFirst: true });
}
