//! # rope
//!
//! Rotary position embedding, in place. `x` is `[tokens, heads, head_dim]` (row-major `f32`)
//! with `tokens = positions.len()`. In every head of token `t`, each pair
//! `(x[i], x[i + head_dim / 2])` for `i < head_dim / 2` is rotated by the angle
//! `positions[t] * theta^(-2 i / head_dim)`:
//! `(a, b) -> (a cos - b sin, a sin + b cos)`.
//!
//! ## Contract
//! - `x.len() == positions.len() * heads * head_dim`; `head_dim` is even; `theta > 0` (10000
//!   and 500000 are usual).
//! - Positions are arbitrary (not necessarily `0, 1, 2, ...`): in the thousands, and up to
//!   `10^7`.
//!
//! ## Accuracy
//! Within `1e-5` of the largest |value| of the output, against rotations by the exact angles:
//! an angle rounded to f32 before its sine and cosine is off by about `1e-4` at positions in
//! the thousands, which does not pass.
//!
//! ## Speed
//! The limit is memory (`x` read and written once): `harness bench` reports G elements/s next
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

pub fn rope(x: &mut [f32], heads: usize, head_dim: usize, positions: &[u32], theta: f32) {
    todo!()
}
