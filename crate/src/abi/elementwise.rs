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
        F32 => split_f32(&d, |d, [oo, ao, bo]| binary_f32(op, d, (o as *mut f32).offset(oo), (a as *const f32).offset(ao), (b as *const f32).offset(bo), p)),
        #[cfg(not(all(target_arch = "wasm32", target_feature = "atomics")))]
        F32 => binary::binary_float::<f32>(op, &d, o as _, a as _, b as _, p),
        _ => binary_other(op, dt, &d, o, a, b, p),
    }
}

/// The float32 kernels as one function each (inlined into the split closure, LLVM
/// would inline more of the per-op code than into the exported function).
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
#[inline(never)]
unsafe fn binary_f32(op: u32, d: &Desc<3>, o: *mut f32, a: *const f32, b: *const f32, p: f64) -> i32 {
    binary::binary_float::<f32>(op, d, o, a, b, p)
}

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
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
        F32 => split_f32(&d, |d, [oo, ao]| unary_f32(op, d, (o as *mut f32).offset(oo), (a as *const f32).offset(ao), p1, p2, p3)),
        #[cfg(not(all(target_arch = "wasm32", target_feature = "atomics")))]
        F32 => unary::unary_float::<f32>(op, &d, o as _, a as _, p1, p2, p3),
        _ => unary_other(op, dt, &d, o, a, p1, p2, p3),
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
