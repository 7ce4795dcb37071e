//! Obvious f64 loops: the test oracle for the kernels, never a fallback.

pub mod softmax;
