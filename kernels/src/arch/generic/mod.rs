//! The algorithms, each written once over [`Kernel`](super::Kernel) and compiled per ISA
//! inside its `#[target_feature]` entry: everything here is `#[inline(always)]` down to the
//! vector operations, so a scalar, AVX2 or AVX-512 token turns the same source into that
//! ISA's code.

pub(crate) mod activation;
pub(crate) mod attention;
pub(crate) mod attention_cols;
pub(crate) mod elementwise;
pub(crate) mod embedding;
pub(crate) mod exp;
pub(crate) mod gemm;
pub(crate) mod loss;
pub(crate) mod norm;
pub(crate) mod peak;
pub(crate) mod rope;
pub(crate) mod softmax;
pub(crate) mod stream;
pub(crate) mod sweep;
pub(crate) mod trig;
pub(crate) mod vector;
