//! Convolution (see kernels::conv for the three kernels).

use crate::status::*;
use crate::dtype::*;
use crate::kernels::conv::{self, Geom};

/// kind 0: out = conv(a = x, b = w) + bias; 1: out = dx from (a = dy, b = w);
/// 2: out = dw from (a = dy, b = x). `geom` points at 16 i32 (kernels::conv::Geom);
/// `bias` is 0 for none. float32 and float64 only.
///
/// # Safety
/// See abi/mod.rs.
#[no_mangle]
pub unsafe extern "C" fn conv2d(kind: u32, dt: u32, geom: *const i32, a: usize, b: usize, bias: usize, out: usize) -> i32 {
    let g = Geom::from_raw(geom);
    macro_rules! run {
        ($t:ty) => {{
            let (a, b, o) = (a as *const $t, b as *const $t, out as *mut $t);
            match kind {
                0 => conv::forward::<$t>(&g, a, b, bias as *const $t, o),
                1 => conv::backward_data::<$t>(&g, a, b, o),
                2 => conv::backward_weight::<$t>(&g, a, b, o),
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
