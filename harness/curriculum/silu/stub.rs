//! # silu
//!
//! The sigmoid linear unit (swish), element-wise: `y = x * sigmoid(x) = x / (1 + e^-x)`.
//!
//! ## Contract
//! - `x.len() == y.len()`, any length; `y` is overwritten, never read.
//! - Inputs include `0`, `-0`, tiny values such as `±1e-30`, and large ones from `±5` to
//!   `±100`.
//!
//! ## Accuracy
//! Each output within `1e-5 |exact| + 1e-35` of the exact value (relative accuracy, also for
//! the tiny results of large negative inputs).
//!
//! ## Speed
//! The limit is memory: `harness bench` reports G elements/s next to a plain copy of the same
//! bytes measured in the same run; the goal is at least 0.8 of the copy.
//!
//! ## Rules
//! The function must stay safe to call. Inside it, `std::arch` intrinsics and `unsafe` are
//! allowed, but every `unsafe` block needs a `// SAFETY:` comment saying why it is sound
//! (undocumented unsafe blocks are a compile error). Pick the instruction set at run time
//! (`is_x86_feature_detected!`) if you use one beyond the baseline. Every slice is placed right
//! against an unmapped guard page, so reading or writing even one element out of bounds crashes
//! instead of passing.

pub fn silu(x: &[f32], y: &mut [f32]) {
    todo!()
}
