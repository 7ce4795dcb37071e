//! Per-ISA kernels. `scalar` is the portable fallback (safe Rust); `x86_64` holds the
//! `#[target_feature]` code, the only place below the dispatch where `unsafe` appears.

pub(crate) mod scalar;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86_64;
