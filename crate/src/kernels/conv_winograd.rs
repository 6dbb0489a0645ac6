//! Winograd F(4x4, 3x3) forward convolution for float32, 3x3 kernels at stride 1 and
//! dilation 1 (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks").
//!
//! Each 4x4 output tile comes from a 6x6 input tile d: y = A^T [(G g G^T) . (B^T d B)] A.
//! Over channels the element-wise products become 36 independent GEMMs, one per
//! position k of the 6x6 transformed tile:
//!   U[k] (OC x C) = weight transforms, V[k] (C x tiles) = input transforms,
//!   M[k] (OC x tiles) = U[k] @ V[k]   (through gemm::gemm),
//! so the layouts [k][OC][C], [k][C][tiles], [k][OC][tiles] need no transposes. U and V
//! are written straight in the GEMM's packed panel layout (`Panels`), which it reads
//! in place, saving a copy of each. The transforms run on 4 lanes at once (`F4`:
//! SIMD128 on wasm, an array elsewhere): 4 adjacent tiles of one tile row for inputs
//! and outputs, 4 output channels for weights.
//!
//! Tiles are processed in blocks of whole tile rows (over images) and output channels
//! in blocks, sized so U, V and M stay in L2 from transform to GEMM to output, and the
//! scratch (allocated per call) stays ~2 MB whatever the batch or width.
//!
//! Accuracy (float32, N(0,1) data, against a float64 direct sum): worst error 3e-5 of
//! the output's RMS at C = 64, 5e-5 at C = 512 (crate/tests/conv.rs).

use crate::kernels::conv::Geom;
use crate::kernels::gemm::{self, gemm, GemmFloat, PackA, PackB, Strided};
use crate::kernels::parallel;
use core::cell::RefCell;
use f4::F4;

/// Scratch budget per buffer (U block, V block, M block), in floats: 768 KB, so the
/// three fit the 2 MB L2 of a core.
const BUDGET: usize = 3 << 16;

/// Extra floats between the 36 matrices of U, V and M (one cache line): the transforms
/// touch all 36 at once, and power-of-two strides would put them in the same few L1 sets.
const SKEW: usize = 16;

/// Whether the Winograd kernel computes this convolution (3x3, stride 1, dilation 1,
/// any padding, groups and channel counts).
pub fn applies(g: &Geom) -> bool {
    g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1
}

/// y = conv(x, w) + bias (bias may be null), for a geometry where `applies` holds.
///
/// Work goes in blocks of output channels and of tile rows. The transform of one axis
/// is shared: computed once per block of that axis (split across threads), then the
/// blocks of the other axis run as independent tasks, each with its own transform, 36
/// GEMMs and output transform in its thread's scratch, so a task's data stays in its
/// core's cache (tasks that passed each phase's data between cores ran no faster on
/// two threads than on one). Block sizes never change a value: each output sums the
/// same products in the same order whatever the blocks.
///
/// # Safety
/// Pointers cover contiguous x, w, y of the geometry's shapes (bias: G*OC values).
pub unsafe fn forward(g: &Geom, x: *const f32, w: *const f32, bias: *const f32, y: *mut f32) {
    let (tx, ty) = (g.ow.div_ceil(4), g.oh.div_ceil(4));
    let rows = g.n * ty; // tile rows over all images
    if rows == 0 || tx == 0 || g.oc == 0 {
        return;
    }
    let split = gemm::parallel_pays(g.oc, 36 * rows * tx, g.c);
    let threads = if split { parallel::num_threads() } else { 1 };
    // Output channels in even blocks (multiples of 8) whose U fits the budget, tile
    // rows in even blocks whose V and M fit it: the three stay in L2 from transform to
    // GEMM to output (streaming U for 256 channels through memory cost as much as its GEMMs).
    let cw = g.c.max(1);
    let oc_budget = Blocks::sized(g.oc, (36 * g.oc * cw).div_ceil(BUDGET), 8);
    let row_budget = Blocks::sized(rows, (36 * cw.max(oc_budget.largest()) * rows * tx).div_ceil(BUDGET), 1);
    // Share the transform that would otherwise be redone more (weights: OC*C per tile
    // block, inputs: C*tiles per OC block); with one block of an axis, that one. On
    // several threads the independent blocks come in a multiple of the thread count,
    // and the other axis is shared where that shares the work clearly more evenly.
    let (oc_blocks, tile_blocks) = (oc_budget.count, row_budget.count);
    let mut inputs_shared = (tile_blocks - 1) * g.oc <= (oc_blocks - 1) * rows * tx;
    let (oc_even, rows_even) = (oc_budget.for_threads(threads), row_budget.for_threads(threads));
    if threads > 1 {
        let (mine, other) = if inputs_shared { (oc_even, rows_even) } else { (rows_even, oc_even) };
        let (mine, other) = (mine.evenness(threads), other.evenness(threads));
        inputs_shared ^= mine < 0.9 && other > mine + 0.1;
    }
    let (ocb, rowb) = if inputs_shared { (oc_even, row_budget) } else { (oc_budget, rows_even) };
    let (ob, rb) = (ocb.largest(), rowb.largest());
    let (mr, nr) = (<f32 as GemmFloat>::MR, <f32 as GemmFloat>::NR);
    let tb_max = rb * tx;
    // Strides between the 36 matrices of a block (see SKEW) and the buffers' sizes;
    // +4: the microkernel and the output transform read a vector past the end.
    let u_stride = |oc: usize| oc.next_multiple_of(mr) * g.c + SKEW;
    let v_stride = |tb: usize| g.c * tb.next_multiple_of(nr) + SKEW;
    let (u_len, v_len, m_len) = (36 * u_stride(ob) + 4, 36 * v_stride(tb_max) + 4, 36 * (ob * tb_max + SKEW) + 4);
    let wb = tx.next_multiple_of(4) * 4 + 4; // padded input row width (multiple of 4)
    let rowbuf_len = 12 * wb;
    let (outer, inner) = if inputs_shared { (rowb.count, ocb.count) } else { (ocb.count, rowb.count) };
    // Input transforms of tile rows [r0, r0 + nrows) of group gr, channels [c0, c1).
    let transform_inputs = |gr: usize, r0: usize, nrows: usize, c0: usize, c1: usize, v: *mut f32| {
        let stride = v_stride(nrows * tx);
        let mut rowbuf = vec![0f32; rowbuf_len];
        for c in c0..c1 {
            for r in 0..nrows {
                let (n, tyi) = ((r0 + r) / ty, (r0 + r) % ty);
                let plane = x.add(((n * g.groups + gr) * g.c + c) * g.h * g.w);
                let dst = VDst { v, stride, c, cdim: g.c, t0: r * tx, row: 0 };
                input_row(g, plane, tyi, tx, wb, &mut rowbuf, &dst);
            }
        }
    };
    // Weight transforms of output channels [o0, o0 + oc) of group gr, quads [q0, q1).
    let transform_weights = |gr: usize, o0: usize, oc: usize, q0: usize, q1: usize, u: *mut f32| {
        weights(w.add((gr * g.oc + o0) * g.c * 9), oc, g.c, u, u_stride(oc), 4 * q0, (4 * q1).min(oc));
    };
    // The 36 products and the output transforms of one block of channels and tile rows.
    let products = |gr: usize, o0: usize, oc: usize, r0: usize, nrows: usize, u: *const f32, v: *const f32, m: *mut f32| {
        let tb = nrows * tx;
        let (us, vs, ms) = (u_stride(oc), v_stride(tb), oc * tb + SKEW);
        for k in 0..36 {
            let a = Panels { ptr: u.add(k * us), k: g.c };
            let b = Panels { ptr: v.add(k * vs), k: g.c };
            gemm(oc, tb, g.c, 1.0, &a, &b, 0.0, m.add(k * ms), tb as isize, 1);
        }
        for o in 0..oc {
            let og = gr * g.oc + o0 + o;
            let b = if bias.is_null() { 0.0 } else { *bias.add(og) };
            for r in 0..nrows {
                let (n, tyi) = ((r0 + r) / ty, (r0 + r) % ty);
                let out = y.add((n * g.groups * g.oc + og) * g.oh * g.ow);
                output_row(g, m.add(o * tb + r * tx), ms, tyi, tx, b, out);
            }
        }
    };
    let (shared_len, own_len) = if inputs_shared { (v_len, u_len) } else { (u_len, v_len) };
    // Shared input transforms: tasks own whole 64-byte lines of each V panel row (8
    // channels of an NR = 8 panel; `shared` is 64-byte aligned), so no line is written
    // by two tasks; within a channel, a row's vector stores may spill into the next
    // row's slots, which that row then rewrites. Shared weight transforms: tasks own
    // whole groups of 4 output channels (one vector per weight).
    let c_chunk = g.c.div_ceil(16).next_multiple_of(8);
    with_scratch(&SHARED, shared_len, |shared| {
        for gr in 0..g.groups {
            for i in 0..outer {
                // this block of the shared axis: rows of tiles, or output channels
                let ((r0, nrows), (o0, oc)) = if inputs_shared { (rowb.range(i), (0, 0)) } else { ((0, 0), ocb.range(i)) };
                let (quads, per) = (oc.div_ceil(4), oc.div_ceil(4).div_ceil(32));
                let tasks = if inputs_shared { g.c.div_ceil(c_chunk) } else { quads.div_ceil(per.max(1)) };
                parallel::parallel_for_if(split, tasks, |t| {
                    if inputs_shared {
                        transform_inputs(gr, r0, nrows, t * c_chunk, ((t + 1) * c_chunk).min(g.c), shared);
                    } else {
                        transform_weights(gr, o0, oc, t * per, ((t + 1) * per).min(quads), shared);
                    }
                });
                parallel::parallel_for_if(split, inner, |j| {
                    let ((r0, nrows), (o0, oc)) = if inputs_shared { ((r0, nrows), ocb.range(j)) } else { (rowb.range(j), (o0, oc)) };
                    with_scratch(&SCRATCH, own_len + m_len, |own| {
                        let (u, v) = if inputs_shared {
                            transform_weights(gr, o0, oc, 0, oc.div_ceil(4), own);
                            (own, shared)
                        } else {
                            transform_inputs(gr, r0, nrows, 0, g.c, own);
                            (shared, own)
                        };
                        products(gr, o0, oc, r0, nrows, u, v, own.add(own_len));
                    });
                });
            }
        }
    });
}

/// `total` units in `count` blocks of whole multiples of `q` units (the last unit may
/// be short), as even as they go: the first blocks one multiple larger.
#[derive(Clone, Copy)]
struct Blocks {
    total: usize,
    q: usize,
    count: usize,
}

impl Blocks {
    fn new(total: usize, count: usize, q: usize) -> Blocks {
        Blocks { total, q, count: count.clamp(1, total.div_ceil(q).max(1)) }
    }
    /// About `count` blocks: the fewest of at most ceil(units / count) units each, unless
    /// that rounding makes a block over 1.25x an even split's size; then blocks of at
    /// most floor(units / count) units (at least one). (Rounding 10.7 units up to 16
    /// channels made 1.2 MB weight-transform blocks for 512 channels, which left a 1 MB
    /// L2: 512@14 and a batch of 4 at 512@7 ran 2-3x slower. Always rounding down cost
    /// ResNet-18's smaller maps 5-10%.)
    fn sized(total: usize, count: usize, q: usize) -> Blocks {
        let (units, count) = (total.div_ceil(q).max(1), count.max(1));
        let up = units.div_ceil(count);
        let per = if 4 * up * count > 5 * units { (units / count).max(1) } else { up };
        Blocks::new(total, units.div_ceil(per), q)
    }
    /// As many blocks or more, a multiple of `threads` where there are units enough:
    /// threads taking blocks in turn then get even shares. (Not larger blocks: two
    /// blocks of 7 tile rows for 64 channels at 56x56 left L2 and ran slower on two
    /// threads than 5-row blocks on one.)
    fn for_threads(self, threads: usize) -> Blocks {
        Blocks::new(self.total, self.count.next_multiple_of(threads.max(1)), self.q)
    }
    /// Start and length of block i.
    fn range(&self, i: usize) -> (usize, usize) {
        let units = self.total.div_ceil(self.q);
        let (base, extra) = (units / self.count, units % self.count);
        let start = (i * base + i.min(extra)) * self.q;
        (start, ((base + usize::from(i < extra)) * self.q).min(self.total - start))
    }
    fn largest(&self) -> usize {
        self.range(0).1
    }
    /// total / (threads * the busiest thread's units) when threads take blocks in turn:
    /// 1 for even shares.
    fn evenness(&self, threads: usize) -> f32 {
        let busiest = (0..threads).map(|t| (t..self.count).step_by(threads).map(|i| self.range(i).1).sum::<usize>()).max().unwrap_or(0);
        self.total as f32 / (threads * busiest).max(1) as f32
    }
}

thread_local! {
    /// Scratch reused across calls, one per thread: a task's own transform and products
    /// (SCRATCH) and the shared transform its caller computes (SHARED).
    static SCRATCH: RefCell<Vec<u128>> = const { RefCell::new(Vec::new()) };
    static SHARED: RefCell<Vec<u128>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with `len` floats of `key`'s scratch (gemm's thread-local buffers), 64-byte
/// aligned so tasks writing whole lines of it never share one. The contents are stale:
/// every value read is written first, or lands only in lanes no output keeps.
unsafe fn with_scratch<R>(key: &'static std::thread::LocalKey<RefCell<Vec<u128>>>, len: usize, f: impl FnOnce(*mut f32) -> R) -> R {
    gemm::with_pack_buffer::<f32, _>(key, len + 16, |p| f(p.add((16 - p as usize / 4 % 16) % 16)))
}

/// dw = the gradient of conv(x, w) with respect to w given dy (overwrites dw), for a
/// geometry where `applies` holds, by Winograd F(3x3, 4x4): the 3x3 kernel is the
/// output and each 4x4 tile of dy the filter, dw = A'^T [sum over tiles (G' dy G'^T) .
/// (B^T x B)] A', with the forward's 6x6 input tiles of x and B^T (the same points
/// 0, +-1, +-2, inf), G' (6x4) and A'^T (3x6) for the swapped sizes. The sum over tiles
/// and images becomes 36 GEMMs M[k] (OC x C) += D[k] (OC x tiles) @ V[k]^T (tiles x C),
/// a quarter of the im2col GEMM's multiply-adds, in blocks of tile rows whose D and V
/// fit the scratch budget.
///
/// # Safety
/// Pointers cover contiguous dy, x, dw of the geometry's shapes.
pub unsafe fn backward_weight(g: &Geom, dy: *const f32, x: *const f32, dw: *mut f32) {
    let (c, oc) = (g.c, g.oc);
    let (tx, ty) = (g.ow.div_ceil(4), g.oh.div_ceil(4));
    let rows = g.n * ty; // tile rows over all images
    if rows == 0 || tx == 0 || c == 0 || oc == 0 {
        core::slice::from_raw_parts_mut(dw, g.groups * oc * c * 9).fill(0.0);
        return;
    }
    let rb = (2 * BUDGET / (36 * (c + oc) * tx)).clamp(1, rows);
    // D and V rows: a block's tiles and 4 spare floats for the last tiles' lanes
    let row = rb * tx + 4;
    let (ds, vs, ms) = (oc * row + SKEW, c * row + SKEW, oc * c + SKEW);
    let mut d = vec![0f32; 36 * ds];
    let mut v = vec![0f32; 36 * vs];
    let mut m = vec![0f32; 36 * ms];
    let wb = tx.next_multiple_of(4) * 4 + 4; // padded row width (multiple of 4)
    // Split across threads by channels for the transforms and by the 36 sums, each
    // owned by one task and accumulated over the blocks in order: the same bits.
    let split = gemm::parallel_pays(oc, c, 36 * rows * tx);
    let chunks = |len: usize| len.div_ceil(16).max(1);
    let (vp, dp, mp) = (v.as_mut_ptr(), d.as_mut_ptr(), m.as_mut_ptr());
    for gr in 0..g.groups {
        let mut r0 = 0;
        while r0 < rows {
            let nrows = rb.min(rows - r0);
            let tb = nrows * tx;
            // tasks own whole channels of x or of dy: a row's spare lanes land on the
            // same channel's next row (rewritten after) or its spare floats
            let (per_c, per_o) = (chunks(c), chunks(oc));
            let c_tasks = c.div_ceil(per_c);
            parallel::parallel_for_if(split, c_tasks + oc.div_ceil(per_o), |t| {
                let mut rowbuf = vec![0f32; 12 * wb];
                let (inputs, lo, hi) = if t < c_tasks { (true, t * per_c, ((t + 1) * per_c).min(c)) } else { (false, (t - c_tasks) * per_o, ((t - c_tasks + 1) * per_o).min(oc)) };
                for ch in lo..hi {
                    for r in 0..nrows {
                        let (n, tyi) = ((r0 + r) / ty, (r0 + r) % ty);
                        if inputs {
                            let plane = x.add(((n * g.groups + gr) * c + ch) * g.h * g.w);
                            let dst = VDst { v: vp, stride: vs, c: ch, cdim: c, t0: r * tx, row };
                            input_row(g, plane, tyi, tx, wb, &mut rowbuf, &dst);
                        } else {
                            let plane = dy.add(((n * g.groups + gr) * oc + ch) * g.oh * g.ow);
                            grad_row(g, plane, tyi, tx, wb, &mut rowbuf, dp.add(ch * row + r * tx), ds);
                        }
                    }
                }
            });
            let beta = if r0 == 0 { 0.0 } else { 1.0 };
            let (dp, vp) = (dp as *const f32, vp as *const f32);
            parallel::parallel_for_if(split, 36, |k| {
                let a = Strided::new(dp.add(k * ds), row as isize, 1);
                let b = Strided::new(vp.add(k * vs), 1, row as isize);
                gemm(oc, c, tb, 1.0, &a, &b, beta, mp.add(k * ms), c as isize, 1);
            });
            r0 += nrows;
        }
        let dwg = dw.add(gr * oc * c * 9);
        for o in 0..oc {
            for ci in 0..c {
                let at = |k: usize| m[k * ms + o * c + ci];
                let mut s = [[0f32; 6]; 3];
                for j in 0..6 {
                    let col = at3(core::array::from_fn(|i| at(i * 6 + j)));
                    for (r, val) in col.iter().enumerate() {
                        s[r][j] = *val;
                    }
                }
                for (ky, srow) in s.iter().enumerate() {
                    let out = dwg.add(((o * c + ci) * 3 + ky) * 3);
                    for (kx, val) in at3(*srow).iter().enumerate() {
                        *out.add(kx) = *val;
                    }
                }
            }
        }
    }
}

/// G' applied to one 4-vector: its values at the interpolation points 0, +-1, +-2, inf,
/// scaled as the forward's G (which puts B^T's normalisation there).
#[inline(always)]
fn g6_of4([g0, g1, g2, g3]: [F4; 4]) -> [F4; 6] {
    let even = g0 + g2;
    let odd = g1 + g3;
    let e4 = g0 * (1.0 / 24.0) + g2 * (1.0 / 6.0);
    let o4 = g1 * (1.0 / 12.0) + g3 * (1.0 / 3.0);
    [g0 * 0.25, (even + odd) * (-1.0 / 6.0), (even - odd) * (-1.0 / 6.0), e4 + o4, e4 - o4, g3]
}

/// A'^T applied to 6 values (3 outputs).
#[inline(always)]
fn at3([m0, m1, m2, m3, m4, m5]: [f32; 6]) -> [f32; 3] {
    let (s12, d12, s34, d34) = (m1 + m2, m1 - m2, m3 + m4, m3 - m4);
    [m0 + s12 + s34, d12 + d34 * 2.0, s12 + s34 * 4.0 + m5]
}

/// G' transforms of the 4x4 tiles of one tile row of a dy plane (zero past its edges):
/// tile t's 36 values at `d + k*ks + t`.
unsafe fn grad_row(g: &Geom, plane: *const f32, tyi: usize, tx: usize, wb: usize, buf: &mut [f32], d: *mut f32, ks: usize) {
    let (rows, t1) = buf.split_at_mut(4 * wb);
    for r in 0..4 {
        let line = &mut rows[r * wb..(r + 1) * wb];
        let oy = 4 * tyi + r;
        if oy >= g.oh {
            line.fill(0.0);
        } else {
            line[..g.ow].copy_from_slice(core::slice::from_raw_parts(plane.add(oy * g.ow), g.ow));
            line[g.ow..].fill(0.0);
        }
    }
    // t1 = G' rows (6 x wb)
    let (rp, tp) = (rows.as_ptr(), t1.as_mut_ptr());
    let mut xb = 0;
    while xb < wb {
        let col = core::array::from_fn(|r| F4::load(rp.add(r * wb + xb)));
        for (i, val) in g6_of4(col).iter().enumerate() {
            val.store(tp.add(i * wb + xb));
        }
        xb += 4;
    }
    // G' along each row, 4 tiles per step (lane q = tile t + q); lanes past the row's
    // last tile land on the next tile row's slots (written later) or the spare floats
    let mut t = 0;
    while t < tx {
        for i in 0..6 {
            let p = tp.add(i * wb + 4 * t);
            let cols = F4::transpose(F4::load(p), F4::load(p.add(4)), F4::load(p.add(8)), F4::load(p.add(12)));
            for (j, val) in g6_of4(cols).iter().enumerate() {
                val.store(d.add((i * 6 + j) * ks + t));
            }
        }
        t += 4;
    }
}

/// Offset of element (row, k) of a matrix stored as W-wide panels over `kdim` (see Panels).
#[inline(always)]
fn panel_index(row: usize, k: usize, kdim: usize, w: usize) -> usize {
    (row / w * kdim + k) * w + row % w
}

/// A GEMM operand stored as its packed panels: panel p (W rows of A, or W columns of B)
/// holds, for each of the `k` reduction indices, its W values (gemm's block starts are
/// multiples of W). Blocks spanning the whole reduction are read in place; split ones
/// (k > KC) are copied panel by panel.
struct Panels {
    ptr: *const f32,
    k: usize,
}

impl Panels {
    unsafe fn copy<const W: usize>(&self, i0: usize, n: usize, k0: usize, kb: usize, dst: *mut f32) {
        for p in 0..n.div_ceil(W) {
            core::ptr::copy_nonoverlapping(self.ptr.add(((i0 / W + p) * self.k + k0) * W), dst.add(p * W * kb), W * kb);
        }
    }
    unsafe fn in_place<const W: usize>(&self, i0: usize, k0: usize, kb: usize) -> *const f32 {
        if k0 == 0 && kb == self.k {
            self.ptr.add(i0 / W * W * self.k)
        } else {
            core::ptr::null()
        }
    }
}

impl PackA<f32> for Panels {
    unsafe fn pack_a<const MR: usize>(&self, i0: usize, mb: usize, k0: usize, kb: usize, dst: *mut f32) {
        self.copy::<MR>(i0, mb, k0, kb, dst)
    }
    unsafe fn packed_a<const MR: usize>(&self, i0: usize, k0: usize, kb: usize) -> *const f32 {
        self.in_place::<MR>(i0, k0, kb)
    }
}

impl PackB<f32> for Panels {
    unsafe fn pack_b<const NR: usize>(&self, k0: usize, kb: usize, j0: usize, nb: usize, dst: *mut f32) {
        self.copy::<NR>(j0, nb, k0, kb, dst)
    }
    unsafe fn packed_b<const NR: usize>(&self, k0: usize, kb: usize, j0: usize) -> *const f32 {
        self.in_place::<NR>(j0, k0, kb)
    }
}

/// U[k] = (G g G^T)[k] for `oc` output x `c` input channels (w: [oc][c][3][3]), as
/// MR-row panels over c, U[k] at `u + k*ks`; the output channels in [o_lo, o_hi) (o_lo a
/// multiple of 4). Lanes are 4 output channels, so with MR = 4 each result is one vector store.
unsafe fn weights(w: *const f32, oc: usize, c: usize, u: *mut f32, ks: usize, o_lo: usize, o_hi: usize) {
    let mr = <f32 as GemmFloat>::MR;
    let mut o0 = o_lo; // a multiple of 4
    while o0 < o_hi {
        let lanes = 4.min(oc - o0);
        let whole = lanes == 4 && o0 % mr + 4 <= mr;
        for ci in 0..c {
            // g[t] for `lanes` output channels: with all 4, taps 0-3 and 4-7 of each
            // channel as vectors, transposed to lane = channel
            let p: [*const f32; 4] = core::array::from_fn(|l| w.add(((o0 + l.min(lanes - 1)) * c + ci) * 9));
            let gv: [F4; 9] = if lanes == 4 {
                let lo = F4::transpose(F4::load(p[0]), F4::load(p[1]), F4::load(p[2]), F4::load(p[3]));
                let hi = F4::transpose(F4::load(p[0].add(4)), F4::load(p[1].add(4)), F4::load(p[2].add(4)), F4::load(p[3].add(4)));
                let last = F4::new([*p[0].add(8), *p[1].add(8), *p[2].add(8), *p[3].add(8)]);
                [lo[0], lo[1], lo[2], lo[3], hi[0], hi[1], hi[2], hi[3], last]
            } else {
                core::array::from_fn(|t| F4::new(core::array::from_fn(|l| if l < lanes { *p[l].add(t) } else { 0.0 })))
            };
            // G g: 6 x 3, then (G g) G^T: 6 x 6
            let mut t1 = [[F4::splat(0.0); 3]; 6];
            for j in 0..3 {
                let col = g6([gv[j], gv[3 + j], gv[6 + j]]);
                for i in 0..6 {
                    t1[i][j] = col[i];
                }
            }
            for (i, row) in t1.iter().enumerate() {
                for (j, val) in g6(*row).iter().enumerate() {
                    let uk = u.add((i * 6 + j) * ks);
                    if whole {
                        val.store(uk.add(panel_index(o0, ci, c, mr)));
                    } else {
                        for (l, x) in val.lanes().iter().enumerate().take(lanes) {
                            *uk.add(panel_index(o0 + l, ci, c, mr)) = *x;
                        }
                    }
                }
            }
        }
        o0 += 4;
    }
}

/// G applied to one 3-vector: the kernel's values at the interpolation points 0, ±1, ±2, inf.
#[inline(always)]
fn g6([g0, g1, g2]: [F4; 3]) -> [F4; 6] {
    let even = g0 + g2;
    let e4 = g0 * (1.0 / 24.0) + g2 * (1.0 / 6.0);
    let o4 = g1 * (1.0 / 12.0);
    [
        g0 * 0.25,
        (even + g1) * (-1.0 / 6.0),
        (even - g1) * (-1.0 / 6.0),
        e4 + o4,
        e4 - o4,
        g2,
    ]
}

/// B^T applied to 6 values.
#[inline(always)]
fn bt6([d0, d1, d2, d3, d4, d5]: [F4; 6]) -> [F4; 6] {
    let s12 = d1 + d2;
    let d12 = d1 - d2;
    let s34 = d3 + d4;
    let d43 = d4 - d3;
    let d42 = d4 - d2;
    let d31 = d3 - d1;
    [
        d0 * 4.0 - d2 * 5.0 + d4,
        s34 - s12 * 4.0,
        d43 + d12 * 4.0,
        d42 + d31 * 2.0,
        d42 - d31 * 2.0,
        d1 * 4.0 - d3 * 5.0 + d5,
    ]
}

/// A^T applied to 6 values.
#[inline(always)]
fn at6([m0, m1, m2, m3, m4, m5]: [F4; 6]) -> [F4; 4] {
    let s12 = m1 + m2;
    let d12 = m1 - m2;
    let s34 = m3 + m4;
    let d34 = m3 - m4;
    [m0 + s12 + s34, d12 + d34 * 2.0, s12 + s34 * 4.0, d12 + d34 * 8.0 + m5]
}

/// Where input transforms go: V[k] (C x tiles) at `v + k*stride`, as NR-column panels
/// (`row` 0) or rows of `row` floats; this channel `c` of `cdim`, the tile row starting
/// at tile `t0`.
struct VDst {
    v: *mut f32,
    stride: usize,
    c: usize,
    cdim: usize,
    t0: usize,
    row: usize,
}

impl VDst {
    /// Offset of tile `t`'s value in each V[k].
    #[inline(always)]
    fn index(&self, t: usize) -> usize {
        if self.row == 0 { panel_index(t, self.c, self.cdim, <f32 as GemmFloat>::NR) } else { self.c * self.row + t }
    }
}

/// Input transforms of one tile row (tile row `tyi` of one channel plane) into `dst`.
///
/// The B^T pass runs along whole padded rows (4 columns per vector); the B pass then
/// takes 4 tiles at a time, whose columns are a 4x4 transpose of the row apart.
unsafe fn input_row(g: &Geom, plane: *const f32, tyi: usize, tx: usize, wb: usize, buf: &mut [f32], dst: &VDst) {
    let nr = <f32 as GemmFloat>::NR;
    let (rows, t1) = buf.split_at_mut(6 * wb);
    // rows[r][xb] = input (4*tyi + r - ph, xb - pw), zero outside the image
    let n = g.w.min(wb - g.pw);
    for r in 0..6 {
        let line = &mut rows[r * wb..(r + 1) * wb];
        let iy = (4 * tyi + r) as isize - g.ph as isize;
        if iy < 0 || iy >= g.h as isize {
            line.fill(0.0);
        } else {
            line[..g.pw].fill(0.0);
            line[g.pw..g.pw + n].copy_from_slice(core::slice::from_raw_parts(plane.add(iy as usize * g.w), n));
            line[g.pw + n..].fill(0.0);
        }
    }
    // t1 = B^T rows (6 x wb)
    let (rp, tp) = (rows.as_ptr(), t1.as_mut_ptr());
    let mut xb = 0;
    while xb < wb {
        let d = core::array::from_fn(|r| F4::load(rp.add(r * wb + xb)));
        for (i, val) in bt6(d).iter().enumerate() {
            val.store(tp.add(i * wb + xb));
        }
        xb += 4;
    }
    // B along each row, 4 tiles per step (lane q = tile t + q)
    let mut t = 0;
    while t < tx {
        let lanes = 4.min(tx - t);
        for i in 0..6 {
            let p = tp.add(i * wb + 4 * t);
            let [c0, c1, c2, c3] = F4::transpose(F4::load(p), F4::load(p.add(4)), F4::load(p.add(8)), F4::load(p.add(12)));
            let v4 = F4::load(p.add(16));
            let cols = [c0, c1, c2, c3, F4::next0(c0, v4), F4::next1(c1, v4)];
            // One vector store when the 4 slots lie in one NR-wide panel. Lanes past the
            // row's last tile land on slots the next tile row (written later) or the
            // panel's padding owns.
            // (rows keep 4 spare floats at their end for the last tiles' lanes)
            let t_abs = dst.t0 + t;
            let whole = dst.row != 0 || t_abs % nr + 4 <= nr;
            for (j, val) in bt6(cols).iter().enumerate() {
                let vk = dst.v.add((i * 6 + j) * dst.stride);
                if whole {
                    val.store(vk.add(dst.index(t_abs)));
                } else {
                    for (l, x) in val.lanes().iter().enumerate().take(lanes) {
                        *vk.add(dst.index(t_abs + l)) = *x;
                    }
                }
            }
        }
        t += 4;
    }
}

/// Output transforms of one tile row of one output channel: M[k][t] at `m + k*ks + t`,
/// plus `bias`, written into the output plane `out` (partial tiles clipped).
#[allow(clippy::needless_range_loop)] // j indexes the 6x6 layout
unsafe fn output_row(g: &Geom, m: *const f32, ks: usize, tyi: usize, tx: usize, bias: f32, out: *mut f32) {
    let mut t = 0;
    while t < tx {
        let lanes = 4.min(tx - t);
        // A^T along columns: s[r][j] for 4 tiles
        let mut s = [[F4::splat(0.0); 6]; 4];
        for j in 0..6 {
            let col = core::array::from_fn(|i| F4::load(m.add((i * 6 + j) * ks + t)));
            for (r, val) in at6(col).iter().enumerate() {
                s[r][j] = *val;
            }
        }
        for (r, srow) in s.iter().enumerate() {
            let oy = 4 * tyi + r;
            if oy >= g.oh {
                break;
            }
            let o = at6(*srow); // o[c] lane q: output (oy, 4*(t+q) + c)
            let b = F4::splat(bias);
            let tiles = F4::transpose(o[0] + b, o[1] + b, o[2] + b, o[3] + b);
            let row = out.add(oy * g.ow);
            for (q, val) in tiles.iter().enumerate().take(lanes) {
                let ox = 4 * (t + q);
                val.store_n(row.add(ox), 4.min(g.ow - ox));
            }
        }
        t += 4;
    }
}

/// Four f32 lanes: SIMD128 on wasm, a plain array elsewhere (the host build and tests).
mod f4 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    use core::arch::wasm32::*;
    use core::ops::{Add, Mul, Sub};

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[derive(Clone, Copy)]
    pub struct F4(v128);

    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    #[derive(Clone, Copy)]
    pub struct F4([f32; 4]);

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    impl F4 {
        #[inline(always)]
        pub fn splat(a: f32) -> F4 {
            F4(f32x4_splat(a))
        }
        #[inline(always)]
        pub fn new(a: [f32; 4]) -> F4 {
            F4(f32x4(a[0], a[1], a[2], a[3]))
        }
        /// # Safety
        /// `p` has 4 readable floats.
        #[inline(always)]
        pub unsafe fn load(p: *const f32) -> F4 {
            F4(v128_load(p as *const v128))
        }
        /// # Safety
        /// `p` has 4 writable floats.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut f32) {
            v128_store(p as *mut v128, self.0)
        }
        /// 4 x 4 transpose: result[i] lane j = input j lane i.
        #[inline(always)]
        pub fn transpose(a: F4, b: F4, c: F4, d: F4) -> [F4; 4] {
            let ab_lo = i32x4_shuffle::<0, 4, 1, 5>(a.0, b.0);
            let ab_hi = i32x4_shuffle::<2, 6, 3, 7>(a.0, b.0);
            let cd_lo = i32x4_shuffle::<0, 4, 1, 5>(c.0, d.0);
            let cd_hi = i32x4_shuffle::<2, 6, 3, 7>(c.0, d.0);
            [
                F4(i64x2_shuffle::<0, 2>(ab_lo, cd_lo)),
                F4(i64x2_shuffle::<1, 3>(ab_lo, cd_lo)),
                F4(i64x2_shuffle::<0, 2>(ab_hi, cd_hi)),
                F4(i64x2_shuffle::<1, 3>(ab_hi, cd_hi)),
            ]
        }
        /// [a1, a2, a3, b0]
        #[inline(always)]
        pub fn next0(a: F4, b: F4) -> F4 {
            F4(i32x4_shuffle::<1, 2, 3, 4>(a.0, b.0))
        }
        /// [a1, a2, a3, b1]
        #[inline(always)]
        pub fn next1(a: F4, b: F4) -> F4 {
            F4(i32x4_shuffle::<1, 2, 3, 5>(a.0, b.0))
        }
        pub fn lanes(self) -> [f32; 4] {
            let mut a = [0f32; 4];
            unsafe { v128_store(a.as_mut_ptr() as *mut v128, self.0) };
            a
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    impl Add for F4 {
        type Output = F4;
        #[inline(always)]
        fn add(self, o: F4) -> F4 {
            F4(f32x4_add(self.0, o.0))
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    impl Sub for F4 {
        type Output = F4;
        #[inline(always)]
        fn sub(self, o: F4) -> F4 {
            F4(f32x4_sub(self.0, o.0))
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    impl Mul<f32> for F4 {
        type Output = F4;
        #[inline(always)]
        fn mul(self, s: f32) -> F4 {
            F4(f32x4_mul(self.0, f32x4_splat(s)))
        }
    }

    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    impl F4 {
        #[inline(always)]
        pub fn splat(a: f32) -> F4 {
            F4([a; 4])
        }
        #[inline(always)]
        pub fn new(a: [f32; 4]) -> F4 {
            F4(a)
        }
        /// # Safety
        /// `p` has 4 readable floats.
        #[inline(always)]
        pub unsafe fn load(p: *const f32) -> F4 {
            F4(core::ptr::read_unaligned(p as *const [f32; 4]))
        }
        /// # Safety
        /// `p` has 4 writable floats.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut f32) {
            core::ptr::write_unaligned(p as *mut [f32; 4], self.0)
        }
        /// 4 x 4 transpose: result[i] lane j = input j lane i.
        #[inline(always)]
        pub fn transpose(a: F4, b: F4, c: F4, d: F4) -> [F4; 4] {
            core::array::from_fn(|i| F4([a.0[i], b.0[i], c.0[i], d.0[i]]))
        }
        /// [a1, a2, a3, b0]
        #[inline(always)]
        pub fn next0(a: F4, b: F4) -> F4 {
            F4([a.0[1], a.0[2], a.0[3], b.0[0]])
        }
        /// [a1, a2, a3, b1]
        #[inline(always)]
        pub fn next1(a: F4, b: F4) -> F4 {
            F4([a.0[1], a.0[2], a.0[3], b.0[1]])
        }
        pub fn lanes(self) -> [f32; 4] {
            self.0
        }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    impl Add for F4 {
        type Output = F4;
        #[inline(always)]
        fn add(self, o: F4) -> F4 {
            F4(core::array::from_fn(|i| self.0[i] + o.0[i]))
        }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    impl Sub for F4 {
        type Output = F4;
        #[inline(always)]
        fn sub(self, o: F4) -> F4 {
            F4(core::array::from_fn(|i| self.0[i] - o.0[i]))
        }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    impl Mul<f32> for F4 {
        type Output = F4;
        #[inline(always)]
        fn mul(self, s: f32) -> F4 {
            F4(self.0.map(|v| v * s))
        }
    }

    impl F4 {
        /// Stores the first `n` lanes (all 4 as one vector).
        ///
        /// # Safety
        /// `p` has `n` writable floats.
        #[inline(always)]
        pub unsafe fn store_n(self, p: *mut f32, n: usize) {
            if n >= 4 {
                self.store(p)
            } else {
                let a = self.lanes();
                core::ptr::copy_nonoverlapping(a.as_ptr(), p, n);
            }
        }
    }
}
