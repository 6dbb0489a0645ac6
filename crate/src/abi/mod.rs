//! The exported C ABI, one file per area. Every function is thin: decode the
//! descriptor, pick the element type, call the kernel.
//!
//! Conventions: pointers are byte addresses in linear memory with the tensor's
//! offset already applied; `desc` points at i32 values laid out as strided::Desc
//! expects (shape, then one stride row per operand, in elements); dtype codes are
//! dtype.rs's. Functions that can fail return one of status.rs's codes.

mod elementwise;
mod index;
mod linalg;
mod memory;
mod reduce;
mod sort;
mod linalg_decomp;
mod random;
mod conv;
mod norm;
mod pool;
mod resample;
mod loss;
mod attention;
mod encoder_layer;
mod rnn;
mod optim;
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
mod threads;
