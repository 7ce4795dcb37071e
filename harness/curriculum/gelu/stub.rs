//! # gelu
//!
//! The Gaussian error linear unit, element-wise, in either of its two usual forms:
//! - `Gelu::Erf`: `y = x * Phi(x) = x / 2 * (1 + erf(x / sqrt(2)))`, the exact definition;
//! - `Gelu::Tanh`: `y = x / 2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3)))`, the common
//!   approximation (PyTorch's `approximate = "tanh"`).
//!
//! ## Contract
//! - `x.len() == y.len()`, any length; `y` is overwritten, never read.
//! - Inputs include `0`, `-0`, tiny values such as `±1e-30`, and large ones from `±5` to
//!   `±100`. The results for negative inputs are tiny but not zero until far out: the exact
//!   `gelu(-10)` (erf form) is `-7.6e-23`.
//!
//! ## Accuracy
//! Each output within `1e-5 |exact| + 1e-35` of the exact value: relative accuracy all the
//! way into the negative tail, which the formulas above, computed as written, do not give.
//!
//! ## Speed
//! The limit is memory: `harness bench` reports G elements/s next to a plain copy of the same
//! bytes measured in the same run; the goal is at least 0.8 of the copy (0.6 for the erf form).
//!
//! ## Rules
//! The function must stay safe to call. Inside it, `std::arch` intrinsics and `unsafe` are
//! allowed, but every `unsafe` block needs a `// SAFETY:` comment saying why it is sound
//! (undocumented unsafe blocks are a compile error). Pick the instruction set at run time
//! (`is_x86_feature_detected!`) if you use one beyond the baseline. Every slice is placed right
//! against an unmapped guard page, so reading or writing even one element out of bounds crashes
//! instead of passing.

/// Which form of GELU to compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gelu {
    /// `x / 2 * (1 + erf(x / sqrt(2)))`.
    Erf,
    /// `x / 2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3)))`.
    Tanh,
}

pub fn gelu(x: &[f32], y: &mut [f32], approx: Gelu) {
    todo!()
}
