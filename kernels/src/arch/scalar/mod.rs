//! Portable kernels: the production fallback on CPUs without AVX2, written to follow the
//! same algorithms as the SIMD modules with one lane.

pub(crate) mod exp;
pub(crate) mod softmax;
