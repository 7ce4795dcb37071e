//! x86-64 kernels, one module per ISA with the same function names and signatures.

pub(crate) mod avx2;
pub(crate) mod avx512;
