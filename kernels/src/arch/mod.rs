//! Per-ISA implementations. `gemm_loop` and `attention_loop` are the blocked algorithms;
//! `scalar` and `x86_64::{avx2, avx512}` supply only their innermost operations.

pub(crate) mod attention_loop;
pub(crate) mod gemm_loop;
pub(crate) mod scalar;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86_64;
