//! Benchmarks live in `benches/`; this library only re-exports the input generator they share
//! with the harness.

pub use kernels::reference::random_f32;
