//! The textbook f32 versions one writes before knowing about blocking, vectors or online
//! softmax: the baselines the benches and `harness bench` measure the kernels against. Nothing
//! in the crate calls them, and they check nothing: pass matching lengths.

/// `c = a * b` for square row-major `n x n` matrices: three nested loops, a dot product per
/// element.
pub fn matmul(a: &[f32], b: &[f32], c: &mut [f32], n: usize) {
    for i in 0..n {
        for j in 0..n {
            let mut dot = 0.0f32;
            for p in 0..n {
                dot += a[i * n + p] * b[p * n + j];
            }
            c[i * n + j] = dot;
        }
    }
}

/// Row-wise softmax in three passes per row: the max, then `f32::exp` and the sum (stored),
/// then the scaling.
pub fn softmax(x: &[f32], y: &mut [f32], cols: usize) {
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
}

/// `y[i] = x[i].exp()` with the standard library's scalar exp.
pub fn exp(x: &[f32], y: &mut [f32]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = x.exp();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baselines_compute_what_they_claim() {
        let (a, b) = ([1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]);
        let mut c = [0.0; 4];
        matmul(&a, &b, &mut c, 2);
        assert_eq!(c, [19.0, 22.0, 43.0, 50.0]);
        let mut y = [0.0; 2];
        softmax(&[0.0, 0.0], &mut y, 2);
        assert_eq!(y, [0.5, 0.5]);
        exp(&[0.0, 1.0], &mut y);
        assert_eq!(y, [1.0, 1.0f32.exp()]);
    }
}
