//! f64 oracles for exp and the row-wise softmax family, computed three-pass from the f32
//! inputs. Conventions match the kernels: a row that is entirely -inf gives zeros (softmax),
//! -inf (log_softmax) and zero gradients; a NaN anywhere in a row makes that row NaN.
//!
//! They panic on malformed shapes: they are for tests, which pass well-formed ones.

/// e^x for every element, in f64.
pub fn exp(x: &[f32]) -> Vec<f64> {
    x.iter().map(|&v| f64::from(v).exp()).collect()
}

fn rows(len: usize, cols: usize) -> usize {
    assert!(cols > 0 && len.is_multiple_of(cols), "len {len} is not rows x {cols}");
    len / cols
}

/// (max, sum of e^(x - max)) of one row, in f64; None when the row holds a NaN.
fn row_stats(row: &[f32]) -> Option<(f64, f64)> {
    if row.iter().any(|v| v.is_nan()) {
        return None;
    }
    let max = row.iter().map(|&v| f64::from(v)).fold(f64::NEG_INFINITY, f64::max);
    let sum =
        if max == f64::NEG_INFINITY { 0.0 } else { row.iter().map(|&v| (f64::from(v) - max).exp()).sum() };
    Some((max, sum))
}

/// Row-wise softmax over rows of `cols` elements.
pub fn softmax(x: &[f32], cols: usize) -> Vec<f64> {
    rows(x.len(), cols);
    let mut out = Vec::with_capacity(x.len());
    for row in x.chunks(cols) {
        match row_stats(row) {
            None => out.extend(row.iter().map(|_| f64::NAN)),
            Some((max, _)) if max == f64::NEG_INFINITY => out.extend(row.iter().map(|_| 0.0)),
            Some((max, sum)) => out.extend(row.iter().map(|&v| (f64::from(v) - max).exp() / sum)),
        }
    }
    out
}

/// Row-wise log_softmax over rows of `cols` elements.
pub fn log_softmax(x: &[f32], cols: usize) -> Vec<f64> {
    rows(x.len(), cols);
    let mut out = Vec::with_capacity(x.len());
    for row in x.chunks(cols) {
        match row_stats(row) {
            None => out.extend(row.iter().map(|_| f64::NAN)),
            Some((max, _)) if max == f64::NEG_INFINITY => {
                out.extend(row.iter().map(|_| f64::NEG_INFINITY));
            }
            Some((max, sum)) => {
                let lse = max + sum.ln();
                out.extend(row.iter().map(|&v| f64::from(v) - lse));
            }
        }
    }
    out
}

/// Gradient of softmax given its output `y` and the upstream gradient `dy`:
/// dx = y * (dy - sum(dy * y)) per row.
pub fn softmax_backward(y: &[f32], dy: &[f32], cols: usize) -> Vec<f64> {
    assert_eq!(y.len(), dy.len());
    rows(y.len(), cols);
    let mut out = Vec::with_capacity(y.len());
    for (y, dy) in y.chunks(cols).zip(dy.chunks(cols)) {
        let dot: f64 = y.iter().zip(dy).map(|(&y, &d)| f64::from(y) * f64::from(d)).sum();
        out.extend(y.iter().zip(dy).map(|(&y, &d)| f64::from(y) * (f64::from(d) - dot)));
    }
    out
}

/// Gradient of log_softmax given its output `y_log` and the upstream gradient `dy`:
/// dx = dy - e^y_log * sum(dy) per row, and zeros for a row whose `y_log` is all -inf.
pub fn log_softmax_backward(y_log: &[f32], dy: &[f32], cols: usize) -> Vec<f64> {
    assert_eq!(y_log.len(), dy.len());
    rows(y_log.len(), cols);
    let mut out = Vec::with_capacity(y_log.len());
    for (y, dy) in y_log.chunks(cols).zip(dy.chunks(cols)) {
        if y.iter().all(|&v| v == f32::NEG_INFINITY) {
            out.extend(y.iter().map(|_| 0.0));
            continue;
        }
        let sum: f64 = dy.iter().map(|&d| f64::from(d)).sum();
        out.extend(y.iter().zip(dy).map(|(&y, &d)| f64::from(d) - f64::from(y).exp() * sum));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions() {
        let x = [1.0, 2.0, f32::NEG_INFINITY, f32::NEG_INFINITY, 0.0, f32::NAN];
        let y = softmax(&x, 2);
        assert!((y[0] + y[1] - 1.0).abs() < 1e-15);
        assert_eq!(&y[2..4], &[0.0, 0.0]);
        assert!(y[4].is_nan() && y[5].is_nan());
        let l = log_softmax(&x, 2);
        assert!((l[1] - (y[1]).ln()).abs() < 1e-15);
        assert_eq!(&l[2..4], &[f64::NEG_INFINITY; 2]);
        let g = log_softmax_backward(&[f32::NEG_INFINITY; 2], &[1.0, 2.0], 2);
        assert_eq!(g, vec![0.0, 0.0]);
    }
}
