//! The accumulation of `embedding_backward`, written once over [`Vector`]: each table row
//! gets its tokens' gradient rows added in token order, so that the result does not depend
//! on how the rows were shared out between threads. [`Backward`] is the task the entry point
//! dispatches for each range of rows.

use super::vector::Vector;

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
