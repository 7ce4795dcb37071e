//! The textbook f32 versions one writes before knowing about blocking, vectors or online
//! softmax: the baselines the benches and `harness bench` measure the kernels against. Nothing
//! in the crate calls them. Like every entry point they check their arguments first and return
//! an [`Error`] naming the one that does not fit, so a bad call never panics or truncates.

use crate::Error;
use crate::rows::{check_len, check_rows};

/// `c = a * b` for square row-major `n x n` matrices: three nested loops, a dot product per
/// element. `a`, `b` and `c` must each hold exactly `n * n` elements.
pub fn matmul(a: &[f32], b: &[f32], c: &mut [f32], n: usize) -> Result<(), Error> {
    const OP: &str = "naive::matmul";
    let len = n.checked_mul(n).ok_or_else(|| Error::shape(OP, format!("n = {n} overflows n * n")))?;
    for (name, got) in [("a", a.len()), ("b", b.len()), ("c", c.len())] {
        if got != len {
            return Err(Error::len(
                OP,
                format!("{name} has {got} elements but must be n * n = {n}*{n} = {len}"),
            ));
        }
    }
    for i in 0..n {
        for j in 0..n {
            let mut dot = 0.0f32;
            for p in 0..n {
                dot += a[i * n + p] * b[p * n + j];
            }
            c[i * n + j] = dot;
        }
    }
    Ok(())
}

/// Row-wise softmax in three passes per row: the max, then `f32::exp` and the sum (stored),
/// then the scaling. `x` and `y` must have the same length, a whole number of rows of `cols`.
pub fn softmax(x: &[f32], y: &mut [f32], cols: usize) -> Result<(), Error> {
    const OP: &str = "naive::softmax";
    same_len(OP, x, y)?;
    match (cols, x.len()) {
        (_, 0) => return Ok(()),
        (0, len) => return Err(Error::shape(OP, format!("cols is 0 but x has {len} elements"))),
        (cols, len) if !len.is_multiple_of(cols) => {
            let why = format!("x has {len} elements, not a whole number of rows of cols = {cols}");
            return Err(Error::shape(OP, why));
        }
        _ => {}
    }
    for (x, y) in x.chunks_exact(cols).zip(y.chunks_exact_mut(cols)) {
        let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0;
        for (y, &x) in y.iter_mut().zip(x) {
            *y = (x - max).exp();
            sum += *y;
        }
        let inv = 1.0 / sum;
        for y in y.iter_mut() {
            *y *= inv;
        }
    }
    Ok(())
}

/// `y[i] = x[i].exp()` with the standard library's scalar exp; `x` and `y` must have the same
/// length.
pub fn exp(x: &[f32], y: &mut [f32]) -> Result<(), Error> {
    same_len("naive::exp", x, y)?;
    for (y, &x) in y.iter_mut().zip(x) {
        *y = x.exp();
    }
    Ok(())
}

/// Layer norm of each row of `weight.len()` elements, the textbook way in f32: the mean, the
/// variance about it, then `y = (x - mean) / sqrt(var + eps) * weight + bias`. `x` and `y`
/// must have the same length, whole rows; `bias` as many elements as `weight`.
pub fn layer_norm(x: &[f32], weight: &[f32], bias: &[f32], eps: f32, y: &mut [f32]) -> Result<(), Error> {
    const OP: &str = "naive::layer_norm";
    check_len(OP, "bias", bias.len(), weight.len(), "one per column, as weight")?;
    norm_rows(OP, x, weight, y, |x, y| {
        let n = x.len() as f32;
        let mean = x.iter().sum::<f32>() / n;
        let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
        let rstd = 1.0 / (var + eps).sqrt();
        for (j, (y, &x)) in y.iter_mut().zip(x).enumerate() {
            *y = (x - mean) * rstd * weight[j] + bias[j];
        }
    })
}

/// RMS norm of each row, the textbook way in f32: `y = x / sqrt(mean(x^2) + eps) * weight`.
/// Arguments as [`layer_norm`], without `bias`.
pub fn rms_norm(x: &[f32], weight: &[f32], eps: f32, y: &mut [f32]) -> Result<(), Error> {
    norm_rows("naive::rms_norm", x, weight, y, |x, y| {
        let rstd = 1.0 / (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32 + eps).sqrt();
        for (j, (y, &x)) in y.iter_mut().zip(x).enumerate() {
            *y = x * rstd * weight[j];
        }
    })
}

fn norm_rows(
    op: &'static str,
    x: &[f32],
    weight: &[f32],
    y: &mut [f32],
    row: impl Fn(&[f32], &mut [f32]),
) -> Result<(), Error> {
    same_len(op, x, y)?;
    check_rows(op, "x", x.len(), weight.len())?;
    for (x, y) in x.chunks_exact(weight.len().max(1)).zip(y.chunks_exact_mut(weight.len().max(1))) {
        row(x, y);
    }
    Ok(())
}

/// The mean cross-entropy loss over rows of `classes` logits, the textbook way in f32: each
/// row's max, the sum of `f32::exp(x - max)`, `max + ln(sum) - x[target]`. `logits` must hold
/// one row per target, and every target be below `classes`.
pub fn cross_entropy(logits: &[f32], targets: &[u32], classes: usize) -> Result<f32, Error> {
    const OP: &str = "naive::cross_entropy";
    let want = targets.len().saturating_mul(classes);
    check_len(OP, "logits", logits.len(), want, format!("{} targets of classes = {classes}", targets.len()))?;
    if let Some((i, t)) = targets.iter().enumerate().find(|&(_, &t)| t as usize >= classes) {
        return Err(Error::shape(OP, format!("targets[{i}] = {t} is out of range for classes = {classes}")));
    }
    let mut total = 0.0f32;
    for (row, &t) in logits.chunks_exact(classes.max(1)).zip(targets) {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let sum: f32 = row.iter().map(|&v| (v - max).exp()).sum();
        total += max + sum.ln() - row[t as usize];
    }
    Ok(if targets.is_empty() { 0.0 } else { total / targets.len() as f32 })
}

fn same_len(op: &'static str, x: &[f32], y: &[f32]) -> Result<(), Error> {
    match (x.len(), y.len()) {
        (x, y) if x == y => Ok(()),
        (x, y) => Err(Error::len(op, format!("x has {x} elements but y has {y} (they must match)"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baselines_compute_what_they_claim() {
        let (a, b) = ([1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]);
        let mut c = [0.0; 4];
        matmul(&a, &b, &mut c, 2).unwrap();
        assert_eq!(c, [19.0, 22.0, 43.0, 50.0]);
        let mut y = [0.0; 2];
        softmax(&[0.0, 0.0], &mut y, 2).unwrap();
        assert_eq!(y, [0.5, 0.5]);
        exp(&[0.0, 1.0], &mut y).unwrap();
        assert_eq!(y, [1.0, 1.0f32.exp()]);
        softmax(&[], &mut [], 0).unwrap();
        let mut y = [0.0; 4];
        layer_norm(&[1.0, 3.0, 0.0, 4.0], &[1.0, 2.0], &[0.0, 1.0], 0.0, &mut y).unwrap();
        assert_eq!(y, [-1.0, 3.0, -1.0, 3.0]);
        rms_norm(&[3.0, 4.0], &[1.0, 1.0], 0.0, &mut y[..2]).unwrap();
        assert!((y[0] - 0.6 * 2f32.sqrt()).abs() < 1e-6);
        assert!((cross_entropy(&[0.0, 0.0], &[1], 2).unwrap() - 2f32.ln()).abs() < 1e-7);
    }

    #[test]
    fn bad_arguments_are_errors_naming_them() {
        let (a, mut c) = ([1.0; 4], [7.0; 4]);
        let e = matmul(&a, &a[..3], &mut c, 2).unwrap_err();
        assert!(matches!(e, Error::Len { op: "naive::matmul", .. }), "{e:?}");
        assert_eq!(e.to_string(), "naive::matmul: b has 3 elements but must be n * n = 2*2 = 4");
        let e = matmul(&a, &a, &mut c[..2], 2).unwrap_err();
        assert!(e.to_string().contains("c has 2 elements"), "{e}");
        let e = matmul(&a, &a, &mut c, 3).unwrap_err();
        assert!(e.to_string().contains("a has 4 elements but must be n * n = 3*3 = 9"), "{e}");
        assert!(matmul(&[], &[], &mut [], usize::MAX).unwrap_err().to_string().contains("overflows"));
        assert_eq!(c, [7.0; 4], "an error must leave c untouched");

        let mut y = [7.0; 4];
        let e = softmax(&[0.0; 5], &mut [0.0; 5], 2).unwrap_err();
        assert!(matches!(e, Error::Shape { .. }), "{e:?}");
        assert_eq!(e.to_string(), "naive::softmax: x has 5 elements, not a whole number of rows of cols = 2");
        let e = softmax(&[0.0; 4], &mut y[..3], 2).unwrap_err();
        assert_eq!(e.to_string(), "naive::softmax: x has 4 elements but y has 3 (they must match)");
        let e = softmax(&[0.0; 4], &mut y, 0).unwrap_err();
        assert_eq!(e.to_string(), "naive::softmax: cols is 0 but x has 4 elements");
        assert_eq!(y, [7.0; 4], "an error must leave y untouched");

        let e = exp(&[1.0; 3], &mut y[..2]).unwrap_err();
        assert!(matches!(e, Error::Len { op: "naive::exp", .. }), "{e:?}");
        assert_eq!(e.to_string(), "naive::exp: x has 3 elements but y has 2 (they must match)");

        let e = layer_norm(&[0.0; 4], &[1.0; 2], &[0.0], 1e-5, &mut y).unwrap_err();
        assert!(e.to_string().contains("bias has 1 elements but must have 2"), "{e}");
        let e = rms_norm(&[0.0; 3], &[1.0; 2], 1e-5, &mut y[..3]).unwrap_err();
        assert!(e.to_string().contains("not a whole number of rows"), "{e}");
        let e = cross_entropy(&[0.0; 4], &[0, 2], 2).unwrap_err();
        assert_eq!(e.to_string(), "naive::cross_entropy: targets[1] = 2 is out of range for classes = 2");
        assert!(cross_entropy(&[0.0; 3], &[0, 0], 2).is_err());
        assert_eq!(y, [7.0; 4], "an error must leave y untouched");
    }
}
