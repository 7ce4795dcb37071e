//! Row-wise softmax and log_softmax over rows of `cols` contiguous f32, their backward passes,
//! dispatched to AVX-512, AVX2+FMA or scalar and split over threads by rows.
//!
//! # Algorithm (three passes over each row, the row read from memory once)
//! 1. Max: the row's lane-wise max, folded to the row's `max`.
//! 2. Exponentials: `e = exp(x - max)` per element, summed in f32 within each block of 8
//!    vectors and the block sums in f64 (softmax stores `e` into the output). One vector exp
//!    per element, taken as `2^t`, `t = (x - max) log2 e`, with `t - floor(t)` in one step
//!    (`vreduceps` on AVX-512: two operations fewer than the Cody-Waite reduction, whose extra
//!    accuracy the rounding of `x - max` would waste).
//! 3. Output: softmax multiplies each stored `e` by `1 / sum`; log_softmax writes
//!    `(x - max) - ln(sum)`.
//!
//! The passes of a row run at three successive steps, and each step runs pass 1 of one row,
//! pass 2 of the row before and pass 3 of the row before that in lockstep, a block of 8 vectors
//! at a time (`arch::generic::sweep`): the memory sees one stream of reads (the rows' first
//! pass) and one of writes, as in a copy, while passes 2 and 3 find their rows in cache, and
//! the folds between passes overlap the other rows' work instead of stalling short rows.
//!
//! Every exponent is `<= 0`, so nothing overflows for any finite logits (a large offset such as
//! 1e4 cancels in `x - max`). A row of -inf alone subtracts 0 instead of -inf, so it never
//! computes -inf - -inf: it gives zeros (log_softmax: -inf; gradients:
//! zeros). A NaN turns that row's sum into NaN and the row is written as NaN; other rows are
//! untouched. The vector exp flushes results below 2^-126 to zero, which also keeps masked
//! (-inf) logits off the CPU's slow subnormal path.
//!
//! # Accuracy
//! Each output is the correctly rounded result within a few ULP, plus the rounding of `x - max`
//! in f32 (about |x - max| * 2^-24 relative), a floor every f32 softmax shares, plus the
//! rounding of the block sums; the tests state and assert the bound. On logits uniform in
//! [-8, 8], 7 rows of each length from 1 to 1000, the worst relative error beyond that floor,
//! against the f64 reference, is 4.9 units of 2^-24 on AVX-512, 4.7 on AVX2 and 4.6 on scalar.
//!
//! Each row is computed by the same code whatever the thread count, so results are identical
//! for any `Opts::threads`.

use rayon::prelude::*;

use crate::arch::{self, generic::softmax};
use crate::rows::{check_rows, rows_per_task};
use crate::{Error, Isa, Opts, parallel};
use softmax::Rows;

/// Checks a forward call: equal lengths, a whole number of rows.
fn check_forward(op: &'static str, x: usize, y: Option<usize>, cols: usize) -> Result<(), Error> {
    if let Some(y) = y
        && x != y
    {
        return Err(Error::len(op, format!("x has {x} elements but y has {y} (they must match)")));
    }
    check_rows(op, "x", x, cols)
}

/// Runs the forward pass (`log` for log_softmax) on one chunk of whole rows.
fn forward_on(isa: Isa, log: bool, rows: Rows<'_>, cols: usize) {
    arch::dispatch(isa, softmax::Forward { log, rows, cols });
}

fn forward(op_name: &'static str, log: bool, io: Rows<'_>, cols: usize, opts: &Opts) -> Result<(), Error> {
    let (len, out) = match &io {
        Rows::Split(x, y) => (x.len(), Some(y.len())),
        Rows::InPlace(xy) => (xy.len(), None),
    };
    check_forward(op_name, len, out, cols)?;
    let isa = opts.resolve_isa(op_name)?;
    if len == 0 {
        return Ok(());
    }
    let Some(task_rows) = rows_per_task(len / cols, cols, opts.thread_count()) else {
        forward_on(isa, log, io, cols);
        return Ok(());
    };
    let chunk = task_rows * cols;
    parallel::install(opts.threads, || match io {
        Rows::Split(x, y) => x
            .par_chunks(chunk)
            .zip(y.par_chunks_mut(chunk))
            .for_each(|(x, y)| forward_on(isa, log, Rows::Split(x, y), cols)),
        Rows::InPlace(xy) => {
            xy.par_chunks_mut(chunk).for_each(|xy| forward_on(isa, log, Rows::InPlace(xy), cols))
        }
    });
    Ok(())
}

/// Softmax of each row of `cols` elements of `x`, written to `y`:
/// `y[j] = e^(x[j] - max) / sum_k e^(x[k] - max)`.
///
/// ```
/// use kernels::{Opts, softmax};
/// let x = [1.0f32, 2.0, 3.0, 0.0, 0.0, f32::NEG_INFINITY];
/// let mut y = [0.0f32; 6];
/// softmax::softmax(&x, &mut y, 3, &Opts::default()).unwrap();
/// assert!((y[0] + y[1] + y[2] - 1.0).abs() < 1e-6);
/// assert_eq!(&y[3..], &[0.5, 0.5, 0.0]);
/// ```
///
/// # Errors
/// [`Error::Len`] if `x` and `y` differ in length; [`Error::Shape`] if the length is not a
/// multiple of `cols` (or `cols` is 0 with data); [`Error::IsaUnavailable`] if `opts` forces an
/// ISA this CPU lacks.
pub fn softmax(x: &[f32], y: &mut [f32], cols: usize, opts: &Opts) -> Result<(), Error> {
    forward("softmax", false, Rows::Split(x, y), cols, opts)
}

/// [`softmax`] of each row of `xy`, overwriting it.
///
/// # Errors
/// As [`softmax`], without the length mismatch.
pub fn softmax_in_place(xy: &mut [f32], cols: usize, opts: &Opts) -> Result<(), Error> {
    forward("softmax_in_place", false, Rows::InPlace(xy), cols, opts)
}

/// log_softmax of each row of `cols` elements of `x`, written to `y`:
/// `y[j] = x[j] - max - ln(sum_k e^(x[k] - max))`.
///
/// # Errors
/// As [`softmax`].
pub fn log_softmax(x: &[f32], y: &mut [f32], cols: usize, opts: &Opts) -> Result<(), Error> {
    forward("log_softmax", true, Rows::Split(x, y), cols, opts)
}

/// [`log_softmax`] of each row of `xy`, overwriting it.
///
/// # Errors
/// As [`softmax`], without the length mismatch.
pub fn log_softmax_in_place(xy: &mut [f32], cols: usize, opts: &Opts) -> Result<(), Error> {
    forward("log_softmax_in_place", true, Rows::InPlace(xy), cols, opts)
}

/// Runs the backward pass (`log` for log_softmax's) on one chunk of whole rows.
fn backward_on(isa: Isa, log: bool, y: &[f32], dy: &[f32], dx: &mut [f32], cols: usize) {
    arch::dispatch(isa, softmax::Backward { log, y, dy, dx, cols });
}

fn backward(
    op: &'static str,
    log: bool,
    (y_name, y): (&str, &[f32]),
    dy: &[f32],
    dx: &mut [f32],
    cols: usize,
    opts: &Opts,
) -> Result<(), Error> {
    if dy.len() != y.len() || dx.len() != y.len() {
        return Err(Error::len(
            op,
            format!(
                "{y_name} has {} elements, dy {} and dx {} (all three must match)",
                y.len(),
                dy.len(),
                dx.len()
            ),
        ));
    }
    check_rows(op, y_name, y.len(), cols)?;
    let isa = opts.resolve_isa(op)?;
    if y.is_empty() {
        return Ok(());
    }
    let Some(task_rows) = rows_per_task(y.len() / cols, cols, opts.thread_count()) else {
        backward_on(isa, log, y, dy, dx, cols);
        return Ok(());
    };
    let chunk = task_rows * cols;
    parallel::install(opts.threads, || {
        y.par_chunks(chunk)
            .zip(dy.par_chunks(chunk))
            .zip(dx.par_chunks_mut(chunk))
            .for_each(|((y, dy), dx)| backward_on(isa, log, y, dy, dx, cols));
    });
    Ok(())
}

/// Gradient of [`softmax`]: given its output `y` and the upstream gradient `dy`, writes
/// `dx = y * (dy - sum(dy * y))` per row of `cols` elements.
///
/// # Errors
/// [`Error::Len`] if `y`, `dy` and `dx` differ in length; otherwise as [`softmax`].
pub fn softmax_backward(
    y: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    cols: usize,
    opts: &Opts,
) -> Result<(), Error> {
    backward("softmax_backward", false, ("y", y), dy, dx, cols, opts)
}

/// Gradient of [`log_softmax`]: given its output `y_log` and the upstream gradient `dy`,
/// writes `dx = dy - e^y_log * sum(dy)` per row; a row whose `y_log` is all -inf (a fully
/// masked input) gets a zero gradient.
///
/// # Errors
/// [`Error::Len`] if `y_log`, `dy` and `dx` differ in length; otherwise as [`softmax`].
pub fn log_softmax_backward(
    y_log: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    cols: usize,
    opts: &Opts,
) -> Result<(), Error> {
    backward("log_softmax_backward", true, ("y_log", y_log), dy, dx, cols, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_argument_and_lengths() {
        let opts = Opts::default();
        let mut y = [0.0; 5];
        let e = softmax(&[0.0; 6], &mut y, 3, &opts).unwrap_err();
        assert!(matches!(e, Error::Len { .. }));
        assert!(e.to_string().contains("x has 6 elements but y has 5"), "{e}");
        let e = log_softmax_in_place(&mut [0.0; 7], 3, &opts).unwrap_err();
        assert!(e.to_string().contains("x has 7 elements"), "{e}");
        assert!(e.to_string().contains("cols = 3"), "{e}");
        let e = softmax_in_place(&mut [0.0; 2], 0, &opts).unwrap_err();
        assert!(matches!(e, Error::Shape { .. }), "{e}");
        let e = log_softmax_backward(&[0.0; 4], &[0.0; 4], &mut [0.0; 3], 2, &opts).unwrap_err();
        assert!(e.to_string().contains("y_log has 4 elements, dy 4 and dx 3"), "{e}");
        assert!(softmax(&[], &mut [], 0, &opts).is_ok());
    }
}
