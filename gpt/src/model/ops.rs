//! The glue between kernels: a `Linear` layer's three products on `kernels::matmul::gemm`, and
//! the layout change between the projections' `[tokens, heads, head_dim]` and attention's
//! `[batch, heads, seq, head_dim]`. Plain loops in a fixed order, so results do not depend on
//! the thread count.

use kernels::matmul::gemm;
use kernels::{MatMut, MatRef, Opts};

use crate::Result;

/// `y <- x W^T + beta y`: `x [rows, inp]`, `w [out, inp]`, `y [rows, out]`.
#[allow(clippy::too_many_arguments)]
pub fn linear(
    x: &[f32],
    w: &[f32],
    y: &mut [f32],
    rows: usize,
    inp: usize,
    out: usize,
    beta: f32,
    opts: &Opts,
) -> Result<()> {
    let (x, w) = (MatRef::new(x, rows, inp)?, MatRef::new(w, out, inp)?);
    gemm(1.0, x, w.t(), beta, MatMut::new(y, rows, out)?, opts)?;
    Ok(())
}

/// `dx <- dy W + beta dx`: the input gradient of [`linear`].
#[allow(clippy::too_many_arguments)]
pub fn linear_dx(
    dy: &[f32],
    w: &[f32],
    dx: &mut [f32],
    rows: usize,
    inp: usize,
    out: usize,
    beta: f32,
    opts: &Opts,
) -> Result<()> {
    let (dy, w) = (MatRef::new(dy, rows, out)?, MatRef::new(w, out, inp)?);
    gemm(1.0, dy, w, beta, MatMut::new(dx, rows, inp)?, opts)?;
    Ok(())
}

/// `dw <- dy^T x`: the weight gradient of [`linear`] (overwrites `dw`).
pub fn linear_dw(
    dy: &[f32],
    x: &[f32],
    dw: &mut [f32],
    rows: usize,
    inp: usize,
    out: usize,
    opts: &Opts,
) -> Result<()> {
    let (dy, x) = (MatRef::new(dy, rows, out)?, MatRef::new(x, rows, inp)?);
    gemm(1.0, dy.t(), x, 0.0, MatMut::new(dw, out, inp)?, opts)?;
    Ok(())
}

/// The shape of a batch's token-major tensors as attention sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Heads {
    pub batch: usize,
    pub seq: usize,
    pub heads: usize,
    pub head_dim: usize,
}

impl Heads {
    /// `[batch, seq, heads, head_dim]` (token-major) into `[batch, heads, seq, head_dim]`.
    pub fn split(&self, src: &[f32], dst: &mut [f32]) {
        self.permute(src, dst, true);
    }

    /// The inverse of [`Heads::split`].
    pub fn merge(&self, src: &[f32], dst: &mut [f32]) {
        self.permute(src, dst, false);
    }

    /// Copies each head's row between the token-major and the head-major layout: into the
    /// head-major one with `to_heads`, back otherwise.
    fn permute(&self, src: &[f32], dst: &mut [f32], to_heads: bool) {
        let Heads { batch, seq, heads, head_dim: hd } = *self;
        for b in 0..batch {
            for t in 0..seq {
                for h in 0..heads {
                    let token_major = ((b * seq + t) * heads + h) * hd;
                    let head_major = ((b * heads + h) * seq + t) * hd;
                    let (s, d) = if to_heads { (token_major, head_major) } else { (head_major, token_major) };
                    dst[d..d + hd].copy_from_slice(&src[s..s + hd]);
                }
            }
        }
    }
}

/// `acc += x`, element by element.
pub fn add_into(acc: &mut [f32], x: &[f32]) {
    debug_assert_eq!(acc.len(), x.len());
    acc.iter_mut().zip(x).for_each(|(a, b)| *a += b);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_merge_are_inverse_and_move_heads() {
        let shape = Heads { batch: 2, seq: 3, heads: 2, head_dim: 4 };
        let src: Vec<f32> = (0..48).map(|i| i as f32).collect();
        let (mut split, mut back) = (vec![0.0; 48], vec![0.0; 48]);
        shape.split(&src, &mut split);
        // batch 0, head 1, position 0 starts at token 0's second head.
        assert_eq!(split[3 * 4..3 * 4 + 4], src[4..8]);
        shape.merge(&split, &mut back);
        assert_eq!(back, src);
    }
}
