//! Random number generation. A generator lives in linear memory, made by rng_new and
//! owned (and freed) by a ts/ Generator; every kernel takes its address `g`.
//! Distribution kernels take a one-operand descriptor already in PyTorch's visiting
//! order. Extra statuses: 10..13 multinomial input errors, 12 bernoulli p outside
//! [0, 1], 20 wrong state size, 21 invalid state.

use crate::status::*;
use crate::dtype::{F32, F64};
use crate::kernels::rng::{Generator, StateError, STATE_BYTES};
use crate::kernels::rng_dist as dist;
use crate::kernels::rng_sample::{self as sample, Probs};
use crate::strided::Desc;
use crate::with_dtype;

unsafe fn gen<'a>(g: usize) -> &'a mut Generator {
    &mut *(g as *mut Generator)
}

#[no_mangle]
pub extern "C" fn rng_new(seed: u64) -> usize {
    Box::into_raw(Box::new(Generator::new(seed))) as usize
}

/// # Safety
/// `g` came from rng_new and is freed once.
#[no_mangle]
pub unsafe extern "C" fn rng_free(g: usize) {
    if g != 0 {
        drop(Box::from_raw(g as *mut Generator));
    }
}

/// # Safety
/// `g` is a live generator.
#[no_mangle]
pub unsafe extern "C" fn rng_manual_seed(g: usize, seed: u64) {
    gen(g).manual_seed(seed);
}

/// # Safety
/// `g` is a live generator.
#[no_mangle]
pub unsafe extern "C" fn rng_initial_seed(g: usize) -> u64 {
    gen(g).initial_seed()
}

/// # Safety
/// `g` is a live generator.
#[no_mangle]
pub unsafe extern "C" fn rng_random(g: usize) -> u32 {
    gen(g).random()
}

/// # Safety
/// `g` is a live generator.
#[no_mangle]
pub unsafe extern "C" fn rng_random64(g: usize) -> u64 {
    gen(g).random64()
}

#[no_mangle]
pub extern "C" fn rng_state_bytes() -> usize {
    STATE_BYTES
}

/// Writes STATE_BYTES bytes at `out`.
///
/// # Safety
/// `g` is a live generator; `out` has STATE_BYTES writable bytes.
#[no_mangle]
pub unsafe extern "C" fn rng_get_state(g: usize, out: usize) {
    gen(g).get_state(&mut *(out as *mut [u8; STATE_BYTES]));
}

/// # Safety
/// `g` is a live generator; `src` has `n` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn rng_set_state(g: usize, src: usize, n: usize) -> i32 {
    match gen(g).set_state(core::slice::from_raw_parts(src as *const u8, n)) {
        Ok(()) => OK,
        Err(StateError::Size) => ERR_RNG_STATE_SIZE,
        Err(StateError::Invalid) => ERR_RNG_STATE_INVALID,
    }
}

size_optimized! {
    /// # Safety
    /// See abi/mod.rs; `g` is a live generator.
    #[no_mangle]
    pub unsafe extern "C" fn rng_uniform(g: usize, dt: u32, nd: usize, desc: *const i32, p: usize, from: f64, to: f64) -> i32 {
        let d = Desc::<1>::from_raw(nd, desc);
        with_dtype!(dt, T => dist::uniform::<T>(gen(g), &d, p as _, from, to), _ => ERR_BAD_OP)
    }
}

size_optimized! {
    /// normal_: `block` != 0 takes the contiguous 16-wide path over the descriptor's numel.
    ///
    /// # Safety
    /// See abi/mod.rs; `g` is a live generator.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn rng_normal(g: usize, dt: u32, block: u32, nd: usize, desc: *const i32, p: usize, mean: f64, std: f64) -> i32 {
        let d = Desc::<1>::from_raw(nd, desc);
        if block != 0 {
            let n = d.numel();
            if n < 16 {
                return 2;
            }
            with_dtype!(dt, T => dist::normal_block::<T>(gen(g), p as _, n, mean, std), _ => ERR_BAD_OP)
        } else {
            with_dtype!(dt, T => dist::normal_strided::<T>(gen(g), &d, p as _, mean, std), _ => ERR_BAD_OP)
        }
    }
}

size_optimized! {
    /// random_(from, to) with range = to - from (as unsigned), base = from.
    ///
    /// # Safety
    /// See abi/mod.rs; `g` is a live generator.
    #[no_mangle]
    pub unsafe extern "C" fn rng_random_from_to(g: usize, dt: u32, nd: usize, desc: *const i32, p: usize, range: u64, base: i64) -> i32 {
        let d = Desc::<1>::from_raw(nd, desc);
        with_dtype!(dt, T => dist::random_from_to::<T>(gen(g), &d, p as _, range, base), _ => ERR_BAD_OP)
    }
}

size_optimized! {
    /// random_(int64 min, None).
    ///
    /// # Safety
    /// See abi/mod.rs; `g` is a live generator.
    #[no_mangle]
    pub unsafe extern "C" fn rng_random_full(g: usize, dt: u32, nd: usize, desc: *const i32, p: usize) -> i32 {
        let d = Desc::<1>::from_raw(nd, desc);
        with_dtype!(dt, T => dist::random_full_range::<T>(gen(g), &d, p as _), _ => ERR_BAD_OP)
    }
}

size_optimized! {
    /// random_() without bounds.
    ///
    /// # Safety
    /// See abi/mod.rs; `g` is a live generator.
    #[no_mangle]
    pub unsafe extern "C" fn rng_random_bits(g: usize, dt: u32, nd: usize, desc: *const i32, p: usize) -> i32 {
        let d = Desc::<1>::from_raw(nd, desc);
        with_dtype!(dt, T => dist::random_bits::<T>(gen(g), &d, p as _), _ => ERR_BAD_OP)
    }
}

size_optimized! {
    /// Transforms of one double uniform (or normal): 0 exponential(a), 1 cauchy(a, b),
    /// 2 log_normal(a, b), 3 geometric(a), 4 bernoulli(a).
    ///
    /// # Safety
    /// See abi/mod.rs; `g` is a live generator.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn rng_transform(g: usize, kind: u32, dt: u32, nd: usize, desc: *const i32, p: usize, a: f64, b: f64) -> i32 {
        let d = Desc::<1>::from_raw(nd, desc);
        let g = gen(g);
        with_dtype!(dt, T => match kind {
            0 => dist::exponential::<T>(g, &d, p as _, a),
            1 => dist::cauchy::<T>(g, &d, p as _, a, b),
            2 => dist::log_normal::<T>(g, &d, p as _, a, b),
            3 => dist::geometric::<T>(g, &d, p as _, a),
            4 => dist::bernoulli_scalar::<T>(g, &d, p as _, a),
            _ => ERR_BAD_OP,
        }, _ => ERR_BAD_OP)
    }
}

size_optimized! {
    /// bernoulli_(p) with p a float32/float64 tensor; operands out, p.
    ///
    /// # Safety
    /// See abi/mod.rs; `g` is a live generator.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn rng_bernoulli_tensor(g: usize, dt: u32, dtp: u32, nd: usize, desc: *const i32, o: usize, p: usize) -> i32 {
        let d = Desc::<2>::from_raw(nd, desc);
        let g = gen(g);
        with_dtype!(dt, T => match dtp {
            F32 => dist::bernoulli_tensor::<T, f32>(g, &d, o as _, p as _),
            F64 => dist::bernoulli_tensor::<T, f64>(g, &d, o as _, p as _),
            _ => ERR_BAD_OP,
        }, _ => ERR_BAD_OP)
    }
}

size_optimized! {
    /// randperm(n) into `p` with element stride `stride`.
    ///
    /// # Safety
    /// `g` is a live generator; `p` covers n elements at `stride`.
    #[no_mangle]
    pub unsafe extern "C" fn rng_randperm(g: usize, dt: u32, p: usize, stride: isize, n: i64) -> i32 {
        with_dtype!(dt, T => { sample::randperm::<T>(gen(g), p as _, stride, n); OK }, _ => ERR_BAD_OP)
    }
}

size_optimized! {
    /// multinomial over `rows` x `cols` probabilities of dtype `dt` (float32/float64) at
    /// strides s0, s1, into `out` (rows x n_sample int64, contiguous). `mode`: 0 with
    /// replacement, 1 top-k of p/q with q drawn row-major, 2 the same drawn column-major.
    ///
    /// # Safety
    /// `g` is a live generator; pointers cover what the strides and sizes describe.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn rng_multinomial(
        g: usize, dt: u32, mode: u32, p: usize, rows: usize, cols: usize, s0: isize, s1: isize, n_sample: usize, out: usize,
    ) -> i32 {
        let g = gen(g);
        macro_rules! run {
            ($T:ty) => {{
                let probs = Probs::<$T> { ptr: p as *const $T, rows, cols, s0, s1 };
                match mode {
                    0 => sample::multinomial_with_replacement(g, &probs, n_sample, out as *mut i64),
                    1 | 2 => sample::multinomial_top(g, &probs, n_sample, mode == 2, out as *mut i64),
                    _ => ERR_BAD_OP,
                }
            }};
        }
        match dt {
            F32 => run!(f32),
            F64 => run!(f64),
            _ => ERR_BAD_OP,
        }
    }
}
