//! Rotary position embedding (RoPE) of `x [tokens, heads, head_dim]`, in place: the pairs
//! (i, i + head_dim/2) of every head of token t turn by `positions[t] * theta^(-2i/head_dim)`,
//! and the backward pass turns the gradient back by the opposite angles.
//!
//! # Accuracy
//! The angles are formed and reduced modulo 2 pi in f64 (the cost is once per token, shared by
//! all heads), so they are exact to 1e-9 rad at positions below 10^7, where an f32 product
//! drifts by 2^-24 of the angle: 1e-4 rad at position 2000. Their sines and cosines are taken
//! in f32 by a vector polynomial (within 8e-8), and every output is within 2e-7 of the scale
//! of its tensor (the tests hold it to 1e-5 of the largest |exact| value).
//!
//! Each token is computed by the same code whatever the thread count (threads take whole
//! tokens), so results are identical for any `Opts::threads`.

use rayon::prelude::*;

use crate::arch::{self, generic::rope::Rope};
use crate::{Error, Isa, Opts, parallel};

/// Below this many elements a call stays on the calling thread.
const PAR_MIN_ELEMENTS: usize = 1 << 15;

/// Checks the arguments; returns the inverse frequencies `theta^(-2i/head_dim)`.
fn check(
    op: &'static str,
    (name, len): (&str, usize),
    heads: usize,
    head_dim: usize,
    positions: &[u32],
    theta: f32,
) -> Result<Vec<f64>, Error> {
    if !head_dim.is_multiple_of(2) {
        return Err(Error::shape(
            op,
            format!("head_dim is {head_dim}; RoPE turns pairs (i, i + head_dim/2), so it must be even"),
        ));
    }
    if !(theta.is_finite() && theta > 0.0) {
        return Err(Error::shape(op, format!("theta is {theta}; it must be a positive finite number")));
    }
    let tokens = positions.len();
    let want = tokens.checked_mul(heads).and_then(|n| n.checked_mul(head_dim));
    if want != Some(len) {
        let want = want.map_or_else(|| "more than usize::MAX".to_string(), |w| w.to_string());
        return Err(Error::len(
            op,
            format!(
                "{name} has {len} elements but positions.len() * heads * head_dim = \
                 {tokens} * {heads} * {head_dim} = {want}"
            ),
        ));
    }
    let theta = f64::from(theta);
    Ok((0..head_dim / 2).map(|i| theta.powf(-2.0 * i as f64 / head_dim as f64)).collect())
}

/// Turns every token of `x` by its angles (their negatives when `inverse`), over threads.
fn turn(
    op: &'static str,
    x: &mut [f32],
    heads: usize,
    positions: &[u32],
    inv_freq: &[f64],
    inverse: bool,
    opts: &Opts,
) -> Result<(), Error> {
    let isa = opts.resolve_isa(op)?;
    if x.is_empty() {
        return Ok(());
    }
    let on = |isa: Isa, x: &mut [f32], positions: &[u32]| {
        arch::dispatch(isa, Rope { x, positions, heads, inv_freq, inverse });
    };
    let threads = opts.thread_count();
    if threads == 1 || x.len() < PAR_MIN_ELEMENTS || positions.len() < 2 {
        on(isa, x, positions);
        return Ok(());
    }
    let (tokens, per_token) = (positions.len().div_ceil(threads * 4), x.len() / positions.len());
    parallel::install(opts.threads, || {
        x.par_chunks_mut(tokens * per_token)
            .zip(positions.par_chunks(tokens))
            .for_each(|(x, positions)| on(isa, x, positions));
    });
    Ok(())
}

/// Rotates `x` in place: for token t, head h and i < head_dim/2, the pair
/// `(x[t, h, i], x[t, h, i + head_dim/2])` turns by `positions[t] * theta^(-2i/head_dim)`
/// (the `rotate_half` convention).
///
/// ```
/// use kernels::{Opts, rope::rope};
/// // One token at position 1, one head of 2: the pair turns by 1 radian.
/// let mut x = [1.0f32, 0.0];
/// rope(&mut x, 1, 2, &[1], 10_000.0, &Opts::default()).unwrap();
/// assert!((x[0] - 1f32.cos()).abs() < 1e-7 && (x[1] - 1f32.sin()).abs() < 1e-7);
/// ```
///
/// # Errors
/// [`Error::Shape`] when `head_dim` is odd or `theta` is not a positive finite number;
/// [`Error::Len`] when `x` does not hold `positions.len() * heads * head_dim` elements;
/// [`Error::IsaUnavailable`] when `opts` forces an ISA this CPU lacks. Nothing is written then.
pub fn rope(
    x: &mut [f32],
    heads: usize,
    head_dim: usize,
    positions: &[u32],
    theta: f32,
    opts: &Opts,
) -> Result<(), Error> {
    const OP: &str = "rope";
    let inv_freq = check(OP, ("x", x.len()), heads, head_dim, positions, theta)?;
    turn(OP, x, heads, positions, &inv_freq, false, opts)
}

/// The gradient of [`rope`]: given the upstream gradient in `dx`, turns each pair back by the
/// opposite angle, leaving the input's gradient in `dx`.
///
/// # Errors
/// As [`rope`].
pub fn rope_backward(
    dx: &mut [f32],
    heads: usize,
    head_dim: usize,
    positions: &[u32],
    theta: f32,
    opts: &Opts,
) -> Result<(), Error> {
    const OP: &str = "rope_backward";
    let inv_freq = check(OP, ("dx", dx.len()), heads, head_dim, positions, theta)?;
    turn(OP, dx, heads, positions, &inv_freq, true, opts)
}
