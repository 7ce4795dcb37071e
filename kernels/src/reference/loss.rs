//! f64 oracle for cross-entropy over rows of `classes` logits, one target class per row: each
//! row's `ln(sum_j e^x_j) - x_target` (the sum taken about the row's max), 0 for a row whose
//! target is `ignore_index`, the mean over the rows not ignored (0 when every row is), and the
//! gradient of that mean times `dloss`. It reads the call from a [`spec::Case`].
//!
//! It panics on malformed shapes or targets: it is for tests, which pass well-formed ones.

pub mod spec;

use spec::Case;

/// The losses of every row and their mean over the rows not ignored.
#[derive(Clone, Debug, PartialEq)]
pub struct Forward {
    pub losses: Vec<f64>,
    pub loss: f64,
}

/// The rows of `case` not ignored, with their targets.
fn live_rows(case: &Case) -> impl Iterator<Item = (usize, &[f32], usize)> {
    let Case { classes, ignore_index, ref logits, ref targets, .. } = *case;
    assert_eq!(logits.len(), targets.len() * classes, "logits is not rows x classes");
    targets.iter().enumerate().filter(move |&(_, &t)| Some(t) != ignore_index).map(move |(r, &t)| {
        assert!((t as usize) < classes, "target {t} out of range");
        (r, &logits[r * classes..(r + 1) * classes], t as usize)
    })
}

/// (max, sum of e^(x - max)) of one row.
fn row_stats(row: &[f32]) -> (f64, f64) {
    let max = row.iter().map(|&v| f64::from(v)).fold(f64::NEG_INFINITY, f64::max);
    (max, row.iter().map(|&v| (f64::from(v) - max).exp()).sum())
}

/// Cross-entropy of every row of `case` and the mean loss.
pub fn cross_entropy(case: &Case) -> Forward {
    let mut losses = vec![0.0; case.targets.len()];
    let mut live = 0;
    for (r, row, t) in live_rows(case) {
        let (max, sum) = row_stats(row);
        losses[r] = (max - f64::from(row[t])) + sum.ln();
        live += 1;
    }
    let loss = if live == 0 { 0.0 } else { losses.iter().sum::<f64>() / f64::from(live) };
    Forward { losses, loss }
}

/// The gradient of the mean loss times `dloss`: `dloss / n (softmax(row) - onehot(target))`
/// for each of the `n` rows not ignored, 0 elsewhere.
pub fn cross_entropy_backward(case: &Case) -> Vec<f64> {
    let (classes, scale) = (case.classes, case.scale());
    let mut dlogits = vec![0.0; case.logits.len()];
    for (r, row, t) in live_rows(case) {
        let (max, sum) = row_stats(row);
        let out = &mut dlogits[r * classes..(r + 1) * classes];
        for (d, &v) in out.iter_mut().zip(row) {
            *d = scale * (f64::from(v) - max).exp() / sum;
        }
        out[t] -= scale;
    }
    dlogits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions() {
        let logits = vec![0.0, 0.0, 1.0, 1.0];
        let case = Case { classes: 2, ignore_index: Some(7), logits, targets: vec![0, 7], dloss: 2.0 };
        let f = cross_entropy(&case);
        assert_eq!(f.losses, vec![2.0f64.ln(), 0.0]);
        assert_eq!(f.loss, 2.0f64.ln());
        assert_eq!(cross_entropy_backward(&case), vec![-1.0, 1.0, 0.0, 0.0]);
        let ignored = Case { targets: vec![7, 7], ..case };
        assert_eq!(cross_entropy(&ignored).loss, 0.0);
        assert_eq!(cross_entropy_backward(&ignored), vec![0.0; 4]);
    }
}
