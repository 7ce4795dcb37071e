//! Rotary position embedding, written once: the f64 oracle (exact angles, libm's sin and
//! cos), the bound the kernels must meet, seeded cases, and the `compare` drivers of the tests,
//! `harness run` and the PyTorch golden cases.

use super::golden::Golden;
use super::{At, Rng, Sample};
use crate::Opts;
use crate::rope::{rope as kernel_forward, rope_backward as kernel_backward};

/// Bound: `TOLERANCE * max|exact|` over each output tensor. The kernels' angles are exact to
/// 1e-9 rad before their rounding to f32 (6e-8 of pi), the sines and cosines within 8e-8, and
/// the turn rounds twice: about 3e-7 of the scale in all, which leaves a wide margin under
/// 1e-5; an f32 angle product would break it at positions in the thousands.
pub const TOLERANCE: f64 = 1e-5;

/// `x` turned in f64: by `+angle` (forward) or `-angle` (`inverse`, the gradient).
pub fn rope(
    x: &[f32],
    heads: usize,
    head_dim: usize,
    positions: &[u32],
    theta: f32,
    inverse: bool,
) -> Vec<f64> {
    let half = head_dim / 2;
    let theta = f64::from(theta);
    let sign = if inverse { -1.0 } else { 1.0 };
    let mut out = vec![0.0; x.len()];
    for (t, &position) in positions.iter().enumerate() {
        for i in 0..half {
            let angle = sign * f64::from(position) * theta.powf(-2.0 * i as f64 / head_dim as f64);
            let (sin, cos) = angle.sin_cos();
            for h in 0..heads {
                let base = (t * heads + h) * head_dim;
                let (a, b) = (f64::from(x[base + i]), f64::from(x[base + i + half]));
                out[base + i] = a * cos - b * sin;
                out[base + i + half] = b * cos + a * sin;
            }
        }
    }
    out
}

/// One problem: the shape, positions, theta, an input and an upstream gradient.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub heads: usize,
    pub head_dim: usize,
    pub positions: Vec<u32>,
    pub theta: f32,
    pub x: Vec<f32>,
    pub dy: Vec<f32>,
}

impl Case {
    /// A golden case's inputs: `x` and `dy` with their sizes, positions and theta.
    pub fn from_golden(golden: &Golden) -> Case {
        Case {
            heads: golden.dim("heads"),
            head_dim: golden.dim("head_dim"),
            positions: golden["positions"].iter().map(|&p| p as u32).collect(),
            theta: golden["theta"][0] as f32,
            x: golden.f32s("x"),
            dy: golden.f32s("dy"),
        }
    }

    /// Values in [-2, 2) and positions below `max_position` from `seed`.
    pub fn random(
        tokens: usize,
        heads: usize,
        head_dim: usize,
        max_position: u32,
        theta: f32,
        seed: u64,
    ) -> Case {
        let mut rng = Rng::new(seed);
        let n = tokens * heads * head_dim;
        let positions = (0..tokens).map(|_| rng.below(u64::from(max_position.max(1))) as u32).collect();
        Case { heads, head_dim, positions, theta, x: rng.vec(n, -2.0, 2.0), dy: rng.vec(n, -2.0, 2.0) }
    }

    pub fn describe(&self) -> String {
        let max = self.positions.iter().max().copied().unwrap_or(0);
        format!(
            "{} tokens x {} heads x {}, theta {}, positions up to {max}",
            self.positions.len(),
            self.heads,
            self.head_dim,
            self.theta
        )
    }

    /// The kernels' `(y, dx)`; panics if they refuse a valid call.
    pub fn run(&self, opts: &Opts) -> (Vec<f32>, Vec<f32>) {
        let (mut y, mut dx) = (self.x.clone(), self.dy.clone());
        kernel_forward(&mut y, self.heads, self.head_dim, &self.positions, self.theta, opts)
            .expect("a valid call");
        kernel_backward(&mut dx, self.heads, self.head_dim, &self.positions, self.theta, opts)
            .expect("a valid call");
        (y, dx)
    }

    /// Runs both passes and hands every output, against the oracle, to `sink`.
    pub fn compare(&self, opts: &Opts, sink: impl FnMut(Sample)) {
        let exact =
            |v: &[f32], inverse| rope(v, self.heads, self.head_dim, &self.positions, self.theta, inverse);
        let want = (exact(&self.x, false), exact(&self.dy, true));
        samples(self.head_dim, &self.run(opts), (&want.0, &want.1), sink);
    }
}

fn samples(
    head_dim: usize,
    (y, dx): &(Vec<f32>, Vec<f32>),
    (want_y, want_dx): (&[f64], &[f64]),
    mut sink: impl FnMut(Sample),
) {
    for (what, got, want) in [("y", y, want_y), ("dx", dx, want_dx)] {
        let bound = TOLERANCE * want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for (i, (&got, &want)) in got.iter().zip(want).enumerate() {
            sink(Sample { what, at: At::Cell(i / head_dim, i % head_dim), got, want, bound });
        }
    }
}

/// A golden case against PyTorch's `y` and `dx`.
pub fn compare_golden(golden: &Golden, opts: &Opts, sink: impl FnMut(Sample)) {
    let case = Case::from_golden(golden);
    assert_eq!(case.positions.len(), golden.dim("tokens"), "golden case {}: positions", golden.name());
    samples(case.head_dim, &case.run(opts), (&golden["y"], &golden["dx"]), sink);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oracle_turns_pairs_and_back() {
        // Position 1, pair 0 (inverse frequency 1): one radian.
        let y = rope(&[1.0, 0.0], 1, 2, &[1], 10_000.0, false);
        assert!((y[0] - 1f64.cos()).abs() < 1e-15 && (y[1] - 1f64.sin()).abs() < 1e-15);
        let case = Case::random(3, 2, 8, 5000, 10_000.0, 1);
        let there = rope(&case.x, 2, 8, &case.positions, case.theta, false);
        let there: Vec<f32> = there.iter().map(|&v| v as f32).collect();
        let back = rope(&there, 2, 8, &case.positions, case.theta, true);
        assert!(back.iter().zip(&case.x).all(|(b, &x)| (b - f64::from(x)).abs() < 1e-6));
    }
}
