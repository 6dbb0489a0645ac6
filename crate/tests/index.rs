//! Index kernels against naive references: odd sizes, broadcast and non-contiguous strides.

use torchwasm::kernels::index;
use torchwasm::status;
use std::sync::Mutex;
use torchwasm::kernels::index::LAST_BAD_INDEX;
use torchwasm::strided::Desc;

/// Tests that make kernels fail share LAST_BAD_INDEX: they take turns.
static BAD_INDEX_LOCK: Mutex<()> = Mutex::new(());

/// A deterministic pseudo-random sequence.
fn lcg(seed: &mut u64) -> u64 {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    *seed >> 33
}

#[test]
fn offsets_wrap_negative_and_accumulate() {
    // broadcast shape [3, 2]: idx0 [3, 1] (column), idx1 [2] (row), src strides (7, 2)
    let idx0: Vec<i64> = vec![0, -1, 2];
    let idx1: Vec<i32> = vec![1, -3];
    let mut offs = vec![0i64; 6];
    unsafe {
        let d = Desc::<2>::new(&[3, 2], [&[2, 1], &[1, 0]]);
        assert_eq!(index::index_offsets::<i64>(&d, offs.as_mut_ptr(), idx0.as_ptr(), 3, 7, true, true), 0);
        let d = Desc::<2>::new(&[3, 2], [&[2, 1], &[0, 1]]);
        assert_eq!(index::index_offsets::<i32>(&d, offs.as_mut_ptr(), idx1.as_ptr(), 3, 2, false, true), 0);
    }
    let mut want = vec![];
    for &a in &idx0 {
        for &b in &idx1 {
            let a = if a < 0 { a + 3 } else { a };
            let b = (if b < 0 { b + 3 } else { b }) as i64;
            want.push(a * 7 + b * 2);
        }
    }
    assert_eq!(offs, want);
}

#[test]
fn offsets_reject_out_of_range_without_writing() {
    let _turn = BAD_INDEX_LOCK.lock().unwrap();
    let idx: Vec<i64> = vec![0, 1, 5, 2];
    let mut offs = vec![-9i64; 4];
    let d = Desc::<2>::new(&[4], [&[1], &[1]]);
    let st = unsafe { index::index_offsets::<i64>(&d, offs.as_mut_ptr(), idx.as_ptr(), 3, 1, true, true) };
    assert_eq!(st, status::ERR_INDEX);
    assert_eq!(LAST_BAD_INDEX.load(std::sync::atomic::Ordering::Relaxed), 5);
    assert_eq!(offs, vec![-9; 4]);
    let idx: Vec<i64> = vec![-4];
    let d = Desc::<2>::new(&[1], [&[1], &[1]]);
    assert_eq!(unsafe { index::index_offsets::<i64>(&d, offs.as_mut_ptr(), idx.as_ptr(), 3, 1, true, true) }, status::ERR_INDEX);
    // without wrapping, negative indices are out of range too
    let idx: Vec<i64> = vec![0, -1];
    let d = Desc::<2>::new(&[2], [&[1], &[1]]);
    assert_eq!(unsafe { index::index_offsets::<i64>(&d, offs.as_mut_ptr(), idx.as_ptr(), 3, 1, true, false) }, status::ERR_INDEX);
    assert_eq!(LAST_BAD_INDEX.load(std::sync::atomic::Ordering::Relaxed), -1);
}

/// x[:, idx] for x = a transposed 5 x 7 matrix (non-contiguous), idx of odd length.
#[test]
fn gather_put_match_reference_on_strided_source() {
    let (r, c) = (5usize, 7usize);
    let data: Vec<f32> = (0..r * c).map(|i| i as f32 * 0.5 - 3.0).collect();
    // x[i, j] = data[j * r + i] (x is data viewed as c x r, transposed)
    let mut seed = 7;
    let idx: Vec<i64> = (0..9).map(|_| lcg(&mut seed) as i64 % (2 * c as i64) - c as i64).collect();
    let mut offs = vec![0i64; idx.len()];
    unsafe {
        let d = Desc::<2>::new(&[idx.len()], [&[1], &[1]]);
        assert_eq!(index::index_offsets::<i64>(&d, offs.as_mut_ptr(), idx.as_ptr(), c as i64, r as i64, true, true), 0);
    }
    // result [r, 9]: operands out (9, 1), src (1 along rows, 0 along idx), offs (0, 1)
    let mut out = vec![0f32; r * idx.len()];
    let d = Desc::<3>::new(&[r, idx.len()], [&[idx.len() as isize, 1], &[1, 0], &[0, 1]]);
    unsafe { index::index_gather::<f32>(&d, out.as_mut_ptr(), data.as_ptr(), offs.as_ptr()) };
    for i in 0..r {
        for (k, &j) in idx.iter().enumerate() {
            let j = if j < 0 { j + c as i64 } else { j } as usize;
            assert_eq!(out[i * idx.len() + k], data[j * r + i]);
        }
    }
    // put with accumulate: duplicates add up; compare with a naive loop
    let mut dst = data.clone();
    let mut want = data.clone();
    let vals: Vec<f32> = (0..r * idx.len()).map(|i| i as f32).collect();
    // operands dst (1 along rows, 0 along idx), values (9, 1), offs (0, 1)
    let d = Desc::<3>::new(&[r, idx.len()], [&[1, 0], &[idx.len() as isize, 1], &[0, 1]]);
    unsafe { index::index_put::<f32>(true, &d, dst.as_mut_ptr(), vals.as_ptr(), offs.as_ptr()) };
    for i in 0..r {
        for (k, &j) in idx.iter().enumerate() {
            let j = if j < 0 { j + c as i64 } else { j } as usize;
            want[j * r + i] += vals[i * idx.len() + k];
        }
    }
    assert_eq!(dst, want);
    // put without accumulate, broadcast scalar value (stride 0)
    let mut dst = data.clone();
    let one = [42f32];
    let d = Desc::<3>::new(&[r, idx.len()], [&[1, 0], &[0, 0], &[0, 1]]);
    unsafe { index::index_put::<f32>(false, &d, dst.as_mut_ptr(), one.as_ptr(), offs.as_ptr()) };
    for j in 0..c {
        let hit = idx.iter().any(|&x| (if x < 0 { x + c as i64 } else { x }) as usize == j);
        for i in 0..r {
            assert_eq!(dst[j * r + i], if hit { 42.0 } else { data[j * r + i] });
        }
    }
}

#[test]
fn nonzero_reports_coordinates_in_row_major_order() {
    // a 3 x 5 view with strides (1, 3) of a 15-element buffer
    let data: Vec<i32> = (0..15).map(|i| if i % 4 == 1 || i == 0 { 0 } else { i }).collect();
    let mut out = vec![-1i64; 30];
    let n = unsafe { index::nonzero::<i32>(&[3, 5], &[1, 3], data.as_ptr(), out.as_mut_ptr(), 15) };
    let mut want = vec![];
    for i in 0..3 {
        for j in 0..5 {
            if data[i + 3 * j] != 0 {
                want.push(i as i64);
                want.push(j as i64);
            }
        }
    }
    assert_eq!(n, want.len() / 2);
    assert_eq!(&out[..want.len()], &want[..]);
    // the limit bounds what is written
    let mut small = vec![-1i64; 4];
    assert_eq!(unsafe { index::nonzero::<i32>(&[3, 5], &[1, 3], data.as_ptr(), small.as_mut_ptr(), 2) }, 2);
    assert_eq!(small, want[..4].to_vec());
    // 0-d: one empty coordinate row
    let x = [3.0f64];
    assert_eq!(unsafe { index::nonzero::<f64>(&[], &[], x.as_ptr(), small.as_mut_ptr(), 1) }, 1);
}

#[test]
fn repeat_interleave_counts_expands_and_validates() {
    let _turn = BAD_INDEX_LOCK.lock().unwrap();
    let counts: Vec<i64> = vec![2, 9, 0, 9, 3, 9, 1];
    let mut out = vec![0i64; 6];
    // stride 2 reads 2, 0, 3, 1
    assert_eq!(unsafe { index::repeat_interleave_counts(4, counts.as_ptr(), 2, out.as_mut_ptr(), 6) }, 0);
    assert_eq!(out, vec![0, 0, 2, 2, 2, 3]);
    let bad: Vec<i64> = vec![1, -2];
    assert_eq!(unsafe { index::repeat_interleave_counts(2, bad.as_ptr(), 1, out.as_mut_ptr(), 0) }, status::ERR_INDEX);
    assert_eq!(unsafe { index::repeat_interleave_counts(4, counts.as_ptr(), 2, out.as_mut_ptr(), 5) }, status::ERR_SIZE);
}

#[test]
fn triangle_matches_reference_for_offsets_and_strides() {
    let (b, r, c) = (3usize, 4usize, 5usize);
    let a: Vec<f64> = (0..b * r * c).map(|i| i as f64 + 1.0).collect();
    for upper in [false, true] {
        for k in -3i64..=4 {
            // input read transposed within each matrix: a[bi, i, j] = a[bi*r*c + j*r + i] (c x r storage)
            let mut o = vec![f64::NAN; b * r * c];
            let d = Desc::<2>::new(&[b], [&[(r * c) as isize], &[(r * c) as isize]]);
            unsafe { index::triangle::<f64>(upper, k, &d, r, c, o.as_mut_ptr(), [c as isize, 1], a.as_ptr(), [1, r as isize]) };
            for bi in 0..b {
                for i in 0..r {
                    for j in 0..c {
                        let v = a[bi * r * c + j * r + i];
                        let keep = if upper { j as i64 - i as i64 >= k } else { j as i64 - i as i64 <= k };
                        assert_eq!(o[bi * r * c + i * c + j], if keep { v } else { 0.0 });
                    }
                }
            }
        }
    }
}

#[test]
fn gather_and_scatter_reject_negative_indices_like_pytorch() {
    let _turn = BAD_INDEX_LOCK.lock().unwrap();
    let a = [1.0f32, 2.0, 3.0];
    let idx: Vec<i64> = vec![2, -1];
    let mut out = [0f32; 2];
    // out[i] = a[idx[i]]: operands out, idx, a (dim stride moved out)
    let d = Desc::<3>::new(&[2], [&[1], &[1], &[0]]);
    assert_eq!(unsafe { index::gather::<f32>(&d, out.as_mut_ptr(), idx.as_ptr(), a.as_ptr(), 1, 3) }, status::ERR_INDEX);
    assert_eq!(LAST_BAD_INDEX.load(std::sync::atomic::Ordering::Relaxed), -1);
    assert_eq!(out, [0.0, 0.0]);
    let good: Vec<i64> = vec![2, 0];
    assert_eq!(unsafe { index::gather::<f32>(&d, out.as_mut_ptr(), good.as_ptr(), a.as_ptr(), 1, 3) }, 0);
    assert_eq!(out, [3.0, 1.0]);
    let mut s = [0f32; 3];
    let src = [5f32, 6.0];
    let d = Desc::<3>::new(&[2], [&[0], &[1], &[1]]);
    assert_eq!(unsafe { index::scatter::<f32>(index::SCATTER_ADD, &d, s.as_mut_ptr(), idx.as_ptr(), src.as_ptr(), 1, 3) }, status::ERR_INDEX);
    assert_eq!(s, [0.0; 3]);
    assert_eq!(unsafe { index::scatter::<f32>(index::SCATTER_ADD, &d, s.as_mut_ptr(), good.as_ptr(), src.as_ptr(), 1, 3) }, 0);
    assert_eq!(s, [6.0, 0.0, 5.0]);
}
