//! # cross_entropy
//!
//! Softmax cross-entropy of `logits` against one target class per row:
//! `losses[r] = ln(sum_c e^logits[r, c]) - logits[r, targets[r]]`, and the return value is
//! the mean of `losses` over the rows that are not ignored.
//!
//! ## Contract
//! - Row-major `f32`: `logits` is `[rows, classes]` with `rows = targets.len() ==
//!   losses.len()` and `classes` at least 1.
//! - A row whose target equals `ignore_index` is ignored: its loss is written as `0` and it
//!   does not count in the mean. `ignore_index` may be at or past `classes`; every target that
//!   is not ignored is below `classes`.
//! - When every row is ignored (or there are no rows) the return value is `0`, not NaN.
//! - `losses` is overwritten, never read.
//! - Logits may be large (several hundred) and rows long (tens of thousands of classes): nothing
//!   may overflow.
//!
//! ## Accuracy
//! Each loss, and the returned mean, within `1e-5` relative plus `2e-6` of the exact value.
//!
//! ## Speed
//! The limit is memory (the logits are read): `harness bench` reports G elements/s next to a
//! plain copy of the same bytes measured in the same run; the goal is at least 0.8 of the copy.
//!
//! ## Rules
//! The function must stay safe to call. Inside it, `std::arch` intrinsics and `unsafe` are
//! allowed, but every `unsafe` block needs a `// SAFETY:` comment saying why it is sound
//! (undocumented unsafe blocks are a compile error). Pick the instruction set at run time
//! (`is_x86_feature_detected!`) if you use one beyond the baseline. Every slice is placed right
//! against an unmapped guard page, so reading or writing even one element out of bounds crashes
//! instead of passing.

pub fn cross_entropy(
    logits: &[f32],
    targets: &[u32],
    classes: usize,
    ignore_index: Option<u32>,
    losses: &mut [f32],
) -> f32 {
    todo!()
}
