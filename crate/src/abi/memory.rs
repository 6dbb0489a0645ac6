//! Allocation and copies.

use crate::status::*;
use crate::dtype::*;
use crate::kernels::copy;
use crate::kernels::reduce::Acc;
use crate::strided::Desc;
use crate::with_dtype;
use std::alloc::{alloc, dealloc, Layout};

/// Every allocation is 16-byte aligned so SIMD loads of any dtype are aligned at offset 0.
const ALIGN: usize = 16;

/// What must stay allocatable after every tensor allocation: the kernels' own buffers
/// (GEMM packing, im2col, sort and linalg work space) come from the same heap and cannot
/// fail gracefully (a failed Rust allocation aborts, which is a wasm trap). Refusing a
/// tensor allocation that would leave less turns memory exhaustion into an error that
/// the caller reports, while the kernels of ordinary sizes keep running.
const KERNEL_HEADROOM: usize = 16 << 20;

/// Returns 0 when memory cannot grow, or when the block would leave less than
/// KERNEL_HEADROOM allocatable.
#[no_mangle]
pub extern "C" fn mem_alloc(nbytes: usize) -> usize {
    let size = nbytes.max(1);
    let (Ok(layout), Ok(probe)) = (Layout::from_size_align(size, ALIGN), Layout::from_size_align(KERNEL_HEADROOM, ALIGN)) else {
        return 0;
    };
    unsafe {
        let p = alloc(layout);
        if p.is_null() {
            return 0;
        }
        // black_box: an unused allocation may otherwise be optimised away with its free
        let q = std::hint::black_box(alloc(probe));
        if q.is_null() {
            dealloc(p, layout);
            return 0;
        }
        dealloc(q, probe);
        p as usize
    }
}

/// # Safety
/// `ptr` came from `mem_alloc(nbytes)` and is freed once.
#[no_mangle]
pub unsafe extern "C" fn mem_free(ptr: usize, nbytes: usize) {
    if ptr != 0 {
        dealloc(ptr as *mut u8, Layout::from_size_align_unchecked(nbytes.max(1), ALIGN));
    }
}

/// Strided copy from `src` (dtype `ds`) to `dst` (dtype `dd`), operands dst, src.
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn copy_cast(ds: u32, dd: u32, nd: usize, desc: *const i32, dst: usize, src: usize) -> i32 {
    let d = Desc::<2>::from_raw(nd, desc);
    if ds != dd {
        return cast_other(ds, dd, &d, dst, src);
    }
    // A same-dtype copy moves bits: one kernel per element size serves every dtype.
    match itemsize(ds) {
        8 => copy::copy_cast::<i64, i64>(&d, dst as _, src as _),
        4 => copy::copy_cast::<i32, i32>(&d, dst as _, src as _),
        2 => copy::copy_cast::<i16, i16>(&d, dst as _, src as _),
        _ => copy::copy_cast::<u8, u8>(&d, dst as _, src as _),
    }
    OK
}

size_optimized! {
    /// Conversions between dtypes: 90 pairs, none of them on a hot path.
    #[inline(never)]
    unsafe fn cast_other(ds: u32, dd: u32, d: &Desc<2>, dst: usize, src: usize) -> i32 {
        with_dtype!(ds, S => with_dtype!(dd, D => {
            copy::copy_cast::<S, D>(d, dst as *mut D, src as *const S);
            OK
        }, _ => ERR_BAD_OP), _ => ERR_BAD_OP)
    }
}

/// Fill a strided view with a float value converted to the dtype.
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn fill_f64(dt: u32, nd: usize, desc: *const i32, p: usize, v: f64) -> i32 {
    let d = Desc::<1>::from_raw(nd, desc);
    match dt {
        F32 => copy::fill_strided::<f32>(&d, p as _, v as f32),
        _ => return fill_other(dt, &d, p, Acc::F(v)),
    }
    OK
}

/// Fill with an exact integer (int64 values beyond 2^53 need this path).
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn fill_i64(dt: u32, nd: usize, desc: *const i32, p: usize, v: i64) -> i32 {
    let d = Desc::<1>::from_raw(nd, desc);
    match dt {
        F32 => copy::fill_strided::<f32>(&d, p as _, v as f32),
        _ => return fill_other(dt, &d, p, Acc::I(v)),
    }
    OK
}

size_optimized! {
    #[inline(never)]
    unsafe fn fill_other(dt: u32, d: &Desc<1>, p: usize, v: Acc) -> i32 {
        with_dtype!(dt, T => {
            let x = match v {
                Acc::F(f) => T::from_f64(f),
                Acc::I(i) => T::from_i64(i),
                Acc::B(b) => T::from_bool(b),
            };
            copy::fill_strided::<T>(d, p as *mut T, x);
            OK
        }, _ => ERR_BAD_OP)
    }
}

size_optimized! {
    /// arange / linspace / logspace into a contiguous buffer (see kernels::copy::fill_range).
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    pub unsafe extern "C" fn fill_range(kind: u32, dt: u32, p: usize, n: usize, a: f64, b: f64, c: f64) -> i32 {
        with_dtype!(dt, T => { copy::fill_range::<T>(kind, p as *mut T, n, a, b, c); OK }, _ => ERR_BAD_OP)
    }
}

/// CRC-32 of `n` bytes at `p`, continuing from `crc` (0 to start). Returned as f64 so JS gets an unsigned value.
///
/// # Safety
/// `p` covers `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn crc32(crc: f64, p: usize, n: usize) -> f64 {
    crate::kernels::crc32::crc32(crc as u32, core::slice::from_raw_parts(p as *const u8, n)) as f64
}
