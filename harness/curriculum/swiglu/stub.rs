//! # swiglu
//!
//! The SwiGLU gate of a transformer's feed-forward block, element-wise:
//! `y = silu(gate) * up = gate / (1 + e^-gate) * up`.
//!
//! ## Contract
//! - `gate.len() == up.len() == y.len()`, any length; `y` is overwritten, never read.
//! - Gates include `0`, `-0`, tiny values and large ones of either sign.
//!
//! ## Accuracy
//! Each output within `1e-5 |exact| + 1e-35` of the exact value.
//!
//! ## Speed
//! The limit is memory (two streams in, one out): `harness bench` reports G elements/s next
//! to a plain copy of the same bytes measured in the same run; the goal is at least 0.8 of the
//! copy.
//!
//! ## Rules
//! The function must stay safe to call. Inside it, `std::arch` intrinsics and `unsafe` are
//! allowed, but every `unsafe` block needs a `// SAFETY:` comment saying why it is sound
//! (undocumented unsafe blocks are a compile error). Pick the instruction set at run time
//! (`is_x86_feature_detected!`) if you use one beyond the baseline. Every slice is placed right
//! against an unmapped guard page, so reading or writing even one element out of bounds crashes
//! instead of passing.

pub fn swiglu(gate: &[f32], up: &[f32], y: &mut [f32]) {
    todo!()
}
