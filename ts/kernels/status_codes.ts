// Generated from crate/src/status.rs by scripts/gen_status.mjs: edit the Rust file and
// rerun the script. The status codes the crate's kernels return.

export const STATUS = {
  /** Done. */
  OK: 0,
  /** Integer division or remainder by zero. */
  ERR_ZERO_DIVISION: 1,
  /** An op code or dtype the kernel does not implement. */
  ERR_BAD_OP: 2,
  /** An index outside its dim; nothing was written, the value is in last_bad_index. */
  ERR_INDEX: 3,
  /** Sizes that do not add up (repeat_interleave's counts against the output length). */
  ERR_SIZE: 4,
  /** A singular or not positive-definite matrix; its batch index and LAPACK-style info are in linalg_error_batch / linalg_error_info. */
  ERR_LINALG: 5,
  /** multinomial: a probability that is infinite, NaN or negative. */
  ERR_PROB_NOT_FINITE_OR_NEGATIVE: 10,
  /** multinomial: a row whose probabilities sum to zero or less. */
  ERR_PROB_SUM_NOT_POSITIVE: 11,
  /** multinomial (with replacement): a negative probability. */
  ERR_PROB_ENTRY_NEGATIVE: 12,
  /** multinomial (with replacement): an infinite or NaN probability. */
  ERR_PROB_ENTRY_NOT_FINITE: 13,
  /** bernoulli: a probability outside [0, 1] (or NaN). */
  ERR_PROB_OUT_OF_RANGE: 14,
  /** set_rng_state: a state of neither PyTorch's size nor its legacy size. */
  ERR_RNG_STATE_SIZE: 20,
  /** set_rng_state: an mt19937 state that is not valid. */
  ERR_RNG_STATE_INVALID: 21,
} as const;
