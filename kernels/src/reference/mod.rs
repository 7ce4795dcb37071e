//! Obvious f64 loops, one file per operation: the oracle the tests and the harness compare the
//! kernels against. Never used as a fallback (that is `arch::scalar`).

pub mod attention;
pub mod matmul;
pub mod softmax;
