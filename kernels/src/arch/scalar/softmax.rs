//! Scalar softmax family: the same two-pass block algorithm as the SIMD kernels (see
//! `crate::softmax`) with one lane. Rows are processed in place; the out-of-place entry
//! points copy each row first (it is then hot in L1 for both passes).

use super::exp::exp;

/// Elements per block of the online pass: one rescale of the running sum per block.
const BLOCK: usize = 64;

/// Partial results kept per lane of an 8-wide accumulator, so the reductions below have no
/// long loop-carried chain and the compiler can vectorise them.
const PARTIALS: usize = 8;

/// Max of `v` (NaN ignored: the sum catches it), -inf for an empty slice.
#[inline(always)]
fn max_of(v: &[f32]) -> f32 {
    let mut part = [f32::NEG_INFINITY; PARTIALS];
    for chunk in v.chunks(PARTIALS) {
        for (p, &x) in part.iter_mut().zip(chunk) {
            *p = if x > *p { x } else { *p };
        }
    }
    part.iter().fold(f32::NEG_INFINITY, |a, &x| if x > a { x } else { a })
}

/// Sum of `v` in `PARTIALS` interleaved partial sums.
#[inline(always)]
fn sum_of(v: &[f32]) -> f32 {
    let mut part = [0.0f32; PARTIALS];
    for chunk in v.chunks(PARTIALS) {
        for (p, &x) in part.iter_mut().zip(chunk) {
            *p += x;
        }
    }
    part.iter().sum()
}

/// Pass 1 over one row: the online max and sum. With `STORE`, each element is replaced by
/// e^(x - m_b), m_b being the running max after its block, and m_b is pushed to `refs`.
/// Returns (max, sum of e^(x - max)); NaN in the row makes the sum NaN.
#[inline(always)]
fn online<const STORE: bool>(row: &mut [f32], refs: &mut Vec<f32>) -> (f32, f32) {
    let (mut m, mut s) = (f32::NEG_INFINITY, 0.0f32);
    for block in row.chunks_mut(BLOCK) {
        let bm = max_of(block);
        let m_new = if bm > m { bm } else { m };
        // Before any finite element, subtract 0 instead of -inf so -inf - -inf never occurs.
        let m_safe = if m_new == f32::NEG_INFINITY { 0.0 } else { m_new };
        // exp in its own loop (no loop-carried sum) so the compiler can vectorise it.
        let mut e = [0.0f32; BLOCK];
        let e = &mut e[..block.len()];
        for (e, &v) in e.iter_mut().zip(block.iter()) {
            *e = exp(v - m_safe);
        }
        let acc = sum_of(e);
        if STORE {
            block.copy_from_slice(e);
        }
        s = s * exp(m - m_safe) + acc;
        m = m_new;
        if STORE {
            refs.push(m_new);
        }
    }
    (m, s)
}

/// Softmax of every row of `xy` (rows of `cols` elements), in place.
pub(crate) fn softmax_rows_in_place(xy: &mut [f32], cols: usize) {
    let mut refs = Vec::with_capacity(cols.div_ceil(BLOCK));
    for row in xy.chunks_exact_mut(cols) {
        softmax_row(row, &mut refs);
    }
}

/// Softmax of every row of `x` into `y` (same length, rows of `cols` elements).
pub(crate) fn softmax_rows(x: &[f32], y: &mut [f32], cols: usize) {
    let mut refs = Vec::with_capacity(cols.div_ceil(BLOCK));
    for (x, y) in x.chunks_exact(cols).zip(y.chunks_exact_mut(cols)) {
        y.copy_from_slice(x);
        softmax_row(y, &mut refs);
    }
}

fn softmax_row(row: &mut [f32], refs: &mut Vec<f32>) {
    refs.clear();
    let (m, s) = online::<true>(row, refs);
    // A NaN anywhere poisons the sum (even when the max skipped it): NaN row.
    if m.is_nan() || s.is_nan() {
        row.fill(f32::NAN);
        return;
    }
    if m == f32::NEG_INFINITY {
        row.fill(0.0);
        return;
    }
    let inv = 1.0 / s;
    for (block, &m_b) in row.chunks_mut(BLOCK).zip(refs.iter()) {
        let scale = exp(m_b - m) * inv;
        for v in block {
            *v *= scale;
        }
    }
}

/// log_softmax of every row of `xy`, in place.
pub(crate) fn log_softmax_rows_in_place(xy: &mut [f32], cols: usize) {
    for row in xy.chunks_exact_mut(cols) {
        log_softmax_row(row);
    }
}

/// log_softmax of every row of `x` into `y`.
pub(crate) fn log_softmax_rows(x: &[f32], y: &mut [f32], cols: usize) {
    for (x, y) in x.chunks_exact(cols).zip(y.chunks_exact_mut(cols)) {
        y.copy_from_slice(x);
        log_softmax_row(y);
    }
}

fn log_softmax_row(row: &mut [f32]) {
    let (m, s) = online::<false>(row, &mut Vec::new());
    // A NaN anywhere poisons the sum (even when the max skipped it): NaN row.
    if m.is_nan() || s.is_nan() {
        row.fill(f32::NAN);
        return;
    }
    if m == f32::NEG_INFINITY {
        row.fill(f32::NEG_INFINITY);
        return;
    }
    let ls = s.ln();
    for v in row {
        *v = (*v - m) - ls;
    }
}

/// dx = y * (dy - sum(dy * y)) per row.
pub(crate) fn softmax_backward_rows(y: &[f32], dy: &[f32], dx: &mut [f32], cols: usize) {
    for ((y, dy), dx) in y.chunks_exact(cols).zip(dy.chunks_exact(cols)).zip(dx.chunks_exact_mut(cols)) {
        let dot: f32 = y.iter().zip(dy).map(|(&y, &d)| y * d).sum();
        for ((dx, &y), &d) in dx.iter_mut().zip(y).zip(dy) {
            *dx = y * (d - dot);
        }
    }
}

/// dx = dy - e^y_log * sum(dy) per row; zeros for a row whose y_log is all -inf.
pub(crate) fn log_softmax_backward_rows(y_log: &[f32], dy: &[f32], dx: &mut [f32], cols: usize) {
    for ((y, dy), dx) in y_log.chunks_exact(cols).zip(dy.chunks_exact(cols)).zip(dx.chunks_exact_mut(cols)) {
        if y.iter().all(|&v| v == f32::NEG_INFINITY) {
            dx.fill(0.0);
            continue;
        }
        let sum: f32 = dy.iter().sum();
        for ((dx, &y), &d) in dx.iter_mut().zip(y).zip(dy) {
            *dx = d - exp(y) * sum;
        }
    }
}
