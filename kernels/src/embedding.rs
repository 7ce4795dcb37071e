//! Token embedding: the rows of a `[vocab, dim]` table gathered by id, and the gradient
//! that scatters back into it.
//!
//! The forward pass is a copy of one row per token: no arithmetic, so it is a `memcpy` per row
//! on every ISA, split over threads by tokens, and exact. The backward pass adds each token's
//! gradient row into its id's row: the tokens are sorted by id (ties in token order) and the
//! threads share out the table by ranges of ids, never the tokens, so each row is summed by
//! one thread in token order and the result is bitwise the same for any thread count. A row
//! that several tokens share is summed in f64 with its previous contents and rounded once, so
//! it is within half an ULP of the exact sum however the terms cancel.

use rayon::prelude::*;

use crate::arch::{self, generic::embedding::Backward};
use crate::{Error, Opts, parallel};

/// Below this many elements of `out` (or `dout`) a call stays on the calling thread.
const PAR_MIN_ELEMENTS: usize = 1 << 15;

/// The number of rows of the table, checking `dim`, the table's length and the ids.
fn check(
    op: &'static str,
    table: (&str, usize),
    dim: usize,
    ids: &[u32],
    rows: (&str, usize),
) -> Result<usize, Error> {
    let (table_name, table_len) = table;
    if dim == 0 {
        return Err(Error::shape(
            op,
            format!("dim is 0; with {table_len} elements in {table_name} the vocabulary would be undefined"),
        ));
    }
    if !table_len.is_multiple_of(dim) {
        return Err(Error::shape(
            op,
            format!(
                "{table_name} has {table_len} elements, not a whole number of rows of dim = {dim} ({table_len} % {dim} = {})",
                table_len % dim
            ),
        ));
    }
    let (rows_name, rows_len) = rows;
    let want = ids.len().checked_mul(dim);
    if want != Some(rows_len) {
        let want = want.map_or_else(|| "more than usize::MAX".to_string(), |w| w.to_string());
        return Err(Error::len(
            op,
            format!(
                "{rows_name} has {rows_len} elements but ids.len() * dim = {} * {dim} = {want}",
                ids.len()
            ),
        ));
    }
    let vocab = table_len / dim;
    if let Some((t, &id)) = ids.iter().enumerate().find(|&(_, &id)| id as usize >= vocab) {
        return Err(Error::shape(
            op,
            format!(
                "ids[{t}] = {id} is out of range for {table_name} of {vocab} rows ({table_len} elements / dim {dim})"
            ),
        ));
    }
    Ok(vocab)
}

/// Gathers `out[t] = table[ids[t]]`, one row of `dim` per token.
///
/// ```
/// use kernels::{Opts, embedding::embedding};
/// let table = [0.0f32, 0.5, 1.0, 1.5, 2.0, 2.5]; // 3 rows of 2
/// let mut out = [0.0f32; 4];
/// embedding(&table, 2, &[2, 0], &mut out, &Opts::default()).unwrap();
/// assert_eq!(out, [2.0, 2.5, 0.0, 0.5]);
/// ```
///
/// # Errors
/// [`Error::Shape`] when `dim` is 0, `table` is not a whole number of rows of `dim`, or an id
/// is not a row of it (the message names the first such `ids[t]`); [`Error::Len`] when `out`
/// does not hold `ids.len() * dim` elements; [`Error::IsaUnavailable`] when `opts` forces an
/// ISA this CPU lacks. Nothing is written then.
pub fn embedding(table: &[f32], dim: usize, ids: &[u32], out: &mut [f32], opts: &Opts) -> Result<(), Error> {
    const OP: &str = "embedding";
    check(OP, ("table", table.len()), dim, ids, ("out", out.len()))?;
    opts.resolve_isa(OP)?;
    let gather = |ids: &[u32], out: &mut [f32]| {
        for (&id, row) in ids.iter().zip(out.chunks_exact_mut(dim)) {
            let start = id as usize * dim;
            row.copy_from_slice(&table[start..start + dim]);
        }
    };
    let threads = opts.thread_count();
    if threads == 1 || out.len() < PAR_MIN_ELEMENTS {
        gather(ids, out);
        return Ok(());
    }
    let tokens = ids.len().div_ceil(threads * 4);
    parallel::install(opts.threads, || {
        ids.par_chunks(tokens).zip(out.par_chunks_mut(tokens * dim)).for_each(|(ids, out)| gather(ids, out));
    });
    Ok(())
}

/// The gradient of [`embedding`]: adds `dout[t]` into `dtable[ids[t]]` for every token, so
/// that rows of repeated ids accumulate and rows no token names keep their contents.
///
/// ```
/// use kernels::{Opts, embedding::embedding_backward};
/// let mut dtable = [1.0f32; 6]; // 3 rows of 2
/// embedding_backward(&[2, 0, 2], &[0.5, 0.5, 1.0, 1.0, 2.0, 2.0], 2, &mut dtable, &Opts::default()).unwrap();
/// assert_eq!(dtable, [2.0, 2.0, 1.0, 1.0, 3.5, 3.5]);
/// ```
///
/// # Errors
/// As [`embedding`], with `dtable` in the place of `table` and `dout` in that of `out`.
pub fn embedding_backward(
    ids: &[u32],
    dout: &[f32],
    dim: usize,
    dtable: &mut [f32],
    opts: &Opts,
) -> Result<(), Error> {
    const OP: &str = "embedding_backward";
    let vocab = check(OP, ("dtable", dtable.len()), dim, ids, ("dout", dout.len()))?;
    let isa = opts.resolve_isa(OP)?;
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_unstable_by_key(|&t| (ids[t], t));
    let threads = opts.thread_count();
    let groups = if threads == 1 || dout.len() < PAR_MIN_ELEMENTS { 1 } else { threads };
    let tasks = split_by_rows(&order, ids, groups, vocab, dtable, dim)
        .into_iter()
        .map(|(order, first_row, dtable)| Backward { order, ids, dout, dim, dtable, first_row });
    if groups == 1 {
        tasks.for_each(|task| arch::dispatch(isa, task));
    } else {
        let tasks: Vec<Backward<'_>> = tasks.collect();
        parallel::install(opts.threads, || tasks.into_par_iter().for_each(|task| arch::dispatch(isa, task)));
    }
    Ok(())
}

/// Cuts the sorted tokens into up to `groups` pieces of about as many tokens, each ending where
/// an id does, and hands each its range of rows: `(tokens, first row, rows of dtable)`.
fn split_by_rows<'a>(
    order: &'a [usize],
    ids: &[u32],
    groups: usize,
    vocab: usize,
    dtable: &'a mut [f32],
    dim: usize,
) -> Vec<(&'a [usize], usize, &'a mut [f32])> {
    let mut pieces = Vec::with_capacity(groups);
    let (mut rest, mut table, mut first_row) = (order, dtable, 0);
    for g in 1..groups {
        let target = (order.len() * g / groups).saturating_sub(order.len() - rest.len());
        // Move the cut forward to the first token of a new id.
        let mut cut = target.min(rest.len());
        while cut > 0 && cut < rest.len() && ids[rest[cut]] == ids[rest[cut - 1]] {
            cut += 1;
        }
        if cut == 0 || cut == rest.len() {
            continue;
        }
        let next_row = ids[rest[cut]] as usize;
        let (tokens, later) = rest.split_at(cut);
        let (rows, other_rows) = std::mem::take(&mut table).split_at_mut((next_row - first_row) * dim);
        pieces.push((tokens, first_row, rows));
        (rest, table, first_row) = (later, other_rows, next_row);
    }
    debug_assert_eq!(table.len(), (vocab - first_row) * dim);
    pieces.push((rest, first_row, table));
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_ranges_never_split_an_id() {
        let ids = [3u32, 1, 3, 3, 0, 2, 2, 5];
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_unstable_by_key(|&t| (ids[t], t));
        let mut dtable = vec![0.0f32; 6 * 2];
        for groups in 1..=5 {
            let pieces = split_by_rows(&order, &ids, groups, 6, &mut dtable, 2);
            assert!(pieces.len() <= groups);
            let mut next_row = 0;
            for (tokens, first_row, rows) in &pieces {
                assert_eq!(*first_row, next_row);
                let range = *first_row..first_row + rows.len() / 2;
                assert!(tokens.iter().all(|&t| range.contains(&(ids[t] as usize))), "{groups}: {range:?}");
                next_row = range.end;
            }
            assert_eq!(next_row, 6);
            assert_eq!(pieces.iter().map(|p| p.0.len()).sum::<usize>(), ids.len());
        }
    }
}
