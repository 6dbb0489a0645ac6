//! Sort kernels against naive references (std's stable sort), with NaN, ties and strides.

use torchwasm::kernels::sort;
use torchwasm::strided::Desc;

fn lcg(seed: &mut u64) -> u64 {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    *seed >> 33
}

/// PyTorch's order: NaN largest; stable.
fn reference(line: &[f64], descending: bool) -> Vec<usize> {
    let mut p: Vec<usize> = (0..line.len()).collect();
    p.sort_by(|&a, &b| {
        let (x, y) = (line[a], line[b]);
        let ord = match (x.is_nan(), y.is_nan()) {
            (true, true) => std::cmp::Ordering::Equal,
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            _ => x.partial_cmp(&y).unwrap(),
        };
        if descending { ord.reverse() } else { ord }
    });
    p
}

#[test]
fn sorts_columns_of_a_strided_matrix_stably_with_nan() {
    let mut seed = 3;
    for &(rows, cols) in &[(1usize, 1usize), (37, 3), (5, 129), (200, 2)] {
        // sort along dim 0 of a rows x cols matrix stored row-major: lines are columns
        let a: Vec<f32> = (0..rows * cols)
            .map(|_| match lcg(&mut seed) % 11 { 0 => f32::NAN, v => (v % 5) as f32 - 2.0 })
            .collect();
        for descending in [false, true] {
            for k in [rows, (rows + 1) / 2] {
                let mut vals = vec![0f32; k * cols];
                let mut idx = vec![0i64; k * cols];
                // line starts walk the columns: operands vals (1), idx (1), a (1)
                let d = Desc::<3>::new(&[cols], [&[1], &[1], &[1]]);
                unsafe {
                    sort::sort::<f32>(&d, rows, k, cols as isize, cols as isize, cols as isize, vals.as_mut_ptr(), idx.as_mut_ptr(), a.as_ptr(), descending)
                };
                for c in 0..cols {
                    let line: Vec<f64> = (0..rows).map(|r| a[r * cols + c] as f64).collect();
                    let want = reference(&line, descending);
                    for j in 0..k {
                        assert_eq!(idx[j * cols + c], want[j] as i64, "rows {rows} col {c} pos {j} desc {descending}");
                        let (got, exp) = (vals[j * cols + c], line[want[j]] as f32);
                        assert!(got == exp || (got.is_nan() && exp.is_nan()));
                    }
                }
            }
        }
    }
}

#[test]
fn sorts_integers_exactly_beyond_f64_precision() {
    let a: Vec<i64> = vec![i64::MAX, i64::MAX - 1, -5, i64::MIN, 0, i64::MAX - 1];
    let mut idx = vec![0i64; 6];
    let d = Desc::<3>::new(&[], [&[], &[], &[]]);
    unsafe { sort::sort::<i64>(&d, 6, 6, 1, 1, 1, std::ptr::null_mut(), idx.as_mut_ptr(), a.as_ptr(), false) };
    assert_eq!(idx, vec![3, 2, 4, 1, 5, 0]);
}

#[test]
fn sort_rows_and_unique_group_like_a_reference() {
    let mut seed = 11;
    let (n, m) = (41usize, 3usize);
    let a: Vec<i32> = (0..n * m).map(|_| (lcg(&mut seed) % 3) as i32).collect();
    let mut perm = vec![0i64; n];
    unsafe { sort::sort_rows::<i32>(n, m, a.as_ptr(), perm.as_mut_ptr()) };
    let mut want: Vec<usize> = (0..n).collect();
    want.sort_by(|&x, &y| a[x * m..x * m + m].cmp(&a[y * m..y * m + m]));
    assert_eq!(perm, want.iter().map(|&x| x as i64).collect::<Vec<_>>());
    // gather the sorted rows, then group them
    let sorted: Vec<i32> = want.iter().flat_map(|&r| a[r * m..r * m + m].to_vec()).collect();
    let mut out = vec![0i32; n * m];
    let mut inverse = vec![-1i64; n];
    let mut counts = vec![0i64; n];
    let g = unsafe {
        sort::unique_consecutive::<i32>(n, m, sorted.as_ptr(), perm.as_ptr(), out.as_mut_ptr(), inverse.as_mut_ptr(), counts.as_mut_ptr())
    };
    let mut uniq: Vec<Vec<i32>> = (0..n).map(|r| a[r * m..r * m + m].to_vec()).collect();
    uniq.sort();
    uniq.dedup();
    assert_eq!(g, uniq.len());
    for (gi, row) in uniq.iter().enumerate() {
        assert_eq!(&out[gi * m..gi * m + m], &row[..]);
        let count = (0..n).filter(|&r| a[r * m..r * m + m] == row[..]).count();
        assert_eq!(counts[gi], count as i64);
    }
    for r in 0..n {
        assert_eq!(uniq[inverse[r] as usize], a[r * m..r * m + m].to_vec());
    }
}

#[test]
fn unique_treats_signed_zeros_as_equal_and_nan_as_distinct() {
    let a = [-0.0f32, 0.0, f32::NAN, f32::NAN];
    let mut out = [9f32; 4];
    let mut counts = [0i64; 4];
    let g = unsafe {
        sort::unique_consecutive::<f32>(4, 1, a.as_ptr(), std::ptr::null(), out.as_mut_ptr(), std::ptr::null_mut(), counts.as_mut_ptr())
    };
    assert_eq!(g, 3);
    assert_eq!(&counts[..3], &[2, 1, 1]);
}
