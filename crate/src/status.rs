//! Status codes: what an exported kernel returns when it cannot do its work. This is
//! the one list, each code with one meaning. ts/kernels/status_codes.ts is generated
//! from it (scripts/gen_status.mjs; test/unit/status.test.ts fails when it is stale),
//! and ts/kernels/ turns each code into PyTorch's error.

/// Done.
pub const OK: i32 = 0;
/// Integer division or remainder by zero.
pub const ERR_ZERO_DIVISION: i32 = 1;
/// An op code or dtype the kernel does not implement.
pub const ERR_BAD_OP: i32 = 2;
/// An index outside its dim; nothing was written, the value is in `last_bad_index`.
pub const ERR_INDEX: i32 = 3;
/// Sizes that do not add up (repeat_interleave's counts against the output length).
pub const ERR_SIZE: i32 = 4;
/// A singular or not positive-definite matrix; its batch index and LAPACK-style info
/// are in `linalg_error_batch` / `linalg_error_info`.
pub const ERR_LINALG: i32 = 5;
/// multinomial: a probability that is infinite, NaN or negative.
pub const ERR_PROB_NOT_FINITE_OR_NEGATIVE: i32 = 10;
/// multinomial: a row whose probabilities sum to zero or less.
pub const ERR_PROB_SUM_NOT_POSITIVE: i32 = 11;
/// multinomial (with replacement): a negative probability.
pub const ERR_PROB_ENTRY_NEGATIVE: i32 = 12;
/// multinomial (with replacement): an infinite or NaN probability.
pub const ERR_PROB_ENTRY_NOT_FINITE: i32 = 13;
/// bernoulli: a probability outside [0, 1] (or NaN).
pub const ERR_PROB_OUT_OF_RANGE: i32 = 14;
/// set_rng_state: a state of neither PyTorch's size nor its legacy size.
pub const ERR_RNG_STATE_SIZE: i32 = 20;
/// set_rng_state: an mt19937 state that is not valid.
pub const ERR_RNG_STATE_INVALID: i32 = 21;
