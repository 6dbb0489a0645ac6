//! Pooling (see kernels::pool).

use crate::status::*;
use crate::dtype::*;
use crate::kernels::pool::{self, adaptive_axis, regular_axis, Divisor, Plan};

/// `desc`: 16 i32 [planes, H, W, OH, OW, KH, KW, SH, SW, PH, PW, DH, DW, adaptive,
/// divisor mode (0 valid, 1 count_include_pad, 2 fixed), fixed divisor].
/// op 0: max forward (x -> y, idx); 1: max backward (x = gy, idx -> y = gx);
/// 2: avg forward; 3: avg backward (x = gy -> y = gx). ERR_INDEX: an index out of range.
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn pool2d(op: u32, dt: u32, desc: *const i32, x: usize, y: usize, idx: usize) -> i32 {
    let f = |i: usize| *desc.add(i) as usize;
    let (planes, h, w, oh, ow) = (f(0), f(1), f(2), f(3), f(4));
    let (ys, xs) = if f(13) != 0 {
        (adaptive_axis(h, oh), adaptive_axis(w, ow))
    } else {
        (regular_axis(h, oh, f(5), f(7), f(9), f(11)), regular_axis(w, ow, f(6), f(8), f(10), f(12)))
    };
    let plan = Plan { planes, h, w, ys, xs };
    let div = match f(14) {
        0 => Divisor::Valid,
        1 => Divisor::Padded,
        _ => Divisor::Fixed(*desc.add(15) as f64),
    };
    macro_rules! run {
        ($t:ty) => {{
            let (x, y) = (x as *const $t, y as *mut $t);
            match op {
                0 => pool::max_forward::<$t>(&plan, x, y, idx as *mut i64),
                1 => {
                    if !pool::max_backward::<$t>(planes, h * w, oh * ow, x, idx as *const i64, y) {
                        return ERR_INDEX;
                    }
                }
                2 => pool::avg_forward::<$t>(&plan, div, x, y),
                3 => pool::avg_backward::<$t>(&plan, div, x, y),
                _ => return ERR_BAD_OP,
            }
            OK
        }};
    }
    match dt {
        F32 => run!(f32),
        F64 => run!(f64),
        _ => ERR_BAD_OP,
    }
}
