//! The gather of `embedding` and the accumulation of `embedding_backward`, written once over
//! [`Vector`]. The gather copies each token's row, with streaming stores for an output past
//! 4 MiB (`generic::stream`); the accumulation adds each table row's tokens' gradient rows in
//! token order, so that the result does not depend on how the rows were shared out between
//! threads. [`Forward`] and [`Backward`] are the tasks the entry points dispatch for each range
//! of tokens or rows.

use super::stream::{Out, each_out_vector};
use super::sweep::load;
use super::vector::Vector;

/// What every chunk of a gather shares: the table, of rows of `dim`, and whether the call's
/// output is large enough to be written with streaming stores.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Gather<'a> {
    pub table: &'a [f32],
    pub dim: usize,
    pub stream: bool,
}

/// Copies row `ids[t]` of the table to row `t` of `out`, from each row's first aligned vector
/// on with streaming stores if the gather streams.
#[derive(Debug)]
pub(crate) struct Forward<'a> {
    pub gather: Gather<'a>,
    pub ids: &'a [u32],
    /// `ids.len()` rows of `dim`.
    pub out: &'a mut [f32],
}

task!(Forward<'_> => (), |task, k| forward(k, task));

#[inline(always)]
fn forward<K: Vector>(k: K, task: Forward<'_>) {
    let Forward { gather: Gather { table, dim, stream }, ids, out } = task;
    assert_eq!(out.len(), ids.len() * dim, "embedding: the entry point checks the lengths");
    let zero = k.splat(0.0);
    for (&id, row) in ids.iter().zip(out.chunks_exact_mut(dim)) {
        let src = &table[id as usize * dim..][..dim];
        // Plain copies go best through the library's memcpy, and one lane has nothing to
        // stream.
        if !stream || K::LANES == 1 {
            row.copy_from_slice(src);
            continue;
        }
        let out = Out::new::<K>(row.as_mut_ptr(), dim, stream);
        each_out_vector!(K::LANES, out, 0, dim, |i, left| {
            // SAFETY: CPU feature: `k` is the proof. Bounds: i < dim, the length of both rows
            // (the slicing above checks `src`'s); a tail's other lanes are neither read nor
            // stored.
            unsafe { out.put(k, i, left, load(k, src.as_ptr(), i, left, zero)) };
        });
    }
    if stream && K::LANES > 1 {
        k.stream_fence();
    }
}

/// Adds the `dout` rows of the tokens in `order` into the rows of `dtable` they name.
#[derive(Debug)]
pub(crate) struct Backward<'a> {
    /// Token indices sorted by id, tokens of one id in ascending order; every id in
    /// `first_row..first_row + dtable.len() / dim`.
    pub order: &'a [usize],
    pub ids: &'a [u32],
    /// `ids.len()` rows of `dim`.
    pub dout: &'a [f32],
    pub dim: usize,
    /// Rows `first_row..` of the table's gradient.
    pub dtable: &'a mut [f32],
    pub first_row: usize,
}

task!(Backward<'_> => (), |task, k| backward(k, task));

#[inline(always)]
fn backward<K: Vector>(k: K, task: Backward<'_>) {
    let Backward { order, ids, dout, dim, dtable, first_row } = task;
    let mut sum: Vec<f64> = Vec::new();
    for run in order.chunk_by(|&a, &b| ids[a] == ids[b]) {
        let row = (ids[run[0]] as usize - first_row) * dim;
        let dst = &mut dtable[row..row + dim];
        if let [t] = run {
            add_into(k, dst, &dout[t * dim..(t + 1) * dim]);
            continue;
        }
        // A repeated id: the row and all its tokens summed in f64 and rounded once, so the
        // result is within an f32 rounding of the exact sum however the terms cancel.
        sum.clear();
        sum.extend(dst.iter().map(|&v| f64::from(v)));
        for &t in run {
            for (s, &g) in sum.iter_mut().zip(&dout[t * dim..(t + 1) * dim]) {
                *s += f64::from(g);
            }
        }
        for (d, &s) in dst.iter_mut().zip(&sum) {
            *d = s as f32;
        }
    }
}

/// `dst[i] += src[i]`.
///
/// # Panics
/// If the lengths differ (the task slices both as one row).
#[inline(always)]
fn add_into<K: Vector>(k: K, dst: &mut [f32], src: &[f32]) {
    assert_eq!(dst.len(), src.len(), "embedding: rows of one length");
    let (n, lanes) = (dst.len(), K::LANES);
    let (d, s) = (dst.as_mut_ptr(), src.as_ptr());
    let zero = k.splat(0.0);
    let mut i = 0;
    // SAFETY: CPU feature: `k` is the proof. Bounds: both slices hold n elements; full vectors
    // end at i + LANES <= n, the tail covers the last n - i < LANES elements, masked; `dst` is
    // a &mut, so it does not overlap `src`.
    unsafe {
        while i + lanes <= n {
            k.store(d.add(i), k.add(k.load(d.add(i)), k.load(s.add(i))));
            i += lanes;
        }
        if i < n {
            let v = k.add(k.load_tail(d.add(i), n - i, zero), k.load_tail(s.add(i), n - i, zero));
            k.store_tail(d.add(i), n - i, v);
        }
    }
}
