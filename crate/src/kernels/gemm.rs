//! General matrix multiply C = alpha * A @ B + beta * C with arbitrary strides
//! (A: m x k, B: k x n, C: m x n). beta == 0 ignores C's old contents (NaN included);
//! alpha == 0 (or k == 0) leaves A and B unread, as BLAS does.
//!
//! float32/float64 follow the Goto/BLIS scheme: B is packed per KC x NC block into
//! NR-wide panels, A per MC x KC block into MR-high panels (transposed or strided
//! operands are absorbed by the packing, never copied whole), and a register-tiled
//! microkernel runs over the panels. Packing goes through the PackA/PackB traits, so
//! convolution packs im2col panels straight from the image. Other dtypes use a
//! reference loop accumulating in f64 / i64.

mod micro;
pub mod pack;

use crate::dtype::Elem;
use crate::kernels::parallel;
use crate::num::Float;
use core::cell::RefCell;
pub use pack::{PackA, PackB, Strided};

/// The blocked path's per-type parameters and microkernel.
pub trait GemmFloat: Float {
    /// Microkernel tile: MR rows x NR columns.
    const MR: usize;
    const NR: usize;
    /// Block sizes: KC x NR B panels stay in L1, MC x KC A blocks in L2.
    const KC: usize;
    const MC: usize;
    const NC: usize;
    /// C tile (mr x nr of the MR x NR tile) = alpha * Apanel @ Bpanel + beta * C.
    ///
    /// # Safety
    /// `a` holds kc*MR values, `b` kc*NR values; `c` covers the tile.
    #[allow(clippy::too_many_arguments)]
    unsafe fn micro(kc: usize, a: *const Self, b: *const Self, c: *mut Self, rsc: isize, csc: isize, mr: usize, nr: usize, alpha: Self, beta: Self);
    /// `a.pack_a::<MR>` and `b.pack_b::<NR>` (associated consts cannot be const arguments).
    ///
    /// # Safety
    /// As PackA::pack_a / PackB::pack_b.
    unsafe fn pack_a<A: PackA<Self>>(a: &A, i0: usize, mb: usize, k0: usize, kb: usize, dst: *mut Self);
    /// # Safety
    /// As PackB::pack_b.
    unsafe fn pack_b<B: PackB<Self>>(b: &B, k0: usize, kb: usize, j0: usize, nb: usize, dst: *mut Self);
    /// `a.packed_a::<MR>` / `b.packed_b::<NR>`: a block already in panel layout, or null.
    ///
    /// # Safety
    /// As PackA::packed_a / PackB::packed_b.
    unsafe fn packed_a<A: PackA<Self>>(a: &A, i0: usize, k0: usize, kb: usize) -> *const Self;
    /// # Safety
    /// As PackB::packed_b.
    unsafe fn packed_b<B: PackB<Self>>(b: &B, k0: usize, kb: usize, j0: usize) -> *const Self;
}

macro_rules! packers {
    ($mr:expr, $nr:expr) => {
        #[inline(always)]
        unsafe fn pack_a<A: PackA<Self>>(a: &A, i0: usize, mb: usize, k0: usize, kb: usize, dst: *mut Self) {
            a.pack_a::<$mr>(i0, mb, k0, kb, dst)
        }
        #[inline(always)]
        unsafe fn pack_b<B: PackB<Self>>(b: &B, k0: usize, kb: usize, j0: usize, nb: usize, dst: *mut Self) {
            b.pack_b::<$nr>(k0, kb, j0, nb, dst)
        }
        #[inline(always)]
        unsafe fn packed_a<A: PackA<Self>>(a: &A, i0: usize, k0: usize, kb: usize) -> *const Self {
            a.packed_a::<$mr>(i0, k0, kb)
        }
        #[inline(always)]
        unsafe fn packed_b<B: PackB<Self>>(b: &B, k0: usize, kb: usize, j0: usize) -> *const Self {
            b.packed_b::<$nr>(k0, kb, j0)
        }
    };
}

// Tile shapes are chosen so that no accumulator spills under V8 (x64: 15 vector
// registers, a step's loads scheduled before its arithmetic): 4x8 with broadcast loads
// for mul+add (8 accumulators, 2 B vectors, 4 A broadcasts, 1 product), 5x8 with
// shuffled A vectors where the fused multiply-add needs no product register.
#[cfg(not(target_feature = "relaxed-simd"))]
const F32_MR: usize = 4;
#[cfg(target_feature = "relaxed-simd")]
const F32_MR: usize = 5;

impl GemmFloat for f32 {
    const MR: usize = F32_MR;
    const NR: usize = 8;
    const KC: usize = 512;
    const MC: usize = 120;
    const NC: usize = 2048;
    packers!(F32_MR, 8);
    #[inline(always)]
    unsafe fn micro(kc: usize, a: *const f32, b: *const f32, c: *mut f32, rsc: isize, csc: isize, mr: usize, nr: usize, alpha: f32, beta: f32) {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        micro::simd::micro_f32::<F32_MR, 2, { F32_MR == 4 }>(kc, a, b, c, rsc, csc, mr, nr, alpha, beta);
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        micro::micro_scalar::<f32, F32_MR, 8>(kc, a, b, c, rsc, csc, mr, nr, alpha, beta);
    }
}

impl GemmFloat for f64 {
    const MR: usize = 4;
    const NR: usize = 4;
    const KC: usize = 256;
    const MC: usize = 96;
    const NC: usize = 1024;
    packers!(4, 4);
    #[inline(always)]
    unsafe fn micro(kc: usize, a: *const f64, b: *const f64, c: *mut f64, rsc: isize, csc: isize, mr: usize, nr: usize, alpha: f64, beta: f64) {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        micro::simd::micro_f64::<4, 2, true>(kc, a, b, c, rsc, csc, mr, nr, alpha, beta);
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        micro::micro_scalar::<f64, 4, 4>(kc, a, b, c, rsc, csc, mr, nr, alpha, beta);
    }
}

const fn round_up(x: usize, m: usize) -> usize {
    x.div_ceil(m) * m
}

thread_local! {
    /// Packing buffers reused across calls (16-byte aligned), one for A blocks on every
    /// thread (each task of a parallel GEMM packs its own) and one for the B block the
    /// caller packs; a nested call that finds one in use allocates its own.
    static PACK_A: RefCell<Vec<u128>> = const { RefCell::new(Vec::new()) };
    static PACK_B: RefCell<Vec<u128>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with a scratch buffer of `len` elements of T from `key`'s thread-local.
pub(crate) fn with_pack_buffer<T, R>(key: &'static std::thread::LocalKey<RefCell<Vec<u128>>>, len: usize, f: impl FnOnce(*mut T) -> R) -> R {
    let words = (len * core::mem::size_of::<T>()).div_ceil(16);
    key.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            if buf.len() < words {
                buf.resize(words, 0);
            }
            f(buf.as_mut_ptr() as *mut T)
        }
        Err(_) => {
            let mut buf = vec![0u128; words];
            f(buf.as_mut_ptr() as *mut T)
        }
    })
}

/// A product worth splitting across threads: ~2 MFLOP, where waking the pool
/// (tens of microseconds) costs less than a few percent of one thread's time.
pub fn parallel_pays(m: usize, n: usize, k: usize) -> bool {
    parallel::pool_threads() && m.saturating_mul(n).saturating_mul(k) >= 1 << 20
}

/// C = beta * C (beta == 0: zeros, ignoring NaN).
///
/// # Safety
/// `c` covers the m x n matrix.
pub unsafe fn scale_c<T: Float>(m: usize, n: usize, beta: T, c: *mut T, rsc: isize, csc: isize) {
    if beta == T::ONE {
        return;
    }
    for i in 0..m {
        let row = c.offset(i as isize * rsc);
        for j in 0..n {
            let p = row.offset(j as isize * csc);
            *p = if beta == T::ZERO { T::ZERO } else { beta * *p };
        }
    }
}

/// The blocked GEMM over any operand sources.
///
/// # Safety
/// The sources cover m x k and k x n; `c` covers m x n and overlaps neither.
#[allow(clippy::too_many_arguments)]
pub unsafe fn gemm<T: GemmFloat, A: PackA<T>, B: PackB<T>>(
    m: usize, n: usize, k: usize, alpha: T, a: &A, b: &B, beta: T, c: *mut T, rsc: isize, csc: isize,
) {
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 || alpha == T::ZERO {
        scale_c(m, n, beta, c, rsc, csc);
        return;
    }
    // (the single-thread builds keep one loop: gemm_columns pays for keeping B panels
    // in one core's cache, and costs 2 KB of download)
    if cfg!(all(target_arch = "wasm32", target_feature = "atomics")) && B::PACK_PER_TASK && m <= T::MC && n > 2 * COLUMN_CHUNK {
        return gemm_columns(m, n, k, alpha, a, b, beta, c, rsc, csc);
    }
    gemm_split(m, n, k, alpha, a, b, beta, c, rsc, csc)
}

/// Columns per task of gemm_columns.
const COLUMN_CHUNK: usize = 256;

/// A product whose rows fit one block (m <= MC) and whose B is packed per task (a wide
/// im2col: see PackB::PACK_PER_TASK): A is packed once, every depth, then each task packs and
/// multiplies its own columns, so its B panels stay in the cache of the core that
/// packed them (gemm_split's pack phase hands half of them to the other core). Each C
/// value gets the same microkernel updates in the same order as in gemm_split.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
unsafe fn gemm_columns<T: GemmFloat, A: PackA<T>, B: PackB<T>>(
    m: usize, n: usize, k: usize, alpha: T, a: &A, b: &B, beta: T, c: *mut T, rsc: isize, csc: isize,
) {
    let kc = T::KC.min(k);
    let mp = round_up(m, T::MR);
    // depth block pc of A at ap + pc * mp; 4 values of slack as in gemm_split
    with_pack_buffer::<T, _>(&PACK_A, mp * k + 4, |ap| {
        for pc in (0..k).step_by(kc) {
            let kb = kc.min(k - pc);
            if T::packed_a(a, 0, pc, kb).is_null() {
                T::pack_a(a, 0, m, pc, kb, ap.add(pc * mp));
            }
        }
        let split = parallel_pays(m, n, k);
        parallel::parallel_for_if(split, n.div_ceil(COLUMN_CHUNK), |t| {
            let (j0, w) = (t * COLUMN_CHUNK, COLUMN_CHUNK.min(n - t * COLUMN_CHUNK));
            with_pack_buffer::<T, _>(&PACK_B, kc * round_up(w, T::NR), |bp| {
                for pc in (0..k).step_by(kc) {
                    let kb = kc.min(k - pc);
                    T::pack_b(b, pc, kb, j0, w, bp);
                    let mut pa = T::packed_a(a, 0, pc, kb);
                    if pa.is_null() {
                        pa = ap.add(pc * mp);
                    }
                    let beta_eff = if pc == 0 { beta } else { T::ONE };
                    macro_kernel::<T>(m, w, kb, alpha, pa, bp, beta_eff, c.offset(j0 as isize * csc), rsc, csc);
                }
            });
        });
    });
}

/// The blocked loop, split across the pool where that pays (one thread runs the same
/// tasks in turn otherwise: one loop serves every build). Per NC-wide column block,
/// the tasks pack all of its depth blocks of B (by depth and column chunk), then the
/// tasks compute blocks of C (rows in whole MR tiles, columns in whole NR panels), each
/// over all depths in order, packing its own A. Every C value gets the microkernel updates the one-thread
/// loop gives it, in the same order: the same bits, whichever thread runs the task.
#[allow(clippy::too_many_arguments)]
#[inline(never)] // one body per operand type, not one per caller of gemm
unsafe fn gemm_split<T: GemmFloat, A: PackA<T>, B: PackB<T>>(
    m: usize, n: usize, k: usize, alpha: T, a: &A, b: &B, beta: T, c: *mut T, rsc: isize, csc: isize,
) {
    let kc = T::KC.min(k);
    let depths = k.div_ceil(kc);
    // about 8 row blocks (each reads its B columns once), at least 32 rows, at most MC
    let rb = round_up(m.div_ceil(8).max(32), T::MR).min(round_up(T::MC, T::MR));
    let mblocks = m.div_ceil(rb);
    for jc in (0..n).step_by(T::NC) {
        let nb = T::NC.min(n - jc);
        let nbr = round_up(nb, T::NR);
        // columns in chunks until there are about 16 tasks (a chunk at least 8 panels wide)
        let chunk = round_up(nb.div_ceil(16usize.div_ceil(mblocks)), T::NR).max(8 * T::NR);
        let chunks = nb.div_ceil(chunk);
        // depth block pc of B at bp + pc * nbr, column j0 of it at + j0 * kb
        with_pack_buffer::<T, _>(&PACK_B, k * nbr, |bp| {
            let split = parallel_pays(m, n, k);
            parallel::parallel_for_if(split, depths * chunks, |t| {
                let (pc, j0) = (t / chunks * kc, t % chunks * chunk);
                let kb = kc.min(k - pc);
                if T::packed_b(b, pc, kb, jc).is_null() {
                    T::pack_b(b, pc, kb, jc + j0, chunk.min(nb - j0), bp.add(pc * nbr + j0 * kb));
                }
            });
            parallel::parallel_for_if(split, mblocks * chunks, |t| {
                let (ic, j0) = (t / chunks * rb, t % chunks * chunk);
                let (mb, w) = (rb.min(m - ic), chunk.min(nb - j0));
                let c0 = c.offset(ic as isize * rsc + (jc + j0) as isize * csc);
                with_pack_buffer::<T, _>(&PACK_A, rb * kc + 4, |ap| {
                    for pc in (0..k).step_by(kc) {
                        let kb = kc.min(k - pc);
                        let mut pb = T::packed_b(b, pc, kb, jc);
                        if pb.is_null() {
                            pb = bp.add(pc * nbr);
                        }
                        let mut pa = T::packed_a(a, ic, pc, kb);
                        if pa.is_null() {
                            T::pack_a(a, ic, mb, pc, kb, ap);
                            pa = ap;
                        }
                        let beta_eff = if pc == 0 { beta } else { T::ONE };
                        macro_kernel::<T>(mb, w, kb, alpha, pa, pb.add(j0 * kb), beta_eff, c0, rsc, csc);
                    }
                });
            });
        });
    }
}

/// The blocks of B (k x n) in the order `gemm` walks them: (jc, nb, pc, kb) for columns
/// [jc, jc + nb) (NC wide) and, inside each, depths [pc, pc + kb) (KC.min(k) deep).
fn b_blocks<T: GemmFloat>(k: usize, n: usize) -> impl Iterator<Item = (usize, usize, usize, usize)> {
    let kc = T::KC.min(k).max(1);
    (0..n).step_by(T::NC).flat_map(move |jc| (0..k).step_by(kc).map(move |pc| (jc, T::NC.min(n - jc), pc, kc.min(k - pc))))
}

/// Runs the microkernel over every (NR panel, MR panel) pair of a packed block.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn macro_kernel<T: GemmFloat>(
    mb: usize, nb: usize, kb: usize, alpha: T, ap: *const T, bp: *const T, beta: T, c: *mut T, rsc: isize, csc: isize,
) {
    let mut jr = 0;
    while jr < nb {
        let nr = T::NR.min(nb - jr);
        let b = bp.add(jr * kb);
        let mut ir = 0;
        while ir < mb {
            let mr = T::MR.min(mb - ir);
            T::micro(kb, ap.add(ir * kb), b, c.offset(ir as isize * rsc + jr as isize * csc), rsc, csc, mr, nr, alpha, beta);
            ir += T::MR;
        }
        jr += T::NR;
    }
}

/// Matrix-vector shapes (n == 1 or m == 1), where a microkernel tile would be mostly
/// padding: dot products, or row axpys when B's rows are contiguous.
#[allow(clippy::too_many_arguments)]
unsafe fn gemv<T: Float>(
    m: usize, n: usize, k: usize, alpha: T,
    a: *const T, rsa: isize, csa: isize,
    b: *const T, rsb: isize, csb: isize,
    beta: T, c: *mut T, rsc: isize, csc: isize,
) {
    if n == 1 {
        for i in 0..m {
            let p = c.offset(i as isize * rsc);
            *p = combine(alpha * dot(a.offset(i as isize * rsa), csa, b, rsb, k), beta, *p);
        }
    } else if csb == 1 {
        // c[j] = sum_p a[p] * B[p, j]: accumulate whole rows of B
        let mut acc = vec![T::ZERO; n];
        for p in 0..k {
            let av = *a.offset(p as isize * csa);
            let row = core::slice::from_raw_parts(b.offset(p as isize * rsb), n);
            for (x, y) in acc.iter_mut().zip(row) {
                *x = *x + av * *y;
            }
        }
        for (j, v) in acc.iter().enumerate() {
            let p = c.offset(j as isize * csc);
            *p = combine(alpha * *v, beta, *p);
        }
    } else {
        for j in 0..n {
            let p = c.offset(j as isize * csc);
            *p = combine(alpha * dot(a, csa, b.offset(j as isize * csb), rsb, k), beta, *p);
        }
    }
}

#[inline(always)]
fn combine<T: Float>(v: T, beta: T, old: T) -> T {
    if beta == T::ZERO {
        v
    } else if beta == T::ONE {
        old + v
    } else {
        beta * old + v
    }
}

/// Dot product of two strided vectors with eight partial sums.
#[inline(always)]
unsafe fn dot<T: Float>(x: *const T, sx: isize, y: *const T, sy: isize, k: usize) -> T {
    let mut s = [T::ZERO; 8];
    let mut p = 0;
    if sx == 1 && sy == 1 {
        while p + 8 <= k {
            for (l, acc) in s.iter_mut().enumerate() {
                *acc = *acc + *x.add(p + l) * *y.add(p + l);
            }
            p += 8;
        }
    }
    while p < k {
        s[p & 7] = s[p & 7] + *x.offset(p as isize * sx) * *y.offset(p as isize * sy);
        p += 1;
    }
    ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
}

/// The blocked GEMM over strided matrices (the ABI's entry for float32/float64).
///
/// # Safety
/// The pointers cover the strided matrices; C does not overlap A or B.
#[allow(clippy::too_many_arguments)]
pub unsafe fn gemm_strided<T: GemmFloat>(
    m: usize, n: usize, k: usize, alpha: T,
    a: *const T, rsa: isize, csa: isize,
    b: *const T, rsb: isize, csb: isize,
    beta: T, c: *mut T, rsc: isize, csc: isize,
) {
    if m == 0 || n == 0 {
        return;
    }
    if (n == 1 || m == 1) && k > 0 && alpha != T::ZERO {
        return gemv(m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc);
    }
    gemm(m, n, k, alpha, &Strided::new(a, rsa, csa), &Strided::new(b, rsb, csb), beta, c, rsc, csc);
}

/// Reference path for every other dtype: accumulates in f64 (floats) or i64 (integers).
///
/// # Safety
/// The pointers cover the strided matrices.
#[allow(clippy::too_many_arguments)]
pub unsafe fn gemm_generic<T: Elem>(
    m: usize, n: usize, k: usize, alpha: f64,
    a: *const T, rsa: isize, csa: isize,
    b: *const T, rsb: isize, csb: isize,
    beta: f64, c: *mut T, rsc: isize, csc: isize,
) {
    for i in 0..m as isize {
        for j in 0..n as isize {
            let pc = c.offset(i * rsc + j * csc);
            if T::FLOAT {
                let mut s = 0.0;
                for p in 0..k as isize {
                    s += (*a.offset(i * rsa + p * csa)).to_f64() * (*b.offset(p * rsb + j * csb)).to_f64();
                }
                let old = if beta == 0.0 { 0.0 } else { beta * (*pc).to_f64() };
                *pc = T::from_f64(alpha * s + old);
            } else {
                let mut s = 0i64;
                for p in 0..k as isize {
                    s = s.wrapping_add((*a.offset(i * rsa + p * csa)).to_i64().wrapping_mul((*b.offset(p * rsb + j * csb)).to_i64()));
                }
                let old = if beta == 0.0 { 0 } else { (beta as i64).wrapping_mul((*pc).to_i64()) };
                *pc = T::from_i64((alpha as i64).wrapping_mul(s).wrapping_add(old));
            }
        }
    }
}

/// A B operand (k x n) packed once into the panels `gemm` reads, for products that
/// reuse one B many times (a recurrent layer multiplies its hidden-to-hidden weights
/// once per time step): `gemm` finds every block in place and packs only A.
///
/// Layout: the NC-wide column blocks one after another, each holding its KC-deep
/// blocks in order, each of those in pack_b's panel layout; so the block at columns
/// from j0 (a multiple of NC), depth from k0 (a multiple of KC.min(k)) starts at
/// j0 * k + k0 * round_up(width, NR).
pub struct PackedB<T> {
    buf: Vec<T>,
    k: usize,
    n: usize,
}

impl<T: GemmFloat> PackedB<T> {
    /// Packs B (k x n) read through `b`.
    ///
    /// # Safety
    /// `b` covers the k x n matrix.
    pub unsafe fn new<B: PackB<T>>(b: &B, k: usize, n: usize) -> Self {
        let full = n / T::NC * T::NC;
        let len = (full + round_up(n - full, T::NR)) * k;
        let mut buf = vec![T::ZERO; len];
        for (jc, nb, pc, kb) in b_blocks::<T>(k, n) {
            T::pack_b(b, pc, kb, jc, nb, buf.as_mut_ptr().add(jc * k + pc * round_up(nb, T::NR)));
        }
        PackedB { buf, k, n }
    }
}

impl<T: GemmFloat> PackB<T> for PackedB<T> {
    unsafe fn pack_b<const NR: usize>(&self, _k0: usize, _kb: usize, _j0: usize, _nb: usize, _dst: *mut T) {
        unreachable!("PackedB is read in place")
    }
    unsafe fn packed_b<const NR: usize>(&self, k0: usize, _kb: usize, j0: usize) -> *const T {
        debug_assert!(k0 < self.k && j0 < self.n);
        self.buf.as_ptr().add(j0 * self.k + k0 * round_up(T::NC.min(self.n - j0), T::NR))
    }
}
