//! The dimensions and the mask of an attention call: plain types that the entry points
//! (`crate::attention`) and the loops under `arch` both read, so neither imports the other.

/// The dimensions of one attention call. Layouts are contiguous row-major: `q`, `out`,
/// `dout`, `dq` are `[batch, heads, q_len, head_dim]`, `k`, `v`, `dk`, `dv` are
/// `[batch, kv_heads, kv_len, head_dim]`, `lse` is `[batch, heads, q_len]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub batch: usize,
    pub heads: usize,
    pub kv_heads: usize,
    pub q_len: usize,
    pub kv_len: usize,
    pub head_dim: usize,
}

/// An additive mask on the scaled scores; `-inf` entries remove a key from a query's softmax.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mask<'a> {
    /// One `[q_len, kv_len]` mask for every batch and head.
    Shared(&'a [f32]),
    /// One mask per batch, `[batch, 1, q_len, kv_len]`, shared by the heads.
    PerBatch(&'a [f32]),
}
