//! What the softmax family must satisfy, written once for the tests, `harness run softmax` and
//! the fuzz targets: each op's error bound with where it comes from, and `compare` drivers that
//! run a kernel and the oracle and hand every element, with its bound, to a sink.

use crate::reference::golden::Golden;
use crate::reference::{At, Sample, U};
use crate::{Opts, softmax as kernel};

/// Backward bounds' factor, in units of `u`, when the forward outputs are PyTorch's float64
/// values rounded to f32 (golden cases): it covers that rounding on top of the kernel's own.
pub const GOLDEN_BACKWARD_UNITS: f64 = 64.0;

/// The largest and smallest finite element of each row of `cols`; (0, 0) for a row with none.
pub fn row_extent(x: &[f32], cols: usize) -> Vec<(f64, f64)> {
    x.chunks(cols)
        .map(|row| {
            let finite = row.iter().filter(|v| v.is_finite()).map(|&v| f64::from(v));
            let (hi, lo) =
                finite.fold((f64::NEG_INFINITY, f64::INFINITY), |(hi, lo), v| (hi.max(v), lo.min(v)));
            if hi.is_finite() { (hi, lo) } else { (0.0, 0.0) }
        })
        .collect()
}

/// Allowed error of a softmax output `want` (input `x`, row extent `(max, min)`), relative to
/// `|want|`, in units of `u = 2^-24`: `8 + (max - x) + (max - min) + 4 log2(cols)`.
///
/// About 2 ULP (4 u) for the exp and the final multiply; rounding `x - max` in f32 perturbs
/// the exponent by up to `|x - max| u`; an online softmax, which takes its exponentials against
/// a running max and rescales them (a learner's attempt may), also rounds `m_block - max`, up
/// to `(max - min) u`; the per-lane running sums add one rounding per term, which for random
/// rows stays within a few times `log2(cols) u` (a random walk, not the `cols u` worst case). A
/// masked (-inf) input has an exact 0 and needs no slack.
pub fn softmax_bound(want: f64, x: f32, (max, min): (f64, f64), cols: usize) -> f64 {
    let x = if x.is_finite() { f64::from(x) } else { max };
    let units = 8.0 + (max - x) + (max - min) + 4.0 * log2(cols);
    want.abs() * units * U + 1e-37
}

/// Allowed absolute error of a log_softmax output: `(2 |want| + 8 + 4 log2(cols)) u`. `x - max`
/// and the subtraction of `ln(sum)` round relative to the result; `ln(sum)` turns the sum's
/// relative error into an absolute one.
pub fn log_softmax_bound(want: f64, cols: usize) -> f64 {
    (2.0 * want.abs() + 8.0 + 4.0 * log2(cols)) * U
}

/// Allowed error of `dx = y (dy - sum_j y_j dy_j)`, given `row_abs_dot = sum_j |y_j dy_j|`:
/// `|y| (|dy| + row_abs_dot) units u`. The dot product errs by about `log2(cols) u` of its
/// terms' sum, then two roundings: `units` is [`softmax_backward_units`], or
/// [`GOLDEN_BACKWARD_UNITS`] when `y` is a rounded golden output.
pub fn softmax_backward_bound(y: f32, dy: f32, row_abs_dot: f64, units: f64) -> f64 {
    f64::from(y.abs()) * (f64::from(dy.abs()) + row_abs_dot) * units * U + 1e-37
}

/// `4 + 4 log2(cols)`: see [`softmax_backward_bound`].
pub fn softmax_backward_units(cols: usize) -> f64 {
    4.0 + 4.0 * log2(cols)
}

/// Allowed error of `dx = dy - e^y_log sum_j dy_j`, given `row_abs_sum = sum_j |dy_j|`:
/// `(|dy| + e^y_log row_abs_sum) units u`. exp is within 2 ULP and the sum within
/// `log2(cols) u` of its terms: `units` is [`log_softmax_backward_units`], or
/// [`GOLDEN_BACKWARD_UNITS`] for a rounded golden output.
pub fn log_softmax_backward_bound(dy: f32, y_log: f32, row_abs_sum: f64, units: f64) -> f64 {
    (f64::from(dy.abs()) + f64::from(y_log).exp() * row_abs_sum) * units * U + 1e-37
}

/// `8 + 4 log2(cols)`: see [`log_softmax_backward_bound`].
pub fn log_softmax_backward_units(cols: usize) -> f64 {
    8.0 + 4.0 * log2(cols)
}

fn log2(cols: usize) -> f64 {
    (cols as f64).log2()
}

/// The kernel's softmax and log_softmax of `x`; panics if it refuses a valid call.
pub fn forward(x: &[f32], cols: usize, opts: &Opts) -> (Vec<f32>, Vec<f32>) {
    let (mut y, mut l) = (vec![0.0; x.len()], vec![0.0; x.len()]);
    kernel::softmax(x, &mut y, cols, opts).expect("a valid call");
    kernel::log_softmax(x, &mut l, cols, opts).expect("a valid call");
    (y, l)
}

/// Runs softmax and log_softmax on `x` and hands every output, against the f64 oracle, to
/// `sink`; returns the kernel's `(softmax, log_softmax)`.
pub fn compare_forward(
    x: &[f32],
    cols: usize,
    opts: &Opts,
    sink: impl FnMut(Sample),
) -> (Vec<f32>, Vec<f32>) {
    let (y, l) = forward(x, cols, opts);
    let (want_y, want_l) = (super::softmax(x, cols), super::log_softmax(x, cols));
    forward_samples(x, cols, (&y, &l), (&want_y, &want_l), sink);
    (y, l)
}

fn forward_samples(
    x: &[f32],
    cols: usize,
    (y, l): (&[f32], &[f32]),
    (want_y, want_l): (&[f64], &[f64]),
    mut sink: impl FnMut(Sample),
) {
    softmax_samples(x, cols, y, want_y, &mut sink);
    for i in 0..x.len() {
        let at = At::Cell(i / cols, i % cols);
        let bound = log_softmax_bound(want_l[i], cols);
        sink(Sample { what: "log_softmax", at, got: l[i], want: want_l[i], bound });
    }
}

/// Hands every softmax output `y` of `x`, against `want` (the oracle's, or a golden case's),
/// with its [`softmax_bound`], to `sink`: the softmax half of the forward checks, for a softmax
/// that need not be the library's (a learner's attempt).
pub fn softmax_samples(x: &[f32], cols: usize, y: &[f32], want: &[f64], mut sink: impl FnMut(Sample)) {
    let extent = row_extent(x, cols);
    for i in 0..x.len() {
        let bound = softmax_bound(want[i], x[i], extent[i / cols], cols);
        sink(Sample { what: "softmax", at: At::Cell(i / cols, i % cols), got: y[i], want: want[i], bound });
    }
}

/// Runs softmax_backward from `y` and log_softmax_backward from `l` (forward outputs) with the
/// upstream gradient `dy`, and hands every gradient, against the f64 oracle on the same f32
/// inputs, to `sink`.
pub fn compare_backward(
    y: &[f32],
    l: &[f32],
    dy: &[f32],
    cols: usize,
    opts: &Opts,
    sink: impl FnMut(Sample),
) {
    let want = (super::softmax_backward(y, dy, cols), super::log_softmax_backward(l, dy, cols));
    let units = (softmax_backward_units(cols), log_softmax_backward_units(cols));
    backward_samples((y, l, dy), cols, opts, (&want.0, &want.1), units, sink);
}

fn backward_samples(
    (y, l, dy): (&[f32], &[f32], &[f32]),
    cols: usize,
    opts: &Opts,
    (want_sm, want_lsm): (&[f64], &[f64]),
    (units_sm, units_lsm): (f64, f64),
    mut sink: impl FnMut(Sample),
) {
    let (mut dx_sm, mut dx_lsm) = (vec![0.0; y.len()], vec![0.0; y.len()]);
    kernel::softmax_backward(y, dy, &mut dx_sm, cols, opts).expect("a valid call");
    kernel::log_softmax_backward(l, dy, &mut dx_lsm, cols, opts).expect("a valid call");
    for (r, ((yr, lr), dr)) in y.chunks(cols).zip(l.chunks(cols)).zip(dy.chunks(cols)).enumerate() {
        let abs_dot: f64 = yr.iter().zip(dr).map(|(&a, &b)| f64::from(a * b).abs()).sum();
        let abs_sum: f64 = dr.iter().map(|&v| f64::from(v).abs()).sum();
        for j in 0..yr.len() {
            let (i, at) = (r * cols + j, At::Cell(r, j));
            let bound = softmax_backward_bound(yr[j], dr[j], abs_dot, units_sm);
            sink(Sample { what: "softmax_backward", at, got: dx_sm[i], want: want_sm[i], bound });
            let bound = log_softmax_backward_bound(dr[j], lr[j], abs_sum, units_lsm);
            sink(Sample { what: "log_softmax_backward", at, got: dx_lsm[i], want: want_lsm[i], bound });
        }
    }
}

/// A golden case against PyTorch: the forward outputs against its `softmax` and `log_softmax`,
/// the backward passes run from those outputs rounded to f32 (as a framework would hand them
/// over) against its `softmax_dx` and `log_softmax_dx`.
pub fn compare_golden(case: &Golden, opts: &Opts, mut sink: impl FnMut(Sample)) {
    let cols = case.dim("cols");
    let (x, dy) = (case.f32s("x"), case.f32s("dy"));
    assert_eq!(x.len(), case.dim("rows") * cols, "golden case {}: x is not rows x cols", case.name());
    let (y, l) = forward(&x, cols, opts);
    forward_samples(&x, cols, (&y, &l), (&case["softmax"], &case["log_softmax"]), &mut sink);
    let (y, l) = (case.f32s("softmax"), case.f32s("log_softmax"));
    let want = (&case["softmax_dx"], &case["log_softmax_dx"]);
    backward_samples((&y, &l, &dy), cols, opts, want, (GOLDEN_BACKWARD_UNITS, GOLDEN_BACKWARD_UNITS), sink);
}
