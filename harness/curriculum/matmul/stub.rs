//! # matmul
//!
//! Matrix product `c = a * b` of row-major `f32` matrices: `a` is `m x k`, `b` is `k x n`, `c` is
//! `m x n`, so `c[i * n + j] = sum_p a[i * k + p] * b[p * n + j]`.
//!
//! ## Contract
//! - `a.len() == m * k`, `b.len() == k * n`, `c.len() == m * n`. Any of `m`, `k`, `n` may be 0;
//!   with `k == 0` every element of `c` is 0.
//! - `c` is overwritten and its old contents must never be read: it may hold NaN beforehand.
//! - Shapes range from empty and single rows or columns through sizes either side of 16, 32 and
//!   64 up to several hundred in each dimension, including tall, wide and skinny ones.
//!
//! ## Accuracy
//! Each element within `2 (k + 2) 2^-24 sum_p |a_ip b_pj|` of the exact dot product (plus the
//! smallest normal f32, for a sum that is exactly 0): any summation order, with or without FMA,
//! passes; a product missed or counted twice does not.
//!
//! ## Speed
//! The limit is the CPU's peak rate of fused multiply-adds: `harness bench` reports GFLOP/s
//! (`2 m n k` flops per call) as a share of the measured FMA peak of one core.
//!
//! ## Rules
//! The function must stay safe to call. Inside it, `std::arch` intrinsics and `unsafe` are
//! allowed, but every `unsafe` block needs a `// SAFETY:` comment saying why it is sound
//! (undocumented unsafe blocks are a compile error). Pick the instruction set at run time
//! (`is_x86_feature_detected!`) if you use one beyond the baseline. Every slice is placed right
//! against an unmapped guard page, so reading or writing even one element out of bounds crashes
//! instead of passing.

pub fn matmul(a: &[f32], b: &[f32], c: &mut [f32], m: usize, k: usize, n: usize) {
    todo!()
}
