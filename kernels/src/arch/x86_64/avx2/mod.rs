//! Kernels compiled for AVX2 + FMA (8 lanes); entry points carry `#[target_feature]`, helpers
//! are `#[inline(always)]` so they inline into them and inherit the features.

pub(crate) mod exp;
pub(crate) mod softmax;
