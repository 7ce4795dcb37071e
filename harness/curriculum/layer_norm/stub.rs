//! # layer_norm
//!
//! Layer normalisation of each row of `x`, then a per-column scale and shift:
//! `y = (x - mean) * rstd * weight + bias`, with the row's `mean`, its biased variance
//! `var = sum (x - mean)^2 / cols` and `rstd = 1 / sqrt(var + eps)`.
//!
//! ## Contract
//! - Row-major `f32`: `cols = weight.len() == bias.len()` (at least 1), `x` and `y` hold
//!   `rows = x.len() / cols` whole rows, `mean` and `rstd` one value per row
//!   (`mean.len() == rstd.len() == rows`). `eps > 0`.
//! - `y`, `mean` and `rstd` are overwritten, never read.
//! - Among the inputs are rows with a large common offset (values near 300, or near -10000,
//!   that differ by hundredths), short rows and rows of thousands of columns.
//!
//! ## Accuracy
//! Against exact (f64) results, per tensor: `y` within `1e-5` of its largest |value|, `rstd`
//! within `2e-5` relative, `mean` within `1e-6` relative. A plain f32 computation misses the
//! bound on the offset rows by two orders of magnitude.
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

pub fn layer_norm(
    x: &[f32],
    weight: &[f32],
    bias: &[f32],
    eps: f32,
    y: &mut [f32],
    mean: &mut [f32],
    rstd: &mut [f32],
) {
    todo!()
}
