//! x86-64 microkernels. Each ISA module exposes the same `MatmulKernel` token type, which can
//! only be built by code that has proved the CPU runs that ISA.

pub(crate) mod avx2;
pub(crate) mod avx512;
