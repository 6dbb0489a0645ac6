// Driver of crate/src/abi/random.rs: generators (MT19937 state in wasm memory) and the
// random kernels. PyTorch fills a tensor one element at a time in the order its
// TensorIterator visits memory, so a non-contiguous tensor (say a transpose) gets the
// stream in memory order, not in index order: the descriptor passed to the crate
// lists the dims in that order.

import { K, scratch } from '../wasm/heap.js';
import { Tensor } from '../tensor/tensor.js';
import { float32, float64 } from '../tensor/dtype.js';
import { RuntimeError, broadcastStrides } from '../tensor/shape.js';
import { contiguousCopy } from '../tensor/copy.js';
import { writeDesc } from './scratch.js';
import { checkStatus, STATUS } from './status.js';

/** What the kernels need of a torch.Generator: its state's address. */
export interface RngHandle {
  readonly _ptr: number;
}

// ---- generators ----------------------------------------------------------------------

/** A new generator state seeded with `seed`; returns its address. */
export const rngNew = (seed: bigint): number => K.rng_new(seed);
export const rngFree = (ptr: number): void => K.rng_free(ptr);
export const rngManualSeed = (ptr: number, seed: bigint): void => K.rng_manual_seed(ptr, seed);
export const rngInitialSeed = (ptr: number): bigint => BigInt.asUintN(64, K.rng_initial_seed(ptr));

/** The state as a new uint8 tensor (PyTorch's layout, 5056 bytes). */
export function rngGetState(ptr: number, dtype: Tensor['dtype']): Tensor {
  const t = Tensor._empty([K.rng_state_bytes()], dtype);
  K.rng_get_state(ptr, t._ptr);
  return t;
}

/** Restores a state from the bytes of contiguous uint8 t. */
export function rngSetState(ptr: number, t: Tensor): void {
  const n = t.numel();
  const status = K.rng_set_state(ptr, n === 0 ? 0 : t._ptr, n);
  if (status === STATUS.ERR_RNG_STATE_SIZE) {
    throw new RuntimeError(
      `Expected either a CPUGeneratorImplStateLegacy of size 5048 or a CPUGeneratorImplState of size 5056 but found the input RNG state size to be ${n}`,
    );
  }
  if (status === STATUS.ERR_RNG_STATE_INVALID) throw new RuntimeError('Invalid mt19937 state');
}

// ---- random kernels ------------------------------------------------------------------

/**
 * Dims in TensorIterator's visiting order, outermost first: an insertion sort by
 * stride (the first operand with unequal, nonzero strides decides; equal strides put
 * the smaller size inside), starting from the reversed dims.
 */
export function iterationOrder(shape: readonly number[], strides: readonly (readonly number[])[]): number[] {
  const nd = shape.length;
  const perm = Array.from({ length: nd }, (_, i) => nd - 1 - i); // innermost first
  const shouldSwap = (d0: number, d1: number): number => {
    for (const st of strides) {
      const [s0, s1] = [st[d0], st[d1]];
      if (s0 === 0 || s1 === 0) continue;
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      if (shape[d0] > shape[d1]) return 1;
    }
    return 0;
  };
  for (let i = 1; i < nd; i++) {
    let d1 = i;
    for (let d0 = i - 1; d0 >= 0; d0--) {
      const c = shouldSwap(perm[d0], perm[d1]);
      if (c > 0) {
        [perm[d0], perm[d1]] = [perm[d1], perm[d0]];
        d1 = d0;
      } else if (c < 0) {
        break;
      }
    }
  }
  return perm.reverse();
}

const overlapMessage =
  'unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.';

/** Refuses outputs whose elements share memory (expanded dims), as TensorIterator does. */
export function checkNoInternalOverlap(t: Tensor): void {
  for (let d = 0; d < t.ndim; d++) if (t._shape[d] > 1 && t._strides[d] === 0) throw new RuntimeError(overlapMessage);
}

/** Writes the descriptor of `out` (and operands broadcast to it) in visiting order. */
function orderedDesc(out: Tensor, inputs: Tensor[] = []): number {
  const strides = [out._strides, ...inputs.map((x) => broadcastStrides(x._shape, x._strides, out._shape))];
  const order = iterationOrder(out._shape, strides);
  return writeDesc(order.map((d) => out._shape[d]), strides.map((st) => order.map((d) => st[d])));
}

/** Fills `t` with uniform values in [from, to). */
export function uniformInto(g: RngHandle, t: Tensor, from: number, to: number): void {
  if (t.numel() === 0) return;
  checkNoInternalOverlap(t);
  const gp = g._ptr;
  const nd = orderedDesc(t);
  checkStatus(K.rng_uniform(gp, t.dtype.code, nd, scratch, t._ptr, from, to), 'uniform_');
}

/**
 * Fills `t` with normal values: the 16-wide block path for contiguous tensors of at
 * least 16 elements, else element by element with the cached Box-Muller sample.
 */
export function normalInto(g: RngHandle, t: Tensor, mean: number, std: number): void {
  const n = t.numel();
  const block = n >= 16 && t.isContiguous();
  if (!block) checkNoInternalOverlap(t);
  if (n === 0) return;
  const gp = g._ptr;
  const nd = block ? writeDesc([n], [[1]]) : orderedDesc(t);
  checkStatus(K.rng_normal(gp, t.dtype.code, block ? 1 : 0, nd, scratch, t._ptr, mean, std), 'normal_');
}

/** random_(from, to): values base + (draw % range); range as an unsigned 64-bit count. */
export function randomRangeInto(g: RngHandle, t: Tensor, range: bigint, base: bigint): void {
  if (t.numel() === 0) return;
  checkNoInternalOverlap(t);
  const gp = g._ptr;
  const nd = orderedDesc(t);
  checkStatus(K.rng_random_from_to(gp, t.dtype.code, nd, scratch, t._ptr, BigInt.asIntN(64, range), BigInt.asIntN(64, base)), 'random_');
}

/** random_(int64 min, None): the full 64-bit range. */
export function randomFullInto(g: RngHandle, t: Tensor): void {
  if (t.numel() === 0) return;
  checkNoInternalOverlap(t);
  const gp = g._ptr;
  const nd = orderedDesc(t);
  checkStatus(K.rng_random_full(gp, t.dtype.code, nd, scratch, t._ptr), 'random_');
}

/** random_() without bounds. */
export function randomBitsInto(g: RngHandle, t: Tensor): void {
  if (t.numel() === 0) return;
  checkNoInternalOverlap(t);
  const gp = g._ptr;
  const nd = orderedDesc(t);
  checkStatus(K.rng_random_bits(gp, t.dtype.code, nd, scratch, t._ptr), 'random_');
}

/** Kernel codes of rng_transform. */
export const TRANSFORM = { EXPONENTIAL: 0, CAUCHY: 1, LOG_NORMAL: 2, GEOMETRIC: 3, BERNOULLI: 4 } as const;

/** The one-uniform transforms: exponential, cauchy, log-normal, geometric, bernoulli(p). */
export function transformInto(g: RngHandle, kind: number, t: Tensor, a: number, b = 0, name = 'random'): void {
  if (t.numel() === 0) return;
  checkNoInternalOverlap(t);
  const gp = g._ptr;
  const nd = orderedDesc(t);
  checkStatus(K.rng_transform(gp, kind, t.dtype.code, nd, scratch, t._ptr, a, b), name);
}

/** bernoulli_(p tensor): p broadcasts to t; half-precision p is read as float32 (exact). */
export function bernoulliTensorInto(g: RngHandle, t: Tensor, p: Tensor): void {
  if (t.numel() === 0) return;
  checkNoInternalOverlap(t);
  const pp: Tensor = p.dtype === float32 || p.dtype === float64 ? p : contiguousCopy(p, float32);
  try {
    const gp = g._ptr;
    const nd = orderedDesc(t, [pp]);
    const status = K.rng_bernoulli_tensor(gp, t.dtype.code, pp.dtype.code, nd, scratch, t._ptr, pp._ptr);
    if (status === STATUS.ERR_PROB_OUT_OF_RANGE) {
      throw new RuntimeError(
        'Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)',
      );
    }
    checkStatus(status, 'bernoulli_');
  } finally {
    if (pp !== p) pp.dispose();
  }
}

/** randperm into a 1-D tensor of n elements. */
export function randpermInto(g: RngHandle, t: Tensor, n: number): void {
  const gp = g._ptr;
  checkStatus(K.rng_randperm(gp, t.dtype.code, t._ptr, n > 0 ? t._strides[0] : 1, BigInt(n)), 'randperm');
}

const MULTINOMIAL_ERRORS: Record<number, string> = {
  [STATUS.ERR_PROB_NOT_FINITE_OR_NEGATIVE]: 'probability tensor contains either `inf`, `nan` or element < 0',
  [STATUS.ERR_PROB_SUM_NOT_POSITIVE]: 'invalid multinomial distribution (sum of probabilities <= 0)',
  [STATUS.ERR_PROB_ENTRY_NEGATIVE]: 'invalid multinomial distribution (encountering probability entry < 0)',
  [STATUS.ERR_PROB_ENTRY_NOT_FINITE]: 'invalid multinomial distribution (encountering probability entry = infinity or NaN)',
};

/**
 * multinomial over a [rows, cols] view `probs` (float32/float64) into a contiguous
 * int64 `out` of [rows, nSample]. mode 0: with replacement; 1/2: p/q top-k with q
 * drawn in row-major / column-major order.
 */
export function multinomialInto(g: RngHandle, probs: Tensor, rows: number, cols: number, s0: number, s1: number, nSample: number, mode: number, out: Tensor): void {
  const gp = g._ptr;
  const status = K.rng_multinomial(gp, probs.dtype.code, mode, probs._ptr, rows, cols, s0, s1, nSample, out._ptr);
  if (status in MULTINOMIAL_ERRORS) throw new RuntimeError(MULTINOMIAL_ERRORS[status]);
  checkStatus(status, 'multinomial');
}
