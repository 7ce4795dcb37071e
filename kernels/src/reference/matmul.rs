//! `C <- alpha * A * B + beta * C` as three nested loops accumulating in f64; [`spec`] holds
//! the layouts, shapes and error bound it is checked with.

pub mod spec;

use crate::matmul::check_shapes;
use crate::{Error, MatMut, MatRef};

/// `C <- alpha * A * B + beta * C`, every dot product summed in f64 and rounded once.
/// With `beta == 0` the old C is never read, as in [`crate::matmul::gemm`].
pub fn gemm(alpha: f32, a: MatRef<'_>, b: MatRef<'_>, beta: f32, mut c: MatMut<'_>) -> Result<(), Error> {
    check_shapes("reference::gemm", &a, &b, &c)?;
    for i in 0..c.rows() {
        for j in 0..c.cols() {
            let mut dot = 0.0f64;
            for p in 0..a.cols() {
                dot += f64::from(a.get(i, p).unwrap_or(0.0)) * f64::from(b.get(p, j).unwrap_or(0.0));
            }
            if let Some(slot) = c.get_mut(i, j) {
                let old = if beta == 0.0 { 0.0 } else { f64::from(beta) * f64::from(*slot) };
                *slot = (f64::from(alpha) * dot + old) as f32;
            }
        }
    }
    Ok(())
}

/// `C <- A * B`.
pub fn matmul(a: MatRef<'_>, b: MatRef<'_>, c: MatMut<'_>) -> Result<(), Error> {
    gemm(1.0, a, b, 0.0, c)
}
