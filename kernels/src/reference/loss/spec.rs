//! What cross-entropy must satisfy, written once for the tests, `harness run cross-entropy`
//! and fuzzing: seeded cases, the error bounds with their derivations, and `compare` drivers
//! that run the kernels and the oracle and hand every element, with its bound, to a sink.
//!
//! # Bounds
//! - Each loss, and the mean, within [`LOSS_REL`] of itself plus [`LOSS_ABS`]. `max - x_t` is
//!   exact in f64 and `ln(sum)` errs by the sum's relative error: each `e^(x - max)` within
//!   about 2 ulp plus `|x - max| u` for rounding its argument, the f32 sum of a block about 7
//!   roundings (`7 u / 2` of the largest terms), the f64 sum across blocks nothing to speak
//!   of; some `10 u` (6e-7) where the terms are near the max, and small terms, further from
//!   it, weigh little. The written loss adds half an ulp of itself.
//! - Each gradient within [`GRAD_REL`] of itself plus [`GRAD_ABS`] `max(1, 4 |scale|)`,
//!   `scale = dloss / n`: `scale p` carries the same relative error as the sum, and the
//!   target's `scale (p - 1)`, which cancels when `p` is near 1, is taken in f64 and errs by
//!   `|scale|` times the sum's error, under `1e-7` for `|scale| <= 1/4`.

use crate::loss as kernel;
use crate::reference::golden::Golden;
use crate::reference::{At, Rng, Sample};
use crate::{Error, Opts};

/// The losses' bound relative to themselves ...
pub const LOSS_REL: f64 = 1e-5;
/// ... and absolute.
pub const LOSS_ABS: f64 = 2e-6;
/// The gradients' bound relative to themselves ...
pub const GRAD_REL: f64 = 1e-5;
/// ... and absolute, for `|dloss| / n <= 1/4` (in proportion beyond).
pub const GRAD_ABS: f64 = 1e-7;

/// Everything one cross-entropy call needs, owned.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub classes: usize,
    pub ignore_index: Option<u32>,
    pub logits: Vec<f32>,
    pub targets: Vec<u32>,
    pub dloss: f32,
}

impl Case {
    /// `rows x classes` logits uniform in `[-spread, spread)`, uniform targets, and with an
    /// `ignore_index` a quarter of the rows (on average) ignored; `dloss` 0.75.
    pub fn random(rows: usize, classes: usize, spread: f32, ignore_index: Option<u32>, seed: u64) -> Case {
        let mut rng = Rng::new(seed);
        let logits = rng.vec(rows * classes, -spread, spread);
        let targets = (0..rows)
            .map(|_| match ignore_index {
                Some(i) if rng.below(4) == 0 => i,
                _ => rng.below(classes.max(1) as u64) as u32,
            })
            .collect();
        Case { classes, ignore_index, logits, targets, dloss: 0.75 }
    }

    /// The inputs of a golden case (`ce_*`).
    pub fn golden(case: &Golden) -> Case {
        let ignore = case["ignore_index"][0];
        Case {
            classes: case.dim("classes"),
            ignore_index: (ignore >= 0.0).then_some(ignore as u32),
            logits: case.f32s("logits"),
            targets: case["targets"].iter().map(|&t| t as u32).collect(),
            dloss: case["dloss"][0] as f32,
        }
    }

    /// `dloss` over the number of rows not ignored (0 when every row is).
    pub fn scale(&self) -> f64 {
        let live = self.targets.iter().filter(|&&t| Some(t) != self.ignore_index).count();
        if live == 0 { 0.0 } else { f64::from(self.dloss) / live as f64 }
    }
}

/// The kernel's losses and mean loss on `case`.
pub fn forward(case: &Case, opts: &Opts) -> Result<(Vec<f32>, f32), Error> {
    let mut losses = vec![0.0; case.targets.len()];
    let c = case;
    let loss = kernel::cross_entropy(&c.logits, &c.targets, c.classes, c.ignore_index, &mut losses, opts)?;
    Ok((losses, loss))
}

/// The kernel's gradient on `case`.
pub fn backward(case: &Case, opts: &Opts) -> Result<Vec<f32>, Error> {
    let mut dlogits = vec![0.0; case.logits.len()];
    let c = case;
    kernel::cross_entropy_backward(
        &c.logits,
        &c.targets,
        c.classes,
        c.ignore_index,
        c.dloss,
        &mut dlogits,
        opts,
    )?;
    Ok(dlogits)
}

/// The bound of a loss whose exact value is `want`.
pub fn loss_bound(want: f64) -> f64 {
    LOSS_REL * want.abs() + LOSS_ABS
}

/// The bound of a gradient whose exact value is `want`, for `scale = dloss / n`.
pub fn grad_bound(want: f64, scale: f64) -> f64 {
    GRAD_REL * want.abs() + GRAD_ABS * (4.0 * scale.abs()).max(1.0)
}

/// Runs both passes on `case` and hands every loss, the mean and every gradient, against the
/// f64 oracle, to `sink`.
pub fn compare(case: &Case, opts: &Opts, sink: impl FnMut(Sample)) {
    let want = super::cross_entropy(case);
    samples(case, opts, (&want.losses, want.loss), &super::cross_entropy_backward(case), sink);
}

/// A golden case against PyTorch's `losses`, `loss` and `dlogits`.
pub fn compare_golden(golden: &Golden, opts: &Opts, sink: impl FnMut(Sample)) {
    let case = Case::golden(golden);
    samples(&case, opts, (&golden["losses"], golden["loss"][0]), &golden["dlogits"], sink);
}

fn samples(
    case: &Case,
    opts: &Opts,
    (losses, loss): (&[f64], f64),
    dlogits: &[f64],
    mut sink: impl FnMut(Sample),
) {
    let (got_losses, got_loss) = forward(case, opts).expect("a valid call");
    for (r, (&got, &want)) in got_losses.iter().zip(losses).enumerate() {
        sink(Sample { what: "losses", at: At::Flat(r), got, want, bound: loss_bound(want) });
    }
    sink(Sample { what: "loss", at: At::Flat(0), got: got_loss, want: loss, bound: loss_bound(loss) });
    let got = backward(case, opts).expect("a valid call");
    let (cols, scale) = (case.classes.max(1), case.scale());
    for (i, (&got, &want)) in got.iter().zip(dlogits).enumerate() {
        let bound = grad_bound(want, scale);
        sink(Sample { what: "dlogits", at: At::Cell(i / cols, i % cols), got, want, bound });
    }
}
