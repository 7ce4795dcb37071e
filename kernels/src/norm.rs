//! Layer norm and RMS norm over rows of `cols = weight.len()` contiguous f32, forward and
//! backward, dispatched to AVX-512, AVX2+FMA or scalar and split over threads by rows.
//!
//! # Algorithm
//! Forward, each row takes two passes:
//! 1. the sum of `(x - shift)^2` and, for layer norm, the row's sum, per lane and compensated
//!    (TwoSum keeps each addition's rounding error, summed beside it), so that the mean is
//!    within about an ulp whatever the row's offset. `shift` is 0 for RMS norm, and for layer
//!    norm the mean of the row's first 16 elements: the variance is the mean square about it
//!    minus `(mean - shift)^2`, in f64, which keeps its accuracy while the shift lies within
//!    `sqrt(3)` standard deviations of the mean (a row whose first elements lie further takes
//!    one more pass, about its mean);
//! 2. `y = ((x - m) - rest) * (rstd * w) + b`, where `m` is the mean rounded to f32 and `rest`
//!    the part below it: near the mean `x - m` is exact, so a row with a large common offset
//!    (300 + noise of 0.01, say) loses nothing to the rounding of its mean.
//!
//! Partial sums run in f32 within a block of 8 vectors and in f64 across blocks. Pass 1 of a
//! row runs in one loop with pass 2 of the row before it, so that one row streams in from
//! memory while the other, still in cache, is written out, as steadily as in a copy.
//!
//! Backward, from the `mean` and `rstd` the forward pass wrote: with `xhat = (x - mean) rstd`
//! and `g = dy w`, pass 1 sums `g` and `g xhat` over the row and adds `dy xhat` and `dy` into
//! the column sums `dweight` and `dbias`; pass 2 (in lockstep with pass 1 of the next row)
//! writes `dx = rstd (g - mean(g) - xhat mean(g xhat))` (RMS norm: without `mean(g)`).
//! The rows are cut into chunks by the shape alone (at most 64 rows, about 2^18 elements);
//! each chunk sums its rows in f32 into a partial, and the partials are added in f64 in chunk
//! order, so every result is bitwise the same for any `Opts::threads`.
//!
//! # Accuracy
//! Per tensor, `max` being its largest exact magnitude (the bounds `reference::norm::spec`
//! derives and the tests hold every ISA to): `y` within `1e-5 max`, `mean` within `1e-6` of
//! itself, `rstd` within `2e-5` of itself, the gradients within `3e-5 max`. The backward pass
//! can be no better than the f32 `mean` it is given: on a row with a large offset half an ulp
//! of the mean, times `rstd`, is the error of every `xhat` (about `1.5e-3` at an offset of 300
//! and a spread of 0.01).

use rayon::prelude::*;

use crate::arch::generic::stream;
use crate::arch::{self, generic::norm};
use crate::rows::{check_len, check_rows, rows_per_task};
use crate::{Error, Opts, parallel};

/// The backward pass's chunks of rows (see the module doc): about this many elements each ...
const CHUNK_ELEMENTS: usize = 1 << 18;
/// ... and at most this many rows, so that no f32 column sum runs over more.
const CHUNK_MAX_ROWS: usize = 64;

/// Layer norm of each row of `cols = weight.len()` elements of `x`:
/// `y = (x - mean) * rstd * weight + bias`, with the row's `mean` and `rstd = 1 / sqrt(var +
/// eps)` (biased variance) written to `mean` and `rstd`, one per row.
///
/// ```
/// use kernels::{Opts, norm};
/// let x = [1.0f32, 2.0, 3.0, 4.0, 10.0, 10.0, 10.0, 10.0];
/// let (weight, bias) = ([1.0f32; 4], [0.5f32; 4]);
/// let (mut y, mut mean, mut rstd) = ([0.0f32; 8], [0.0f32; 2], [0.0f32; 2]);
/// norm::layer_norm(&x, &weight, &bias, 1e-5, &mut y, &mut mean, &mut rstd, &Opts::default()).unwrap();
/// assert_eq!(mean, [2.5, 10.0]);
/// assert!((y[0] - (0.5 - 1.5 / 1.25f32.sqrt())).abs() < 1e-5);
/// assert_eq!(&y[4..], &[0.5; 4]);
/// ```
///
/// # Errors
/// [`Error::Len`] if `bias` differs from `weight` in length, `y` from `x`, or `mean` or
/// `rstd` from the number of rows; [`Error::Shape`] if `x` is not a whole number of rows, or
/// `eps` is negative or not finite; [`Error::IsaUnavailable`] if `opts` forces an ISA this CPU
/// lacks.
#[allow(clippy::too_many_arguments)]
pub fn layer_norm(
    x: &[f32],
    weight: &[f32],
    bias: &[f32],
    eps: f32,
    y: &mut [f32],
    mean: &mut [f32],
    rstd: &mut [f32],
    opts: &Opts,
) -> Result<(), Error> {
    const OP: &str = "layer_norm";
    check_len(OP, "bias", bias.len(), weight.len(), "one per column, as weight")?;
    let rows = check_forward(OP, x, weight, y, eps)?;
    check_len(OP, "mean", mean.len(), rows, per_row(rows, weight.len()))?;
    check_len(OP, "rstd", rstd.len(), rows, per_row(rows, weight.len()))?;
    let stream = stream::wanted(y.len());
    let task = norm::Forward { center: true, x, weight, bias, eps, y, mean, rstd, stream };
    forward(OP, task, opts)
}

/// RMS norm of each row of `cols = weight.len()` elements of `x`: `y = x * rstd * weight`,
/// with `rstd = 1 / sqrt(mean(x^2) + eps)` written to `rstd`, one per row.
///
/// # Errors
/// As [`layer_norm`], without `bias` and `mean`.
pub fn rms_norm(
    x: &[f32],
    weight: &[f32],
    eps: f32,
    y: &mut [f32],
    rstd: &mut [f32],
    opts: &Opts,
) -> Result<(), Error> {
    const OP: &str = "rms_norm";
    let rows = check_forward(OP, x, weight, y, eps)?;
    check_len(OP, "rstd", rstd.len(), rows, per_row(rows, weight.len()))?;
    let stream = stream::wanted(y.len());
    let task = norm::Forward { center: false, x, weight, bias: &[], eps, y, mean: &mut [], rstd, stream };
    forward(OP, task, opts)
}

/// Gradient of [`layer_norm`]: given its input `x`, `weight`, the `mean` and `rstd` it wrote
/// and the upstream gradient `dy`, writes `dx` and the sums over rows `dweight` (of `dy *
/// xhat`, `xhat = (x - mean) * rstd`) and `dbias` (of `dy`).
///
/// # Errors
/// [`Error::Len`] if `dy` or `dx` differs from `x` in length, `dweight` or `dbias` from
/// `weight`, or `mean` or `rstd` from the number of rows; [`Error::Shape`] if `x` is not a
/// whole number of rows; [`Error::IsaUnavailable`] if `opts` forces an ISA this CPU lacks.
#[allow(clippy::too_many_arguments)]
pub fn layer_norm_backward(
    x: &[f32],
    weight: &[f32],
    mean: &[f32],
    rstd: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    dweight: &mut [f32],
    dbias: &mut [f32],
    opts: &Opts,
) -> Result<(), Error> {
    const OP: &str = "layer_norm_backward";
    let rows = check_backward(OP, x, weight, dy, dx, dweight)?;
    check_len(OP, "dbias", dbias.len(), weight.len(), "one per column, as weight")?;
    check_len(OP, "mean", mean.len(), rows, per_row(rows, weight.len()))?;
    check_len(OP, "rstd", rstd.len(), rows, per_row(rows, weight.len()))?;
    let stream = stream::wanted(dx.len());
    let task = norm::Backward { center: true, x, weight, mean, rstd, dy, dx, dweight, dbias, stream };
    backward(OP, task, opts)
}

/// Gradient of [`rms_norm`]: given its input `x`, `weight`, the `rstd` it wrote and the
/// upstream gradient `dy`, writes `dx` and `dweight`, the sum over rows of `dy * x * rstd`.
///
/// # Errors
/// As [`layer_norm_backward`], without `mean` and `dbias`.
pub fn rms_norm_backward(
    x: &[f32],
    weight: &[f32],
    rstd: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    dweight: &mut [f32],
    opts: &Opts,
) -> Result<(), Error> {
    const OP: &str = "rms_norm_backward";
    let rows = check_backward(OP, x, weight, dy, dx, dweight)?;
    check_len(OP, "rstd", rstd.len(), rows, per_row(rows, weight.len()))?;
    let stream = stream::wanted(dx.len());
    let task =
        norm::Backward { center: false, x, weight, mean: &[], rstd, dy, dx, dweight, dbias: &mut [], stream };
    backward(OP, task, opts)
}

/// Why a per-row slice must have `rows` elements.
fn per_row(rows: usize, cols: usize) -> String {
    format!("one per row: x holds {rows} rows of cols = weight.len() = {cols}")
}

/// The number of rows of `x`, once it is whole rows of `weight.len()` and `eps` is usable.
fn check_forward(op: &'static str, x: &[f32], weight: &[f32], y: &[f32], eps: f32) -> Result<usize, Error> {
    let rows = whole_rows(op, x, weight)?;
    check_len(op, "y", y.len(), x.len(), "as many as x")?;
    if !(eps.is_finite() && eps >= 0.0) {
        return Err(Error::shape(op, format!("eps is {eps}; it must be a finite number >= 0")));
    }
    Ok(rows)
}

/// The number of rows of `x`, once `dy`, `dx` and `dweight` fit it.
fn check_backward(
    op: &'static str,
    x: &[f32],
    weight: &[f32],
    dy: &[f32],
    dx: &[f32],
    dweight: &[f32],
) -> Result<usize, Error> {
    let rows = whole_rows(op, x, weight)?;
    check_len(op, "dy", dy.len(), x.len(), "as many as x")?;
    check_len(op, "dx", dx.len(), x.len(), "as many as x")?;
    check_len(op, "dweight", dweight.len(), weight.len(), "one per column, as weight")?;
    Ok(rows)
}

fn whole_rows(op: &'static str, x: &[f32], weight: &[f32]) -> Result<usize, Error> {
    let cols = weight.len();
    check_rows(op, "x", x.len(), cols)?;
    Ok(x.len().checked_div(cols).unwrap_or(0))
}

/// The first `n` elements of `*s` (all, if it has fewer), leaving the rest in `*s`.
fn take<'a>(s: &mut &'a [f32], n: usize) -> &'a [f32] {
    s.split_off(..n.min(s.len())).unwrap_or_default()
}

/// [`take`] for a mutable slice.
fn take_mut<'a>(s: &mut &'a mut [f32], n: usize) -> &'a mut [f32] {
    s.split_off_mut(..n.min(s.len())).unwrap_or_default()
}

fn forward(op: &'static str, task: norm::Forward<'_>, opts: &Opts) -> Result<(), Error> {
    let isa = opts.resolve_isa(op)?;
    let (rows, cols) = (task.rstd.len(), task.weight.len());
    let Some(task_rows) = rows_per_task(rows, cols, opts.thread_count()) else {
        arch::dispatch(isa, task);
        return Ok(());
    };
    let norm::Forward { center, mut x, weight, bias, eps, mut y, mut mean, mut rstd, stream } = task;
    let mut tasks = Vec::with_capacity(rows.div_ceil(task_rows));
    while !rstd.is_empty() {
        let (x, y) = (take(&mut x, task_rows * cols), take_mut(&mut y, task_rows * cols));
        let (mean, rstd) = (take_mut(&mut mean, task_rows), take_mut(&mut rstd, task_rows));
        tasks.push(norm::Forward { center, x, weight, bias, eps, y, mean, rstd, stream });
    }
    parallel::install(opts.threads, || tasks.into_par_iter().for_each(|task| arch::dispatch(isa, task)));
    Ok(())
}

fn backward(op: &'static str, task: norm::Backward<'_>, opts: &Opts) -> Result<(), Error> {
    let isa = opts.resolve_isa(op)?;
    let (rows, cols) = (task.rstd.len(), task.weight.len());
    let chunk_rows = (CHUNK_ELEMENTS / cols.max(1)).clamp(1, CHUNK_MAX_ROWS);
    if rows <= chunk_rows {
        arch::dispatch(isa, task);
        return Ok(());
    }
    // Each chunk's partial column sums, added up in chunk order below.
    let chunks = rows.div_ceil(chunk_rows);
    let norm::Backward { center, mut x, weight, mut mean, mut rstd, mut dy, mut dx, dweight, dbias, stream } =
        task;
    let mut dweight_parts = vec![0.0f32; chunks * cols];
    let mut dbias_parts = vec![0.0f32; if center { chunks * cols } else { 0 }];
    let (mut dw_parts, mut db_parts) = (&mut dweight_parts[..], &mut dbias_parts[..]);
    let mut tasks = Vec::with_capacity(chunks);
    while !rstd.is_empty() {
        let (x, dy, dx) = (
            take(&mut x, chunk_rows * cols),
            take(&mut dy, chunk_rows * cols),
            take_mut(&mut dx, chunk_rows * cols),
        );
        let (mean, rstd) = (take(&mut mean, chunk_rows), take(&mut rstd, chunk_rows));
        let (dweight, dbias) = (take_mut(&mut dw_parts, cols), take_mut(&mut db_parts, cols));
        tasks.push(norm::Backward { center, x, weight, mean, rstd, dy, dx, dweight, dbias, stream });
    }
    if rows_per_task(rows, cols, opts.thread_count()).is_some() {
        parallel::install(opts.threads, || tasks.into_par_iter().for_each(|task| arch::dispatch(isa, task)));
    } else {
        tasks.into_iter().for_each(|task| arch::dispatch(isa, task));
    }
    add_columns(&dweight_parts, dweight);
    add_columns(&dbias_parts, dbias);
    Ok(())
}

/// `out[j]` = the sum over chunks `c` of `parts[c * cols + j]`, in f64 and in chunk order.
fn add_columns(parts: &[f32], out: &mut [f32]) {
    let mut sums = vec![0.0f64; out.len()];
    for part in parts.chunks_exact(out.len().max(1)) {
        sums.iter_mut().zip(part).for_each(|(sum, &v)| *sum += f64::from(v));
    }
    out.iter_mut().zip(sums).for_each(|(out, sum)| *out = sum as f32);
}
