//! AVX-512 softmax family over rows; the algorithm is described in `crate::softmax`.
//! Tails use masked loads (filled with -inf or 0) and masked stores.

use core::arch::x86_64::*;

use super::exp::{exp, exp_nonpositive};

const LANES: usize = 16;
/// Elements per block of the online pass (8 vectors): one rescale of the running sums per
/// block, so the rescaling exp costs an eighth of a vector exp per element.
const BLOCK: usize = 8 * LANES;

/// Mask of the first `len` (< 16) lanes.
#[inline(always)]
fn tail_mask(len: usize) -> __mmask16 {
    ((1u32 << len) - 1) as u16
}

/// One block of the online pass over `len` (<= BLOCK) elements at `x`: updates the per-lane
/// running max `m` and sum `s`; with `STORE`, writes e^(x - m_new) to `y`. Returns m_new.
///
/// # Safety
/// - The CPU must support AVX-512F; call only from AVX-512F code so it inlines there.
/// - `x` valid for `len` reads, `y` for `len` writes when `STORE` (may equal `x`).
#[inline(always)]
unsafe fn online_block<const STORE: bool, const FIRST: bool>(
    x: *const f32,
    y: *mut f32,
    len: usize,
    m: &mut __m512,
    s: &mut __m512,
) -> __m512 {
    let full = len / LANES;
    let rem = len % LANES;
    // SAFETY: avx512f is this function's contract. Bounds: full vectors cover
    // v * 16 + 16 <= len; the rem-lane tail is masked, masked-off lanes are not accessed.
    unsafe {
        let neg_inf = _mm512_set1_ps(f32::NEG_INFINITY);
        let mut bm = neg_inf;
        for v in 0..full {
            bm = _mm512_max_ps(bm, _mm512_loadu_ps(x.add(v * LANES)));
        }
        let mask = tail_mask(rem);
        let tail = if rem > 0 { _mm512_mask_loadu_ps(neg_inf, mask, x.add(full * LANES)) } else { neg_inf };
        bm = _mm512_max_ps(bm, tail);
        let m_new = _mm512_max_ps(*m, bm);
        // Lanes that have seen only -inf subtract 0, so -inf - -inf never makes a NaN.
        let none = _mm512_cmp_ps_mask::<_CMP_EQ_OQ>(m_new, neg_inf);
        let m_safe = _mm512_mask_mov_ps(m_new, none, _mm512_setzero_ps());
        let mut acc = _mm512_setzero_ps();
        for v in 0..full {
            let e = exp_nonpositive(_mm512_sub_ps(_mm512_loadu_ps(x.add(v * LANES)), m_safe));
            if STORE {
                _mm512_storeu_ps(y.add(v * LANES), e);
            }
            acc = _mm512_add_ps(acc, e);
        }
        if rem > 0 {
            let e = exp_nonpositive(_mm512_sub_ps(tail, m_safe));
            if STORE {
                _mm512_mask_storeu_ps(y.add(full * LANES), mask, e);
            }
            acc = _mm512_add_ps(acc, e);
        }
        // The first block of a row starts from s = 0: no rescale (and no exp) needed.
        *s = if FIRST { acc } else { _mm512_fmadd_ps(*s, exp_nonpositive(_mm512_sub_ps(*m, m_safe)), acc) };
        *m = m_new;
        m_new
    }
}

/// [`online_block`] for a whole block of 8 vectors, with the max and the sum taken as trees
/// so the block's dependency chain is short (the loop over blocks is latency-bound otherwise).
///
/// # Safety
/// - The CPU must support AVX-512F; call only from AVX-512F code so it inlines there.
/// - `x` valid for `BLOCK` reads, `y` for `BLOCK` writes when `STORE` (may equal `x`).
#[inline(always)]
unsafe fn online_full_block<const STORE: bool, const FIRST: bool>(
    x: *const f32,
    y: *mut f32,
    m: &mut __m512,
    s: &mut __m512,
) -> __m512 {
    // SAFETY: avx512f is this function's contract. Bounds: vector v reads and writes
    // [v * 16, v * 16 + 16) with v < 8, inside the BLOCK elements the caller vouches for.
    unsafe {
        // Plain loops, not array::from_fn: a closure would not inherit the target feature.
        let mut v = [_mm512_setzero_ps(); 8];
        for (k, v) in v.iter_mut().enumerate() {
            *v = _mm512_loadu_ps(x.add(k * LANES));
        }
        let bm = _mm512_max_ps(
            _mm512_max_ps(_mm512_max_ps(v[0], v[1]), _mm512_max_ps(v[2], v[3])),
            _mm512_max_ps(_mm512_max_ps(v[4], v[5]), _mm512_max_ps(v[6], v[7])),
        );
        let m_new = _mm512_max_ps(*m, bm);
        // Lanes that have seen only -inf subtract 0, so -inf - -inf never makes a NaN.
        let none = _mm512_cmp_ps_mask::<_CMP_EQ_OQ>(m_new, _mm512_set1_ps(f32::NEG_INFINITY));
        let m_safe = _mm512_mask_mov_ps(m_new, none, _mm512_setzero_ps());
        let mut e = [_mm512_setzero_ps(); 8];
        for (k, e) in e.iter_mut().enumerate() {
            *e = exp_nonpositive(_mm512_sub_ps(v[k], m_safe));
            if STORE {
                _mm512_storeu_ps(y.add(k * LANES), *e);
            }
        }
        let acc = _mm512_add_ps(
            _mm512_add_ps(_mm512_add_ps(e[0], e[1]), _mm512_add_ps(e[2], e[3])),
            _mm512_add_ps(_mm512_add_ps(e[4], e[5]), _mm512_add_ps(e[6], e[7])),
        );
        // The first block of a row starts from s = 0: no rescale (and no exp) needed.
        *s = if FIRST { acc } else { _mm512_fmadd_ps(*s, exp_nonpositive(_mm512_sub_ps(*m, m_safe)), acc) };
        *m = m_new;
        m_new
    }
}

/// Folds the per-lane (max, sum) into the row's (max, sum of e^(x - max)).
///
/// # Safety
/// The CPU must support AVX-512F; call only from AVX-512F code so it inlines there.
#[inline(always)]
unsafe fn reduce(m: __m512, s: __m512) -> (f32, f32) {
    // SAFETY: avx512f is this function's contract; registers only.
    unsafe {
        let max = _mm512_reduce_max_ps(m);
        // An all -inf row has max -inf; subtract 0 there so no lane computes -inf - -inf.
        let shift = if max == f32::NEG_INFINITY { 0.0 } else { max };
        let rescaled = _mm512_mul_ps(s, exp_nonpositive(_mm512_sub_ps(m, _mm512_set1_ps(shift))));
        (max, _mm512_reduce_add_ps(rescaled))
    }
}

/// Fills `len` elements at `y` with `v`.
///
/// # Safety
/// The CPU must support AVX-512F; `y` valid for `len` writes.
#[inline(always)]
unsafe fn fill(y: *mut f32, len: usize, v: f32) {
    // SAFETY: avx512f is this function's contract; i + 16 <= len for full stores, the tail
    // store is masked to the remaining lanes.
    unsafe {
        let v = _mm512_set1_ps(v);
        let mut i = 0;
        while i + LANES <= len {
            _mm512_storeu_ps(y.add(i), v);
            i += LANES;
        }
        if i < len {
            _mm512_mask_storeu_ps(y.add(i), tail_mask(len - i), v);
        }
    }
}

/// Pass 1 of softmax over one row: stores e^(x - m_block) into `y` and each block's running
/// max into `refs`; returns the row's (max, sum of e^(x - max)).
///
/// # Safety
/// - The CPU must support AVX-512F; call only from AVX-512F code so it inlines there.
/// - `x` valid for `cols` reads, `y` for `cols` writes (may equal `x`).
#[inline(always)]
unsafe fn softmax_pass1(x: *const f32, y: *mut f32, cols: usize, refs: &mut Vec<__m512>) -> (f32, f32) {
    refs.clear();
    // SAFETY: avx512f is this function's contract. Bounds: block i covers
    // [i, i + len) with i + len <= cols.
    unsafe {
        let mut m = _mm512_set1_ps(f32::NEG_INFINITY);
        let mut s = _mm512_setzero_ps();
        let mut i = 0;
        while i < cols {
            let len = BLOCK.min(cols - i);
            let m_b = if len == BLOCK {
                if i == 0 {
                    online_full_block::<true, true>(x.add(i), y.add(i), &mut m, &mut s)
                } else {
                    online_full_block::<true, false>(x.add(i), y.add(i), &mut m, &mut s)
                }
            } else {
                if i == 0 {
                    online_block::<true, true>(x.add(i), y.add(i), len, &mut m, &mut s)
                } else {
                    online_block::<true, false>(x.add(i), y.add(i), len, &mut m, &mut s)
                }
            };
            refs.push(m_b);
            i += len;
        }
        reduce(m, s)
    }
}

/// Pass 2 of softmax over one row: scales each block of `y` by e^(m_block - max) / sum, or
/// writes the NaN / all -inf row.
///
/// # Safety
/// - The CPU must support AVX-512F; call only from AVX-512F code so it inlines there.
/// - `y` valid for `cols` reads and writes; `refs` as left by [`softmax_pass1`] for it.
#[inline(always)]
unsafe fn softmax_pass2(y: *mut f32, cols: usize, refs: &[__m512], (max, sum): (f32, f32)) {
    // SAFETY: avx512f is this function's contract. Bounds: the blocks partition [0, cols)
    // exactly as pass 1 did; full vectors end at i + 16 <= end <= cols, tails are masked.
    unsafe {
        // A NaN anywhere poisons the sum (even when the max skipped it): NaN row.
        if max.is_nan() || sum.is_nan() {
            fill(y, cols, f32::NAN);
            return;
        }
        if max == f32::NEG_INFINITY {
            fill(y, cols, 0.0);
            return;
        }
        let inv = _mm512_set1_ps(1.0 / sum);
        let max = _mm512_set1_ps(max);
        let mut i = 0;
        for &m_b in refs {
            // e was taken relative to m_b; rescale it to the row max and normalise.
            let scale = _mm512_mul_ps(exp_nonpositive(_mm512_sub_ps(m_b, max)), inv);
            let end = (i + BLOCK).min(cols);
            while i + LANES <= end {
                let p = y.add(i);
                _mm512_storeu_ps(p, _mm512_mul_ps(_mm512_loadu_ps(p), scale));
                i += LANES;
            }
            if i < end {
                let mask = tail_mask(end - i);
                let p = y.add(i);
                let v = _mm512_maskz_loadu_ps(mask, p);
                _mm512_mask_storeu_ps(p, mask, _mm512_mul_ps(v, scale));
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
/// - The CPU must support AVX-512F (`Isa::Avx512` is only handed out after detection).
/// - `x` valid for `rows * cols` reads and `y` for as many writes; `y` may equal `x` (in
///   place) but must not otherwise overlap it.
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn softmax_rows(x: *const f32, y: *mut f32, rows: usize, cols: usize) {
    let blocks = cols.div_ceil(BLOCK);
    let mut refs: Vec<__m512> = Vec::with_capacity(blocks);
    let mut prev_refs: Vec<__m512> = Vec::with_capacity(blocks);
    let mut prev: Option<(usize, (f32, f32))> = None;
    for r in 0..rows {
        // SAFETY: avx512f is enabled on this function. Bounds: rows r and r - 1 span
        // [r * cols, r * cols + cols) <= rows * cols; pass 2 touches row r - 1 only, which
        // pass 1 of row r does not.
        unsafe {
            let stats = softmax_pass1(x.add(r * cols), y.add(r * cols), cols, &mut refs);
            if let Some((p, prev_stats)) = prev {
                softmax_pass2(y.add(p * cols), cols, &prev_refs, prev_stats);
            }
            prev = Some((r, stats));
        }
        std::mem::swap(&mut refs, &mut prev_refs);
    }
    if let Some((p, stats)) = prev {
        // SAFETY: avx512f is enabled on this function; row p < rows lies inside y.
        unsafe { softmax_pass2(y.add(p * cols), cols, &prev_refs, stats) };
    }
}

/// log_softmax of `rows` rows of `cols` elements from `x` into `y`.
///
/// # Safety
/// Same as [`softmax_rows`].
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn log_softmax_rows(x: *const f32, y: *mut f32, rows: usize, cols: usize) {
    for r in 0..rows {
        // SAFETY: avx512f is enabled on this function. Bounds: row r spans
        // [r * cols, r * cols + cols) <= rows * cols; blocks and vectors stay inside it.
        unsafe {
            let (x, y) = (x.add(r * cols), y.add(r * cols));
            let mut m = _mm512_set1_ps(f32::NEG_INFINITY);
            let mut s = _mm512_setzero_ps();
            let mut i = 0;
            while i < cols {
                let len = BLOCK.min(cols - i);
                if len == BLOCK {
                    if i == 0 {
                        online_full_block::<false, true>(x.add(i), y.add(i), &mut m, &mut s)
                    } else {
                        online_full_block::<false, false>(x.add(i), y.add(i), &mut m, &mut s)
                    };
                } else {
                    if i == 0 {
                        online_block::<false, true>(x.add(i), y.add(i), len, &mut m, &mut s)
                    } else {
                        online_block::<false, false>(x.add(i), y.add(i), len, &mut m, &mut s)
                    };
                }
                i += len;
            }
            let (max, sum) = reduce(m, s);
            // A NaN anywhere poisons the sum (even when the max skipped it): NaN row.
            if max.is_nan() || sum.is_nan() {
                fill(y, cols, f32::NAN);
                continue;
            }
            if max == f32::NEG_INFINITY {
                fill(y, cols, f32::NEG_INFINITY);
                continue;
            }
            let ls = _mm512_set1_ps(sum.ln());
            let max = _mm512_set1_ps(max);
            let mut i = 0;
            while i + LANES <= cols {
                let v = _mm512_loadu_ps(x.add(i));
                _mm512_storeu_ps(y.add(i), _mm512_sub_ps(_mm512_sub_ps(v, max), ls));
                i += LANES;
            }
            if i < cols {
                let mask = tail_mask(cols - i);
                let v = _mm512_maskz_loadu_ps(mask, x.add(i));
                let out = _mm512_sub_ps(_mm512_sub_ps(v, max), ls);
                _mm512_mask_storeu_ps(y.add(i), mask, out);
            }
        }
    }
}

/// dx = y * (dy - sum(dy * y)) per row.
///
/// # Safety
/// - The CPU must support AVX-512F (`Isa::Avx512` is only handed out after detection).
/// - `y` and `dy` valid for `rows * cols` reads, `dx` for as many writes, `dx` not
///   overlapping the inputs.
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn softmax_backward_rows(
    y: *const f32,
    dy: *const f32,
    dx: *mut f32,
    rows: usize,
    cols: usize,
) {
    for r in 0..rows {
        // SAFETY: avx512f is enabled on this function. Bounds: row r spans
        // [r * cols, r * cols + cols) <= rows * cols; full vectors end at i + 16 <= cols,
        // tails are masked.
        unsafe {
            let (y, dy, dx) = (y.add(r * cols), dy.add(r * cols), dx.add(r * cols));
            let mut acc = [_mm512_setzero_ps(); 2];
            let mut i = 0;
            while i + LANES <= cols {
                let k = (i / LANES) & 1;
                acc[k] = _mm512_fmadd_ps(_mm512_loadu_ps(y.add(i)), _mm512_loadu_ps(dy.add(i)), acc[k]);
                i += LANES;
            }
            let mask = tail_mask(cols - i);
            if i < cols {
                let (a, b) = (_mm512_maskz_loadu_ps(mask, y.add(i)), _mm512_maskz_loadu_ps(mask, dy.add(i)));
                acc[0] = _mm512_fmadd_ps(a, b, acc[0]);
            }
            let dot = _mm512_set1_ps(_mm512_reduce_add_ps(_mm512_add_ps(acc[0], acc[1])));
            let mut i = 0;
            while i + LANES <= cols {
                let g = _mm512_sub_ps(_mm512_loadu_ps(dy.add(i)), dot);
                _mm512_storeu_ps(dx.add(i), _mm512_mul_ps(_mm512_loadu_ps(y.add(i)), g));
                i += LANES;
            }
            if i < cols {
                let g = _mm512_sub_ps(_mm512_maskz_loadu_ps(mask, dy.add(i)), dot);
                let out = _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, y.add(i)), g);
                _mm512_mask_storeu_ps(dx.add(i), mask, out);
            }
        }
    }
}

/// dx = dy - e^y_log * sum(dy) per row; zeros for a row whose y_log is all -inf.
///
/// # Safety
/// Same as [`softmax_backward_rows`].
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn log_softmax_backward_rows(
    y_log: *const f32,
    dy: *const f32,
    dx: *mut f32,
    rows: usize,
    cols: usize,
) {
    for r in 0..rows {
        // SAFETY: avx512f is enabled on this function. Bounds: row r spans
        // [r * cols, r * cols + cols) <= rows * cols; full vectors end at i + 16 <= cols,
        // tails are masked.
        unsafe {
            let (y, dy, dx) = (y_log.add(r * cols), dy.add(r * cols), dx.add(r * cols));
            let neg_inf = _mm512_set1_ps(f32::NEG_INFINITY);
            let mut sum = _mm512_setzero_ps();
            // Lanes that held anything but -inf (NaN included).
            let mut live: __mmask16 = 0;
            let mut i = 0;
            while i + LANES <= cols {
                sum = _mm512_add_ps(sum, _mm512_loadu_ps(dy.add(i)));
                live |= _mm512_cmp_ps_mask::<_CMP_NEQ_UQ>(_mm512_loadu_ps(y.add(i)), neg_inf);
                i += LANES;
            }
            let mask = tail_mask(cols - i);
            if i < cols {
                sum = _mm512_add_ps(sum, _mm512_maskz_loadu_ps(mask, dy.add(i)));
                let v = _mm512_mask_loadu_ps(neg_inf, mask, y.add(i));
                live |= _mm512_cmp_ps_mask::<_CMP_NEQ_UQ>(v, neg_inf);
            }
            // An all -inf row came from a fully masked input: its gradient is zero.
            if live == 0 {
                fill(dx, cols, 0.0);
                continue;
            }
            let sum = _mm512_set1_ps(_mm512_reduce_add_ps(sum));
            let mut i = 0;
            while i + LANES <= cols {
                let e = exp(_mm512_loadu_ps(y.add(i)));
                _mm512_storeu_ps(dx.add(i), _mm512_fnmadd_ps(e, sum, _mm512_loadu_ps(dy.add(i))));
                i += LANES;
            }
            if i < cols {
                let e = exp(_mm512_maskz_loadu_ps(mask, y.add(i)));
                let out = _mm512_fnmadd_ps(e, sum, _mm512_maskz_loadu_ps(mask, dy.add(i)));
                _mm512_mask_storeu_ps(dx.add(i), mask, out);
            }
        }
    }
}
