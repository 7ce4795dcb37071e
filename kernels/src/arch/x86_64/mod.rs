//! The x86-64 ISAs: each module's token (`avx2::Avx2`, `avx512::Avx512`) can only be built
//! by code that has proved the CPU runs that ISA, and implements [`Kernel`](super::Kernel)
//! with its intrinsics: vector operations, the exponentials' scaling and the GEMM
//! microkernel.

pub(crate) mod avx2;
pub(crate) mod avx512;
