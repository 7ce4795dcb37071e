//! The softmax family over rows (softmax, log_softmax and their backward passes), written once
//! over [`Vector`]; the algorithm is described in `crate::softmax`. [`Forward`] and
//! [`Backward`] are the tasks the entry points dispatch for each chunk of rows.
//!
//! Everything here is `#[inline(always)]` so that each ISA's `#[target_feature]` entry point
//! compiles the whole routine, vector operations included, for that ISA. Rows are raw pointers
//! inside because the forward passes may run in place (`y == x`).

use super::vector::Vector;

/// The rows a forward pass reads and writes: two slices of equal length, or one in place.
#[derive(Debug)]
pub(crate) enum Rows<'a> {
    Split(&'a [f32], &'a mut [f32]),
    InPlace(&'a mut [f32]),
}

/// softmax (or, with `log`, log_softmax) of every row of `cols` elements.
#[derive(Debug)]
pub(crate) struct Forward<'a> {
    pub log: bool,
    pub rows: Rows<'a>,
    pub cols: usize,
}

task!(Forward<'_> => (), |task, k| forward(k, task));

#[inline(always)]
fn forward<K: Vector>(k: K, task: Forward<'_>) {
    let Forward { log, mut rows, cols } = task;
    let (x, y, len) = match &mut rows {
        Rows::Split(x, y) => {
            assert_eq!(x.len(), y.len(), "softmax: the entry point checks equal lengths");
            (x.as_ptr(), y.as_mut_ptr(), x.len())
        }
        Rows::InPlace(xy) => {
            let p = xy.as_mut_ptr();
            (p.cast_const(), p, xy.len())
        }
    };
    assert!(cols > 0 && len.is_multiple_of(cols), "softmax: the entry point checks whole rows");
    // SAFETY: CPU feature: `k` is the proof. Bounds: x and y each cover rows * cols = len
    // elements of live slices, either two distinct slices or the very same one (in place), as
    // the routines allow.
    unsafe {
        if log {
            log_softmax_rows(k, x, y, len / cols, cols);
        } else {
            softmax_rows(k, x, y, len / cols, cols);
        }
    }
}

/// The gradient of softmax (given its output `y`) or, with `log`, of log_softmax (given its
/// output in `y`), for every row of `cols` elements.
#[derive(Debug)]
pub(crate) struct Backward<'a> {
    pub log: bool,
    pub y: &'a [f32],
    pub dy: &'a [f32],
    pub dx: &'a mut [f32],
    pub cols: usize,
}

task!(Backward<'_> => (), |task, k| backward(k, task));

#[inline(always)]
fn backward<K: Vector>(k: K, task: Backward<'_>) {
    let Backward { log, y, dy, dx, cols } = task;
    let len = y.len();
    assert!(dy.len() == len && dx.len() == len, "softmax: the entry point checks equal lengths");
    assert!(cols > 0 && len.is_multiple_of(cols), "softmax: the entry point checks whole rows");
    let rows = y.chunks_exact(cols).zip(dy.chunks_exact(cols)).zip(dx.chunks_exact_mut(cols));
    for ((y, dy), dx) in rows {
        let (y, dy, dx) = (y.as_ptr(), dy.as_ptr(), dx.as_mut_ptr());
        // SAFETY: CPU feature: `k` is the proof. Bounds: y, dy and dx are rows of `cols`
        // elements of live slices, and dx, a &mut, cannot overlap the shared y and dy.
        unsafe {
            if log {
                log_softmax_backward_row(k, y, dy, dx, cols);
            } else {
                softmax_backward_row(k, y, dy, dx, cols);
            }
        }
    }
}

/// Vectors per block of the online pass: one rescale of the running sums per block, so the
/// rescaling exp costs an eighth of a vector exp per element.
const BLOCK_VECS: usize = 8;

/// One block of the online pass over `len` (<= a block) elements at `x`: updates the per-lane
/// running max `m` and sum `s`; with `STORE`, writes e^(x - m_new) to `y`. Returns m_new.
///
/// # Safety
/// `x` valid for `len` reads, `y` for `len` writes when `STORE` (may equal `x`).
#[inline(always)]
unsafe fn online_block<K: Vector, const STORE: bool, const FIRST: bool>(
    k: K,
    x: *const f32,
    y: *mut f32,
    len: usize,
    m: &mut K::V,
    s: &mut K::V,
) -> K::V {
    let lanes = K::LANES;
    let (full, rem) = (len / lanes, len % lanes);
    let neg_inf = k.splat(f32::NEG_INFINITY);
    let mut bm = neg_inf;
    // SAFETY: CPU feature: `k` is the proof. Bounds: full vectors end at v * lanes + lanes
    // <= len; the rem-lane tail is masked, masked-off lanes are not accessed.
    let tail = unsafe {
        for v in 0..full {
            bm = k.max(bm, k.load(x.add(v * lanes)));
        }
        if rem > 0 { k.load_tail(x.add(full * lanes), rem, neg_inf) } else { neg_inf }
    };
    bm = k.max(bm, tail);
    let m_new = k.max(*m, bm);
    // Lanes that have seen only -inf subtract 0, so -inf - -inf never makes a NaN.
    let m_safe = k.select(k.eq(m_new, neg_inf), k.splat(0.0), m_new);
    let mut acc = k.splat(0.0);
    // SAFETY: CPU feature: `k` is the proof. Bounds: as above, over the same vectors of x
    // and, when STORE, of y.
    unsafe {
        for v in 0..full {
            let e = k.exp_small(k.sub(k.load(x.add(v * lanes)), m_safe));
            if STORE {
                k.store(y.add(v * lanes), e);
            }
            acc = k.add(acc, e);
        }
        if rem > 0 {
            let e = k.exp_small(k.sub(tail, m_safe));
            if STORE {
                k.store_tail(y.add(full * lanes), rem, e);
            }
            acc = k.add(acc, e);
        }
    }
    // The first block of a row starts from s = 0: no rescale (and no exp) needed.
    *s = if FIRST { acc } else { k.mul_add(*s, k.exp_nonpositive(k.sub(*m, m_safe)), acc) };
    *m = m_new;
    m_new
}

/// [`online_block`] for a whole block of 8 vectors, with the max and the sum taken as trees
/// so the block's dependency chain is short (the loop over blocks is latency-bound otherwise).
///
/// # Safety
/// `x` valid for `8 * LANES` reads, `y` for as many writes when `STORE` (may equal `x`).
#[inline(always)]
unsafe fn online_full_block<K: Vector, const STORE: bool, const FIRST: bool>(
    k: K,
    x: *const f32,
    y: *mut f32,
    m: &mut K::V,
    s: &mut K::V,
) -> K::V {
    let zero = k.splat(0.0);
    // Plain loops, not array::from_fn: a closure would not inherit the target feature.
    let mut v = [zero; BLOCK_VECS];
    for (j, v) in v.iter_mut().enumerate() {
        // SAFETY: CPU feature: `k` is the proof. Bounds: vector j < 8 reads
        // [j * LANES, j * LANES + LANES), inside the block the caller vouches for.
        *v = unsafe { k.load(x.add(j * K::LANES)) };
    }
    let bm = k.max(k.max(k.max(v[0], v[1]), k.max(v[2], v[3])), k.max(k.max(v[4], v[5]), k.max(v[6], v[7])));
    let m_new = k.max(*m, bm);
    // Lanes that have seen only -inf subtract 0, so -inf - -inf never makes a NaN.
    let m_safe = k.select(k.eq(m_new, k.splat(f32::NEG_INFINITY)), zero, m_new);
    let mut e = [zero; BLOCK_VECS];
    for (j, e) in e.iter_mut().enumerate() {
        *e = k.exp_small(k.sub(v[j], m_safe));
        if STORE {
            // SAFETY: CPU feature: `k` is the proof. Bounds: as the load of vector j, in y.
            unsafe { k.store(y.add(j * K::LANES), *e) };
        }
    }
    let acc = k.add(k.add(k.add(e[0], e[1]), k.add(e[2], e[3])), k.add(k.add(e[4], e[5]), k.add(e[6], e[7])));
    // The first block of a row starts from s = 0: no rescale (and no exp) needed.
    *s = if FIRST { acc } else { k.mul_add(*s, k.exp_nonpositive(k.sub(*m, m_safe)), acc) };
    *m = m_new;
    m_new
}

/// The online pass over one row of `cols` elements; pushes every block's running max onto
/// `refs` (if given) and returns the per-lane (max, sum).
///
/// # Safety
/// `x` valid for `cols` reads, `y` for `cols` writes when `STORE` (may equal `x`).
#[inline(always)]
unsafe fn online_row<K: Vector, const STORE: bool>(
    k: K,
    x: *const f32,
    y: *mut f32,
    cols: usize,
    mut refs: Option<&mut Vec<K::V>>,
) -> (K::V, K::V) {
    let block = BLOCK_VECS * K::LANES;
    let mut m = k.splat(f32::NEG_INFINITY);
    let mut s = k.splat(0.0);
    let mut i = 0;
    while i < cols {
        let len = block.min(cols - i);
        let (x, y) = (x.wrapping_add(i), y.wrapping_add(i));
        // SAFETY: CPU feature: `k` is the proof. Bounds: this block covers [i, i + len) with
        // i + len <= cols.
        let m_b = unsafe {
            match (len == block, i == 0) {
                (true, true) => online_full_block::<K, STORE, true>(k, x, y, &mut m, &mut s),
                (true, false) => online_full_block::<K, STORE, false>(k, x, y, &mut m, &mut s),
                (false, true) => online_block::<K, STORE, true>(k, x, y, len, &mut m, &mut s),
                (false, false) => online_block::<K, STORE, false>(k, x, y, len, &mut m, &mut s),
            }
        };
        if let Some(refs) = refs.as_deref_mut() {
            refs.push(m_b);
        }
        i += len;
    }
    (m, s)
}

/// Folds the per-lane (max, sum) into the row's (max, sum of e^(x - max)).
#[inline(always)]
fn reduce<K: Vector>(k: K, (m, s): (K::V, K::V)) -> (f32, f32) {
    let max = k.reduce_max(m);
    // An all -inf row has max -inf; subtract 0 there so no lane computes -inf - -inf.
    let shift = if max == f32::NEG_INFINITY { 0.0 } else { max };
    let rescaled = k.mul(s, k.exp_nonpositive(k.sub(m, k.splat(shift))));
    (max, k.reduce_add(rescaled))
}

/// Fills `len` elements at `y` with `v`.
///
/// # Safety
/// `y` valid for `len` writes.
#[inline(always)]
unsafe fn fill<K: Vector>(k: K, y: *mut f32, len: usize, v: f32) {
    let v = k.splat(v);
    let mut i = 0;
    // SAFETY: CPU feature: `k` is the proof. Bounds: i + LANES <= len for full stores, the
    // tail store is masked to the remaining lanes.
    unsafe {
        while i + K::LANES <= len {
            k.store(y.add(i), v);
            i += K::LANES;
        }
        if i < len {
            k.store_tail(y.add(i), len - i, v);
        }
    }
}

/// Pass 2 of softmax over one row: scales each block of `y` by e^(m_block - max) / sum, or
/// writes the NaN / all -inf row.
///
/// # Safety
/// `y` valid for `cols` reads and writes; `refs` the block maxima pass 1 left for it.
#[inline(always)]
unsafe fn softmax_pass2<K: Vector>(k: K, y: *mut f32, cols: usize, refs: &[K::V], (max, sum): (f32, f32)) {
    // SAFETY: CPU feature: `k` is the proof. Bounds: the blocks partition [0, cols) exactly
    // as pass 1 did; full vectors end at i + LANES <= end <= cols, tails are masked.
    unsafe {
        // A NaN anywhere poisons the sum (even when the max skipped it): NaN row.
        if max.is_nan() || sum.is_nan() {
            fill(k, y, cols, f32::NAN);
            return;
        }
        if max == f32::NEG_INFINITY {
            fill(k, y, cols, 0.0);
            return;
        }
        let inv = k.splat(1.0 / sum);
        let max = k.splat(max);
        let mut i = 0;
        for &m_b in refs {
            // e was taken relative to m_b; rescale it to the row max and normalise.
            let scale = k.mul(k.exp_nonpositive(k.sub(m_b, max)), inv);
            let end = (i + BLOCK_VECS * K::LANES).min(cols);
            while i + K::LANES <= end {
                let p = y.add(i);
                k.store(p, k.mul(k.load(p), scale));
                i += K::LANES;
            }
            if i < end {
                let p = y.add(i);
                let v = k.load_tail(p, end - i, k.splat(0.0));
                k.store_tail(p, end - i, k.mul(v, scale));
                i = end;
            }
        }
    }
}

/// Softmax of `rows` rows of `cols` elements from `x` into `y`.
///
/// Pass 2 of a row runs after pass 1 of the next, so the row's serial tail (fold the lanes,
/// divide, rescale) overlaps independent work instead of stalling short rows.
///
/// # Safety
/// `x` valid for `rows * cols` reads and `y` for as many writes; `y` may equal `x` (in place)
/// but must not otherwise overlap it.
#[inline(always)]
unsafe fn softmax_rows<K: Vector>(k: K, x: *const f32, y: *mut f32, rows: usize, cols: usize) {
    let blocks = cols.div_ceil(BLOCK_VECS * K::LANES);
    let mut refs: Vec<K::V> = Vec::with_capacity(blocks);
    let mut prev_refs: Vec<K::V> = Vec::with_capacity(blocks);
    let mut prev: Option<(usize, (f32, f32))> = None;
    for r in 0..rows {
        refs.clear();
        // SAFETY: CPU feature: `k` is the proof. Bounds: rows r and r - 1 span
        // [r * cols, r * cols + cols) <= rows * cols; pass 2 touches row r - 1 only, which
        // pass 1 of row r does not.
        unsafe {
            let lanes = online_row::<K, true>(k, x.add(r * cols), y.add(r * cols), cols, Some(&mut refs));
            let stats = reduce(k, lanes);
            if let Some((p, prev_stats)) = prev {
                softmax_pass2(k, y.add(p * cols), cols, &prev_refs, prev_stats);
            }
            prev = Some((r, stats));
        }
        std::mem::swap(&mut refs, &mut prev_refs);
    }
    if let Some((p, stats)) = prev {
        // SAFETY: CPU feature: `k` is the proof. Bounds: row p < rows lies inside y.
        unsafe { softmax_pass2(k, y.add(p * cols), cols, &prev_refs, stats) };
    }
}

/// log_softmax of `rows` rows of `cols` elements from `x` into `y`.
///
/// # Safety
/// Same as [`softmax_rows`].
#[inline(always)]
unsafe fn log_softmax_rows<K: Vector>(k: K, x: *const f32, y: *mut f32, rows: usize, cols: usize) {
    let lanes = K::LANES;
    for r in 0..rows {
        // SAFETY: CPU feature: `k` is the proof. Bounds: row r spans [r * cols, r * cols + cols)
        // <= rows * cols; blocks and vectors stay inside it, tails are masked.
        unsafe {
            let (x, y) = (x.add(r * cols), y.add(r * cols));
            let (max, sum) = reduce(k, online_row::<K, false>(k, x, y, cols, None));
            // A NaN anywhere poisons the sum (even when the max skipped it): NaN row.
            if max.is_nan() || sum.is_nan() {
                fill(k, y, cols, f32::NAN);
                continue;
            }
            if max == f32::NEG_INFINITY {
                fill(k, y, cols, f32::NEG_INFINITY);
                continue;
            }
            let ls = k.splat(sum.ln());
            let max = k.splat(max);
            let mut i = 0;
            while i + lanes <= cols {
                let v = k.load(x.add(i));
                k.store(y.add(i), k.sub(k.sub(v, max), ls));
                i += lanes;
            }
            if i < cols {
                let v = k.load_tail(x.add(i), cols - i, k.splat(0.0));
                k.store_tail(y.add(i), cols - i, k.sub(k.sub(v, max), ls));
            }
        }
    }
}

/// dx = y * (dy - sum(dy * y)) for one row.
///
/// # Safety
/// `y` and `dy` valid for `cols` reads, `dx` for as many writes, `dx` not overlapping the
/// inputs.
#[inline(always)]
unsafe fn softmax_backward_row<K: Vector>(k: K, y: *const f32, dy: *const f32, dx: *mut f32, cols: usize) {
    let lanes = K::LANES;
    // SAFETY: CPU feature: `k` is the proof. Bounds: full vectors end at i + LANES <= cols,
    // tails are masked.
    unsafe {
        let zero = k.splat(0.0);
        let mut acc = [zero; 2];
        let mut i = 0;
        while i + lanes <= cols {
            let j = (i / lanes) & 1;
            acc[j] = k.mul_add(k.load(y.add(i)), k.load(dy.add(i)), acc[j]);
            i += lanes;
        }
        let rem = cols - i;
        if rem > 0 {
            let (a, b) = (k.load_tail(y.add(i), rem, zero), k.load_tail(dy.add(i), rem, zero));
            acc[0] = k.mul_add(a, b, acc[0]);
        }
        let dot = k.splat(k.reduce_add(k.add(acc[0], acc[1])));
        let mut i = 0;
        while i + lanes <= cols {
            let g = k.sub(k.load(dy.add(i)), dot);
            k.store(dx.add(i), k.mul(k.load(y.add(i)), g));
            i += lanes;
        }
        if rem > 0 {
            let g = k.sub(k.load_tail(dy.add(i), rem, zero), dot);
            k.store_tail(dx.add(i), rem, k.mul(k.load_tail(y.add(i), rem, zero), g));
        }
    }
}

/// dx = dy - e^y_log * sum(dy) for one row; zeros where y_log is all -inf.
///
/// # Safety
/// Same as [`softmax_backward_row`].
#[inline(always)]
unsafe fn log_softmax_backward_row<K: Vector>(
    k: K,
    y: *const f32,
    dy: *const f32,
    dx: *mut f32,
    cols: usize,
) {
    let lanes = K::LANES;
    // SAFETY: CPU feature: `k` is the proof. Bounds: full vectors end at i + LANES <= cols,
    // tails are masked.
    unsafe {
        let zero = k.splat(0.0);
        let neg_inf = k.splat(f32::NEG_INFINITY);
        let mut sum = zero;
        // Lanes that held anything but -inf (NaN included).
        let mut live = k.no_lanes();
        let mut i = 0;
        while i + lanes <= cols {
            sum = k.add(sum, k.load(dy.add(i)));
            live = k.or_mask(live, k.ne(k.load(y.add(i)), neg_inf));
            i += lanes;
        }
        let rem = cols - i;
        if rem > 0 {
            sum = k.add(sum, k.load_tail(dy.add(i), rem, zero));
            live = k.or_mask(live, k.ne(k.load_tail(y.add(i), rem, neg_inf), neg_inf));
        }
        // An all -inf row came from a fully masked input: its gradient is zero.
        if !k.any(live) {
            fill(k, dx, cols, 0.0);
            return;
        }
        let sum = k.splat(k.reduce_add(sum));
        let mut i = 0;
        while i + lanes <= cols {
            let e = k.exp(k.load(y.add(i)));
            k.store(dx.add(i), k.neg_mul_add(e, sum, k.load(dy.add(i))));
            i += lanes;
        }
        if rem > 0 {
            let e = k.exp(k.load_tail(y.add(i), rem, zero));
            k.store_tail(dx.add(i), rem, k.neg_mul_add(e, sum, k.load_tail(dy.add(i), rem, zero)));
        }
    }
}
