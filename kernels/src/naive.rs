//! The textbook f32 versions one writes before knowing about blocking, vectors or online
//! softmax: the baselines the benches and `harness bench` measure the kernels against. Nothing
//! in the crate calls them. Like every entry point they check their arguments first and return
//! an [`Error`] naming the one that does not fit, so a bad call never panics or truncates.

use crate::Error;

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
    }
}
