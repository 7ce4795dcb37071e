//! f64 oracles for exp and the row-wise softmax family, computed three-pass from the f32
//! inputs. Conventions match the kernels: a row that is entirely -inf gives zeros (softmax),
//! -inf (log_softmax) and zero gradients; a NaN anywhere in a row makes that row NaN.
//!
//! They panic on malformed shapes: they are for tests, which pass well-formed ones.

pub mod spec;

/// e^x for every element, in f64 (now [`super::exp::exp`], kept here where it first lived).
pub use super::exp::exp;

/// Runs `f` on each row of `cols` elements of `a` and `b` side by side, collecting what it
/// pushes; panics unless both are the same whole number of rows.
fn by_rows(a: &[f32], b: &[f32], cols: usize, f: impl Fn(&[f32], &[f32], &mut Vec<f64>)) -> Vec<f64> {
    assert_eq!(a.len(), b.len());
    assert!(cols > 0 && a.len().is_multiple_of(cols), "len {} is not rows x {cols}", a.len());
    let mut out = Vec::with_capacity(a.len());
    for (a, b) in a.chunks(cols).zip(b.chunks(cols)) {
        f(a, b, &mut out);
    }
    out
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
    by_rows(x, x, cols, |row, _, out| match row_stats(row) {
        None => out.extend(row.iter().map(|_| f64::NAN)),
        Some((max, _)) if max == f64::NEG_INFINITY => out.extend(row.iter().map(|_| 0.0)),
        Some((max, sum)) => out.extend(row.iter().map(|&v| (f64::from(v) - max).exp() / sum)),
    })
}

/// Row-wise log_softmax over rows of `cols` elements.
pub fn log_softmax(x: &[f32], cols: usize) -> Vec<f64> {
    by_rows(x, x, cols, |row, _, out| match row_stats(row) {
        None => out.extend(row.iter().map(|_| f64::NAN)),
        Some((max, _)) if max == f64::NEG_INFINITY => out.extend(row.iter().map(|_| f64::NEG_INFINITY)),
        // x - max first: exact for any f32 row, and not rounded away past |x| ~ 1e17 as ln(sum) would
        // be in x - (max + ln(sum)).
        Some((max, sum)) => out.extend(row.iter().map(|&v| (f64::from(v) - max) - sum.ln())),
    })
}

/// Gradient of softmax given its output `y` and the upstream gradient `dy`:
/// dx = y * (dy - sum(dy * y)) per row.
pub fn softmax_backward(y: &[f32], dy: &[f32], cols: usize) -> Vec<f64> {
    by_rows(y, dy, cols, |y, dy, out| {
        let dot: f64 = y.iter().zip(dy).map(|(&y, &d)| f64::from(y) * f64::from(d)).sum();
        out.extend(y.iter().zip(dy).map(|(&y, &d)| f64::from(y) * (f64::from(d) - dot)));
    })
}

/// Gradient of log_softmax given its output `y_log` and the upstream gradient `dy`:
/// dx = dy - e^y_log * sum(dy) per row, and zeros for a row whose `y_log` is all -inf.
pub fn log_softmax_backward(y_log: &[f32], dy: &[f32], cols: usize) -> Vec<f64> {
    by_rows(y_log, dy, cols, |y, dy, out| {
        if y.iter().all(|&v| v == f32::NEG_INFINITY) {
            return out.extend(y.iter().map(|_| 0.0));
        }
        let sum: f64 = dy.iter().map(|&d| f64::from(d)).sum();
        out.extend(y.iter().zip(dy).map(|(&y, &d)| f64::from(d) - f64::from(y).exp() * sum));
    })
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
        // ln(2) survives beside 1e18: x - max is taken before ln(sum) is subtracted.
        assert_eq!(log_softmax(&[1e18, 1e18], 2), vec![-std::f64::consts::LN_2; 2]);
        let g = log_softmax_backward(&[f32::NEG_INFINITY; 2], &[1.0, 2.0], 2);
        assert_eq!(g, vec![0.0, 0.0]);
    }
}
