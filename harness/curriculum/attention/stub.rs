//! # attention
//!
//! Scaled dot-product attention for one head:
//! `out[i] = sum_j softmax_j(scale * q[i] . k[j]) v[j]` with `scale = 1 / sqrt(head_dim)`.
//!
//! ## Layout
//! Row-major `f32`: `q` and `out` are `[q_len, head_dim]`, `k` and `v` are `[kv_len, head_dim]`
//! (row `j` of `k` is `k[j * head_dim..(j + 1) * head_dim]`). `out` is overwritten, never read.
//!
//! ## Masking
//! With `causal`, the mask is aligned bottom-right: query `i` sees key `j` only when
//! `j <= i + kv_len - q_len`. So with `q_len == kv_len` query `i` sees keys `0..=i`, a single
//! query (`q_len == 1`, decoding) sees every key, and when `q_len > kv_len` the first
//! `q_len - kv_len` queries see no key at all. A query that sees no key (also: `kv_len == 0`)
//! gets an output row of zeros, never NaN. Without `causal` every query sees every key.
//!
//! ## Contract
//! - `q.len() == out.len() == q_len * head_dim`, `k.len() == v.len() == kv_len * head_dim`; any
//!   of the sizes may be 0 and `head_dim` need not be a multiple of the vector width.
//! - Queries hold large logits too (scores in the hundreds): nothing may overflow.
//! - A NaN in a query makes that query's output NaN.
//!
//! ## Accuracy
//! Max |error| over `out` within about `2e-6` of its largest |value| (looser in proportion to
//! the log-sum-exp of the scores when they are large).
//!
//! ## Speed
//! Mostly multiply-adds (`4 q_len kv_len head_dim` flops, about half that when causal):
//! `harness bench` reports GFLOP/s as a share of the measured FMA peak of one core.
//!
//! ## Rules
//! The function must stay safe to call. Inside it, `std::arch` intrinsics and `unsafe` are
//! allowed, but every `unsafe` block needs a `// SAFETY:` comment saying why it is sound
//! (undocumented unsafe blocks are a compile error). Pick the instruction set at run time
//! (`is_x86_feature_detected!`) if you use one beyond the baseline. Every slice is placed right
//! against an unmapped guard page, so reading or writing even one element out of bounds crashes
//! instead of passing.

#[allow(clippy::too_many_arguments)]
pub fn attention(
    q: &[f32],
    k: &[f32],
    v: &[f32],
    out: &mut [f32],
    q_len: usize,
    kv_len: usize,
    head_dim: usize,
    causal: bool,
) {
    todo!()
}
