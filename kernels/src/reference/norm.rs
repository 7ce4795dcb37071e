//! f64 oracles for layer norm and RMS norm over rows of `cols = weight.len()`, forward and
//! backward, computed in two plain passes from the f32 inputs. Conventions match the kernels
//! and PyTorch: biased variance, `rstd = 1 / sqrt(var + eps)`, `dweight` and `dbias` summed
//! over rows. The backward oracles take the f32 `mean` and `rstd` a forward pass wrote, as the
//! kernels do, and compute exactly what the kernels compute from them.
//!
//! They panic on malformed shapes: they are for tests, which pass well-formed ones.

pub mod spec;

/// A forward pass's outputs: the oracle's in f64, a kernel's in f32; `mean` is empty for RMS
/// norm.
#[derive(Clone, Debug, PartialEq)]
pub struct Forward<T = f64> {
    pub y: Vec<T>,
    pub mean: Vec<T>,
    pub rstd: Vec<T>,
}

/// A backward pass's gradients: the oracle's in f64, a kernel's in f32; `dbias` is empty for
/// RMS norm.
#[derive(Clone, Debug, PartialEq)]
pub struct Grads<T = f64> {
    pub dx: Vec<T>,
    pub dweight: Vec<T>,
    pub dbias: Vec<T>,
}

/// The oracle's gradients with, for each `dx`, the sum of the magnitudes of the three terms
/// it is made of, `rstd (|g| + |mean(g)| + |xhat mean(g xhat)|)`: where they cancel, rounding
/// errs by a fraction of that.
#[derive(Clone, Debug, PartialEq)]
pub struct Backward {
    pub grads: Grads,
    pub dx_terms: Vec<f64>,
}

fn wide(v: &[f32]) -> Vec<f64> {
    v.iter().map(|&v| f64::from(v)).collect()
}

fn rows(x: &[f32], weight: &[f32]) -> usize {
    let cols = weight.len();
    assert!(cols > 0 && x.len().is_multiple_of(cols), "len {} is not rows x {cols}", x.len());
    x.len() / cols
}

/// Layer norm of each row: `y = (x - mean) rstd weight + bias`.
pub fn layer_norm(x: &[f32], weight: &[f32], bias: &[f32], eps: f32) -> Forward {
    norm(x, weight, Some(bias), eps)
}

/// RMS norm of each row: `y = x rstd weight`, `rstd = 1 / sqrt(mean(x^2) + eps)`.
pub fn rms_norm(x: &[f32], weight: &[f32], eps: f32) -> Forward {
    norm(x, weight, None, eps)
}

fn norm(x: &[f32], weight: &[f32], bias: Option<&[f32]>, eps: f32) -> Forward {
    let cols = weight.len();
    let mut out = Forward { y: Vec::with_capacity(x.len()), mean: Vec::new(), rstd: Vec::new() };
    for row in x.chunks(cols.max(1)).take(rows(x, weight)) {
        let row = wide(row);
        let mean = if bias.is_some() { row.iter().sum::<f64>() / cols as f64 } else { 0.0 };
        let var = row.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / cols as f64;
        let rstd = 1.0 / (var + f64::from(eps)).sqrt();
        for (j, v) in row.iter().enumerate() {
            let b = bias.map_or(0.0, |b| f64::from(b[j]));
            out.y.push((v - mean) * rstd * f64::from(weight[j]) + b);
        }
        if bias.is_some() {
            out.mean.push(mean);
        }
        out.rstd.push(rstd);
    }
    out
}

/// Gradients of [`layer_norm`] from its f32 `mean` and `rstd`: with `xhat = (x - mean) rstd`
/// and `g = dy weight`, `dx = rstd (g - mean(g) - xhat mean(g xhat))`, `dweight = sum dy xhat`,
/// `dbias = sum dy`.
pub fn layer_norm_backward(x: &[f32], weight: &[f32], mean: &[f32], rstd: &[f32], dy: &[f32]) -> Backward {
    norm_backward(x, weight, Some(mean), rstd, dy)
}

/// Gradients of [`rms_norm`] from its f32 `rstd`: with `xhat = x rstd` and `g = dy weight`,
/// `dx = rstd (g - xhat mean(g xhat))`, `dweight = sum dy xhat`.
pub fn rms_norm_backward(x: &[f32], weight: &[f32], rstd: &[f32], dy: &[f32]) -> Backward {
    norm_backward(x, weight, None, rstd, dy)
}

fn norm_backward(x: &[f32], weight: &[f32], mean: Option<&[f32]>, rstd: &[f32], dy: &[f32]) -> Backward {
    let (cols, rows) = (weight.len(), rows(x, weight));
    assert!(dy.len() == x.len() && rstd.len() == rows && mean.is_none_or(|m| m.len() == rows));
    let n = cols as f64;
    let mut grads = Grads {
        dx: Vec::with_capacity(x.len()),
        dweight: vec![0.0; cols],
        dbias: vec![0.0; if mean.is_some() { cols } else { 0 }],
    };
    let mut dx_terms = Vec::with_capacity(x.len());
    for r in 0..rows {
        let (m, rs) = (mean.map_or(0.0, |m| f64::from(m[r])), f64::from(rstd[r]));
        let at = |j: usize| r * cols + j;
        let xhat: Vec<f64> = (0..cols).map(|j| (f64::from(x[at(j)]) - m) * rs).collect();
        let g: Vec<f64> = (0..cols).map(|j| f64::from(dy[at(j)]) * f64::from(weight[j])).collect();
        let mean_g = if mean.is_some() { g.iter().sum::<f64>() / n } else { 0.0 };
        let mean_gx = g.iter().zip(&xhat).map(|(g, x)| g * x).sum::<f64>() / n;
        for j in 0..cols {
            grads.dx.push(rs * (g[j] - mean_g - xhat[j] * mean_gx));
            dx_terms.push(rs * (g[j].abs() + mean_g.abs() + (xhat[j] * mean_gx).abs()));
            grads.dweight[j] += f64::from(dy[at(j)]) * xhat[j];
            if let Some(db) = grads.dbias.get_mut(j) {
                *db += f64::from(dy[at(j)]);
            }
        }
    }
    Backward { grads, dx_terms }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions() {
        let f = layer_norm(&[1.0, 3.0, 5.0, 5.0], &[1.0, 2.0], &[0.5, 0.0], 0.0);
        assert_eq!((f.mean, f.rstd), (vec![2.0, 5.0], vec![1.0, f64::INFINITY]));
        assert_eq!(&f.y[..2], &[-0.5, 2.0]);
        let r = rms_norm(&[3.0, 4.0], &[1.0, 1.0], 0.0);
        assert!((r.rstd[0] - (2.0f64 / 25.0).sqrt()).abs() < 1e-15 && r.mean.is_empty());
        let Backward { grads: g, dx_terms } =
            layer_norm_backward(&[1.0, 3.0], &[1.0, 1.0], &[2.0], &[1.0], &[1.0, 1.0]);
        assert_eq!((g.dx, g.dweight, g.dbias), (vec![0.0, 0.0], vec![-1.0, 1.0], vec![1.0, 1.0]));
        assert_eq!(dx_terms, vec![2.0, 2.0]);
    }
}
