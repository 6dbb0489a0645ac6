//! torchwasm's memory and kernels, exported as a plain C ABI (see abi/).
//! The crate knows nothing of JavaScript, autograd or error messages: ts/ checks
//! arguments, computes shapes and strides, and calls these functions with pointers
//! into linear memory. Kernels return a status code where an input can be invalid.

pub mod dtype;
pub mod kernels;
pub mod num;
pub mod status;
pub mod strided;

mod abi;
