//! Fused scaled-dot-product attention, forward and backward (FlashAttention-2 style): the safe
//! entry points validate shapes once, pick an ISA and split the work over threads; the tiled
//! loops live in `arch::generic::attention`.
//!
//! # Semantics
//! `out[b, h, i] = sum_j softmax_j(scale * q_i . k_j + mask[i, j]) v_j` with grouped-query
//! heads (query head `h` reads kv head `h / (heads / kv_heads)`), `scale` defaulting to
//! `1 / sqrt(head_dim)` and causal masking aligned bottom-right (query `i` sees key `j` when
//! `j <= i + kv_len - q_len`). `lse` is the log-sum-exp of each row's scaled, masked scores.
//! A query that sees no key (all of its scores -inf) gets output 0, lse -inf and zero
//! gradients, never NaN.
//!
//! # Algorithm
//! Forward: per block of queries, key/value blocks stream past while a running max and sum
//! rescale the output accumulator (online softmax), so memory beyond the arguments is a few
//! block-sized buffers per thread. Backward recomputes the probabilities from `lse`.
//! Tiles the causal mask removes entirely are never computed.
//!
//! # Accuracy
//! Against the f64 oracle, max |error| over a tensor relative to its largest |value| is below
//! `2e-6 * (1 + max|lse| / 4)` for out and lse and four times that for the gradients (the
//! bound `tests/attention.rs` asserts on every ISA; scores carry a rounding error
//! proportional to their size). Measured on the golden cases: out 0.9e-7 to 1.3e-6, lse
//! <= 2.1e-7, gradients <= 5.3e-6 (the latter two maxima on the large-logit case, lse ~ 37).
//! Exponentials below the normal f32 range are flushed to 0 (at most 2^-126 against a row
//! sum >= 1).
//!
//! # Threads
//! Forward splits batch x heads x query blocks; backward splits batch x kv heads, each task
//! owning its kv head's dk, dv and the dq of its query heads, so results are bitwise identical
//! for any `Opts::threads`.

use crate::arch::generic::attention::{Backward, Forward, Problem, Saved};
pub use crate::attention_shape::{Mask, Shape};
use crate::{Error, Opts, arch};

/// What is computed besides the shapes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Params<'a> {
    /// Bottom-right aligned causal masking.
    pub causal: bool,
    /// Multiplier of `q . k`; `None` means `1 / sqrt(head_dim)`.
    pub scale: Option<f32>,
    /// Additive mask, applied after scaling.
    pub mask: Option<Mask<'a>>,
}

/// The three inputs.
#[derive(Clone, Copy, Debug)]
pub struct Qkv<'a> {
    pub q: &'a [f32],
    pub k: &'a [f32],
    pub v: &'a [f32],
}

/// The gradients `backward` writes (overwriting their contents).
#[derive(Debug)]
pub struct Grads<'a> {
    pub dq: &'a mut [f32],
    pub dk: &'a mut [f32],
    pub dv: &'a mut [f32],
}

/// A validated attention problem: shapes, scale and mask checked once by [`Attention::new`].
///
/// ```
/// use kernels::Opts;
/// use kernels::attention::{Attention, Params, Qkv, Shape};
/// let shape = Shape { batch: 1, heads: 2, kv_heads: 1, q_len: 3, kv_len: 4, head_dim: 8 };
/// let attn = Attention::new(shape, Params { causal: true, ..Params::default() })?;
/// let (q, kv) = (vec![0.5f32; 2 * 3 * 8], vec![0.25f32; 4 * 8]);
/// let (mut out, mut lse) = (vec![0.0; 2 * 3 * 8], vec![0.0; 2 * 3]);
/// attn.forward(Qkv { q: &q, k: &kv, v: &kv }, &mut out, &mut lse, &Opts::default())?;
/// assert!((out[0] - 0.25).abs() < 1e-6);
/// # Ok::<(), kernels::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Attention<'a> {
    shape: Shape,
    params: Params<'a>,
    scale: f32,
    /// batch * heads * q_len * head_dim, and so on; valid products (checked in `new`).
    q_elems: usize,
    kv_elems: usize,
    lse_elems: usize,
}

const FORWARD: &str = "attention::forward";
const BACKWARD: &str = "attention::backward";

fn product(op: &'static str, what: &str, dims: &[usize]) -> Result<usize, Error> {
    dims.iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| Error::shape(op, format!("{what} would have {dims:?} elements, more than usize::MAX")))
}

impl<'a> Attention<'a> {
    /// Checks the shape and parameters.
    ///
    /// # Errors
    /// [`Error::Shape`] when `kv_heads` is 0 with `heads > 0`, `heads % kv_heads != 0`, a
    /// tensor's element count overflows, or `scale` is NaN or infinite; [`Error::Len`] when the mask's length does not match
    /// `[q_len, kv_len]` (`Shared`) or `[batch, 1, q_len, kv_len]` (`PerBatch`).
    pub fn new(shape: Shape, params: Params<'a>) -> Result<Self, Error> {
        const OP: &str = "attention::new";
        let Shape { batch, heads, kv_heads, q_len, kv_len, head_dim } = shape;
        if kv_heads == 0 && heads > 0 {
            return Err(Error::shape(OP, format!("kv_heads is 0 but heads is {heads} (shape {shape:?})")));
        }
        if kv_heads > 0 && !heads.is_multiple_of(kv_heads) {
            return Err(Error::shape(
                OP,
                format!(
                    "heads = {heads} is not a multiple of kv_heads = {kv_heads} (each kv head \
                     must serve the same number of query heads)"
                ),
            ));
        }
        let q_elems = product(OP, "q", &[batch, heads, q_len, head_dim])?;
        let kv_elems = product(OP, "k", &[batch, kv_heads, kv_len, head_dim])?;
        let lse_elems = product(OP, "lse", &[batch, heads, q_len])?;
        if let Some(mask) = params.mask {
            let (kind, want, dims) = match mask {
                Mask::Shared(m) => ("Shared", product(OP, "mask", &[q_len, kv_len])?, m.len()),
                Mask::PerBatch(m) => ("PerBatch", product(OP, "mask", &[batch, q_len, kv_len])?, m.len()),
            };
            if want != dims {
                let layout = match mask {
                    Mask::Shared(_) => format!("[q_len, kv_len] = [{q_len}, {kv_len}]"),
                    Mask::PerBatch(_) => {
                        format!("[batch, 1, q_len, kv_len] = [{batch}, 1, {q_len}, {kv_len}]")
                    }
                };
                return Err(Error::len(
                    OP,
                    format!("mask ({kind}) has {dims} elements but must be {layout}, {want} elements"),
                ));
            }
        }
        if let Some(scale) = params.scale
            && !scale.is_finite()
        {
            return Err(Error::shape(OP, format!("scale is {scale}; it must be a finite number")));
        }
        let scale = params.scale.unwrap_or_else(|| 1.0 / (head_dim.max(1) as f32).sqrt());
        Ok(Attention { shape, params, scale, q_elems, kv_elems, lse_elems })
    }

    /// The shape this problem was built for.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The effective scale (the given one, or `1 / sqrt(head_dim)`).
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// Checks each argument's length; `Ok(false)` when some dimension is 0 and every argument
    /// is empty (nothing to compute).
    fn check_lens(&self, op: &'static str, args: &[(&str, usize)]) -> Result<bool, Error> {
        let s = self.shape;
        let dims = [
            ("batch", s.batch),
            ("heads", s.heads),
            ("kv_heads", s.kv_heads),
            ("q_len", s.q_len),
            ("kv_len", s.kv_len),
            ("head_dim", s.head_dim),
        ];
        if let Some((zero, _)) = dims.iter().find(|(_, d)| *d == 0) {
            if let Some((name, len)) = args.iter().find(|(_, len)| *len > 0) {
                return Err(Error::shape(
                    op,
                    format!(
                        "{zero} is 0 but {name} has {len} elements (shape {s:?}; empty problems take empty slices)"
                    ),
                ));
            }
            return Ok(false);
        }
        let (b, h, kvh, ql, kl, d) = (s.batch, s.heads, s.kv_heads, s.q_len, s.kv_len, s.head_dim);
        for &(name, len) in args {
            let (want, layout) = match name {
                "q" | "out" | "dout" | "dq" => {
                    (self.q_elems, format!("[batch, heads, q_len, head_dim] = [{b}, {h}, {ql}, {d}]"))
                }
                "k" | "v" | "dk" | "dv" => {
                    (self.kv_elems, format!("[batch, kv_heads, kv_len, head_dim] = [{b}, {kvh}, {kl}, {d}]"))
                }
                _ => (self.lse_elems, format!("[batch, heads, q_len] = [{b}, {h}, {ql}]")),
            };
            if len != want {
                return Err(Error::len(
                    op,
                    format!("{name} has {len} elements but must be {layout}, {want} elements"),
                ));
            }
        }
        Ok(true)
    }

    fn problem<'b>(&'b self, qkv: Qkv<'b>) -> Problem<'b> {
        Problem {
            shape: self.shape,
            scale: self.scale,
            causal: self.params.causal,
            mask: self.params.mask,
            q: qkv.q,
            k: qkv.k,
            v: qkv.v,
        }
    }

    /// Writes the attention output `out` and the row log-sum-exp `lse` (needed by
    /// [`Attention::backward`]).
    ///
    /// # Errors
    /// [`Error::Len`] when a slice's length does not match the shape, [`Error::Shape`] when the
    /// shape has a zero dimension but a slice has data, [`Error::IsaUnavailable`] when `opts`
    /// forces an ISA this CPU lacks. Nothing is written on error.
    pub fn forward(&self, qkv: Qkv<'_>, out: &mut [f32], lse: &mut [f32], opts: &Opts) -> Result<(), Error> {
        let work = self.check_lens(FORWARD, &forward_args(&qkv, out, lse))?;
        let isa = opts.resolve_isa(FORWARD)?;
        if !work {
            return Ok(());
        }
        let problem = self.problem(qkv);
        arch::dispatch(isa, Forward { problem: &problem, out, lse, threads: opts.thread_count() });
        Ok(())
    }

    /// Writes the gradients of `sum(out * dout)` with respect to q, k and v, given the `out`
    /// and `lse` of [`Attention::forward`] on the same inputs.
    ///
    /// # Errors
    /// As [`Attention::forward`].
    #[allow(clippy::too_many_arguments)]
    pub fn backward(
        &self,
        qkv: Qkv<'_>,
        out: &[f32],
        lse: &[f32],
        dout: &[f32],
        grads: Grads<'_>,
        opts: &Opts,
    ) -> Result<(), Error> {
        let grad_args =
            [("dout", dout.len()), ("dq", grads.dq.len()), ("dk", grads.dk.len()), ("dv", grads.dv.len())];
        let args: Vec<_> = forward_args(&qkv, out, lse).into_iter().chain(grad_args).collect();
        let work = self.check_lens(BACKWARD, &args)?;
        let isa = opts.resolve_isa(BACKWARD)?;
        if !work {
            return Ok(());
        }
        let problem = self.problem(qkv);
        let saved = Saved { out, lse, dout };
        let Grads { dq, dk, dv } = grads;
        arch::dispatch(isa, Backward { problem: &problem, saved, dq, dk, dv, threads: opts.thread_count() });
        Ok(())
    }
}

/// The lengths of the forward pass's slices, named as the errors name them.
fn forward_args(qkv: &Qkv<'_>, out: &[f32], lse: &[f32]) -> [(&'static str, usize); 5] {
    [("q", qkv.q.len()), ("k", qkv.k.len()), ("v", qkv.v.len()), ("out", out.len()), ("lse", lse.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scale_that_is_not_finite_is_refused() {
        let shape = Shape { batch: 1, heads: 1, kv_heads: 1, q_len: 2, kv_len: 2, head_dim: 4 };
        for scale in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            let e = Attention::new(shape, Params { scale: Some(scale), ..Params::default() }).unwrap_err();
            assert!(matches!(e, Error::Shape { .. }), "{e}");
            assert!(e.to_string().contains("finite"), "{e}");
        }
        assert!(Attention::new(shape, Params { scale: Some(0.0), ..Params::default() }).is_ok());
    }
}
