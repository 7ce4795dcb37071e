//! Every op described once: obvious f64 loops (the oracle, never a fallback: that is
//! `arch::scalar`), the seeded inputs worth checking, the error bounds with their derivations,
//! and the PyTorch golden cases. The tests, `harness run` and the fuzz targets all use it; it
//! depends on nothing but the crate, so test-only crates stay out of the library.

pub mod activation;
pub mod attention;
pub mod embedding;
pub mod exp;
pub mod golden;
pub mod loss;
pub mod matmul;
pub mod norm;
mod rng;
pub mod rope;
mod sample;
pub mod softmax;

pub use rng::{Rng, random_f32};
pub use sample::{At, Sample};

/// f32's unit roundoff, 2^-24: the relative error of one correctly rounded operation.
pub const U: f64 = 1.0 / 16_777_216.0;
