//! # embedding
//!
//! Embedding lookup: row `t` of `out` is row `ids[t]` of `table`.
//!
//! ## Contract
//! - Row-major `f32`: `table` is `[vocab, dim]` with `vocab = table.len() / dim` and `dim`
//!   at least 1; `out` is `[ids.len(), dim]`. Every id is below `vocab`; ids repeat.
//! - `out` is overwritten, never read.
//!
//! ## Accuracy
//! Exact: every output is a bitwise copy of its table entry.
//!
//! ## Speed
//! The limit is memory: `harness bench` reports G elements/s next to a plain copy of the same
//! bytes measured in the same run; the goal is at least 0.8 of the copy (2048 tokens of 1024
//! from a 32000-row table: the rows are scattered across 131 MB).
//!
//! ## Rules
//! The function must stay safe to call. Inside it, `std::arch` intrinsics and `unsafe` are
//! allowed, but every `unsafe` block needs a `// SAFETY:` comment saying why it is sound
//! (undocumented unsafe blocks are a compile error). Pick the instruction set at run time
//! (`is_x86_feature_detected!`) if you use one beyond the baseline. Every slice is placed right
//! against an unmapped guard page, so reading or writing even one element out of bounds crashes
//! instead of passing.

pub fn embedding(table: &[f32], dim: usize, ids: &[u32], out: &mut [f32]) {
    todo!()
}
