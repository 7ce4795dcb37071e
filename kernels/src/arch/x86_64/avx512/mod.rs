//! Kernels compiled for AVX-512F (16 lanes); entry points carry `#[target_feature]`, helpers
//! are `#[inline(always)]` so they inline into them and inherit the features.

pub(crate) mod exp;
pub(crate) mod softmax;
