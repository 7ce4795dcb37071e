//! What the norms must satisfy, written once for the tests, `harness run norm` and fuzzing:
//! seeded cases, the error bounds with their derivations, and `compare` drivers that run a
//! kernel and the oracle and hand every element, with its bound, to a sink.
//!
//! # Bounds
//! Per tensor, `max` is its largest exact magnitude; `u = 2^-24`.
//! - `y` within [`Y_TOL`] `max`. The kernel's `((x - shift) - rest) (rstd w) + b` rounds five
//!   times, each within `u` of a term no larger than `max`, and carries rstd's error below:
//!   about `1e-6 max`; the tolerance leaves ten times that.
//! - `mean` within [`MEAN_TOL`] of itself, plus `4 cols u^2 max|x|`: the compensated sum is
//!   within `u` of the exact sum plus a second-order term of `n u^2` times the sum of |x|, and
//!   the f32 mean adds half an ulp.
//! - `rstd` within [`RSTD_TOL`] of itself: the squares about the shift are summed within about
//!   `14 u` of their sum (a square, 8 terms of a block, 4 levels of the fold into f64), a sum
//!   at most 4 times the variance's (`norm.rs`), which halves in the square root: about
//!   `1.7e-6`, ten times inside.
//! - gradients within [`GRAD_TOL`] `max` against the oracle on the same f32 `mean` and
//!   `rstd`, and each `dx` within [`TERMS_UNITS`] `u` of the magnitude of the three terms it
//!   is made of besides (`Backward::dx_terms`): a few roundings of terms that may cancel (a row
//!   of one column has `dx = 0` exactly, from terms of size `rstd |g|`). Against exact
//!   gradients (the golden cases) a row whose f32 mean is off by `h` shifts every `xhat` by
//!   `h rstd`, which moves the gradients by up to about [`OFFSET_UNITS`] times that of their
//!   scale: [`golden_grad_tol`].

use super::{Backward, Forward, Grads};
use crate::norm as kernel;
use crate::reference::golden::Golden;
use crate::reference::{At, Rng, Sample, U};
use crate::{Error, Opts};

/// `y`'s bound, relative to the largest |y| of the case.
pub const Y_TOL: f64 = 1e-5;
/// `mean`'s bound, relative to itself.
pub const MEAN_TOL: f64 = 1e-6;
/// `rstd`'s bound, relative to itself.
pub const RSTD_TOL: f64 = 2e-5;
/// The gradients' bound, relative to the largest magnitude of each gradient tensor.
pub const GRAD_TOL: f64 = 3e-5;
/// How many times `h rstd` (the error of every `xhat` of a row whose f32 mean is `h` off) a
/// gradient may move, relative to its tensor's scale: `dx` moves by `rstd h rstd (|mean(g
/// xhat)| + |xhat| |mean(g)|)`, under three times `h rstd` of its scale for `|xhat| <= 2`.
pub const OFFSET_UNITS: f64 = 3.0;

/// The roundings of `dx`'s terms, in units of `u`: `rstd * g`, the product with `mean(g
/// xhat)` and two subtractions, each within `u` of a term, and the terms' own error.
pub const TERMS_UNITS: f64 = 8.0;

/// Which norm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Norm {
    Layer,
    Rms,
}

/// Everything one norm call needs, owned: rows of `weight.len()` columns, and a `bias` for
/// layer norm (none for RMS norm).
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub eps: f32,
    pub x: Vec<f32>,
    pub weight: Vec<f32>,
    pub bias: Option<Vec<f32>>,
    pub dy: Vec<f32>,
}

impl Case {
    /// `rows x cols` inputs in [-2, 2) plus `offset`, weights in [-2, 2), biases in [-1, 1)
    /// (layer norm), `dy` in [-1, 1), eps 1e-5.
    pub fn random(norm: Norm, rows: usize, cols: usize, offset: f32, seed: u64) -> Case {
        let mut rng = Rng::new(seed);
        let x = (0..rows * cols).map(|_| rng.uniform(-2.0, 2.0) + offset).collect();
        let weight = rng.vec(cols, -2.0, 2.0);
        let bias = (norm == Norm::Layer).then(|| rng.vec(cols, -1.0, 1.0));
        Case { eps: 1e-5, x, weight, bias, dy: rng.vec(rows * cols, -1.0, 1.0) }
    }

    /// The inputs of a golden case (`norm_layer_*` or `norm_rms_*`).
    pub fn golden(case: &Golden) -> Case {
        let bias = case.get("bias").map(|_| case.f32s("bias"));
        let (x, weight) = (case.f32s("x"), case.f32s("weight"));
        let whole = weight.len() == case.dim("cols") && x.len() == case.dim("rows") * weight.len();
        assert!(whole, "golden case {}: x is not rows x cols", case.name());
        Case { eps: case["eps"][0] as f32, x, weight, bias, dy: case.f32s("dy") }
    }

    /// Layer norm with a bias, RMS norm without.
    pub fn norm(&self) -> Norm {
        if self.bias.is_some() { Norm::Layer } else { Norm::Rms }
    }

    /// One column per weight.
    pub fn cols(&self) -> usize {
        self.weight.len()
    }

    pub fn rows(&self) -> usize {
        self.x.len() / self.cols().max(1)
    }

    /// The forward outputs of this case, every element `fill`: where a kernel writes.
    pub fn forward_outputs(&self, fill: f32) -> Forward<f32> {
        let rows = self.rows();
        Forward {
            y: vec![fill; self.x.len()],
            mean: vec![fill; if self.bias.is_some() { rows } else { 0 }],
            rstd: vec![fill; rows],
        }
    }
}

/// Layer norm for a golden case with a bias, RMS norm otherwise.
pub fn norm_of(case: &Golden) -> Norm {
    if case.get("bias").is_some() { Norm::Layer } else { Norm::Rms }
}

/// The kernel's forward pass on `case`.
pub fn forward(case: &Case, opts: &Opts) -> Result<Forward<f32>, Error> {
    let mut out = case.forward_outputs(0.0);
    let (x, w) = (&case.x, &case.weight);
    match &case.bias {
        Some(b) => kernel::layer_norm(x, w, b, case.eps, &mut out.y, &mut out.mean, &mut out.rstd, opts)?,
        None => kernel::rms_norm(x, w, case.eps, &mut out.y, &mut out.rstd, opts)?,
    }
    Ok(out)
}

/// The kernel's backward pass on `case` from a forward pass's `mean` and `rstd`.
pub fn backward(case: &Case, mean: &[f32], rstd: &[f32], opts: &Opts) -> Result<Grads<f32>, Error> {
    let cols = case.cols();
    let mut out = Grads {
        dx: vec![0.0; case.x.len()],
        dweight: vec![0.0; cols],
        dbias: vec![0.0; if case.bias.is_some() { cols } else { 0 }],
    };
    let (x, w, dy) = (&case.x, &case.weight, &case.dy);
    match case.norm() {
        Norm::Layer => kernel::layer_norm_backward(
            x,
            w,
            mean,
            rstd,
            dy,
            &mut out.dx,
            &mut out.dweight,
            &mut out.dbias,
            opts,
        )?,
        Norm::Rms => kernel::rms_norm_backward(x, w, rstd, dy, &mut out.dx, &mut out.dweight, opts)?,
    }
    Ok(out)
}

/// The oracle's forward pass on `case`.
pub fn oracle(case: &Case) -> Forward {
    match &case.bias {
        Some(bias) => super::layer_norm(&case.x, &case.weight, bias, case.eps),
        None => super::rms_norm(&case.x, &case.weight, case.eps),
    }
}

/// The oracle's backward pass on `case` from the given f32 `mean` and `rstd`.
pub fn oracle_backward(case: &Case, mean: &[f32], rstd: &[f32]) -> Backward {
    match case.norm() {
        Norm::Layer => super::layer_norm_backward(&case.x, &case.weight, mean, rstd, &case.dy),
        Norm::Rms => super::rms_norm_backward(&case.x, &case.weight, rstd, &case.dy),
    }
}

/// The largest finite |v| (0 when there is none).
pub fn max_abs(v: &[f64]) -> f64 {
    v.iter().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()))
}

/// Half an ulp of the f32 `v`: how far the exact value it was rounded from may lie.
pub fn half_ulp(v: f32) -> f64 {
    let v = v.abs();
    f64::from(f32::from_bits(v.to_bits() + 1) - v) / 2.0
}

/// The gradients' bound against exact gradients for rows whose f32 means are `mean` (empty
/// for RMS norm) and whose `rstd` are given, per row, relative to each tensor's scale:
/// [`GRAD_TOL`] plus [`OFFSET_UNITS`] times the error `h rstd` the f32 mean puts in `xhat`.
pub fn golden_grad_tol(mean: &[f32], rstd: &[f32]) -> Vec<f64> {
    let shift = |r: usize| mean.get(r).map_or(0.0, |&m| half_ulp(m) * f64::from(rstd[r]));
    (0..rstd.len()).map(|r| GRAD_TOL + OFFSET_UNITS * shift(r)).collect()
}

/// Runs the forward pass on `case` and hands every output, against the f64 oracle, to
/// `sink`; returns the kernel's outputs.
pub fn compare_forward(case: &Case, opts: &Opts, sink: impl FnMut(Sample)) -> Forward<f32> {
    let got = forward(case, opts).expect("a valid call");
    forward_samples(case, &got, &oracle(case), sink);
    got
}

/// Hands every forward output `got` (an empty `mean` for RMS norm), against `want`, to `sink`
/// with its bound.
pub fn forward_samples(case: &Case, got: &Forward<f32>, want: &Forward, mut sink: impl FnMut(Sample)) {
    let cols = case.cols();
    let y_bound = Y_TOL * max_abs(&want.y);
    for (i, (&got, &want)) in got.y.iter().zip(&want.y).enumerate() {
        sink(Sample { what: "y", at: At::Cell(i / cols, i % cols), got, want, bound: y_bound });
    }
    for (r, (&got, &want)) in got.mean.iter().zip(&want.mean).enumerate() {
        let row = &case.x[r * cols..(r + 1) * cols];
        let floor = 4.0 * cols as f64 * U * U * row.iter().fold(0.0f64, |m, &v| m.max(f64::from(v).abs()));
        sink(Sample { what: "mean", at: At::Flat(r), got, want, bound: MEAN_TOL * want.abs() + floor });
    }
    for (r, (&got, &want)) in got.rstd.iter().zip(&want.rstd).enumerate() {
        sink(Sample { what: "rstd", at: At::Flat(r), got, want, bound: RSTD_TOL * want.abs() });
    }
}

/// Runs the backward pass on `case` from the f32 `mean` and `rstd` (a forward pass's), and
/// hands every gradient, against the f64 oracle on the same inputs, to `sink`.
pub fn compare_backward(case: &Case, (mean, rstd): (&[f32], &[f32]), opts: &Opts, sink: impl FnMut(Sample)) {
    let got = backward(case, mean, rstd, opts).expect("a valid call");
    let want = oracle_backward(case, mean, rstd);
    backward_samples(case.cols(), &got, &want, &vec![GRAD_TOL; rstd.len()], sink);
}

/// The bound of each `dx` of `want`: `tol[r]` of the tensor's scale in row `r`, plus
/// [`TERMS_UNITS`] `u` of its terms.
pub fn dx_bounds(cols: usize, want: &Backward, tol: &[f64]) -> Vec<f64> {
    let scale = max_abs(&want.grads.dx);
    let terms = want.dx_terms.iter().enumerate();
    terms.map(|(i, t)| scale * tol[i / cols] + TERMS_UNITS * U * t).collect()
}

/// Hands out every gradient with its bound: for `dx` [`dx_bounds`], for the column sums the
/// largest `tol` of their tensor's scale.
pub fn backward_samples(
    cols: usize,
    got: &Grads<f32>,
    want: &Backward,
    tol: &[f64],
    mut sink: impl FnMut(Sample),
) {
    let bounds = dx_bounds(cols, want, tol);
    let want = &want.grads;
    for (i, ((&got, &want), &bound)) in got.dx.iter().zip(&want.dx).zip(&bounds).enumerate() {
        sink(Sample { what: "dx", at: At::Cell(i / cols, i % cols), got, want, bound });
    }
    let worst = tol.iter().copied().fold(GRAD_TOL, f64::max);
    for (what, got, want) in [("dweight", &got.dweight, &want.dweight), ("dbias", &got.dbias, &want.dbias)] {
        let bound = max_abs(want) * worst;
        for (j, (&got, &want)) in got.iter().zip(want).enumerate() {
            sink(Sample { what, at: At::Flat(j), got, want, bound });
        }
    }
}

/// A golden case against PyTorch: the forward outputs against its `y`, `mean` and `rstd`, the
/// backward pass run from those statistics rounded to f32 (as a framework would hand them
/// over) against its `dx`, `dweight` and `dbias`, within [`golden_grad_tol`].
pub fn compare_golden(golden: &Golden, opts: &Opts, mut sink: impl FnMut(Sample)) {
    let case = Case::golden(golden);
    let layer = case.bias.is_some();
    let got = forward(&case, opts).expect("a valid call");
    let mean = if layer { golden["mean"].to_vec() } else { Vec::new() };
    let want = Forward { y: golden["y"].to_vec(), mean, rstd: golden["rstd"].to_vec() };
    forward_samples(&case, &got, &want, &mut sink);
    let mean = if layer { golden.f32s("mean") } else { Vec::new() };
    let rstd = golden.f32s("rstd");
    let got = backward(&case, &mean, &rstd, opts).expect("a valid call");
    let dbias = if layer { golden["dbias"].to_vec() } else { Vec::new() };
    let grads = Grads { dx: golden["dx"].to_vec(), dweight: golden["dweight"].to_vec(), dbias };
    let want = Backward { grads, ..oracle_backward(&case, &mean, &rstd) };
    backward_samples(case.cols(), &got, &want, &golden_grad_tol(&mean, &rstd), sink);
}
