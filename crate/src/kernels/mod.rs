pub mod binary;
pub mod copy;
pub mod gemm;
pub mod lines;
pub mod reduce;
pub mod special;
pub mod unary;
pub mod index;
