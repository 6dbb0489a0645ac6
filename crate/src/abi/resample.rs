//! Separable resampling: interpolate and index-mapping pads (see kernels::resample).

use crate::status::*;
use crate::dtype::*;
use crate::kernels::resample::{self, Axis, Mode};

size_optimized! {
    // (interpolate and index pads: memory-bound gathers, where -Os code runs as fast)
    /// dir 0: y = resample(x); 1: x-shaped gx from gy (a = gy, b = gx).
    /// `desc`: per axis 5 f64 [mode, len, out, align_corners, param]; 1 <= nd <= 3.
    ///
    /// # Safety
    /// See abi/mod.rs.
    #[no_mangle]
    pub unsafe extern "C" fn resample(dir: u32, dt: u32, planes: usize, nd: usize, desc: *const f64, a: usize, b: usize) -> i32 {
        if nd == 0 || nd > 3 {
            return ERR_BAD_OP;
        }
        let mut axes = Vec::with_capacity(nd);
        for i in 0..nd {
            let f = |j: usize| *desc.add(i * 5 + j);
            let Some(mode) = Mode::from_code(f(0) as u32) else { return 2 };
            let ax = Axis { mode, len: f(1) as usize, out: f(2) as usize, align_corners: f(3) != 0.0, param: f(4) };
            if ax.len == 0 {
                return ERR_BAD_OP;
            }
            axes.push(ax);
        }
        macro_rules! run {
            ($t:ty) => {{
                if dir == 0 {
                    resample::forward::<$t>(planes, &axes, a as _, b as _)
                } else {
                    resample::backward::<$t>(planes, &axes, a as _, b as _)
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
}
