//! Cross-entropy over rows of `classes` logits with one target class per row, forward and
//! backward, dispatched to AVX-512, AVX2+FMA or scalar and split over threads by rows.
//!
//! # Algorithm
//! Forward takes each row's log-sum-exp in one pass, a block of 8 vectors at a time: the
//! block's max updates the running max (one scalar), each `e^(x - max)` is summed in f32
//! within the block, and the block sums in f64 (rescaled by `e^(old - new)` in f64 when the
//! max rises). The loss is `(max - x[target]) + ln(sum)` in f64, so a large common offset
//! cancels exactly.
//!
//! Backward runs three passes a step apart, in lockstep: the max of one row (the only read of
//! a row from memory), the exponentials of the row before, summed as forward's and stored in
//! one half of a pair of scratch rows, and the writing out of the row before that from the
//! other half, still in cache: `e dloss / (n sum)` per element (`n` the rows not ignored). So
//! the memory sees one read stream and one write stream, as in a copy, and each exponential
//! is taken once, as in forward. Past 4 MiB the gradient is written with streaming stores,
//! which skip reading its lines first. Last comes the target's `dloss / n * (p - 1)` in f64,
//! where `p` near 1 cancels.
//!
//! The exponentials are `2^((x - max) log2 e)`: the product's rounding gives a term `e^-d`
//! (`d = max - x`) a relative error of about `d` ulp, an absolute one of at most
//! `d e^-d <= 0.37` ulp of the row's largest term, so the sum and every probability stay
//! well inside the bounds below.
//!
//! A row whose target is `ignore_index` has loss 0 and gradient 0 and is not read; when every
//! row is ignored the mean loss is 0 (PyTorch gives NaN) and the gradient 0. A NaN or +inf
//! logit makes its row's loss and gradient NaN, other rows are untouched. The mean is summed
//! in f64 in row order after the rows, so every result is bitwise the same for any
//! `Opts::threads`.
//!
//! # Accuracy
//! Each loss within `1e-5` of itself plus `2e-6`, each gradient within `1e-5` of itself plus
//! `1e-7` (for `|dloss| / n <= 1/4`; beyond, in proportion): the bounds
//! `reference::loss::spec` derives and the tests hold every ISA to.

use rayon::prelude::*;

use crate::arch;
use crate::arch::generic::loss::{self, Batch};
use crate::arch::generic::stream;
use crate::rows::{check_len, rows_per_task};
use crate::{Error, Opts, parallel};

/// The cross-entropy loss of each row of `classes` logits against its class in `targets`,
/// `ln(sum_j e^logits[j]) - logits[target]`, written to `losses` (0 for a row whose target is
/// `ignore_index`); returns their mean over the rows not ignored (0 if every row is).
///
/// ```
/// use kernels::{Opts, loss};
/// let logits = [0.0f32, 0.0, 5.0, -5.0];
/// let mut losses = [0.0f32; 2];
/// let mean = loss::cross_entropy(&logits, &[1, 3], 2, Some(3), &mut losses, &Opts::default()).unwrap();
/// assert!((losses[0] - 2.0f32.ln()).abs() < 1e-6);
/// assert_eq!((losses[1], mean), (0.0, losses[0]));
/// ```
///
/// # Errors
/// [`Error::Len`] if `logits` is not `targets.len() * classes` elements or `losses` not one per
/// target; [`Error::Shape`] if a target other than `ignore_index` is not below `classes` (an
/// `ignore_index` at or past `classes` is allowed); [`Error::IsaUnavailable`] if `opts` forces
/// an ISA this CPU lacks.
pub fn cross_entropy(
    logits: &[f32],
    targets: &[u32],
    classes: usize,
    ignore_index: Option<u32>,
    losses: &mut [f32],
    opts: &Opts,
) -> Result<f32, Error> {
    const OP: &str = "cross_entropy";
    let live = check(OP, logits, targets, classes, ignore_index)?;
    check_len(OP, "losses", losses.len(), targets.len(), "one per row, as targets")?;
    let isa = opts.resolve_isa(OP)?;
    let batch = Batch { logits, targets, classes, ignore_index };
    match rows_per_task(targets.len(), classes, opts.thread_count()) {
        None => arch::dispatch(isa, loss::Forward { batch, losses }),
        Some(rows) => {
            let chunks = chunks(batch, rows).zip(losses.par_chunks_mut(rows));
            parallel::install(opts.threads, || {
                chunks.for_each(|(batch, losses)| arch::dispatch(isa, loss::Forward { batch, losses }));
            });
        }
    }
    if live == 0 {
        return Ok(0.0);
    }
    let total: f64 = losses.iter().map(|&l| f64::from(l)).sum();
    Ok((total / live as f64) as f32)
}

/// Gradient of [`cross_entropy`]'s mean loss times `dloss`, written to `dlogits`:
/// `dloss / n * (softmax(row) - onehot(target))` for each row not ignored (`n` of them), 0 for
/// the others and everywhere when every row is ignored.
///
/// # Errors
/// As [`cross_entropy`], with `dlogits` in place of `losses` (as many as `logits`).
pub fn cross_entropy_backward(
    logits: &[f32],
    targets: &[u32],
    classes: usize,
    ignore_index: Option<u32>,
    dloss: f32,
    dlogits: &mut [f32],
    opts: &Opts,
) -> Result<(), Error> {
    const OP: &str = "cross_entropy_backward";
    let live = check(OP, logits, targets, classes, ignore_index)?;
    check_len(OP, "dlogits", dlogits.len(), logits.len(), "as many as logits")?;
    let isa = opts.resolve_isa(OP)?;
    let scale = if live == 0 { 0.0 } else { f64::from(dloss) / live as f64 };
    let batch = Batch { logits, targets, classes, ignore_index };
    let stream = stream::wanted(dlogits.len());
    match rows_per_task(targets.len(), classes, opts.thread_count()) {
        None => arch::dispatch(isa, loss::Backward { batch, scale, dlogits, stream }),
        Some(rows) => {
            let chunks = chunks(batch, rows).zip(dlogits.par_chunks_mut(rows * classes));
            parallel::install(opts.threads, || {
                chunks.for_each(|(batch, dlogits)| {
                    arch::dispatch(isa, loss::Backward { batch, scale, dlogits, stream })
                });
            });
        }
    }
    Ok(())
}

/// The batch in pieces of `rows` rows (the last may be shorter).
fn chunks(batch: Batch<'_>, rows: usize) -> impl IndexedParallelIterator<Item = Batch<'_>> {
    let Batch { logits, targets, classes, ignore_index } = batch;
    logits.par_chunks(rows * classes).zip(targets.par_chunks(rows)).map(move |(logits, targets)| Batch {
        logits,
        targets,
        classes,
        ignore_index,
    })
}

/// Checks the logits' length and every target; returns the number of rows not ignored.
fn check(
    op: &'static str,
    logits: &[f32],
    targets: &[u32],
    classes: usize,
    ignore_index: Option<u32>,
) -> Result<usize, Error> {
    let rows = targets.len();
    let want = rows.checked_mul(classes).ok_or_else(|| {
        Error::shape(op, format!("targets.len() * classes = {rows} * {classes} overflows usize"))
    })?;
    check_len(
        op,
        "logits",
        logits.len(),
        want,
        format!("{rows} rows, one per target, of classes = {classes}"),
    )?;
    let mut live = 0;
    for (i, &t) in targets.iter().enumerate() {
        if Some(t) == ignore_index {
            continue;
        }
        if t as usize >= classes {
            let ignored =
                ignore_index.map_or(String::from("no ignore_index"), |i| format!("ignore_index = {i}"));
            return Err(Error::shape(
                op,
                format!("targets[{i}] = {t} is out of range for classes = {classes} ({ignored})"),
            ));
        }
        live += 1;
    }
    Ok(live)
}
