//! torchwasm's memory and kernels, exported as a plain C ABI (see abi/).
//! The crate knows nothing of JavaScript, autograd or error messages: ts/ checks
//! arguments, computes shapes and strides, and calls these functions with pointers
//! into linear memory. Kernels return a status code where an input can be invalid.

// build.sh sets RUSTC_BOOTSTRAP for -Z build-std, which also admits this attribute;
// host builds (cargo test) do not need it.
#![cfg_attr(target_arch = "wasm32", feature(optimize_attribute))]
// The threads build's pool waits and wakes with memory.atomic.wait32 / notify.
#![cfg_attr(all(target_arch = "wasm32", target_feature = "atomics"), feature(stdarch_wasm_atomic_wait))]

/// Compiles the items for size in the wasm build (LLVM minsize: no unrolling or
/// auto-vectorisation): the paths of rare dtypes and ops, whose code would otherwise
/// dominate the download. Hot paths (float32 arithmetic, GEMM, conv, softmax) stay out.
/// A size-optimised function keeps its attribute only for code inlined into it, so
/// the kernels it calls are `#[inline(always)]` or size-optimised themselves.
/// Defined before `mod abi`: abi/ uses it by textual scope, without an import.
#[macro_export]
macro_rules! size_optimized {
    ($($item:item)*) => {
        $( #[cfg_attr(target_arch = "wasm32", optimize(size))] $item )*
    };
}

pub mod dtype;
pub mod kernels;
pub mod num;
pub mod status;
pub mod strided;
mod abi;
