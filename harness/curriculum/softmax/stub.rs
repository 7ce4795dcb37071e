//! # softmax
//!
//! Row-wise softmax: `x` and `y` hold rows of `cols` contiguous `f32` (row-major), and each
//! output row is `y[j] = e^(x[j] - max) / sum_i e^(x[i] - max)` over the matching input row.
//!
//! ## Contract
//! - `x.len() == y.len()`, and that length is a whole number of rows of `cols` (`cols > 0`
//!   whenever there is any data); `y` is overwritten, never read.
//! - Any finite logits, including rows shifted by a large offset such as `1e4` or `-1e4`, give
//!   finite outputs that sum to 1; nothing may overflow.
//! - `-inf` is a masked logit: its output is exactly `0`. A row that is entirely `-inf` gives
//!   zeros, not NaN.
//! - A NaN (or `+inf`) anywhere in a row makes that whole row NaN; the other rows are unaffected.
//!
//! ## Accuracy
//! Each output within a few units of `2^-24` relative to the exact value: the allowance is
//! `8 + (max - x) + (max - min) + 4 log2(cols)` units, so it grows only with the spread of the
//! row (rounding `x - max` in f32 is unavoidable) and slowly with its length.
//!
//! ## Rules
//! The function must stay safe to call. Inside it, `std::arch` intrinsics and `unsafe` are
//! allowed, but every `unsafe` block needs a `// SAFETY:` comment saying why it is sound
//! (undocumented unsafe blocks are a compile error). Pick the instruction set at run time
//! (`is_x86_feature_detected!`) if you use one beyond the baseline. Both slices are placed
//! right against unmapped guard pages, so reading or writing even one element out of bounds
//! crashes instead of passing.

pub fn softmax(x: &[f32], y: &mut [f32], cols: usize) {
    todo!()
}
