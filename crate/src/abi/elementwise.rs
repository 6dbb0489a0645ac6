//! Elementwise ops. float32 is the hot path, compiled for speed; every other dtype
//! goes through a size-optimised twin (see `size_optimized!`).

use crate::status::*;
use crate::dtype::*;
use crate::kernels::{binary, ternary, unary};
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
use crate::kernels::parallel;
use crate::strided::Desc;
use crate::{with_dtype, with_int_dtype, with_num_dtype};

/// out = op(a, b); all operands of dtype `dt`. `p` is alpha for AXPY/AXMY.
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn ew_binary(op: u32, dt: u32, nd: usize, desc: *const i32, o: usize, a: usize, b: usize, p: f64) -> i32 {
    let d = Desc::<3>::from_raw(nd, desc);
    match dt {
        #[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
        F32 => split_f32(&d, |d, off| {
            in_place_blocks(d, 4, at([o, a, b], off, 4), |d, [o, a, b]| binary_f32(op, d, o as _, a as _, b as _, p))
        }),
        #[cfg(not(all(target_arch = "wasm32", target_feature = "atomics")))]
        F32 => in_place_blocks(&d, 4, [o, a, b], |d, [o, a, b]| binary_f32(op, d, o as _, a as _, b as _, p)),
        // an integer division by zero is refused whole, before any block is written
        _ if binary::int_division_by_zero(op, dt, &d, b) => ERR_ZERO_DIVISION,
        _ => in_place_blocks(&d, itemsize(dt), [o, a, b], |d, [o, a, b]| binary_other(op, dt, d, o, a, b, p)),
    }
}

/// Bytes per block of an in-place elementwise op (see in_place_blocks): 4096 float32,
/// which stay in L1 with the block they are written back to. Every element count it
/// makes is a multiple of 64, so blocks start where the one-call loop's vector blocks
/// do and each element is computed the same way (as split_f32's chunks).
const IN_PLACE_BLOCK_BYTES: usize = 16384;

/// Runs `f(desc, addresses)` over `d`, whose operands 0 (out) and 1 (a) start at `ptrs`:
/// in one call, or, when out and a are the same contiguous memory (x.relu_(),
/// x.add_(y)), block by block with each block of a first copied to a stack buffer.
/// On equal pointers the compiled loops fail their overlap check and run scalar,
/// several times slower than a vector pass plus a copy that stays in L1.
#[inline(always)]
unsafe fn in_place_blocks<const K: usize>(d: &Desc<K>, size: usize, ptrs: [usize; K], f: impl Fn(&Desc<K>, [usize; K]) -> i32) -> i32 {
    let block = IN_PLACE_BLOCK_BYTES / size;
    let in_place = ptrs[0] == ptrs[1] && d.nd == 1 && d.strides[0][0] == 1 && d.strides[1][0] == 1 && d.shape[0] > 1;
    let (n, step) = if in_place { (d.shape[0], block) } else { (1, 1) };
    // uninitialised: a small op does not pay for clearing it
    let mut buf = core::mem::MaybeUninit::<[u128; IN_PLACE_BLOCK_BYTES / 16]>::uninit();
    let mut start = 0;
    // one call site of `f` either way, so the kernel is not compiled twice
    while start < n {
        let (part, off) = if in_place { d.slice_outer(start, block.min(n - start)) } else { (d.clone(), [0; K]) };
        let mut p = at(ptrs, off, size);
        if in_place {
            core::ptr::copy_nonoverlapping(p[1] as *const u8, buf.as_mut_ptr() as *mut u8, part.shape[0] * size);
            p[1] = buf.as_ptr() as usize;
        }
        let r = f(&part, p);
        if r != OK {
            return r;
        }
        start += step;
    }
    OK
}

/// The operands' addresses moved by element offsets `off` of `size` bytes each.
#[inline(always)]
fn at<const K: usize>(ptrs: [usize; K], off: [isize; K], size: usize) -> [usize; K] {
    core::array::from_fn(|k| ptrs[k].wrapping_add_signed(off[k] * size as isize))
}

/// The float32 kernels as one function each (inlined into the split and block loops,
/// LLVM would inline more of the per-op code than into the exported function).
#[inline(never)]
unsafe fn binary_f32(op: u32, d: &Desc<3>, o: *mut f32, a: *const f32, b: *const f32, p: f64) -> i32 {
    binary::binary_float::<f32>(op, d, o, a, b, p)
}

#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn unary_f32(op: u32, d: &Desc<2>, o: *mut f32, a: *const f32, p1: f64, p2: f64, p3: f64) -> i32 {
    unary::unary_float::<f32>(op, d, o, a, p1, p2, p3)
}

/// Runs a float32 kernel over `d`, split across threads along dim 0 when large (each
/// element computed as in one call: chunk starts are multiples of 64 along that dim).
/// Returns the first failing status in chunk order, or OK.
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
#[inline(always)]
unsafe fn split_f32<const K: usize>(d: &Desc<K>, f: impl Fn(&Desc<K>, [isize; K]) -> i32) -> i32 {
    // Binary ops move 12 bytes per flop-cheap element: a second thread pays only past
    // what one thread streams in about a millisecond (add_1m measured 0.95x on 2 threads).
    let min = if K == 3 { 16 * parallel::MIN_PARALLEL_ELEMS } else { parallel::MIN_PARALLEL_ELEMS };
    // one call site of `f`, so the kernel is not inlined twice
    let whole = d.nd == 0 || d.numel() < min || !parallel::pool_threads();
    let rows = if whole { 1 } else { d.shape[0] };
    let status = core::sync::atomic::AtomicI32::new(OK);
    let align = if d.nd == 1 { 64 } else { 1 };
    parallel::for_chunks(rows, 2, align, |start, len| {
        let part;
        let (desc, off) = if whole {
            (d, [0; K])
        } else {
            let (p, off) = d.slice_outer(start, len);
            part = p;
            (&part, off)
        };
        let r = f(desc, off);
        if r != OK {
            let _ = status.compare_exchange(OK, r, core::sync::atomic::Ordering::Relaxed, core::sync::atomic::Ordering::Relaxed);
        }
    });
    status.into_inner()
}

size_optimized! {
    #[inline(never)]
    unsafe fn binary_other(op: u32, dt: u32, d: &Desc<3>, o: usize, a: usize, b: usize, p: f64) -> i32 {
        match dt {
            F64 => binary::binary_float::<f64>(op, d, o as _, a as _, b as _, p),
            BOOL => binary::binary_bool(op, d, o as _, a as _, b as _),
            _ => with_int_dtype!(dt, T => binary::binary_int::<T>(op, d, o as _, a as _, b as _, p), _ => ERR_BAD_OP),
        }
    }
}

/// bool out = op(a, b), a and b of dtype `dt`.
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn ew_compare(op: u32, dt: u32, nd: usize, desc: *const i32, o: usize, a: usize, b: usize) -> i32 {
    let d = Desc::<3>::from_raw(nd, desc);
    match dt {
        F32 => binary::compare::<f32>(op, &d, o as _, a as _, b as _),
        _ => compare_other(op, dt, &d, o, a, b),
    }
}

size_optimized! {
    #[inline(never)]
    unsafe fn compare_other(op: u32, dt: u32, d: &Desc<3>, o: usize, a: usize, b: usize) -> i32 {
        match dt {
            BOOL => binary::compare::<u8>(op, d, o as _, a as _, b as _),
            _ => with_num_dtype!(dt, T => binary::compare::<T>(op, d, o as _, a as _, b as _), _ => ERR_BAD_OP),
        }
    }
}

/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ew_unary(op: u32, dt: u32, nd: usize, desc: *const i32, o: usize, a: usize, p1: f64, p2: f64, p3: f64) -> i32 {
    let d = Desc::<2>::from_raw(nd, desc);
    match dt {
        #[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
        F32 => split_f32(&d, |d, off| in_place_blocks(d, 4, at([o, a], off, 4), |d, [o, a]| unary_f32(op, d, o as _, a as _, p1, p2, p3))),
        #[cfg(not(all(target_arch = "wasm32", target_feature = "atomics")))]
        F32 => in_place_blocks(&d, 4, [o, a], |d, [o, a]| unary_f32(op, d, o as _, a as _, p1, p2, p3)),
        _ => in_place_blocks(&d, itemsize(dt), [o, a], |d, [o, a]| unary_other(op, dt, d, o, a, p1, p2, p3)),
    }
}

size_optimized! {
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn unary_other(op: u32, dt: u32, d: &Desc<2>, o: usize, a: usize, p1: f64, p2: f64, p3: f64) -> i32 {
        match dt {
            F64 => unary::unary_float::<f64>(op, d, o as _, a as _, p1, p2, p3),
            BOOL => unary::unary_bool(op, d, o as _, a as _),
            _ => with_int_dtype!(dt, T => unary::unary_int::<T>(op, d, o as _, a as _, p1, p2, p3), _ => ERR_BAD_OP),
        }
    }

    /// bool out = pred(a).
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    pub unsafe extern "C" fn ew_predicate(op: u32, dt: u32, nd: usize, desc: *const i32, o: usize, a: usize) -> i32 {
        let d = Desc::<2>::from_raw(nd, desc);
        with_dtype!(dt, T => unary::predicate::<T>(op, &d, o as _, a as _), _ => ERR_BAD_OP)
    }
}

/// out = cond ? a : b; operands out, cond, a, b.
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn ew_where(dt: u32, nd: usize, desc: *const i32, o: usize, c: usize, a: usize, b: usize) -> i32 {
    let d = Desc::<4>::from_raw(nd, desc);
    match dt {
        F32 => {
            binary::where_::<f32>(&d, o as _, c as _, a as _, b as _);
            OK
        }
        _ => where_other(dt, &d, o, c, a, b),
    }
}

size_optimized! {
    #[inline(never)]
    unsafe fn where_other(dt: u32, d: &Desc<4>, o: usize, c: usize, a: usize, b: usize) -> i32 {
        with_dtype!(dt, T => { binary::where_::<T>(d, o as _, c as _, a as _, b as _); OK }, _ => ERR_BAD_OP)
    }
}

/// out = op(a, b, c); all operands of dtype `dt`. `p` is the value of addcmul/addcdiv.
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ew_ternary(op: u32, dt: u32, nd: usize, desc: *const i32, o: usize, a: usize, b: usize, c: usize, p: f64) -> i32 {
    let d = Desc::<4>::from_raw(nd, desc);
    match dt {
        F32 => ternary::ternary_float::<f32>(op, &d, o as _, a as _, b as _, c as _, p),
        _ => ternary_other(op, dt, &d, o, a, b, c, p),
    }
}

size_optimized! {
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn ternary_other(op: u32, dt: u32, d: &Desc<4>, o: usize, a: usize, b: usize, c: usize, p: f64) -> i32 {
        match dt {
            F64 => ternary::ternary_float::<f64>(op, d, o as _, a as _, b as _, c as _, p),
            _ => with_int_dtype!(dt, T => ternary::ternary_int::<T>(op, d, o as _, a as _, b as _, c as _, p), _ => ERR_BAD_OP),
        }
    }
}
