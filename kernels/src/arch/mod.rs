//! Per-ISA implementations. `gemm_loop` is the one blocked algorithm; `scalar` and
//! `x86_64::{avx2, avx512}` supply only its innermost operations.

pub(crate) mod gemm_loop;
pub(crate) mod scalar;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86_64;
