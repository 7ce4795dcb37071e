//! f64 oracle for cross-entropy over rows of `classes` logits, one target class per row: each
//! row's `ln(sum_j e^x_j) - x_target` (the sum taken about the row's max), 0 for a row whose
//! target is `ignore_index`, the mean over the rows not ignored (0 when every row is), and the
//! gradient of that mean times `dloss`.
//!
//! It panics on malformed shapes or targets: it is for tests, which pass well-formed ones.

pub mod spec;

/// The losses of every row and their mean over the rows not ignored.
#[derive(Clone, Debug, PartialEq)]
pub struct Forward {
    pub losses: Vec<f64>,
    pub loss: f64,
}

/// The rows not ignored, with their targets.
fn live_rows<'a>(
    logits: &'a [f32],
    targets: &'a [u32],
    classes: usize,
    ignore_index: Option<u32>,
) -> impl Iterator<Item = (usize, &'a [f32], usize)> {
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

/// Cross-entropy of every row and the mean loss.
pub fn cross_entropy(logits: &[f32], targets: &[u32], classes: usize, ignore_index: Option<u32>) -> Forward {
    let mut losses = vec![0.0; targets.len()];
    let mut live = 0;
    for (r, row, t) in live_rows(logits, targets, classes, ignore_index) {
        let (max, sum) = row_stats(row);
        losses[r] = (max - f64::from(row[t])) + sum.ln();
        live += 1;
    }
    let loss = if live == 0 { 0.0 } else { losses.iter().sum::<f64>() / f64::from(live) };
    Forward { losses, loss }
}

/// The gradient of the mean loss times `dloss`: `dloss / n (softmax(row) - onehot(target))`
/// for each of the `n` rows not ignored, 0 elsewhere.
pub fn cross_entropy_backward(
    logits: &[f32],
    targets: &[u32],
    classes: usize,
    ignore_index: Option<u32>,
    dloss: f32,
) -> Vec<f64> {
    let live = live_rows(logits, targets, classes, ignore_index).count();
    let scale = f64::from(dloss) / live.max(1) as f64;
    let mut dlogits = vec![0.0; logits.len()];
    for (r, row, t) in live_rows(logits, targets, classes, ignore_index) {
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
        let logits = [0.0, 0.0, 1.0, 1.0];
        let f = cross_entropy(&logits, &[0, 7], 2, Some(7));
        assert_eq!(f.losses, vec![2.0f64.ln(), 0.0]);
        assert_eq!(f.loss, 2.0f64.ln());
        assert_eq!(cross_entropy_backward(&logits, &[0, 7], 2, Some(7), 2.0), vec![-1.0, 1.0, 0.0, 0.0]);
        assert_eq!(cross_entropy(&logits, &[7, 7], 2, Some(7)).loss, 0.0);
        assert_eq!(cross_entropy_backward(&logits, &[7, 7], 2, Some(7), 1.0), vec![0.0; 4]);
    }
}
